"""Failure is contained: raising handlers, synchronous cycles, storms, bad subscribers."""

from __future__ import annotations

import asyncio
import warnings

import pytest

from pyrapide import (
    Pattern,
    action,
    agent,
    architecture,
    connect,
    constraint,
    get_context,
    interface,
    module,
    never,
    when,
)
from pyrapide.constraints import Constraint
from pyrapide.runtime import (
    ConstraintCheckError,
    ConstraintGuardError,
    GuardError,
    HandlerError,
    LimitReached,
    SubscriberError,
    System,
)
from pyrapide.runtime.notifications import FRAMES_KEPT


@interface
class Ping:
    @action
    async def ping(self, n: int) -> None: ...


@interface
class Pong:
    @action
    async def pong(self, n: int) -> None: ...


def ping_pong(kind):
    factory = {"connect": connect, "agent": agent}[kind]

    @architecture
    class PingPong:
        a = Ping
        b = Pong
        connections = [
            factory(Pattern.match("Ping.ping"), target="b"),
            factory(Pattern.match("Pong.pong"), target="a"),
        ]

    return PingPong


@module(implements=Ping)
class Pinger:
    async def start(self):
        await get_context(self).emit("Ping.ping", n=0)

    @when(Pattern.match("Pong.pong"))
    async def on_pong(self, match):
        await get_context(self).emit("Ping.ping", n=match.payload["n"] + 1)


@module(implements=Pong)
class Ponger:
    @when(Pattern.match("Ping.ping"))
    async def on_ping(self, match):
        if match.payload["n"] == 3:
            raise KeyError("no pong for three")
        await get_context(self).emit("Pong.pong", n=match.payload["n"])


async def test_a_raising_handler_is_reported_and_the_run_goes_on():
    reported = []
    system = System(ping_pong("agent"), {"a": Pinger, "b": Ponger})
    system.subscribe(reported.append, kinds=[HandlerError])
    computation = await system.run()
    (error,) = system.errors
    assert reported == [error]
    assert error.component == "b"
    assert error.event.name == "Ping.ping" and error.event.payload["n"] == 3
    assert error.dispatch.kind == "agent" and error.dispatch.target == "b"
    assert isinstance(error.error, KeyError)
    assert "on_ping" in error.traceback and "no pong for three" in error.traceback
    assert "_deliver" not in error.traceback  # the scheduler's own frame is left out
    # Everything before the failure is kept; the run ended normally.
    assert [e.payload["n"] for e in computation.events_by_name("Ping.ping")] == [0, 1, 2, 3]
    assert system.state == "stopped"


@module(implements=Ping)
class Ticker:
    async def start(self):
        for n in range(FRAMES_KEPT + 20):
            await get_context(self).emit("Ping.ping", n=n)


@module(implements=Pong)
class Failing:
    @when(Pattern.match("Ping.ping"))
    async def on_ping(self, match):
        try:
            {}[match.payload["n"]]
        except KeyError as missing:
            raise ValueError(f"no pong for {match.payload['n']}") from missing


async def test_a_storm_of_handler_errors_keeps_every_one_and_the_frames_of_the_first():
    """Each error is kept with its traceback's text; past FRAMES_KEPT, its exception no
    longer holds the frames it ran in (and their variables) alive."""
    system = System(ping_pong("agent"), {"a": Ticker, "b": Failing})
    await system.run()
    errors = system.errors
    assert len(errors) == FRAMES_KEPT + 20
    for note in errors:
        assert "on_ping" in note.traceback and "from missing" in note.traceback
        assert f"no pong for {note.event.payload['n']}" in note.traceback
        assert isinstance(note.error.__cause__, KeyError)
    whole = [note.error.__traceback__ is not None for note in errors]
    assert whole == [True] * FRAMES_KEPT + [False] * 20
    assert all(note.error.__cause__.__traceback__ is None for note in errors[FRAMES_KEPT:])


