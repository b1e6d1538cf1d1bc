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
examples/seed_system.py`` in a 160x48 pseudo-terminal to its first full frame: the
moment from which the terminal (emulated with pyte) shows what it still shows once
the workbench has settled, SETTLE_SECONDS after it started (every panel drawn for its
final size: the graph for its width, the rows fitted, the inspector, the output's
welcome, the key bar). That screen must hold the header's counts, the first pending
dispatch in the queue and the key bar. A frame that has every panel's text but not
yet its final layout does not count: Textual draws a first frame before any widget
knows its size, and the panels draw themselves again once they do.

Beside the wall time, the CPU time each command used (user and system) is
printed: on a machine shared with other work it varies much less than the wall
time. For the shell it is read from ``/proc`` as the frame arrives (in clock
ticks, 10 ms apart on most Linux systems; not shown elsewhere).
"""

from __future__ import annotations

import argparse
import compileall
import os
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
# What the shell's first full frame shows, each drawn by a different panel.
FRAME_MARKS = ("0 errors", "APIService.request (e1)", "f12")
# Seconds after which the shell's screen no longer changes (it is then compared with
# what it showed after each piece of output, to find when it first looked so).
SETTLE_SECONDS = 3.0


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


def shell_first_frame(tree: Path) -> Timing:
    """Seconds from starting the shell to its first full frame (see the module's
    docstring), and the CPU seconds it had used then."""
    import pexpect
    import pyte

    env = {**ENVIRONMENT, "TERM": "xterm-256color", "COLUMNS": "160", "LINES": "48"}
    # Each piece of output as it arrives, with when and the CPU time used by then. The
    # screen is worked out afterwards: emulating the terminal meanwhile would slow the
    # reading down, and the shell waits for a terminal that does not read.
    pieces: list[tuple[float, float | None, bytes]] = []
    start = time.perf_counter()
    child = pexpect.spawn(
        sys.executable,
        ["-m", "rapide_shell.cli", "shell", "examples/seed_system.py"],
        cwd=str(tree),
        env=env,
        dimensions=(48, 160),
    )
    try:
        while time.perf_counter() - start < SETTLE_SECONDS:
            try:
                data = child.read_nonblocking(65536, timeout=0.05)
            except pexpect.TIMEOUT:
                continue
            pieces.append((time.perf_counter() - start, _cpu_of(child.pid), data))
    finally:
        child.terminate(force=True)
    if not pieces:
        raise TimeoutError("the shell showed nothing")
    screen = pyte.Screen(160, 48)
    stream = pyte.ByteStream(screen)
    shown = []  # the screen after each piece
    for _, _, data in pieces:
        stream.feed(data)
        shown.append(screen.display)
    final = shown[-1]
    text = "\n".join(final)
    missing = [mark for mark in FRAME_MARKS if mark not in text]
    if missing:
        raise RuntimeError(f"the shell's settled screen lacks {missing}:\n{text}")
    # The first piece of output after which the screen no longer changed.
    settled = len(shown) - 1
    while settled > 0 and shown[settled - 1] == final:
        settled -= 1
    wall, cpu, _ = pieces[settled]
    return wall, cpu


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
