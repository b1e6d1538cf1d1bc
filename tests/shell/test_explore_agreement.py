"""``rapide explore`` of one scenario in one process, on two workers and on a Dask
cluster: the same counts, failures and counterexamples; its JSON says what its text
report says; each counterexample replays to exit 1 under other hash seeds."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.shell.cli_process import REPO, run_rapide

FAMILY = REPO / "tests" / "pyrapide" / "exploration" / "family.py"
SCENARIO = """\
inject Desk.note to=0 n=1
inject Desk.note to=1 n=2
inject Desk.note to=1 n=3
run
expect Tally.heard count=3
"""


def _explore(tmp_path: Path, name: str, *options: str) -> tuple[dict[str, Any], str]:
    """The JSON answer and the text report of one exploration of SCENARIO."""
    scenario = tmp_path / "scenario.rapide"
    scenario.write_text(SCENARIO)
    common = ("explore", FAMILY, "--script", scenario, "--force", *options)
    document = run_rapide(*common, "--json", "--out", tmp_path / f"{name}.rapide", timeout=120)
    text = run_rapide(*common, "--out", tmp_path / f"{name}-text.rapide", timeout=120)
    assert "Traceback" not in document.stderr + text.stderr
    answer = json.loads(document.stdout)
    assert answer["exit_status"] == document.returncode == text.returncode
    return answer, text.stdout


def _same_in_any_run(answer: dict[str, Any]) -> dict[str, Any]:
    """The answer without what says where and how fast it ran."""
    kept = {key: value for key, value in answer.items()
            if key not in ("workers", "cluster", "elapsed_seconds", "schedules_per_second")}
    kept["failures"] = [{key: value for key, value in failure.items() if key != "counterexample"}
                        for failure in answer["failures"]]
    return kept


def _told_as_json(answer: dict[str, Any], report: str) -> None:
    """The text report's verdict and failures say what the JSON says."""
    verdict = report.splitlines()[0]
    found = re.match(r"([\d,]+) schedules? run, ([\d,]+) distinct posets?"
                     r"(?: \(([\d,]+) runs? pruned\))?; (.*)", verdict)
    assert found is not None, verdict
    counts = found.groups()[:3]
    schedules, distinct, pruned = (int((part or "0").replace(",", "")) for part in counts)
    assert (schedules, distinct, pruned) == (
        answer["schedules"], answer["distinct_posets"], answer["pruned_runs"]
    )
    assert ("exhausted" in found[4]) == answer["exhausted"]
    failed = [line for line in report.splitlines() if line.startswith("FAILED: ")]
    assert failed == [f"FAILED: {failure['property']}" for failure in answer["failures"]]
    assert ("ok: every property held" in report) == answer["ok"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "strategy", [(), ("--strategy", "random", "--seeds", "0..30")], ids=["dfs", "random"]
)
def test_one_process_two_workers_and_a_cluster_give_one_answer(
    tmp_path: Path, strategy: tuple[str, ...]
) -> None:
    distributed = pytest.importorskip("distributed")
    options = ("--all-failures", *strategy)
    alone, report = _explore(tmp_path, "alone", *options)
    assert alone["failures"] and alone["exit_status"] == 1
    _told_as_json(alone, report)
    workers, report = _explore(tmp_path, "workers", *options, "--workers", "2")
    _told_as_json(workers, report)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, protocol="tcp://",
        dashboard_address=None,
    ) as cluster:
        on_cluster, report = _explore(tmp_path, "cluster", *options,
                                      "--cluster", cluster.scheduler_address)
    _told_as_json(on_cluster, report)
    assert _same_in_any_run(workers) == _same_in_any_run(alone)
    assert _same_in_any_run(on_cluster) == _same_in_any_run(alone)
    for failure in alone["failures"]:
        assert failure["replays"] is True
        for hash_seed in ("0", "7"):
            replay = run_rapide("run", FAMILY, "--script", failure["counterexample"],
                                env={"PYTHONHASHSEED": hash_seed})
            assert replay.returncode == 1, replay.stdout + replay.stderr