def _no_key(event):
    return event.payload["missing"] > 0


async def test_a_raising_guard_is_reported_as_an_error_and_routing_goes_on():
    @architecture
    class Guarded:
        a = Ping
        b = Pong
        connections = [
            agent(Pattern.match("Ping.ping").where(_no_key), target="b"),
            agent(Pattern.match("Ping.ping"), target="b"),
            # A guard inside a composite pattern is found too.
            agent(Pattern.match("Pong.pong").where(_no_key) >> Pattern.match("Ping.ping"), "a"),
        ]

    reported = []
    system = System(Guarded, {"a": Pinger, "b": Ponger})
    system.subscribe(reported.append, kinds=[HandlerError])  # GuardError is one
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reported as a GuardError, so not warned too
        computation = await system.run()
    guards = [error for error in system.errors if isinstance(error, GuardError)]
    assert [g for g in reported if isinstance(g, GuardError)] == guards
    first = guards[0]
    assert first.component == "b" and first.dispatch is None
    assert first.connection.index == 0
    assert first.event.id == computation.events_by_name("Ping.ping")[0].id
    assert isinstance(first.error, KeyError)
    assert "_no_key" in first.traceback and "_keep" not in first.traceback
    # One report per event the guard raised on, for each connection that has it.
    pings = len(computation.events_by_name("Ping.ping"))
    pongs = len(computation.events_by_name("Pong.pong"))
    assert [g.connection.index for g in guards].count(0) == pings
    assert [g.connection.index for g in guards].count(2) == pongs
    # The unguarded connection #1 still delivered the ping; #2 never fired, so no more.
    assert (pings, pongs) == (1, 1)


async def test_a_raising_guard_of_a_handler_is_reported_and_its_siblings_still_run():
    heard = []

    @module(implements=Pong)
    class PickyPonger:
        @when(Pattern.match("Ping.ping").where(_no_key))
        async def on_guarded_ping(self, match):
            heard.append("guarded")

        @when(Pattern.match("Ping.ping"))
        async def on_ping(self, match):
            heard.append(match.payload["n"])

    @architecture
    class OneWay:
        a = Ping
        b = Pong
        connections = [connect(Pattern.match("Ping.ping"), target="b")]

    reported = []
    system = System(OneWay, {"a": Pinger, "b": PickyPonger})
    system.subscribe(reported.append, kinds=[HandlerError])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reported as a GuardError, so not warned too
        computation = await system.run()
    (error,) = system.errors
    assert reported == [error]
    assert isinstance(error, GuardError) and isinstance(error.error, KeyError)
    assert error.component == "b" and error.connection.index == 0
    assert error.event.id == computation.events_by_name("Ping.ping")[0].id
    assert "_no_key" in error.traceback
    assert heard == [0]  # the guarded handler did not run; its sibling did


def _guarded_constraints():
    """Ping-pong with constraints whose guards raise on every ping (no field
    ``missing``): alone, in a composite, in a constraint class; and one that works."""

    @constraint
    class Shared:
        def rules(self):
            never(Pattern.match("Pong.pong") >> Pattern.match("Ping.ping").where(_no_key))

    @architecture
    class Checked:
        a = Ping
        b = Pong
        connections = [
            connect(Pattern.match("Ping.ping"), target="b"),
            connect(Pattern.match("Pong.pong"), target="a"),
        ]
        constraints = [
            never(Pattern.match("Ping.ping").where(_no_key), name="no_missing"),
            Shared,
            never(Pattern.match("Ping.ping", n=2), name="no_two"),
        ]

    return Checked


