"""The inspector's causal history and the notification batches the app draws from."""

from pyrapide import Event
from pyrapide.patterns import PatternMatch
from pyrapide.runtime.notifications import (
    ConstraintCheckError,
    ConstraintGuardError,
    DispatchFinished,
    EventRecorded,
    GuardError,
    HandlerError,
    LimitReached,
)
from rapide_shell import notices
from rapide_shell.tui.live import NotificationBatch
from rapide_shell.tui.widgets.inspector import causal_history


def _events(*names):
    return [Event(name, id=f"e{i}") for i, name in enumerate(names, start=1)]


def test_history_walks_back_to_the_roots_and_expands_a_shared_ancestor_once():
    root, middle, left, right, join = _events("A.root", "M.mid", "B.left", "C.right", "D.join")
    causes = {
        join.id: [left, right], left.id: [middle], right.id: [middle],
        middle.id: [root], root.id: [],
    }
    lines = causal_history(join, lambda e: causes[e.id])
    assert lines == [
        "e5 D.join",
        "├─ e3 B.left",
        "│  └─ e2 M.mid",
        "│     └─ e1 A.root  (root)",
        "└─ e4 C.right",
        "   └─ e2 M.mid  (above)",
    ]


def test_history_of_a_long_chain_is_cut_and_stays_narrow():
    chain = _events(*[f"X.step{i}" for i in range(500)])
    causes = {event.id: [chain[i - 1]] if i else [] for i, event in enumerate(chain)}
    lines = causal_history(chain[-1], lambda e: causes[e.id], limit=40)
    assert len(lines) == 41
    assert "cut after 40 lines" in lines[-1]
    assert max(len(line) for line in lines) < 60


def test_batch_folds_events_counts_and_problems():
    (event,) = _events("A.x")

    class Connection:
        index = 2

    class Dispatch:
        connection = Connection()

    batch = NotificationBatch()
    assert not batch
    batch.add(EventRecorded(seq=1, event=event, causes=()))
    batch.add(DispatchFinished(seq=2, dispatch=Dispatch()))
    batch.add(DispatchFinished(seq=3, dispatch=Dispatch()))
    batch.add(
        HandlerError(
            seq=4,
            component="db",
            event=event,
            dispatch=Dispatch(),
            error=ValueError("bad"),
            traceback="Traceback...",
        )
    )
    batch.add(LimitReached(seq=5, limit="max_events", message="stopped after 10 events"))
    assert batch.events == [event]
    assert batch.delivered[2] == 2 and batch.queue_changed
    assert [p.kind for p in batch.problems] == ["error", "limit"]
    assert "db raised ValueError: bad handling A.x (e1)" in batch.problems[0].summary
    assert batch.failed_event_ids == ["e1"]


def test_a_guard_error_says_which_connection_did_not_deliver():
    (event,) = _events("A.x")

    class Connection:
        index = 1

    batch = NotificationBatch()
    batch.add(
        GuardError(
            seq=1,
            component="db",
            event=event,
            dispatch=None,
            error=KeyError("k"),
            traceback="Traceback...",
            connection=Connection(),
        )
    )
    (problem,) = batch.problems
    assert problem.summary == (
        "guard of connection [1] raised KeyError: 'k' on A.x (e1); not delivered to db"
    )
    assert problem.details == "Traceback..." and problem.event_id == "e1"
    assert batch.failed_event_ids == ["e1"]  # its delivery failed: the log marks it


def test_a_constraint_guard_error_says_which_constraint_counted_the_match_as_none():
    (event,) = _events("A.x")
    batch = NotificationBatch()
    batch.add(
        ConstraintGuardError(
            seq=1,
            component="",
            event=event,
            dispatch=None,
            error=KeyError("k"),
            traceback="Traceback...",
            constraint="no_big",
            match=PatternMatch(events=(event,)),
        )
    )
    (problem,) = batch.problems
    assert problem.summary == (
        "guard of constraint no_big raised KeyError: 'k' on A.x (e1); that match counted "
        "as none"
    )
    assert problem.details == "Traceback..." and problem.event_id == "e1"
    # The event was delivered; what failed was checking it: the log leaves it unmarked.
    assert batch.failed_event_ids == [] and not problem.failed


def test_a_hand_written_checks_error_says_which_constraint_found_nothing():
    # Without a line of its own it read as "raised KeyError: 'k'" with no one named.
    batch = NotificationBatch()
    batch.add(
        ConstraintCheckError(
            seq=1,
            component="",
            event=None,
            dispatch=None,
            error=KeyError("k"),
            traceback="Traceback...",
            constraint="picky",
        )
    )
    (problem,) = batch.problems
    assert problem.summary == "check of constraint picky raised KeyError: 'k'; it found nothing"
    assert problem.details == "Traceback..." and problem.event_id is None
    assert batch.failed_event_ids == [] and not problem.failed


def test_a_reset_drops_what_the_old_system_reported():
    (event,) = _events("A.x")
    batch = NotificationBatch()
    batch.add(EventRecorded(seq=1, event=event, causes=()))
    batch.add(notices.SessionReset(reason="reset"))
    assert batch.events == [] and batch.reset == "reset"


def test_past_the_indent_cap_a_chain_is_drawn_with_dotted_branches():
    chain = _events(*[f"X.step{i}" for i in range(12)])
    causes = {event.id: [chain[i - 1]] if i else [] for i, event in enumerate(chain)}
    lines = causal_history(chain[-1], lambda e: causes[e.id])
    assert lines[1] == "└─ e11 X.step10"
    assert "└┄ " in lines[-1] and lines[-1].endswith("e1 X.step0  (root)")


def test_the_model_modules_do_not_import_textual():
    import subprocess
    import sys

    code = (
        "import sys, rapide_shell.tui.live, rapide_shell.tui.graph_model, "
        "rapide_shell.tui.graph_picture; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_payload_is_shown_as_json_and_a_huge_one_is_cut():
    from rapide_shell.tui.widgets.inspector import PAYLOAD_CHARS_SHOWN, payload_view

    shown = payload_view({"key": "1", "raw": "\x1b]0;title\x07\x9b"})
    assert shown.plain == '{\n  "key": "1",\n  "raw": "\\u001b]0;title\\u0007\\u009b"\n}'
    assert {span.style for span in shown.spans} >= {"json.key", "json.str", "json.brace"}
    assert str(payload_view({})) == "(no payload)"
    huge = payload_view({"rows": ["x" * 100] * 1000})
    assert str(huge).endswith("characters in all)")
    assert len(str(huge)) < PAYLOAD_CHARS_SHOWN + 100
