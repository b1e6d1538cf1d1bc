"""Exploring schedules: schedules per second with 1 and 2 workers, and what pruning saves.

Usage:  python benchmarks/bench_explore.py [--quick] [--repeat N]

1. Throughput. ``rapide explore --json`` (a fresh process, as a user runs it) on
   workloads bounded by ``--max-schedules`` and one run to exhaustion, with
   ``--workers 1`` (the search in the one process) and ``--workers 2`` (two worker
   processes, the first process handing out shards and merging). Reported: schedules
   per second of wall time over the exploration (worker start-up included, the file's
   load before it not), and the CPU seconds of the whole process tree per 1,000
   schedules. Best of ``--repeat`` runs.
2. Pruning. The systematic search on clerks that keep the notes handed to them in
   order (benchmarks/explore_shapes.py), with and without pruning: schedules run to
   exhaustion, runs the sleep sets abandoned, and the schedules needed before every
   distinct poset had been seen.

On a shared machine the 2-worker figure depends on what else runs: compare the CPU
per 1,000 schedules too, which says what the sharding itself costs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import explore_shapes  # noqa: E402
from pyrapide.exploration import ExploreOptions, Explorer, Inject, Progress, Run, Scenario  # noqa: E402
from pyrapide.runtime import System  # noqa: E402

SHAPES = ROOT / "benchmarks" / "explore_shapes.py"


def notes_script(clerks: int, per_clerk: int) -> str:
    lines = [f"inject Desk.note to={c} n={n}" for n in range(per_clerk) for c in range(clerks)]
    return "\n".join([*lines, "run", ""])


def workloads(quick: bool) -> list[tuple[str, Path, list[str], str, int | None]]:
    """(name, file, extra arguments, script text, max schedules: None, to exhaustion)."""
    bound = 600 if quick else 3000
    notes = 6 if quick else 7  # all of their orders: 720 or 5,040
    return [
        ("one clerk, 7 notes", SHAPES, ["--arch", "one_clerk"], notes_script(1, 7), bound),
        (f"one clerk, {notes} notes, all", SHAPES, ["--arch", "one_clerk"],
         notes_script(1, notes), None),
        ("connection_kinds example", ROOT / "examples" / "connection_kinds.py", [], "run\n",
         bound // 3),
        ("lost_update example", ROOT / "examples" / "lost_update.py", [],
         (ROOT / "examples" / "lost_update.rapide").read_text(), bound),
    ]


def explore_once(file: Path, extra: list[str], script: Path, bound: int | None, workers: int,
                 out: Path) -> tuple[dict, float]:
    """One ``rapide explore --json`` run: its document and the CPU seconds it took (its
    workers' included: it waits for them before it ends)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    limit = [] if bound is None else ["--max-schedules", str(bound)]
    done = subprocess.run(
        [sys.executable, "-m", "rapide_shell.cli", "explore", str(file), *extra,
         "--script", str(script), *limit, "--workers", str(workers),
         "--all-failures", "--no-shrink", "--out", str(out), "--json"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    document = json.loads(done.stdout)
    if "schedules" not in document:
        raise SystemExit(f"explore failed: {done.stderr.strip()}")
    return document, cpu


def throughput(quick: bool, repeat: int) -> None:
    print("Throughput: rapide explore --json, best of", repeat, "runs")
    print(f"{'workload':<28} {'workers':>7} {'schedules':>9} {'sched/s':>8} "
          f"{'cpu s/1k':>8} {'speed-up':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for name, file, extra, text, bound in workloads(quick):
            script = Path(folder) / "scenario.rapide"
            script.write_text(text)
            rates: dict[int, float] = {}
            for workers in (1, 2):
                best_rate, best_cpu, schedules = 0.0, float("inf"), 0
                for _ in range(repeat):
                    document, cpu = explore_once(file, extra, script, bound, workers,
                                                 Path(folder) / "out.rapide")
                    schedules = document["schedules"]
                    best_rate = max(best_rate, schedules / document["elapsed_seconds"])
                    best_cpu = min(best_cpu, cpu / schedules * 1000)
                rates[workers] = best_rate
                gain = f"{best_rate / rates[1]:.2f}x" if workers == 2 else ""
                print(f"{name:<28} {workers:>7} {schedules:>9,} {best_rate:>8,.0f} "
                      f"{best_cpu:>8.2f} {gain:>8}")


def two_clerks() -> System:
    return System(explore_shapes.TwoClerks,
                  {"desk": explore_shapes.Front, "left": explore_shapes.Keeper,
                   "right": explore_shapes.Keeper})


async def pruning_run(per_clerk: int, prune: bool) -> tuple[int, int, int, int, float]:
    """Schedules, distinct posets, pruned runs, schedules until the last new poset, seconds."""
    steps = [Inject(n * 2 + c, "Desk.note", {"to": c, "n": n})
             for n in range(per_clerk) for c in range(2)]
    scenario = Scenario((*steps, Run(len(steps) + 1)))
    last_new = [0, 0]  # distinct seen, schedule where it last grew

    def heard(progress: Progress) -> None:
        if progress.distinct > last_new[0]:
            last_new[:] = [progress.distinct, progress.schedules]

    started = time.process_time()
    result = await Explorer(two_clerks, scenario, ExploreOptions(prune=prune),
                            progress=heard, progress_every=0).run()
    seconds = time.process_time() - started
    return result.schedules, result.distinct, result.pruned, last_new[1], seconds


def pruning(quick: bool) -> None:
    print()
    print("Pruning: two clerks, N notes each, every order explored (dfs to exhaustion)")
    print(f"{'notes':>5} {'pruning':>7} {'schedules':>9} {'distinct':>8} {'abandoned':>9} "
          f"{'all seen at':>11} {'cpu s':>7}")
    for per_clerk in (2, 3) if quick else (2, 3, 4):
        for prune in (True, False):
            if per_clerk == 4 and not prune:
                print(f"{per_clerk * 2:>5} {'off':>7}   (8! = 40,320 orders: skipped)")
                continue
            schedules, distinct, abandoned, seen_at, seconds = asyncio.run(
                pruning_run(per_clerk, prune)
            )
            print(f"{per_clerk * 2:>5} {'on' if prune else 'off':>7} {schedules:>9,} "
                  f"{distinct:>8,} {abandoned:>9,} {seen_at:>11,} {seconds:>7.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller bounds")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best kept)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    throughput(args.quick, max(1, args.repeat))
    pruning(args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
