"""A connection or handler whose pattern names events with ``*`` (``Sensor.*``)."""

from __future__ import annotations

from pyrapide import (
    Pattern,
    action,
    architecture,
    connect,
    get_context,
    interface,
    module,
    when,
)
from pyrapide.runtime import System, Verdict


@interface
class Sensor:
    @action
    async def reading(self, level: int) -> None: ...

    @action
    async def fault(self, code: str) -> None: ...


@interface
class Valve:
    @action
    async def opened(self) -> None: ...


@interface
class Log:
    @action
    async def noted(self, what: str) -> None: ...


@architecture
class Plant:
    sensor = Sensor
    valve = Valve
    log = Log
    connections = [connect(Pattern.match("Sensor.*"), target=log)]


@module(implements=Sensor)
class Probe:
    pass


@module(implements=Valve)
class Tap:
    pass


@module(implements=Log)
class Notes:
    @when(Pattern.match("*.fault"))
    async def on_fault(self, match):
        await get_context(self).emit("Log.noted", what=f"fault {match.payload['code']}")

    @when(Pattern.match("Sensor.*", level=9))
    async def on_high(self, match):
        await get_context(self).emit("Log.noted", what="high")


async def test_a_star_in_a_name_routes_and_handles_every_name_it_completes():
    system = System(Plant, {"sensor": Probe, "valve": Tap, "log": Notes})
    await system.start()
    reading = system.inject("Sensor.reading", {"level": 9}, source="sensor")
    fault = system.inject("Sensor.fault", {"code": "E1"}, source="sensor")
    opened = system.inject("Valve.opened", source="valve")
    await system.run_until_quiet()
    noted = system.computation.events_by_name("Log.noted")
    assert [(e.payload["what"], list(system.computation.causes(e))) for e in noted] == [
        ("high", [reading]),
        ("fault E1", [fault]),
    ]
    (sensors,) = system.why_not(reading)
    assert sensors.verdict is Verdict.DELIVERED
    (valves,) = system.why_not(opened)
    assert valves.verdict is Verdict.NOT_OFFERED
    assert valves.detail == "its pattern names Sensor.*, which Valve.opened is not"
