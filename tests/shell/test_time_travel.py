"""Going back and forth in a session's history reaches exactly the state each step had."""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from pyrapide.runtime import DispatchStarted
from rapide_shell.address import Address
from rapide_shell.recording import Recorder
from rapide_shell.session import Session
from tests.shell.cli_process import run_rapide
from tests.shell.sessions import started

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
FIXTURES = Path(__file__).parent / "fixtures"

# What each architecture is driven through: the steps of these commands are the points
# compared. A `run` is one command whose steps are points too (checked through `goto`).
DRIVES: dict[str, tuple[Path, list[str]]] = {
    "connection_kinds": (
        EXAMPLES / "connection_kinds.py",
        [
            "watch Worker.done from \"pipe_worker\" -> Worker.done from \"pipe_worker\"",
            "step connect",
            "step pipe",
            "step #7",
            "step", "step", "step", "step", "step",
            "inject Source.job n=9",
            "step", "step", "step",
        ],
    ),
    "seed_system": (
        EXAMPLES / "seed_system.py",
        [
            "watch APIService.request(type=\"query\", key=?k) => DatabaseService.result(key=?k)",
            "step #1",
            "step", "step", "step", "step", "step", "step",
            "inject APIService.request type=query key=users/2",
            "step", "step", "step", "step",
        ],
    ),
    "composite": (
        FIXTURES / "composite.py",
        [
            "watch Echo.echo & Log.saw",
            "step", "step agent", "step", "step pipe",
            "inject Counter.poke n=1",
            "step", "step", "step", "step", "step", "step", "step", "step",
        ],
    ),
}


async def state(session: Session, directory: Path) -> dict[str, Any]:
    """What must be the same at a step: the saved computation's bytes, the queue, the
    work in flight, the watches' matches, the breakpoints' hits, the graph's counts."""
    path = directory / "saved.json"
    outcome = await session.execute(f"save {path} --force")
    assert outcome.ok, outcome.error
    return {
        "saved": path.read_bytes(),
        "pending": [(d.id, d.kind, d.event.id, d.target) for d in session.pending()],
        "in_flight": [flight.label for flight in session.in_flight()],
        "watches": [[m.events for m in watch.matches] for watch in session.watches],
        "hits": [breakpoint_.hits for breakpoint_ in session.breakpoints],
        "delivered": dict(session.delivered()),
        "errors": len(session.errors),
    }


def plain(outcome: Any) -> str:
    """The text of an outcome, as the console shows it, without styles."""
    console = Console(width=200, record=True, file=io.StringIO())
    for renderable in outcome.output:
        console.print(renderable)
    return console.export_text()


async def ok(session: Session, line: str) -> Any:
    outcome = await session.execute(line)
    assert outcome.ok, f"{line}: {outcome.error}"
    return outcome


@pytest.mark.parametrize("name", sorted(DRIVES))
async def test_back_and_forward_reach_the_state_each_step_had(name: str, tmp_path: Path) -> None:
    file, lines = DRIVES[name]
    async with started(file, seed=0) as session:
        seen = {0: await state(session, tmp_path)}
        for line in lines:
            await ok(session, line)
            seen[session.decisions.point.number] = await state(session, tmp_path)
        last = session.decisions.point.number
        assert last > 9
        # Back one step at a time, then in strides, then forward: the same state each time.
        for number in range(last - 1, last - 4, -1):
            await ok(session, "back")
            assert session.decisions.point.number == number
            assert await state(session, tmp_path) == seen[number], f"back to {number}"
        await ok(session, "back 5")
        assert await state(session, tmp_path) == seen[last - 8]
        await ok(session, "forward 2")
        assert await state(session, tmp_path) == seen[last - 6]
        await ok(session, "goto 0")
        assert await state(session, tmp_path) == seen[0]
        await ok(session, f"forward {last}")
        assert await state(session, tmp_path) == seen[last]
        assert len(session.decisions.branches) == 1


async def test_a_run_s_steps_are_each_a_point_to_go_back_to(tmp_path: Path) -> None:
    """A run is many steps: going back into it reaches what stepping one by one reached."""
    file = EXAMPLES / "connection_kinds.py"
    stepped = Session.load(file, seed=0)
    await stepped.start()
    ran = Session.load(file, seed=0)
    await ran.start()
    try:
        seen = {}
        for number in range(1, 19):
            await ok(stepped, "step")
            seen[number] = await state(stepped, tmp_path)
        await ok(ran, "run")
        assert ran.decisions.point.number == 18
        assert await state(ran, tmp_path) == seen[18]
        for number in (17, 9, 1):
            await ok(ran, f"goto {number}")
            assert await state(ran, tmp_path) == seen[number]
    finally:
        await stepped.close()
        await ran.close()


async def test_a_breakpoint_s_hits_are_those_of_the_point(tmp_path: Path) -> None:
    async with started(EXAMPLES / "seed_system.py", seed=0) as session:
        await ok(session, "break DatabaseService.error")
        await ok(session, "run")
        stop = session.decisions.point.number
        assert session.breakpoints[0].hits == 1
        await ok(session, "continue")
        await ok(session, "back")
        assert session.breakpoints[0].hits == 1
        await ok(session, f"goto {stop - 1}")
        assert session.breakpoints[0].hits == 0
        await ok(session, f"goto {stop}")
        assert session.breakpoints[0].hits == 1
        history = await ok(session, "history all")
        assert "(breakpoint 1 stopped the run)" in plain(history)


