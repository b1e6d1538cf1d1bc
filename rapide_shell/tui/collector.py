"""The garbage collector held off while the workbench starts, and what start-up made frozen.

Starting the workbench creates a few hundred thousand objects that all stay: the
modules and classes of Textual, Rich, the library and the workbench, the session, the
screen's widgets and styles. The collector would walk them about two hundred times
before the first frame (a full collection among them) and free almost nothing: some
45 ms of the shell's start on a 2-core machine. :func:`hold_until_first_frame` turns it
off before the workbench is imported; :func:`first_frame_shown`, which the app calls
once its first frame is on the screen, moves everything then alive out of the
collector's sight (:func:`gc.freeze`: no later collection walks it again, and the
first one after start-up does not have to) and turns it back on.

What start-up made and the session later drops without a cycle is freed as usual; if
it drops a cycle among those objects (the first system, after ``reset`` or
``reload``), that stays allocated: a bounded amount, made once.
"""

from __future__ import annotations

import gc

_held = False


def hold_until_first_frame() -> None:
    """Turns the collector off until :func:`first_frame_shown` (nothing if it is off
    already: whoever turned it off decides when it comes back)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def first_frame_shown() -> None:
    """Freezes what is alive and turns the collector back on, if
    :func:`hold_until_first_frame` turned it off; does nothing otherwise (an app run
    by a test or embedded elsewhere leaves the collector as it found it)."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()
