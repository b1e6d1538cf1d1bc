"""Runs the ``rapide`` command in a fresh Python process, as a user's shell would, and
waits for such a process's run to be under way."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_rapide(
    *args: str | Path,
    timeout: float = 60,
    cwd: Path = REPO,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``rapide ARGS...`` from ``cwd`` (the repository root), its output captured as text
    (``stdin``: the text its standard input reads, else nothing; ``env``: variables set
    for it, over this process's own)."""
    return subprocess.run(
        [sys.executable, "-m", "rapide_shell.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        input=stdin if stdin is not None else "",
        env=None if env is None else {**os.environ, **env},
    )


def run_under_way(pid: int, cpu_seconds: float = 0.3, timeout: float = 30) -> None:
    """Waits until process ``pid`` has spent ``cpu_seconds`` more of CPU time than now:
    the endless run it was just given keeps it busy, so by then that run is under way
    and has taken many steps, on a loaded machine as on an idle one (a fixed sleep is
    too short under load and too long without). Without /proc, a sleep of 1.5 s."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        time.sleep(1.5)
        return

    def cpu() -> float:  # utime + stime, the 14th and 15th fields
        fields = stat.read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    start, deadline = cpu(), time.monotonic() + timeout
    while cpu() - start < cpu_seconds:
        assert time.monotonic() < deadline, "the run did not get under way"
        time.sleep(0.02)


def waiting(pid: int, timeout: float = 30) -> None:
    """Waits until process ``pid`` has been asleep (waiting, not computing) for five
    reads of its state in a row, 20 ms apart: a run waiting on real time is then waiting
    in its event loop. Without /proc, a sleep of 1.5 s."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        time.sleep(1.5)
        return
    deadline, asleep = time.monotonic() + timeout, 0
    while asleep < 5:
        assert time.monotonic() < deadline, "the process never waited"
        asleep = asleep + 1 if stat.read_text().rpartition(")")[2].split()[0] == "S" else 0
        time.sleep(0.02)


def script_at_its_run(process: subprocess.Popen[str]) -> str:
    """Reads the output of ``rapide run`` (started unbuffered, so that each line is
    echoed as it is read) up to the echo of its script's ``run``, and returns it: the
    run is then starting. Fails if the output ends first."""
    assert process.stdout is not None
    read = ""
    while "> run\n" not in read:
        line = process.stdout.readline()
        assert line, f"the script never got to its run: {read!r}"
        read += line
    return read
