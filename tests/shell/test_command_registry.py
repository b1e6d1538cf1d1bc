"""Commands a front end adds to one session's command language: parsed, run, helped, completed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from rich.console import Console
from rich.text import Text

from rapide_shell.commands import (
    ArgKind,
    ArgSpec,
    ArgumentText,
    Command,
    CommandError,
    CommandSpec,
    CommandSyntaxError,
    parse_command,
)
from rapide_shell.commands.arguments import number
from rapide_shell.commands.builtin import builtin_catalog
from rapide_shell.outcome import CommandOutcome
from rapide_shell.session import Session

SHOUT = CommandSpec(
    name="shout",
    usage="shout loud|soft TIMES [WORDS...]",
    summary="Say something, TIMES times.",
    details="Says WORDS (the rest of the line) TIMES times, loud or soft.",
    args=(
        ArgSpec("VOLUME", ArgKind.CHOICE, choices=("loud", "soft")),
        ArgSpec("TIMES", ArgKind.INTEGER),
        ArgSpec("WORDS", ArgKind.PAYLOAD, optional=True, rest_of_line=True),
    ),
    aliases=("yell",),
    examples=("shout loud 2 hello there",),
)


async def shout(session: Session, command: Any, line: str) -> CommandOutcome:
    args = command.args
    if args["WORDS"] == "nothing":
        raise CommandError("nothing to shout")
    said = (args["WORDS"] or "hi") * args["TIMES"]
    said = said.upper() if args["VOLUME"] == "loud" else said
    return CommandOutcome(line, "shout", output=(Text(said),), data={"said": said})


def plain(renderables: Any) -> str:
    console = Console(width=100, record=True, color_system=None)
    for renderable in renderables:
        console.print(renderable)
    return console.export_text()


async def test_an_added_command_is_parsed_run_listed_and_explained(shop_session: Session) -> None:
    shop_session.catalog.register(SHOUT, shout)
    outcome = await shop_session.execute("yell loud 2 ho  ho")
    assert outcome.ok and outcome.data == {"said": "HO  HOHO  HO"}
    assert (await shop_session.execute("shout soft 1")).data == {"said": "hi"}
    listed = await shop_session.execute("help")
    assert "shout" in listed.data["commands"]
    assert "Say something, TIMES times." in plain(listed.output)
    explained = plain((await shop_session.execute("help shout")).output)
    assert "shout loud|soft TIMES [WORDS...]" in explained
    assert "the rest of the line" in explained and "also: yell" in explained
    refused = await shop_session.execute("shout nothing")
    assert refused.error is not None and refused.error.startswith("shout takes one of loud, soft")
    assert (await shop_session.execute("shout loud")).error == (
        "shout needs TIMES; usage: shout loud|soft TIMES [WORDS...]"
    )
    failed = await shop_session.execute("shout loud 1 nothing")
    assert not failed.ok and failed.error == "nothing to shout"


async def test_an_added_command_is_completed(shop_session: Session) -> None:
    shop_session.catalog.register(SHOUT, shout)
    assert [c.text for c in shop_session.completions("sh")] == ["show ", "shout "]
    assert [c.text for c in shop_session.completions("shout ")] == ["loud", "soft"]
    assert "shout" in [c.text for c in shop_session.completions("help sh")]


async def test_an_added_command_belongs_to_its_session_only(shop_file: Any) -> None:
    first, second = Session.load(shop_file), Session.load(shop_file)
    first.catalog.register(SHOUT, shout)
    await second.start()
    try:
        outcome = await second.execute("shout loud 1")
        assert outcome.error is not None and outcome.error.startswith("unknown command 'shout'")
        assert "shout" not in (await second.execute("help")).data["commands"]
    finally:
        await second.close()
    with pytest.raises(CommandSyntaxError):
        parse_command("shout loud 1", builtin_catalog())


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"args": ("N",)}, "its args must be a tuple of ArgSpec, not ('N',)"),
        ({"args": None}, "its args must be a tuple of ArgSpec, not None"),
        ({"examples": "odd 3"}, "its examples must be a tuple of text, not 'odd 3'"),
        ({"aliases": "o"}, "its aliases must be a tuple of text, not 'o'"),
        ({"usage": None}, "its usage must be text, not None"),
    ],
)
def test_a_spec_help_or_the_parser_could_not_read_is_refused_as_it_is_added(
    fields: dict[str, object], said: str
) -> None:
    # Accepted, `args=("N",)` failed later as each line was read ("cannot read the
    # line: AttributeError: 'str' object has no attribute 'rest_of_line'"), a usage of
    # None made `help` fail for every command, `examples="odd 3"` listed letters.
    catalog = builtin_catalog()
    base = {"name": "odd", "usage": "odd", "summary": "Odd.", "details": "Odd."}
    spec = CommandSpec(**{**base, **fields})  # type: ignore[arg-type]
    with pytest.raises(ValueError) as refused:
        catalog.register(spec, shout)
    assert str(refused.value) == f"cannot add command 'odd': {said}"
    assert catalog.lookup("odd") is None and catalog.lookup("o") is None
    assert len(list(catalog)) == len(builtin_catalog())


def test_a_name_taken_or_not_one_word_is_refused() -> None:
    catalog = builtin_catalog()
    taken = CommandSpec(name="step", usage="step", summary="s", details="d")
    with pytest.raises(ValueError, match="'step' is already a command of the workbench's own"):
        catalog.register(taken, shout)
    by_alias = CommandSpec(name="again", usage="again", summary="s", details="d", aliases=("c",))
    with pytest.raises(
        ValueError, match="'c' is already an alias of 'continue' of the workbench's own"
    ):
        catalog.register(by_alias, shout)
    spaced = CommandSpec(name="two words", usage="x", summary="s", details="d")
    with pytest.raises(ValueError, match="not one word"):
        catalog.register(spaced, shout)
    greedy_first = CommandSpec(
        name="odd", usage="odd", summary="s", details="d",
        args=(ArgSpec("A", ArgKind.PAYLOAD, rest_of_line=True), ArgSpec("B", ArgKind.INTEGER)),
    )
    with pytest.raises(ValueError, match="only its last argument"):
        catalog.register(greedy_first, shout)
    assert "again" not in catalog and "odd" not in catalog


@dataclass(frozen=True)
class RepeatArguments:
    times: int
    word: str


def parse_repeat(text: ArgumentText) -> RepeatArguments:
    words = text.at_most(2)
    if len(words) < 2:
        raise CommandSyntaxError("repeat needs a number and a word", column=text.end)
    return RepeatArguments(number(words[0], "the number of times"), words[1].text)


async def repeat(
    session: Session, command: Command[RepeatArguments], line: str
) -> CommandOutcome:
    said = " ".join([command.args.word] * command.args.times)
    return CommandOutcome(line, "repeat", output=(Text(said),), data={"said": said})


REPEAT = CommandSpec(
    name="repeat",
    usage="repeat N WORD",
    summary="Say WORD N times.",
    details="Says WORD N times.",
    args=(ArgSpec("N", ArgKind.INTEGER), ArgSpec("WORD", ArgKind.PAYLOAD)),
)


async def test_a_command_with_its_own_parser_gets_its_typed_arguments(
    shop_session: Session,
) -> None:
    shop_session.catalog.register(REPEAT, repeat, parse=parse_repeat)
    parsed = parse_command("repeat 3 ho", shop_session.catalog)
    assert parsed is not None and parsed.args == RepeatArguments(3, "ho")
    assert (await shop_session.execute("repeat 2 ho")).data == {"said": "ho ho"}
    refused = await shop_session.execute("repeat x ho")
    assert refused.error == "the number of times must be a whole number, 0 or more, not 'x'"
    assert refused.column == 7
    assert (await shop_session.execute("repeat 2 ho hum")).error == (
        "unexpected 'hum': repeat takes N WORD"
    )


async def test_a_parser_that_breaks_is_an_error_line_not_a_crash(shop_session: Session) -> None:
    def broken(text: ArgumentText) -> RepeatArguments:
        raise ZeroDivisionError("division by zero")

    shop_session.catalog.register(REPEAT, repeat, parse=broken)
    outcome = await shop_session.execute("repeat 1 ho")
    assert not outcome.ok
    assert outcome.error == "cannot read the line: ZeroDivisionError: division by zero"
    assert (await shop_session.execute("run")).ok


def test_the_built_in_commands_are_plugins_registered_before_the_installed_ones(
    shop_file: Any,
) -> None:
    session = Session.load(shop_file)
    registered = {name for name, _ in session.plugins.list_name_plugin()}
    assert {
        "rapide-builtin-injecting",
        "rapide-builtin-running",
        "rapide-builtin-observing",
        "rapide-builtin-inspecting",
        "rapide-builtin-restarting",
        "rapide-builtin-general",
    } <= registered
    assert session.catalog.names[: len(builtin_catalog())] == builtin_catalog().names
    assert session.catalog.names[len(builtin_catalog()) :] == ["timeline"]
