"""The queues of pending dispatches, and the choice of which one runs next."""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable
from typing import Any

from pyrapide.runtime.dispatch import Dispatch

KINDS = ("connect", "pipe", "agent")


class PipeLane:
    """The FIFO of one pipe: deliveries wait here; one at most is in flight."""

    __slots__ = ("in_flight", "queue", "tips")

    def __init__(self) -> None:
        self.queue: deque[Dispatch] = deque()
        self.in_flight: Dispatch | None = None
        # The last event of each handler run of the latest delivery that emitted
        # anything: the next delivery's events causally follow them.
        self.tips: tuple[Any, ...] = ()


class DispatchQueues:
    """Queued dispatches by kind, and the seeded choice among them.

    * ``connects`` is a stack: a synchronous delivery runs before anything
      else, the most recent first (depth first, as nested calls would).
    * Each pipe has a lane; only its head may start, and only while nothing
      of that lane is in flight.
    * ``agents`` are independent: ``rng`` (seeded, owned by this instance)
      picks among them and the runnable pipe heads.
    * ``busy_serial`` names the ``serial`` modules handling a delivery: pipe and
      agent deliveries to them wait (connect deliveries, being nested calls, do not).
    """

    __slots__ = ("_agent_hint", "agents", "busy_serial", "connects", "lanes", "rng")

    def __init__(self, seed: int, pipe_indexes: Iterable[int]) -> None:
        self.rng = random.Random(seed)
        self.connects: list[Dispatch] = []
        self.lanes = {index: PipeLane() for index in pipe_indexes}
        self.agents: list[Dispatch] = []
        self._agent_hint = 0  # where select() found the agent delivery it chose
        self.busy_serial: set[str] = set()

    def push_connects(self, dispatches: list[Dispatch]) -> None:
        """Queue one event's connect deliveries, to run in the order given."""
        self.connects.extend(reversed(dispatches))

    def add(self, dispatch: Dispatch) -> None:
        """Queue a pipe or agent delivery."""
        if dispatch.kind == "pipe":
            self.lanes[dispatch.connection.index].queue.append(dispatch)
        else:
            self.agents.append(dispatch)

    def pending(self) -> list[Dispatch]:
        """Every queued dispatch, by id."""
        queued = self.connects + self.agents
        for lane in self.lanes.values():
            queued.extend(lane.queue)
        return sorted(queued, key=lambda d: d.id)

    def __bool__(self) -> bool:
        return bool(self.connects or self.agents or any(lane.queue for lane in self.lanes.values()))

    def has_runnable(self) -> bool:
        """True when some queued dispatch could start now: unlike ``bool(self)``,
        a pipe delivery held behind one in flight, or a delivery to a busy serial
        module, does not count. Draws nothing from the seed."""
        if self.connects or self._pipe_heads():
            return True
        return any(d.target not in self.busy_serial for d in self.agents)

    def _pipe_heads(self) -> list[Dispatch]:
        heads = [
            lane.queue[0] for lane in self.lanes.values() if lane.queue and lane.in_flight is None
        ]
        if self.busy_serial:
            heads = [d for d in heads if d.target not in self.busy_serial]
        return heads

    def select(self, kind: str | None) -> Dispatch | None:
        """The dispatch the next step of ``kind`` (None: any) would run, or None."""
        if kind in (None, "connect") and self.connects:
            return self.connects[-1]
        if kind == "connect":
            return None
        heads = self._pipe_heads() if kind != "agent" else []
        agents = self.agents
        if self.busy_serial and agents:
            # Rare (serial modules only): the plain draw below would need no filter.
            free = [d for d in agents if d.target not in self.busy_serial]
            if len(free) < len(agents):
                return self._draw(heads, free, kind)
        return self._draw(heads, agents, kind)

    def peek(self, kind: str | None) -> Dispatch | None:
        """What :meth:`select` would return now, leaving every state as it was: the
        seed's generator is rewound, so the run that follows is the same as without it."""
        if kind in (None, "connect") and self.connects:
            return self.connects[-1]  # no draw: nothing to rewind
        rng_state, hint = self.rng.getstate(), self._agent_hint
        try:
            return self.select(kind)
        finally:
            self.rng.setstate(rng_state)
            self._agent_hint = hint

    def _draw(self, heads: list[Dispatch], agents: list[Dispatch], kind: str | None) -> Any:
        if kind == "pipe" or not agents:
            return min(heads, key=lambda d: d.id) if heads else None
        # The seed's choice among the ready agent deliveries (and the pipe heads,
        # when any): one draw, without building the list of candidates.
        choice = self.rng.randrange(len(heads) + len(agents))
        if choice < len(heads):
            return heads[choice]
        chosen = agents[choice - len(heads)]
        if agents is self.agents:
            self._agent_hint = choice - len(heads)
        return chosen

    def runnable_problem(self, dispatch: Dispatch) -> str | None:
        """Why ``dispatch`` may not run now (None when it may)."""
        if dispatch.state != "queued":
            return f"dispatch #{dispatch.id} is {dispatch.state}"
        if dispatch.kind != "connect" and dispatch.target in self.busy_serial:
            return (
                f"dispatch #{dispatch.id} waits: {dispatch.target} is a serial module "
                "handling another delivery"
            )
        if dispatch.kind == "pipe":
            lane = self.lanes[dispatch.connection.index]
            if lane.queue[0] is not dispatch:
                ahead = lane.queue[0].id
                return f"pipe dispatch #{dispatch.id} waits behind #{ahead} (pipes are FIFO)"
            if lane.in_flight is not None:
                return (
                    f"pipe dispatch #{dispatch.id} waits for #{lane.in_flight.id} to finish "
                    "(a pipe delivers one at a time)"
                )
        return None

    def remove(self, dispatch: Dispatch) -> None:
        """Take ``dispatch`` (runnable, see runnable_problem) off its queue."""
        if dispatch.kind == "connect":
            if self.connects[-1] is dispatch:
                self.connects.pop()
            else:
                self.connects.remove(dispatch)
        elif dispatch.kind == "pipe":
            self.lanes[dispatch.connection.index].queue.popleft()
        else:
            agents = self.agents
            position = self._agent_hint
            if position >= len(agents) or agents[position] is not dispatch:
                position = agents.index(dispatch)  # chosen by id, not by select()
            # Swap-remove: O(1), and the list's order is irrelevant (pending() sorts).
            agents[position] = agents[-1]
            agents.pop()
