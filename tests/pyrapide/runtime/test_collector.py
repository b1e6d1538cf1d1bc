"""Full garbage collections held off while a run records, and restored after."""

from __future__ import annotations

import gc
import sys
import threading

import pytest

from pyrapide import Pattern, action, architecture, connect, get_context, interface, module, when
from pyrapide.runtime import System
from pyrapide.runtime.collector import full_collections_held


@interface
class Echo:
    @action
    async def said(self, n: int) -> None: ...


seen: list[tuple[int, int, int]] = []


@module(implements=Echo)
class Speaker:
    async def start(self):
        if get_context(self).component == "a":
            seen.append(gc.get_threshold())
            await get_context(self).emit("Echo.said", n=1)

    @when(Pattern.match("Echo.said"))
    async def on_said(self, match):
        seen.append(gc.get_threshold())


@architecture
class Pair:
    a = Echo
    b = Echo
    connections = [connect(Pattern.match("Echo.said", source="a"), target="b")]


@pytest.fixture(autouse=True)
def thresholds():
    before = gc.get_threshold()
    seen.clear()
    yield
    gc.set_threshold(*before)


async def test_a_run_makes_no_full_collection_and_restores_the_threshold():
    gc.set_threshold(700, 10, 10)
    await System(Pair, {"a": Speaker, "b": Speaker}).run()
    assert len(seen) == 2
    assert all(young == 700 and middle == 10 and oldest > 10**9 for young, middle, oldest in seen)
    assert gc.get_threshold() == (700, 10, 10)


def test_nested_holds_restore_once_and_survive_an_exception():
    gc.set_threshold(500, 7, 9)
    with pytest.raises(ValueError), full_collections_held():
        with full_collections_held():
            assert gc.get_threshold()[2] > 10**9
        assert gc.get_threshold()[2] > 10**9  # the outer hold still holds
        raise ValueError
    assert gc.get_threshold() == (500, 7, 9)


def test_a_threshold_changed_during_the_hold_is_left_as_set():
    gc.set_threshold(700, 10, 10)
    with full_collections_held():
        gc.set_threshold(1000, 20, 30)
    assert gc.get_threshold() == (1000, 20, 30)


def test_a_disabled_collector_is_left_alone():
    gc.set_threshold(700, 10, 10)
    gc.disable()
    try:
        with full_collections_held():
            assert gc.get_threshold() == (700, 10, 10)
    finally:
        gc.enable()


def test_holds_taken_and_released_on_many_threads_restore_the_threshold_once():
    # Explorations run shards on threads, each stepping its own system: the holds
    # overlap in every order, and a switch may fall between any two lines.
    gc.set_threshold(700, 10, 10)
    errors: list[BaseException] = []

    def hold_often() -> None:
        try:
            for _ in range(3000):
                with full_collections_held():
                    pass
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=hold_often) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert gc.get_threshold() == (700, 10, 10)


def test_what_survives_a_young_collection_during_a_hold_is_frozen_until_it_ends():
    # Each young collection would walk again what the one before left (every event
    # and payload a run records, two or three times): it is frozen instead.
    gc.collect()
    assert gc.get_freeze_count() == 0
    kept = []
    with full_collections_held():
        for _ in range(5):
            kept.extend([] for _ in range(2000))  # past the young threshold
            gc.collect(0)
            assert gc.get_freeze_count() >= len(kept)
    assert gc.get_freeze_count() == 0  # given back: full collections walk it again


def test_cyclic_garbage_made_during_a_hold_is_collected_after_it():
    class Knot:
        def __init__(self) -> None:
            self.me = self

    with full_collections_held():
        knots = [Knot() for _ in range(1000)]
        gc.collect(0)  # they survive it, and are frozen
        del knots  # now cyclic garbage, out of sight until the hold ends
    assert gc.collect() >= 1000


def test_a_hold_leaves_what_somebody_else_froze_frozen():
    # The workbench freezes what it keeps between runs: a hold cannot give back only
    # its own, so it freezes nothing, and unfreezes nothing.
    gc.collect()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with full_collections_held():
            garbage = [[] for _ in range(3000)]
            gc.collect(0)
            assert gc.get_freeze_count() == frozen
            del garbage
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