async def test_a_new_choice_after_back_makes_a_branch_and_diff_names_where(
    tmp_path: Path,
) -> None:
    async with started(FIXTURES / "composite.py", seed=0) as session:
        await ok(session, "run")
        main_end = await state(session, tmp_path)
        last = session.decisions.point.number
        await ok(session, "goto 0")
        await ok(session, "inject Counter.poke n=1")
        await ok(session, "run")
        assert session.decisions.branch.name == "b2"
        branches = await ok(session, "branches")
        assert branches.data["branches"][1] == {
            "name": "b2", "parent": "main", "forks_at": 0, "leaves": "main",
            "last_step": session.decisions.point.number,
        }
        diff = await ok(session, "diff main")
        assert diff.data["parts_at"] == 1
        assert diff.data["first_step"]["decision"] == "inject Counter.poke {\"n\": 1}"
        assert diff.data["second_step"]["decision"] == "step"
        # The poke and what it caused are b2's alone; the ids the later events name
        # differ with them, so main has events of its own too.
        names = {session.computation.get(event_id).name for event_id in diff.data["only_first"]}
        assert "Counter.poke" in names
        assert diff.data["only_second"]
        text = plain(diff)
        # One step shared is named as one, not as "steps 0 to 0".
        assert "share step 0; they part at step 1" in text
        assert "Counter.poke" in text
        # The main branch was kept whole: switching to it reaches its end exactly.
        b2_end = await state(session, tmp_path)
        await ok(session, "switch main")
        assert session.decisions.point.number == last
        assert await state(session, tmp_path) == main_end
        await ok(session, "switch b2")
        assert await state(session, tmp_path) == b2_end


def test_a_choice_that_starts_a_branch_of_itself_says_so(tmp_path: Path) -> None:
    # The user was moved to a branch called b2 (or b3, after `fork alt` had promised
    # that what they decided next went on alt) and nothing said so.
    script = tmp_path / "choose.rapide"
    script.write_text(
        "inject Web.order item=apple\ninject Web.order item=pear\nstep\n"
        "back 2\ninject Web.order item=fig\n"  # b2
        "inject Web.order item=kiwi\n"  # b2 goes on: no new branch
        "switch main\nfork alt\nback 2\ninject Web.order item=plum\n"  # b4, not alt
    )
    result = run_rapide("run", FIXTURES / "shop.py", "--script", script)
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stdout.splitlines() if line.startswith("new branch")]
    assert said == [
        "new branch b2: it leaves main after step 1; main keeps its steps (`switch main` goes"
        " back to its end)",
        "new branch b4: it leaves main after step 1; main keeps its steps (`switch main` goes"
        " back to its end)",
    ]
    said_at = result.stdout.index
    assert said_at("item=fig") < said_at("new branch b2") < said_at("item=kiwi")
    assert said_at("item=plum") < said_at("new branch b4")


async def test_branches_names_the_branch_a_shared_step_first_lies_on() -> None:
    async with started(FIXTURES / "composite.py", seed=0) as session:
        await ok(session, "run")
        await ok(session, "goto 3")
        await ok(session, "inject Counter.poke n=1")  # b2: main's steps 0 to 3, then its own
        await ok(session, "goto 1")  # on b2, at a step it shares with main
        await ok(session, "inject Counter.poke n=2")
        assert session.decisions.branch.name == "b3"
        await ok(session, "goto 1")
        await ok(session, "fork here")
        listed = await ok(session, "branches")
        text = plain(listed)
        # Made from b2, whose own steps start at 4: step 1 is main's, where to look for it.
        assert "b3  leaves main after step 1; its own step 2" in text, text
        assert "here  at step 1 of main; no step of its own yet" in text, text
        assert "b2  leaves main after step 3; its own step 4" in text, text
        b3 = next(item for item in listed.data["branches"] if item["name"] == "b3")
        assert b3 == {"name": "b3", "parent": "b2", "forks_at": 1, "leaves": "main",
                      "last_step": 2}
        await ok(session, "switch b3")
        history = plain(await ok(session, "history"))
        assert history.startswith("b3: steps 0 to 2, made at step 1 of main; at step 2"), history


async def test_branches_draws_each_branch_under_the_one_it_leaves() -> None:
    # b3 and `here` were drawn under the branches they were made from (b3 under b2,
    # `here` under b3), as if they left those, while their lines said "leaves main".
    async with started(FIXTURES / "composite.py", seed=0) as session:
        for line in ("run", "goto 3", "inject Counter.poke n=1", "goto 1",
                     "inject Counter.poke n=2", "goto 1", "fork here"):
            await ok(session, line)
        drawn = [line.rstrip() for line in plain(await ok(session, "branches")).splitlines()]
        assert drawn == [
            "  main  steps 0 to 114",
            "├──   b3  leaves main after step 1; its own step 2",
            "├── * here  at step 1 of main; no step of its own yet  <- you are at step 1",
            "└──   b2  leaves main after step 3; its own step 4",
        ], drawn


def _other_choice(session: Session) -> int:
    """A pending dispatch the scheduler would not take next, which a step may choose."""
    assert session.system is not None
    return next(choice.target for choice in session.system.choices()
                if not choice.default and isinstance(choice.target, int))


