"""The README's shell commands run as written, with the exit status and output it shows.

Every ``rapide ...`` line of a code block runs from a copy of the repository's
examples (what ``rapide explore`` writes lands there, not in the tree), through
bash with the ``rapide`` of this environment first on the PATH. It exits 0, or
the status its comment says (``# exits 1``); after a ``$ rapide ...`` line, the
lines down to the next command are its output (``...`` stands for any lines, and
a line ending in ``...`` for any line that starts with it). The commands that
keep running (``rapide shell``, ``repl``, ``serve``, a lesson played) are held to
their ``--help``: their options exist and their files do; they run in
tests/shell/tui (shell, pilot and tmux), tests/shell/test_repl.py (pexpect),
tests/shell/test_serve.py and tests/shell/test_lessons.py.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from functools import cache
from pathlib import Path

import pytest

from pyrapide.patterns.syntax import parse_pattern
from rapide_shell.commands.builtin import builtin_catalog
from rapide_shell.commands.parser import parse_command
from rapide_shell.explorations import EXPLORE
from tests.markdown_blocks import Block, code_blocks
from tests.shell.cli_process import run_rapide

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
EXITS = re.compile(r"#.*\bexits (?P<status>\d+)")
KEEPS_RUNNING = {"shell", "repl", "serve"}


def commands() -> list[tuple[Block, str, list[str]]]:
    """Each ``rapide`` command line of the README's code blocks, with the output
    lines shown after it (for a ``$`` line)."""
    found: list[tuple[Block, str, list[str]]] = []
    for block in code_blocks(README):
        if block.language not in ("indented", "", "sh", "console"):
            continue
        lines = block.code.splitlines()
        for index, line in enumerate(lines):
            command = line.removeprefix("$ ")
            if not re.match(r"^(?:[^#]*\| )?rapide ", command):
                continue
            shown: list[str] = []
            if line.startswith("$ "):
                for after in lines[index + 1 :]:
                    if after.startswith("$ "):
                        break
                    shown.append(after)
            found.append((block, command, shown))
    return found


def words(command: str) -> list[str]:
    """The words of the ``rapide`` part of a command line, its comment left out."""
    return shlex.split(command.split(" | ")[-1], comments=True)


def keeps_running(command: str) -> bool:
    """``rapide shell``, ``repl`` and ``serve``, and ``rapide lessons NAME`` (it plays
    the lesson in the workbench)."""
    _, name, *rest = words(command)
    positional = [word for word in rest if not word.startswith("-")]
    return name in KEEPS_RUNNING or (name == "lessons" and bool(positional))


@cache
def help_of(command: str) -> str:
    result = run_rapide(command, "--help")
    assert result.returncode == 0, result.stderr
    return result.stdout


def matches_transcript(shown: list[str], printed: str) -> bool:
    """Whether ``printed`` reads as ``shown``: ``...`` any lines, ``X...`` a line
    starting with X, anything else the line itself."""
    parts = []
    for line in shown:
        if line == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        elif line.endswith("..."):
            parts.append(re.escape(line[:-3]) + r"[^\n]*\n")
        else:
            parts.append(re.escape(line) + r"\n")
    pattern = "".join(parts)
    if shown and shown[-1] == "...":
        pattern += r"(?:[^\n]*\n?)*"
    return re.fullmatch(pattern, printed if printed.endswith("\n") else printed + "\n") is not None


@pytest.fixture(scope="module")
def examples_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding a copy of the examples, where commands run as from the root."""
    root = tmp_path_factory.mktemp("root")
    shutil.copytree(REPO / "examples", root / "examples")
    return root


RUN_HERE = [entry for entry in commands() if not keeps_running(entry[1])]
HELD_TO_HELP = [entry for entry in commands() if keeps_running(entry[1])]


def test_the_readme_has_the_commands_this_file_expects() -> None:
    assert len(RUN_HERE) >= 8 and len(HELD_TO_HELP) >= 4


