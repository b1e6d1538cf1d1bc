"""What an architecture file prints never spoils a document the command writes on stdout
(``--json``, DOT, Mermaid): it goes to stderr, where the user still sees it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.shell.cli_process import run_rapide

# Prints as it is imported, in its start and finish hooks and in a handler, through
# Python and straight to file descriptor 1, as a debugging user's file does.
CHATTY = '''
import os
from pyrapide import Pattern, action, architecture, connect, get_context, interface, module, when

print("importing the chatty file")

@interface
class Bell:
    @action
    async def rang(self, n: int) -> None: ...

@interface
class Ear:
    @action
    async def heard(self, n: int) -> None: ...

@module(implements=Bell)
class BellModule:
    async def start(self):
        print("the bell starts")

    async def finish(self):
        print("the bell stops")

@module(implements=Ear)
class EarModule:
    @when(Pattern.match("Bell.rang"))
    async def on_rang(self, match):
        print("heard", match.payload["n"])
        os.write(1, b"written to fd 1\\n")
        await get_context(self).emit("Ear.heard", n=match.payload["n"])

@architecture
class Belfry:
    bell = Bell
    ear = Ear
    connections = [connect(Pattern.match("Bell.rang"), ear)]
'''

SAID = ("importing the chatty file", "the bell starts", "heard 1", "written to fd 1")


def chatty(tmp_path: Path, scenario: str = "inject Bell.rang n=1\nrun\nexpect Ear.heard\n"):
    file = tmp_path / "chatty.py"
    file.write_text(CHATTY)
    script = tmp_path / "ring.rapide"
    script.write_text(scenario)
    return file, script


def test_run_json_is_the_whole_of_stdout(tmp_path: Path) -> None:
    file, script = chatty(tmp_path)
    result = run_rapide("run", file, "--script", script, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["events"] == 2
    for text in (*SAID, "the bell stops"):
        assert text in result.stderr


def test_run_without_json_keeps_the_prints_in_the_transcript(tmp_path: Path) -> None:
    file, script = chatty(tmp_path)
    result = run_rapide("run", file, "--script", script)
    assert result.returncode == 0, result.stderr
    assert "heard 1" in result.stdout


def test_a_load_error_after_prints_is_still_one_json_object(tmp_path: Path) -> None:
    file = tmp_path / "broken.py"
    file.write_text('print("about to fail")\nraise RuntimeError("no bell")\n')
    result = run_rapide("run", file, "--script", "-", "--json", stdin="run\n")
    assert result.returncode == 2
    assert json.loads(result.stdout)["exit_status"] == 2
    assert "about to fail" in result.stderr


def test_explore_json_is_the_whole_of_stdout(tmp_path: Path) -> None:
    file, script = chatty(tmp_path, "inject Bell.rang n=1\nrun\nexpect Ear.heard none\n")
    out = tmp_path / "found.rapide"
    result = run_rapide("explore", file, "--script", script, "--json", "--out", out)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["exit_status"] == 1
    assert out.exists()  # the counterexample was written and replayed: prints and all
    for text in SAID:
        assert text in result.stderr


def test_explore_drops_the_prints_of_the_schedules_and_shows_the_counterexamples(
    tmp_path: Path,
) -> None:
    two_rings = "inject Bell.rang n=1\ninject Bell.rang n=2\nrun\nexpect Ear.heard none\n"
    file, script = chatty(tmp_path, two_rings)
    for workers in ("1", "2"):
        out = tmp_path / f"found-{workers}.rapide"
        result = run_rapide("explore", file, "--script", script, "--workers", workers,
                            "--out", out)
        assert result.returncode == 1, result.stderr
        # The counterexample, shrunk to one ring, is replayed with its prints; the
        # schedules explored and shrunk (two rings, then one, again and again) print none.
        assert result.stdout.count("heard 1") == 1, result.stdout
        assert "heard 2" not in result.stdout
        assert "replay (exits 1)" in result.stdout


def test_graph_prints_the_drawing_alone(tmp_path: Path) -> None:
    file, _ = chatty(tmp_path)
    for form, first in (("dot", 'digraph "Belfry" {'), ("mermaid", "flowchart LR")):
        result = run_rapide("graph", file, "--format", form)
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[0] == first
        assert "importing the chatty file" in result.stderr
