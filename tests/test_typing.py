"""A user's type checker sees PyRapide's types: the package is typed and its names exported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import pyrapide

ROOT = Path(__file__).resolve().parent.parent

USER_CODE = '''
from pyrapide import Computation, Event, Pattern, Poset, System, __version__

first = Event("Sensor.read", payload={"value": 1})
second = Event("Sensor.read", payload={"value": 2})
poset = Poset()
poset.add(first)
poset.add(second, caused_by=first)
matches = Pattern.match("Sensor.read").match_in(poset)
computation: Computation = Computation()
version: str = __version__
print(len(matches), poset.is_ancestor(first, second), System, version, computation)
'''


def _mypy_strict(tmp_path: Path, **sources: str) -> subprocess.CompletedProcess[str]:
    """mypy --strict on ``sources`` (module name -> its code), in one run: each run
    checks PyRapide and the standard library afresh, which is most of its time."""
    paths = []
    for name, source in sources.items():
        paths.append(tmp_path / f"{name}.py")
        paths[-1].write_text(source)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *map(str, paths)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )


def test_the_packages_are_marked_typed() -> None:
    for package in ("pyrapide", "rapide_shell"):
        assert (ROOT / package / "py.typed").is_file()


@pytest.mark.slow
def test_mypy_strict_accepts_a_user_of_the_public_names(tmp_path: Path) -> None:
    every_name = ", ".join(sorted(pyrapide.__all__))
    result = _mypy_strict(
        tmp_path, user=USER_CODE, every_name=f"from pyrapide import {every_name}\n"
    )
    assert result.returncode == 0, result.stdout
    assert "no issues found in 2 source files" in result.stdout, result.stdout
