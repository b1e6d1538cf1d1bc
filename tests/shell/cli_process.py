"""Runs the ``rapide`` command in a fresh Python process, as a user's shell would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_rapide(
    *args: str | Path, timeout: float = 60, cwd: Path = REPO
) -> subprocess.CompletedProcess[str]:
    """``rapide ARGS...`` from ``cwd`` (the repository root), its output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "rapide_shell.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
    )
