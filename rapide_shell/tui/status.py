"""The status line: what matters most kept whole, the rest left out when room runs short."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text

SEPARATOR = " · "


@dataclass(frozen=True)
class StatusPart:
    """One piece of the status line: its text and how much it matters (lower numbers
    are dropped last). ``joined`` is False for a piece that stands apart (the state
    badge) rather than after a separator."""

    text: Text
    rank: int
    joined: bool = True


def fit_status(parts: Sequence[StatusPart], width: int) -> Text:
    """The parts, in their order, as one line of at most ``width`` cells: pieces are
    left out whole, least important first, never cut mid-word; one that fits alone is
    cut with an ellipsis only when nothing else is left."""
    kept = list(parts)
    while len(kept) > 1 and _joined(kept).cell_len > width:
        least = max(kept, key=lambda part: part.rank)
        kept.remove(least)
    line = _joined(kept)
    if line.cell_len > width:
        line.truncate(width, overflow="ellipsis")
    return line


def _joined(parts: Sequence[StatusPart]) -> Text:
    line = Text()
    previous_joined = False
    for part in parts:
        if part.joined and previous_joined:
            line.append(SEPARATOR)
        elif line and not (line.plain.endswith(" ") and part.text.plain.startswith(" ")):
            line.append(" ")  # two padded pieces side by side (the name, the state) need none
        line.append_text(part.text)
        previous_joined = part.joined
    return line
