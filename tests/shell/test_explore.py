"""``rapide explore`` as a user runs it: verdicts, counterexamples that replay, exit codes."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pexpect
import pytest

from pyrapide.exploration.results import Coverage, CoverageLine
from rapide_shell import explore_run
from rapide_shell.explore_report import coverage_table
from rapide_shell.exploring import default_out
from tests.shell.cli_process import REPO, run_rapide
from tests.shell.terminal import Terminal

FIXTURES = Path(__file__).parent / "fixtures"
DELIVERIES = FIXTURES / "deliveries.py"
BANK = REPO / "examples" / "lost_update.py"
BANK_SCRIPT = REPO / "examples" / "lost_update.rapide"
THREE_NOTES = "inject Desk.note n=1\ninject Desk.note n=2\ninject Desk.note n=3\nrun\n"


def rapide(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    result = run_rapide(*args, timeout=timeout)
    assert "Traceback" not in result.stdout + result.stderr
    return result


def script(tmp_path: Path, text: str, name: str = "scenario.rapide") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def explore_json(*args: str | Path) -> dict:
    result = rapide("explore", *args, "--json")
    document = json.loads(result.stdout)
    assert document["exit_status"] == result.returncode
    return document


def explore_bank(tmp_path: Path, lines: list[str]) -> tuple[subprocess.CompletedProcess[str], Path]:
    """``rapide explore`` of the lost update under a scenario of ``lines``, which must
    fail; the answer and where its counterexample went."""
    out = tmp_path / "lost.rapide"
    result = rapide("explore", BANK, "--script", script(tmp_path, "\n".join(lines) + "\n"),
                    "--out", out)
    assert result.returncode == 1, result.stdout + result.stderr
    return result, out


def test_three_deliveries_to_a_stateless_target_6_orders_1_poset(tmp_path: Path) -> None:
    scenario = script(tmp_path, THREE_NOTES + "expect Clerk.answered count=3\n")
    result = rapide("explore", DELIVERIES, "--arch", "quiet", "--script", scenario)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "6 schedules run, 1 distinct poset; the space was exhausted"
    assert "ok: every property held in every schedule" in lines


def test_a_target_appending_to_a_list_it_emits_6_posets(tmp_path: Path) -> None:
    scenario = script(tmp_path, THREE_NOTES)
    document = explore_json(DELIVERIES, "--arch", "ledger", "--script", scenario)
    assert (document["schedules"], document["distinct_posets"]) == (6, 6)
    assert (document["ok"], document["exhausted"], document["exit_status"]) == (True, True, 0)


def test_no_prune_tries_every_order_pruning_one(tmp_path: Path) -> None:
    scenario = script(tmp_path, THREE_NOTES)
    pruned = explore_json(DELIVERIES, "--arch", "apart", "--script", scenario)
    full = explore_json(DELIVERIES, "--arch", "apart", "--script", scenario, "--no-prune")
    assert (pruned["schedules"], pruned["distinct_posets"], pruned["pruning"]) == (1, 1, True)
    assert (full["schedules"], full["distinct_posets"], full["pruning"]) == (6, 1, False)
    assert pruned["exhausted"] and full["exhausted"]


def test_max_schedules_and_random_seeds_say_the_space_was_not_exhausted(tmp_path: Path) -> None:
    scenario = script(tmp_path, THREE_NOTES)
    bounded = rapide("explore", DELIVERIES, "--arch", "ledger", "--script", scenario,
                     "--max-schedules", "2")
    assert bounded.returncode == 0
    assert bounded.stdout.splitlines()[0] == (
        "2 schedules run, 2 distinct posets; stopped at --max-schedules 2: not exhausted"
    )
    walked = explore_json(DELIVERIES, "--arch", "ledger", "--script", scenario,
                          "--strategy", "random", "--seeds", "10..29")
    assert walked["schedules"] == 20 and not walked["exhausted"]


def test_the_lost_update_is_found_shrunk_and_replays_to_exit_1(tmp_path: Path) -> None:
    out = tmp_path / "lost.rapide"
    result = rapide("explore", BANK, "--script", BANK_SCRIPT, "--out", out)
    assert result.returncode == 1
    assert "FAILED: constraint no_lost_update: two updates were worked out" in result.stdout
    assert f"counterexample: {out}" in result.stdout
    address = next(line for line in result.stdout.splitlines() if "failing step:" in line)
    assert address.split("failing step: ")[1].startswith("r1-")
    text = out.read_text()
    assert text.splitlines()[-1] == "expect constraints"
    assert "step #" in text  # the forced choice that loses the deposit
    replay = rapide("run", BANK, "--script", out)
    assert replay.returncode == 1
    assert "expect failed: constraints: expected no violation, no_lost_update" in replay.stderr


def test_a_counterexample_takes_no_step_its_failure_does_not_need(tmp_path: Path) -> None:
    # It took `step 4` before forcing the cheque's wake-up: one step more than the
    # failure needs (the ledger recording the cash deposit, which plays no part).
    out = tmp_path / "lost.rapide"
    result = rapide("explore", BANK, "--script", BANK_SCRIPT, "--out", out)
    assert result.returncode == 1
    lines = [line for line in out.read_text().splitlines() if not line.startswith("#")]
    assert lines[3:] == ["step 3", "step #2", "expect constraints"], lines
    assert rapide("run", BANK, "--script", out).returncode == 1
    shorter = script(tmp_path, "\n".join([*lines[:3], "step 2", *lines[4:]]) + "\n")
    assert rapide("run", BANK, "--script", shorter).returncode == 0


def test_a_random_search_finds_each_first_note_a_depth_first_one_finds(tmp_path: Path) -> None:
    scenario = script(tmp_path, THREE_NOTES + "expect Clerk.first(n=3) sometimes\n")
    every = explore_json(DELIVERIES, "--arch", "race", "--script", scenario)
    walked = explore_json(DELIVERIES, "--arch", "race", "--script", scenario,
                          "--strategy", "random", "--seeds", "0..59")
    assert every["distinct_posets"] == walked["distinct_posets"] == 3
    assert walked["sometimes"][0]["held"] and walked["exit_status"] == 0


def test_a_counterexample_named_with_a_line_break_still_replays(tmp_path: Path) -> None:
    # The header's comments held the paths as they were: a line break in the script's
    # name or --out's made the rest of that comment a command, and the replay exit 2.
    scenario = tmp_path / "bank\nscript.rapide"
    scenario.write_text(BANK_SCRIPT.read_text())
    out = tmp_path / "lost\nupdate.rapide"
    assert rapide("explore", BANK, "--script", scenario, "--out", out).returncode == 1
    header = out.read_text().splitlines()[:5]
    assert header[0] == (
        f"# A counterexample found exploring the schedules of {tmp_path}/bank\\nscript.rapide "
        "(dfs):"
    )
    assert header[3].endswith(f"--script '{tmp_path}/lost\\nupdate.rapide'")
    replay = rapide("run", BANK, "--script", out)
    assert replay.returncode == 1, replay.stderr



def test_deposits_the_lost_update_does_not_need_are_shrunk_away(tmp_path: Path) -> None:
    # Deposits injected before the two that race move the losing choice to a later
    # step; without them it comes earlier, and shrinking must still find it there.
    result, out = explore_bank(tmp_path, [
        "inject Teller.deposit amount=50",
        "inject Teller.deposit amount=25 clears_in=1",
        "inject Teller.deposit amount=10 clears_in=2",
        "inject Teller.deposit amount=5",
        "inject Teller.deposit amount=1 clears_in=1",
        "run",
    ])
    assert "(1 forced choice, 5 injections); shrunk to 1 forced choice, 2 injections" in (
        result.stdout
    )
    assert sum(line.startswith("inject ") for line in out.read_text().splitlines()) == 2
    assert "# schedule 2: 1 forced choice and 5 injections as found, shrunk to 1 forced " \
        "choice and 2 injections.\n" in out.read_text()
    replay = rapide("run", BANK, "--script", out)
    assert replay.returncode == 1 and "no_lost_update" in replay.stderr

def test_logical_timing_keeps_wake_ups_in_time_order(tmp_path: Path) -> None:
    # The cheque clears at t=1, after everything due at t=0: no deposit is lost then.
    result = rapide("explore", BANK, "--script", BANK_SCRIPT, "--timing", "logical",
                    "--out", tmp_path / "none.rapide")
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[0].endswith("; the space was exhausted")
    assert not (tmp_path / "none.rapide").exists()


def test_a_counterexample_says_whether_shrinking_took_anything_away(tmp_path: Path) -> None:
    # The example's two deposits both matter: nothing could go.
    _, out = explore_bank(tmp_path, BANK_SCRIPT.read_text().splitlines())
    assert ("# schedule 2: 1 forced choice and 2 injections, none of which shrinking could "
            "take away.\n") in out.read_text()
    unshrunk = tmp_path / "unshrunk.rapide"
    result = rapide("explore", BANK, "--script", BANK_SCRIPT, "--no-shrink", "--out", unshrunk)
    assert result.returncode == 1
    assert "  found in schedule 2 (1 forced choice, 2 injections); not shrunk\n" in (
        result.stdout
    )
    assert "# schedule 2: 1 forced choice and 2 injections, as found (not shrunk).\n" in (
        unshrunk.read_text()
    )
    # --json says how shrinking ended: done, skipped, or cut short (bound, stopped).
    for options, ended in (([], "done"), (["--no-shrink"], "skipped")):
        document = explore_json(BANK, "--script", BANK_SCRIPT, *options, "--force",
                                "--out", unshrunk)
        assert document["failures"][0]["shrinking"] == ended


def test_a_run_that_never_goes_quiet_fails_and_replays_to_its_bound(tmp_path: Path) -> None:
    notes = "".join(f"inject Desk.note n={n}\n" for n in range(8))
    scenario = script(tmp_path, notes + "run\n")
    out = tmp_path / "bound.rapide"
    document = explore_json(DELIVERIES, "--arch", "ledger", "--script", scenario,
                            "--max-steps", "5", "--out", out)
    (failure,) = document["failures"]
    assert failure["property"] == "the run at line 9 did not go quiet within 5 steps"
    # Six notes are enough to take more than five steps: shrinking drops the other two.
    assert failure["injections"] == {"found": 8, "shrunk": 6}
    assert failure["lines"][-1] == "run 5" and failure["replays"] is True
    assert f"rapide run {DELIVERIES} --arch ledger --script {out}" in out.read_text()
    replay = rapide("run", DELIVERIES, "--arch", "ledger", "--script", out)
    assert replay.returncode == 1 and "took its 5 steps with work pending" in replay.stderr


def test_a_run_the_systems_own_bound_stops_fails_as_rapide_run_fails_it(tmp_path: Path) -> None:
    # The System records at most 5 events: three notes and their answers are more.
    # rapide run exits 1 there; explore said "ok: every property held" and exited 0.
    scenario = script(tmp_path, THREE_NOTES + "expect Desk.note count=3\n")
    assert rapide("run", DELIVERIES, "--arch", "capped", "--script", scenario).returncode == 1
    out = tmp_path / "capped.rapide"
    document = explore_json(DELIVERIES, "--arch", "capped", "--script", scenario, "--out", out)
    assert document["exit_status"] == 1 and not document["ok"]
    (failure,) = document["failures"]
    assert failure["property"] == (
        "the run at line 4 was stopped by the system's max_events with work pending"
    )
    assert failure["replays"] is True
    replay = rapide("run", DELIVERIES, "--arch", "capped", "--script", out)
    assert replay.returncode == 1 and "max_events with work pending" in replay.stderr


def test_all_failures_lists_each_failing_poset_and_writes_each_shrunk_script_once(
    tmp_path: Path,
) -> None:
    # "note 3 is never the first seen" fails where note 3 goes first: two posets (3, 1, 2
    # and 3, 2, 1), each shrinking to note 3 alone.
    scenario = script(tmp_path, THREE_NOTES + "expect Clerk.seen(notes=[3]) none\n",
                      "first.rapide")
    document = explore_json(DELIVERIES, "--arch", "ledger", "--script", scenario,
                            "--all-failures")
    assert document["exit_status"] == 1 and document["exhausted"]
    # Two failing posets, both shrunk to the same script: one file, the second shares it.
    paths = [failure["counterexample"] for failure in document["failures"]]
    assert paths == [str(tmp_path / "first.counterexample.rapide")] * 2
    assert [failure["same_as"] for failure in document["failures"]] == [None, 1]
    assert len({failure["poset"] for failure in document["failures"]}) == 2
    assert not (tmp_path / "first.counterexample-2.rapide").exists()
    # The file and the report say how many failures it stands for.
    header = (tmp_path / "first.counterexample.rapide").read_text()
    schedules = [failure["schedule"] for failure in document["failures"]]
    assert (f"# It stands for 2 failing posets, found in schedules {schedules[0]} and "
            f"{schedules[1]}: each shrinks to this script.\n") in header
    text = " ".join(rapide("explore", DELIVERIES, "--arch", "ledger", "--script", scenario,
                           "--all-failures", "--force").stdout.split())
    assert "first.counterexample.rapide (2 failures shrink to it: 1 and 2)" in text
    assert "first.counterexample.rapide, as failure 1: it shrinks to the same script" in text
    for failure in document["failures"]:
        # Shrunk: with note 3 alone, it is the first seen; it still fails replayed.
        assert failure["injections"] == {"found": 3, "shrunk": 1}
        assert failure["forced_choices"]["shrunk"] == 0
        assert failure["replays"] is True
        replay = rapide("run", DELIVERIES, "--arch", "ledger", "--script",
                        failure["counterexample"])
        assert replay.returncode == 1


def test_an_expect_of_an_event_keeps_the_notes_it_needs_in_its_counterexample(
    tmp_path: Path,
) -> None:
    # "note 1 is the first served" fails in every order that starts with another note,
    # the seed's own among them. Shrinking took every note away (none served, so no
    # note 1 first either) and wrote a counterexample with nothing in it: the race it
    # was found in was gone from it.
    scenario = script(tmp_path, THREE_NOTES + "expect Clerk.first(n=1)\n", "first.rapide")
    document = explore_json(DELIVERIES, "--arch", "race", "--script", scenario)
    assert document["exit_status"] == 1
    (failure,) = document["failures"]
    assert failure["injections"] == {"found": 3, "shrunk": 3}
    assert failure["replays"] is True
    assert Path(failure["counterexample"]).read_text().count("inject Desk.note") == 3


def test_max_failures_bounds_the_counterexamples_kept_and_counts_the_rest(
    tmp_path: Path,
) -> None:
    scenario = script(tmp_path, THREE_NOTES + "expect Clerk.first(n=1)\n", "first.rapide")
    args = ("explore", DELIVERIES, "--arch", "race", "--script", scenario, "--all-failures",
            "--no-shrink")
    every = explore_json(*args[1:])
    assert every["failing_posets"] == 2 and every["failures_not_kept"] == 0
    assert len(every["failures"]) == 2
    (tmp_path / "first.counterexample-2.rapide").unlink()
    document = explore_json(*args[1:], "--max-failures", "1", "--force")
    assert document["exit_status"] == 1 and document["exhausted"]
    assert document["failing_posets"] == 2 and document["failures_not_kept"] == 1
    (kept,) = document["failures"]
    assert kept == {**every["failures"][0], "replays": kept["replays"]}
    assert not (tmp_path / "first.counterexample-2.rapide").exists()
    text = rapide(*args, "--max-failures", "1", "--force")
    assert text.returncode == 1
    assert ("1 more failing poset found, not shrunk nor written: --max-failures 1 keeps the "
            "first 1 (a larger N keeps more)") in " ".join(text.stdout.split())
    assert not (tmp_path / "first.counterexample-2.rapide").exists()


@pytest.mark.parametrize(
    ("args", "refusal"),
    [
        (("--max-failures", "3"),
         "rapide: --max-failures is for --all-failures: without it the search stops at one"),
        (("--all-failures", "--max-failures", "0"),
         "rapide explore: error: argument --max-failures: 0 is not at least 1"),
    ],
)
def test_max_failures_is_refused_without_all_failures_or_below_1(
    tmp_path: Path, args: tuple[str, ...], refusal: str
) -> None:
    scenario = script(tmp_path, THREE_NOTES)
    refused = rapide("explore", DELIVERIES, "--arch", "race", "--script", scenario, *args)
    assert refused.returncode == 2
    assert refused.stderr.splitlines()[-1] == refusal
    assert not list(tmp_path.glob("*.counterexample*"))


def test_a_long_patterns_lines_show_its_ends_and_its_json_keeps_it_whole(
    tmp_path: Path,
) -> None:
    # The failure, the sometimes line and each coverage row repeated a pattern of many
    # parts whole: screens of text a line.
    pattern = " or ".join(f"Clerk.first(n={n})" for n in range(3, 30))
    scenario = script(tmp_path, THREE_NOTES + f"expect {pattern} sometimes\n"
                      f"expect {pattern} count=0\n")
    result = rapide("explore", DELIVERIES, "--arch", "race", "--script", scenario)
    assert result.returncode == 1
    told = " ".join(result.stdout.split())
    shown = "Clerk.first(n=3) or Clerk.first(n=4) or…r Clerk.first(n=28) or Clerk.first(n=29)"
    assert f"FAILED: {shown}: expected exactly 0 matches, saw 1 match" in told
    assert (
        "ok: expect Clerk.first(n=3) or Clerk.first(…rst(n=28) or Clerk.first(n=29) "
        "sometimes (line 5): held in schedule"
    ) in told
    assert told.endswith(
        "matched expect Clerk.first(n=3) or Clerk.first(…rst(n=28) or Clerk.first(n=29) "
        "sometimes 1 expect Clerk.first(n=3) or Clerk.first(…first(n=28) or Clerk.first(n=29) "
        "count=0 1"
    )
    assert "Clerk.first(n=15)" not in result.stdout
    failure = json.loads(rapide("explore", DELIVERIES, "--arch", "race", "--script", scenario,
                                "--json").stdout)["failures"][0]
    assert failure["property"] == f"{pattern}: expected exactly 0 matches, saw 1 match"


def test_sometimes_fails_only_when_no_schedule_meets_it(tmp_path: Path) -> None:
    scenario = script(tmp_path, THREE_NOTES + "expect Clerk.first(n=3) sometimes\n"
                      "expect Clerk.first(n=4) sometimes\n")
    result = rapide("explore", DELIVERIES, "--arch", "race", "--script", scenario)
    assert result.returncode == 1
    assert "ok: expect Clerk.first(n=3) sometimes (line 5): held in schedule" in result.stdout
    assert "FAILED: expect Clerk.first(n=4) sometimes (line 6): held in no schedule" in (
        result.stdout
    )


def test_coverage_is_printed_and_in_json(tmp_path: Path) -> None:
    scenario = script(tmp_path, THREE_NOTES + "expect Clerk.first(n=2) sometimes\n"
                      "watch Clerk.first(n=3)\n")
    result = rapide("explore", DELIVERIES, "--arch", "race", "--script", scenario)
    assert "coverage: in how many of the 6 schedules" in result.stdout
    one = rapide("explore", DELIVERIES, "--arch", "race", "--script", scenario,
                 "--max-schedules", "1")
    assert "coverage: in the 1 schedule\n" in one.stdout
    assert "delivered  agent Desk.note -> clerk" in result.stdout
    document = explore_json(DELIVERIES, "--arch", "race", "--script", scenario)
    coverage = document["coverage"]
    assert coverage["connections"] == [{"name": "agent Desk.note -> clerk", "schedules": 6}]
    assert {"name": "clerk.answer", "schedules": 6} in coverage["handlers"]
    assert coverage["patterns"] == [
        {"name": "expect Clerk.first(n=2) sometimes", "schedules": 2, "line": 5},
        {"name": "watch Clerk.first(n=3)", "schedules": 2, "line": 6},
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("inject Desk.note n=1\nstep\n", "{s}:2: explore chooses every step itself"),
        ("inject Desk.note n=1\n", "{s}: the script has no `run` line"),
        ("inject Desk.note n=1\nquit\nrun\n", "{s}:2: `quit` ends the script before any `run`"),
        ("inject Desk.nope n=1\nrun\n", "{s}:1: unknown event 'Desk.nope'"),
        ("inject Desk.note n=x\nrun\n", '{s}:1: Desk.note: n is declared int, got "x"'),
        ("inject Desk.note n=1\nrun\nsave run.json\n",
         "{s}:3: `save` writes a file of one run, and explore runs many schedules, so it "
         "would write none: play the counterexample explore writes (rapide run or rapide "
         "shell) and `save` there"),
        ("inject Desk.note n=1\nrun\nexport dot run.dot\n",
         "{s}:3: `export` writes a file of one run"),
    ],
)
def test_a_script_explore_cannot_play_exits_2_naming_the_line(
    tmp_path: Path, text: str, message: str
) -> None:
    scenario = script(tmp_path, text)
    result = rapide("explore", DELIVERIES, "--arch", "quiet", "--script", scenario)
    assert result.returncode == 2
    assert result.stderr.startswith("rapide: " + message.format(s=scenario))
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--strategy", "bfs"], "unknown --strategy 'bfs': use dfs or random"),
        (["--seeds", "1..5"], "--seeds is for --strategy random"),
        # Accepted without a word, though a random walk prunes nothing.
        (["--strategy", "random", "--no-prune"],
         "--no-prune is for --strategy dfs: a random walk prunes nothing"),
        (["--strategy", "random", "--seeds", "5..1"], "--seeds 5..1: the range is empty"),
        (["--strategy", "random", "--seeds", "five"], "--seeds takes a range A..B"),
        (["--workers", "2", "--cluster", "tcp://x:1"], "--workers and --cluster do not go"),
    ],
)
def test_bad_options_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    scenario = script(tmp_path, THREE_NOTES)
    result = rapide("explore", DELIVERIES, "--arch", "quiet", "--script", scenario, *args)
    assert result.returncode == 2
    assert result.stderr.startswith(f"rapide: {message}")


@pytest.mark.parametrize("seeds", ["0..{n}", "{n}..0", "{m}..0"])
def test_a_seed_range_of_thousands_of_digits_is_quoted_cut_short(
    tmp_path: Path, seeds: str
) -> None:
    # The whole value was echoed back: 5,000 digits of error message.
    scenario = script(tmp_path, THREE_NOTES)
    seeds = seeds.format(n="9" * 5000, m="9" * 4000)
    result = rapide("explore", DELIVERIES, "--arch", "quiet", "--script", scenario,
                    "--strategy", "random", "--seeds", seeds)
    assert result.returncode == 2
    assert result.stderr.startswith("rapide: --seeds ")
    assert "999…" in result.stderr and len(result.stderr) < 300


def most_workers() -> int:
    """Four worker processes for each CPU this process may use (each CPU of the machine
    where a process is not told which)."""
    if hasattr(os, "sched_getaffinity"):
        return 4 * len(os.sched_getaffinity(0))
    return 4 * (os.cpu_count() or 1)


def test_more_workers_than_the_cpus_can_use_are_refused_before_one_starts(
    tmp_path: Path,
) -> None:
    # They were all forked at once: 100000 of them, for a mistyped count.
    scenario = script(tmp_path, THREE_NOTES)
    most = most_workers()
    result = rapide("explore", DELIVERIES, "--arch", "quiet", "--script", scenario,
                    "--workers", str(most + 1))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"rapide: --workers {most + 1}: at most {most} here (4 for ")


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("nonsense", "missing port number in address 'nonsense'"),
        ("tcp://127.0.0.1:99999", "port 99999 is not a port (1 to 65535)"),
        # Dask's int() of the port said "invalid literal for int() with base 10: 'y'".
        ("x:y", "its port 'y' is not a whole number (HOST:PORT, like tcp://10.0.0.5:8786)"),
        ("tcp://h:", "its port '' is not a whole number"),
        ("inproc://x", "don't know how to extract host and port for address 'inproc://x'"),
        ("tls://127.0.0.1:1", "a tls:// address needs the TLS settings of Dask's configuration"),
    ],
)
def test_a_cluster_address_that_cannot_be_reached_is_one_line_at_once(
    tmp_path: Path, address: str, why: str
) -> None:
    pytest.importorskip("distributed")
    scenario = script(tmp_path, THREE_NOTES)
    started = time.monotonic()
    result = rapide("explore", DELIVERIES, "--arch", "quiet", "--script", scenario,
                    "--cluster", address)
    assert time.monotonic() - started < 15  # no wait for a client that never started
    assert result.returncode == 2
    assert result.stderr.startswith(f"rapide: cannot reach the cluster at {address}: {why}")
    assert result.stderr.count("\n") == 1, result.stderr


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["explore", "--strategy", "bfs"], "unknown --strategy 'bfs': use dfs or random"),
        (["explore", "--strategy", "random", "--seeds", "five"],
         "--seeds takes a range A..B of whole numbers (like 0..999), not 'five'"),
        (["run", "--at", "r1-cut"],
         "--at: the address is damaged (cut short or mistyped?): paste it whole, as `where` "
         "printed it"),
    ],
)
def test_with_json_a_refused_option_is_a_json_answer_too(
    tmp_path: Path, command: list[str], message: str
) -> None:
    # What CI reads is stdout: a usage error must be an answer there like a missing file.
    scenario = script(tmp_path, THREE_NOTES)
    result = rapide(command[0], DELIVERIES, "--arch", "quiet", "--script", scenario,
                    *command[1:], "--json")
    assert result.returncode == 2
    assert json.loads(result.stdout) == {"ok": False, "exit_status": 2,
                                         "error": {"message": message}}
    assert result.stderr == f"rapide: {message}\n"


def test_a_missing_file_or_script_exits_2(tmp_path: Path) -> None:
    scenario = script(tmp_path, THREE_NOTES)
    missing_file = rapide("explore", tmp_path / "none.py", "--script", scenario, "--json")
    assert missing_file.returncode == 2
    assert json.loads(missing_file.stdout)["error"]["message"].endswith("no such file")
    missing_script = rapide("explore", DELIVERIES, "--script", tmp_path / "none.rapide")
    assert (missing_script.returncode, missing_script.stderr) == (
        2, f"rapide: {tmp_path / 'none.rapide'}: no such script\n"
    )


def test_a_run_shrinking_left_nothing_to_do_is_not_written(tmp_path: Path) -> None:
    _, out = explore_bank(tmp_path, [
        "inject Teller.deposit amount=5",
        "run",
        "inject Teller.deposit amount=50",
        "inject Teller.deposit amount=25 clears_in=1",
        "run",
    ])
    lines = [line for line in out.read_text().splitlines() if not line.startswith("#")]
    # The first run's deposit went with shrinking, and the run with it.
    assert lines[:3] == ["seed 0", 'inject Teller.deposit {"amount": 50}',
                         'inject Teller.deposit {"amount": 25, "clears_in": 1}']
    assert "run" not in lines
    assert rapide("run", BANK, "--script", out).returncode == 1


@pytest.mark.parametrize("which", ["file", "script"])
def test_out_naming_the_architecture_or_the_script_is_refused_before_exploring(
    tmp_path: Path, which: str
) -> None:
    bank = tmp_path / "bank.py"
    bank.write_text(BANK.read_text())
    scenario = script(tmp_path, BANK_SCRIPT.read_text())
    target = {"file": bank, "script": scenario}[which]
    before = target.read_text()
    # Named another way than on the command line: it is the same file.
    result = rapide("explore", bank, "--script", scenario, "--out",
                    tmp_path / ".." / tmp_path.name / target.name)
    assert result.returncode == 2
    described = {"file": "the architecture file", "script": "the scenario script"}[which]
    assert result.stderr.startswith("rapide: --out ") and result.stderr.count("\n") == 1
    assert f"is {described}: a counterexample would replace it" in result.stderr
    assert result.stdout == "" and target.read_text() == before


@pytest.mark.parametrize("which", ["file", "script"])
def test_all_failures_refuses_a_further_counterexample_name_that_is_the_file_or_script(
    tmp_path: Path, which: str
) -> None:
    # Two failing posets kept as found: the second counterexample goes to NAME-2.
    races = tmp_path / ("races-2.py" if which == "file" else "races.py")
    races.write_text(DELIVERIES.read_text())
    scenario = script(tmp_path, THREE_NOTES + "expect Clerk.first(n=1)\n",
                      "first-2.rapide" if which == "script" else "first.rapide")
    out = tmp_path / ("races.py" if which == "file" else "first.rapide")
    target = {"file": races, "script": scenario}[which]
    before = target.read_text()
    args = ("explore", races, "--arch", "race", "--script", scenario, "--out", out,
            "--no-shrink")
    refused = rapide(*args, "--all-failures")
    assert (refused.returncode, refused.stdout) == (2, "")
    described = {"file": "the architecture file", "script": "the scenario script"}[which]
    assert refused.stderr == (
        f"rapide: --out {out}: with --all-failures a further counterexample goes to "
        f"{target}, which is {described}: it would replace it\n"
    )
    assert target.read_text() == before
    # Without --all-failures only NAME itself is written: nothing to refuse.
    alone = rapide(*args)
    assert alone.returncode == 1 and target.read_text() == before


def test_all_failures_refuses_a_further_name_that_cannot_be_written(tmp_path: Path) -> None:
    scenario = script(tmp_path, THREE_NOTES + "expect Clerk.first(n=1)\n")
    out = tmp_path / "first.rapide"
    kept = tmp_path / "first-2.rapide"
    kept.write_text("mine\n")
    kept.chmod(0o444)
    args = ("explore", DELIVERIES, "--arch", "race", "--script", scenario, "--out", out,
            "--no-shrink", "--all-failures")
    refused = rapide(*args)
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == (
        f"rapide: --out: cannot write {kept}: it is read-only; --force replaces it\n"
    )
    assert not out.exists() and kept.read_text() == "mine\n"
    forced = rapide(*args, "--force")
    assert forced.returncode == 1 and "expect Clerk.first(n=1)" in kept.read_text()


def test_an_out_that_cannot_be_written_is_refused_before_exploring(tmp_path: Path) -> None:
    scenario = script(tmp_path, BANK_SCRIPT.read_text())
    nowhere = rapide("explore", BANK, "--script", scenario, "--out", tmp_path / "no" / "x.rapide")
    assert (nowhere.returncode, nowhere.stdout) == (2, "")
    assert nowhere.stderr == (
        f"rapide: --out: cannot write {tmp_path / 'no' / 'x.rapide'}: "
        f"there is no directory {tmp_path / 'no'}\n"
    )
    kept = tmp_path / "kept.rapide"
    kept.write_text("mine\n")
    kept.chmod(0o444)
    refused = rapide("explore", BANK, "--script", scenario, "--out", kept)
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == (
        f"rapide: --out: cannot write {kept}: it is read-only; --force replaces it\n"
    )
    forced = rapide("explore", BANK, "--script", scenario, "--out", kept, "--force")
    assert forced.returncode == 1 and "expect constraints" in kept.read_text()


def test_a_place_beside_the_script_that_cannot_be_written_says_so_and_how_to_choose(
    tmp_path: Path,
) -> None:
    # No --out was given: the line blamed it all the same ("--out: cannot write ...").
    scenario = script(tmp_path, BANK_SCRIPT.read_text())
    beside = default_out(str(scenario))
    beside.mkdir()
    refused = rapide("explore", BANK, "--script", scenario)
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == (
        f"rapide: cannot write {beside}: it is a directory (a counterexample goes beside "
        "the script; --out FILE puts it elsewhere)\n"
    )


@pytest.mark.slow
def test_two_workers_give_the_answer_one_gives(tmp_path: Path) -> None:
    scenario = script(tmp_path, THREE_NOTES + "expect Clerk.first(n=1)\n")
    answers = []
    for workers in ("1", "2"):
        document = explore_json(DELIVERIES, "--arch", "race", "--script", scenario,
                                "--all-failures", "--workers", workers,
                                "--out", tmp_path / f"w{workers}.rapide")
        assert document["workers"] == int(workers)
        answers.append(_answer(document))
    assert answers[0] == answers[1]


@pytest.mark.slow
def test_a_local_dask_cluster_gives_the_same_answer(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    scenario = script(tmp_path, THREE_NOTES + "expect Clerk.first(n=1)\n")
    alone = explore_json(DELIVERIES, "--arch", "race", "--script", scenario, "--all-failures",
                         "--out", tmp_path / "alone.rapide")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        document = explore_json(DELIVERIES, "--arch", "race", "--script", scenario,
                                "--all-failures", "--cluster", cluster.scheduler_address,
                                "--out", tmp_path / "cluster.rapide")
    assert document["cluster"] == cluster.scheduler_address and document["workers"] == 2
    assert _answer(document) == _answer(alone)
    replay = rapide("run", DELIVERIES, "--arch", "race", "--script",
                    document["failures"][0]["counterexample"])
    assert replay.returncode == 1


@pytest.mark.slow
def test_a_cluster_without_workers_is_one_line_once_none_came(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    scenario = script(tmp_path, THREE_NOTES)
    # `rapide explore` as the command runs it, its wait for a worker (CLUSTER_TIMEOUT,
    # 10 s) cut to 2 s: the test waits out the whole wait, and what is said after it is
    # the same however long it was.
    command = (
        "import rapide_shell.explore_run as run; run.CLUSTER_TIMEOUT = 2.0; "
        "from rapide_shell.cli import main; main()"
    )
    assert explore_run.CLUSTER_TIMEOUT == 10.0
    with distributed.LocalCluster(n_workers=0, processes=True, dashboard_address=None) as cluster:
        result = subprocess.run(
            [sys.executable, "-c", command, "explore", str(DELIVERIES), "--arch", "quiet",
             "--script", str(scenario), "--cluster", cluster.scheduler_address],
            capture_output=True, text=True, timeout=60, cwd=REPO,
        )
    assert result.returncode == 2
    assert result.stderr == (
        f"rapide: the cluster at {cluster.scheduler_address} has no worker: none came in "
        "2 s (start some with dask worker ADDRESS)\n"
    )


def _answer(document: dict) -> tuple:
    failures = [
        (f["schedule"], f["poset"], f["lines"], f["address"], f["forced_choices"])
        for f in document["failures"]
    ]
    return (document["schedules"], document["distinct_posets"], document["ended"], failures,
            document["coverage"], document["exit_status"])


@pytest.mark.parametrize("workers", ["1", "2"])
def test_progress_on_a_terminal_then_ctrl_c_reports_what_was_explored(
    tmp_path: Path, workers: str
) -> None:
    # 8 notes to one clerk: 40,320 orders, far more than the test waits for.
    notes = "".join(f"inject Desk.note n={n}\n" for n in range(8))
    scenario = script(tmp_path, notes + "run\n")
    child = Terminal(
        sys.executable,
        ["-m", "rapide_shell.cli", "explore", str(DELIVERIES), "--arch", "ledger",
         "--script", str(scenario), "--workers", workers],
        env={**os.environ, "TERM": "xterm", "NO_COLOR": "1"},
        cwd=str(REPO), encoding="utf-8", dimensions=(24, 120), timeout=60,
    )
    child.expect(r"[\d,]+ schedules run, [\d,]+ distinct posets, 0 failures, [\d,]+/s")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    # What the terminal shows, styles aside.
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before).replace("\r", "")
    assert "interrupted: stopping; what was explored is reported" in shown
    verdict = re.search(r"\n([\d,]+) schedules run, [\d,]+ distinct posets; interrupted "
                        r"\(Ctrl-C\): the space was not\s+exhausted\n", shown)
    assert verdict is not None, shown
    assert 0 < int(verdict.group(1).replace(",", "")) < 40_320
    assert "nothing checked: no expect, and no constraint declared" in shown


@pytest.mark.parametrize(
    ("workers", "shrinking", "header"),
    [
        ("1", r"; shrunk to 0 forced choices, \d+ injections \(\d+ replays\) until the "
              r"exploration was stopped: it may shrink further",
         r" as found, shrunk to 0 forced choices and \d+ injections until the exploration was "
         r"stopped: it may shrink further\."),
        # On workers a failure whose shrinking is not back is kept as found.
        ("2", r"; not shrunk: the exploration was stopped first",
         r", as found: not shrunk, the exploration was stopped first\."),
    ],
)
def test_ctrl_c_while_shrinking_says_the_counterexample_may_shrink_further(
    tmp_path: Path, workers: str, shrinking: str, header: str
) -> None:
    # A dozen slow notes: each replay takes a quarter of a second, shrinking seconds.
    notes = "".join(f"inject Desk.note n={n}\n" for n in range(12))
    # Some note is served first whatever the order: a failure in every schedule, which
    # shrinks to one note.
    scenario = script(tmp_path, notes + "run\nexpect Clerk.first none\n")
    out = tmp_path / "cut.rapide"
    child = Terminal(
        sys.executable,
        ["-m", "rapide_shell.cli", "explore", str(FIXTURES / "slow_clerk.py"), "--script",
         str(scenario), "--out", str(out), "--workers", workers],
        env={**os.environ, "TERM": "xterm", "NO_COLOR": "1", "COLUMNS": "200"},
        cwd=str(REPO), encoding="utf-8", dimensions=(24, 200), timeout=60,
    )
    child.expect("shrinking 1 counterexample")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1  # a failure was found: Ctrl-C does not undo it
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before).replace("\r", "")
    assert re.search(r"\n  found in schedule 1 \(0 forced choices, 12 injections\)"
                     + shrinking + "\n", shown), shown
    assert re.search(r"\n# schedule 1: 0 forced choices and 12 injections" + header + "\n",
                     out.read_text()), out.read_text()
    replay = rapide("run", FIXTURES / "slow_clerk.py", "--script", out)
    assert replay.returncode == 1


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_handler_calling_os_exit_in_a_schedule_is_reported_not_the_end(
    tmp_path: Path, workers: str
) -> None:
    # Unguarded, os._exit in a handler ended `rapide explore` there, unsaid, status 0;
    # in a worker process, it broke the pool: "internal error: BrokenProcessPool".
    scenario = script(tmp_path, "inject Panel.press kind=os-exit\nrun\n")
    result = rapide(
        "explore", FIXTURES / "hostile.py", "--script", scenario, "--workers", workers
    )
    assert result.returncode == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert (
        "a handler raised in 1 schedule; the first: desk: ExitCalled: os._exit(0) would end "
        "the workbench without a word: refused" in said
    )
    assert "nothing checked: no expect, and no constraint declared" in said


@pytest.mark.parametrize("line", ["expect Clock.tick -> Clock.tick count=3",
                                  "watch Clock.tick -> Clock.tick"])
def test_a_pattern_matching_too_many_ways_stops_the_exploration_at_once(
    tmp_path: Path, line: str
) -> None:
    # Matched without a bound, as `rapide run` refuses it: 4.5 million matches over
    # 3,000 ticks took 36 s for one schedule, and as long again for each other.
    scenario = script(tmp_path, f"inject Clock.tick n=0 limit=3000\nrun\n{line}\n")
    started = time.monotonic()
    result = rapide("explore", FIXTURES / "ticker.py", "--script", scenario, "--workers", "1")
    assert time.monotonic() - started < 20
    assert result.returncode == 2
    assert result.stderr == (
        "rapide: line 3: Clock.tick -> Clock.tick matches too many ways to follow (more than "
        "100,000 matches of parts joined together): narrow it, with a source, a field or "
        "`=>` (direct causes) for `->`\n"
    )


def test_a_pattern_that_may_never_match_is_noted_before_exploring(tmp_path: Path) -> None:
    # A misspelt `expect ... none` holds in every schedule: the exploration answered
    # "ok" without a word, where `rapide run` notes the name under the line.
    scenario = script(
        tmp_path, THREE_NOTES + "expect Clerk.answerd none\nwatch Clerk.answered(m=1)\n"
    )
    result = rapide("explore", DELIVERIES, "--arch", "quiet", "--script", scenario)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"{scenario}:5: note: no interface declares 'Clerk.answerd', so it may never match; "
        "did you mean 'Clerk.answered' or 'Clerk.seen'?",
        f"{scenario}:6: note: Clerk.answered has no field 'm', so it may never match "
        "(its fields: n)",
    ]
    assert "ok: every property held in every schedule" in result.stdout


def test_a_scenario_checking_nothing_is_not_answered_every_property_held(
    tmp_path: Path,
) -> None:
    # No expect and no constraint: "ok: every property held" was said of no property.
    result = rapide("explore", DELIVERIES, "--arch", "ledger", "--script",
                    script(tmp_path, THREE_NOTES))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "6 schedules run, 6 distinct posets; the space was exhausted"
    assert "nothing checked: no expect, and no constraint declared" in lines
    assert not any("every property held" in line for line in lines)


def test_a_constraint_alone_is_a_property_checked(tmp_path: Path) -> None:
    file = tmp_path / "calm.py"
    file.write_text(
        "from pyrapide import Pattern, action, architecture, interface, module, never\n"
        "@interface\n"
        "class Sensor:\n"
        "    @action\n"
        "    async def alarm(self, level: int) -> None: ...\n"
        "@architecture\n"
        "class Calm:\n"
        "    sensor = Sensor\n"
        "    constraints = [never(Pattern.match('Sensor.alarm(level=9)'), name='no nines')]\n"
        "    connections = []\n"
        "@module(implements=Sensor)\n"
        "class Probe:\n"
        "    pass\n"
    )
    result = rapide("explore", file, "--script",
                    script(tmp_path, "inject Sensor.alarm level=1\nrun\n"))
    assert result.returncode == 0, result.stderr
    assert "ok: every property held in every schedule" in result.stdout


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_in_one_process_ctrl_c_abandons_a_schedule_that_never_ends(tmp_path: Path) -> None:
    # The schedule waited on its handler's future in the exploration's own event loop:
    # the first Ctrl-C could not end it, so no report came; only a second Ctrl-C left.
    scenario = script(tmp_path, "inject Panel.press kind=outside\nrun\n")
    explore = subprocess.Popen(
        [sys.executable, "-m", "rapide_shell.cli", "explore", str(FIXTURES / "hostile.py"),
         "--script", str(scenario), "--out", str(tmp_path / "ce.rapide")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )
    try:
        time.sleep(3)  # started, and in the schedule that waits
        explore.send_signal(signal.SIGINT)
        out, err = explore.communicate(timeout=30)
    finally:
        explore.kill()
    assert explore.returncode == 130, err
    assert "interrupted (Ctrl-C): the space was not exhausted" in out
    assert "leaving now" not in err


@pytest.mark.slow
def test_a_worker_in_a_schedule_that_never_ends_is_ended_after_a_stop(tmp_path: Path) -> None:
    # A handler awaiting a future that never completes, in a worker: after Ctrl-C the
    # report never came (the pool's shutdown waited for that worker), a second Ctrl-C
    # did nothing, and SIGTERM left both workers running on their own.
    scenario = script(tmp_path, "inject Panel.press kind=outside\nrun\n")
    explore = subprocess.Popen(
        [sys.executable, "-m", "rapide_shell.cli", "explore", str(FIXTURES / "hostile.py"),
         "--script", str(scenario), "--workers", "2", "--out", str(tmp_path / "ce.rapide")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )
    try:
        while len(_children(explore.pid)) < 2:
            time.sleep(0.05)
        workers = _children(explore.pid)
        time.sleep(2)  # for a worker to be in the schedule that waits
        explore.send_signal(signal.SIGINT)
        out, err = explore.communicate(timeout=60)
    finally:
        explore.kill()
    assert explore.returncode == 130, err
    assert "interrupted (Ctrl-C): the space was not exhausted" in out
    for worker in workers:
        with pytest.raises(ProcessLookupError):
            os.kill(worker, 0)


ORDERS = FIXTURES / "orders.py"
ORDER_THEN_CANCEL = "inject Client.order id=1\ninject Client.cancel id=1\nrun\n"


def test_expect_errors_none_finds_the_schedule_where_a_handler_raises(tmp_path: Path) -> None:
    # Without it, the error is counted and nothing fails.
    told = rapide("explore", ORDERS, "--script", script(tmp_path, ORDER_THEN_CANCEL))
    assert told.returncode == 0, told.stdout + told.stderr
    assert "a handler raised in 1 schedule; the first: shop: KeyError: 1 (`expect errors none` " \
        "makes it a failure, shrunk to replay)" in told.stdout.replace("\n", " ")
    out = tmp_path / "cancel.rapide"
    scenario = script(tmp_path, ORDER_THEN_CANCEL + "expect errors none\n")
    result = rapide("explore", ORDERS, "--script", scenario, "--out", out)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAILED: errors: expected no error, saw 1 error (the first: shop: KeyError: 1)" in (
        result.stdout
    )
    assert "a handler raised in 1 schedule; the first: shop: KeyError: 1\n" in result.stdout
    # Shrunk to the cancel alone: the order was never needed to break the handler.
    assert [line for line in out.read_text().splitlines() if not line.startswith("#")] == [
        "seed 0", 'inject Client.cancel {"id": 1}', "run", "expect errors none",
    ]
    replay = rapide("run", ORDERS, "--script", out)
    assert replay.returncode == 1
    assert "expect failed: errors: expected no error, saw 1" in replay.stderr
    assert explore_json(ORDERS, "--script", scenario, "--workers", "2")["exit_status"] == 1


def test_an_expect_errors_row_at_0_is_not_shown_as_unreached() -> None:
    # `expect errors none` held in every schedule, and its coverage row, 0 schedules
    # with an error, was yellow as a part the scenario never reached.
    coverage = Coverage(patterns=(
        CoverageLine("expect errors none", 0, 3), CoverageLine("expect Desk.nothing", 0, 4),
    ))
    table = coverage_table(SimpleNamespace(coverage=coverage))  # type: ignore[arg-type]
    styles = [cell.style for cell in table.columns[1].cells]
    assert styles == ["", "yellow"]
