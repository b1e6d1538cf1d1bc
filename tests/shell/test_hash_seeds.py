"""One run in every interpreter: the same script gives byte-identical saved computations
and the same matches whatever PYTHONHASHSEED the process starts with."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.shell.cli_process import REPO

COMPOSITE = Path(__file__).parent / "fixtures" / "composite.py"
SEEDS = ("0", "1", "2", "3")

# Prints, for each composite pattern of the fixture, every match ``match_in`` finds and
# every match an incremental matcher reports, event by event, in the order given.
MATCHES = """
import sys
from pyrapide.core import Computation
from pyrapide.patterns import parse_pattern
from tests.shell.fixtures import composite

computation = Computation.load(sys.argv[1])
for text in (composite.SEQUENCE, composite.PAIRED, "Echo.echo & Log.saw",
             composite.INDEPENDENT, composite.EITHER, "Echo.echo -> Log.saw & Tally.noted"):
    pattern = parse_pattern(text)
    print(text)
    for found in pattern.match_in(computation):
        print("  match_in", [e.id for e in found.events], sorted(found.bindings.items()))
    matcher = pattern.matcher()
    for event in computation:
        for found in matcher.feed(event, computation):
            print("  feed", [e.id for e in found.events], sorted(found.bindings.items()))
"""


def _in_process_with_seed(seed: str, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={**os.environ, "PYTHONHASHSEED": seed},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.mark.slow
def test_composite_connections_save_the_same_bytes_under_every_hash_seed(tmp_path: Path) -> None:
    saved: dict[bytes, list[str]] = {}
    transcripts = set()
    matches = set()
    for seed in SEEDS:
        target = tmp_path / f"run-{seed}.json"
        script = tmp_path / f"script-{seed}.rapide"
        script.write_text(
            "run\ninject Counter.poke n=1\ninject Counter.poke n=2\nrun\n"
            "step\nrun\n"
            f"save {target}\n"
        )
        run = _in_process_with_seed(
            seed, "-m", "rapide_shell.cli", "run", str(COMPOSITE), "--script", str(script)
        )
        transcripts.add(run.stdout.replace(str(target), "FILE").replace(str(script), "S"))
        saved.setdefault(target.read_bytes(), []).append(seed)
        matches.add(_in_process_with_seed(seed, "-c", MATCHES, str(target)).stdout)
    assert len(saved) == 1, f"saved files differ between hash seeds: {list(saved.values())}"
    assert len(transcripts) == 1
    assert len(matches) == 1
    # The run did exercise every composite connection, several matches per event.
    listing = matches.pop()
    for rule in ("sequence", "pair", "joined", "independent", "either"):
        assert f'"rule": "{rule}"' in next(iter(saved)).decode()
    assert listing.count("  feed") == listing.count("  match_in") > 100
