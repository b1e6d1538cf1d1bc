"""Graph drawings of a computation: Graphviz DOT and Mermaid flowcharts."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from pyrapide.analysis._escape import dot_string, mermaid_string, payload_text
from pyrapide.analysis._inputs import check_bound, poset_of
from pyrapide.analysis._selection import select
from pyrapide.core import Computation, Event, Poset
from pyrapide.core.printable import brief_repr

_TOOLTIP_CHARS = 300


def to_dot(
    computation: Computation | Poset,
    highlight: Collection[Event | str] | None = None,
    event_types: Collection[str] | None = None,
    time_range: tuple[float, float] | None = None,
    max_events: int | None = 200,
) -> str:
    """Return a Graphviz DOT digraph of the computation.

    Nodes are events (name, source and id; payload as tooltip), grouped in a dashed
    cluster per source; edges run from cause to effect. ``highlight`` events (or ids) are drawn
    in red. ``event_types`` keeps only events with those names and ``time_range`` (inclusive
    ``(start, end)``) only events stamped in it; edges are drawn between kept events, and
    dashed from a kept event to one it preceded through events left out only, so that
    what was ordered is never drawn as independent.
    At most ``max_events`` events are drawn (None: all); when some are left out, a note
    node and a comment say how many of how many are shown. Every name and payload is
    escaped, so the output always parses.
    """
    poset = poset_of(computation, "to_dot")
    check_bound(max_events, "to_dot")
    view = select(poset, max_events, _filter("to_dot", event_types, time_range), bridge=True)
    marked = _highlighted("to_dot", highlight)
    lines = [
        "digraph computation {",
        "  rankdir=TB;",
        '  node [shape=box, style="rounded,filled", fillcolor=lightblue, fontsize=10];',
    ]
    note = view.note()
    if note:
        lines.append(f"  // {note}")
        lines.append(f"  truncated [shape=note, fillcolor=lightyellow, label={dot_string(note)}];")
    clusters: dict[str, list[int]] = {}
    loose = []
    for index, event in enumerate(view.events):
        if event.source:
            clusters.setdefault(event.source, []).append(index)
        else:
            loose.append(index)
    for number, (source, members) in enumerate(clusters.items()):
        lines.append(f"  subgraph cluster_{number} {{")
        lines.append(f"    label={dot_string(source)};")
        lines.append("    style=dashed;")
        lines += [_dot_node(view.events[index], index, marked, "    ") for index in members]
        lines.append("  }")
    lines += [_dot_node(view.events[index], index, marked, "  ") for index in loose]
    lines += [
        f"  n{cause} -> n{effect}{' [style=dashed]' if (cause, effect) in view.indirect else ''};"
        for cause, effect in view.links
    ]
    lines.append("}")
    return "\n".join(lines)


def _dot_node(event: Event, index: int, marked: set[str], indent: str) -> str:
    attributes = [f"label={dot_string(_label(event))}"]
    if event.payload:
        attributes.append(f"tooltip={dot_string(_clip(payload_text(event.payload)))}")
    if event.id in marked:
        attributes.append("fillcolor=red, fontcolor=white")
    return f"{indent}n{index} [{', '.join(attributes)}];"


def to_mermaid(
    computation: Computation | Poset,
    highlight: Collection[Event | str] | None = None,
    event_types: Collection[str] | None = None,
    max_events: int | None = 100,
) -> str:
    """Return a Mermaid flowchart (``graph TD``) of the computation.

    Nodes show an event's name, source and id; arrows run from cause to effect.
    ``highlight`` events (or ids) get the ``highlight`` class (red); ``event_types`` keeps only
    events with those names (a dotted arrow ``-.->`` joins two kept events one of which
    preceded the other through events left out only). At most ``max_events`` events are
    drawn (None: all); when some are left out, a note node and a comment say how many
    of how many are shown.
    Labels are escaped with Mermaid's entity codes, so the output always parses.
    """
    poset = poset_of(computation, "to_mermaid")
    check_bound(max_events, "to_mermaid")
    view = select(poset, max_events, _filter("to_mermaid", event_types, None), bridge=True)
    marked = _highlighted("to_mermaid", highlight)
    lines = ["graph TD"]
    note = view.note()
    if note:
        lines.append(f"  %% {note}")
        lines.append(f"  truncated>{mermaid_string(note)}]")
    for index, event in enumerate(view.events):
        lines.append(f"  n{index}[{mermaid_string(_label(event))}]")
    lines += [
        f"  n{cause} {'-.->' if (cause, effect) in view.indirect else '-->'} n{effect}"
        for cause, effect in view.links
    ]
    chosen = [f"n{index}" for index, event in enumerate(view.events) if event.id in marked]
    if chosen:
        lines.append("  classDef highlight fill:#f66,color:#fff")
        lines.append(f"  class {','.join(chosen)} highlight")
    return "\n".join(lines)


def _filter(
    caller: str,
    event_types: Collection[str] | None,
    time_range: tuple[float, float] | None,
) -> Callable[[Event], bool] | None:
    if event_types is None and time_range is None:
        return None
    if isinstance(event_types, str):
        raise TypeError(f"{caller}(): event_types must be a collection of names, not a string")
    if event_types is not None and not isinstance(event_types, Iterable):
        raise TypeError(
            f"{caller}(): event_types must be a collection of names, "
            f"got {brief_repr(event_types)}"
        )
    names = None if event_types is None else set(event_types)
    if time_range is not None:
        try:
            start, end = (float(bound) for bound in time_range)
        except (TypeError, ValueError):
            raise ValueError(
                f"{caller}(): time_range must be a (start, end) pair of numbers, "
                f"got {brief_repr(time_range)}"
            ) from None

    def keep(event: Event) -> bool:
        if names is not None and event.name not in names:
            return False
        return time_range is None or start <= event.timestamp <= end

    return keep


def _highlighted(caller: str, highlight: Collection[Event | str] | None) -> set[str]:
    # By id, so events from a reloaded copy of the computation highlight too. One id or
    # one event given alone is refused, as event_types refuses one name: a string would
    # be taken letter by letter and highlight nothing, silently.
    if isinstance(highlight, str | Event):
        one = repr(highlight) if isinstance(highlight, str) else "event"
        what = "a string" if isinstance(highlight, str) else "one Event"
        raise TypeError(
            f"{caller}(): highlight must be a collection of events or event ids, not {what} "
            f"(write highlight=[{one}])"
        )
    if highlight is not None and not isinstance(highlight, Iterable):
        raise TypeError(
            f"{caller}(): highlight must be a collection of events or event ids, "
            f"got {brief_repr(highlight)}"
        )
    if not highlight:
        return set()
    return {item.id if isinstance(item, Event) else str(item) for item in highlight}


def _label(event: Event) -> str:
    """An event's node text in both drawings: name, source and id, one a line."""
    return "\n".join(part for part in (event.name, event.source, event.id) if part)


def _clip(text: str) -> str:
    return text if len(text) <= _TOOLTIP_CHARS else text[: _TOOLTIP_CHARS - 2] + ".."
