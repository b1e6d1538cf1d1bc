"""``say`` and ``wait`` in the command language, in ``rapide run`` and in the REPL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rapide_shell.commands import CommandSyntaxError, parse_command
from rapide_shell.commands.builtin import builtin_catalog
from rapide_shell.commands.builtin.narrating import SayArguments, command_word
from tests.shell.cli_process import run_rapide
from tests.shell.test_repl import User

FIXTURES = Path(__file__).parent / "fixtures"
SHOP = FIXTURES / "shop.py"


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("say A pipe delivers in order.", "A pipe delivers in order."),
        ("say it's the store's turn", "it's the store's turn"),  # apostrophes are text
        ('say "Step #3 # by hand"', "Step #3 # by hand"),  # quoted: the ` # ` stays
        ("say Step #3 runs  # a note for the presenter", "Step #3 runs"),
        ("say", ""),
    ],
)
def test_say_takes_the_rest_of_the_line_as_written(line: str, text: str) -> None:
    command = parse_command(line, builtin_catalog())
    assert command is not None and command.name == "say"
    assert command.args == SayArguments(text)
    assert command_word(line) == "say"


def test_wait_takes_nothing() -> None:
    assert parse_command("wait", builtin_catalog()) is not None
    with pytest.raises(CommandSyntaxError, match="unexpected '5'"):
        parse_command("wait 5", builtin_catalog())
    # A presenter who took `wait` to wait for an event was told "unexpected
    # 'Kitchen.ready'", and not that wait takes nothing.
    with pytest.raises(CommandSyntaxError) as refused:
        parse_command("wait Kitchen.ready", builtin_catalog())
    assert str(refused.value) == "unexpected 'Kitchen.ready': wait takes nothing after it"
    assert refused.value.column == 5
    assert command_word("  wait  # for the class") == "wait"
    assert command_word("# say nothing") == ""


def test_rapide_run_prints_narration_as_its_own_line_and_does_not_wait(tmp_path: Path) -> None:
    script = tmp_path / "lesson.rapide"
    script.write_text(
        "say An order goes to the store through a connect.\n"
        "wait\n"
        "inject Web.order item=apple\n"
        "run\n"
        "expect Ledger.entry count=1\n"
    )
    result = run_rapide("run", SHOP, "--script", script, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[:2] == ["", "» An order goes to the store through a connect."]
    assert "> say An order goes to the store through a connect." not in lines
    assert lines[2:4] == ["> wait", "wait: nobody to wait for here; going on"]
    assert lines[-1] == "ok: 1 expectation held"


def test_rapide_run_json_keeps_what_was_said(tmp_path: Path) -> None:
    script = tmp_path / "lesson.rapide"
    script.write_text("say Hello, class\nwait\n")
    result = run_rapide("run", SHOP, "--script", script, "--json")
    assert result.returncode == 0
    commands = json.loads(result.stdout)["commands"]
    assert commands[0]["result"] == {"text": "Hello, class"}
    assert commands[1]["result"] == {"waited": False}


def test_the_repl_says_and_does_not_wait(tmp_path: Path) -> None:
    user = User(SHOP, tmp_path)
    try:
        user.sees("[quiet]>")
        user.enters("say Good morning: today, the pipe")
        user.sees("» Good morning: today, the pipe")
        user.sees("[quiet]>")
        user.enters("wait")
        user.sees("wait: nobody to wait for here; going on")
        user.sees("[quiet]>")
        user.types("sa\t")
        user.sees("Show a line of narration")  # the menu's note beside `say`
        user.types("\x15")  # Ctrl-U: start the line again
        user.types("say\t")
        user.enters("it completes")
        user.sees("» it completes")
        user.enters("help say")
        user.sees("say [TEXT]")
        user.enters("quit")
        assert user.leaves() == 0
    finally:
        if user.child.isalive():
            user.child.terminate(force=True)
