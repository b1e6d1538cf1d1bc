"""Start-up: ``rapide --help``, ``rapide check`` and the shell's first full frame, in wall time.

Usage:  python benchmarks/bench_startup.py [--runs N] [--no-shell] [--tree DIR]

Each command runs in a fresh interpreter (the one running this script), ``--runs``
times, the commands taking turns so that a busy phase of the machine falls on all
of them alike; the median and the range are printed, and each command's median
minus that of ``python -c 'import pyrapide'``. The ``rapide`` commands run as
``python -m rapide_shell.cli`` from ``--tree`` (this repository by default), so a
copy of another version of the tree can be measured the same way.

Every command runs with its bytecode cached, as an installed package has it: the
tree's packages and examples are compiled first, and the commands run without
``PYTHONDONTWRITEBYTECODE`` (with it set and no cache, each start compiles every
module it imports again, which is not what a user waits for).

The shell's figure is the time from starting ``rapide shell
examples/seed_system.py`` in a 160x48 pseudo-terminal to the moment the terminal
has received the first frame holding every panel (the header's counts, the first
pending dispatch in the queue, and the key bar), read from what the app writes
with its escape sequences removed.

Beside the wall time, the CPU time each command used (user and system) is
printed: on a machine shared with other work it varies much less than the wall
time. For the shell it is read from ``/proc`` as the frame arrives (in clock
ticks, 10 ms apart on most Linux systems; not shown elsewhere).
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# What the commands import from the tree, compiled before they are timed.
COMPILED = ("pyrapide", "rapide_shell", "plugins", "examples")
# The environment of every command: bytecode read from the cache, not compiled again.
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
# CSI sequences, OSC strings, charset selections and the one-character escapes.
ESCAPES = re.compile(
    rb"\x1b(\[[0-9;?<=>]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-B]|[=>78])"
)
# What the shell's first full frame shows, each drawn by a different panel.
FRAME_MARKS = (b"0 errors", b"APIService.request (e1)", b"f12")


Timing = tuple[float, float | None]
"""Wall seconds, and CPU seconds (None where they cannot be read)."""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], tree: Path) -> Timing:
    """Seconds from starting ``command`` to its exit (it must succeed), and the CPU
    seconds it used."""
    cpu = _children_cpu()
    start = time.perf_counter()
    subprocess.run(command, cwd=tree, env=ENVIRONMENT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start, _children_cpu() - cpu


def _cpu_of(pid: int) -> float | None:
    """The CPU seconds process ``pid`` has used so far (None: no ``/proc`` to read)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The fields after the command's name (in parentheses, which may hold spaces):
    # user and system time are the 12th and 13th of them, in clock ticks.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def shell_first_frame(tree: Path, timeout: float = 20.0) -> Timing:
    """Seconds from starting the shell to the first full frame it writes, and the CPU
    seconds it had used then."""
    import pexpect

    env = {**ENVIRONMENT, "TERM": "xterm-256color", "COLUMNS": "160", "LINES": "48"}
    start = time.perf_counter()
    child = pexpect.spawn(
        sys.executable,
        ["-m", "rapide_shell.cli", "shell", "examples/seed_system.py"],
        cwd=str(tree),
        env=env,
        dimensions=(48, 160),
    )
    seen = b""
    try:
        while True:
            if time.perf_counter() - start > timeout:
                raise TimeoutError("the shell showed no full frame in time")
            try:
                seen += child.read_nonblocking(65536, timeout=0.05)
            except pexpect.TIMEOUT:
                continue
            text = ESCAPES.sub(b"", seen)
            if all(mark in text for mark in FRAME_MARKS):
                return time.perf_counter() - start, _cpu_of(child.pid)
    finally:
        child.terminate(force=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command")
    parser.add_argument("--no-shell", action="store_true", help="leave the shell out")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the tree to run rapide from")
    options = parser.parse_args()
    tree = options.tree.resolve()
    for name in COMPILED:
        if (tree / name).is_dir():
            compileall.compile_dir(tree / name, quiet=1)

    python = sys.executable
    cli = [python, "-m", "rapide_shell.cli"]
    commands: dict[str, Any] = {
        "python -c pass": lambda: timed([python, "-c", "pass"], tree),
        "python -c 'import pyrapide'": lambda: timed([python, "-c", "import pyrapide"], tree),
        "rapide --help": lambda: timed([*cli, "--help"], tree),
        "rapide check examples/seed_system.py": lambda: timed(
            [*cli, "check", "examples/seed_system.py"], tree
        ),
    }
    if not options.no_shell:
        commands["rapide shell: first full frame"] = lambda: shell_first_frame(tree)
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu_times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(options.runs):
        for name, run in commands.items():
            wall, cpu = run()
            times[name].append(wall)
            if cpu is not None:
                cpu_times[name].append(cpu)

    base = statistics.median(times["python -c 'import pyrapide'"])
    print(f"{tree}: {options.runs} runs each, wall time (and CPU time), milliseconds")
    print(f"  {'command':<40} {'median':>7} {'range':>15} {'- import pyrapide':>18}"
          f" {'CPU median':>11} {'CPU range':>11}")
    for name, values in times.items():
        median = statistics.median(values)
        spread = f"{min(values) * 1e3:.0f}-{max(values) * 1e3:.0f}"
        line = f"  {name:<40} {median * 1e3:>7.0f} {spread:>15} {(median - base) * 1e3:>+18.0f}"
        cpu = cpu_times[name]
        if cpu:
            cpu_spread = f"{min(cpu) * 1e3:.0f}-{max(cpu) * 1e3:.0f}"
            line += f" {statistics.median(cpu) * 1e3:>11.0f} {cpu_spread:>11}"
        print(line)


if __name__ == "__main__":
    main()
