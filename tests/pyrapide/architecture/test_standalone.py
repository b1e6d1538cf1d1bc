"""Connections fired by hand, bindings checked on their own, and communication scopes."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from pyrapide import Computation, Event, Pattern, agent, connect, interface, pipe, requires
from pyrapide.architecture.scopes import CommunicationContext, CommunicationScope
from pyrapide.architecture.standalone import (
    AgentConnection,
    BasicConnection,
    Binding,
    ConnectionManager,
    PipeConnection,
    bind,
)


def _recorded(*names: str) -> tuple[Computation, list[Event]]:
    computation = Computation()
    events = [Event(name, {"n": n}) for n, name in enumerate(names)]
    for event in events:
        computation.record(event)
    return computation, events


def test_the_factories_make_the_class_of_their_kind() -> None:
    assert isinstance(connect("A", "db"), BasicConnection)
    assert isinstance(pipe("A", "db"), PipeConnection)
    assert isinstance(agent("A", "db"), AgentConnection)
    made = AgentConnection(Pattern.match("A"), print)
    assert (made.kind, made.connection_type, made.handler) == ("agent", "agent", print)


def test_a_connection_stays_immutable_but_can_be_switched_off() -> None:
    connection = connect("A", "db")
    connection.active = False
    with pytest.raises(dataclasses.FrozenInstanceError):
        connection.target = "cache"  # type: ignore[misc]
    resolved = dataclasses.replace(connection, target="cache", index=0)
    assert isinstance(resolved, BasicConnection) and resolved.index == 0


def test_an_agent_dispatch_runs_the_handler_as_its_own_task() -> None:
    seen: list[tuple[object, Computation]] = []
    connection = agent(Pattern.match("task.assigned"),
                       lambda match, comp: seen.append((match.payload["n"], comp)))
    computation, [event] = _recorded("task.assigned")

    async def scenario() -> None:
        task = await connection.dispatch(event, computation)
        assert isinstance(task, asyncio.Task)
        await task

    asyncio.run(scenario())
    assert seen == [(0, computation)]


def test_a_connection_switched_off_fires_nothing_by_hand() -> None:
    # Only ConnectionManager read `active`: an agent switched off still dispatched to
    # its handler, and a pipe switched off still queued and handled its matches.
    seen: list[str] = []
    computation, [event] = _recorded("A")
    off_agent = agent("A", lambda match: seen.append("agent"))
    off_pipe = pipe("A", lambda match: seen.append("pipe"))
    off_agent.active = off_pipe.active = False

    async def scenario() -> None:
        await (await off_agent.dispatch(event, computation))
        await off_pipe.start()
        await off_pipe.enqueue(event, computation)
        await off_pipe.stop()
        off_agent.active = True
        await (await off_agent.dispatch(event, computation))

    asyncio.run(scenario())
    assert seen == ["agent"]


def test_a_pipe_handles_its_matches_one_at_a_time_in_order() -> None:
    running: list[int] = []
    handled: list[int] = []

    async def handle(match) -> None:  # type: ignore[no-untyped-def]
        running.append(match.payload["n"])
        assert len(running) == 1, "two deliveries at once"
        await asyncio.sleep(0)
        handled.append(match.payload["n"])
        running.pop()

    connection = pipe(Pattern.match("chunk"), handle)
    computation, events = _recorded("chunk", "other", "chunk", "chunk")

    async def scenario() -> None:
        await connection.start()
        for event in events:
            await connection.enqueue(event, computation)
        await connection.drain()
        await connection.stop()

    asyncio.run(scenario())
    assert handled == [0, 2, 3]


def test_a_pipe_goes_on_after_a_handler_error_and_reports_it() -> None:
    handled: list[int] = []

    def handle(match) -> None:  # type: ignore[no-untyped-def]
        if match.payload["n"] == 0:
            raise ValueError("bad chunk")
        handled.append(match.payload["n"])

    connection = pipe("chunk", handle)
    computation, events = _recorded("chunk", "chunk")

    async def scenario() -> None:
        await connection.start()
        for event in events:
            await connection.enqueue(event, computation)
        await connection.stop()

    with pytest.raises(ValueError, match="bad chunk"):
        asyncio.run(scenario())
    assert handled == [1]


def test_a_pipe_never_started_handles_its_queue_at_stop_and_refuses_to_drain() -> None:
    # stop() dropped what was queued when start() had not been awaited, and drain()
    # waited for ever for a task that did not exist.
    handled: list[int] = []
    connection = pipe("chunk", lambda match: handled.append(match.payload["n"]))
    computation, events = _recorded("chunk", "chunk")

    async def scenario() -> None:
        for event in events:
            await connection.enqueue(event, computation)
        with pytest.raises(RuntimeError, match=r"is not started, so its 2 queued match"):
            await asyncio.wait_for(connection.drain(), timeout=5)
        await connection.stop()

    asyncio.run(scenario())
    assert handled == [0, 1]


def test_a_composite_pattern_is_matched_over_what_came_before() -> None:
    fired: list[list[str]] = []
    connection = connect(Pattern.match("A") >> Pattern.match("B"),
                         lambda match: fired.append([e.name for e in match.events]))
    computation = Computation()
    first, second = Event("A"), Event("B")
    computation.record(first)
    computation.record(second, caused_by=[first])
    manager = ConnectionManager()
    manager.add_connection(connection)
    manager.add_connection(agent("B", lambda match: fired.append(["agent"])))
    manager.process_event(first, computation)
    manager.process_event(second, computation)
    assert fired == [["A", "B"]]  # only connect connections fire here
    connection.active = False
    manager.process_event(second, computation)
    assert fired == [["A", "B"]]


def test_firing_a_connection_to_a_component_needs_a_system() -> None:
    computation, [event] = _recorded("A")
    connection = connect("A", "db")
    with pytest.raises(TypeError, match="targets component 'db': only a System delivers"):
        connection.fire(connection.matches_of(event, computation)[0])


@interface
class Store:
    @requires
    def get(self, key: str) -> object: ...


def test_bind_checks_a_module_against_an_interface_object() -> None:
    class Good:
        def get(self, key: str) -> object:
            return key

    class Bad:
        pass

    binding = bind(Store(), Good)
    assert isinstance(binding, Binding) and binding.module_class is Good
    with pytest.raises(TypeError, match=r"Bad does not conform to Store: Bad is missing get"):
        bind(Store, Bad)
    with pytest.raises(TypeError, match="needs an interface"):
        bind(object(), Good)


def test_a_scope_says_who_may_observe_whom() -> None:
    scope = CommunicationScope()
    scope.register_link("server", "database")
    scope.register_parent("payments", "ledger")
    assert scope.can_observe("server", "database") and scope.can_observe("database", "server")
    assert scope.can_observe("payments", "ledger") and not scope.can_observe("ledger", "payments")
    assert scope.can_observe("cache", "cache") and not scope.can_observe("cache", "server")


def test_a_communication_context_is_a_stack_of_causes_that_forks() -> None:
    first, second = Event("A"), Event("B")
    context = CommunicationContext([first])
    context.push_cause(second)
    fork = context.fork()
    assert context.pop_cause() is second
    assert context.current_causes == [first] and fork.current_causes == [first, second]
    context.pop_cause()
    with pytest.raises(IndexError, match="no causes"):
        context.pop_cause()
