"""Views of a computation: a summary, terminal text, Graphviz DOT, Mermaid and JSON.

Each view takes ``max_events``, a bound on how many events it draws, so a view of a huge
computation stays small and quick; a view that left events out says so in its output
(how many of how many it shows). Events are drawn in causal order, first recorded first.
"""

from __future__ import annotations

import textwrap
from typing import Any

from pyrapide.analysis._escape import payload_text, plain
from pyrapide.analysis._graphs import to_dot, to_mermaid
from pyrapide.analysis._inputs import check_bound, poset_of
from pyrapide.analysis._selection import Selection, select
from pyrapide.core import Computation, Event, Poset
from pyrapide.core.printable import brief_repr
from pyrapide.core.values import json_safe

__all__ = ["summary", "to_ascii", "to_dot", "to_json", "to_mermaid"]

_TOP_NAMES = 10
_MIN_WIDTH = 40
_PAYLOAD_LINES = 2
_CAUSE_LINES = 2


def summary(computation: Computation | Poset, max_events: int | None = None) -> str:
    """Return a few lines of figures: events, causal links, depth, roots, leaves, names, sources.

    With ``max_events``, the figures cover the first ``max_events`` recorded events and the
    first line says so.
    """
    poset = poset_of(computation, "summary")
    check_bound(max_events, "summary")
    view = select(poset, max_events)
    roots = len(view.events) - len({effect for _, effect in view.links})
    leaves = len(view.events) - len({cause for cause, _ in view.links})
    depth = max(view.depth, default=0)
    lines = [
        f"Computation: {_count(len(view.events), 'event')}, "
        f"{_count(len(view.links), 'causal link')}, depth {depth}, "
        f"{_count(roots, 'root')}, {_count(leaves, 'leaf', 'leaves')}"
    ]
    if view.truncated:
        lines.append(f"({view.note()})")
    lines += _top_counts("Event names", (e.name for e in view.events), "")
    lines += _top_counts("Sources", (e.source for e in view.events), "(no source)")
    return "\n".join(lines)


def _count(number: int, singular: str, plural: str = "") -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def _top_counts(title: str, keys: Any, blank: str) -> list[str]:
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return []
    # Most frequent first; equal counts keep first-recorded order (sorted is stable).
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    lines = [f"{title} ({len(counts)} distinct):"]
    lines += [f"  {plain(key) if key else blank}: {count}" for key, count in ranked[:_TOP_NAMES]]
    if len(ranked) > _TOP_NAMES:
        lines.append(f"  ... {len(ranked) - _TOP_NAMES} more")
    return lines


def to_ascii(
    computation: Computation | Poset, max_width: int = 80, max_events: int | None = 200
) -> str:
    """Return the computation as terminal text, no line longer than ``max_width``.

    One entry per event in causal order, indented by causal depth: its id, name and
    ``@source``, its payload as ``key=value`` (wrapped, then cut short with ``..``), and
    ``<- ids`` of its causes. Ids longer than 12 characters are shortened to a prefix that
    still tells the shown events apart. Non-ASCII and control characters are escaped.
    """
    poset = poset_of(computation, "to_ascii")
    check_bound(max_events, "to_ascii")
    if isinstance(max_width, bool) or not isinstance(max_width, int) or max_width < _MIN_WIDTH:
        raise ValueError(
            f"to_ascii(): max_width must be an integer of at least {_MIN_WIDTH}, "
            f"got {brief_repr(max_width)}"
        )
    view = select(poset, max_events)
    if not view.events:
        return "(empty computation)"
    header = f"Computation: {_count(view.size, 'event')}"
    if view.truncated:
        header += f" ({view.note()})"
    lines = _wrap(header, max_width, "", "  ")
    labels = _short_ids(view.events)
    for index in range(len(view.events)):
        lines += _ascii_entry(index, view, labels, max_width)
    if view.truncated:
        hidden = view.eligible - len(view.events)
        more = f"... {_count(hidden, 'more event')} not shown ({view.note()})"
        lines += _wrap(more, max_width, "", "    ")
    return "\n".join(lines)


