"""The queues of pending dispatches, and the choice of which one runs next.

Which queue a dispatch waits in is its connection kind's ``delivery``
(:class:`~pyrapide.architecture.Delivery`): the kind says how it is delivered,
this module says how that is queued. A kind with a delivery already known needs
nothing here; a new delivery needs its queue here, and nothing else in the runtime.
"""

from __future__ import annotations

import heapq
import random
from bisect import bisect_left
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import chain, islice, pairwise
from operator import attrgetter, indexOf
from typing import TYPE_CHECKING

from pyrapide.architecture import ConnectionKind, Delivery
from pyrapide.runtime.dispatch import Dispatch, DispatchState

if TYPE_CHECKING:
    from pyrapide.core import Event

# Module constants: an enum member read from its class costs a lookup on every use.
_CALL, _FIFO, _INDEPENDENT = Delivery.CALL, Delivery.FIFO, Delivery.INDEPENDENT
_QUEUED = DispatchState.QUEUED
_BY_ID = attrgetter("id")
#: The kind whose deliveries wait in each queue (one kind per delivery).
_KIND_OF = {kind.delivery: kind for kind in ConnectionKind}

class PipeLane:
    """The FIFO of one pipe: deliveries wait here; one at most is in flight."""

    __slots__ = ("carried", "in_flight", "order", "queue", "tips")

    def __init__(self, order: int = 0) -> None:
        # Its place among the system's lanes: runnable heads are offered in this order.
        self.order = order
        self.queue: deque[Dispatch] = deque()
        self.in_flight: Dispatch | None = None
        # What the next delivery's events causally follow: the tips of the latest
        # delivery that emitted, and ``carried``, the events delivered since to
        # deliveries that emitted nothing (the chain carries forward through them),
        # an ordered set kept only while there are any (most pipes never need one).
        self.tips: tuple[Event, ...] = ()
        self.carried: dict[Event, None] | None = None

    def frontier(self) -> list[Event]:
        """Everything the next delivery's events follow, in order."""
        return [*self.tips, *(self.carried or ())]


@dataclass(frozen=True, slots=True)
class PendingSummary:
    """The queue at a glance, without going through a long queue: how many
    dispatches of each kind wait, the first few of each in the order steps take
    them, and how many pipes have deliveries waiting."""

    counts: Mapping[ConnectionKind, int]
    """Queued dispatches per kind (every kind, zero included)."""
    first: Mapping[ConnectionKind, tuple[Dispatch, ...]]
    """At most the number asked for of each kind, in the order steps take them:
    connects from the top of their stack (the one a plain step runs first, then
    the next: depth first, successive events in the order recorded); pipe deliveries each pipe's
    in its order, the pipes merged by id; agent deliveries, which the seed picks
    among, by id."""
    pipes_waiting: int
    """How many pipes have deliveries queued."""

    @property
    def total(self) -> int:
        """Every queued dispatch (``len(pending())``)."""
        return sum(self.counts.values())


class Blocked:
    """Why a queued dispatch may not start now: ``reason`` in words, and the
    dispatch it waits for (``behind``), when there is one."""

    __slots__ = ("behind", "reason")

    def __init__(self, reason: str, behind: Dispatch | None = None) -> None:
        self.reason = reason
        self.behind = behind

    def __str__(self) -> str:
        return self.reason


