"""The ids a computation numbers itself ("e1", "e2", ...), found without a dict entry each.

A poset maps each id to its recording position.  A dict entry and an int object
cost about 60 bytes an event; but the ids ``Computation.new_event`` gives are
"e" and a counter, recorded one after another, so one run (first number, first
position, length) answers for all of them.  Looking an id of the run up parses
its number, which costs a few times a dict lookup; the ids looked up last are
remembered, since the events looked up are mostly the recent ones. (Recording an
id does not remember it: that would hash and store every id, looked up or not.)
"""

from __future__ import annotations

from typing import Final

_RECENT: Final = 2048
"""How many ids of the run are remembered in each of two generations (the ids
looked up last): looking those up again costs a dict lookup."""


def id_number(event_id: str) -> int:
    """N for an id "eN" as the counter writes it ("e" and ``str(N)``: no sign, space,
    "_" or leading 0), else 0."""
    digits = event_id[1:]
    if event_id[:1] == "e" and digits.isdigit() and digits.isascii() and digits[:1] != "0":
        try:
            return int(digits)
        except ValueError:  # more digits than Python reads: no counter gets there
            return 0
    return 0


class NumberedRun:
    """Ids "e<first>" ... "e<first + length - 1>" at positions start ... start + length - 1."""

    __slots__ = ("first", "length", "older", "recent", "start")

    def __init__(self, first: int, start: int) -> None:
        self.first = first
        self.start = start
        self.length = 0
        self.recent: dict[str, int] = {}
        self.older: dict[str, int] = {}

    def covers(self, number: int) -> bool:
        """Whether "e<number>" is an id of the run."""
        return 0 <= number - self.first < self.length

    def _remember(self, event_id: str, position: int) -> None:
        recent = self.recent
        if len(recent) >= _RECENT:
            recent = self.rotate()
        recent[event_id] = position

    def rotate(self) -> dict[str, int]:
        """Make the remembered ids the older generation; return the new, empty one."""
        self.older = self.recent
        self.recent = {}
        return self.recent

    def find(self, event_id: object) -> int | None:
        """The position of ``event_id`` if it is an id of the run, else None."""
        position = self.recent.get(event_id)  # type: ignore[call-overload]
        if position is None:
            position = self.older.get(event_id)  # type: ignore[call-overload]
        if position is not None:
            return position
        if type(event_id) is not str:
            return None
        position = self.numbered(event_id)
        if position is not None:
            self._remember(event_id, position)
        return position

    def numbered(self, event_id: str) -> int | None:
        """The position the number of ``event_id`` gives, if it is an id of the run;
        nothing is remembered."""
        offset = id_number(event_id) - self.first
        return self.start + offset if 0 <= offset < self.length else None

    def positions(self) -> range:
        """The positions of the run's events."""
        return range(self.start, self.start + self.length)
