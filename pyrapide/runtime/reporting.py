"""The report stream of one System: subscribers, filtering by kind, ordered delivery."""

from __future__ import annotations

import traceback
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from pyrapide.runtime.notifications import NOTIFICATION_KINDS, Notification, SubscriberError

Callback = Callable[[Notification], Any]
N = TypeVar("N", bound=Notification)


class Reporter:
    """Delivers notifications to subscribers in ``seq`` order.

    A notification is built only when some subscriber wants its kind: callers
    pass the class and its fields, by keyword, to :meth:`publish`, which returns
    at once when nobody listens (a caller on a hot path first tests ``kind in
    reporter.wanted``, which spares it even the call). A notification published
    by a subscriber while it is being called (say, it injects an event) is queued
    behind the current one, so every subscriber sees the stream in the same order.
    """

    __slots__ = ("_by_kind", "_delivering", "_queue", "_seq", "_subscriptions", "errors")

    def __init__(self) -> None:
        self._subscriptions: list[tuple[Callback, frozenset[type] | None]] = []
        # Updated in place, so that ``wanted`` handed out earlier stays current.
        self._by_kind: dict[type, tuple[Callback, ...]] = {}
        self._queue: deque[Notification] = deque()
        self._delivering = False
        self._seq = 0
        self.errors: list[SubscriberError] = []

    def subscribe(
        self, callback: Callback, kinds: Iterable[type | str] | type | str | None = None
    ) -> Callable[[], None]:
        """Call ``callback(notification)`` for every notification of ``kinds``
        (classes or class names; None means all). Returns a function that
        unsubscribes. A callback that raises is unsubscribed and reported."""
        if not callable(callback):
            raise TypeError(f"subscribe() needs a callable, got {callback!r}")
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

    def wants(self, kind: type) -> bool:
        """True when some subscriber would receive a notification of ``kind``."""
        return kind in self._by_kind

    def publish(self, kind: type[N], /, *, keep: bool = False, **fields: Any) -> N | None:
        """Build ``kind(seq=..., **fields)`` and deliver it, if anybody listens.

        Returns the notification, or None when nobody listened; with ``keep``
        it is built (and returned) even then, for a caller that stores it.
        """
        if kind not in self._by_kind:
            if not keep:
                return None
            self._seq += 1
            return kind(seq=self._seq, **fields)
        self._seq += 1
        note = kind(seq=self._seq, **fields)
        self._deliver(note)
        return note

    def _deliver(self, note: Notification) -> None:
        self._queue.append(note)
        if self._delivering:
            return
        self._delivering = True
        try:
            while self._queue:
                note = self._queue.popleft()
                for callback in self._by_kind.get(type(note), ()):
                    try:
                        callback(note)
                    except Exception as exc:
                        self._drop(callback, exc)
        finally:
            self._delivering = False

    def _drop(self, callback: Callback, exc: Exception) -> None:
        self._subscriptions = [s for s in self._subscriptions if s[0] is not callback]
        self._rebuild()
        text = "".join(traceback.format_exception(exc))
        self._seq += 1
        note = SubscriberError(seq=self._seq, callback=callback, error=exc, traceback=text)
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
            raise ValueError(f"subscribe(kinds=...) got {kind!r}, not a notification kind")
