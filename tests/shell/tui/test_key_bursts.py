"""Keys sent together (typed quickly, or by tmux) to a dialog (the inject dialog, a wait,
the palette, the help) do what they do pressed one at a time: the key that closes the
dialog leaves the keys behind it to the command bar."""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Button, Input

from rapide_shell.tui.screens.help_screen import HelpScreen
from rapide_shell.tui.screens.inject_dialog import InjectDialog
from rapide_shell.tui.screens.wait_screen import WaitScreen
from rapide_shell.tui.widgets.command_bar import CommandBar
from tests.shell.tui.conftest import SIZE, make_app, settle, wait_until
from tests.shell.tui.test_escape_keys import _send

INJECTED = 'inject APIService.request {"type": "query", "key": "k1"}'


async def _keys_to_dialog(pilot, keys: list[str], *, together: bool, on_button: bool) -> tuple:
    """Opens the inject dialog over a command half typed in the bar ("step"), sends it
    ``keys`` (each a terminal's bytes), together or one at a time (with the Inject
    button focused first, if ``on_button``), and returns what the user then sees: the
    screen on top, the widget focused, what the bar holds and the commands run."""
    app = pilot.app
    bar = app.query_one(CommandBar)
    bar.value = "step"
    await pilot.press("f3")
    await wait_until(pilot, lambda: isinstance(app.screen, InjectDialog))
    await settle(pilot)
    if on_button:
        app.screen.query_one("#inject-name", Input).value = "APIService.request"
        await wait_until(pilot, lambda: bool(app.screen.query("#field-key")))
        await settle(pilot)
        app.screen.query_one("#field-type", Input).value = "query"
        app.screen.query_one("#field-key", Input).value = "k1"
        app.screen.query_one("#inject-ok", Button).focus()
        await pilot.pause()
    if together:
        await _send(pilot, "".join(keys))
    else:
        for key in keys:
            await _send(pilot, key)
    await settle(pilot)
    return (type(app.screen).__name__, type(app.focused).__name__, bar.value,
            list(app.session.history))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("keys", "on_button"),
    [(["\r", "\r"], True), ([*"APIService.request", "\r", *"query", "\t", *"k1", "\r", "\r"],
                            False)],
    ids=["enter-enter-on-the-button", "typed-then-enter-enter"],
)
async def test_a_second_enter_sent_with_the_one_that_injects_goes_to_the_command_bar(
    shop_path, keys: list[str], on_button: bool
) -> None:
    # Sent together, the second Enter reached the dialog after the first had closed it:
    # Textual raised, and the workbench ended with a traceback. Now it goes to the bar,
    # whose half-typed command it enters, as when the keys are pressed one at a time.
    seen = []
    for together in (False, True):
        app = make_app(shop_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            seen.append(await _keys_to_dialog(pilot, keys, together=together,
                                              on_button=on_button))
    slowly, quickly = seen
    assert quickly == slowly == ("MainScreen", "CommandBar", "", [INJECTED, "step"])


async def test_keys_sent_with_the_one_that_ends_a_wait_go_to_the_command_bar(shop_path) -> None:
    # The first key goes on; a command typed quickly after it is typed into the bar (the
    # layer, closed, raised at the second key).
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        bar = app.query_one(CommandBar)
        bar.value = "wait"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, WaitScreen))
        await _send(pilot, "\rstep\r")
        assert not isinstance(app.screen, WaitScreen)
        assert isinstance(app.focused, CommandBar) and bar.value == ""
        assert app.session.history == ["wait", "step"]


async def _enter_enter_in_the_palette(pilot, *, together: bool) -> tuple:
    """Opens the palette over a command half typed in the bar ("run"), chooses `step`
    with Enter and sends a second Enter with it or after it; returns what the user
    then sees, as :func:`_keys_to_dialog` does."""
    app = pilot.app
    bar = app.query_one(CommandBar)
    bar.value = "run"
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*"step")
    await wait_until(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
    await pilot.pause(0.2)
    await _send(pilot, "\r\r" if together else "\r")
    if not together:
        await _send(pilot, "\r")
    await settle(pilot)
    return (type(app.screen).__name__, type(app.focused).__name__, bar.value,
            list(app.session.history))


async def test_a_second_enter_sent_with_the_one_that_chooses_in_the_palette_goes_to_the_bar(
    shop_path,
) -> None:
    # The palette chose again after it had closed, and Textual raised.
    seen = []
    for together in (False, True):
        app = make_app(shop_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            seen.append(await _enter_enter_in_the_palette(pilot, together=together))
    slowly, quickly = seen
    assert quickly == slowly == ("MainScreen", "CommandBar", "", ["step", "run"])


async def test_keys_sent_with_the_one_that_closes_the_help_go_to_the_command_bar(
    shop_path,
) -> None:
    # The help's key closed it once it reached the app, after the keys behind it, which
    # were lost; an Enter, which the help does not take, leaves it open.
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.query_one(CommandBar)
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await _send(pilot, "\r\r")
        assert isinstance(app.screen, HelpScreen)
        await _send(pilot, "qstep\r")
        assert not isinstance(app.screen, HelpScreen)
        assert isinstance(app.focused, CommandBar) and bar.value == ""
        assert app.session.history == ["step"]


@pytest.mark.parametrize("together", [False, True], ids=["one-at-a-time", "together"])
async def test_an_error_said_at_an_enter_typed_quickly_stays_until_the_field_changes(
    shop_path, together: bool
) -> None:
    # The keys before the Enter report their changes late, after the Enter has said the
    # error: the change of the first key ("[") was taken for a new edit, and the error
    # went as it came, as if the Enter had done nothing.
    app = make_app(shop_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, InjectDialog))
        dialog = app.screen
        dialog.query_one("#inject-name", Input).value = "DatabaseService.result"
        await wait_until(pilot, lambda: bool(dialog.query("#field-rows")))
        dialog.query_one("#field-key", Input).value = "k1"
        dialog.query_one("#field-rows", Input).focus()
        await settle(pilot)
        keys = ["[", "1", ",", "\r"]
        if together:
            await _send(pilot, "".join(keys))
        else:
            for key in keys:
                await _send(pilot, key)
        error = str(dialog.query_one("#inject-error").render())
        assert "rows: malformed JSON" in error
        assert isinstance(app.screen, InjectDialog) and app.session.history == []
        await _send(pilot, "]")  # a change made after the error: it goes
        assert str(dialog.query_one("#inject-error").render()) == ""
