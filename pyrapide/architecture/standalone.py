"""Connections and bindings used by hand, outside any System (PyRapide 0.3.0's standalone API).

`connect`, `pipe` and `agent` return a `BasicConnection`, `PipeConnection` or
`AgentConnection`: in an architecture they are plain routing rules that the
System delivers; on their own they can also be fired by a program that feeds
them events, with a callable target (the *handler*), called as
``handler(match, computation)`` or ``handler(match)``::

    conn = agent(Pattern.match("task.assigned"), lambda match, comp: print(match.payload))
    task = await conn.dispatch(event, computation)     # an asyncio.Task

`bind(interface_obj, module_class)` checks a module against an interface on
its own and records the pair.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Final

from pyrapide.architecture.connections import Connection, target_label
from pyrapide.core import Event
from pyrapide.core.printable import brief_repr
from pyrapide.patterns import Pattern, PatternMatch, parse_pattern
from pyrapide.patterns.completion import CompletionFinder
from pyrapide.types import conformance_problems, is_interface
from pyrapide.types.interface import class_label

if TYPE_CHECKING:
    import asyncio

__all__ = [
    "AgentConnection",
    "BasicConnection",
    "Binding",
    "ConnectionManager",
    "PipeConnection",
    "bind",
]

# Attributes of a hand-fired connection that may change; its fields may not.
_MUTABLE: Final = frozenset({"active", "_finder", "_queue", "_consumer", "_errors"})
_STOP: Final = object()  # ends a pipe's consumer


def call_handler(handler: Callable[..., Any], match: PatternMatch, computation: Any) -> Any:
    """Call `handler` as ``handler(match, computation)`` if it takes two arguments, else
    ``handler(match)``; returns what it returns (a coroutine, for an async handler)."""
    try:
        inspect.signature(handler).bind(match, computation)
    except TypeError:
        return handler(match)
    except ValueError:  # a builtin without a readable signature: the documented form
        pass
    return handler(match, computation)


class _HandFired(Connection):
    """What the three kinds share when fired by hand: a handler, `active`, matching."""

    __slots__ = ("_finder", "active")
    connection_kind: ClassVar[str] = ""

    def __init__(
        self,
        source_pattern: Any = None,
        handler: Any = None,
        *,
        kind: str | None = None,
        pattern: Any = None,
        target: Any = None,
        index: int | None = None,
        scope: str = "",
    ) -> None:
        chosen_pattern = source_pattern if pattern is None else pattern
        chosen_target = handler if target is None else target
        name = type(self).__name__
        if isinstance(chosen_pattern, str):
            chosen_pattern = parse_pattern(chosen_pattern)
        if not isinstance(chosen_pattern, Pattern):
            raise TypeError(
                f"{name} needs a Pattern (or pattern text), got {brief_repr(chosen_pattern)}"
            )
        if chosen_target is None:
            raise TypeError(f"{name} needs a target: a component's name or a callable handler")
        Connection.__init__(
            self,
            self.connection_kind,  # type: ignore[arg-type]
            chosen_pattern,
            chosen_target,
            index,
            scope,
        )
        self.active = True
        self._finder: CompletionFinder | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in _MUTABLE:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        object.__setattr__(self, name, value)

    def _handler(self) -> Callable[..., Any]:
        if not callable(self.target) or isinstance(self.target, str):
            raise TypeError(
                f"{self!r} targets component {self.target_label!r}: only a System delivers "
                "to components; to fire a connection by hand, give it a callable handler"
            )
        return self.target  # type: ignore[no-any-return]

    def matches_of(self, event: Event, computation: Any = None) -> list[PatternMatch]:
        """The matches of this connection's pattern that `event` completes.

        With a computation holding `event`, a composite pattern (`A >> B`) is
        matched over everything recorded up to it; otherwise over `event` alone.
        """
        if self._finder is None:
            self._finder = CompletionFinder(self.pattern)
        return self._finder.completed_by(event, computation)


class BasicConnection(_HandFired, kind="connect"):
    """A synchronous (`connect`) connection; by hand, `fire` calls its handler at once."""

    __slots__ = ()
    connection_kind = "connect"

    def fire(self, match: PatternMatch, computation: Any = None) -> Any:
        """Call the handler with `match` (and `computation`); return what it returns."""
        return call_handler(self._handler(), match, computation)


class PipeConnection(_HandFired, kind="pipe"):
    """A FIFO (`pipe`) connection; by hand, matches queue up and one task handles them in order.

    ``await start()`` starts the task, ``await enqueue(event, computation)``
    queues the matches `event` completes, ``await drain()`` waits until all
    queued ones are handled, ``await stop()`` handles what is queued, then
    stops. A handler that raises does not stop the pipe: ``drain`` and
    ``stop`` raise the first such error once the queue is empty.
    """

    __slots__ = ("_consumer", "_errors", "_queue")
    connection_kind = "pipe"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queue: asyncio.Queue[Any] | None = None
        self._consumer: asyncio.Task[None] | None = None
        self._errors: list[BaseException] = []

    def _pending(self) -> asyncio.Queue[Any]:
        # asyncio is imported by the first pipe fired by hand, not by every
        # architecture file that declares a connection.
        import asyncio

        if self._queue is None:
            self._queue = asyncio.Queue()
        return self._queue

    async def start(self) -> None:
        """Start handling queued matches, one at a time (does nothing if started)."""
        import asyncio

        if self._consumer is None or self._consumer.done():
            self._consumer = asyncio.create_task(self._consume())

    async def enqueue(self, event: Event, computation: Any = None) -> None:
        """Queue the matches `event` completes (see `matches_of`); nothing while the
        pipe is switched off (``active = False``)."""
        self._handler()
        if not self.active:
            return
        for found in self.matches_of(event, computation):
            self._pending().put_nowait((found, computation))

    async def drain(self) -> None:
        """Wait until every queued match has been handled (the pipe must be started).

        Raises RuntimeError, rather than waiting for ever, when matches are queued
        and the pipe was not started (or was stopped since).
        """
        queue = self._pending()
        if queue.qsize() and (self._consumer is None or self._consumer.done()):
            raise RuntimeError(
                f"drain(): {self!r} is not started, so its {queue.qsize()} queued "
                "match(es) would never be handled; await start() first"
            )
        await queue.join()
        self._raise_errors()

    async def stop(self) -> None:
        """Handle what is queued, then stop the task (started for them if it was not)."""
        if self._consumer is None and self._pending().qsize():
            await self.start()
        if self._consumer is not None:
            self._pending().put_nowait(_STOP)
            await self._consumer
            self._consumer = None
        self._raise_errors()

    def _raise_errors(self) -> None:
        if self._errors:
            error, self._errors = self._errors[0], []
            error.add_note(f"in the handler of {self!r}")
            raise error

    async def _consume(self) -> None:
        queue = self._pending()
        while True:
            item = await queue.get()
            try:
                if item is _STOP:
                    return
                found, computation = item
                result = call_handler(self._handler(), found, computation)
                if inspect.isawaitable(result):
                    await result
            except Exception as error:  # the pipe goes on; drain/stop report it
                self._errors.append(error)
            finally:
                queue.task_done()


class AgentConnection(_HandFired, kind="agent"):
    """An independent (`agent`) connection; by hand, each dispatch is its own asyncio task."""

    __slots__ = ()
    connection_kind = "agent"

    async def dispatch(self, event: Event, computation: Any = None) -> asyncio.Task[None]:
        """Start a task that calls the handler for each match `event` completes; return it.

        Await the task for the handler to finish (and for its error, if any). While the
        connection is switched off (``active = False``) the task calls nothing.
        """
        import asyncio

        handler = self._handler()
        matches = self.matches_of(event, computation) if self.active else []

        async def handle() -> None:
            for found in matches:
                result = call_handler(handler, found, computation)
                if inspect.isawaitable(result):
                    await result

        return asyncio.create_task(handle())


class ConnectionManager:
    """The connections of a hand-driven program; `process_event` fires the synchronous ones."""

    def __init__(self) -> None:
        self._connections: list[Connection] = []

    def add_connection(self, connection: Connection) -> None:
        """Add `connection` (made by `connect`, `pipe` or `agent`)."""
        if not isinstance(connection, Connection):
            raise TypeError(f"add_connection takes a connection, got {brief_repr(connection)}")
        self._connections.append(connection)

    @property
    def connections(self) -> list[Connection]:
        """The connections added, in order."""
        return list(self._connections)

    def process_event(self, event: Event, computation: Any = None) -> list[Any]:
        """Fire every active `connect` connection for each match `event` completes.

        Pipes and agents are driven by their own `enqueue` and `dispatch`.
        Returns the handlers' results, in order (coroutines, for async ones).
        """
        results = []
        for connection in self._connections:
            if isinstance(connection, BasicConnection) and connection.active:
                for found in connection.matches_of(event, computation):
                    results.append(connection.fire(found, computation))
        return results

    def __repr__(self) -> str:
        targets = ", ".join(target_label(c.target) for c in self._connections)
        return f"<ConnectionManager [{targets}]>"


@dataclasses.dataclass(frozen=True)
class Binding:
    """A module class checked against, and bound to, an interface object."""

    interface_instance: Any
    module_class: type


def bind(interface_obj: Any, module_class: type) -> Binding:
    """Bind `module_class` to `interface_obj` (an interface, or an instance of one).

    Raises TypeError naming every method the module lacks (or cannot be called
    as the interface requires) when it does not conform.
    """
    interface_class = interface_obj if isinstance(interface_obj, type) else type(interface_obj)
    if not is_interface(interface_class):
        raise TypeError(
            f"bind() needs an interface (or an instance of one), got {brief_repr(interface_obj)}"
        )
    if not isinstance(module_class, type):
        raise TypeError(f"bind() needs a module class, got {brief_repr(module_class)}")
    problems = conformance_problems(module_class, interface_class)
    if problems:
        raise TypeError(
            f"{class_label(module_class)} does not conform to {class_label(interface_class)}: "
            + "; ".join(problems)
        )
    return Binding(interface_instance=interface_obj, module_class=module_class)