async def test_a_fork_that_goes_along_its_parent_says_so_and_where_it_was_made() -> None:
    async with started(EXAMPLES / "seed_system.py", seed=0) as session:
        await ok(session, "inject APIService.request type=query key=42")
        await ok(session, "run")
        await ok(session, "goto 11")  # where the seed picks among agent deliveries
        forked = await ok(session, "fork try")
        assert "branch try starts at step 11 of main" in plain(forked)
        assert "deciding as main did goes along main" in plain(forked)
        # The step main took here: try goes along main, and the step says so.
        along = plain(await ok(session, "step"))
        assert ("step 12 is the one main took already: try goes along main until you decide "
                "differently") in " ".join(along.split()), along
        assert session.decisions.branch.name == "try"
        history = plain(await ok(session, "history 1"))
        assert history.startswith(
            "try: steps 0 to 12, made at step 11 of main, the same as main to step 12; "
            "at step 12"
        ), history
        # Then a step of its own: try leaves main there, and was made where it was forked.
        own = plain(await ok(session, f"step #{_other_choice(session)}"))
        assert "took" not in own
        history = plain(await ok(session, "history 1"))
        assert history.startswith(
            "try: steps 0 to 13, made at step 11 of main, the same as main to step 12; "
            "at step 13"
        ), history
        assert "try  leaves main after step 12" in plain(await ok(session, "branches"))


async def test_a_step_another_branch_took_at_a_fork_point_says_the_branch_it_is_on() -> None:
    async with started(EXAMPLES / "seed_system.py", seed=0) as session:
        await ok(session, "inject APIService.request type=query key=42")
        await ok(session, "run")
        await ok(session, "goto 11")
        await ok(session, f"step #{_other_choice(session)}")  # b2 leaves main
        history = plain(await ok(session, "history 1"))
        assert history.startswith("b2: steps 0 to 12, made at step 11 of main; at step 12")
        await ok(session, "back")
        joined = plain(await ok(session, "step"))  # main's step, from b2's fork point
        assert ("step 12 is the one main took: you are on main at step 12; a branch starts "
                "where you decide differently") in " ".join(joined.split()), joined
        assert session.decisions.branch.name == "main"
        # Retracing the branch one is on says nothing.
        await ok(session, "back")
        assert "took" not in plain(await ok(session, "step"))


async def test_diff_of_branches_that_end_at_one_point_names_no_step_as_either_s_own() -> None:
    async with started(FIXTURES / "composite.py", seed=0) as session:
        await ok(session, "run")
        await ok(session, "fork a")
        await ok(session, "fork b")
        point = session.decisions.point.number
        for line in ("diff a", "diff main b"):
            diff = await ok(session, line)
            first, second = diff.data["first"], diff.data["second"]
            text = plain(diff)
            assert text.startswith(
                f"{first} and {second} end at the same point, step {point}: neither has "
                "a step of its own\n"
            ), text
            assert "goes on to" not in text
            assert (diff.data["first_step"], diff.data["second_step"]) == (None, None)
            assert "recorded the same events" in text
        # One step on b: b goes on, a ends where b parts from it.
        await ok(session, "inject Counter.poke n=1")
        text = plain(await ok(session, "diff a"))
        assert text.startswith(f"a is b up to step {point}; b goes on to step {point + 1}:")


@pytest.mark.parametrize(
    ("note", "said"),
    [
        # The same events, one of them with another payload.
        ("n=1", r'step 2 \(step\) recorded e2 Clerk\.answered with \{"n": 1, "ticket": '
                r'\d+\} where it recorded e2 Clerk\.answered with \{"n": 1, "ticket": \d+\} '
                r"before"),
        # More events than before.
        ("n=2 twice=true", r"step 2 has 3 events where it had 2"),
    ],
)
async def test_a_replay_that_comes_out_otherwise_is_warned_of_with_its_step(
    note: str, said: str
) -> None:
    async with started(FIXTURES / "outside.py", seed=0) as session:
        await ok(session, f"inject Desk.note {note}")
        await ok(session, "step")
        await ok(session, "inject Desk.note n=9")
        again = await ok(session, "back 1")  # step 2 replayed on a fresh system
        assert re.fullmatch(said, again.data["divergence"]), again.data["divergence"]
        assert "warning: the run did not repeat itself: step 2 " in plain(again)


ANSWER_CHANGED = (
    r'step 2 \(step\) recorded e2 Clerk\.answered with \{"n": 1, "ticket": \d+\} where it '
    r'recorded e2 Clerk\.answered with \{"n": 1, "ticket": \d+\} before'
)


@pytest.mark.parametrize(
    "moves",
    [
        # Forward in the same system: step 2 replayed where the system stands.
        ["back 1", "forward 1"],
        # To another branch's point: main's steps replayed on a fresh system.
        ["back 1", "inject Desk.note n=5", "switch main"],
        # Back to a point of the system before a reset.
        ["reset", "goto 2"],
        # Forward to a step the live run left behind when it went to another branch.
        ["back 1", "inject Desk.note n=5", "goto 1", "switch main"],
    ],
    ids=["forward", "another-branch", "before-a-reset", "forward-onto-a-left-branch"],
)
async def test_every_replay_notices_a_payload_that_came_out_otherwise(moves: list[str]) -> None:
    async with started(FIXTURES / "outside.py", seed=0) as session:
        await ok(session, "inject Desk.note n=1")
        await ok(session, "step")  # the answer's ticket goes on counting in each replay
        for line in moves[:-1]:
            await ok(session, line)
        again = await ok(session, moves[-1])
        assert again.data.get("divergence") is not None, moves
        assert re.fullmatch(ANSWER_CHANGED, again.data["divergence"]), again.data["divergence"]
        assert "warning: the run did not repeat itself: step 2 " in plain(again)


