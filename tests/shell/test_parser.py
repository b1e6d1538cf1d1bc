"""The command parser on its own: lines in, typed commands or located errors out."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest

from rapide_shell.commands import (
    Command,
    CommandSyntaxError,
    parse_payload,
    split_words,
    strip_comment,
)
from rapide_shell.commands import parse_command as parse_against
from rapide_shell.commands.builtin import builtin_catalog
from rapide_shell.commands.builtin.running import StepTarget
from rapide_shell.commands.lexer import typed_value

BUILTIN = builtin_catalog()


def parse_command(line: str) -> Command[Any] | None:
    return parse_against(line, BUILTIN)


def syntax_error(line: str) -> CommandSyntaxError:
    with pytest.raises(CommandSyntaxError) as caught:
        parse_command(line)
    return caught.value


def test_blank_lines_and_comments_are_no_command() -> None:
    assert parse_command("") is None
    assert parse_command("   ") is None
    assert parse_command("# only a comment") is None


def test_comment_is_stripped_but_not_inside_quotes_or_before_a_dispatch_id() -> None:
    assert strip_comment("run   # go") == "run"
    assert strip_comment('inject A.b note="# not a comment"') == 'inject A.b note="# not a comment"'
    assert strip_comment("step #12") == "step #12"
    assert strip_comment("step #12 # then this is") == "step #12"
    assert strip_comment("   # indented comment") == ""
    assert strip_comment("run #") == "run"
    # A `#` that does not stand alone after a blank is part of a word.
    assert strip_comment("step #abc") == "step #abc"
    assert strip_comment("run #go") == "run #go"
    assert strip_comment("show event e1#2") == "show event e1#2"


def test_a_hash_word_is_a_dispatch_reference_for_step_and_no_comment() -> None:
    command = parse_command("step #abc")
    assert command is not None and command.args.target == StepTarget(no_such_dispatch="#abc")
    with pytest.raises(CommandSyntaxError, match="a whole number, 1 or more, not '#go'"):
        parse_command("run #go")


def test_step_with_a_blank_before_its_dispatch_id_is_refused_saying_what_to_write() -> None:
    for line, number, column in (("step # 1", "1", 5), ("step   #  12  ", "12", 7)):
        error = syntax_error(line)
        assert error.column == column
        assert error.describe() == (
            f"`step # {number}` would be a plain step: a `#` between blanks starts a comment; "
            f"for dispatch {number}, write `step #{number}` (for a comment, put words in it)"
        )
    # A comment of words, or after an argument, stays a comment; so does a lone number.
    for line, target in (("step # one more", StepTarget()), ("step # 2nd", StepTarget()),
                         ("step 2 # 3", StepTarget(count=2)),
                         ("step #1 # 2", StepTarget(dispatch_id=1))):
        command = parse_command(line)
        assert command is not None and command.args.target == target, line
    assert parse_command("# 1") is None
    assert parse_command("run # 5") is not None


def test_step_with_nothing_after_its_hash_is_refused_saying_where_the_id_goes() -> None:
    # `step #` took a plain step, its `#` an empty comment, where `step # 12` was refused.
    for line in ("step #", "step   #   "):
        error = syntax_error(line)
        assert error.column == line.index("#")
        assert error.describe() == (
            "`step #` would be a plain step: a `#` at the end starts a comment; a dispatch "
            "id goes right after the `#`: `step #12` (for a comment, put words in it)"
        )
    # After an argument, a lone `#` is an empty comment still.
    for line, target in (("step 2 #", StepTarget(count=2)),
                         ("step #1 #", StepTarget(dispatch_id=1))):
        command = parse_command(line)
        assert command is not None and command.args.target == target, line


def test_an_unknown_help_topic_offers_only_close_matches() -> None:
    with pytest.raises(CommandSyntaxError) as nothing:
        parse_command("help nothing")
    assert nothing.value.suggestions == ()
    assert nothing.value.describe() == "no command 'nothing' (`help` lists the commands)"
    with pytest.raises(CommandSyntaxError) as typo:
        parse_command("help stpe")
    assert typo.value.describe() == "no command 'stpe'; did you mean 'step'?"
    with pytest.raises(CommandSyntaxError) as shouted:
        parse_command("RUN")
    assert shouted.value.suggestions == ("run",)


def test_words_keep_quoted_text_and_brackets_together() -> None:
    words = split_words('a=1 b="two words" c=[1, 2] d={"x": [3]}')
    assert [word.text for word in words] == ["a=1", 'b="two words"', "c=[1, 2]", 'd={"x": [3]}']
    assert [word.column for word in words] == [0, 4, 18, 27]


def test_unterminated_string_points_at_its_quote() -> None:
    error = syntax_error('inject A.b name="open')
    assert "unterminated string" in error.message
    assert error.column == 16


def test_inject_key_values_are_json_literals_else_text() -> None:
    command = parse_command('inject APIService.request type=query key=42 ok=true x=null tags=["a"]')
    assert command is not None
    assert command.name == "inject"
    assert command.args.event == "APIService.request"
    payload = command.args.payload
    assert payload.values == {"type": "query", "key": 42, "ok": True, "x": None, "tags": ["a"]}
    assert payload.typed_as["key"] == "42"


def test_inject_reads_a_quoted_event_name_as_a_pattern_does() -> None:
    # A pattern may quote its names (`"APIService.request" as a`); inject takes them so
    # too, rather than looking for a name with quotes in it.
    for quoted in ('"APIService.request"', "'APIService.request'"):
        command = parse_command(f"inject {quoted} key=42")
        assert command is not None
        assert command.args.event == "APIService.request"
        assert command.args.payload.values == {"key": 42}


def test_a_value_that_does_not_start_like_json_is_text_even_blank() -> None:
    assert [typed_value(raw) for raw in ("", "  ", "a b", "7")] == ["", "  ", "a b", 7]


def test_inject_takes_one_json_object() -> None:
    command = parse_command('inject DatabaseService.result {"key": "42", "rows": []}')
    assert command is not None
    assert command.args.payload.values == {"key": "42", "rows": []}
    assert command.args.payload.typed_as == {}


@pytest.mark.parametrize(
    ("line", "message", "column"),
    [
        ('inject A.b {"key": }', "malformed JSON payload", 19),
        ("inject A.b [1, 2]", "expected key=value", 11),
        ("inject A.b rows=[1,", "unclosed '['", 16),
        ("inject A.b rows=[1,,2]", "malformed JSON in the value of 'rows'", 19),
        ("inject A.b key=1 key=2", "given twice", 17),
        # JSON keeps the last of two and drops the first without a word.
        ('inject A.b {"key": 1, "rows": [], "key": 2}', "field 'key' is given twice", 34),
        # Inside a value too: the parser kept the last and dropped the others unsaid.
        (
            'inject A.b {"rows": [{"a": 1, "a": 2}]}',
            "in the payload: the key 'a' is given twice in one object",
            30,
        ),
        ('inject A.b rows={"a":1,"a":2}', "in the value of 'rows': the key 'a' is given twice", 23),
        ("inject key=1", "event name first", 7),
        ('inject "" a=1', "empty event name", 7),
        ("inject", "needs an event name", 6),
    ],
)
def test_malformed_payloads_say_what_and_where(line: str, message: str, column: int) -> None:
    error = syntax_error(line)
    assert message in error.message
    assert error.column == column


def test_payload_parser_alone() -> None:
    assert parse_payload("").values == {}
    assert parse_payload('  {"a": 1}').values == {"a": 1}
    # Colons in text are text, a key's colon may stand apart from it.
    assert parse_payload('{"a": {"b" : 1}, "c": "x:y", "d": "c"}').values == {
        "a": {"b": 1}, "c": "x:y", "d": "c"
    }
    assert parse_payload("name=Ada age=36").values == {"name": "Ada", "age": 36}


@pytest.mark.parametrize(
    ("line", "target"),
    [
        ("step", StepTarget()),
        ("step 5", StepTarget(count=5)),
        ("step pipe", StepTarget(kind="pipe")),
        ("step agent", StepTarget(kind="agent")),
        ("step #12", StepTarget(dispatch_id=12)),
    ],
)
def test_step_targets(line: str, target: StepTarget) -> None:
    command = parse_command(line)
    assert command is not None
    assert command.args.target == target


def test_step_refuses_other_words_and_suggests_a_kind() -> None:
    error = syntax_error("step pipr")
    assert error.suggestions == ("pipe",)
    assert error.column == 5
    assert "1 or more" in syntax_error("step 0").message


def test_unknown_command_offers_close_matches() -> None:
    error = syntax_error("injct A.b")
    assert error.message == "unknown command 'injct'"
    assert "inject" in error.suggestions
    assert "did you mean 'inject'" in error.describe()


def test_a_command_of_another_front_end_says_where_it_works() -> None:
    error = syntax_error("explore race.rapide")
    assert error.message.startswith("explore works in the TUI and the REPL")
    assert "rapide explore FILE --script SCRIPT" in error.message
    assert (error.column, error.suggestions) == (0, ())
    assert syntax_error("  zoom timeline").message == "zoom works only in the TUI (rapide shell)"
    assert syntax_error("zoomm").message.startswith("unknown command 'zoomm'")
    # The TUI's `resume` too; but `help` asked about any of them explains it (a command
    # error there made the REPL exit 2, and `rapide run` refuse the whole script).
    assert syntax_error("resume").message.startswith("resume works only in the TUI")
    for name in ("zoom", "screenshot", "resume", "explore"):
        command = parse_command(f"help {name}")
        assert command is not None and command.args.topic == name
    assert syntax_error("help zoomm").message.startswith("no command 'zoomm'")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        # A command line of the terminal, pasted at the prompt.
        (
            "rapide run shop.py --script demo.rapide",
            "`rapide ...` is typed in a terminal; here, type what follows `rapide` "
            "(`help` lists the commands)",
        ),
        ("check", "`rapide check FILE` checks a file from a terminal; here, `reload` reads "
         "it again"),
        ("graph", "the graph is `show graph` here (`rapide graph FILE` prints it from a "
         "terminal)"),
        ("lessons", "`rapide lessons` lists the lessons from a terminal"),
        ("shell", "`rapide shell FILE` opens the TUI from a terminal"),
        # What `show` shows, asked for by its name alone.
        ("queue", "the queue is `show queue` here"),
        ("events 5", "the events are `show events` here"),
        ("components", "the components are `show components` here"),
    ],
)
def test_a_word_that_is_another_command_somewhere_says_which(line: str, message: str) -> None:
    error = syntax_error(line)
    assert (error.message, error.column) == (message, 0)


def test_aliases_resolve_to_the_command() -> None:
    command = parse_command("exit")
    assert command is not None and command.name == "quit"
    command = parse_command("c")
    assert command is not None and command.name == "continue"


def test_patterns_are_parsed_with_the_pattern_grammar() -> None:
    command = parse_command("watch APIService.request(key=?k) -> DatabaseService.result(key=?k)")
    assert command is not None
    assert command.args.pattern_text == (
        "APIService.request(key=?k) -> DatabaseService.result(key=?k)"
    )
    assert str(command.args.pattern) == command.args.pattern_text


def test_pattern_syntax_error_carries_the_column_in_the_line() -> None:
    error = syntax_error("break Store.(")
    assert error.message.startswith("pattern syntax error: expected ")
    # No column of its own: counted from the pattern's start, it would contradict the caret.
    assert "column" not in error.message
    # The pattern starts at column 6; its error is at its own column 6 (1-based).
    assert error.column == 11


def test_expect_options() -> None:
    plain = parse_command("expect A.b")
    counted = parse_command("expect A.b -> C.d count=3")
    never = parse_command("expect A.b none")
    assert plain is not None and counted is not None and never is not None
    assert (plain.args.count, plain.args.none) == (None, False)
    assert (counted.args.count, counted.args.pattern_text) == (3, "A.b -> C.d")
    assert (never.args.none, never.args.pattern_text) == (True, "A.b")
    assert "whole number" in syntax_error("expect A.b count=x").message
    # Two of them: the first was read as part of the pattern, a puzzling syntax error.
    for line in ("expect A.b count=1 count=2", "expect A.b none count=1 sometimes"):
        error = syntax_error(line)
        assert error.message == "expect takes one of count=N and none, once"
        assert error.column == len("expect A.b ")


@pytest.mark.parametrize(
    "line",
    [
        "expect A.b count=2 extra",
        "expect A.b none extra",
        "expect A.b sometimes extra",
        "expect A.b -> C.d count=2 none extra",
        "expect errors count=2 extra",
    ],
)
def test_a_word_after_expect_s_options_is_told_as_the_word_too_many(line: str) -> None:
    # It was a pattern syntax error at the option (`found 'count=2' (a pattern's fields
    # go in parentheses: A.b(count=2))`, or `expect errors` refusing count=2 itself),
    # though the option was right and the stray word is what is wrong.
    error = syntax_error(line)
    assert error.message.startswith("unexpected 'extra': expect takes PATTERN [count=N | none]")
    assert error.column == line.index("extra")


@pytest.mark.parametrize(
    ("line", "args"),
    [
        ("show graph", {"topic": "graph", "arg": None}),
        ("show events 10", {"topic": "events", "arg": "10"}),
        ("show event e3", {"topic": "event", "arg": "e3"}),
        ("why e3", {"event_id": "e3"}),
        ("effects e1", {"event_id": "e1"}),
        ("export dot out.dot", {"format": "dot", "path": "out.dot", "force": False}),
        ("export json --force a.json", {"format": "json", "path": "a.json", "force": True}),
        ('save "my run.json"', {"path": "my run.json", "force": False}),
        ("save --force run.json", {"path": "run.json", "force": True}),
        ("seed 7", {"value": 7}),
        ("seed -1", {"value": -1}),
        ("unwatch 2", {"id": 2}),
        ("matches", {"id": None}),
        ("help step", {"topic": "step"}),
        ("help", {"topic": None}),
    ],
)
def test_arguments_are_typed(line: str, args: dict[str, object]) -> None:
    command = parse_command(line)
    assert command is not None
    assert asdict(command.args) == args


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("show grpah", "cannot show 'grpah'"),
        ("show event", "needs an event id"),
        ("export svg out.svg", "unknown export format 'svg'"),
        ("export dot", "needs a file"),
        ("seed many", "whole number"),
        ("run now", "a number of steps must be a whole number, 1 or more, not 'now'"),
        ("help nothing", "no command 'nothing'"),
        ("unbreak", "breakpoint id is needed"),
        ("watch", "a pattern is needed"),
    ],
)
def test_bad_arguments(line: str, message: str) -> None:
    assert message in syntax_error(line).message


def test_a_missing_event_id_is_pointed_at_where_it_goes() -> None:
    # The caret stood under the blank after `show`, as if `event` were wrong.
    assert syntax_error("show event").column == len("show event")
    assert syntax_error("why").column == len("why")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        # -5 is a whole number: what is wrong with it is that it is below the least.
        ("run -5", "a number of steps must be a whole number, 1 or more, not '-5'"),
        ("run 0", "a number of steps must be a whole number, 1 or more, not '0'"),
        ("step -5", "a number of steps must be a whole number, 1 or more, not '-5'"),
        ("step 0", "a number of steps must be a whole number, 1 or more, not '0'"),
        ("back -2", "the number of steps must be a whole number, 1 or more, not '-2'"),
        ("forward 0", "the number of steps must be a whole number, 1 or more, not '0'"),
        ("history -3",
         "the number of steps to list must be a whole number, 1 or more, not '-3' "
         "(`all`: every step; no count: 20 around this one)"),
        ("goto -5", "a step number must be a whole number, 0 or more, not '-5'"),
        ("show events -5", "an event count must be a whole number, 1 or more, not '-5' "
         "(no count: the last 200)"),
        ("show queue 0", "a dispatch count must be a whole number, 1 or more, not '0' "
         "(no count: the first 200)"),
        ("expect A.b count=-1", "count= must be a whole number, 0 or more, not '-1'"),
        ("unwatch -1", "a watch id must be a whole number, 1 or more, not '-1'"),
        ("unbreak 0", "a breakpoint id must be a whole number, 1 or more, not '0'"),
        ("matches -1", "a watch id must be a whole number, 1 or more, not '-1'"),
        ("seed 1.5", "a seed is a whole number (negative ones too), not '1.5'"),
    ],
)
def test_a_number_out_of_range_says_what_is_wanted(line: str, message: str) -> None:
    assert syntax_error(line).message == message


def test_every_command_has_help_a_parser_and_a_handler() -> None:
    assert BUILTIN.names == [
        "inject", "step", "run", "continue", "pause", "history", "back", "forward", "goto",
        "where", "branches", "switch", "fork", "diff", "break", "unbreak", "breaks", "watch",
        "unwatch", "matches", "expect", "show", "why", "whynot", "effects", "export", "save",
        "map", "load", "seed", "reset", "reload", "say", "wait", "help", "quit",
    ]
    for spec in BUILTIN:
        assert spec.summary and spec.details and spec.usage.startswith(spec.name)
        definition = BUILTIN.definition(spec.name)
        assert definition.spec is spec and callable(definition.parse)
        assert callable(definition.handler)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("unbreak", "a breakpoint id is needed (`breaks` lists them)"),
        ("unwatch", "a watch id is needed (`matches` lists them)"),
        ("unbreak x", "a breakpoint id must be a whole number, 1 or more, not 'x'"),
        ("matches x", "a watch id must be a whole number, 1 or more, not 'x'"),
        ("show events x", "an event count must be a whole number, 1 or more, not 'x' "
         "(no count: the last 200)"),
        ("seed x3", "a seed is a whole number (negative ones too), not 'x3'"),
        ("show events 0", "an event count must be a whole number, 1 or more, not '0' "
         "(no count: the last 200)"),
        ("save ''", "'' is an empty file name"),
        ('export dot ""', '"" is an empty file name'),
    ],
)
def test_numbers_are_named_for_what_they_count(line: str, message: str) -> None:
    assert syntax_error(line).message == message


@pytest.mark.parametrize(
    ("line", "message", "column"),
    [
        ("why e1 e2", "unexpected 'e2': why takes EVENT_ID", 7),
        (
            "step 1 2",
            "unexpected '2': step takes [N | connect|pipe|agent|wake | wake COMPONENT | #ID]",
            7,
        ),
        ("save a.json b", "unexpected 'b': save takes [--force] FILE", 12),
        ("export dot a b", "unexpected 'b': export takes dot|mermaid|json [--force] FILE", 13),
        ("run 3 4", "unexpected '4': run takes [N] [--every SECONDS]", 6),
        ("pause now", "unexpected 'now': pause takes nothing after it", 6),
        # The path was told as the word too many, though `show graph` takes one.
        ("show graph shop.api x", "unexpected 'x': show takes "
         "graph [PATH]|queue [N]|events [N]|event ID|components", 20),
    ],
)
def test_a_word_too_many_is_told_with_what_the_command_takes(
    line: str, message: str, column: int
) -> None:
    # "unexpected 'e2'" alone left the user to find out in the help that why takes
    # one event.
    error = syntax_error(line)
    assert str(error) == message
    assert error.column == column
