"""The example scripts run as the README shows them, every expectation holding."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.shell.cli_process import run_rapide

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def rapide(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return run_rapide(*args, timeout=120)


@pytest.mark.parametrize(
    "name", ["seed_system", "connection_kinds", "nested_payments", "payments_map", "lost_update"]
)
def test_example_script_runs_and_every_expect_holds(name: str) -> None:
    result = rapide("run", EXAMPLES / f"{name}.py", "--script", EXAMPLES / f"{name}.rapide")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "FAILED" not in result.stdout
    assert result.stdout.splitlines()[-1].startswith("ok: ")


def test_the_seed_script_stops_at_the_first_database_error() -> None:
    result = rapide("run", EXAMPLES / "seed_system.py", "--script", EXAMPLES / "seed_system.rapide")
    assert (
        "stopped at breakpoint 1 (DatabaseService.error): e8 DatabaseService.error from db"
    ) in result.stdout
    assert "e7 APIService.request from api" in result.stdout


def test_the_seed_graph_shows_every_kind() -> None:
    result = rapide("graph", EXAMPLES / "seed_system.py")
    assert result.returncode == 0
    for line in (
        "#0 connect api --> db",
        "#2 pipe    db  ==> api",
        "#3 agent   db  ~~> notifications",
    ):
        assert line in result.stdout


def test_the_lost_updates_counterexample_replays_to_its_failure() -> None:
    counterexample = EXAMPLES / "lost_update.counterexample.rapide"
    result = rapide("run", EXAMPLES / "lost_update.py", "--script", counterexample)
    assert result.returncode == 1
    assert "expect failed: constraints: expected no violation, no_lost_update" in result.stderr
