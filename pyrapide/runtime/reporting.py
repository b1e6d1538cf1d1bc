"""The report stream of one System: subscribers, filtering by kind, ordered delivery."""

from __future__ import annotations

import itertools
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from pyrapide.core.interrupts import contained
from pyrapide.core.printable import brief_repr
from pyrapide.runtime.notifications import NOTIFICATION_KINDS, Notification, SubscriberError

Callback = Callable[[Notification], Any]
N = TypeVar("N", bound=Notification)


class Reporter:
    """Delivers notifications to subscribers in ``seq`` order.

    A notification is built only when some subscriber wants its kind: a caller
    tests ``kind in reporter.wanted`` (a live view), then builds the notification
    with keywords, ``seq=reporter.next_seq()`` first, so that a type checker sees
    every field, and gives it to :meth:`publish`. A notification published by a
    subscriber while it is being called (say, it injects an event) is queued
    behind the current one, so every subscriber sees the stream in the same order.
    """

    __slots__ = ("_by_kind", "_delivering", "_queue", "_subscriptions", "errors", "next_seq")

    def __init__(self) -> None:
        self._subscriptions: list[tuple[Callback, frozenset[type] | None]] = []
        # Updated in place, so that ``wanted`` handed out earlier stays current.
        self._by_kind: dict[type, tuple[Callback, ...]] = {}
        self._queue: deque[Notification] = deque()
        self._delivering = False
        self.next_seq: Callable[[], int] = itertools.count(1).__next__
        """The ``seq`` of the notification about to be built (each is used once)."""
        self.errors: list[SubscriberError] = []

    def subscribe(
        self, callback: Callback, kinds: Iterable[type | str] | type | str | None = None
    ) -> Callable[[], None]:
        """Call ``callback(notification)`` for every notification of ``kinds``
        (classes or class names; None means all). Returns a function that
        unsubscribes. A callback that raises is unsubscribed and reported."""
        if not callable(callback):
            raise TypeError(f"subscribe() needs a callable, got {brief_repr(callback)}")
        wanted = None if kinds is None else frozenset(_kind_classes(kinds))
        entry = (callback, wanted)
        self._subscriptions.append(entry)
        self._rebuild()

        def unsubscribe() -> None:
            if entry in self._subscriptions:
                self._subscriptions.remove(entry)
                self._rebuild()

        return unsubscribe

    @property
    def wanted(self) -> Mapping[type, tuple[Callback, ...]]:
        """The notification kinds somebody listens to (a live, read-only view)."""
        return self._by_kind

    @property
    def delivering(self) -> bool:
        """True while a notification is being handed to the subscribers."""
        return self._delivering

    def wants(self, kind: type) -> bool:
        """True when some subscriber would receive a notification of ``kind``."""
        return kind in self._by_kind

    def publish(self, note: N) -> N:
        """Deliver ``note`` to the subscribers of its kind (if any), in order; return it."""
        if type(note) not in self._by_kind:
            return note
        self._queue.append(note)
        if self._delivering:
            return note
        self._delivering = True
        try:
            while self._queue:
                queued = self._queue.popleft()
                for callback in self._by_kind.get(type(queued), ()):
                    try:
                        callback(queued)
                    except BaseException as exc:  # SystemExit and the like too
                        if not contained(exc):
                            raise  # the user's Ctrl-C
                        self._drop(callback, exc)
        finally:
            self._delivering = False
        return note

    def _drop(self, callback: Callback, exc: BaseException) -> None:
        self._subscriptions = [s for s in self._subscriptions if s[0] is not callback]
        self._rebuild()
        text = "".join(traceback.format_exception(exc))
        note = SubscriberError(seq=self.next_seq(), callback=callback, error=exc, traceback=text)
        self.errors.append(note)
        if SubscriberError in self._by_kind:
            self._queue.append(note)

    def _rebuild(self) -> None:
        by_kind: dict[type, list[Callback]] = {}
        for callback, wanted in self._subscriptions:
            for kind in NOTIFICATION_KINDS.values():
                # A kind's subclasses come too: asking for HandlerError gets GuardError.
                if wanted is None or issubclass(kind, tuple(wanted)):
                    by_kind.setdefault(kind, []).append(callback)
        self._by_kind.clear()
        self._by_kind.update((kind, tuple(callbacks)) for kind, callbacks in by_kind.items())


def _kind_classes(kinds: Iterable[type | str] | type | str) -> Iterable[type]:
    if isinstance(kinds, (str, type)):
        kinds = [kinds]
    elif not isinstance(kinds, Iterable):
        raise ValueError(
            f"subscribe(kinds=...) got {brief_repr(kinds)}, not a notification kind "
            "(a class or its name) or a list of them"
        )
    for kind in kinds:
        if isinstance(kind, str):
            try:
                yield NOTIFICATION_KINDS[kind]
            except KeyError:
                known = ", ".join(NOTIFICATION_KINDS)
                raise ValueError(f"unknown notification kind {kind!r}; known: {known}") from None
        elif isinstance(kind, type) and kind.__name__ in NOTIFICATION_KINDS:
            yield kind
        else:
            raise ValueError(
                f"subscribe(kinds=...) got {brief_repr(kind)}, not a notification kind"
            )