async def test_a_live_step_retaking_a_recorded_one_notices_a_payload_that_came_out_otherwise(
) -> None:
    # Not a replay: the user steps again where the tree already holds that step. The
    # ids are the same; the answer's ticket is not.
    async with started(FIXTURES / "outside.py", seed=0) as session:
        await ok(session, "inject Desk.note n=1")
        await ok(session, "step")
        await ok(session, "back 1")
        again = await ok(session, "step")
        assert session.decisions.point.number == 2 and session.decisions.branch.name == "main"
        assert again.data.get("divergence") is not None
        assert re.fullmatch(ANSWER_CHANGED, again.data["divergence"]), again.data["divergence"]
        assert "warning: the run did not repeat itself: step 2 " in plain(again)


async def test_a_replay_that_comes_out_the_same_says_nothing() -> None:
    async with started(FIXTURES / "composite.py", seed=0) as session:
        await ok(session, "run 6")
        for line in ("back 2", "forward 1", "goto 1", "inject Counter.poke n=1", "switch main",
                     "reset", "goto 3", "switch b2", "goto 1", "switch main"):
            moved = await ok(session, line)
            assert moved.data.get("divergence") is None, (line, moved.data["divergence"])


async def test_retaking_a_recorded_decision_follows_its_branch(tmp_path: Path) -> None:
    async with started(EXAMPLES / "connection_kinds.py", seed=0) as session:
        for line in ("step connect", "step pipe", "step"):
            await ok(session, line)
        await ok(session, "back 2")
        await ok(session, "step pipe")
        assert session.decisions.branch.name == "main"
        assert session.decisions.point.number == 2
        await ok(session, "fork other")
        await ok(session, "step #7")
        assert [b for b in session.decisions.branches] == ["main", "other"]
        await ok(session, "switch main")
        assert session.decisions.point.number == 3


async def test_choosing_by_id_what_the_seed_chose_is_no_new_branch(tmp_path: Path) -> None:
    async with started(EXAMPLES / "connection_kinds.py", seed=0) as session:
        await ok(session, "step")
        taken = session.decisions.point.ran.split()[0]  # "#6", the seed's pick
        await ok(session, "back")
        await ok(session, f"step {taken}")
        assert [b for b in session.decisions.branches] == ["main"]
        assert session.decisions.point.number == 1


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("back 999", "back 999: you are at step 3; `back 3` goes to the start"),
        ("forward", "forward: step 3 is the last of main; nothing to go forward to"),
        ("goto 40", "no step 40 on main: it has steps 0 to 3"),
        ("back 5", "back 5: you are at step 3; `back 3` goes to the start"),
        ("switch mian", "no branch 'mian' (branches: main)"),
        ("diff nowhere", "no branch 'nowhere' (branches: main)"),
        ("diff main", "diff main main: a branch is the same as itself"),
        ("fork 9lives", "'9lives' is not a branch name"),
        ("fork", "fork needs a name for the new branch, like `fork agent-first` (`branches` "
         "lists those taken)"),
        ("fork r1-eJwrTi0", "'r1-eJwrTi0' reads as an address, not a branch name: "
         "`goto ADDRESS` goes to one"),
        ("goto r1-AAAA", "the address is damaged"),
        ("goto r2-eJyrVg", "'r2-eJyrVg' is an address of format 2; this version of rapide "
         "reads format 1 (r1-...): open it with the rapide that printed it"),
        ("goto somewhere", "goto takes a step number"),
        ("back 0", "the number of steps must be a whole number, 1 or more, not '0'"),
        ("history 0", "the number of steps to list must be a whole number, 1 or more, not '0' "
         "(`all`: every step; no count: 20 around this one)"),
    ],
)
async def test_a_bad_argument_is_one_line(line: str, message: str) -> None:
    async with started(EXAMPLES / "connection_kinds.py", seed=0) as session:
        for step in ("step", "step", "step"):
            await ok(session, step)
        before = session.decisions.point
        outcome = await session.execute(line)
        assert not outcome.ok
        error = outcome.error or ""
        assert message in error and "\n" not in error, error
        assert session.decisions.point is before


async def test_forward_past_the_end_says_how_far_it_goes() -> None:
    async with started(EXAMPLES / "connection_kinds.py", seed=0) as session:
        for line in ("step 3", "back 2"):
            await ok(session, line)
        outcome = await session.execute("forward 5")
    assert outcome.error == (
        "forward 5: main has 2 steps after step 1; `forward 2` goes to its end"
    )


