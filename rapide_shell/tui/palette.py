"""The command palette: entries for every command of the command language."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual import events, on
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.widgets import Input, OptionList

from rapide_shell.commands import CommandSpec
from rapide_shell.tui.widgets.printable_input import pass_on

if TYPE_CHECKING:
    from rapide_shell.tui.app import RapideApp


class CommandLanguageProvider(Provider):
    """Offers each command; choosing one runs it when it needs no argument, otherwise it
    is put in the command bar for the user to finish."""

    def _choose(self, spec: CommandSpec) -> None:
        screen = cast("RapideApp", self.app).main_screen
        takes_required = any(not arg.optional for arg in spec.args)
        if takes_required:
            screen.prefill_command(f"{spec.name} ")
        else:
            screen.submit_command(spec.name)

    async def discover(self) -> Hits:
        """Lists every command when nothing is typed yet."""
        for spec in cast("RapideApp", self.app).session.catalog:
            # Content, not markup: usages hold brackets ("[N | connect|pipe|agent | #ID]").
            yield DiscoveryHit(
                Content(spec.usage), partial(self._choose, spec), text=spec.usage,
                help=spec.summary,
            )

    async def search(self, query: str) -> Hits:
        """Fuzzy-matches ``query`` against each command's usage line."""
        matcher = self.matcher(query)
        for spec in cast("RapideApp", self.app).session.catalog:
            score = matcher.match(spec.usage)
            if score > 0:
                # Plain Content: the matcher's highlight would read the usage's
                # brackets as markup.
                yield Hit(
                    score,
                    Content(spec.usage),
                    partial(self._choose, spec),
                    text=spec.usage,
                    help=spec.summary,
                )


class WorkbenchPalette(CommandPalette):
    """Textual's command palette, but an Enter sent with the one that chose a command
    (typed quickly, or Enter Enter from tmux) goes to the command bar, as it would
    pressed slowly, rather than choose again in the palette it closed (which raised,
    and ended the workbench)."""

    @on(Input.Submitted)
    @on(OptionList.OptionSelected)
    def _chosen_after_closing(self, chosen: Input.Submitted | OptionList.OptionSelected) -> None:
        if self.app.screen is self:
            return  # the palette's own handlers choose
        chosen.stop()
        chosen.prevent_default()
        pass_on(self, events.Key("enter", "\r"))