def _ascii_entry(index: int, view: Selection, labels: dict[str, str], width: int) -> list[str]:
    event = view.events[index]
    # Indentation shows depth but is capped, so deep chains keep room for their text.
    indent = "  " * min(view.depth[index], width // 10)
    head = f"{labels[event.id]}  {plain(event.name)}"
    if event.source:
        head += f" @{plain(event.source)}"
    payload = payload_text(event.payload) if event.payload else ""
    causes = [labels.get(c.id) or _short(c.id) for c in view.causes[index]]
    cause_text = "<- " + ", ".join(causes) if causes else ""
    one_line = "  ".join(part for part in (indent + head, payload, cause_text) if part)
    if len(one_line) <= width:
        return [one_line]
    more = indent + "    "
    lines = [_fit(indent + head, width)]
    if payload:
        lines += _wrap(payload, width, more, more, max_lines=_PAYLOAD_LINES)
    if causes:
        lines += _cause_lines(causes, width, more)
    return lines


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 2] + ".."


def _cause_lines(labels: list[str], width: int, indent: str) -> list[str]:
    """``<- a, b, ...`` over at most _CAUSE_LINES lines, ending ``(+N more)`` if cut short."""
    lines: list[str] = []
    line = fresh = indent + "<-"
    label_room = max(8, width - len(indent) - 20)
    for index, label in enumerate(labels):
        piece = " " + _fit(label, label_room) + ("," if index < len(labels) - 1 else "")
        remaining = len(labels) - index - 1
        while True:
            last_line = len(lines) == _CAUSE_LINES - 1
            reserve = len(f" (+{remaining} more)") if last_line and remaining else 0
            if len(line) + len(piece) + reserve <= width:
                line += piece
                break
            if last_line or line == fresh:
                lines.append(f"{line} (+{len(labels) - index} more)")
                return lines
            lines.append(line)
            line = fresh = indent + "  "
    lines.append(line)
    return lines


def _wrap(text: str, width: int, first: str, rest: str, max_lines: int | None = None) -> list[str]:
    """Wrap ``text``; past ``max_lines`` lines, cut the last one short with ``..``."""
    if max_lines is not None:
        text = text[: max_lines * width + 1]  # a huge payload costs no more than a page
    lines = textwrap.wrap(
        text, width, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
    )
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _fit(lines[-1] + "..", width)
    return lines


def _short(event_id: str, length: int = 8) -> str:
    if len(event_id) <= max(12, length + 2):
        return plain(event_id)
    return plain(event_id[:length]) + ".."


def _short_ids(events: list[Event]) -> dict[str, str]:
    """Shorten long ids to the shortest prefix (8 characters or more) that stays unique.

    In sorted order an id shares its longest prefix with a neighbour, so one more
    character than that tells it from every other shown id.
    """
    ids = sorted(event.id for event in events)
    needed: dict[str, int] = {}
    for index, event_id in enumerate(ids):
        shared = 0
        for neighbour in ids[max(index - 1, 0) : index + 2]:
            if neighbour is not event_id:
                shared = max(shared, _common_prefix(event_id, neighbour))
        needed[event_id] = max(8, shared + 1)
    return {event_id: _short(event_id, length) for event_id, length in needed.items()}


def _common_prefix(first: str, second: str) -> int:
    length = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        length += 1
    return length


def to_json(computation: Computation | Poset, max_events: int | None = None) -> dict[str, Any]:
    """Return the computation as plain JSON data (``json.dumps`` always accepts it).

    ``{"events": [...], "edges": [{"from": id, "to": id}], "metadata": {...}}``; each event
    has id, name, payload, source, timestamp and metadata, with any value JSON cannot hold
    written as its repr. Metadata holds ``event_count``, ``edge_count`` and
    ``causal_depth`` of what is listed, and ``truncated``, ``total_events`` and (when
    truncated) a ``note`` saying how many of how many events are listed.
    """
    poset = poset_of(computation, "to_json")
    check_bound(max_events, "to_json")
    view = select(poset, max_events)
    metadata: dict[str, Any] = {
        "event_count": len(view.events),
        "edge_count": len(view.links),
        "causal_depth": max(view.depth, default=0),
        "truncated": view.truncated,
        "total_events": view.size,
    }
    if view.truncated:
        metadata["note"] = view.note()
    return {
        "events": [
            {
                "id": event.id,
                "name": event.name,
                "payload": json_safe(event.payload),
                "source": event.source,
                "timestamp": json_safe(event.timestamp),
                "metadata": json_safe(event.metadata),
            }
            for event in view.events
        ],
        "edges": [
            {"from": view.events[cause].id, "to": view.events[effect].id}
            for cause, effect in view.links
        ],
        "metadata": metadata,
    }