class DispatchQueues:
    """Queued dispatches by delivery, and the seeded choice among them.

    * ``connects`` is a stack: a synchronous delivery runs before anything
      else, the most recent first (depth first, as nested calls would); but the
      events one task records without waiting in between (``generate_event``)
      are delivered in the order it recorded them, and an event injected from
      outside after every call already queued, as calls made one after another
      would be.
    * Each pipe has a lane; only its head may start, and only while nothing
      of that lane is in flight.
    * ``agents`` are independent: ``rng`` (seeded, owned by this instance)
      picks among them and the runnable pipe heads.
    * ``busy_serial`` names the ``serial`` modules handling a delivery: pipe and
      agent deliveries to them wait (connect deliveries, being nested calls, do not).
    """

    __slots__ = (
        "_agent_hint",
        "_agents_first",
        "_burst_base",
        "_getrandbits",
        "_open",
        "_piped",
        "_pusher",
        "_pusher_turn",
        "agents",
        "burst",
        "busy_serial",
        "connects",
        "lanes",
        "rng",
    )

    def __init__(self, seed: int, pipe_indexes: Iterable[int]) -> None:
        self.rng = random.Random(seed)
        # Its method, looked up once: a plain step draws once (see below).
        self._getrandbits = self.rng.getrandbits
        self.connects: deque[Dispatch] = deque()  # the top is the right end
        self.lanes = {index: PipeLane(order) for order, index in enumerate(pipe_indexes)}
        # Invariant: the lanes whose head may start (something queued, nothing in
        # flight), by ``order``; so that choosing a step does not look at every pipe.
        self._open: dict[int, PipeLane] = {}
        self._piped = 0  # dispatches queued in all lanes
        self.agents: list[Dispatch] = []
        self._agent_hint = 0  # where select() (or find()) found the agent delivery
        # The agent deliveries of lowest id, as summary() last listed them, while that
        # still holds (None: to be found again): an agent delivery is rarely among
        # them as it is taken, so a front end drawing the queue per frame does not
        # go through the whole of it each time.
        self._agents_first: tuple[Dispatch, ...] | None = None
        self.busy_serial: set[str] = set()
        # The task whose events' connects were pushed last and the scheduler's turn
        # (its count of advances) it ran in, and where on the stack they start. When
        # it pushes again in the same turn (``generate_event`` after
        # ``generate_event``), ``burst`` holds where each further event's start, and
        # the scheduler settles it as the turn ends.
        self._pusher: object = None
        self._pusher_turn = -1
        self._burst_base = 0
        self.burst: list[int] = []
        """Open while one turn of a task has pushed the connects of several events:
        :meth:`settle_burst` is due as the turn ends (empty: nothing to settle)."""

    def push_connects(self, dispatches: list[Dispatch], emitter: object, turn: int) -> None:
        """Queue one event's connect deliveries, to run in the order given.

        ``emitter`` is the task that recorded the event (None: injected from
        outside), during the scheduler's ``turn``. An event's deliveries run before
        those queued before it (depth first, as calls nest), but calls made one
        after another return in that order: an injected event's run after every
        call already queued, and the events one turn of a task records without
        waiting in between (``generate_event``) are put back in the order recorded
        when the turn ends (:meth:`settle_burst`)."""
        connects = self.connects
        if emitter is None:
            connects.extendleft(dispatches)  # at the bottom, the first on top
            pushed = len(dispatches)
            self._burst_base += pushed
            if self.burst:  # a handler injecting between its own emits
                self.burst = [start + pushed for start in self.burst]
            return
        if emitter is self._pusher and turn == self._pusher_turn:
            self.burst.append(len(connects))
        else:
            if self.burst:
                self.settle_burst()
            self._pusher, self._pusher_turn, self._burst_base = emitter, turn, len(connects)
        if len(dispatches) == 1:
            connects.append(dispatches[0])  # the usual event: one call
        else:
            connects.extend(reversed(dispatches))

    def settle_burst(self) -> None:
        """The turn that pushed the connects of several events has ended: they were
        pushed newest on top, and are reordered so that the first event's are on
        top. Costs the number of those deliveries, once."""
        starts = self.burst
        if starts:
            connects, base = self.connects, self._burst_base
            pushed = [connects.pop() for _ in range(len(connects) - base)]
            pushed.reverse()  # bottom to top, as pushed
            bounds = [0, *(start - base for start in starts), len(pushed)]
            for low, high in reversed(list(pairwise(bounds))):
                connects.extend(pushed[low:high])
            starts.clear()

    def add(self, dispatch: Dispatch, lane: PipeLane | None) -> None:
        """Queue a delivery that is not a call: in ``lane``, its pipe's (the route
        knows it), or with the independent ones."""
        if lane is None:
            self.agents.append(dispatch)
            first = self._agents_first
            if first is not None and dispatch.id < first[-1].id:
                self._agents_first = None  # it is among the lowest now
            return
        lane.queue.append(dispatch)
        self._piped += 1
        if lane.in_flight is None and len(lane.queue) == 1:
            self._open[lane.order] = lane

    def lane_done(self, lane: PipeLane) -> None:
        """``lane``'s delivery in flight finished (its ``in_flight`` is None again)."""
        if lane.queue:
            self._open[lane.order] = lane

    def lane_of(self, dispatch: Dispatch) -> PipeLane:
        """The lane of a pipe dispatch."""
        return self.lanes[dispatch.connection.index]  # type: ignore[index]

    def pending(self) -> list[Dispatch]:
        """Every queued dispatch, by id."""
        queued = [*self.connects, *self.agents]
        for lane in self.lanes.values():
            queued.extend(lane.queue)
        return sorted(queued, key=lambda d: d.id)

    def find(self, wanted: int) -> Dispatch | None:
        """The queued dispatch numbered ``wanted`` (None: none is), without building
        or sorting a list of the queue (a step by id in a storm of dispatches).

        A dispatch's id is its own (one counter per scheduler), so the one found is
        the one :meth:`pending` lists. Each pipe's deliveries are queued as they are
        made, in id order but for a delivery into a nested architecture (made early,
        queued late): they are searched by halves first, a hit checked. Agent
        deliveries, in no order (see :meth:`_swap_out`), and connects are gone
        through: the queue's length at worst, in C; the agent delivery found last is
        looked at first, so that finding it again (then taking it) costs nothing."""
        agents, hint = self.agents, self._agent_hint
        if hint < len(agents) and agents[hint].id == wanted:
            return agents[hint]  # found a moment ago (``step #N`` looks it up twice)
        lanes = [lane.queue for lane in self.lanes.values() if lane.queue]
        for queued in lanes:
            at = bisect_left(queued, wanted, key=_BY_ID)
            if at < len(queued) and queued[at].id == wanted:
                return queued[at]
        try:
            position = indexOf(map(_BY_ID, agents), wanted)
        except ValueError:
            pass
        else:
            self._agent_hint = position  # a step taking it finds it there, not by a search
            return agents[position]
        for queued in (self.connects, *lanes):
            try:
                return queued[indexOf(map(_BY_ID, queued), wanted)]
            except ValueError:
                continue
        return None

    def lowest(self, count: int) -> list[Dispatch]:
        """The first ``count`` dispatches :meth:`pending` lists, without sorting the
        whole queue (it costs the queue's length times the log of ``count``)."""
        queued = chain(self.connects, self.agents,
                       *(lane.queue for lane in self.lanes.values()))
        return heapq.nsmallest(count, queued, key=_BY_ID)

    def __bool__(self) -> bool:
        return bool(self.connects or self.agents or self._piped)

    def __len__(self) -> int:
        return len(self.connects) + len(self.agents) + self._piped

    def summary(self, shown: int) -> PendingSummary:
        """How many wait of each kind, and the first ``shown`` of each in the order
        steps take them, without sorting the queues (see :class:`PendingSummary`).
        Costs ``shown`` for connects; for pipes, a look at every pipe and a merge
        of those with deliveries waiting, which grows with their number (1 ms at
        1,000 pipes waiting, 30 ms at 10,000: ``bench_queue_summary.py --pipes``);
        for agents ``shown`` while the lowest ids listed last time are still queued
        (else the length of their queue, once: a delivery taken is among them with
        odds ``shown`` in its length)."""
        connects, agents = self.connects, self.agents
        lanes = [lane.queue for lane in self.lanes.values() if lane.queue]
        first = {
            _CALL: tuple(islice(reversed(connects), shown)),
            _FIFO: tuple(islice(heapq.merge(*lanes, key=_BY_ID), shown)),
            _INDEPENDENT: self._lowest_agents(shown),
        }
        counts = {_CALL: len(connects), _FIFO: self._piped, _INDEPENDENT: len(agents)}
        return PendingSummary(
            counts={kind: counts[delivery] for delivery, kind in _KIND_OF.items()},
            first={kind: first[delivery] for delivery, kind in _KIND_OF.items()},
            pipes_waiting=len(lanes),
        )

    def _lowest_agents(self, shown: int) -> tuple[Dispatch, ...]:
        first = self._agents_first
        if first is None or len(first) < min(shown, len(self.agents)):
            first = tuple(heapq.nsmallest(shown, self.agents, key=_BY_ID))
            # Kept while it can tell what adding and taking do to it: with none
            # listed, it cannot.
            self._agents_first = first if first else None
        return first[:shown]

    def has_runnable(self) -> bool:
        """True when some queued dispatch could start now: unlike ``bool(self)``,
        a pipe delivery held behind one in flight, or a delivery to a busy serial
        module, does not count. Draws nothing from the seed."""
        if self.connects or self._pipe_heads():
            return True
        return any(d.target not in self.busy_serial for d in self.agents)

    def runnable(self) -> list[Dispatch]:
        """The queued dispatches that may start now, by id: the connect delivery on top
        of the stack alone when there is one (calls run first, not a choice), else the
        pipe heads with nothing of their lane in flight and the agent deliveries, those
        to a busy serial module left out. Draws nothing from the seed."""
        if self.connects:
            return [self.connects[-1]]
        free = self.agents
        if self.busy_serial:
            free = [d for d in free if d.target not in self.busy_serial]
        return sorted([*self._pipe_heads(), *free], key=lambda d: d.id)

    def _open_lanes(self) -> list[PipeLane]:
        """The lanes with a head waiting, in lane order: the order a draw counts them in."""
        lanes = self._open
        return list(lanes.values()) if len(lanes) == 1 else [lanes[o] for o in sorted(lanes)]

    def _pipe_heads(self) -> list[Dispatch]:
        if not self._open:
            return []
        heads = [lane.queue[0] for lane in self._open_lanes()]
        if self.busy_serial:
            heads = [d for d in heads if d.target not in self.busy_serial]
        return heads

    def select(self, kind: ConnectionKind | None) -> Dispatch | None:
        """The dispatch the next step of ``kind`` (None: any) would run, or None."""
        delivery = None if kind is None else kind.delivery
        if delivery in (None, _CALL) and self.connects:
            return self.connects[-1]
        if delivery is _CALL:
            return None
        heads = self._pipe_heads() if delivery is not _INDEPENDENT else []
        agents = self.agents
        if self.busy_serial and agents:
            # Rare (serial modules only): the plain draw below would need no filter.
            free = [d for d in agents if d.target not in self.busy_serial]
            if len(free) < len(agents):
                return self._draw(heads, free, delivery)
        return self._draw(heads, agents, delivery)

    def take(self) -> Dispatch | None:
        """``select(None)``, then ``remove`` of what it chose: the dispatch a plain step
        runs, taken off its queue (None when nothing can start)."""
        connects = self.connects
        if connects:
            return connects.pop()  # calls first, the latest on top
        if not self.busy_serial:
            lanes, agents = self._open, self.agents
            if not lanes:  # agent deliveries alone: the draw select() makes among them
                return self._swap_out(self.below(len(agents))) if agents else None
            if not agents:  # pipe heads alone: the oldest, as select() picks, no draw
                oldest: PipeLane | None = None
                for lane in lanes.values():
                    if oldest is None or lane.queue[0].id < oldest.queue[0].id:
                        oldest = lane
                assert oldest is not None
                return self._start_head(oldest)
            # Both: the draw select() makes among the pipe heads, by lane order, and then
            # the agent deliveries, without the look at the chosen one's kind remove() takes.
            ordered = self._open_lanes()
            choice = self.below(len(ordered) + len(agents))
            if choice < len(ordered):
                return self._start_head(ordered[choice])  # the head of that pipe
            return self._swap_out(choice - len(ordered))
        dispatch = self.select(None)
        if dispatch is not None:
            self.remove(dispatch)
        return dispatch

    def below(self, count: int) -> int:
        """``rng.randrange(count)``, for a positive ``count``, drawn as it draws: the same
        bits from the generator, so the same choice for a seed, without its argument
        handling (a plain step makes one draw)."""
        getrandbits = self._getrandbits
        bits = count.bit_length()
        drawn = getrandbits(bits)
        while drawn >= count:
            drawn = getrandbits(bits)
        return drawn

    def peek(self, kind: ConnectionKind | None) -> Dispatch | None:
        """What :meth:`select` would return now, leaving every state as it was: the
        seed's generator is rewound, so the run that follows is the same as without it."""
        if (kind is None or kind.delivery is _CALL) and self.connects:
            return self.connects[-1]  # no draw: nothing to rewind
        rng_state, hint = self.rng.getstate(), self._agent_hint
        try:
            return self.select(kind)
        finally:
            self.rng.setstate(rng_state)
            self._agent_hint = hint

    def _draw(
        self, heads: list[Dispatch], agents: list[Dispatch], delivery: Delivery | None
    ) -> Dispatch | None:
        if delivery is _FIFO or not agents:
            return min(heads, key=lambda d: d.id) if heads else None
        # The seed's choice among the ready agent deliveries (and the pipe heads,
        # when any): one draw, without building the list of candidates.
        choice = self.below(len(heads) + len(agents))
        if choice < len(heads):
            return heads[choice]
        chosen = agents[choice - len(heads)]
        if agents is self.agents:
            self._agent_hint = choice - len(heads)
        return chosen

    def blocked(self, dispatch: Dispatch) -> Blocked | None:
        """Why ``dispatch`` may not start now (None when it may)."""
        if dispatch.state is not _QUEUED:
            return Blocked(f"dispatch #{dispatch.id} is {dispatch.state}")
        delivery = dispatch.kind.delivery
        if delivery is not _CALL and dispatch.target in self.busy_serial:
            return Blocked(
                f"#{dispatch.id} waits: {dispatch.target} is a serial module handling "
                "another delivery"
            )
        if delivery is _FIFO:
            lane = self.lane_of(dispatch)
            head = lane.queue[0]
            if head is not dispatch:
                return Blocked(f"#{dispatch.id} waits behind #{head.id} (pipes are FIFO)", head)
            if lane.in_flight is not None:
                # One delivery of a pipe at a time: the next waits for the one in flight.
                return Blocked(
                    f"#{dispatch.id} waits behind #{lane.in_flight.id}, in flight",
                    lane.in_flight,
                )
        return None

    def remove(self, dispatch: Dispatch) -> None:
        """Take ``dispatch`` (runnable, see :meth:`blocked`) off its queue."""
        delivery = dispatch.kind.delivery
        if delivery is _CALL:
            if self.connects[-1] is dispatch:
                self.connects.pop()
            else:
                self.connects.remove(dispatch)
        elif delivery is _FIFO:
            self._start_head(self.lanes[dispatch.connection.index])  # type: ignore[index]
        else:
            agents = self.agents
            position = self._agent_hint
            if position >= len(agents) or agents[position] is not dispatch:
                position = agents.index(dispatch)  # chosen by id, not by select()
            self._swap_out(position)

    def _start_head(self, lane: PipeLane) -> Dispatch:
        """Take ``lane``'s head off: it starts now, so the lane is in flight."""
        self._piped -= 1
        self._open.pop(lane.order, None)
        return lane.queue.popleft()

    def _swap_out(self, position: int) -> Dispatch:
        """Take the agent delivery at ``position`` off, by swap-remove: O(1), and the
        list's order is irrelevant (pending() sorts)."""
        agents = self.agents
        chosen = agents[position]
        agents[position] = agents[-1]
        agents.pop()
        first = self._agents_first
        if first is not None and chosen.id <= first[-1].id:
            self._agents_first = None  # it was among the lowest listed
        return chosen