async def test_the_help_of_fork_gives_every_rule_on_a_name_that_fork_holds() -> None:
    # `fork` refused a name of 41 characters ("(40 at most)") and one starting `r1-`,
    # where `help fork` named only the characters a name may hold: a user could not
    # know before being refused.
    async with started(EXAMPLES / "connection_kinds.py", seed=0) as session:
        console = Console(width=200, record=True, highlight=False)
        for renderable in (await ok(session, "help fork")).output:
            console.print(renderable)
        said = " ".join(console.export_text().split())
        assert "40 characters at most" in said and "does not start with `r1-`" in said
        for name in ("b" * 41, "r1-b"):
            refused = await session.execute(f"fork {name}")
            assert not refused.ok, name
        await ok(session, "fork " + "b" * 40)


async def test_an_address_that_does_not_fit_leaves_the_session_where_it_was(
    tmp_path: Path,
) -> None:
    async with started(EXAMPLES / "connection_kinds.py", seed=0) as session:
        await ok(session, "step")
        before = await state(session, tmp_path)
        for lines, says in (
            # Refused as it is read, before anything is replayed.
            (("inject Nobody.home",), "its line 1 (inject Nobody.home): unknown event"),
            # Refused as it is replayed: what it made is undone.
            (("step", "step #999"), "at its line 2 (step #999): dispatch #999 is not pending"),
        ):
            outcome = await session.execute(f"goto {Address(0, lines).to_text()}")
            assert not outcome.ok and says in (outcome.error or ""), outcome.error
            assert await state(session, tmp_path) == before
            assert list(session.decisions.branches) == ["main"]


async def test_an_address_undone_after_another_branch_s_steps_says_nothing_of_them() -> None:
    # The address went along main's steps before its last line did not fit: they are
    # undone with the rest, and nothing is said of them.
    address = Address(0, ('inject Web.order {"item": "apple"}', "step #1", "step 9"))
    async with started(FIXTURES / "shop.py", seed=0) as session:
        for line in ("inject Web.order item=apple", "run", "back 3", "fork x"):
            await ok(session, line)
        outcome = await session.execute(f"goto {address.to_text()}")
        assert not outcome.ok
        assert "took already" not in plain(outcome), plain(outcome)
        assert (session.decisions.branch.name, session.decisions.point.number) == ("x", 1)


