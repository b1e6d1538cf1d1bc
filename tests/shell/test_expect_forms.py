"""``expect constraints``, ``expect errors`` and ``expect P sometimes`` in a single run
(``rapide run``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.shell.cli_process import run_rapide

FIXTURES = Path(__file__).parent / "fixtures"
DELIVERIES = FIXTURES / "deliveries.py"
BANK = Path(__file__).resolve().parents[2] / "examples" / "lost_update.py"
ORDERS = FIXTURES / "orders.py"


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
    # The transcript's line named the constraint, not the events that broke it, which
    # the run's own line had said ("(events e4, e5)") and `why` needs.
    words = " ".join(result.stdout.split())  # as one line, however the terminal wraps it
    assert re.search(
        r"FAILED: constraints: no_lost_update: two updates were worked out from the same "
        r"balance: one deposit is lost \(events e\d+, e\d+\)", words
    ), result.stdout


def test_expect_errors_counts_what_the_architectures_code_raised(tmp_path: Path) -> None:
    # Seed 0 hands the cancel over first: its handler raises KeyError.
    demo = script(
        tmp_path,
        "inject Client.order id=1\ninject Client.cancel id=1\nrun\nexpect errors count=1\n"
        "expect errors\nexpect errors count=2 sometimes\nexpect errors none\n",
    )
    result = run_rapide("run", ORDERS, "--script", demo, "--json")
    assert result.returncode == 1, result.stderr
    checked = [
        (line["command"], line["result"]["held"], line["result"]["expected"])
        for line in json.loads(result.stdout)["commands"]
        if line["command"].startswith("expect")
    ]
    assert checked == [
        ("expect errors count=1", True, "exactly 1 error"),
        ("expect errors", True, "at least 1 error"),
        ("expect errors count=2 sometimes", False, "exactly 2 errors, in some schedule"),
        ("expect errors none", False, "no error"),
    ]
    failed = json.loads(result.stdout)["commands"][-1]["result"]
    assert failed["error"] == (
        "error in shop handling e2 Client.cancel: KeyError: 1 (at orders.py:41 in on_cancel)"
    )
    shown = run_rapide("run", ORDERS, "--script", demo)
    assert "FAILED: errors: expected no error, saw 1 error (the first: error in shop" in (
        shown.stdout.replace("\n", " ")
    )
    assert f"{demo}:7: expect failed: errors: expected no error, saw 1" in shown.stderr
    # `errors` is no pattern here: nothing notes that no interface declares it.
    assert "no interface declares" not in shown.stdout


def test_expect_errors_none_holds_when_nothing_raised(tmp_path: Path) -> None:
    demo = script(tmp_path, "inject Client.order id=1\nrun\nexpect errors none\n")
    result = run_rapide("run", ORDERS, "--script", demo)
    assert result.returncode == 0, result.stderr
    assert "ok: errors: 0 errors (expected no error)" in result.stdout


def test_sometimes_before_a_count_is_said_to_go_last(tmp_path: Path) -> None:
    # `expect errors sometimes none` was "pattern syntax error: expected '&', '(', ...,
    # found 'sometimes'": the order of the words, not the pattern, was wrong.
    for line, column in (
        ("expect errors sometimes none", 14),
        ("expect Clerk.answered sometimes count=1", 22),
        ("expect Clerk.answered sometimes sometimes", 22),
    ):
        result = run_rapide("run", DELIVERIES, "--arch", "quiet", "--script",
                            script(tmp_path, line + "\n"))
        assert result.returncode == 2, result.stderr
        assert "script.rapide:1: `sometimes` comes once, last: expect PATTERN [count=N | none]" \
            " [sometimes]" in result.stderr
        assert "pattern syntax error" not in result.stderr
        caret = result.stderr.splitlines()[-1]
        assert caret.index("^") - 2 == column, result.stderr