async def test_a_raising_guard_of_a_constraint_is_reported_not_a_silent_hold():
    # A never whose guard raised on every event counted each as a non-match: it held
    # without a word but a RuntimeWarning on stderr, which no front end shows.
    reported = []
    system = System(_guarded_constraints(), {"a": Pinger, "b": Ponger})
    system.subscribe(reported.append, kinds=[HandlerError])  # ConstraintGuardError is one
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reported as a ConstraintGuardError, not warned
        computation = await system.run()
    guards = [error for error in system.errors if isinstance(error, ConstraintGuardError)]
    assert [g for g in reported if isinstance(g, ConstraintGuardError)] == guards
    pings = computation.events_by_name("Ping.ping")
    assert [(g.constraint, g.event.id) for g in guards if g.constraint == "no_missing"] == [
        ("no_missing", ping.id) for ping in pings
    ]
    # The constraint class's rule raised once a pong preceded a ping, on that ping.
    shared = [g for g in guards if g.constraint == "Shared"]
    assert shared and all(g.event.name == "Ping.ping" for g in shared)
    first = guards[0]
    assert first.component == "" and first.dispatch is None
    assert isinstance(first.error, KeyError)
    assert [e.id for e in first.match.events] == [first.event.id]
    assert "_no_key" in first.traceback
    # The run went on, and the constraint whose guard works still judged it.
    assert [v.constraint_name for v in system.violations] == ["no_two"]
    assert [e.payload["n"] for e in pings] == [0, 1, 2, 3]


class _LooksUpNothing(Constraint):
    """A constraint written by hand whose check raises on every computation."""

    name = "looks_up"

    def check(self, computation):  # type: ignore[override]
        return {}["nothing"]


def _checked_by_hand():
    @architecture
    class CheckedByHand:
        a = Ping
        b = Pong
        connections = [
            connect(Pattern.match("Ping.ping"), target="b"),
            connect(Pattern.match("Pong.pong"), target="a"),
        ]
        constraints = [
            _LooksUpNothing(),
            never(Pattern.match("Ping.ping", n=2), name="no_two"),
        ]

    return CheckedByHand


async def test_a_hand_written_check_that_raises_is_reported_and_the_run_ends_well():
    # The check's KeyError ended run() (and stop()) with it, as if the system had
    # failed; `rapide run` called it an internal error.
    reported = []
    system = System(_checked_by_hand(), {"a": Pinger, "b": Ponger})
    system.subscribe(reported.append, kinds=[HandlerError])
    computation = await system.run()
    assert system.state == "stopped"
    checks = [error for error in system.errors if isinstance(error, ConstraintCheckError)]
    (check,) = checks
    assert [r for r in reported if isinstance(r, ConstraintCheckError)] == checks
    assert check.constraint == "looks_up" and isinstance(check.error, KeyError)
    assert check.component == "" and check.event is None and check.dispatch is None
    # The traceback starts in the constraint's own code, not the monitor's.
    assert "in check" in check.traceback and "monitor.py" not in check.traceback
    assert "raised by the check() of constraint 'looks_up'" in check.traceback
    # The other constraint still judged the run; what was recorded stays.
    assert [v.constraint_name for v in system.violations] == ["no_two"]
    assert len(computation.events_by_name("Ping.ping")) == 4


async def test_a_raising_check_is_told_once_for_the_same_events():
    system = System(_checked_by_hand(), {"a": Pinger, "b": Ponger})
    await system.start()
    assert system.outstanding_violations() == []
    assert system.outstanding_violations() == []
    assert [type(e) for e in system.errors] == [ConstraintCheckError]
    await system.run()  # new events: asked again at the stop, told again
    checks = [error for error in system.errors if isinstance(error, ConstraintCheckError)]
    assert len(checks) == 2


async def test_raise_errors_re_raises_a_hand_written_checks_error():
    @architecture
    class OnlyChecked:
        a = Ping
        constraints = [_LooksUpNothing()]

    system = System(OnlyChecked, {"a": Pinger})
    with pytest.raises(KeyError, match="nothing"):
        await system.run(raise_errors=True)
    assert len(system.computation) == 1  # recorded before the re-raise, not lost


