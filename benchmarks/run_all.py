"""Run every benchmark in turn and print its figures (``make bench``).

Usage:  python benchmarks/run_all.py [--full] [--skip NAME ...]

By default each benchmark runs at the sizes that finish in a few minutes in
all; ``--full`` runs the sizes quoted in benchmarks/README.md (up to a million
events, which takes a good while on a small machine). The side-by-side run
against PyRapide 0.3.0 creates its reference virtualenv on first use. Where ``make
compiled`` has made the compiled build, the runtime's chains beside bare asyncio are
measured there too (``limit-compiled``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The compiled build's venv and its copy of the checkout (see the Makefile's `compiled`).
COMPILED_TREE = HERE.parent / ".venv-compiled" / "tree"
COMPILED_PYTHON = HERE.parent / ".venv-compiled" / "bin" / "python"

# name -> (script, arguments for the quick run, arguments for the full run)
BENCHMARKS: dict[str, tuple[str, list[str], list[str]]] = {
    "poset": ("bench_poset.py", ["--quick"], []),
    "events": ("bench_events.py", ["--calls", "50000", "--events", "20000", "--repeat", "3"], []),
    "analysis": ("bench_analysis.py", [], ["--chains", "100", "--length", "1000"]),
    "patterns": ("bench_patterns.py", ["--max-events", "100000", "--repeat", "1"], []),
    "memory": ("bench_memory.py", ["--events", "200000"], []),
    "constraints": ("bench_constraints.py", ["--quick"], []),
    "maps": ("bench_maps.py", ["--quick"], []),
    "runtime": ("bench_runtime.py", ["--quick"], []),
    "limit": (
        "bench_limit.py",
        ["--items", "2000", "--rounds", "2"],
        ["--gc-pauses", "200000", "--idle-pipes", "400"],
    ),
    # The same chains in the compiled build, where `make compiled` has made it.
    "limit-compiled": ("bench_limit.py", ["--items", "2000", "--rounds", "2"], ["--rounds", "3"]),
    "workbench-memory": ("bench_workbench_memory.py", ["--events", "200000"], []),
    "startup": ("bench_startup.py", ["--runs", "5"], []),
    "files": ("bench_files.py", ["--quick"], ["--brackets-mb", "1024"]),
    "tui": ("bench_tui.py", [], ["--run-events", "1000000"]),
    "tui-large": ("bench_tui_large.py", ["--sizes", "100", "1000"], []),
    "error-storm": ("bench_error_storm.py", ["--deliveries", "5000"], ["--deliveries", "100000"]),
    "status": ("bench_status.py", ["--errors", "10", "1000"], []),
    "queue-summary": ("bench_queue_summary.py", ["--queued", "1000", "10000"], []),
    "step-by-id": ("bench_step_by_id.py", ["--queued", "1000", "10000"], []),
    "explore": ("bench_explore.py", ["--quick", "--repeat", "1"], []),
    "pyrapide-0.3.0": ("compare_pyrapide030.py", ["--repeat", "3"], []),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the sizes quoted in the README")
    parser.add_argument("--skip", action="append", default=[], choices=sorted(BENCHMARKS))
    args = parser.parse_args()

    failed = []
    for name, (script, quick, full) in BENCHMARKS.items():
        if name in args.skip:
            continue
        python, where = Path(sys.executable), HERE
        if name == "limit-compiled":
            if not COMPILED_TREE.is_dir():
                print(f"\n=== {name}: skipped, no compiled build (`make compiled` makes it)")
                continue
            python, where = COMPILED_PYTHON, COMPILED_TREE / "benchmarks"
        command = [str(python), str(where / script), *(full if args.full else quick)]
        print(f"\n=== {name}: {' '.join(command[1:])}", flush=True)
        start = time.perf_counter()
        if subprocess.run(command, cwd=where.parent).returncode != 0:
            failed.append(name)
        print(f"=== {name}: {time.perf_counter() - start:.0f} s", flush=True)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
