"""The scheduler queue: pending dispatches by connection kind, then the work in flight;
Enter runs a dispatch, or resumes a task whose wake-up it is."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from pyrapide.architecture import ConnectionKind
from pyrapide.core.printable import printable
from rapide_shell.render import Hanging
from rapide_shell.tui.theme_colours import ThemedLines
from rapide_shell.tui.widgets.chosen_on_enter import ChosenOnEnter

if TYPE_CHECKING:
    from pyrapide.runtime import Dispatch, InFlight, PendingSummary

#: Dispatches listed per kind; the rest are counted in one line (the queue can be long).
SHOWN_PER_KIND = 25
#: The narrowest column of dispatch ids, after the "#": three digits and a space.
ID_WIDTH = 4
#: The id of a hook's wake-up row: this, then its component (``step wake COMPONENT``).
_HOOK = "hook:"
#: Marks the dispatch a plain step (F2) runs next: on its row, and on its kind's heading
#: with its id (the row is too narrow to spell it out).
NEXT_MARK = "▶"


def why_next(next_dispatch: Dispatch, pending: PendingSummary) -> str:
    """Why a plain step runs ``next_dispatch`` of ``pending``: a connect runs before
    anything else (its emitter waits for it); otherwise the seed picks among the
    agent deliveries and the pipe heads ready to start (a pipe delivers in order, so
    only its head is ready), and with no agent delivery the oldest pipe head goes."""
    if next_dispatch.kind == "connect":
        return "connects run first"
    agents = pending.counts[ConnectionKind.AGENT]
    pipes = pending.pipes_waiting
    if not agents:
        return "the oldest pipe head" if pipes > 1 else "its pipe's head"
    return f"the seed's pick of {agents + pipes} ready"


class DispatchQueue(ThemedLines, ChosenOnEnter):
    """Lists pending dispatches under a heading per kind, each with id, event and target:
    the first of each kind in the order steps take them, the rest counted.

    The dispatch a plain step would run (the scheduler's choice) is marked ``▶``, and
    its kind's heading says ``▶ next #N``; a pipe delivery that must wait says behind
    which. Under "in flight" come the tasks started and not finished: a sleeper's
    wake-up ("wake #7 at t=1") and a woken task ("resume #7") can be chosen like a
    dispatch; the others say what they wait for.

    Moving onto a dispatch posts :class:`DispatchHighlighted` (the graph emphasises its
    connection); Enter (or a double click) posts :class:`DispatchChosen` so that exactly
    that dispatch runs. A single click only moves onto it: looking must not run.
    """

    class DispatchHighlighted(Message):
        """The cursor is on dispatch ``dispatch_id``, carried by ``connection_index``."""

        def __init__(self, dispatch_id: int | None, connection_index: int | None) -> None:
            self.dispatch_id = dispatch_id
            self.connection_index = connection_index
            super().__init__()

    class DispatchChosen(Message):
        """The user asked to run dispatch ``dispatch_id`` now."""

        def __init__(self, dispatch_id: int) -> None:
            self.dispatch_id = dispatch_id
            super().__init__()

    class HookChosen(Message):
        """The user asked to resume the start or finish hook of ``component`` now."""

        def __init__(self, component: str) -> None:
            self.component = component
            super().__init__()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._connection_of: dict[int, int | None] = {}
        self._shown_ids: list[int] = []
        self._shown_state: tuple[object, ...] | None = None  # None: nothing shown yet
        self._next_id: int | None = None
        self.content_width = 0
        """The width of the longest line listed (the screen sizes the panel by it)."""

    @property
    def dispatch_ids(self) -> list[int]:
        """Ids of the listed dispatches, in display order."""
        return list(self._shown_ids)

    @property
    def next_id(self) -> int | None:
        """Id of the dispatch marked as the one a plain step runs next (None: no mark)."""
        return self._next_id

    def show_pending(
        self,
        pending: PendingSummary | None,
        next_dispatch: Dispatch | None = None,
        in_flight: Sequence[InFlight] = (),
        blocked: Callable[[Dispatch], str | None] | None = None,
    ) -> None:
        """Replaces the list with ``pending`` (the queue at a glance: its first
        dispatches of each kind, the rest counted; None: nothing live) and
        ``in_flight``, keeping the cursor on the same dispatch; marks ``next_dispatch``
        (the one a plain step runs) and says why a dispatch waits (``blocked(dispatch)``)."""
        counts = dict(pending.counts) if pending is not None else {}
        first = dict(pending.first) if pending is not None else {}
        next_id = next_dispatch.id if next_dispatch is not None else None
        # What each listed dispatch delivers, not its id alone: after a switch to another
        # branch the same ids can name other deliveries (#3: e2 on one branch, e3 on
        # another).
        shown = (
            counts,
            {
                kind: [
                    (d.id, d.event.id, str(d.target), getattr(d.connection, "index", None))
                    for d in listed
                ]
                for kind, listed in first.items()
            },
            next_id,
            [(f.label, f.reason, f.until) for f in in_flight],
        )
        if shown == self._shown_state:
            return
        self._shown_state = shown
        previous = self.highlighted_option.id if self.highlighted_option is not None else None
        by_kind = {kind: list(first.get(kind, ())) for kind in ConnectionKind}
        if next_dispatch is not None and counts.get(next_dispatch.kind):
            # Listed even when it is far down its kind, so the mark is never cut off.
            dispatches = by_kind[next_dispatch.kind]
            if next_dispatch not in dispatches[:SHOWN_PER_KIND]:
                if next_dispatch in dispatches:
                    dispatches.remove(next_dispatch)
                dispatches.insert(SHOWN_PER_KIND - 1, next_dispatch)
                del dispatches[SHOWN_PER_KIND:]
            self._next_id = next_id
        else:
            self._next_id = None
        options: list[Option] = []
        if self._next_id is not None and next_dispatch is not None and pending is not None:
            why = Text.assemble(
                (f"{NEXT_MARK} #{self._next_id} next: ", "bold"), why_next(next_dispatch, pending)
            )
            why.no_wrap, why.overflow = True, "ellipsis"
            options.append(Option(why, id="why-next", disabled=True))
        self._connection_of = {}
        self._shown_ids = []
        # The ids in one column, wide enough for the longest listed and a space after it.
        id_width = max((len(str(d.id)) + 1 for listed in by_kind.values()
                        for d in listed[:SHOWN_PER_KIND]), default=0)
        id_width = max(ID_WIDTH, id_width)
        for kind, dispatches in by_kind.items():
            count = counts.get(kind, 0)
            if not count:
                continue
            heading = Text.assemble((kind, "bold"), f"  {count} pending")
            if self._next_id is not None and next_dispatch in dispatches:
                heading.append(f"  {NEXT_MARK} next #{self._next_id}", "bold")
            options.append(Option(heading, id=f"kind:{kind}", disabled=True))
            for dispatch in dispatches[:SHOWN_PER_KIND]:
                connection = getattr(dispatch.connection, "index", None)
                self._connection_of[dispatch.id] = connection
                self._shown_ids.append(dispatch.id)
                label = Text.assemble(
                    (NEXT_MARK if dispatch.id == self._next_id else " ", "bold"),
                    (f"#{dispatch.id:<{id_width}}", "bold"),
                    f"{printable(dispatch.event.name)} ",
                    (f"({printable(dispatch.event.id)})", "dim"),
                    f" → {printable(str(dispatch.target))}",
                )
                waits = blocked(dispatch) if blocked is not None else None
                if waits:
                    label.append(f"  {printable(waits.split(' ', 1)[1])}", "italic")
                options.append(Option(Hanging(label), id=f"dispatch:{dispatch.id}"))
            listed = min(count, SHOWN_PER_KIND)
            if count > listed:
                options.append(Option(Text(f"   … {count - listed} more", "dim"), disabled=True))
        options.extend(self._in_flight_options(in_flight))
        if not options:
            options.append(
                Option(Text("nothing pending, nothing in flight", "dim"), id="empty", disabled=True)
            )
        self.set_options(options)
        texts = [_text(option.prompt) for option in options]
        self.content_width = max((text.cell_len for text in texts if text is not None), default=0)
        flying = f", {len(in_flight)} in flight" if in_flight else ""
        self.border_title = f"Queue ({sum(counts.values())}{flying})"
        if previous is not None and previous.startswith("dispatch:"):
            try:
                self.highlighted = self.get_option_index(previous)
            except OptionDoesNotExist:  # that dispatch ran: fall back to the first one
                self._highlight_first()
        else:
            self._highlight_first()

    def _in_flight_options(self, in_flight: Sequence[InFlight]) -> list[Option]:
        """The heading and rows of the work in flight; a wake-up or a woken task (a
        dispatch's, or a start or finish hook's) can be chosen (Enter resumes it)."""
        if not in_flight:
            return []
        options = [
            Option(
                Text.assemble(("in flight", "bold"), f"  {len(in_flight)}"),
                id="kind:in-flight",
                disabled=True,
            )
        ]
        for task in in_flight[:SHOWN_PER_KIND]:
            reason = str(task.reason)
            if reason == "sleeping":
                head = f" wake {task.label} at t={task.until:g}"
            elif reason == "ready":
                head = f" resume {task.label}"
            else:
                head = f" {task.label}"
            label = Text(printable(head), "bold")
            dispatch = task.dispatch
            if dispatch is not None:
                name, target = printable(dispatch.event.name), printable(str(dispatch.target))
                label.append(f"  {name} → {target}")
            if reason not in ("sleeping", "ready"):
                label.append(f"  {task.describe()}", "italic")
            if dispatch is not None and reason in ("sleeping", "ready"):
                self._connection_of[dispatch.id] = dispatch.connection.index
                self._shown_ids.append(dispatch.id)
                options.append(Option(Hanging(label), id=f"dispatch:{dispatch.id}"))
            elif task.hook is not None and reason in ("sleeping", "ready"):
                options.append(Option(Hanging(label), id=f"{_HOOK}{task.component}"))
            else:
                options.append(Option(Hanging(label), disabled=True))
        return options

    def _highlight_first(self) -> None:
        for index, option in enumerate(self.options):
            if not option.disabled:
                self.highlighted = index
                return
        self.highlighted = None
        self.post_message(self.DispatchHighlighted(None, None))

    @staticmethod
    def _dispatch_id(option: Option) -> int | None:
        option_id = option.id or ""
        return int(option_id.split(":", 1)[1]) if option_id.startswith("dispatch:") else None

    @on(OptionList.OptionHighlighted)
    def _announce_highlight(self, highlighted: OptionList.OptionHighlighted) -> None:
        highlighted.stop()
        dispatch_id = self._dispatch_id(highlighted.option)
        connection = self._connection_of.get(dispatch_id) if dispatch_id is not None else None
        self.post_message(self.DispatchHighlighted(dispatch_id, connection))

    @on(OptionList.OptionSelected)
    def _announce_choice(self, selected: OptionList.OptionSelected) -> None:
        selected.stop()
        dispatch_id = self._dispatch_id(selected.option)
        option_id = selected.option.id or ""
        if dispatch_id is not None:
            self.post_message(self.DispatchChosen(dispatch_id))
        elif option_id.startswith(_HOOK):
            self.post_message(self.HookChosen(option_id.removeprefix(_HOOK)))


def _text(prompt: object) -> Text | None:
    """The text of a row's prompt (a row too long for the panel goes on set in)."""
    if isinstance(prompt, Hanging):
        return prompt.text
    return prompt if isinstance(prompt, Text) else None
