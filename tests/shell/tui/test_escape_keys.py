"""Escape then a key, pressed quickly, does what the two do pressed slowly, from the bytes up."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

import pytest
from textual import constants, events
from textual.binding import Binding
from textual.command import CommandPalette
from textual.keys import key_to_character
from textual.screen import Screen
from textual.widgets import Input

from rapide_shell.tui.panels import by_key
from rapide_shell.tui.screens.help_screen import HelpScreen
from rapide_shell.tui.screens.inject_dialog import InjectDialog
from rapide_shell.tui.screens.main_screen import MainScreen
from rapide_shell.tui.screens.wait_screen import WaitScreen
from rapide_shell.tui.widgets.command_bar import CommandBar
from rapide_shell.tui.widgets.connection_graph import ConnectionGraph
from rapide_shell.tui.widgets.event_log import EventLog
from rapide_shell.tui.widgets.narration_banner import NarrationBanner
from tests.shell.tui.conftest import SIZE, make_app, settle, type_command, wait_until

CONNECTION_KINDS = Path(__file__).parents[3] / "examples" / "connection_kinds.py"
SCREEN_KEYS = ":?<>[]" + "".join(panel.key for panel in by_key())
"""Every printable key the main screen binds."""


def _read(data: str) -> list:
    """What Textual's parser reads from ``data``, sent at once by a terminal (or tmux),
    once its wait for the rest of an escape sequence is over: its clock is moved on
    past that wait (``constants.ESCAPE_DELAY``) rather than slept through."""
    from textual import _parser
    from textual._xterm_parser import XTermParser

    parser = XTermParser()
    keys = list(parser.feed(data))
    later = _parser.get_time() + constants.ESCAPE_DELAY * 1.5
    with patch.object(_parser, "get_time", lambda: later):
        return [*keys, *parser.tick()]


def _parsed(data: str) -> list[tuple[str, str | None]]:
    return [(key.key, key.character) for key in _read(data)]


async def _send(pilot, data: str, *, in_bar: str | None = None) -> None:
    """Sends ``data`` as the terminal does: the keys read from it reach the app together,
    in one turn of its queue. ``in_bar``: first puts the focus in the command bar,
    holding that text (a command half typed)."""
    if in_bar is not None:
        bar = pilot.app.query_one(CommandBar)
        bar.focus()
        bar.value = in_bar
        bar.cursor_position = len(in_bar)
        await pilot.pause()
    for key in _read(data):
        pilot.app.post_message(key)
    await settle(pilot)


def test_the_keys_tested_are_every_printable_key_of_the_main_screen() -> None:
    bound = {
        key_to_character(binding.key)
        for binding in MainScreen.BINDINGS
        if isinstance(binding, Binding)
    }
    assert bound - {None} == set(SCREEN_KEYS)


def test_escape_then_a_key_reads_as_alt_and_the_key(shop_path) -> None:
    make_app(shop_path)  # the app sets Textual's parser up
    for character in SCREEN_KEYS:
        [(typed, _)] = _parsed(character)
        assert _parsed("\x1b" + character) == [(f"alt+{typed}", character)], character
    # Not as the macOS Option glyph Textual's table holds for ESC 8 ("•", WezTerm).
    assert _parsed("\x1b8") == [("alt+8", "8")]
    assert _parsed("•") == [("bullet", "•")]  # the character itself, typed, stays text
    assert _parsed("\x1ba") == [("alt+a", "a")]
    assert _parsed("\x1b<<") == [("alt+less_than_sign", "<"), ("less_than_sign", "<")]
    # ESC [ starts the terminal's sequences: alone it is Escape then [, with more after
    # it what the terminal means.
    assert _parsed("\x1b[A") == [("up", None)]
    [pasted] = _read("\x1b[200~<?\x1b[201~")
    assert isinstance(pasted, events.Paste) and pasted.text == "<?"
    assert _parsed("\x1b\x1b") == [("escape", "\x1b"), ("escape", "\x1b")]


async def test_escape_then_a_screen_key_pressed_quickly_leaves_the_bar_and_acts() -> None:
    app = make_app(CONNECTION_KINDS)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "step 5")
        decisions = app.session.decisions
        assert decisions.point.number == 5
        await _send(pilot, "\x1b<", in_bar="wat")
        assert decisions.point.number == 4
        assert isinstance(app.focused, EventLog)  # out of the bar, as Escape leaves it
        bar = app.query_one(CommandBar)
        assert bar.value == "wat"  # the half-typed command kept, no "<" in it
        await _send(pilot, "\x1b<<", in_bar="wat")  # Escape, <, <: back twice
        assert decisions.point.number == 2
        await _send(pilot, "\x1b>", in_bar="wat")
        assert decisions.point.number == 3
        await _send(pilot, "\x1b[", in_bar="wat")
        assert app.main_screen.every == 1.0
        await _send(pilot, "\x1b]", in_bar="wat")
        assert app.main_screen.every == 0.5
        await _send(pilot, "\x1b3", in_bar="wat")
        assert isinstance(app.focused, EventLog)
        await _send(pilot, "\x1b8", in_bar="wat")
        assert app.focused is app.query_one("#history")
        await _send(pilot, "\x1b:", in_bar="wat")  # leaves the bar and comes back: ":" not typed
        assert isinstance(app.focused, CommandBar)
        await _send(pilot, "\x1b?", in_bar="wat")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        said = dict(app.screen.key_rows)["alt+KEY"]
        assert "< > [ ] ? :" in said and "Escape then the key, pressed quickly" in said
        await _send(pilot, "\x1b")
        await wait_until(pilot, lambda: app.screen is app.main_screen)
        assert bar.value == "wat"
        assert decisions.point.number == 3


async def test_the_same_characters_typed_in_the_bar_are_text() -> None:
    app = make_app(CONNECTION_KINDS)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "step 3")
        await _send(pilot, "a" + SCREEN_KEYS + "A", in_bar="")
        bar = app.query_one(CommandBar)
        assert isinstance(app.focused, CommandBar)
        assert bar.value == "a" + SCREEN_KEYS + "A"
        assert app.session.decisions.point.number == 3
        assert app.main_screen.every is None
        # Escape then a letter: the letter goes back to the bar, as typed slowly.
        await _send(pilot, "\x1bc", in_bar="wat")
        assert isinstance(app.focused, CommandBar)
        assert bar.value == "watc"


async def test_alt_and_a_screen_key_acts_from_the_bar_and_from_a_panel(shop_path) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.query_one(CommandBar)
        assert isinstance(app.focused, CommandBar)
        await pilot.press("alt+8")
        await pilot.pause()
        assert app.focused is app.query_one("#history")
        await pilot.press("alt+4")  # from a panel as well
        await pilot.pause()
        assert app.focused is app.query_one("#inspector")
        await pilot.press("alt+left_square_bracket")
        assert app.main_screen.every == 1.0
        await pilot.press("alt+colon")
        await pilot.pause()
        assert isinstance(app.focused, CommandBar)
        await pilot.press("alt+right_square_bracket")
        await pilot.pause()
        assert app.main_screen.every == 0.5
        assert isinstance(app.focused, EventLog)
        assert bar.value == ""


async def test_escape_then_a_panel_key_with_a_panel_full_screen_keeps_it_full_screen(
    shop_path,
) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "zoom history")
        history = app.query_one("#history")
        assert app.screen.maximized is history
        await _send(pilot, "\x1b3", in_bar="")
        assert app.screen.maximized is app.query_one(EventLog)
        assert isinstance(app.focused, EventLog)
        await _send(pilot, "\x1b]", in_bar="")  # out of the bar to the panel shown, not behind it
        assert app.focused is app.screen.maximized
        # From the panel shown, outside the bar, the Escape leaves full screen, as it
        # does pressed slowly; then the key acts.
        await _send(pilot, "\x1b8")
        assert app.screen.maximized is None and app.focused is history


async def _open_dialog(pilot, data: str, dialog: type[Screen]) -> None:
    """Opens ``dialog`` with the key ``data`` reads as, pressed outside the bar; fills
    the inject dialog in, so that anything but a cancel would inject."""
    app = pilot.app
    await _send(pilot, "\x1b", in_bar="")
    await _send(pilot, data)
    await wait_until(pilot, lambda: isinstance(app.screen, dialog))
    if isinstance(app.screen, InjectDialog):
        app.screen.query_one("#inject-name", Input).value = "Source.job"
        await wait_until(pilot, lambda: bool(app.screen.query("#field-n")))
        app.screen.query_one("#field-n", Input).value = "7"


async def _escape_then(pilot, keys: str, *, quickly: bool) -> tuple:
    """Sends Escape then ``keys``, together (as a terminal sends them typed quickly) or
    apart; returns what the user then sees: the screen on top, the point in the
    history, the widget focused, what the bar holds and the commands run so far."""
    if quickly:
        await _send(pilot, "\x1b" + keys)
    else:
        await _send(pilot, "\x1b")
        await _send(pilot, keys)
    app = pilot.app
    return (
        type(app.screen).__name__,
        app.session.decisions.point.number,
        type(app.focused).__name__,
        app.main_screen.query_one(CommandBar).value,
        list(app.session.history),
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("opening", "dialog"),
    [("\x1b[13~", InjectDialog), ("?", HelpScreen), ("\x10", CommandPalette)],
    ids=["inject (F3)", "help (?)", "palette (Ctrl+P)"],
)
async def test_escape_then_keys_pressed_quickly_in_a_dialog_act_as_pressed_slowly(
    opening: str, dialog: type[Screen]
) -> None:
    app = make_app(CONNECTION_KINDS)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "step 5")
        for keys in ("<", "<<", "s?"):
            seen = []
            for quickly in (False, True):
                await _open_dialog(pilot, opening, dialog)
                seen.append(await _escape_then(pilot, keys, quickly=quickly))
            slowly, quickly_ = seen
            assert quickly_ == slowly, keys
            # The dialog closed as its Escape closes it (the inject dialog injecting
            # nothing), the bar took the focus as after any dialog, and the keys after
            # the Escape went into it, in order.
            assert quickly_ == ("MainScreen", 5, "CommandBar", keys, ["step 5"]), keys
        # Escape then "<" in the bar outside any dialog: leaves it and goes back.
        assert await _escape_then(pilot, "<", quickly=True) == (
            "MainScreen", 4, "EventLog", "s?", ["step 5", "back"])


async def test_escape_then_a_key_pressed_quickly_ends_a_wait_as_pressed_slowly(
    shop_path,
) -> None:
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        bar = app.query_one(CommandBar)
        seen = []
        for quickly in (False, True):
            bar.value = "wait"
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, WaitScreen))
            seen.append(await _escape_then(pilot, "<", quickly=quickly))
            bar.value = ""
        assert seen[1][:4] == seen[0][:4]
        # The Escape went on; the "<" went into the bar (where the wait was asked for).
        assert seen[1] == ("MainScreen", 0, "CommandBar", "<", ["wait", "wait"])
        assert not app.query_one(NarrationBanner).waiting


async def test_escape_then_a_key_pressed_quickly_in_the_graphs_search_ends_it_first(
    chain_path: Path,
) -> None:
    app = make_app(chain_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        graph = app.query_one(ConnectionGraph)
        seen = []
        for quickly in (False, True):
            await _send(pilot, "\x1b", in_bar="")
            for keys in ("1", "/", "s2"):
                await _send(pilot, keys)
            assert app.focused is graph and graph.listing.search == "s2"
            if quickly:
                await _send(pilot, "\x1b8")
            else:
                await _send(pilot, "\x1b")
                await _send(pilot, "8")
            # The search dropped, then "8" chose the history panel.
            seen.append((graph.listing.search, app.focused.id))
        assert seen[1] == seen[0] == ("", "history")
