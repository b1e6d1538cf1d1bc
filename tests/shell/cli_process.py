"""Runs the ``rapide`` command in a fresh Python process, as a user's shell would."""

from __future__ import annotations

import os
import subprocess
import sys
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
