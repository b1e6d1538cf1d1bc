"""Lists whose options act when chosen: a single click only moves onto an option."""

from __future__ import annotations

from textual import events
from textual.widgets import OptionList


class ChosenOnEnter(OptionList):
    """An OptionList whose options are chosen (``OptionSelected``) by Enter or a double
    click; a single click only moves the highlight onto one. Choosing acts (a dispatch
    runs, the run travels to a step), and looking must not: OptionList's own click
    chooses at once."""

    async def _on_click(self, click: events.Click) -> None:
        click.prevent_default()
        clicked = click.style.meta.get("option")
        if clicked is None or self.options[clicked].disabled:
            return
        self.highlighted = clicked
        if click.chain >= 2:
            self.action_select()