async def test_raise_errors_re_raises_at_the_end_of_the_run():
    system = System(ping_pong("agent"), {"a": Pinger, "b": Ponger})
    with pytest.raises(KeyError, match="no pong for three"):
        await system.run(raise_errors=True)
    assert len(system.computation) == 7  # recorded before the re-raise, not lost


async def test_a_raising_connect_target_still_releases_its_emitter():
    system = System(ping_pong("connect"), {"a": Pinger, "b": Ponger})
    await system.run()
    assert len(system.errors) == 1
    assert system.state == "stopped" and system.pending() == []


@module(implements=Pong)
class EndlessPonger:
    @when(Pattern.match("Ping.ping"))
    async def on_ping(self, match):
        await get_context(self).emit("Pong.pong", n=match.payload["n"])


async def test_a_synchronous_cycle_is_stopped_by_the_connect_depth_bound():
    limits = []
    system = System(
        ping_pong("connect"), {"a": Pinger, "b": EndlessPonger}, max_connect_depth=10
    )
    system.subscribe(limits.append, kinds=[LimitReached])
    computation = await system.run()
    (limit,) = limits
    assert limit.limit == "connect_depth" and "max_connect_depth=10" in limit.message
    # Ten nested deliveries were made; the eleventh event was recorded but not delivered.
    assert len(computation) == 11
    assert system.errors == []


async def test_a_deep_synchronous_cycle_is_no_recursion_error():
    system = System(
        ping_pong("connect"), {"a": Pinger, "b": EndlessPonger}, max_connect_depth=5000
    )
    computation = await system.run()
    assert len(computation) == 5001 and system.errors == []


async def test_an_event_storm_is_stopped_by_max_events():
    limits = []
    system = System(ping_pong("agent"), {"a": Pinger, "b": EndlessPonger})
    system.subscribe(limits.append, kinds="LimitReached")
    computation = await system.run(max_events=500)
    assert [n.limit for n in limits] == ["max_events"]
    assert len(computation) == 500
    assert system.state == "stopped"


async def test_what_a_bound_cut_short_is_kept_for_a_run_nobody_watched():
    cycle = System(ping_pong("connect"), {"a": Pinger, "b": EndlessPonger}, max_connect_depth=10)
    await cycle.run()
    (limit,) = cycle.limits
    assert limit.limit == "connect_depth" and "max_connect_depth=10" in limit.message
    storm = System(ping_pong("agent"), {"a": Pinger, "b": EndlessPonger})
    await storm.run(max_events=500)
    assert [note.limit for note in storm.limits] == ["max_events"]
    waiting = System(ping_pong("agent"), {"a": Waiter, "b": EndlessPonger})
    await asyncio.wait_for(waiting.run(timeout=0.05), 5)
    assert [note.limit for note in waiting.limits] == ["timeout"]
    cycle.reset()  # a fresh run: nothing cut short yet
    assert cycle.limits == []


@module(implements=Ping)
class Chatterbox:
    async def start(self):
        n = 0
        while True:
            await get_context(self).emit("Ping.ping", n=n)
            n += 1


async def test_a_handler_that_never_stops_emitting_is_stopped_too():
    system = System(ping_pong("agent"), {"a": Chatterbox, "b": EndlessPonger})
    computation = await system.run(max_events=300)
    assert len(computation) == 300 and system.state == "stopped"


@module(implements=Ping)
class Waiter:
    async def start(self):
        await asyncio.get_running_loop().create_future()  # never completes


async def test_a_timeout_stops_a_run_that_waits_forever():
    limits = []
    system = System(ping_pong("agent"), {"a": Waiter, "b": EndlessPonger})
    system.subscribe(limits.append, kinds=[LimitReached])
    await asyncio.wait_for(system.run(timeout=0.05), 5)
    assert [n.limit for n in limits] == ["timeout"]
    assert system.state == "stopped"


