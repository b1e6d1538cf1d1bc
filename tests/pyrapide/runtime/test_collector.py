"""Full garbage collections held off while a run records, and restored after."""

from __future__ import annotations

import gc
import sys
import threading

import pytest

from pyrapide import Pattern, action, architecture, connect, get_context, interface, module, when
from pyrapide.runtime import System, collector
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


@pytest.fixture
def unfrozen(monkeypatch):
    """Nothing frozen but what the interpreter froze itself (CPython 3.12 starts with
    some), and no earlier test's freeze remembered (see the collector's docstring): as
    a program that never freezes starts."""
    gc.collect()
    assert gc.get_freeze_count() == collector._frozen_by_nobody
    monkeypatch.setattr(collector, "_frozen_by_others", False)
    gc.set_threshold(10**6, 10, 10)  # the young collections below are the tests' own


def young_collections(count: int, kept: list[object]) -> None:
    """``count`` young collections, each leaving 2,000 new lists alive (in ``kept``),
    each followed by the tending a run's scheduler does every few hundred events."""
    for _ in range(count):
        kept.extend([] for _ in range(2000))
        gc.collect(0)
        collector.tend()


def test_what_survives_young_collections_during_a_long_hold_is_frozen_until_it_ends(unfrozen):
    # Each young collection would walk again what the one before left (every event
    # and payload a run records, two or three times): once the hold has lasted, it is
    # frozen instead.
    kept: list[object] = []
    before = gc.get_freeze_count()
    with full_collections_held():
        young_collections(collector.FREEZE_AFTER - 1, kept)
        assert gc.get_freeze_count() == before  # a short hold (a step or two) freezes nothing
        young_collections(3, kept)
        assert gc.get_freeze_count() >= len(kept)
    assert gc.get_freeze_count() == 0  # given back: full collections walk it again


def test_cyclic_garbage_made_during_a_hold_is_collected_after_it(unfrozen):
    class Knot:
        def __init__(self) -> None:
            self.me = self

    with full_collections_held():
        knots = [Knot() for _ in range(1000)]
        young_collections(collector.FREEZE_AFTER + 1, [])  # they survive, and are frozen
        assert gc.get_freeze_count() >= 2000
        del knots  # now cyclic garbage, out of sight until the hold ends
    assert gc.collect() >= 1000


def test_a_hold_leaves_what_somebody_else_froze_frozen(unfrozen):
    # The workbench freezes what it keeps between runs: a hold cannot give back only
    # its own, so it freezes nothing, and unfreezes nothing; nor does any hold after.
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        for _ in range(2):
            with full_collections_held():
                young_collections(collector.FREEZE_AFTER + 2, [])
                assert gc.get_freeze_count() == frozen
            assert gc.get_freeze_count() == frozen
        assert collector._frozen_by_others
    finally:
        gc.unfreeze()


def test_what_the_interpreter_froze_before_the_import_keeps_no_hold_from_freezing(
    unfrozen, monkeypatch
):
    # CPython 3.12 keeps 375 immortal tuples frozen (its built-in types' bases): taken
    # as a program's, they kept every hold from freezing, each run's collections
    # walking its events again. Here objects frozen before the import stand for them.
    gc.freeze()
    try:
        monkeypatch.setattr(collector, "_frozen_by_nobody", gc.get_freeze_count())
        kept: list[object] = []
        with full_collections_held():
            young_collections(collector.FREEZE_AFTER + 2, kept)
            assert gc.get_freeze_count() >= collector._frozen_by_nobody + len(kept)
        assert not collector._frozen_by_others
        assert gc.get_freeze_count() == 0  # given back, the interpreter's with the rest
    finally:
        gc.unfreeze()


@module(implements=Echo)
class Chatty:
    async def start(self):
        if get_context(self).component == "a":
            for n in range(CHATTER):
                await get_context(self).emit("Echo.said", n=n)

    @when(Pattern.match("Echo.said"))
    async def on_said(self, match):
        if match.payload["n"] % 100 == 0:
            seen_callbacks.append(list(gc.callbacks))
            frozen.append(gc.get_freeze_count())


CHATTER = 20_000  # deliveries: some fifty young collections
seen_callbacks: list[list[object]] = []
frozen: list[int] = []


async def test_a_run_freezes_as_it_records_and_puts_no_code_in_the_collector(unfrozen):
    # A signal that comes while the collector works is handled in the next Python code
    # to run: a gc callback, if there is one, whose exception (a Ctrl-C's
    # KeyboardInterrupt) is then printed as "Exception ignored" and lost.
    gc.set_threshold(700, 10, 10)
    before = list(gc.callbacks)
    seen_callbacks.clear()
    frozen.clear()
    await System(Pair, {"a": Chatty, "b": Chatty}).run()
    assert len(seen_callbacks) == CHATTER // 100
    assert all(seen == before for seen in seen_callbacks)
    # (CPython 3.12 keeps some of its own frozen: see the collector.)
    assert frozen[0] <= collector._frozen_by_nobody < frozen[-1]  # it froze, once it lasted
    assert gc.get_freeze_count() == 0  # and gave it back at its end
