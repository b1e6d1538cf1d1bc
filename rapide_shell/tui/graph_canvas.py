"""The character canvas a connection graph is drawn on: lines per kind, corners,
boxes, arrowheads, and labels written only where no line is, without Textual."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from rapide_shell.render import look, terminal_cells
from rapide_shell.tui.graph_model import GraphEdge

_CORNER_SLOT = {("up", "right"): 2, ("up", "left"): 3, ("down", "right"): 4, ("down", "left"): 5}

#: A cell's role: ("box", component), ("interface", component), ("edge", index, kind),
#: ("label", index, kind), ("count", index, kind) or None for blank space.
Role = tuple | None
Cell = tuple[str, Role]
BLANK: Cell = (" ", None)


class Canvas:
    """The cells being drawn, with the rules for lines, corners, arrows and labels."""

    def __init__(self, width: int, height: int) -> None:
        self.rows: list[list[Cell]] = [[BLANK] * width for _ in range(height)]
        """The cells, ``height`` rows of ``width``."""
        self.crossings = 0
        """How many cells of one edge's line were drawn over another edge's line."""
        self.far_labels = 0
        """How many labels had to go further along their track's row, past other lines,
        rather than right beside the track or inside it."""

    def put(self, x: int, y: int, ch: str, role: Role) -> None:
        """Sets one cell (the last write wins)."""
        self.rows[y][x] = (ch, role)

    def box(self, left: int, top: int, width: int, height: int, name: str, interface: str) -> None:
        """A box with the component's name and, if the box is tall enough, interface."""
        role = ("box", name)
        right, bottom = left + width - 1, top + height - 1
        for x in range(left + 1, right):
            self.put(x, top, "─", role)
            self.put(x, bottom, "─", role)
        for y in range(top + 1, bottom):
            self.put(left, y, "│", role)
            self.put(right, y, "│", role)
        for x, y, ch in ((left, top, "┌"), (right, top, "┐"), (left, bottom, "└"),
                         (right, bottom, "┘")):
            self.put(x, y, ch, role)
        lines = [(name, role)]
        if height == 4 and interface:
            lines.append((interface, ("interface", name)))
        for y, (text, text_role) in enumerate(lines, start=top + 1):
            cells = terminal_cells(text)  # a wide character takes two cells of the grid
            start = left + (width - len(cells)) // 2
            for i, ch in enumerate(cells):
                self.put(start + i, y, ch, text_role)

    def lines(self, edges: Sequence[GraphEdge], paths: dict[int, list[tuple[int, int]]]) -> None:
        """Draws every path: horizontals, then verticals over them (a leg passes over
        the tracks it crosses), then corners, box joints and arrowheads over all."""
        for vertical in (False, True):
            for k, points in paths.items():
                edge = edges[k]
                role = ("edge", edge.index, edge.kind)
                glyph = look(edge.kind).lines[1 if vertical else 0]
                for (x1, y1), (x2, y2) in itertools.pairwise(points):
                    if (x1 == x2) != vertical:
                        continue
                    if vertical:
                        cells = [(x1, y) for y in range(min(y1, y2) + 1, max(y1, y2))]
                    else:
                        cells = [(x, y1) for x in range(min(x1, x2) + 1, max(x1, x2))]
                    for x, y in cells:
                        if self.rows[y][x][1] not in (None, role):
                            self.crossings += 1
                        self.put(x, y, glyph, role)
        for k, points in paths.items():
            edge = edges[k]
            role = ("edge", edge.index, edge.kind)
            glyphs = look(edge.kind).lines
            for before, (x, y), after in zip(points, points[1:], points[2:], strict=False):
                directions = {_direction((x, y), before), _direction((x, y), after)}
                up_or_down = "up" if "up" in directions else "down"
                left_or_right = "left" if "left" in directions else "right"
                self.put(x, y, glyphs[_CORNER_SLOT[(up_or_down, left_or_right)]], role)
            (sx, sy), (tx, ty), last_corner_y = points[0], points[-1], points[-2][1]
            self.put(sx, sy, "┬", role)
            if ty > last_corner_y:  # into the top of a box below
                self.put(tx, ty, "┬", role)
                self.put(tx, ty - 1, "▼", role)
            else:
                self.put(tx, ty, "┴", role)
                self.put(tx, ty + 1, "▲", role)
            (hx, hy), (ex, _) = points[-3], points[-2]
            if abs(ex - hx) >= 3:  # room for an arrow on the last track, too
                self.put(ex - 1 if ex > hx else ex + 1, hy, "▶" if ex > hx else "◀", role)

    def _free(self, y: int, start: int, length: int) -> bool:
        row = self.rows[y]
        return start >= 0 and all(
            role is None for _, role in row[start : min(start + length, len(row))]
        )

    def place_label(
        self, edge: GraphEdge, label: list[Cell], tracks: list[tuple[int, int, int]],
        track_y: dict[tuple[int, int, int], int], max_width: int | None,
    ) -> bool:
        """Writes ``label`` on the row of the first of ``tracks`` that has room for it;
        False if none has (see :meth:`_spot` for where it may go)."""
        for track in tracks:
            start = self._spot(edge, track_y[track], track, len(label), max_width)
            if start is not None:
                for i, cell in enumerate(label):
                    self.put(start + i, track_y[track], *cell)
                low, high = min(track[1:]), max(track[1:])
                if not (start == high + 2 or low < start < high or start + len(label) == low - 1):
                    self.far_labels += 1
                return True
        return False

    def _spot(
        self, edge: GraphEdge, y: int, track: tuple[int, int, int], length: int,
        max_width: int | None,
    ) -> int | None:
        """Where text of ``length`` goes on row ``y`` of ``track``, on blank cells only
        (never over a line): right of the track within ``max_width``, else inside it
        over its own line, else left of it, else further along the row past other lines
        (still on the track's own row, so still read with it); None if nowhere."""
        low, high = min(track[1:]), max(track[1:])
        last = len(self.rows[y]) if max_width is None else min(max_width, len(self.rows[y]))
        if high + 2 + length <= last and self._free(y, high + 1, length + 1):
            return high + 2
        own_role, own_line = ("edge", edge.index, edge.kind), look(edge.kind).lines[0]
        run = 0
        for x in range(low + 1, high):
            ch, role = self.rows[y][x]
            run = run + 1 if ch == own_line and role == own_role else 0
            if run >= length + 2:  # one line character kept on each side of the text
                return x - length
        if self._free(y, low - 1 - length, length + 1):
            return low - 1 - length
        further = itertools.chain(range(high + 2, last - length), range(low - 3 - length, -1, -1))
        # x is the blank kept before the text.
        return next((x + 1 for x in further if self._free(y, x, length + 1)), None)

    def tag(
        self, edge: GraphEdge, track: tuple[int, int, int],
        track_y: dict[tuple[int, int, int], int], max_width: int | None,
    ) -> list[Cell]:
        """Tags ``track`` with ``[index]`` for a label written in the legend; returns the
        tag. A footnote mark, not "#1": the queue beside the graph names dispatches so."""
        tag: list[Cell] = [(ch, ("label", edge.index, edge.kind)) for ch in f"[{edge.index}]"]
        y = track_y[track]
        start = self._spot(edge, y, track, len(tag), max_width)
        if start is None:
            # A row full of lines: after the last of them, past max_width if need be.
            row = self.rows[y]
            start = 2 + max(x for x, (_, role) in enumerate(row) if role is not None)
            row.extend([BLANK] * (start + len(tag) - len(row)))
        for i, cell in enumerate(tag):
            self.put(start + i, y, *cell)
        return tag

    def used_width(self, at_least: int) -> int:
        """The width up to the last drawn cell of any row."""
        used = at_least
        for row in self.rows:
            for x in range(len(row) - 1, used - 1, -1):
                if row[x][1] is not None:
                    used = x + 1
                    break
        return used


def _direction(origin: tuple[int, int], toward: tuple[int, int]) -> str:
    (x, y), (tx, ty) = origin, toward
    if tx == x:
        return "up" if ty < y else "down"
    return "left" if tx < x else "right"
