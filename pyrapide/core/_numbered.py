"""The ids a computation numbers itself ("e1", "e2", ...), found without a dict entry each.

A poset maps each id to its recording position.  A dict entry and an int object
cost about 60 bytes an event; but the ids ``Computation.new_event`` gives are
"e" and a counter, recorded one after another, so one run (first number, first
position, length) answers for all of them.  Looking an id of the run up parses
its number, which costs a few times a dict lookup; the ids recorded or looked up
last are remembered, since the events looked up are mostly the recent ones.
"""

from __future__ import annotations

from typing import Final

_RECENT: Final = 2048
"""How many ids of the run are remembered in each of two generations (the ids
recorded or looked up last): looking those up costs a dict lookup."""


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

    def extend(self, event_id: str, number: int, position: int) -> bool:
        """Take ``event_id``, "e<number>", recorded at ``position`` if it continues the run."""
        if number - self.first == self.length == position - self.start:
            self.length += 1
            self._remember(event_id, position)
            return True
        return False

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
        if type(event_id) is not str or event_id[:1] != "e":
            return None
        digits = event_id[1:]
        # "e" and a number as str(number) writes it: no sign, space, "_" or leading 0.
        if not (digits.isdigit() and digits.isascii()) or digits[0] == "0":
            return None
        offset = int(digits) - self.first
        if not 0 <= offset < self.length:
            return None
        position = self.start + offset
        self._remember(event_id, position)
        return position

    def positions(self) -> range:
        """The positions of the run's events."""
        return range(self.start, self.start + self.length)
