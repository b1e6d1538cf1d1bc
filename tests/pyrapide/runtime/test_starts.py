"""watching_starts: a program is told when a System starts, and may stop it there."""

from __future__ import annotations

import pytest

from pyrapide import action, architecture, interface, module
from pyrapide.runtime.starts import watching_starts


@interface
class Counter:
    @action
    async def counted(self, n: int) -> None: ...


built: list[str] = []


@module(implements=Counter)
class Counting:
    def __init__(self) -> None:
        built.append("counter")


@architecture
class Counted:
    counter: Counter


async def test_each_start_is_told_while_watched_and_not_after() -> None:
    told: list[object] = []
    outer: list[object] = []
    with watching_starts(outer.append), watching_starts(told.append):
        system = Counted.bind(counter=Counting)
        await system.run()
    assert told == outer == [system]
    await Counted.bind(counter=Counting).run()
    assert told == [system]


async def test_a_watcher_that_raises_stops_the_start_before_a_module_is_built() -> None:
    class Refused(Exception):
        pass

    def refuse(system: object) -> None:
        raise Refused

    built.clear()
    system = Counted.bind(counter=Counting)
    with watching_starts(refuse), pytest.raises(Refused):
        await system.run()
    assert built == [] and system.modules == {}