async def test_a_timeout_stops_a_run_paused_by_a_subscriber_and_never_resumed():
    system = System(ping_pong("agent"), {"a": Pinger, "b": EndlessPonger})
    system.subscribe(lambda note: system.pause(), kinds=["DispatchFinished"])
    computation = await asyncio.wait_for(system.run(timeout=0.05), 5)
    assert [note.limit for note in system.limits] == ["timeout"]
    assert "while paused" in system.limits[0].message
    assert system.state == "stopped" and len(computation) == 2


async def test_a_pause_on_an_event_of_the_start_hooks_holds_the_run_until_resumed():
    system = System(ping_pong("agent"), {"a": Pinger, "b": EndlessPonger}, max_events=20)
    paused_at = []

    def breakpoint_on_the_first_ping(note):
        if note.event.id == "e1":
            system.pause()

    async def look_then_resume():
        await asyncio.sleep(0.02)
        paused_at.append((system.state, len(system.computation)))
        system.resume()

    system.subscribe(breakpoint_on_the_first_ping, kinds=["EventRecorded"])
    looking = asyncio.create_task(look_then_resume())
    computation = await asyncio.wait_for(system.run(), 5)
    await looking
    assert paused_at == [("paused", 1)]  # held right after the start hook's event
    assert len(computation) == 20  # then resumed, until max_events


async def test_a_pause_asked_before_run_is_dropped_as_the_run_loop_drops_it():
    system = System(ping_pong("agent"), {"a": Pinger, "b": EndlessPonger}, max_events=20)
    system.pause()
    computation = await asyncio.wait_for(system.run(), 5)
    assert len(computation) == 20


async def test_a_raising_subscriber_is_removed_and_reported_and_the_run_goes_on():
    calls = []
    reports = []

    def broken(note):
        calls.append(note)
        raise RuntimeError("subscriber bug")

    system = System(ping_pong("agent"), {"a": Pinger, "b": EndlessPonger})
    system.subscribe(broken)
    system.subscribe(reports.append, kinds=[SubscriberError])
    await system.run(max_events=50)
    assert len(calls) == 1  # called once, then removed
    (report,) = reports
    assert report.callback is broken and "subscriber bug" in report.traceback
    assert len(system.computation) == 50


@module(implements=Ping)
class Misnamer:
    async def start(self):
        await get_context(self).emit("Ping.pingg", n=1)


async def test_emitting_an_undeclared_event_is_a_clear_handler_error():
    system = System(ping_pong("agent"), {"a": Misnamer, "b": EndlessPonger})
    await system.run()
    (error,) = system.errors
    assert error.component == "a" and error.event is None and error.dispatch is None
    assert "a cannot emit 'Ping.pingg': its interface declares Ping.ping" in str(error.error)


@interface
class LoudPing(Ping):
    @action
    async def shout(self, n: int) -> None: ...


@module(implements=LoudPing)
class Shouter:
    """A module of an interface derived from Ping, bound to a component declared Ping."""

    async def start(self):
        ctx = get_context(self)
        await ctx.emit("ping", n=0)  # an action of Ping, which the component is declared as
        for name in ("LoudPing.shout", "shout", "LoudPing.ping"):
            try:
                await ctx.emit(name, n=1)
            except Exception as error:
                self.refused = [*getattr(self, "refused", []), str(error)]


async def test_a_module_of_a_derived_interface_emits_what_its_component_is_declared_with():
    # The component's alphabet is its declared interface's: what the architecture and
    # its connections know of it. The refusal says why the module's own action is refused.
    system = System(ping_pong("agent"), {"a": Shouter, "b": EndlessPonger}, max_events=3)
    await system.run()
    assert system.computation.events_by_name("Ping.ping")
    assert not system.computation.events_by_name("LoudPing.shout")
    narrower = (
        "its interface declares Ping.ping (its module implements LoudPing, which declares "
        "LoudPing.shout, but the architecture declares a as Ping: declare it as LoudPing "
        "to emit it)"
    )
    assert system.modules["a"].refused == [
        f"a cannot emit 'LoudPing.shout': {narrower}",
        f"a cannot emit 'shout': {narrower}",
        "a cannot emit 'LoudPing.ping': its interface declares Ping.ping (the architecture "
        "declares a as Ping: emit it as Ping.ping)",
    ]