@pytest.mark.parametrize("name", sorted(DRIVES))
async def test_where_names_a_point_another_process_reaches(name: str, tmp_path: Path) -> None:
    file, lines = DRIVES[name]
    async with started(file, seed=2) as session:
        for line in lines:
            await ok(session, line)
        await ok(session, "back 3")
        address = (await ok(session, "where")).data["address"]
        await ok(session, f"save {tmp_path / 'here.json'}")
    script = tmp_path / "go.rapide"
    script.write_text(f"goto {address}\nsave {tmp_path / 'there.json'}\n")
    result = run_rapide("run", file, "--script", script, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert (tmp_path / "there.json").read_bytes() == (tmp_path / "here.json").read_bytes()


async def test_where_says_how_to_open_the_point_with_the_architecture_chosen() -> None:
    # deliveries.py holds several systems: without --arch, the command would not load.
    file = FIXTURES / "deliveries.py"
    async with started(file, arch="ledger") as session:
        await ok(session, "inject Desk.note n=1")
        said = [item.plain for item in (await ok(session, "where")).output]
    assert said[1].endswith(f"`goto` it, or `rapide shell {file} --arch ledger --at` it")


@pytest.mark.parametrize("restart", ["reset", "seed 2"])
async def test_an_address_where_printed_before_a_start_over_goes_back_there(
    restart: str, tmp_path: Path
) -> None:
    # The history holds the address's point, before the `reset` or `seed`: goto goes
    # there, rather than start over once more and make its decisions again.
    async with started(FIXTURES / "shop.py", seed=0) as session:
        for line in ("seed 1", "inject Web.order item=apple", "run"):
            await ok(session, line)
        there = await state(session, tmp_path)
        address = (await ok(session, "where")).data["address"]
        await ok(session, restart)
        await ok(session, "inject Web.order item=pear")
        tip = session.decisions.point
        went = await ok(session, f"goto {address}")
        assert went.data["step"] == 5 and (went.data["retraced"], went.data["made"]) == (4, 0)
        assert await state(session, tmp_path) == there
        assert list(session.decisions.branches) == ["main"]
        assert session.decisions.branch.tip is tip
        # The start of the session's first system, by its address (no decision at all),
        # from a system started with another seed.
        await ok(session, "seed 3")
        tip = session.decisions.point
        went = await ok(session, f"goto {Address(0, ()).to_text()}")
        assert (went.data["step"], went.data["retraced"], went.data["made"]) == (0, 0, 0)
        assert session.decisions.branch.tip is tip


async def test_diff_on_a_loaded_computation_comes_back_to_it(tmp_path: Path) -> None:
    # diff replays each branch's end and comes back where it was: to the file `load`
    # showed there, not to the run under it.
    record = tmp_path / "r.rapide"
    file = FIXTURES / "shop.py"
    async with started(file, seed=0, recorder=Recorder(record, source=file)) as session:
        for line in ("inject Web.order item=apple", "run", f"save {tmp_path / 'a.json'}",
                     "back 2", "step #2", f"load {tmp_path / 'a.json'}"):
            await ok(session, line)
        shown = session.computation.to_dict()
        assert "b2" in session.decisions.branches and session.state == "inspecting"
        await ok(session, "diff main")
        assert session.state == "inspecting"
        assert session.computation.to_dict() == shown
    assert record.read_text().splitlines()[-1] == f"load {tmp_path / 'a.json'}"


async def test_where_on_a_loaded_computation_says_the_address_is_the_run_s(
    tmp_path: Path,
) -> None:
    # The loaded file has no address: the one printed reaches the run, not what is shown.
    async with started(FIXTURES / "shop.py", seed=0) as session:
        for line in ("inject Web.order item=apple", "run", f"save {tmp_path / 'a.json'}",
                     "reset"):
            await ok(session, line)
        said = plain(await ok(session, "where"))
        assert "loaded" not in said
        await ok(session, f"load {tmp_path / 'a.json'}")
        said = plain(await ok(session, "where"))
    assert "the address is the run's, not the loaded computation's, which has none" in said


async def test_the_recording_is_the_current_branch_and_replays_to_its_point(
    tmp_path: Path,
) -> None:
    file = EXAMPLES / "connection_kinds.py"
    record = tmp_path / "out.rapide"
    async with started(file, seed=0, recorder=Recorder(record, source=file)) as session:
        for line in ("watch Worker.done", "step connect", "step pipe", "run", "back 14"):
            await ok(session, line)
        assert session.system is not None
        pending = next(  # a step this branch did not take next: another branch
            choice.target for choice in session.system.choices() if not choice.default
        )
        await ok(session, f"step #{pending}")
        await ok(session, "step 2")
        await ok(session, f"save {tmp_path / 'here.json'}")
    lines = [line for line in record.read_text().splitlines() if not line.startswith("#")]
    assert lines == [
        "seed 0", "watch Worker.done", "step connect", "step pipe", "step 2",
        f"step #{pending}", "step 2",
    ]
    replay = tmp_path / "replay.rapide"
    replay.write_text(record.read_text() + f"save {tmp_path / 'there.json'}\n")
    result = run_rapide("run", file, "--script", replay, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert (tmp_path / "there.json").read_bytes() == (tmp_path / "here.json").read_bytes()


async def test_run_at_an_address_starts_there(tmp_path: Path) -> None:
    file = EXAMPLES / "connection_kinds.py"
    async with started(file, seed=1) as session:
        for line in ("step connect", "step #7", "step 4"):
            await ok(session, line)
        address = (await ok(session, "where")).data["address"]
        await ok(session, f"save {tmp_path / 'here.json'}")
    shown = run_rapide("run", file, "--at", address)
    assert shown.returncode == 0, shown.stderr
    assert "at step 6 (the last) of main" in shown.stdout
    script = tmp_path / "save.rapide"
    script.write_text(f"save {tmp_path / 'there.json'}\nhistory all\n")
    saved = run_rapide("run", file, "--at", address, "--script", script)
    assert saved.returncode == 0, saved.stderr
    assert (tmp_path / "there.json").read_bytes() == (tmp_path / "here.json").read_bytes()
    assert "fresh system, seed 1" in saved.stdout


async def test_run_at_an_address_waits_for_a_wake_up_from_the_outside_as_the_run_did(
    tmp_path: Path,
) -> None:
    # Its plain steps were taken at once: the wake-up of a handler awaiting asyncio.sleep
    # was not there yet, and the address "did not fit": nothing could run there.
    file = tmp_path / "outside.py"
    file.write_text(
        "import asyncio\n"
        "from pyrapide import Pattern, action, agent, architecture, get_context, interface\n"
        "from pyrapide import module, when\n"
        "@interface\n"
        "class Desk:\n"
        "    @action\n"
        "    async def job(self, n: int) -> None: ...\n"
        "@module(implements=Desk)\n"
        "class Front:\n"
        "    pass\n"
        "@module(implements=Desk)\n"
        "class Remote:\n"
        "    @when(Pattern.match('Desk.job', source='env'))\n"
        "    async def on_job(self, match):\n"
        "        await asyncio.sleep(0.2)\n"
        "        await get_context(self).emit('Desk.job', n=match.payload['n'] + 10)\n"
        "@architecture\n"
        "class Office:\n"
        "    front = Desk\n"
        "    remote = Desk\n"
        "    connections = [agent(Pattern.match('Desk.job', source='env'), target='remote')]\n"
        "system = Office.bind(front=Front, remote=Remote)\n"
    )
    async with started(file) as session:
        await ok(session, "inject Desk.job n=1")
        await ok(session, "run")
        address = (await ok(session, "where")).data["address"]
    assert Address.from_text(address).lines[-1] == "step 2"
    shown = run_rapide("run", file, "--at", address)
    assert shown.returncode == 0, shown.stderr
    assert "at step 3 (the last) of main" in shown.stdout
    assert "resumed #1" in shown.stdout


def test_run_at_with_json_says_where_it_arrived() -> None:
    example = (EXAMPLES / "lost_update.counterexample.rapide").read_text()
    address = next(line.split()[-1] for line in example.splitlines() if "failing step" in line)
    shown = run_rapide("run", EXAMPLES / "lost_update.py", "--at", address, "--json")
    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert document["at"] == {
        "address": address, "step": 6, "branch": "main", "events": 4, "pending": 2,
        "in_flight": [], "retraced": 0, "made": 6,
        "problems": ["constraint violated: no_lost_update: two updates were worked out from "
                     "the same balance: one deposit is lost (events e3, e4)"],
    }
    assert document["events"] == 4
    plain_run = run_rapide("run", EXAMPLES / "lost_update.py", "--script",
                           EXAMPLES / "lost_update.rapide", "--json")
    assert json.loads(plain_run.stdout)["at"] is None


def test_a_transcript_shows_an_address_whole_to_be_copied_from_it(tmp_path: Path) -> None:
    # A counterexample's script names its failing step in a comment, and a transcript
    # echoes `--at` as a `goto` line: the address on either is one line, not folded
    # at the transcript's width.
    file = EXAMPLES / "lost_update.py"
    example = (EXAMPLES / "lost_update.counterexample.rapide").read_text()
    address = next(line.split()[-1] for line in example.splitlines() if "failing step" in line)
    assert len(address) > 120
    played = run_rapide("run", file, "--script", EXAMPLES / "lost_update.counterexample.rapide")
    assert played.returncode == 1
    assert f"# The failing step:     {address}\n" in played.stdout
    shown = run_rapide("run", file, "--at", address)
    assert shown.returncode == 0, shown.stderr
    assert f"> goto {address}\n" in shown.stdout


@pytest.mark.parametrize("command", ["run", "shell", "repl"])
def test_a_seed_beside_an_address_is_refused(command: str) -> None:
    # The address holds the seed of the point it names: another one would only add a
    # step to the history before it, and say nothing of the point.
    address = Address(seed=1, lines=("step connect",)).to_text()
    result = run_rapide(command, EXAMPLES / "connection_kinds.py", "--at", address,
                        "--seed", "5", timeout=30)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "rapide: --seed and --at do not go together: the address holds its point's seed (1)\n"
    )


@pytest.mark.parametrize("command", ["run", "shell", "repl"])
def test_a_bad_address_on_the_command_line_is_one_line(command: str) -> None:
    result = run_rapide(command, EXAMPLES / "connection_kinds.py", "--at", "r1-cut")
    assert result.returncode == 2
    assert result.stderr == (
        "rapide: --at: the address is damaged (cut short or mistyped?): paste it whole, "
        "as `where` printed it\n"
    )


def test_an_address_of_another_format_is_said_to_be_one() -> None:
    result = run_rapide("run", EXAMPLES / "connection_kinds.py", "--at", "r2-eJyrVgqtLE")
    assert result.returncode == 2
    assert result.stderr == (
        "rapide: --at: 'r2-eJyrVgqtL…' is an address of format 2; this version of rapide "
        "reads format 1 (r1-...): open it with the rapide that printed it\n"
    )


async def test_an_address_of_very_many_steps_is_made_a_step_at_a_time() -> None:
    # `step N` is one line of an address however many steps it names: it was made into
    # a list of N decisions first (a MemoryError, or gigabytes, before the first step).
    address = Address(0, ("inject Web.order item=apple", "step 1000000000000")).to_text()
    async with started(FIXTURES / "shop.py", seed=0) as session:
        outcome = await session.execute(f"goto {address}")
        assert outcome.error == (
            "the address does not fit shop.py at its line 2 (step 1000000000000): nothing "
            "could run there; the session stays where it was"
        )
        assert session.decisions.point is session.decisions.root


def test_an_address_of_another_file_is_refused_with_the_line_that_does_not_fit() -> None:
    address = Address(0, ("step #7",)).to_text()
    result = run_rapide("run", EXAMPLES / "seed_system.py", "--at", address)
    assert result.returncode == 2
    assert result.stderr == (
        "rapide: --at: the address does not fit seed_system.py at its line 1 (step #7): "
        "dispatch #7 is not pending, nor in flight\n"
    )
    assert run_rapide("run", EXAMPLES / "seed_system.py").stderr == (
        "rapide: run needs --script SCRIPT (the commands to run), or --at ADDRESS\n"
    )


async def test_a_slow_run_takes_the_steps_a_run_takes_one_at_a_time(tmp_path: Path) -> None:
    file = EXAMPLES / "connection_kinds.py"
    slow = Session.load(file, seed=0)
    await slow.start()
    fast = Session.load(file, seed=0)
    await fast.start()
    try:
        started: list[float] = []
        slow.subscribe(lambda note: started.append(time.monotonic()), kinds=(DispatchStarted,))
        await ok(slow, "run 6 --every 0.05")
        await ok(fast, "run 6")
        assert await state(slow, tmp_path) == await state(fast, tmp_path)
        gaps = [later - earlier for earlier, later in itertools.pairwise(started)]
        assert gaps and min(gaps) >= 0.04, gaps

        async def pause_soon() -> bool:
            await asyncio.sleep(0.2)
            return slow.pause()

        before = slow.decisions.point.number
        outcome, paused = await asyncio.gather(slow.execute("run --every 10"), pause_soon())
        assert paused and outcome.ok
        # Paused in the middle of its first wait: one step, not a wait of ten seconds.
        assert slow.decisions.point.number == before + 1
        assert slow.paused_by_user
    finally:
        await slow.close()
        await fast.close()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("run --every", "--every needs the seconds between steps"),
        ("run --every 0", "--every takes seconds between steps, more than 0 and at most 60"),
        ("run --every soon", "not 'soon'"),
        ("run 3 --every 1 4", "unexpected '4'"),
    ],
)
async def test_a_bad_slow_run_is_one_line(line: str, message: str) -> None:
    async with started(EXAMPLES / "connection_kinds.py", seed=0) as session:
        outcome = await session.execute(line)
        assert not outcome.ok and message in (outcome.error or ""), outcome.error


