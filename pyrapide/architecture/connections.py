"""Connections: which events reach which component, and with what dispatch semantics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any, ClassVar, Final

from pyrapide.core.printable import described
from pyrapide.patterns import Pattern, parse_pattern


class Delivery(Enum):
    """How the deliveries of a kind of connection are scheduled: the runtime's queue policy."""

    CALL = "call"
    """The emitter waits: a delivery runs at once, before anything else, depth first."""
    FIFO = "fifo"
    """The emitter goes on: one delivery at a time per connection, in recording order."""
    INDEPENDENT = "independent"
    """The emitter goes on: each delivery is its own task, in no promised order."""


class ConnectionKind(StrEnum):
    """The kinds of connection: the one list every layer reads.

    A member is its name as a string (``ConnectionKind.PIPE == "pipe"``), so it
    prints, compares and serialises as the name users write. ``delivery`` is how
    the runtime queues its deliveries; ``legacy_name`` is what PyRapide 0.3.0
    calls it. The workbench draws each kind from its own table, which a test
    checks covers every member.
    """

    delivery: Delivery
    legacy_name: str

    def __new__(cls, name: str, delivery: Delivery, legacy_name: str) -> ConnectionKind:
        member = str.__new__(cls, name)
        member._value_ = name
        member.delivery = delivery
        member.legacy_name = legacy_name
        return member

    CONNECT = "connect", Delivery.CALL, "basic"
    PIPE = "pipe", Delivery.FIFO, "pipe"
    AGENT = "agent", Delivery.INDEPENDENT, "agent"

    @classmethod
    def named(cls, name: str) -> ConnectionKind:
        """The kind called ``name`` ("pipe"); ValueError naming the kinds if none is."""
        for member in cls:
            if member.value == name:
                return member
        raise ValueError(f"unknown connection kind {name!r}; one of {', '.join(cls)}")


@dataclass(frozen=True, slots=True, eq=False)
class Connection:
    """One routing rule: events matching `pattern` are delivered to `target`.

    `kind` is a ConnectionKind: `"connect"` (the emitter waits for the
    delivery), `"pipe"` (FIFO, the emitter goes on) or `"agent"` (an
    independent delivery). As written in
    a class body, `target` is what the user gave: a component's interface, a
    component's name or a callable, and `index` is None. The copies an
    `@architecture` keeps (`MySystem.connections_list`) have `target` resolved
    to a component name (or the callable) and `index`, their position in the
    architecture. Connections compare by identity.

    In a system whose components include architectures (see
    :mod:`pyrapide.architecture.hierarchy`), the connections of a nested one are
    copies with ``scope``, the path of the component it is (``"payments"``),
    ``target`` the path of the component they deliver to (``"payments.ledger"``)
    and ``index`` numbered on from the outer architecture's. ``scope`` is ""
    for the connections of the outermost architecture.
    """

    kind: ConnectionKind
    pattern: Pattern
    target: Any
    index: int | None = None
    scope: str = ""

    # The class `connect`, `pipe` and `agent` make for each kind: a subclass names
    # its kind (`class AgentConnection(Connection, kind="agent")`) to be used.
    kind_classes: ClassVar[dict[ConnectionKind, type[Connection]]] = {}

    def __post_init__(self) -> None:
        # A kind given by its name ("pipe") is the ConnectionKind of that name.
        if not isinstance(self.kind, ConnectionKind):
            object.__setattr__(self, "kind", ConnectionKind.named(self.kind))

    def __init_subclass__(cls, /, kind: str | None = None) -> None:
        # No zero-argument super() here: slots=True makes a new class, so the
        # `__class__` cell would name the one it replaced.
        if kind is not None:
            Connection.kind_classes[ConnectionKind.named(kind)] = cls

    @property
    def targets_component(self) -> bool:
        """Whether the (resolved) target is a component name rather than a callable."""
        return isinstance(self.target, str)

    @property
    def target_label(self) -> str:
        """The target as a person reads it: a component name or a callable's name."""
        return target_label(self.target)

    # PyRapide 0.3.0 names for the same things.
    @property
    def source_pattern(self) -> Pattern:
        """The pattern (PyRapide 0.3.0's name for it)."""
        return self.pattern

    @property
    def handler(self) -> Any:
        """The target (PyRapide 0.3.0's name for it)."""
        return self.target

    @property
    def connection_type(self) -> str:
        """PyRapide 0.3.0's name of the kind: `"basic"`, `"pipe"` or `"agent"`."""
        return self.kind.legacy_name

    def __repr__(self) -> str:
        where = "" if self.index is None else f"#{self.index} "
        inside = f" in {self.scope}" if self.scope else ""
        pattern = pattern_text(self.pattern)
        return f"<Connection {where}{self.kind} {pattern} -> {self.target_label}{inside}>"