@interface
class Door:
    @action
    async def opened(self, by: str) -> None: ...

    async def closed(self, by: str) -> None: ...  # @action forgotten: no event


@module(implements=Door)
class Closer:
    async def start(self):
        await get_context(self).emit("closed", by="me")


@architecture
class House:
    door = Door
    connections = []


async def test_an_event_named_after_a_method_not_marked_action_says_so():
    # "its interface declares Door.opened" alone left the user to find the missing
    # decorator; emit and inject now name it.
    system = System(House, {"door": Closer})
    await system.run()
    (error,) = system.errors
    assert str(error.error) == (
        "door cannot emit 'closed': its interface declares Door.opened; the method "
        "Door.closed is not marked @action (mark it to declare the event)"
    )
    with pytest.raises(ValueError, match=r"'Door.closed': the method Door.closed is not marked"):
        System(House, {"door": Closer}).inject("Door.closed", {"by": "x"})


@module(implements=Door)
class PositionalOpener:
    async def start(self):
        await get_context(self).emit("opened", "me")  # a value where a payload goes


async def test_a_value_given_for_the_payload_is_told_to_name_the_fields():
    system = System(House, {"door": PositionalOpener})
    await system.run()
    (error,) = system.errors
    assert str(error.error) == (
        "door emitting Door.opened: payload must be a dict, got str; give the fields by "
        "name: emit('opened', by=...)"
    )


async def test_raising_max_events_lets_a_stopped_run_go_on_where_it_stopped():
    system = System(ping_pong("agent"), {"a": Chatterbox, "b": EndlessPonger}, max_events=100)
    await system.start()
    await system.run_until_quiet()
    assert len(system.computation) == 100 and system.state == "paused"
    await system.run_until_quiet()  # still at the bound: nothing more
    assert len(system.computation) == 100
    system.max_events = 250
    await system.run_until_quiet()
    assert len(system.computation) == 250
    pings = [e.payload["n"] for e in system.computation.events_by_name("Ping.ping")]
    assert pings == list(range(len(pings)))  # the chatterbox resumed where it stopped
    await system.stop()


class _Unshowable(Exception):
    """An error of the user's whose own __repr__ and __str__ raise."""

    def __repr__(self):
        raise RuntimeError("no repr")

    def __str__(self):
        raise RuntimeError("no str")


def _unshowable_guard(match):
    raise _Unshowable()


@module(implements=Pong)
class Unshowable:
    @when(Pattern.match("Ping.ping"))
    async def on_ping(self, match):
        raise _Unshowable()


async def test_an_error_whose_repr_raises_still_shows_in_its_report():
    # HandlerError's repr (a dataclass's) called repr() of the user's error: printing
    # system.errors, as one does in a program of one's own, raised RuntimeError.
    @architecture
    class Showing:
        a = Ping
        b = Pong
        connections = [
            connect(Pattern.match("Ping.ping"), target="b"),
            agent(Pattern.match("Ping.ping").where(_unshowable_guard), target="b"),
        ]

    system = System(Showing, {"a": Pinger, "b": Unshowable})
    await system.run()
    kinds = sorted(type(error).__name__ for error in system.errors)
    assert kinds == ["GuardError", "HandlerError"]
    for error in system.errors:
        shown = repr(error)
        assert shown.startswith(f"{type(error).__name__}(seq=")
        assert "error=<_Unshowable, whose repr raised>" in shown
        assert str(error) == shown
