"""The kind of each cause, told apart from the poset and the wiring, on posets built by hand."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from pyrapide import Computation, Pattern
from pyrapide.architecture import ConnectionDescription
from pyrapide.architecture.description import pattern_parts
from pyrapide.patterns.syntax import parse_pattern
from rapide_shell.causes import CAUSE_LOOKS, CauseKind, causes_of, wiring_deliveries
from tests.shell.sessions import started

NESTED = Path(__file__).parents[2] / "examples" / "nested_payments.py"


def _wiring(*connections: tuple[str, str, str]) -> SimpleNamespace:
    """A description with connections (kind, pattern's text, target)."""
    return SimpleNamespace(connections=[
        ConnectionDescription(
            index, kind, text, None, target, True, parts=pattern_parts(parse_pattern(text))
        )
        for index, (kind, text, target) in enumerate(connections)
    ])


def _kinds(computation: Computation, event, description) -> list[tuple[str, CauseKind]]:
    delivered = wiring_deliveries(description)
    return [(c.event.id, c.kind) for c in causes_of(event, computation.poset, delivered)]


def test_every_kind_has_a_look() -> None:
    assert set(CAUSE_LOOKS) == set(CauseKind)
    assert len({look.mark for look in CAUSE_LOOKS.values()}) == len(CauseKind)


def test_a_connect_delivery_its_handlers_next_event_and_the_return() -> None:
    # The desk handles a visitor (connect), asks the clerk (connect) and, once the clerk
    # has answered, welcomes: the welcome follows the ask and the clerk's answer.
    wiring = _wiring(("connect", "Door.visitor", "desk"), ("connect", "Desk.ask", "clerk"))
    run = Computation()
    visitor = run.new_event("Door.visitor", source="env")
    ask = run.new_event("Desk.ask", source="desk", caused_by=[visitor])
    answer = run.new_event("Clerk.answer", source="clerk", caused_by=[ask])
    welcome = run.new_event("Desk.welcome", source="desk", caused_by=[ask, answer])
    assert _kinds(run, ask, wiring) == [(visitor.id, CauseKind.CONNECT)]
    assert _kinds(run, answer, wiring) == [(ask.id, CauseKind.CONNECT)]
    assert _kinds(run, welcome, wiring) == [(ask.id, CauseKind.THEN),
                                            (answer.id, CauseKind.RETURN)]


def test_a_return_when_the_emitters_previous_event_is_no_direct_cause() -> None:
    # Causes kept as a frontier: the welcome follows the clerk's answer alone (the ask
    # is its ancestor). The answer is a return all the same, and so is a second
    # connect's answer that a connection could also deliver to the desk.
    wiring = _wiring(("connect", "Door.visitor", "desk"), ("connect", "Desk.ask", "clerk"),
                     ("connect", "Desk.ask", "porter"), ("pipe", "Porter.said", "desk"))
    run = Computation()
    visitor = run.new_event("Door.visitor", source="env")
    ask = run.new_event("Desk.ask", source="desk", caused_by=[visitor])
    answer = run.new_event("Clerk.answer", source="clerk", caused_by=[ask])
    said = run.new_event("Porter.said", source="porter", caused_by=[ask])
    welcome = run.new_event("Desk.welcome", source="desk", caused_by=[answer, said])
    assert _kinds(run, welcome, wiring) == [(answer.id, CauseKind.RETURN),
                                            (said.id, CauseKind.RETURN)]
    # The porter's words piped to the desk later start a run of their own.
    noted = run.new_event("Desk.noted", source="desk", caused_by=[said])
    assert _kinds(run, noted, wiring) == [(said.id, CauseKind.PIPE)]


def test_a_pipes_delivery_and_its_order_through_a_silent_delivery() -> None:
    # Three sales piped to the ledger; the ledger wrote nothing for the second, so the
    # third entry follows the second sale (what the silent delivery was delivered).
    wiring = _wiring(("pipe", "Till.sale", "ledger"))
    run = Computation()
    sales = [run.new_event("Till.sale", {"n": n}, source="till") for n in (1, 2, 3)]
    first = run.new_event("Ledger.entry", source="ledger", caused_by=[sales[0]])
    third = run.new_event("Ledger.entry", source="ledger", caused_by=[sales[2], sales[1]])
    assert _kinds(run, first, wiring) == [(sales[0].id, CauseKind.PIPE)]
    assert _kinds(run, third, wiring) == [(sales[1].id, CauseKind.PIPE_ORDER),
                                          (sales[2].id, CauseKind.PIPE)]
    # The next delivery's first event follows the last event the pipe's last run emitted.
    fourth_sale = run.new_event("Till.sale", {"n": 4}, source="till")
    fourth = run.new_event("Ledger.entry", source="ledger", caused_by=[fourth_sale, third])
    assert _kinds(run, fourth, wiring) == [(third.id, CauseKind.PIPE_ORDER),
                                           (fourth_sale.id, CauseKind.PIPE)]


def test_an_agent_delivery_and_a_cause_the_emitter_named() -> None:
    wiring = _wiring(("agent", 'Desk.letter from "desk"', "post"))
    run = Computation()
    letter = run.new_event("Desk.letter", source="desk")
    note = run.new_event("Desk.note", source="desk")
    sent = run.new_event("Post.sent", source="post", caused_by=[letter, note])
    assert _kinds(run, sent, wiring) == [(letter.id, CauseKind.AGENT),
                                         (note.id, CauseKind.GIVEN)]
    # A source the pattern does not name is not delivered through it.
    other = run.new_event("Desk.letter", source="elsewhere")
    stray = run.new_event("Post.sent", source="post", caused_by=[other])
    assert _kinds(run, stray, wiring) == [(other.id, CauseKind.GIVEN)]


def test_a_pattern_naming_any_event_delivers_any() -> None:
    wiring = _wiring(("connect", "*", "audit"))
    run = Computation()
    anything = run.new_event("Shop.sold", source="shop")
    seen = run.new_event("Audit.seen", source="audit", caused_by=[anything])
    assert _kinds(run, seen, wiring) == [(anything.id, CauseKind.CONNECT)]


def test_a_delivery_through_a_quoted_name_with_a_star() -> None:
    # "Sensor.*" pipes every Sensor event to the log and "*.opened" connects every
    # opening: a note the log writes for one was delivered; Valve.shut is neither.
    wiring = _wiring(("pipe", '"Sensor.*"', "log"), ("connect", '"*.opened"', "log"))
    run = Computation()
    reading = run.new_event("Sensor.reading", source="sensor")
    opened = run.new_event("Valve.opened", source="valve")
    shut = run.new_event("Valve.shut", source="valve")
    for cause, kind in ((reading, CauseKind.PIPE), (opened, CauseKind.CONNECT),
                        (shut, CauseKind.GIVEN)):
        noted = run.new_event("Log.noted", source="log", caused_by=[cause])
        assert _kinds(run, noted, wiring) == [(cause.id, kind)]


def test_a_quoted_value_with_a_star_is_no_name() -> None:
    # Only an event's name may have a "*" that stands for any characters: a field's value
    # ("Sensor.*"), a field's quoted name, a source or a guard's operand is the text it
    # is, so a connection of Alarm.raised delivers no Sensor event.
    wiring = _wiring(
        ("connect", 'Alarm.raised(kind="Sensor.*")', "log"),
        ("connect", 'Alarm.raised("Sensor.*"=1) from "Sensor.*"', "log"),
        ("connect", 'Alarm.raised(kind=?k) where ?k == "Sensor.*"', "log"),
        ("connect", '(Alarm.raised(kind=?k) where ?k != "*") -> Alarm.cleared("*"="x*")', "log"),
    )
    run = Computation()
    reading = run.new_event("Sensor.reading", source="sensor")
    noted = run.new_event("Log.noted", source="log", caused_by=[reading])
    assert _kinds(run, noted, wiring) == [(reading.id, CauseKind.GIVEN)]
    for name in ("Alarm.raised", "Alarm.cleared"):
        raised = run.new_event(name, source="alarm")
        noted = run.new_event("Log.noted", source="log", caused_by=[raised])
        assert _kinds(run, noted, wiring) == [(raised.id, CauseKind.CONNECT)]


def test_a_source_inside_a_nested_architecture_is_named_by_its_path() -> None:
    # Inside payments, `from "ledger"` is payments.ledger: the auditor's note on a
    # posting from there was delivered by the agent connection, one from elsewhere not.
    pattern = Pattern.match("Ledger.posted", source="ledger")
    wiring = SimpleNamespace(connections=[ConnectionDescription(
        0, "agent", 'Ledger.posted from "ledger"', ("payments.ledger",), "payments.auditor",
        True, scope="payments", parts=pattern_parts(pattern, "payments"),
    )])
    run = Computation()
    for source, kind in (("payments.ledger", CauseKind.AGENT), ("ledger", CauseKind.GIVEN)):
        posted = run.new_event("Ledger.posted", source=source)
        checked = run.new_event("Auditor.checked", source="payments.auditor", caused_by=[posted])
        assert _kinds(run, checked, wiring) == [(posted.id, kind)]


def test_a_part_of_a_pattern_names_its_own_source() -> None:
    # `A from "x" or B`: an A from y is no A from x, and a B from anywhere is a B.
    wiring = _wiring(("pipe", 'Door.opened from "front" or Door.shut', "log"))
    run = Computation()
    for name, source, kind in (("Door.opened", "front", CauseKind.PIPE),
                               ("Door.opened", "back", CauseKind.GIVEN),
                               ("Door.shut", "back", CauseKind.PIPE)):
        door = run.new_event(name, source=source)
        noted = run.new_event("Log.noted", source="log", caused_by=[door])
        assert _kinds(run, noted, wiring) == [(door.id, kind)], (name, source)


@pytest.mark.parametrize("guard", ["written", "in Python"])
async def test_the_running_systems_description_says_through_what(
    tmp_path: Path, guard: str
) -> None:
    # The nested example, its auditor fed by `from "ledger"` inside payments (with a
    # guard written in Python, which has no text the parser takes, or none).
    pattern = 'Pattern.match("Ledger.posted", source="ledger")'
    if guard == "in Python":
        pattern += '.where(lambda match: match.payload["amount"] >= 0)'
    text = NESTED.read_text()
    fed = 'agent(Pattern.match("Ledger.posted"), auditor)'
    assert fed in text
    path = tmp_path / "nested.py"
    path.write_text(text.replace(fed, f"agent({pattern}, auditor)"))
    async with started(path, seed=0) as session:
        assert (await session.execute("run")).ok
        delivered = wiring_deliveries(session.description)
        poset = session.computation.poset
        checked = [e for e in session.computation if e.name == "Auditor.checked"]
        assert checked
        for event in checked:
            (cause,) = causes_of(event, poset, delivered)
            assert (cause.event.name, cause.kind) == ("Ledger.posted", CauseKind.AGENT)
