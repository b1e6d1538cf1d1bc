"""The steps that may be taken now, each as ``System.step`` takes it: what a schedule chooses.

At any point of a run, the scheduler could take one of several steps: start a queued
dispatch that may start (a pipe's head, an agent delivery), or resume a task in flight
(one woken, or a sleeper, whose wake-up the user may choose before its time: the clock
then moves to it). A plain ``step()`` takes one of them, the *default*, chosen by the
seed; ``step(kind)`` takes any. A queued ``connect`` delivery is never a choice: it
runs before anything else, as a call would, so while one is queued it is the only step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyrapide.architecture import Delivery

if TYPE_CHECKING:
    from pyrapide.runtime.dispatch import Dispatch
    from pyrapide.runtime.scheduler import Scheduler
    from pyrapide.runtime.tasks import Task


_CALL = Delivery.CALL

WAKE = "wake"
"""The step target that resumes the next task woken or asleep (see ``System.step``);
``"wake COMPONENT"`` resumes the start or finish hook of that component."""


def hook_target(component: str) -> str:
    """The step target that resumes ``component``'s hook, asleep or woken: a hook has no
    dispatch id, so it is named by its component."""
    return f"{WAKE} {component}"


@dataclass(frozen=True, slots=True)
class Choice:
    """One step that may be taken now.

    ``target`` is what ``System.step`` takes to take it: the id of the dispatch to start
    or of the delivery whose task to resume; for a start or finish hook, which has no
    id, ``"wake"`` when it is the wake-up ``step("wake")`` would take, else ``"wake
    COMPONENT"``. ``component`` is whose code the step runs, ``dispatch`` the delivery
    (None for a hook), ``hook`` the hook's name (None for a delivery), ``resumes`` True
    for a task in flight, ``wake_at`` the time a sleeper wakes at (None for anything
    else), and ``default`` True for the step a plain ``step()`` takes now.
    """

    target: int | str
    component: str
    dispatch: Dispatch | None
    hook: str | None = None
    resumes: bool = False
    wake_at: float | None = None
    default: bool = False

    @property
    def is_call(self) -> bool:
        """True for a queued ``connect`` delivery: then it is the only choice."""
        dispatch = self.dispatch
        return not self.resumes and dispatch is not None and dispatch.kind.delivery is _CALL


def choices_now(scheduler: Scheduler) -> list[Choice]:
    """Every step that may be taken now (see the module docstring): the queued dispatches
    that may start, by id, then the woken tasks, then the sleepers by wake-up time; a
    sleeper waiting on the wall clock is left out until its time. Draws nothing from
    the seed and changes nothing."""
    queued = scheduler.queues.runnable()
    # The seed draws only to choose among several; one alone needs no peek at it.
    picked: Dispatch | Task | None = (
        scheduler.queues.peek(None) if len(queued) > 1 else queued[0] if queued else None
    )
    found = [
        Choice(dispatch.id, dispatch.target, dispatch, default=dispatch is picked)
        for dispatch in queued
    ]
    if scheduler.queues.connects:
        return found  # a call runs first: nothing else may
    woken = scheduler.woken()
    sleepers: list[Task] = [
        task for task in scheduler.sleeping()
        if task.wake_at is None or scheduler.clock.seconds_until(task.wake_at) <= 0
    ]
    if picked is None:
        picked = woken[0] if woken else sleepers[0] if sleepers else None
    # The task ``step("wake")`` takes: a hook's is offered as that, the others by name.
    waking = woken[0] if woken else sleepers[0] if sleepers else None
    asleep = set(sleepers)
    for task in (*woken, *sleepers):
        dispatch = task.dispatch
        if dispatch is not None:
            target: int | str = dispatch.id
        else:
            target = WAKE if task is waking else hook_target(task.component)
        found.append(
            Choice(
                target,
                task.component,
                dispatch,
                hook=task.hook,
                resumes=True,
                wake_at=task.wake_at if task in asleep else None,
                default=task is picked,
            )
        )
    return found
