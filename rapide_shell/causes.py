"""Why each direct cause of an event is one: a delivery, handler order, a return or a chain.

The poset records that ``c`` caused ``e``, not through what. The runtime adds a cause
for one of a few reasons, and each is told apart here from the poset and the wiring:

- ``connect``, ``pipe``, ``agent``: ``c`` was delivered to ``e``'s component through a
  connection of that kind, and handling it emitted ``e``;
- ``then``: ``c`` is the previous event the same handler run (or start hook) emitted;
- ``return``: ``c`` is the last event a connect delivery of that previous event led to
  (a connect returns with its causes, so the emitter's next event follows it);
- ``pipe order``: ``e`` is the first event of a pipe delivery, and ``c`` is what the
  pipe's earlier deliveries left (their last events, or through a delivery that emitted
  nothing, the event it was delivered);
- ``given``: none of these: a cause the emitter named itself (``caused_by=``).

Nothing here imports Textual or Rich: the inspector, the Timeline panel and the
``timeline`` command read the same answers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any


class CauseKind(StrEnum):
    """Why a direct cause is one (see the module's docstring)."""

    CONNECT = "connect"
    PIPE = "pipe"
    AGENT = "agent"
    THEN = "then"
    RETURN = "return"
    PIPE_ORDER = "pipe order"
    GIVEN = "given"

    @property
    def delivered(self) -> bool:
        """Whether the cause was delivered to the emitter (through a connection)."""
        return self in (CauseKind.CONNECT, CauseKind.PIPE, CauseKind.AGENT)


@dataclass(frozen=True)
class CauseLook:
    """How a cause kind is shown: a one-cell ``mark`` (drawn before the cause's id and
    along the Timeline's links), a ``short`` word, and what it means, said of the cause
    ("e4: delivered through a pipe")."""

    mark: str
    short: str
    meaning: str


CAUSE_LOOKS: dict[CauseKind, CauseLook] = {
    CauseKind.CONNECT: CauseLook("─", "connect", "delivered to it through a connect"),
    CauseKind.PIPE: CauseLook("═", "pipe", "delivered to it through a pipe"),
    CauseKind.AGENT: CauseLook("┄", "agent", "delivered to it through an agent"),
    CauseKind.THEN: CauseLook("↓", "then", "emitted just before it by the same handler run"),
    CauseKind.RETURN: CauseLook("↩", "return", "the end of a connect its emitter waited on"),
    CauseKind.PIPE_ORDER: CauseLook("⇊", "pipe order", "earlier through the same pipe"),
    CauseKind.GIVEN: CauseLook("+", "given", "named as a cause by its emitter"),
}
"""Every cause kind's look; a test checks that it has every CauseKind."""


def cause_legend() -> str:
    """One line naming every cause kind's mark: ``─ connect  ═ pipe  ...``."""
    return "  ".join(f"{look.mark} {look.short}" for look in CAUSE_LOOKS.values())


@dataclass(frozen=True)
class Cause:
    """One direct cause of an event, with why it is one."""

    event: Any
    kind: CauseKind


#: Given a cause and the component that emitted its effect, the kind of connection that
#: delivered the cause to that component (None: none did).
DeliveryKind = Callable[[Any, str], str | None]


def wiring_deliveries(description: Any) -> DeliveryKind:
    """A :data:`DeliveryKind` read from an architecture description: the first
    connection, in declaration order, into the component whose pattern can match the
    cause (:meth:`~pyrapide.architecture.ConnectionDescription.may_take`: a routing is
    by pattern alone, so that is all a connection asks of an event) says the kind."""
    connections = tuple(description.connections) if description is not None else ()

    @lru_cache(maxsize=4096)
    def kind_of(name: str, source: str, target: str) -> str | None:
        for connection in connections:
            if not connection.target_is_component or connection.target != target:
                continue
            if connection.may_take(name, source):
                return str(connection.kind)
        return None

    def delivered(cause: Any, target: str) -> str | None:
        return kind_of(cause.name, cause.source or "", target)

    return delivered


def classify_causes(
    event: Any, causes: Sequence[Any], poset: Any, delivered: DeliveryKind
) -> list[Cause]:
    """The direct ``causes`` of ``event`` (in the poset's order), each with its kind.

    ``poset`` answers ``is_ancestor``, ``seq`` and ``direct_causes``; ``delivered``
    says through what kind a cause reached the event's component, if it did.

    A cause no connection could deliver to the emitter, descending from the emitter's
    own previous event, ended a connect delivery the emitter waited on: the event is
    its run's next, its causes are returns (the runtime keeps causes a frontier, so the
    previous event itself is then no direct cause). Otherwise a delivered cause that
    does not follow the emitter's own direct causes starts a handler run, and for a
    pipe the rest is the pipe's order; else the event follows its own previous one.
    """
    source = event.source or ""
    own = [cause for cause in causes if (cause.source or "") == source and source]
    others = [cause for cause in causes if cause not in own]
    delivery = {id(cause): delivered(cause, source) for cause in others} if source else {}
    kinds: dict[int, CauseKind] = {}
    previous = _previous_of(source, causes, poset) if source else None

    def follows_previous(cause: Any) -> bool:
        return previous is not None and cause is not previous and poset.is_ancestor(
            previous, cause
        )

    returned = [c for c in others if not delivery.get(id(c)) and follows_previous(c)]
    piped_afresh = any(
        delivery.get(id(c)) == "pipe" and not follows_previous(c) for c in others
    )
    if returned and not piped_afresh:
        # The emitter waited on connects: what ended them, and its previous event if
        # it is still a direct cause.
        for cause in causes:
            kind = delivery.get(id(cause))
            if cause is previous:
                kinds[id(cause)] = CauseKind.THEN
            elif follows_previous(cause):
                kinds[id(cause)] = CauseKind.RETURN
            else:
                kinds[id(cause)] = CauseKind(kind) if kind else CauseKind.GIVEN
        return [Cause(cause, kinds[id(cause)]) for cause in causes]
    fresh = [
        cause for cause in others
        if delivery.get(id(cause)) and not any(poset.is_ancestor(mine, cause) for mine in own)
    ]
    if fresh:
        # The first event of a delivery's handler run: what was delivered, and for a
        # pipe, what its earlier deliveries left (the newest pipe delivery is this one's).
        newest_pipe = max(
            (cause for cause in fresh if delivery[id(cause)] == "pipe"),
            key=poset.seq, default=None,
        )
        for cause in causes:
            kind = delivery.get(id(cause))
            if newest_pipe is not None:
                kinds[id(cause)] = CauseKind.PIPE if cause is newest_pipe else CauseKind.PIPE_ORDER
            elif cause in fresh and kind is not None:
                kinds[id(cause)] = CauseKind(kind)
            else:
                kinds[id(cause)] = CauseKind.GIVEN
    else:
        # A later event of a run (or of a start hook): its own previous event, and the
        # last events of the connect deliveries it waited on.
        newest_own = max(own, key=poset.seq, default=None)
        for cause in causes:
            if cause is newest_own:
                kinds[id(cause)] = CauseKind.THEN
            elif newest_own is not None and cause not in own and poset.is_ancestor(
                newest_own, cause
            ):
                kinds[id(cause)] = CauseKind.RETURN
            else:
                kind = delivery.get(id(cause))
                kinds[id(cause)] = CauseKind(kind) if kind else CauseKind.GIVEN
    return [Cause(cause, kinds[id(cause)]) for cause in causes]


#: How many events back the search for an emitter's previous event looks.
PREVIOUS_SEARCH = 64


def _previous_of(source: str, causes: Sequence[Any], poset: Any) -> Any:
    """The newest event of ``source`` among the ancestors of ``causes``, found within
    PREVIOUS_SEARCH events of them (None if none is)."""
    best = None
    seen: set[str] = set()
    frontier = list(causes)
    while frontier and len(seen) < PREVIOUS_SEARCH:
        older: list[Any] = []
        for event in frontier:
            if event.id in seen:
                continue
            seen.add(event.id)
            if (event.source or "") == source:
                if best is None or poset.seq(event) > poset.seq(best):
                    best = event
                continue  # what it follows is older still
            older.extend(poset.direct_causes(event))
        frontier = older
    return best


def causes_of(event: Any, poset: Any, delivered: DeliveryKind) -> list[Cause]:
    """``event``'s direct causes in ``poset``, each with its kind."""
    return classify_causes(event, poset.direct_causes(event), poset, delivered)