async def test_completion_offers_the_new_commands_arguments() -> None:
    async with started(EXAMPLES / "connection_kinds.py", seed=0) as session:
        await ok(session, "step 3")
        await ok(session, "back 2")
        await ok(session, "fork other")

        def texts(line: str) -> list[str]:
            return [completion.text for completion in session.completions(line)]

        assert texts("run ") == ["--every"]
        assert texts("run 5 --every ") == ["0.5", "1", "2"]
        assert texts("switch ") == ["main", "other"]
        assert texts("diff main ") == ["other"]  # not main again: no branch diffs itself
        assert texts("goto ") == ["0", "1"]  # other has no step of its own yet
        assert {"history", "back", "forward", "goto", "where", "branches", "switch", "fork",
                "diff"} <= {text.strip() for text in texts("")}


def test_the_failing_step_explore_names_is_reached_with_at(tmp_path: Path) -> None:
    file = EXAMPLES / "connection_kinds.py"
    scenario = tmp_path / "scenario.rapide"
    scenario.write_text(
        "run\n"
        'expect Worker.done(n=1) from "agent_worker" -> Worker.done(n=2) from "agent_worker"\n'
    )
    explored = run_rapide("explore", file, "--script", scenario, "--max-schedules", "50",
                          timeout=300)
    assert explored.returncode == 1, explored.stdout[-2000:] + explored.stderr
    found = [line.split("failing step: ")[1] for line in explored.stdout.splitlines()
             if "failing step: " in line]
    assert found, explored.stdout[-2000:]
    address = Address.from_text(found[0])
    reached = run_rapide("run", file, "--at", found[0])
    assert reached.returncode == 0, reached.stderr
    # One step of the history per decision: `step N` is N of them.
    decisions = sum(
        int(words[1]) if words[0] == "step" and words[1:] and words[1].isdigit() else 1
        for words in (line.split() for line in address.lines)
    )
    assert f"at step {decisions} (the last) of main" in reached.stdout