@pytest.mark.parametrize(
    ("block", "command", "shown"),
    RUN_HERE,
    ids=[f"{entry[0].where} {entry[1]}" for entry in RUN_HERE],
)
def test_a_readme_command_runs_as_written(
    block: Block, command: str, shown: list[str], examples_copy: Path
) -> None:
    exits = EXITS.search(command)
    expected = int(exits["status"]) if exits else 0
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    env["COLUMNS"] = "200"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        cwd=examples_copy,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )
    assert result.returncode == expected, f"{block.where}: {command}\n{result.stdout[-3000:]}"
    assert "Traceback" not in result.stdout
    if shown:
        assert matches_transcript(shown, result.stdout), (
            f"{block.where}: {command} shows\n"
            + "\n".join(shown)
            + f"\nbut printed\n{result.stdout}"
        )


@pytest.mark.parametrize(
    ("block", "command", "shown"),
    HELD_TO_HELP,
    ids=[f"{entry[0].where} {entry[1]}" for entry in HELD_TO_HELP],
)
def test_a_readme_command_that_keeps_running_has_its_options_and_files(
    block: Block, command: str, shown: list[str]
) -> None:
    rapide, name, *rest = words(command)
    assert rapide == "rapide"
    usage = help_of(name)
    for word in rest:
        if word.startswith("--"):
            assert word in usage, f"{block.where}: rapide {name} has no {word}"
        elif "/" in word:
            assert (REPO / word).exists(), f"{block.where}: no file {word}"
    if name == "lessons":  # the lesson it plays, by number or name, comes first
        listed = re.findall(r"^\s*(\d+)\s+(\w+)", run_rapide("lessons").stdout, re.MULTILINE)
        assert any(rest[0] in row for row in listed), f"{block.where}: no lesson {rest[0]}"


