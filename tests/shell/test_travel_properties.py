"""Any sequence of commands that decide and travel leaves a session whose every point
is reached again: by going back to it in the session, by its address in a fresh one,
and by the recording replayed."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapide_shell.recording import Recorder
from rapide_shell.script import play, read_script
from rapide_shell.session import Session
from tests.shell.sessions import started

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"

FILES = {
    # connect, pipe and agents, a handler that raises ("boom"), stock that runs out
    "shop": (FIXTURES / "shop.py", ["inject Web.order item=apple", "inject Web.order item=pear",
                                    "inject Web.order item=boom",
                                    "inject Web.order item=apple quantity=2"]),
    # sleepers: a wake-up is a step of its own
    "kinds": (REPO / "examples" / "connection_kinds.py", ["inject Worker.done n=1"]),
}

NAMES = ("x", "try-2", "b2", "main")


def computation_text(session: Session, *, watches: bool = False) -> str:
    """The computation, as `save` writes it, with the queue and the work in flight (and
    the watches' matches, which an address does not carry, but a recording does)."""
    return repr((
        session.computation.to_dict(),
        [(d.id, d.kind, d.event.id, d.target) for d in session.pending()],
        [flight.label for flight in session.in_flight()],
        [[m.events for m in watch.matches] for watch in session.watches] if watches else [],
    ))


def internal(outcome: Any) -> bool:
    """An outcome that tells of a fault of the workbench's own, not of the line."""
    return not outcome.ok and " failed: " in (outcome.error or "")


@st.composite
def commands(draw: st.DrawFn, injections: list[str]) -> list[tuple[str, Any]]:
    kinds = st.sampled_from(
        ["inject", "step", "steps", "step kind", "run", "run n", "back", "forward",
         "goto step", "goto address", "where", "fork", "switch", "reset", "seed",
         "step id", "reload", "diff", "break", "load", "continue", "watch", "unbreak",
         "expect", "history"]
    )
    drawn = []
    for _ in range(draw(st.integers(min_value=1, max_value=14))):
        kind = draw(kinds)
        value: Any = None
        if kind == "inject":
            value = draw(st.sampled_from(injections))
        elif kind in ("steps", "run n"):
            value = draw(st.integers(min_value=1, max_value=6))
        elif kind == "step kind":
            value = draw(st.sampled_from(["connect", "pipe", "agent", "wake"]))
        elif kind in ("back", "forward", "goto step", "goto address", "step id"):
            value = draw(st.integers(min_value=0, max_value=8))
        elif kind in ("fork", "switch", "diff"):
            value = draw(st.sampled_from(NAMES))
        elif kind == "seed":
            value = draw(st.integers(min_value=0, max_value=2))
        drawn.append((kind, value))
    return drawn


def line_of(
    kind: str, value: Any, addresses: list[str], session: Session, saved: Path
) -> str | None:
    if kind == "step id":
        chosen = [d.id for d in session.pending()]
        chosen += [f.dispatch.id for f in session.in_flight() if f.dispatch is not None]
        return f"step #{sorted(chosen)[value % len(chosen)]}" if chosen else None
    if kind == "break":
        return "break Mailer.sent"
    if kind == "expect":
        return "expect Mailer.sent or Worker.done count=1"
    if kind == "unbreak":
        return "unbreak 1"
    if kind == "watch":
        return "watch Mailer.sent or Worker.done"
    if kind == "load":
        return f"load {saved}"
    if kind == "inject":
        return str(value)
    if kind in ("steps", "step kind"):
        return f"step {value}"
    if kind == "run n":
        return f"run {value}"
    if kind in ("back", "forward"):
        return f"{kind} {value or 1}"
    if kind == "goto step":
        return f"goto {value}"
    if kind == "goto address":
        return f"goto {addresses[value % len(addresses)]}" if addresses else None
    if kind in ("fork", "switch", "seed", "diff"):
        return f"{kind} {value}"
    return kind


async def drive(
    file: Path, moves: list[tuple[str, Any]], record: Path, saved: Path
) -> tuple[dict[str, str], str, int, int, list[str], dict[str, str]]:
    """Make ``moves`` in a session recorded to ``record``; check on the way that each
    address `where` printed, gone to again, reaches the computation it had. Returns the
    computations of the addresses (and, under "watched", the end's with its watches),
    the end's address, its step from its system's start and from the session's, the
    addresses printed, and each branch's end: its address and computation."""
    session = Session.load(file, seed=0, recorder=Recorder(record, source=file))
    await session.start()
    seen: dict[str, str] = {}
    addresses: list[str] = []
    try:
        for kind, value in moves:
            line = line_of(kind, value, addresses, session, saved)
            if line is None:
                continue
            outcome = await session.execute(line)
            assert not internal(outcome), f"{line}: {outcome.error}"
            if kind == "where" and session.inspected is None:  # a loaded file has none
                address = outcome.data["address"]
                if address in seen:
                    assert seen[address] == computation_text(session), line
                else:
                    seen[address] = computation_text(session)
                    addresses.append(address)
            elif kind == "goto address" and outcome.ok:
                assert computation_text(session) == seen[line.split()[1]], line
        if session.inspected is not None:
            assert (await session.execute("reset")).ok
        end = (await session.execute("where")).data["address"]
        seen.setdefault(end, computation_text(session))
        assert seen[end] == computation_text(session)
        tree = session.decisions
        step = tree.point.number - tree.point.epoch.number
        last = tree.point.number
        current = tree.branch.name
        tips: dict[str, str] = {}
        for name, branch in list(tree.branches.items()):
            address = tree.address(branch.tip).to_text()
            outcome = await session.execute(f"switch {name}")
            assert outcome.ok, outcome.error
            assert tree.address().to_text() == address, name
            tips[address] = computation_text(session)
        # Back where the moves left the session: its branch, then its step there.
        for line in (f"switch {current}", f"goto {last}"):
            outcome = await session.execute(line)
            assert outcome.ok, outcome.error
        assert tree.address().to_text() == end
        assert computation_text(session) == seen[end]
        seen["watched"] = computation_text(session, watches=True)
    finally:
        await session.close()
        assert session.recorder is not None
        session.recorder.close()
    return seen, end, step, last, addresses, tips


async def reached_in_a_fresh_session(file: Path, address: str) -> tuple[str, int]:
    async with started(file, seed=0) as session:
        outcome = await session.execute(f"goto {address}")
        assert outcome.ok, outcome.error
        point = session.decisions.point
        return computation_text(session), point.number - point.epoch.number


async def replayed(file: Path, record: Path, seed: int) -> tuple[str, int]:
    async with started(file, seed=seed) as session:
        result = await play(session, read_script(record), script=str(record))
        assert result.error is None, result.error_message()  # an expect may fail, as it did
        return computation_text(session, watches=True), session.decisions.point.number


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FILES))
def test_every_point_a_session_reaches_is_reached_again(name: str, tmp_path: Path) -> None:
    file, injections = FILES[name]
    saved = tmp_path / "saved.json"

    async def save() -> None:
        async with started(file, seed=0) as session:
            for line in (injections[0], "run", f"save {saved}"):
                assert (await session.execute(line)).ok, line

    asyncio.run(save())

    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(commands(injections))
    def check(moves: list[tuple[str, Any]]) -> None:
        record = tmp_path / "session.rapide"

        async def main() -> None:
            seen, end, step, last, addresses, tips = await drive(file, moves, record, saved)
            # Each address printed, and each branch's end, in a fresh session.
            for address in dict.fromkeys([*addresses, end]):  # (watches aside)
                text, steps = await reached_in_a_fresh_session(file, address)
                assert text == seen[address], address
                if address == end:
                    assert steps == step
            for address, text in tips.items():
                assert (await reached_in_a_fresh_session(file, address))[0] == text
            # The recording (the current branch) replays to where the session ended,
            # its steps numbered as they were.
            text, number = await replayed(file, record, seed=0)
            assert text == seen["watched"]
            assert number == last

        asyncio.run(main())

    check()
