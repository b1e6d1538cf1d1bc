"""The suite's order: the tests marked slow first, every test still run. Property tests
with no deadline. And the pilot's idle wait at a finer grain, and the apps it drives
without animations."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from hypothesis import settings
from textual import _wait as textual_wait
from textual import constants as textual_constants


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Puts the tests marked ``slow`` first (each group in its usual order): under
    ``-n 2`` the two workers share the long tests while many short ones are left to
    even out their ends, rather than one worker finishing a long test alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


# Hypothesis fails an example that takes over 200 ms: a timed assertion, which a busy
# machine (the suite runs on two workers beside the TUI's and the browser's tests) meets
# with no fault in the code. The examples are checked for what they return alone.
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")


@pytest.fixture
def collector_paused() -> Iterator[None]:
    """No garbage collection during the test, for one that signals its own process: the
    signal's handler runs between two bytecodes, and in a gc callback (hypothesis puts
    one in place in a worker that ran a property test) the KeyboardInterrupt it raises
    is printed as unraisable and lost, the test waiting on for it."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


# Textual's pilot waits after every key, and in every pause, until the app is idle: it
# sleeps a slice of time, and the app counts as idle once a slice passes with almost no
# CPU used. The slice is 20 ms, so each key cost at least 40 ms asleep, most of the
# TUI tests' time. A 5 ms slice, judged idle below the same share of it (1/20), finds
# the same idle app four times sooner. The tests wait on what they check (settle,
# wait_until), never on the idle wait alone being long.
assert hasattr(textual_wait, "SLEEP_GRANULARITY"), "Textual's pilot no longer waits this way"
textual_wait.SLEEP_GRANULARITY = 1 / 200
textual_wait.SLEEP_IDLE = textual_wait.SLEEP_GRANULARITY / 20

# The pilot waits after every key until the animations it started are over: a page
# scrolled by PageDown or End glides there in half a second to a second, waited out.
# With Textual's animations off (its TEXTUAL_ANIMATIONS=none, read as each app is made)
# each animation ends on its first frame, at the same place. No test reads the frames
# between: they check where a scroll or a fade ends.
assert hasattr(textual_constants, "TEXTUAL_ANIMATIONS"), "Textual no longer reads it so"
textual_constants.TEXTUAL_ANIMATIONS = "none"
