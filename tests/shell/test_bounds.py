"""Bounds the user sets, from the command line: --timeout, --max-steps, run N, --handler-timeout."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from rapide_shell.address import Address
from tests.shell.cli_process import run_rapide

FIXTURES = Path(__file__).parent / "fixtures"


def script(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "script.rapide"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def lines_of(fixture: str, text: str) -> set[int]:
    """The numbers of the lines of ``fixture`` that contain ``text``."""
    source = (FIXTURES / fixture).read_text(encoding="utf-8").splitlines()
    return {number for number, line in enumerate(source, 1) if text in line}


def test_timeout_ends_a_run_that_never_goes_quiet_with_status_1(tmp_path: Path) -> None:
    began = time.monotonic()
    result = run_rapide(
        "run", FIXTURES / "rally.py", "--script", script(tmp_path, "run", "expect Ball.hit"),
        "--timeout", "1",  # its clock starts with the session, the run right after: it never ends
    )
    assert time.monotonic() - began < 30
    assert result.returncode == 1, result.stderr
    assert re.search(
        r"script\.rapide:1: stopped: --timeout of 1 s reached with work pending "
        r"\(the rest of the script was not run\)",
        result.stderr,
    )
    assert result.stderr.count("\n") == 1  # one line, no traceback


@pytest.mark.parametrize("every", ["0.2", "60"])
def test_timeout_ends_a_slow_motion_run_too(tmp_path: Path, every: str) -> None:
    # One step a turn: the run loop never met the deadline, so the script never ended.
    began = time.monotonic()
    result = run_rapide(
        "run", FIXTURES / "rally.py", "--script",
        script(tmp_path, f"run --every {every}", "expect Ball.hit"), "--timeout", "1",
    )
    assert time.monotonic() - began < 30
    assert result.returncode == 1, result.stderr
    assert re.search(
        r"script\.rapide:1: stopped: --timeout of 1 s reached with work pending", result.stderr
    )


def test_max_steps_bounds_the_whole_script(tmp_path: Path) -> None:
    result = run_rapide(
        "run", FIXTURES / "rally.py", "--script", script(tmp_path, "step 30", "run"),
        "--max-steps", "50", "--json",
    )
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["bound"] == {"line": 2, "message": "--max-steps 50 reached with work pending"}
    assert report["commands"][1]["result"]["steps"] == 20  # what was left of the 50


def test_the_bounds_are_the_scripts_not_what_reaching_at_took(tmp_path: Path) -> None:
    # The 30 steps that reach the --at point once used up the script's --max-steps.
    at = Address(0, ("step 30",)).to_text()
    result = run_rapide(
        "run", FIXTURES / "rally.py", "--at", at, "--script", script(tmp_path, "step 3", "run"),
        "--max-steps", "5", "--json",
    )
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["bound"] == {"line": 2, "message": "--max-steps 5 reached with work pending"}
    assert [command["ok"] for command in report["commands"]] == [True, True]
    assert report["commands"][1]["result"]["steps"] == 2  # what was left of the 5


def test_run_n_in_a_script_ends_it_with_status_1(tmp_path: Path) -> None:
    result = run_rapide(
        "run", FIXTURES / "rally.py", "--script", script(tmp_path, "run 25", "expect Ball.hit"),
    )
    assert result.returncode == 1
    stopped = "script.rapide:1: stopped: `run 25` took its 25 steps with work pending"
    assert stopped in result.stderr
    assert "> expect" not in result.stdout


def test_a_bound_a_script_stays_within_changes_nothing(tmp_path: Path) -> None:
    lines = script(tmp_path, "inject Web.order item=apple", "run 100", "expect Mailer.sent")
    result = run_rapide(
        "run", FIXTURES / "shop.py", "--script", lines, "--max-steps", "100", "--timeout", "30"
    )
    assert result.returncode == 0, result.stderr
    assert "ok: 1 expectation held" in result.stdout


def test_bad_bounds_are_refused_as_usage_errors(tmp_path: Path) -> None:
    rally, lines = FIXTURES / "rally.py", script(tmp_path, "run")
    for option, value in (("--max-steps", "0"), ("--timeout", "0"), ("--handler-timeout", "-1")):
        result = run_rapide("run", rally, "--script", lines, option, value)
        assert result.returncode == 2, (option, result.stderr)
        assert option in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["run", "--timeout"],
        ["run", "--handler-timeout"],
        ["explore", "--handler-timeout"],
        ["lessons", "choices", "--speed"],
    ],
)
def test_a_number_of_seconds_that_is_not_a_number_is_refused(
    tmp_path: Path, command: list[str]
) -> None:
    # float() reads "nan", which no bound compares against: it must not reach the run.
    rally, lines = FIXTURES / "rally.py", script(tmp_path, "run")
    files = [] if command[0] == "lessons" else [rally, "--script", lines]
    result = run_rapide(command[0], *files, *command[1:], "nan")
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"argument {command[-1]}: 'nan' is not a number of seconds" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


@pytest.mark.parametrize(("kind", "where"), [("spin", "spin"), ("block", "time.sleep(60)")])
def test_a_handler_that_keeps_control_is_stopped_and_the_script_goes_on(
    tmp_path: Path, kind: str, where: str
) -> None:
    lines = script(
        tmp_path,
        f"inject Desk.job kind={kind}",
        "run",
        "inject Desk.job kind=ok",
        "run",
        "expect Desk.done count=1",
    )
    began = time.monotonic()
    result = run_rapide(
        "run", FIXTURES / "stuck.py", "--script", lines, "--handler-timeout", "0.5"
    )
    assert time.monotonic() - began < 30
    assert result.returncode == 0, result.stdout + result.stderr
    out = " ".join(result.stdout.split())
    assert (
        "HandlerTimeout: Worker.on_job ran for more than 0.5 s without handing control back"
        in out
    )
    place = re.search(r"\(at stuck\.py:(\d+) in on_job\)", out)
    assert place is not None and int(place[1]) in lines_of("stuck.py", where)
    assert "ok: 1 expectation held" in out


@pytest.mark.parametrize("handler_timeout", ["0", "600"])
def test_timeout_ends_a_handler_that_keeps_control_too(
    tmp_path: Path, handler_timeout: str
) -> None:
    # --timeout was looked at between steps only: a handler spinning inside one kept the
    # script for ever with no handler bound, and past the timeout with a longer one.
    lines = script(tmp_path, "inject Desk.job kind=spin", "run", "expect Desk.done")
    began = time.monotonic()
    result = run_rapide("run", FIXTURES / "stuck.py", "--script", lines, "--timeout", "1",
                        "--handler-timeout", handler_timeout, timeout=60)
    assert time.monotonic() - began < 30
    assert result.returncode == 1, result.stdout + result.stderr
    # Said as the --timeout's doing: "ran for more than 1 s ... (handler_timeout)" named
    # a bound the user had not set (or had set to 0, never).
    assert (
        "HandlerTimeout: Worker.on_job had not handed control back when the --timeout of 1 s "
        "ran out; it was stopped there (at stuck.py:"
    ) in " ".join(result.stdout.split())
    assert "handler_timeout" not in result.stdout
    assert result.stderr == (
        f"rapide: {lines}:3: stopped: --timeout of 1 s reached (the rest of the script was "
        "not run)\n"
    )


def test_a_run_the_systems_own_limit_halts_with_work_pending_ends_the_script_with_1(
    tmp_path: Path,
) -> None:
    # An event storm halted at max_events is not a run that finished: a pipeline
    # checking the script learns of it from the status, not only from the transcript.
    lines = script(tmp_path, "inject Echo.ping n=0", "run", "expect Echo.ping")
    result = run_rapide("run", FIXTURES / "storms.py", "--arch", "doubling", "--script", lines)
    assert result.returncode == 1, result.stderr
    assert "script.rapide:2: stopped: the system's max_events with work pending" in result.stderr
    report = json.loads(run_rapide(
        "run", FIXTURES / "storms.py", "--arch", "doubling", "--script", lines, "--json"
    ).stdout)
    assert report["bound"] == {
        "line": 2, "message": "the system's max_events with work pending"
    }
    assert report["events"] == 200  # what was recorded is all there


def test_a_cycle_cut_by_max_connect_depth_that_goes_quiet_is_no_bound(tmp_path: Path) -> None:
    # The cut is reported; nothing is left pending, so the script goes on.
    lines = script(tmp_path, "inject Echo.ping n=0", "run", "expect Echo.ping")
    result = run_rapide("run", FIXTURES / "storms.py", "--arch", "cycle", "--script", lines)
    assert result.returncode == 0, result.stderr
    assert "exceed max_connect_depth=20 (a synchronous cycle?)" in " ".join(result.stdout.split())
    assert "1 expectation held" in result.stdout


def test_the_run_after_a_cycle_cut_is_not_stopped_by_that_cut(tmp_path: Path) -> None:
    # The cut refuses the one delivery too deep and the system goes on, as the library
    # does; the workbench held it as a halt "until reset": the next `step` was said to
    # stop at max_connect_depth "with work pending", and the script ended with status 1.
    lines = script(
        tmp_path, "inject Echo.ping n=0", "run", "inject Echo.ping n=100", "step", "step", "run",
        "expect Echo.ping count=42",
    )
    result = run_rapide("run", FIXTURES / "storms.py", "--arch", "cycle", "--script", lines)
    assert result.returncode == 0, result.stderr
    said = " ".join(result.stdout.split())
    halted = "halted by a limit: the next `run` or `step` goes on, `reset` starts over"
    assert said.count(halted) == 2
    assert "with work pending" not in said
    assert "1 expectation held" in said
