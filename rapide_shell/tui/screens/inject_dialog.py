"""The inject dialog: pick an event name, fill in the fields its action declares."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from pyrapide.core.json_file import JSONTextError
from pyrapide.types.payloads import PayloadError, check_payload
from rapide_shell.commands.builtin.injecting import unknown_event
from rapide_shell.commands.lexer import typed_value
from rapide_shell.recording import inject_line
from rapide_shell.render import note
from rapide_shell.tui.screens.short_dialogs import DIALOG_BREAKPOINTS
from rapide_shell.tui.widgets.printable_input import (
    PrintableInput,
    passed_on_once_closed,
    suggest_from,
)


def field_value(text: str, annotation: str) -> Any:
    """The payload value for what was typed: text for ``str`` fields, else a JSON literal
    when the text is one, else the text itself (the command language's rule).

    As in the command language, text that starts like JSON (``"``, ``[``, ``{``) but
    does not parse raises ValueError saying why: it is a typo, not a string to send.
    Blank text (empty, or spaces) is no value for a field that is not ``str``: a
    ValueError says that one is needed (the dialog leaves an optional field out).
    """
    if annotation == "str":
        return text
    if is_blank(text, annotation):
        raise ValueError("needs a value")
    try:
        return typed_value(text)
    except JSONTextError as error:
        reason = error.message.removeprefix("not valid JSON: ")
        if error.kind == "syntax":
            reason = f"malformed JSON: {reason}"
        raise ValueError(f"{reason} (character {error.offset + 1})") from None


def is_blank(text: str, annotation: str) -> bool:
    """Whether ``text`` gives a field no value: empty, or only spaces where the field
    is not ``str`` (for a text field, spaces are the text)."""
    return text == "" or (annotation != "str" and not text.strip())


def reveal_field(field: Widget | None) -> None:
    """Scrolls ``field``, if it is one of an action's fields, into view with its name
    above it (a short screen's fields show a few lines at a time)."""
    row = field.parent if field is not None and field.has_class("field-input") else None
    if isinstance(row, Widget):
        row.scroll_visible(animate=False)


def focus_field(field: Input) -> None:
    """Focuses ``field`` at once (the keys typed behind an Enter go to it), leaving the
    scrolling to :func:`reveal_field` (the dialog does so once the field has its place):
    Textual would centre a field not laid out yet in an animation, hiding its name above
    it on a short screen."""
    field.screen.set_focus(field, scroll_visible=False)


class ActionFields(VerticalScroll):
    """The fields of the action chosen; they scroll where there are more than fit.
    Made shorter (an error shown under them, the terminal resized), it keeps the
    focused field in view."""

    def on_resize(self, _resized: events.Resize) -> None:
        reveal_field(self.screen.focused)


class InjectDialog(ModalScreen[str | None]):
    """Asks for an event to inject; dismisses with the ``inject`` command line or None.

    ``actions`` maps qualified event names to their ``ActionSpec``; the name field
    completes from them, and choosing one shows one field per parameter of the action,
    with its annotation and default.

    Enter acts at once, in order with the keys typed (see :meth:`_enter_in`), and so
    does Enter on a button; a key that reaches the dialog once it has closed (one of a
    burst whose Enter closed it: Enter, Enter sent together) goes to what has the focus
    after it (the command bar), as it would pressed slowly.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="inject.cancel"),
    ]
    VERTICAL_BREAKPOINTS = DIALOG_BREAKPOINTS

    def __init__(self, actions: Mapping[str, Any], initial_name: str = "") -> None:
        super().__init__()
        self._actions = dict(actions)
        self._initial_name = initial_name
        self._shown_action: str | None = None
        self._error_about: dict[str, str] | None = None
        """What each field held when the error shown was found (None: no error)."""
        self._showing = asyncio.Lock()
        """Held while the fields of a name are being shown."""

    def compose(self) -> ComposeResult:
        with Vertical(id="inject-box") as box:
            box.border_title = "Inject an event"
            yield Label("Event name (→ completes, Enter moves to the fields):",
                        id="inject-name-label")
            yield PrintableInput(
                value=self._initial_name,
                # Said as an example: an event name alone there was taken for one filled
                # in, and Enter on it said that a name is needed.
                placeholder=f"e.g. {next(iter(self._actions), 'Service.action')}",
                suggest=suggest_from(sorted(self._actions)),
                submitted=self._enter_in,
                id="inject-name",
            )
            yield ActionFields(id="inject-fields")
            yield Static("", id="inject-error", classes="-empty")
            with Horizontal(id="inject-buttons"):
                yield Button("Inject", variant="primary", id="inject-ok")
                yield Button("Cancel", id="inject-cancel")

    async def on_mount(self) -> None:
        """Focuses the name field and shows the fields of a name given in advance."""
        self.query_one("#inject-name", Input).focus()
        await self._show_fields(self._initial_name)

    @on(Input.Changed, "#inject-name")
    async def _name_changed(self) -> None:
        # The name as it is now: a change reported late (keys typed quickly, or an
        # Enter that showed the fields already) shows nothing older.
        await self._show_fields(self.query_one("#inject-name", Input).value.strip())

    @on(Input.Changed)
    def _clear_error(self, changed: Input.Changed) -> None:
        """An error says what was wrong with what was typed: once that is changed, the
        error goes. The field's text now decides, not the change's: keys typed quickly
        report theirs after the Enter behind them said the error, each with the text as
        it was then (the first key's, shorter than the text the error is about)."""
        if self._error_about is None:
            return
        if self._error_about.get(changed.input.id or "") != changed.input.value:
            self._error_about = None
            self._say("")

    def _show_error(self, message: str) -> None:
        # The message quotes what was typed: drawn printable.
        self._say(note(message))
        self._error_about = {field.id or "": field.value for field in self.query(Input)}

    def _say(self, error: Text | str) -> None:
        """Shows ``error`` under the fields (empty: none; a short screen then gives its
        line to the fields)."""
        said = self.query_one("#inject-error", Static)
        said.update(error)
        said.set_class(not error, "-empty")

    @on(events.DescendantFocus, ".field-input")
    def _field_focused(self, focused: events.DescendantFocus) -> None:
        # After the layout: a field focused as it is mounted has no place yet.
        self.call_after_refresh(reveal_field, focused.widget)

    async def _show_fields(self, name: str) -> None:
        """Shows the fields of the action ``name`` (or says there is none yet), once at
        a time: an Enter in the name field waits for its fields (see _enter_in)."""
        async with self._showing:
            await self._show_fields_now(name)

    async def _show_fields_now(self, name: str) -> None:
        if name == self._shown_action:
            return
        fields = self.query_one("#inject-fields", VerticalScroll)
        await fields.remove_children()
        spec = self._actions.get(name)
        self._shown_action = name if spec is not None else None
        if spec is None:
            if name:
                await fields.mount(Static(note(f"no action named {name!r} yet"), classes="hint"))
            return
        rows: list[Widget] = []
        for param in spec.params:
            annotation = param.annotation or "any"
            marker = "" if param.required else " (optional)"
            default = "" if param.required else f"default {param.default!r}"
            rows.append(Vertical(
                Label(note(f"{param.name}: {annotation}{marker}"), classes="field-label"),
                PrintableInput(placeholder=default or annotation, id=f"field-{param.name}",
                               submitted=self._enter_in, classes="field-input"),
                classes="field-row",
            ))
        if not rows:
            rows.append(Static("this action takes no fields", classes="hint"))
        await fields.mount_all(rows)

    def _command(self) -> str | None:
        name = self.query_one("#inject-name", Input).value.strip()
        spec = self._actions.get(name)
        if not name:
            self._show_error("an event name is needed: type one (→ completes it)")
            return None
        if spec is None:
            self._show_error(unknown_event(name, self._actions).describe())
            return None
        payload: dict[str, Any] = {}
        for param in spec.params:
            text = self.query_one(f"#field-{param.name}", Input).value
            if is_blank(text, param.annotation):
                if param.required:
                    self._show_error(f"{param.name} is required")
                    return None
                continue
            try:
                payload[param.name] = field_value(text, param.annotation)
            except ValueError as refused:
                self._show_error(f"{param.name}: {refused}")
                focus_field(self.query_one(f"#field-{param.name}", Input))
                return None
        # What `inject` would refuse (a value its annotation does not admit) is said
        # here, with every field kept as typed, not after the dialog has closed.
        try:
            check_payload(spec, name, payload)
        except PayloadError as problem:
            self._show_error(problem.message)
            if problem.field is not None and (field := self.query(f"#field-{problem.field}")):
                focus_field(field.first(Input))
            return None
        return inject_line(name, payload)

    async def _enter_in(self, field: PrintableInput) -> None:
        """Enter in ``field`` moves on to the next field still empty that the action
        requires (from the name: to the first field, once shown); when none is left, it
        injects."""
        if field.id == "inject-name":
            await self._show_fields(field.value.strip())  # typed quickly: not shown yet
        inputs = list(self.query(".field-input").results(Input))
        if field.id == "inject-name" and inputs:
            focus_field(inputs[0])
            return
        missing = self._empty_required(inputs)
        if not missing or field in missing:
            self.action_inject()  # says which field is required, if one is
            return
        here = inputs.index(field)
        later = [other for other in missing if inputs.index(other) > here]
        focus_field((later or missing)[0])

    def on_key(self, key: events.Key) -> None:
        """Enter on a button does what the button does, at once, in order with the keys
        behind it (a button's own Enter waits for the key to reach the app, after them,
        and its press for a message); a key that reaches the dialog once it has closed
        goes on (see the class's docstring)."""
        if passed_on_once_closed(self, key):
            return
        if key.key == "enter" and isinstance(self.focused, Button):
            key.stop()
            key.prevent_default()
            if self.focused.id == "inject-cancel":
                self.action_cancel()
            else:
                self.action_inject()

    def _empty_required(self, inputs: list[Input]) -> list[Input]:
        spec = self._actions.get(self._shown_action or "")
        if spec is None:
            return []
        required = {f"field-{param.name}": param for param in spec.params if param.required}
        return [
            field for field in inputs
            if field.id in required and is_blank(field.value, required[field.id].annotation)
        ]

    @on(Button.Pressed, "#inject-ok")
    def action_inject(self) -> None:
        """Closes the dialog with the command, if every required field is filled."""
        command = self._command()
        if command is not None:
            self.dismiss(command)

    @on(Button.Pressed, "#inject-cancel")
    def action_cancel(self) -> None:
        """Closes the dialog without injecting."""
        self.dismiss(None)
