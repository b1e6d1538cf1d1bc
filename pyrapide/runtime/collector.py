"""The garbage collector's full collections held off while a run loop records events.

A run keeps what it records: its events, their payloads and the poset's
indices stay alive until the computation is dropped. CPython's full (oldest
generation) collection walks every live container, so on a run of a million
events each one paused the run for one to two seconds, in the middle of it
(and, in the workbench, between two keys). The young collections stay: they
walk only what was made since the last one, and they find the short-lived
cycles a handler may make. Full collections resume when the outermost run loop
returns; cyclic garbage that reached the oldest generation during the run is
found by the next one after it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Oldest-generation threshold while held: a count of young-generation collections
# that a run never reaches (CPython keeps it in a C int).
_NEVER = 2**31 - 1

_holders = 0
_saved: int | None = None
# Holds are taken and released on several threads at once (an exploration's shards on
# threads, each stepping its own system): the count and the saved threshold change together.
_lock = threading.Lock()


@contextmanager
def full_collections_held() -> Iterator[None]:
    """Within this block, the collector makes no full collection by itself (an
    explicit ``gc.collect()`` still does). Nested and concurrent holders, on any
    thread, share one hold; the threshold in force before the first is restored
    after the last, unless somebody changed it meanwhile. Does nothing while the
    collector is disabled."""
    global _holders, _saved
    with _lock:
        if _holders == 0 and gc.isenabled():
            young, middle, oldest = gc.get_threshold()
            if young and oldest != _NEVER:
                _saved = oldest
                gc.set_threshold(young, middle, _NEVER)
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _saved is not None:
                young, middle, oldest = gc.get_threshold()
                if oldest == _NEVER:
                    gc.set_threshold(young, middle, _saved)
                _saved = None
