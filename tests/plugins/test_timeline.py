"""The ``timeline`` plugin: found through its entry point, run in sessions and by ``rapide run``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import rapide_timeline
from rapide_timeline.lanes import Timeline
from rich.console import Console

from pyrapide import Computation
from pyrapide.architecture import ArchitectureDescription, ComponentDescription
from rapide_shell import plugins
from rapide_shell.session import Session
from tests.shell.cli_process import REPO, run_rapide

CONNECTION_KINDS = REPO / "examples" / "connection_kinds.py"
SHOP = REPO / "tests" / "shell" / "fixtures" / "shop.py"


def drawn(renderables: Any, width: int = 80) -> list[str]:
    """The lines a ``width``-column terminal shows for ``renderables``."""
    console = Console(width=width, record=True, color_system=None)
    for renderable in renderables:
        console.print(renderable)
    return console.export_text().splitlines()


@pytest.fixture
async def kinds_session() -> AsyncIterator[Session]:
    """connection_kinds.py run to quiescence (18 events), closed after the test."""
    session = Session.load(CONNECTION_KINDS, seed=0)
    await session.start()
    assert (await session.execute("run")).ok
    yield session
    await session.close()


def test_the_plugin_is_installed_through_the_rapide_entry_point() -> None:
    plugins.installed_plugins.cache_clear()
    assert ("timeline", rapide_timeline) in plugins.installed_plugins()
    manager = plugins.plugin_manager()
    assert plugins.register_installed(manager) == []
    manager.check_pending()
    assert manager.get_plugin("timeline") is rapide_timeline


async def test_timeline_draws_one_lane_per_component_with_causes(kinds_session: Session) -> None:
    outcome = await kinds_session.execute("timeline")
    assert outcome.ok and outcome.command == "timeline"
    assert outcome.data["events"] == [f"e{n}" for n in range(1, 19)]
    # Each connection's source stands just left of the worker it feeds.
    assert outcome.data["lanes"] == [
        "connect_source", "connect_worker", "pipe_source",
        "pipe_worker", "agent_source", "agent_worker",
    ]  # fmt: skip
    lines = drawn(outcome.output)
    kinds_row = next(line for line in lines if line.startswith("t "))
    assert kinds_row.split() == ["t", "connect", "pipe", "agent"]
    # A pipe's done is caused by the job the pipe delivered and, in the pipe's order, by
    # the previous done; it stands in the pipe worker's lane, linked from the source's.
    pipe_done = next(line for line in lines if "e16 done" in line)
    assert pipe_done.rstrip().endswith("← ═e3 ⇊e13")
    assert pipe_done.index("e16 done") == kinds_row.index("pipe")
    assert "═▶e16 done" in pipe_done
    # A connect's worker is linked by a plain line, an agent's by a dotted one; the
    # source's own jobs follow one another in handler order.
    assert next(line for line in lines if "e10 done" in line).rstrip().endswith("← ─e1")
    assert "┄▶e8 done" in next(line for line in lines if "e8 done" in line)
    assert next(line for line in lines if "e3 job" in line).rstrip().endswith("← ↓e2")
    assert next(line for line in lines if "e11 job" in line).rstrip().endswith("← ↩e10")
    assert lines[-1] == "causes: ─ connect  ═ pipe  ┄ agent  ↓ then  ↩ return  ⇊ pipe order"


async def test_timeline_n_draws_only_the_last_n_events(kinds_session: Session) -> None:
    outcome = await kinds_session.execute("timeline 3")
    assert outcome.data["events"] == ["e16", "e17", "e18"]
    assert outcome.data["lanes"] == ["connect_worker", "pipe_worker"]
    wrong = await kinds_session.execute("timeline 0")
    assert not wrong.ok
    assert wrong.error == "timeline's N must be a whole number, 1 or more, not '0'"


def test_a_script_with_timeline_0_is_refused_before_it_runs(tmp_path: Path) -> None:
    # As every other line that cannot be right, whatever the system does.
    script = tmp_path / "bad.rapide"
    script.write_text("run\ntimeline 0\n", "utf-8")
    result = run_rapide("run", CONNECTION_KINDS, "--script", script)
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"rapide: {script}:2: timeline's N must be a whole number, 1 or more, not '0' "
        "(checked before running: no command was run)"
    ), result.stderr
    assert "> run" not in result.stdout


async def test_six_components_fit_80_columns(kinds_session: Session) -> None:
    lines = drawn((await kinds_session.execute("timeline")).output, width=80)
    assert max(map(len, lines)) <= 80
    assert not any("left out" in line for line in lines)


def test_lanes_beyond_the_width_are_gathered_and_named() -> None:
    computation = Computation()
    for n in range(10):
        computation.new_event(f"Part.tick{n}", source=f"component_{n}", timestamp=float(n))
    description = ArchitectureDescription(
        name="Parts",
        components=tuple(
            ComponentDescription(name=f"component_{n}", interface="Part", actions=())
            for n in range(10)
        ),
        connections=(),
    )
    timeline = Timeline.of(list(computation), computation, description)
    lines = drawn([timeline], width=80)
    assert max(map(len, lines)) <= 80
    footer = " ".join(" ".join(lines[-2:]).split())
    assert "4 components left out of their own lane" in footer
    assert "drawn in 'others': component_6, component_7, component_8, component_9" in footer
    tick9 = next(line for line in lines if "e10 tick9" in line)
    assert tick9.index("e10") == lines[0].index("others")


async def test_injected_events_get_the_env_lane_first() -> None:
    session = Session.load(SHOP, seed=0)
    await session.start()
    try:
        assert (await session.execute("inject Web.order item=apple quantity=2")).ok
        outcome = await session.execute("timeline")
        assert outcome.data["lanes"][0] == "env"
        assert "env" in drawn(outcome.output)[0]
    finally:
        await session.close()


async def test_timeline_with_no_events_says_so() -> None:
    session = Session.load(SHOP, seed=0)
    await session.start()
    try:
        outcome = await session.execute("timeline")
        assert outcome.ok and outcome.data["events"] == []
        assert drawn(outcome.output) == ["no events recorded"]
    finally:
        await session.close()


async def test_timeline_has_help_and_completion(kinds_session: Session) -> None:
    assert "timeline" in (await kinds_session.execute("help")).data["commands"]
    helped = "\n".join(drawn((await kinds_session.execute("help timeline")).output, width=100))
    assert "timeline [N]" in helped and "swimlanes" in helped
    assert "timeline " in [c.text for c in kinds_session.completions("time")]


def test_rapide_run_draws_the_timeline_in_a_script(tmp_path: Path) -> None:
    script = tmp_path / "timeline.rapide"
    script.write_text("run\ntimeline 4\n")
    result = run_rapide("run", CONNECTION_KINDS, "--script", script)
    assert result.returncode == 0, result.stderr
    assert "e18 done" in result.stdout and "← ═e4 ⇊e16" in result.stdout
    assert "e14 done" not in result.stdout.split("> timeline 4")[1]


async def test_the_tui_command_bar_draws_the_timeline() -> None:
    from tests.shell.tui.conftest import SIZE, make_app, type_command

    app = make_app(CONNECTION_KINDS)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "run")
        await type_command(pilot, "timeline 3")
        shown = [line.text.rstrip() for line in app.main_screen.output.lines]
        pipe_done = next(line for line in shown if "e18 done" in line)
        assert pipe_done.endswith("← ═e4 ⇊e16")
        assert any(line.split() == ["t", "connect", "pipe"] for line in shown)