def test_the_counterexample_the_readme_shows_is_the_one_explore_writes(tmp_path: Path) -> None:
    def script(text: str) -> list[str]:
        return [line for line in text.splitlines() if line and not line.startswith("#")]

    (shown,) = [block for block in code_blocks(README) if block.code.startswith("seed 0\n")]
    found = tmp_path / "found.rapide"
    result = run_rapide(
        "explore",
        "examples/lost_update.py",
        "--script",
        "examples/lost_update.rapide",
        "--out",
        found,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    committed = REPO / "examples" / "lost_update.counterexample.rapide"
    assert script(found.read_text()) == script(shown.code) == script(committed.read_text())


def test_every_option_the_readme_gives_a_rapide_command_is_in_its_help() -> None:
    text = README.read_text(encoding="utf-8")
    spans = re.findall(r"`rapide (\w+)([^`]*)`", text)
    spans += [(words(command)[1], command) for _, command, _ in commands()]
    assert len(spans) > 20
    for name, rest in spans:
        for option in re.findall(r"(?<![\w-])--[a-z][a-z-]*", rest.split("#")[0]):
            assert option in help_of(name), f"rapide {name} has no {option}"


SUBCOMMANDS = ("run", "explore", "repl", "shell", "serve", "lessons", "graph", "check")
OWN_SECTION = {
    "explore": "## Exploring every schedule",
    "serve": "## Teaching with Rapide",
    "lessons": "## Teaching with Rapide",
}
"""The README section that describes each subcommand (the others: "## The workbench")."""


def readme_section(heading: str) -> str:
    """The text of the README section under ``heading``, its subsections included."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n{heading}\n")
    end = text.find("\n## ", start + len(heading) + 2)
    return text[start : None if end < 0 else end]


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_option_of_a_rapide_command_is_in_the_readme_where_it_describes_it(
    name: str,
) -> None:
    # `--seed N` (run, repl, shell, explore, serve) was in no line of the README, and
    # `--arch` nowhere it describes `explore` and `serve`.
    usage = help_of(name).split("options:", 1)[1]
    options = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", usage)) - {"--help"}
    assert options
    section = readme_section(OWN_SECTION.get(name, "## The workbench"))
    paragraphs = re.split(r"\n\s*\n|\n- ", README.read_text(encoding="utf-8"))

    def says(option: str, text: str) -> bool:
        return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) is not None

    for option in sorted(options):
        assert says(option, section) or any(
            says(option, paragraph) and (f"rapide {name}" in paragraph or f"`{name}`" in paragraph)
            for paragraph in paragraphs
        ), f"rapide {name} {option} is not in the README where it describes rapide {name}"


def test_the_options_of_rapide_itself_and_the_short_options_are_in_the_readme() -> None:
    # `rapide --version`, `-s` (`--script`) and `-f` (`--format`) were in no line of the
    # README: the test above reads each subcommand's long options only.
    text = README.read_text(encoding="utf-8")
    top = run_rapide("--help")
    assert top.returncode == 0, top.stderr
    own = top.stdout.split("options:", 1)[1].split("commands:")[0]
    options = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", own))
    assert "--version" in options
    for option in sorted(options - {"--help"}):
        assert f"`rapide {option}`" in text, f"rapide {option} is not in the README"
    shorts = set()
    for name in SUBCOMMANDS:
        usage = help_of(name).split("options:", 1)[1]
        # `--script SCRIPT, -s SCRIPT` up to Python 3.12, `--script, -s SCRIPT` from 3.13.
        shorts |= set(
            re.findall(r"^\s+(--[a-z-]+)(?: [A-Z]+)?, (-[a-z]) ", usage, re.MULTILINE)
        )
    assert {("--script", "-s"), ("--format", "-f")} <= shorts
    for long, short in sorted(shorts):
        said = " ".join(text.split())
        assert re.search(rf"`{short}` is short for `{long}`|`{short}`[^.;]* for `{long}`", said), (
            f"{short} ({long}) is not in the README"
        )


def test_every_path_the_readme_and_contributing_name_exists() -> None:
    for path in (README, REPO / "CONTRIBUTING.md", REPO / "benchmarks" / "README.md"):
        named = re.findall(
            r"(?<![\w/.])((?:examples|pyrapide|rapide_shell|plugins|benchmarks|tests|\.ci)/[\w./-]*\w)",
            path.read_text(encoding="utf-8"),
        )
        assert named
        for name in named:
            if "/." in name:  # made when first needed (benchmarks/.ref-venv)
                continue
            assert (REPO / name).exists(), (
                f"{path.relative_to(REPO)} names {name}, which does not exist"
            )


def test_every_command_of_the_readmes_command_language_exists() -> None:
    (language,) = [block for block in code_blocks(README) if block.code.startswith("inject ")]
    names = set(builtin_catalog().names) | {EXPLORE.name}
    for line in language.code.splitlines():
        usage = line.split("  #")[0]
        for alternative in re.split(r"\s\|\s(?![^\[]*\])", usage):
            assert alternative.split()[0] in names, f"no command {alternative.split()[0]!r}"


def test_the_readmes_pattern_and_script_lines_are_read_as_written() -> None:
    blocks = code_blocks(README)
    (pattern,) = [block for block in blocks if block.code.startswith("APIService.request(")]
    parse_pattern(pattern.code.strip())
    (narration,) = [block for block in blocks if block.code.startswith("say ")]
    catalog = builtin_catalog()
    for line in narration.code.splitlines():
        assert parse_command(line, catalog) is not None, line


def test_the_layers_the_readme_lists_are_those_import_linter_checks() -> None:
    contracts = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = {
        contract["containers"][0]: [
            set(re.split(r"\s*\|\s*", layer)) for layer in contract["layers"]
        ]
        for contract in contracts["contracts"]
        if contract.get("containers") in (["pyrapide"], ["rapide_shell"])
    }
    (listing,) = [block for block in code_blocks(README) if block.code.startswith("make test ")]
    text = " ".join(listing.code.split())
    for package, upper_first in (("pyrapide", False), ("rapide_shell", True)):
        written = re.search(rf"\b{package}/ (.*?)\(", text)
        assert written, package
        listed = [set(re.split(r",\s*", layer.strip())) for layer in written[1].split(";")]
        assert (listed if upper_first else listed[::-1]) == layers[package], package


def test_the_lessons_table_of_the_readme_is_the_lessons_that_ship() -> None:
    text = README.read_text(encoding="utf-8")
    written = re.findall(r"^\| (\d) `(\w+)` \|", text, re.MULTILINE)
    listed = re.findall(r"^\s*(\d+)\s+(\w+)", run_rapide("lessons").stdout, re.MULTILINE)
    assert written == listed and len(written) == 5