def target_label(target: Any) -> str:
    """Readable text for a connection target, resolved or not."""
    if isinstance(target, str):
        return target
    name = getattr(target, "__qualname__", None) or getattr(target, "__name__", None)
    if not isinstance(name, str):
        return repr(target)
    return name.rpartition("<locals>.")[2]


def pattern_text(pattern: Any) -> str:
    """`str(pattern)`: its text syntax, or a readable stand-in if it cannot be printed.

    A pattern with a Python guard (`.where(lambda e: ...)`) has no exact text
    form; whatever the pattern prints for it is used, and a pattern whose
    printing fails is shown by the event names it can match.
    """
    try:
        text = str(pattern)
    except Exception:
        text = ""
    if text and not (text.startswith("<") and " object at 0x" in text):
        return text
    try:
        names = pattern.event_names()
    except Exception:
        names = None
    if names is None:
        return f"<{type(pattern).__name__}: any event>"
    return f"<{type(pattern).__name__}: {' | '.join(sorted(names))}>"


_UNSET: Final = object()


def _as_pattern(value: Any, factory: str) -> Pattern:
    if isinstance(value, Pattern):
        return value
    if isinstance(value, str):
        return parse_pattern(value)
    raise TypeError(
        f"{factory}() takes a Pattern (or pattern text) first, got {described(value)}"
    )


def _make(
    kind: ConnectionKind,
    pattern: Any,
    target: Any,
    handler: Any,
    source_pattern: Any,
) -> Connection:
    if source_pattern is not _UNSET:
        if pattern is not _UNSET:
            raise TypeError(f"{kind}() got both a pattern and source_pattern=; give one")
        pattern = source_pattern
    if pattern is _UNSET:
        raise TypeError(f"{kind}() needs a pattern: {kind}(Pattern.match(...), target)")
    if handler is not _UNSET:
        if target is not _UNSET:
            raise TypeError(f"{kind}() got both a target and handler=; give one")
        target = handler
    if target is _UNSET or target is None:
        raise TypeError(
            f"{kind}() needs a target: a component (target=db), a component's name "
            f"(\"db\") or a callable"
        )
    made = Connection.kind_classes.get(kind, Connection)
    return made(kind=kind, pattern=_as_pattern(pattern, kind), target=target)


def connection(kind: ConnectionKind | str, pattern: Any, target: Any) -> Connection:
    """A connection of any kind: `connection("pipe", pattern, target)` is `pipe(pattern, target)`.

    Raises ValueError for a kind that is not one of ConnectionKind's, and TypeError
    as the named factories do.
    """
    return _make(ConnectionKind.named(kind), pattern, target, _UNSET, _UNSET)


def connect(
    pattern: Any = _UNSET,
    target: Any = _UNSET,
    *,
    handler: Callable[..., Any] | Any = _UNSET,
    source_pattern: Any = _UNSET,
) -> Connection:
    """A synchronous connection: the emitter waits until `target` has handled the match.

    `target` is a component (the architecture's class attribute, as in
    `target=db`), a component's name, or a callable that is called with each
    match. `handler=` and `source_pattern=` are PyRapide 0.3.0's keywords for
    the same arguments. Pattern text is parsed (`connect("API.request", "db")`).
    Raises TypeError when the pattern or the target is missing or of the wrong kind.
    """
    return _make(ConnectionKind.CONNECT, pattern, target, handler, source_pattern)


def pipe(
    pattern: Any = _UNSET,
    target: Any = _UNSET,
    *,
    handler: Callable[..., Any] | Any = _UNSET,
    source_pattern: Any = _UNSET,
) -> Connection:
    """A FIFO connection: deliveries reach `target` one at a time, in recording order.

    The emitter does not wait. Arguments as for `connect`.
    """
    return _make(ConnectionKind.PIPE, pattern, target, handler, source_pattern)


def agent(
    pattern: Any = _UNSET,
    target: Any = _UNSET,
    *,
    handler: Callable[..., Any] | Any = _UNSET,
    source_pattern: Any = _UNSET,
) -> Connection:
    """An independent connection: each delivery to `target` is its own task, unordered.

    The emitter does not wait. Arguments as for `connect`.
    """
    return _make(ConnectionKind.AGENT, pattern, target, handler, source_pattern)
