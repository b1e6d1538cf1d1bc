"""``expect constraints`` and ``expect P sometimes`` in a single run (``rapide run``)."""

from __future__ import annotations

from pathlib import Path

from tests.shell.cli_process import run_rapide

FIXTURES = Path(__file__).parent / "fixtures"
DELIVERIES = FIXTURES / "deliveries.py"
BANK = Path(__file__).resolve().parents[2] / "examples" / "lost_update.py"


def script(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "script.rapide"
    path.write_text(text)
    return path


def test_sometimes_is_reported_in_one_run_and_never_fails_it(tmp_path: Path) -> None:
    demo = script(
        tmp_path,
        "inject Desk.note n=1\nrun\nexpect Clerk.answered(n=2) sometimes\n"
        "expect Clerk.answered(n=1) sometimes\n",
    )
    result = run_rapide("run", DELIVERIES, "--arch", "quiet", "--script", demo)
    assert result.returncode == 0, result.stderr
    assert "not in this run: Clerk.answered(n=2)" in result.stdout
    assert "rapide explore" in result.stdout
    assert "ok: Clerk.answered(n=1): 1 match (expected at least 1 match, in some schedule)" in (
        result.stdout
    )


def test_expect_constraints_holds_when_nothing_was_violated(tmp_path: Path) -> None:
    demo = script(tmp_path, "inject Teller.deposit amount=5\nrun\nexpect constraints\n")
    result = run_rapide("run", BANK, "--script", demo)
    assert result.returncode == 0, result.stderr
    assert "ok: constraints: no violation" in result.stdout


def test_expect_constraints_fails_on_a_violation_and_names_it(tmp_path: Path) -> None:
    # Both deposits read the balance before either update is recorded.
    demo = script(
        tmp_path,
        "inject Teller.deposit amount=5\ninject Teller.deposit amount=7\n"
        "step #1\nstep #2\nstep #1\nstep #2\nexpect constraints\n",
    )
    result = run_rapide("run", BANK, "--script", demo)
    assert result.returncode == 1
    assert (
        f"{demo}:7: expect failed: constraints: expected no violation, no_lost_update: two "
        "updates were worked out from the same balance" in result.stderr
    )
