"""The garbage collector kept off what a run has recorded while a run loop records events.

A run keeps what it records: its events, their payloads and the poset's
indices stay alive until the computation is dropped. CPython's full (oldest
generation) collection walks every live container, so on a run of a million
events each one paused the run for one to two seconds, in the middle of it
(and, in the workbench, between two keys). And the middle generation's collections
walked again what the young ones left, so that every event and payload was walked
twice or more on its way to the oldest generation: half the collector's time in a
run (2.5% of a million-event run's, ``benchmarks/bench_limit.py --gc-pauses``).

So while a run loop holds the collector (:func:`full_collections_held`), it makes
no full collection by itself, and once the hold has lasted :data:`FREEZE_AFTER` young
collections, what they left is frozen (:func:`gc.freeze`: out of every collection's
sight) every few hundred events the run records (:func:`tend`). The young collections
go on: each walks only what was made since the last freeze, and finds the short-lived
cycles a handler may make. When the outermost hold ends, what was frozen goes back to
the oldest generation (:func:`gc.unfreeze`) and full collections resume: cyclic
garbage frozen during the run is found by the first one after it.

Freezing is the recording's, and not a ``gc.callbacks`` entry's after each young
collection: a signal that comes while the collector works is handled in
the first Python code that runs next, and a callback is that code; what its handler
raises there (the ``KeyboardInterrupt`` of a Ctrl-C, the workbench's ending on
SIGTERM) is printed as "Exception ignored" and lost.

Freezing moves the whole heap, and unfreezing moves it all back: a program that
freezes what it keeps (the workbench, between runs; a server, before forking) would
have it given back by the first hold's end. So before a hold first freezes, it asks
whether anything is frozen already (:func:`gc.get_freeze_count`, which counts every
frozen object: a few milliseconds a million), and if so, no hold of this process
freezes again: they still hold the full collections. A hold of a step or two ends
before it would ask. (What a program freezes itself while a hold freezes is given back
with the rest when it ends.) As many objects as were frozen when this module was
imported count as nobody's: CPython 3.12 keeps its immortal containers there (375 at
start, its built-in types' tuples of bases; each full collection moves them back), and
taken as a program's they kept every run on 3.12 from freezing at all.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Oldest-generation threshold while held: a count of young-generation collections
# that a run never reaches (CPython keeps it in a C int).
_NEVER = 2**31 - 1

FREEZE_AFTER = 16
"""The young collections a hold lets run before it freezes what they leave: a run long
enough for freezing to pay (some hundreds of deliveries), and for the question asked
before the first freeze (is anything frozen already?) to cost nothing beside it."""

_holders = 0
_saved: int | None = None
_started = 0  # the young collections made before the hold in progress
_tended = 0  # the young collections made before the last freeze
_freezing = False  # the hold in progress freezes what young collections leave
_frozen_by_others = False  # found frozen before a hold froze: no hold freezes again
_frozen_by_nobody = gc.get_freeze_count()  # the interpreter's own (see above)
# Holds are taken and released on several threads at once (an exploration's shards on
# threads, each stepping its own system): the count and what the first hold changed
# change together.
_lock = threading.Lock()


def _young_collections() -> int:
    return int(gc.get_stats()[0]["collections"])


def tend() -> None:
    """For a holder now and then (the scheduler, every few hundred events recorded):
    once the hold has lasted :data:`FREEZE_AFTER` young collections, freeze what the
    young collections since the last call left (and what was made since), so that no
    later collection of the run walks it again; unless something was frozen already.
    About a microsecond; nothing when no young collection came since the last call."""
    global _tended, _freezing, _frozen_by_others
    if _saved is None or _frozen_by_others:
        return
    young = _young_collections()
    if young == _tended:
        return
    if not _freezing:
        if young - _started < FREEZE_AFTER:
            return
        if gc.get_freeze_count() > _frozen_by_nobody:
            _frozen_by_others = True
            return
        _freezing = True
    _tended = young
    gc.freeze()


@contextmanager
def full_collections_held() -> Iterator[None]:
    """Within this block the collector makes no full collection by itself (an
    explicit ``gc.collect()`` still does), and once the block has lasted a while,
    :func:`tend` freezes what young collections left, until it ends (see the module's
    docstring).
    Nested and concurrent holders, on any thread, share one hold; the threshold in
    force before the first is restored after the last, unless somebody changed it
    meanwhile. Does nothing while the collector is disabled."""
    global _holders, _saved, _started, _tended, _freezing
    with _lock:
        if _holders == 0 and gc.isenabled():
            young, middle, oldest = gc.get_threshold()
            if young and oldest != _NEVER:
                _saved = oldest
                gc.set_threshold(young, middle, _NEVER)
                _started = _tended = _young_collections()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _saved is not None:
                if _freezing:
                    _freezing = False
                    gc.unfreeze()
                young, middle, oldest = gc.get_threshold()
                if oldest == _NEVER:
                    gc.set_threshold(young, middle, _saved)
                _saved = None
