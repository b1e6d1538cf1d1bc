"""Every table of connection kinds in the workbench covers every ConnectionKind."""

from __future__ import annotations

from pathlib import Path

from pyrapide.architecture import ConnectionKind
from rapide_shell.commands.builtin.running import CONNECTION_KINDS, STEP_KINDS
from rapide_shell.render import KIND_LOOKS, look
from rapide_shell.tui.theme_colours import KIND_COLOURS
from rapide_shell.tui.widgets.connection_graph import ConnectionGraph
from tests.shell.cli_process import run_rapide

FIXTURES = Path(__file__).parent / "fixtures"


def test_every_kind_has_a_look_a_colour_and_a_name_in_the_language() -> None:
    assert set(KIND_LOOKS) == set(ConnectionKind)
    for kind in ConnectionKind:
        drawn = look(kind)
        assert drawn.theme_colour.startswith("$") and len(drawn.lines) == 6
        assert f"connection-graph--{kind}" in ConnectionGraph.COMPONENT_CLASSES
        # The graph draws each kind in its look's theme colour, made readable in every
        # theme ($rapide-connect is derived from $primary, and so on).
        assert f".connection-graph--{kind} {{ color: $rapide-{kind}; }}" in (
            ConnectionGraph.DEFAULT_CSS
        )
        assert KIND_COLOURS[str(kind)] == drawn.theme_colour.removeprefix("$")
        assert str(kind) in CONNECTION_KINDS and str(kind) in STEP_KINDS
    arrows = [look(kind).arrow for kind in ConnectionKind]
    assert len(set(arrows)) == len(arrows)  # the kinds are told apart in text


def test_check_warns_of_a_composite_pattern_the_wiring_never_lets_match() -> None:
    result = run_rapide("check", FIXTURES / "office.py")
    assert result.returncode == 0, result.stderr
    assert (
        "warning: connection #4 (agent Clerk.answered -> Desk.letter): nothing that "
        "Clerk.answered leads to is Desk.letter, so `Clerk.answered -> Desk.letter` never "
        "matches events the system emits"
    ) in result.stdout
    # The composite the wiring allows (a letter, then its answer) is not warned of.
    assert "connection #3" not in result.stdout
