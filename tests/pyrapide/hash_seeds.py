"""What a program prints under several string-hashing seeds, for tests of determinism."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def printed_under_hash_seeds(code: str, seeds: tuple[str, ...] = ("1", "2", "3", "4")) -> set[str]:
    """What ``python -c code`` prints (run from the repository, so that ``tests`` imports)
    under each ``PYTHONHASHSEED`` of ``seeds``: one text when nothing it prints depends
    on the order a set of strings takes in that process."""
    return {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
            env={"PYTHONHASHSEED": seed},
        ).stdout
        for seed in seeds
    }
