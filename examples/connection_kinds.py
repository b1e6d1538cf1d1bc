"""connect, pipe and agent side by side: the same work, three kinds of delivery.

Three sources each send three jobs (n = 1, 2, 3) at once to a worker of their
own, each through a different kind of connection. A worker takes ``3 - n``
units of logical time on job n (job 1 is the slowest), then reports
``Worker.done``. Run ``python examples/connection_kinds.py`` and read the
three timelines it prints. What to look for:

* connect: the source waits for each job to be done before it sends the next,
  so its jobs go out at t=0, 2 and 3, and every ``done`` comes before the next
  ``job``. Synchronous: the emitter's ``await`` covers the whole delivery, and
  the poset says so: the source could only go on because the worker finished,
  so its next job is caused by that ``done`` (the return edge), and the lane
  is one chain, job 1 -> done 1 -> job 2 -> done 2 -> job 3 -> done 3.
* pipe: all three jobs go out at t=0 (the source does not wait), but the
  worker takes them one at a time, in order: done 1, 2, 3, at t=2, 3 and 3.
  Each ``done`` is caused by the previous one (see "caused by"): a pipe
  orders what its deliveries produce.
* agent: all three jobs go out at t=0 and are worked on at the same time, so
  the quick job finishes first: done 3, 2, 1 at t=0, 1 and 2. The ``done``
  events are causally independent of each other.

The same file opens in the workbench (``rapide shell examples/connection_kinds.py``),
where stepping shows the three queues fill and drain.
"""

from __future__ import annotations

from typing import Any

from pyrapide import (
    Pattern,
    action,
    agent,
    architecture,
    connect,
    get_context,
    interface,
    module,
    pipe,
    when,
)

JOBS = (1, 2, 3)


@interface
class Source:
    @action
    async def job(self, n: int) -> None:
        """Job number ``n`` for this source's worker."""


@interface
class Worker:
    @action
    async def done(self, n: int) -> None:
        """Job ``n`` is finished."""


@module(implements=Source)
class JobSource:
    async def start(self) -> None:
        ctx = get_context(self)
        for n in JOBS:
            await ctx.emit("Source.job", n=n)


@module(implements=Worker)
class JobWorker:
    @when(Pattern.match("Source.job"))
    async def on_job(self, match: Any) -> None:
        ctx = get_context(self)
        n = match.payload["n"]
        await ctx.sleep(3 - n)
        await ctx.emit("Worker.done", n=n)


@architecture
class ConnectionKinds:
    connect_source = Source
    pipe_source = Source
    agent_source = Source
    connect_worker = Worker
    pipe_worker = Worker
    agent_worker = Worker

    connections = [
        connect(Pattern.match("Source.job", source="connect_source"), target="connect_worker"),
        pipe(Pattern.match("Source.job", source="pipe_source"), target="pipe_worker"),
        agent(Pattern.match("Source.job", source="agent_source"), target="agent_worker"),
    ]


def timeline(computation: Any, kind: str) -> list[str]:
    """The events of one source/worker pair, in recording order, with time and causes."""
    lines = []
    for event in computation:
        if event.source not in (f"{kind}_source", f"{kind}_worker"):
            continue
        causes = ", ".join(cause.id for cause in computation.poset.causes(event)) or "-"
        label = f"{event.name.split('.')[1]} {event.payload['n']}"
        lines.append(f"  t={event.timestamp:<4g} {event.id:<4} {label:<7} caused by {causes}")
    return lines


async def main() -> None:
    system = ConnectionKinds.bind(
        connect_source=JobSource,
        pipe_source=JobSource,
        agent_source=JobSource,
        connect_worker=JobWorker,
        pipe_worker=JobWorker,
        agent_worker=JobWorker,
    )
    computation = await system.run()
    for kind in ("connect", "pipe", "agent"):
        print(f"{kind}:")
        print("\n".join(timeline(computation, kind)))
        done = computation.events_by_name("Worker.done")
        mine = [e for e in done if e.source == f"{kind}_worker"]
        order = " ".join(str(e.payload["n"]) for e in mine)
        independent = computation.are_independent(mine[0], mine[1])
        print(f"  done in order {order}; first two dones causally independent: {independent}\n")


if __name__ == "__main__":
    import asyncio  # here, not at the top: loading the file (`rapide check`) needs none

    asyncio.run(main())
