"""Who may observe whose events (communication scopes), and a causal context kept by hand."""

from __future__ import annotations

from collections.abc import Iterable

from pyrapide.core import Event

__all__ = ["CommunicationContext", "CommunicationScope"]


class CommunicationScope:
    """Which components may observe which: themselves, their children, and those linked.

    ``register_link(a, b)`` lets `a` and `b` observe each other;
    ``register_parent(parent, child)`` lets a containing architecture observe
    a component inside it (not the other way round).
    """

    def __init__(self) -> None:
        self._links: set[tuple[str, str]] = set()
        self._children: dict[str, set[str]] = {}

    def register_link(self, a: str, b: str) -> None:
        """Let `a` and `b` observe each other's events."""
        self._links.add((a, b))
        self._links.add((b, a))

    def register_parent(self, parent: str, child: str) -> None:
        """Let `parent` (an architecture) observe `child`, a component inside it."""
        self._children.setdefault(parent, set()).add(child)

    def can_observe(self, observer: str, target: str) -> bool:
        """Whether `observer` may see the events of `target`."""
        return (
            observer == target
            or target in self._children.get(observer, ())
            or (observer, target) in self._links
        )


class CommunicationContext:
    """The events a piece of code is currently acting on behalf of (its causes), as a stack."""

    def __init__(self, causes: Iterable[Event] | None = None) -> None:
        self._causes: list[Event] = list(causes) if causes else []

    @property
    def current_causes(self) -> list[Event]:
        """The causes, oldest first (the list itself: pushing through it is seen here)."""
        return self._causes

    def push_cause(self, event: Event) -> None:
        """Add `event` as the newest cause."""
        self._causes.append(event)

    def pop_cause(self) -> Event:
        """Remove and return the newest cause; IndexError when there is none."""
        if not self._causes:
            raise IndexError("pop_cause() from a communication context with no causes")
        return self._causes.pop()

    def fork(self) -> CommunicationContext:
        """An independent context with the same causes (changing one leaves the other)."""
        return CommunicationContext(self._causes)
