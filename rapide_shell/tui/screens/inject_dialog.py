"""The inject dialog: pick an event name, fill in the fields its action declares."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from pyrapide.core.json_file import JSONTextError
from pyrapide.types.payloads import PayloadError, check_payload
from rapide_shell.commands.lexer import typed_value
from rapide_shell.recording import inject_line
from rapide_shell.render import note
from rapide_shell.tui.widgets.printable_input import PrintableInput


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


class InjectDialog(ModalScreen[str | None]):
    """Asks for an event to inject; dismisses with the ``inject`` command line or None.

    ``actions`` maps qualified event names to their ``ActionSpec``; the name field
    completes from them, and choosing one shows one field per parameter of the action,
    with its annotation and default.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="inject.cancel"),
    ]

    def __init__(self, actions: Mapping[str, Any], initial_name: str = "") -> None:
        super().__init__()
        self._actions = dict(actions)
        self._initial_name = initial_name
        self._shown_action: str | None = None
        self._error_about: dict[str, str] | None = None
        """What each field held when the error shown was found (None: no error)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="inject-box"):
            yield Static("Inject an event", id="inject-heading")
            yield Label("Event name (→ completes, Enter moves to the fields):")
            yield PrintableInput(
                value=self._initial_name,
                placeholder=next(iter(self._actions), "Service.action"),
                suggester=SuggestFromList(sorted(self._actions), case_sensitive=True),
                id="inject-name",
            )
            yield VerticalScroll(id="inject-fields")
            yield Static("", id="inject-error")
            with Horizontal(id="inject-buttons"):
                yield Button("Inject", variant="primary", id="inject-ok")
                yield Button("Cancel", id="inject-cancel")

    async def on_mount(self) -> None:
        """Focuses the name field and shows the fields of a name given in advance."""
        self.query_one("#inject-name", Input).focus()
        await self._show_fields(self._initial_name)

    @on(Input.Changed, "#inject-name")
    async def _name_changed(self, changed: Input.Changed) -> None:
        await self._show_fields(changed.value.strip())

    @on(Input.Changed)
    def _clear_error(self, changed: Input.Changed) -> None:
        """An error says what was wrong with what was typed: once that is changed, the
        error goes (a change reported late, of the text the error was about, does not)."""
        if self._error_about is None:
            return
        if self._error_about.get(changed.input.id or "") != changed.value:
            self._error_about = None
            self.query_one("#inject-error", Static).update("")

    def _show_error(self, message: str) -> None:
        # The message quotes what was typed: drawn printable.
        self.query_one("#inject-error", Static).update(note(message))
        self._error_about = {field.id or "": field.value for field in self.query(Input)}

    async def _show_fields(self, name: str) -> None:
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
            rows.append(Label(note(f"{param.name}: {annotation}{marker}"), classes="field-label"))
            rows.append(
                PrintableInput(placeholder=default or annotation, id=f"field-{param.name}",
                      classes="field-input")
            )
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
            self._show_error(f"unknown event {name!r}: choose one of the interfaces' actions")
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
                self.query_one(f"#field-{param.name}", Input).focus()
                return None
        # What `inject` would refuse (a value its annotation does not admit) is said
        # here, with every field kept as typed, not after the dialog has closed.
        try:
            check_payload(spec, name, payload)
        except PayloadError as problem:
            self._show_error(problem.message)
            if problem.field is not None and (field := self.query(f"#field-{problem.field}")):
                field.first(Input).focus()
            return None
        return inject_line(name, payload)

    @on(Input.Submitted)
    def _submitted(self, submitted: Input.Submitted) -> None:
        """Enter moves on to the next field still empty that the action requires (from
        the name: to the first field); when none is left, it injects."""
        submitted.stop()
        inputs = list(self.query(".field-input").results(Input))
        if submitted.input.id == "inject-name" and inputs:
            inputs[0].focus()
            return
        missing = self._empty_required(inputs)
        if not missing or submitted.input in missing:
            self.action_inject()  # says which field is required, if one is
            return
        here = inputs.index(submitted.input)
        later = [field for field in missing if inputs.index(field) > here]
        (later or missing)[0].focus()

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