async def test_going_back_before_a_reload_of_a_file_s_own_system(tmp_path: Path) -> None:
    # seed_system.py holds its own System: the one object of the file as first loaded,
    # stopped by the reload, is started over (reset) to go back before it.
    async with started(EXAMPLES / "seed_system.py", seed=0) as session:
        await ok(session, "step")
        before = await state(session, tmp_path)
        await ok(session, "reload")
        await ok(session, "step")
        after = await state(session, tmp_path)
        await ok(session, "goto 1")
        assert await state(session, tmp_path) == before
        await ok(session, "goto 3")  # after the reload again: the file as reloaded
        assert await state(session, tmp_path) == after


async def test_a_single_step_is_named_as_one_not_as_a_range() -> None:
    # A fresh session has step 0 alone: "steps 0 to 0" reads as a slip.
    async with started(FIXTURES / "composite.py", seed=0) as session:
        assert plain(await ok(session, "history")).startswith("main: step 0; at step 0")
        assert "main  step 0" in plain(await ok(session, "branches"))
        assert (await session.execute("goto 1")).error == "no step 1 on main: it has step 0"


async def test_diff_names_the_problems_one_branch_met_and_the_other_did_not() -> None:
    # The one branch where a handler raised looked as if it had only recorded fewer
    # events: diff compared events alone.
    async with started(FIXTURES / "shop.py", seed=0) as session:
        await ok(session, "inject Web.order item=tea")
        await ok(session, "run")
        await ok(session, "goto 0")
        await ok(session, "inject Web.order item=boom")
        await ok(session, "run")
        branch, tip = session.decisions.branch.name, session.decisions.point.number
        diff = await ok(session, "diff main")
        raised = "error in store handling e1 Web.order: RuntimeError: the warehouse is on fire"
        text = " ".join(plain(diff).split())
        assert f"{branch} (to step {tip}) met 1 problem that main did not: {raised}" in text
        assert "that b2 did not: error" not in text
        (only,) = diff.data["problems_only_first"]
        assert only.startswith(raised)
        assert diff.data["problems_only_second"] == []
        # The same error on both branches, met by events numbered otherwise, is neither's.
        await ok(session, "switch main")
        await ok(session, "inject Web.order item=boom")
        await ok(session, "run")
        again = await ok(session, f"diff {branch}")
        assert again.data["problems_only_first"] == again.data["problems_only_second"] == []
        assert "problem" not in plain(again)


async def test_an_address_gone_to_is_the_address_where_then_prints() -> None:
    # `step 2` of an address was made as two commands of one step each: `where`
    # printed a longer address for the same point (`step`, `step` for `step 2`).
    async with started(FIXTURES / "shop.py", seed=0) as session:
        await ok(session, "inject Web.order item=apple")
        await ok(session, "step 2")
        address = session.decisions.address()
        assert address.lines[-1] == "step 2"
    async with started(FIXTURES / "shop.py", seed=0) as session:
        await ok(session, f"goto {address.to_text()}")
        assert session.decisions.address() == address
        assert session.decisions.script()[-1] == "step 2"
