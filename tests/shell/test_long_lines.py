"""Long lines pasted or printed: each read once, not again from each of its characters.

A run of tens of thousands of blanks, or a word as long, once took seconds to read
(every regular expression that sought it from each character in turn): an `expect`
pasted with a long run of spaces, Tab pressed after a long word, a transcript line of
spaces. Each case here is one a user meets, with what it must say.
"""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from pyrapide.patterns import PatternSyntaxError, parse_pattern
from rapide_shell import render
from rapide_shell.script import play
from rapide_shell.script_file import read_script
from rapide_shell.session import Session
from tests.shell.test_command_registry import plain

LONG = 50_000


async def test_an_expect_with_a_long_run_of_blanks_reads_its_count(shop_session: Session) -> None:
    outcome = await shop_session.execute("expect Web.order" + " " * LONG + "count=0")
    assert outcome.ok and outcome.data["expected"] == "exactly 0 matches", outcome


async def test_an_expect_whose_blanks_end_in_something_else_is_a_pattern_error(
    shop_session: Session,
) -> None:
    outcome = await shop_session.execute("expect Web.order" + " " * LONG + "x")
    assert not outcome.ok
    assert "Invalid pattern" in outcome.error or "expected" in outcome.error, outcome.error


def test_a_pattern_error_in_a_long_word_points_at_it() -> None:
    with pytest.raises(PatternSyntaxError) as raised:
        parse_pattern("A" * LONG + " ->")
    assert "line 1" in str(raised.value) or "column" in str(raised.value)


async def test_completing_after_a_long_word_offers_what_fits(shop_session: Session) -> None:
    def offered(line: str) -> list[str]:
        return [candidate.text for candidate in shop_session.completions(line)][:2]

    # As for short words: a bracket after a blank opens a group (event names are
    # offered), one after a name that name's fields, those not given yet.
    assert offered("watch " + "w" * LONG + " (") == ["Web.order", "Store.reserved"]
    assert offered("watch Web.order(" + "x" * LONG) == []
    assert offered("watch Web.order(item=" + "a" * LONG + ", ") == ["quantity="]


def test_a_printed_line_loses_its_trailing_blanks_and_keeps_its_long_inner_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    console = render.terminal_console(width=80)
    file = console.file
    file.write("a" + " " * LONG + "b  \n")
    file.write("c \x1b[1m  \x1b[0m \n" + " " * LONG)
    assert out.getvalue() == "a" + " " * LONG + "b\n" + "c\x1b[1m\x1b[0m\n" + " " * LONG


@pytest.mark.parametrize(
    ("line", "trimmed"),
    [
        ("form", "form"),
        ("form  \t", "form"),
        ("x\x1b[1;31m \t", "x\x1b[1;31m"),
        ("  ", ""),
        ("a \x1b[0mb ", "a \x1b[0mb"),
        (" " * LONG + "x", " " * LONG + "x"),
    ],
    ids=["a word", "blanks", "blanks after a code", "blanks alone", "a code inside", "long"],
)
def test_a_lines_trailing_blanks(line: str, trimmed: str) -> None:
    assert render.without_trailing_blanks(line) == trimmed


async def test_a_long_patterns_lines_show_its_ends_and_its_data_keeps_it_whole(
    shop_session: Session, tmp_path
) -> None:
    # Each line telling of a watch, a breakpoint or an expectation repeated a pattern of
    # thirty parts whole: screens of text a line.
    pattern = " or ".join(f'Store.refused(item="apple{n}")' for n in range(30))
    commands = [f"watch {pattern}", f"break {pattern}", "inject Web.order item=apple29",
                "run", "matches 1", f"expect {pattern}", f"expect {pattern} none", "unwatch 1",
                "unbreak 1"]
    script = tmp_path / "long.rapide"
    script.write_text("\n".join(commands) + "\n")
    result = await play(shop_session, read_script(script), script="long.rapide")
    told = [" ".join(plain(outcome.output).split()) for _, outcome in result.outcomes]
    shown = f"{pattern[:39]}…{pattern[-40:]}"
    assert [text.replace(shown, "P") for text in told[:2] + told[4:]] == [
        "watch 1: P (0 matches so far)",
        "breakpoint 1: P",
        'watch 1: P (1 match) 1. e2 Store.refused from store {"item": "apple29", "reason": '
        '"out of stock"}',
        "ok: P: 1 match (expected at least 1 match)",
        "FAILED: P: expected no match, saw 1 match",
        "removed watch 1: P",
        "removed breakpoint 1: P",
    ]
    assert "stopped at breakpoint 1 (P): e2 Store.refused" in told[3].replace(shown, "P")
    (failure,) = result.expectation_failures()
    assert failure == f"long.rapide:7: expect failed: {shown}: expected no match, saw 1"
    assert result.outcomes[5][1].data["pattern"] == pattern


async def test_whynot_in_a_narrow_terminal_keeps_each_reason_whole(shop_session: Session) -> None:
    # In a terminal 40 columns wide, the reason a connection gave ended in an ellipsis
    # ("its pattern names Teller.de…"): which event it names was lost.
    assert (await shop_session.execute('inject Web.order item="tea" quantity=1')).ok
    outcome = await shop_session.execute("whynot e1")
    console = Console(width=40, record=True, color_system=None)
    for renderable in outcome.output:
        console.print(renderable, crop=False)
    shown = "".join(console.export_text().split())
    assert "…" not in shown
    for connection in outcome.data["connections"]:
        assert "".join(connection["detail"].split()) in shown, connection


def test_a_long_payload_is_written_only_as_far_as_its_line_shows() -> None:
    # What JSON cannot write is written by str(): counting those calls counts how far
    # into the payload its one-line text went.
    written: list[int] = []

    class Counted:
        def __init__(self, number: int) -> None:
            self.number = number

        def __str__(self) -> str:
            written.append(self.number)
            return f"item {self.number}"

    payload = {"items": [Counted(n) for n in range(LONG)], "blob": "x" * LONG}
    line = render.payload_text(payload, 40)
    assert line == '{"items": ["item 0", "item 1", "item 2"…'
    assert len(written) <= 41
    # The shown start is the whole payload's, cut the same way.
    assert render.payload_text({"blob": "x" * LONG}, 20) == '{"blob": "xxxxxxxxx…'
