"""One workbench session: a loaded System plus watches, breakpoints, expectations and history.

Every front end (``rapide run`` scripts, ``rapide repl``, the Textual TUI) drives the
runtime through a :class:`Session` and the one command language; none of them reaches
into the scheduler. This module holds no UI code: output is Rich renderables plus
JSON-safe data, and front ends decide where to draw them.

How a front end uses a session
=======================
Open it, then feed it lines (everything runs on the caller's asyncio loop)::

    async with Session.open("examples/seed_system.py", seed=0, record=None) as session:
        # loaded, recording, started (start hooks ran until they wait), plugins told;
        # LoadError (one line for the user) when any of that cannot be done
        unsubscribe = session.subscribe(listener)      # see "Notifications" below
        outcome = await session.execute("inject APIService.request type=query key=42")
        for renderable in outcome.output:              # Rich renderables, in order
            console.print(renderable)
        if not outcome.ok: show(outcome.error, outcome.column)
        if outcome.quit: leave()
        ...
    # closed: the System stopped (finish hooks ran), the recording ended

Every front end opens its session this way (the TUI's app also starts a session it is
given unstarted, and closes it when it exits). The steps, for one that cannot use a
``with`` block: ``Session.load(path, arch=..., seed=..., recorder=...)`` (LoadError),
``await session.start()``, then ``await session.close()``.

``execute(line) -> CommandOutcome`` (:mod:`rapide_shell.outcome`) never raises for a
bad line: a parse or run error comes back with ``ok=False`` and a one-line ``error``
(with close matches, e.g. "unknown event 'APIService.reqest'; did you mean
'APIService.request'?"), and the session goes on. A line is parsed once
(:func:`rapide_shell.commands.parse_command`); ``execute_command(command)`` runs an
already parsed one.

Between commands the system is *paused*: ``inject`` records an event and queues its
dispatches, and nothing runs until ``step`` or ``run``. While a ``run`` is in progress
(``session.running`` is True), a front end that shares the loop (the TUI) may call
``execute`` again with commands whose spec says ``while_running`` (``pause``, ``show``,
``why``, ``watch``, ``break``, ...); others are refused with a message. ``pause``
stops the run after the current dispatch; so does a breakpoint, and the outcome of
the ``run`` says which breakpoint and which event stopped it. While a travel through
the history replays (``session.travelling``: ``back``, ``goto``, ``switch``, ...),
``session.pause()`` stops it at the step it has reached, and the command's outcome says
so (``data["stopped"]``); every other command is refused until it ends.

State to draw (read-only attributes, always current)
----------------------------------------------------

- ``state``: the system's RunState, "paused" (dispatches pending or work in flight),
  "quiet" (nothing pending, nothing in flight) or "running"; or the SessionState
  "inspecting" (a saved computation was loaded: read-only) or "closed".
- ``pending() -> list[Dispatch]`` (``id``, ``kind``, ``event``, ``target``,
  ``connection``), by id (a plain ``step`` may take another first: see ``help step``),
  and ``pending_count``; ``next_dispatch()`` is the one a plain ``step`` runs now;
  ``blocked(dispatch)`` why a pending one must wait ("waits behind #2, in flight ...").
- ``in_flight() -> list[InFlight]``: each task started and not finished, with the
  dispatch it serves and why it waits (asleep until a time: its wake-up is a step of
  its own, ``step #7``; on its connect deliveries; on an outside future).
- ``computation``: the pyrapide ``Computation`` shown (the live one, or a loaded file).
- ``system`` (the pyrapide ``System``), ``description`` (its architecture's
  ``describe()``), ``actions`` (qualified event name -> ``ActionSpec``: name, params
  with annotations and defaults), ``errors`` (handler errors so far, as
  ``HandlerError`` notifications), ``violations`` (constraint violations so far, as
  ``ConstraintViolation`` objects); both start again with each new system, and
  include what its start hooks caused before any command.
- ``watches`` / ``breakpoints``: lists of :class:`~rapide_shell.watches.Watch`
  (``id``, ``pattern_text``, ``count``, ``matches``) and
  :class:`~rapide_shell.watches.Breakpoint` (``id``, ``pattern_text``, ``hits``).
- ``expectations``: the :class:`~rapide_shell.notices.ExpectationChecked` results so far.
- ``running``; after a run: ``last_run`` (the RunOutcome: steps taken, why it
  stopped), ``stopped_by`` (the ``BreakpointHit`` that stopped it, or None),
  ``paused_by_user`` (``pause`` stopped it), ``halted`` (a limit such as the connect
  depth stopped the system; ``reset`` clears it); ``bounds`` (the timeout and steps
  the whole session may take, as ``rapide run --timeout --max-steps`` set them).
- ``runtime`` (the :class:`~rapide_shell.runtime_link.RuntimeLink` that drives the
  system: the attributes above read it) and ``watchlist`` (the watches and
  breakpoints, a :class:`~rapide_shell.watches.Watchlist`).
- ``history``: the lines executed; ``seed``; ``path`` (the architecture file).

Notifications
-------------

``subscribe(listener, kinds=None) -> unsubscribe`` calls ``listener(notification)``
synchronously, in order, for every runtime notification (``EventRecorded``,
``DispatchQueued``/``Started``/``Finished``, ``HandlerError``,
``ConstraintViolated``, ``LimitReached``, ``StateChanged``) and every session notice of
:mod:`rapide_shell.notices` (``WatchMatched`` with the new count, ``BreakpointHit``,
``RunStarted``, ``RunEnded`` (with the breakpoint that stopped the run, if any),
``ExpectationChecked``, ``WatchesChanged``, ``BreakpointsChanged``, ``SessionReset``
when the system or computation was replaced, ``CommandFinished``, ``SessionClosed``).
A ``run`` drives the library's own run loop (``System.run_until_quiet``), so the
runtime's ``StateChanged`` says "running" while it goes; ``RunStarted``/``RunEnded``
frame it, and a step that resumes a task in flight is a ``TaskResumed``. A breakpoint
is a subscriber of the system that pauses it.
``kinds`` (a tuple of classes) restricts what a listener receives. Subscriptions
survive ``reset``, ``seed``, ``reload`` and ``load``: the session re-subscribes itself
to each new system. A listener must not block; one that raises is removed.

Completion and help
-------------------

``completions(text, cursor=None) -> list[Completion]`` (:mod:`rapide_shell.completion`)
gives candidates for the word at ``cursor``: command names, event names, payload fields
from the action signatures (``field=``), dispatch ids (``#12``), watch and breakpoint
numbers, event ids, ``show``/``export`` topics, file names. Each ``Completion`` has
``text`` (what replaces the word), ``start`` (the index in ``text`` where the word
begins), ``display`` and ``meta`` (a short description). Command metadata (names,
one-line and full help, argument kinds) is ``session.catalog``, a
:class:`~rapide_shell.commands.registry.CommandCatalog`: the built-in commands plus
any a front end added with ``session.catalog.register(spec, handler)`` (the TUI adds
``screenshot``); they are parsed, run, listed by ``help`` and completed like the others.

Narration
---------

``say TEXT`` returns its text in ``outcome.data["text"]`` (a front end may show it in a
banner as well as printing the output); ``wait`` awaits ``session.wait_for_presenter``,
which a front end that plays scripts to an audience sets (the TUI does), and goes on at
once where it is None.

Plugins
-------

``session.plugins`` is a pluggy manager with the hooks of :mod:`rapide_shell.hookspecs`
and every plugin installed under the ``rapide`` entry point group: each may add
commands (``rapide_add_commands``) and hear when the system has started
(``rapide_session_started``). A front end registers its own plugin objects there
(the TUI's ``screenshot`` command is one).

Recording
---------

``Session.open(path, record=FILE)`` (or ``Session(..., recorder=Recorder(FILE,
source=path, seed=seed))``) writes what was done, line by line, as a script that
``rapide run`` replays to the same computation (same event ids, order and causes):
the seed, each inject with its exact payload as JSON, each ``step`` as typed
(``step #12`` keeps a chosen dispatch; the system is deterministic, so ``step`` and
``step pipe`` choose again the same way), ``run``/``continue``, breakpoints, watches,
expects, ``seed``/``reset``/``reload``/``load``. A run the user paused at an arbitrary
moment is recorded as the number of steps it took (``step 812``). Read-only commands
(``show``, ``why``, ``help``, ...) are not recorded. Closing the session ends the
file.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import re
import traceback
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import RenderableType
from rich.text import Text

from pyrapide.core.interrupts import contained
from pyrapide.core.printable import printable
from pyrapide.runtime import (
    DEFAULT_HANDLER_TIMEOUT,
    ConstraintCheckError,
    ConstraintViolated,
    GuardError,
    HandlerError,
    LimitReached,
    ModuleBuildError,
    RunOutcome,
)
from rapide_shell import notices, render
from rapide_shell.commands import Command, CommandCatalog, CommandError, parse_command
from rapide_shell.completion import Completion, complete
from rapide_shell.decisions import (
    Branch,
    Decision,
    DecisionKind,
    DecisionTree,
    Note,
    Point,
    decision_lines,
)
from rapide_shell.import_guard import ExitCalled, exit_refused
from rapide_shell.loader import LoadedArchitecture, LoadError, build_failure, load_architecture
from rapide_shell.outcome import CommandOutcome
from rapide_shell.plugins import (
    SlowHook,
    installed_owner,
    plugin_manager,
    register_installed,
    slow_since,
    started,
)
from rapide_shell.process_kept import process_kept
from rapide_shell.recording import Recorder
from rapide_shell.report import Activity, error_text
from rapide_shell.runtime_link import Bounds, RuntimeLink, SessionState, Sink
from rapide_shell.std_streams import streams_kept
from rapide_shell.travel import ReplayError, TimeMachine
from rapide_shell.unhandled import (
    tasks_left_cancelled,
    tell_loop_errors,
    threads_told,
    unraisable_told,
)
from rapide_shell.watches import Breakpoint, Watch, Watchlist, count_matches

if TYPE_CHECKING:
    from pyrapide.architecture import ArchitectureDescription
    from pyrapide.constraints import ConstraintViolation
    from pyrapide.core import Computation, Event
    from pyrapide.patterns import Pattern
    from pyrapide.runtime import Dispatch, InFlight, PendingSummary, RunState, System
    from pyrapide.types import ActionSpec
    from rapide_shell.address import Address
    from rapide_shell.downloads import Downloads

Listener = Callable[[Any], None]


class _HookProblems:
    """What is kept of the notifications while hooks run: the problems, as they arrive.

    A start hook may emit a whole run's events; keeping every notification until the
    hooks ended would hold one per event and per dispatch, for a report that lists
    only what went wrong.
    """

    KINDS = (
        HandlerError, GuardError, ConstraintViolated, LimitReached, notices.PluginFailed,
        notices.PluginSlow, notices.StreamsPutBack,
    )

    def __init__(self) -> None:
        self.notes: list[Any] = []

    def append(self, notification: Any) -> None:
        if isinstance(notification, self.KINDS):
            self.notes.append(notification)


class Session:
    """A loaded architecture, its running System, and what the user set up around it.

    Build it with :meth:`load` (or from a :class:`LoadedArchitecture`), then
    ``await start()``. See the module docstring for the whole front-end contract.
    The session holds its runtime driver (``runtime``, a :class:`RuntimeLink`) and
    its watches and breakpoints (``watchlist``); the attributes below read them.
    """

    def __init__(
        self,
        loaded: LoadedArchitecture,
        *,
        seed: int | None = None,
        recorder: Recorder | None = None,
        handler_timeout: float | None = DEFAULT_HANDLER_TIMEOUT,
        bounds: Bounds | None = None,
    ) -> None:
        self.runtime = RuntimeLink(
            loaded, seed=seed, handler_timeout=handler_timeout, bounds=bounds
        )
        """The runtime driver: the System, its notifications, the run loop."""
        self.watchlist = Watchlist(self.runtime.notify, self.runtime.stop_at)
        """The watches and breakpoints, fed as the system records events."""
        self.travel = TimeMachine(self.runtime, self.watchlist)
        """The history of decisions, and the replays that go back and forth in it."""
        self.recorder = recorder
        self.recording_problem: str | None = None
        """Why the recording could not be put in place when the session closed (None:
        it was, or nothing was recorded), for the front end to say."""
        self.catalog = CommandCatalog()
        """The commands this session understands (the built-ins and those added)."""
        self.plugins = plugin_manager()
        """The session's plugins (:mod:`rapide_shell.hookspecs`): the installed ones; a
        front end registers its own with ``session.plugins.register(plugin)``."""
        self.plugins.hook.rapide_add_commands.call_historic(
            kwargs={"catalog": self.catalog, "session": self}
        )
        self._plugin_problems = register_installed(self.plugins)
        """What was wrong with the installed plugins as they were registered (see
        :func:`register_installed`): told among the start hooks' problems, as a plugin
        that breaks there is."""
        self._plugin_command: tuple[asyncio.Task[Any], str] | None = None
        """The task running an installed plugin's command handler, and the command's
        name, while it runs: what :meth:`stop_command` stops."""
        self._stopping_command = False
        """Set by :meth:`stop_command`: the cancellation of that task is its stop."""
        self._plugin_starting: str | None = None
        """The plugin whose ``rapide_session_started`` is being called: a listener it
        subscribes is its, and a failure of that listener is told under its name."""
        self.wait_for_presenter: Callable[[], Awaitable[None]] | None = None
        """How this front end waits for the presenter to go on (``wait``): a coroutine
        function returning once a key is pressed; None where nobody is there to press
        one (``rapide run``, the REPL), and ``wait`` goes on at once."""
        self.downloads: Downloads | None = None
        """Where the files ``save``, ``export`` and ``explore`` write go when this front
        end is a browser's (``rapide serve``): sent there as downloads (see
        :mod:`rapide_shell.downloads`); None where they are written where asked."""
        self.history: list[str] = []
        self.seed_kept = False
        """True once a ``seed`` at the session's own seed started nothing over (a
        recording's first line): see :attr:`untouched`."""
        self.addresses: list[str] = []
        """The addresses ``where`` printed in this session, the latest last: ``goto``
        completes them, so that going back to a point after a ``reload`` (or in another
        branch) never means typing one out."""
        self.playing: str | None = None
        """The script file being played (see :func:`rapide_shell.script.play`), which
        ``save`` and ``export`` refuse to write over; None between scripts."""
        self.expectations: list[notices.ExpectationChecked] = []
        self.arrival: CommandOutcome | None = None
        """What going to the point ``--at`` named said (see :meth:`open`)."""
        self._recorded: Point | None = None
        """The point the recording was last written up to (None: write it all again)."""
        self._hook_notes: dict[str, list[Any]] = {"start": [], "finish": []}
        """The problems reported while the start and finish hooks last ran (see
        :class:`_HookProblems`)."""
        self.hooks_failed = False
        """True once a start or finish hook raised or met a limit, or a plugin raised as
        the session started, at any point of the session (see :meth:`hook_report`);
        ``rapide run`` then exits with status 3."""

    @classmethod
    def load(
        cls,
        path: str | Path,
        *,
        arch: str | None = None,
        seed: int | None = None,
        recorder: Recorder | None = None,
        handler_timeout: float | None = DEFAULT_HANDLER_TIMEOUT,
        bounds: Bounds | None = None,
    ) -> Session:
        """Load the architecture file at ``path`` (``arch`` picks one among several).

        Raises :class:`rapide_shell.loader.LoadError` with one line for the user (an
        installed plugin that cannot be imported is one too).
        """
        return cls(
            load_architecture(path, arch=arch),
            seed=seed,
            recorder=recorder,
            handler_timeout=handler_timeout,
            bounds=bounds,
        )

    @classmethod
    @contextlib.asynccontextmanager
    async def open(
        cls,
        path: str | Path,
        *,
        arch: str | None = None,
        seed: int | None = None,
        record: str | Path | None = None,
        force_record: bool = False,
        handler_timeout: float | None = DEFAULT_HANDLER_TIMEOUT,
        bounds: Bounds | None = None,
        at: Address | None = None,
    ) -> AsyncIterator[Session]:
        """The session of the architecture file at ``path``, started, for an ``async
        with`` block; closed when the block ends, however it ends.

        ``arch`` picks one architecture among several; ``record`` is a file to write
        what is done to, as a script that ``rapide run`` replays (see Recording;
        ``force_record`` lets it replace a link, FIFO, device or read-only file);
        ``handler_timeout`` the seconds a handler may keep control (None: no bound);
        ``bounds`` what every step and run together may take (``rapide run --timeout
        --max-steps``), counted once the ``at`` point is reached. Raises
        :class:`~rapide_shell.loader.LoadError` with one line for the user when the file
        (or an installed plugin) cannot be loaded or the recording cannot be written.
        After the block, ``recording_problem`` says why the recording could not be put
        in place, if it could not.

        ``at`` (an address, as ``where`` prints it) takes the session to that point once
        it has started, with the address's seed unless ``seed`` says otherwise; when
        the address does not fit the file, LoadError says which of its lines does not.
        ``arrival`` is then what the ``goto`` said.
        """
        if at is not None and seed is None:
            seed = at.seed
        # A handler, hook or guard calling os._exit would end the workbench at once,
        # unsaid and with its exit status 0: it raises instead, reported as any error.
        tell_loop_errors()
        with (
            exit_refused(ExitCalled),
            threads_told(),
            unraisable_told(),
            tasks_left_cancelled(Path(path).resolve().parent),
        ):
            session = cls.load(
                path, arch=arch, seed=seed, handler_timeout=handler_timeout, bounds=bounds
            )
            if record is not None:
                try:
                    session.recorder = Recorder(
                        record, source=path, arch=arch, force=force_record, seed=session.seed
                    )
                except OSError as error:
                    raise LoadError(str(error)) from None
            try:
                await session.start()
                if at is not None:
                    session.arrival = await session.execute(f"goto {at.to_text()}")
                    if not session.arrival.ok:
                        misfit = str(session.arrival.error).removesuffix(_STAYS)
                        raise LoadError(f"--at: {misfit}")
                    session.bounds.restart()
                yield session
            finally:
                await session.close()
                # A turn of the loop for the tasks of the code ready to run: one that
                # ends at once (raising, say) is not taken for one left running.
                await asyncio.sleep(0)

    # -- lifecycle ---------------------------------------------------------------

    async def start(self) -> None:
        """Build the system, run the modules' start hooks, then tell the plugins (one
        that raises is reported among the start hooks' problems, and the others are
        told all the same)."""
        with self.travel.started():
            try:
                await self._start_system()
            except ModuleBuildError as error:
                raise build_failure(self.path, error) from None
        self._write_recording()
        with self._hook_problems("start", adding=True):
            self._tell_plugins_started()

    def _tell_plugins_started(self) -> None:
        for plugin, hook_name, problem in self._plugin_problems:
            if isinstance(problem, SlowHook):
                self._plugin_slow(plugin, hook_name, problem)
            else:
                self._plugin_failed(plugin, hook_name, problem)
        self._plugin_problems = []
        caller = self.plugins.hook.rapide_session_started
        # In the order pluggy would call them; each on its own, so that one that raises
        # is named and the rest are still told.
        for hook in reversed(caller.get_hookimpls()):
            self._plugin_starting = hook.plugin_name
            start = started()
            try:
                hook.function(session=self)
            except BaseException as error:
                if not contained(error):
                    raise  # the user's Ctrl-C
                self._plugin_failed(hook.plugin_name, caller.name, error)
            finally:
                self._plugin_starting = None
            slow = slow_since(start)
            if slow is not None:
                self._plugin_slow(hook.plugin_name, caller.name, slow)

    def _plugin_slow(self, plugin: str, hook: str, slow: SlowHook) -> None:
        self.notify(notices.PluginSlow(plugin=plugin, hook=hook, seconds=slow.seconds))

    def _plugin_failed(self, plugin: str, hook: str, error: BaseException) -> None:
        text = "".join(traceback.format_exception(error))
        self.notify(notices.PluginFailed(plugin=plugin, hook=hook, error=error, traceback=text))

    async def _start_system(self) -> None:
        with self._hook_problems("start"):
            await self.travel.start_system()

    async def close(self) -> None:
        """Stop the system (finish hooks run) and end the recording; the session takes no
        more commands after. Closing a closed session does nothing."""
        try:
            if not self.closed:
                with self._hook_problems("finish"):
                    await self.runtime.close()
        finally:
            if self.recorder is not None:
                # A command left midway (the user's second Ctrl-C) has not written what
                # it did yet: the steps it took are kept.
                self._write_recording()
                problem = self.recorder.close()
                # Closed again (the TUI's app closes it, then its `with` block), the
                # recorder has nothing more to say: what it said first stands.
                if problem is not None:
                    self.recording_problem = problem

    @property
    def untouched(self) -> bool:
        """True while nothing was decided since the session started: it is at its first
        point, no step taken from there, its system built and no saved computation shown
        (a start over with the same seed would give the very same system), and no
        ``seed`` at its own seed was given yet: a second is a start over the session
        decided (``back`` to the start, then ``seed 0``), which its recording replays."""
        tree = self.travel.tree
        return (
            not self.seed_kept
            and tree.point is tree.root
            and not tree.root.children
            and self.system is not None
            and self.inspected is None
        )

    async def rebuild(self, reason: str, *, loaded: LoadedArchitecture | None = None) -> None:
        """Start over: finish the current run, then a fresh computation and modules.

        ``reason`` is the decision ("seed", "reset" or "reload"; it is a step of the
        history). With ``loaded`` (``reload``) the system is built anew from it;
        otherwise the same System is reset with ``self.seed``. Watches and breakpoints
        are primed again, their counts started again.
        """
        self.travel.keep_recorded()
        with self._hook_problems("finish"):
            await self.runtime.replace(loaded)
        decision = Decision.starting_over(DecisionKind(reason), self.seed, self.loaded)
        try:
            with self.travel.deciding(decision):
                await self._start_system()
        except ModuleBuildError:
            # The run left is gone all the same, for a fresh system the next step starts
            # again: the history goes on from this start over, not from the run left.
            with self.travel.deciding(decision):
                pass
            raise
        finally:
            self.notify(notices.SessionReset(reason=reason))

    def hook_report(self, hook: str) -> Activity:
        """What the system reported while its ``hook`` hooks ("start" or "finish") last
        ran, outside any command: at the session's start (or the latest ``reset``,
        ``seed`` or ``reload``), and at its close (or as that command finished the run
        before). Its ``problems`` are the lines a front end shows for them: handler
        errors (naming the hook), limits reached, constraints violated."""
        report = Activity(self.computation, show_events=False, keep_dispatches=False)
        for note in self._hook_notes[hook]:
            report.append(note)
        return report

    def hook_notes(self, hook: str) -> list[Any]:
        """The notifications behind :meth:`hook_report`, in order: those that report a
        problem (handler and guard errors, violations, limits, failed plugins)."""
        return list(self._hook_notes[hook])

    def hook_problems(self, hook: str) -> list[RenderableType]:
        """The lines that say what went wrong while the ``hook`` hooks ran (see
        :meth:`hook_report`), under a heading; nothing when nothing did."""
        return self.hook_report(hook).problems_under(f"while the {hook} hooks ran:")

    @contextlib.contextmanager
    def _hook_problems(self, hook: str, *, adding: bool = False) -> Iterator[None]:
        """Keep the problems reported while the block runs as ``hook``'s (see
        :class:`_HookProblems`): in place of those kept before, or after them with
        ``adding``."""
        seen = _HookProblems()
        broken: list[str] = []
        changed: list[str] = []
        with self.capture(seen):
            with streams_kept(broken), process_kept(changed):
                yield
            for what in broken:
                self.notify(notices.StreamsPutBack(what=what))
            for what in changed:
                self.notify(notices.ProcessPutBack(what=what))
        notes = [*self._hook_notes[hook], *seen.notes] if adding else seen.notes
        self._hook_notes[hook] = notes
        failures = (HandlerError, LimitReached, notices.PluginFailed)
        # A hand-written constraint's check, run as the system stops, is no hook.
        if any(
            isinstance(note, failures) and not isinstance(note, ConstraintCheckError)
            for note in notes
        ):
            self.hooks_failed = True

    def inspect(self, computation: Computation) -> None:
        """Show ``computation`` (read-only) instead of the live one; watches re-primed."""
        self.runtime.inspected = computation
        self.watchlist.follow(None, computation)
        self.notify(notices.SessionReset(reason="load"))

    # -- what front ends read (the runtime driver's) -----------------------------

    @property
    def loaded(self) -> LoadedArchitecture:
        """The loaded architecture file."""
        return self.runtime.loaded

    @property
    def seed(self) -> int:
        """The seed the next system is built with (``seed N`` changes it)."""
        return self.runtime.seed

    @seed.setter
    def seed(self, value: int) -> None:
        self.runtime.seed = value

    @property
    def system(self) -> System | None:
        """The live System (None before ``start``)."""
        return self.runtime.system

    @property
    def inspected(self) -> Computation | None:
        """A computation loaded with ``load`` (read-only), or None."""
        return self.runtime.inspected

    @property
    def path(self) -> Path:
        """The architecture file."""
        return self.runtime.path

    @property
    def description(self) -> ArchitectureDescription:
        """The architecture's description."""
        return self.runtime.description

    @property
    def actions(self) -> dict[str, ActionSpec]:
        """Event name -> ActionSpec, for every action."""
        return self.runtime.actions

    @property
    def computation(self) -> Computation:
        """The computation shown (live or loaded)."""
        return self.runtime.computation

    @property
    def errors(self) -> list[HandlerError]:
        """Handler errors so far."""
        return self.runtime.errors

    @property
    def violations(self) -> list[ConstraintViolation]:
        """Constraint violations."""
        return self.runtime.violations

    @property
    def state(self) -> RunState | SessionState:
        """RunState, or inspecting/closed."""
        return self.runtime.state

    @property
    def running(self) -> bool:
        """True while a run is in progress."""
        return self.runtime.running

    @property
    def slow_motion(self) -> float | None:
        """The seconds between the steps of the run in progress when it goes in slow
        motion (``run --every``); None when it goes at full speed, or none does."""
        return self.runtime.every

    @property
    def closed(self) -> bool:
        """True once the session closed."""
        return self.runtime.closed

    @property
    def quiet(self) -> bool:
        """Nothing pending, nothing in flight."""
        return self.runtime.quiet

    @property
    def halted(self) -> bool:
        """A limit stopped the system."""
        return self.runtime.halted

    @property
    def halted_by(self) -> str | None:
        """Which limit stopped the system (``max_events``, ...), while one has."""
        return self.runtime.halted_by

    @property
    def halted_until_reset(self) -> bool:
        """The limit that stopped the system holds until ``reset`` (not one that
        stopped only the last run: ``max_connect_depth``)."""
        return self.runtime.halted_until_reset

    @property
    def stopped_by(self) -> notices.BreakpointHit | None:
        """The breakpoint hit that ended the last run."""
        return self.runtime.stopped_by

    @property
    def paused_by_user(self) -> bool:
        """The last run ended on ``pause``."""
        return self.runtime.paused_by_user

    @property
    def paused_by_code(self) -> bool:
        """The last run ended on a ``pause()`` the architecture's own code called."""
        return self.runtime.paused_by_code

    @property
    def steps_in_run(self) -> int:
        """Steps the last (or current) run took."""
        return self.runtime.steps_in_run

    @property
    def last_run(self) -> RunOutcome | None:
        """What the last run did."""
        return self.runtime.last_run

    @property
    def pending_count(self) -> int:
        """How many dispatches are waiting."""
        return self.runtime.pending_count

    @property
    def in_flight_count(self) -> int:
        """How many tasks are in flight."""
        return self.runtime.in_flight_count

    @property
    def bounds(self) -> Bounds:
        """The session's bounds (timeout, max steps)."""
        return self.runtime.bounds

    def pending(self) -> list[Dispatch]:
        """The dispatches waiting to run, by id."""
        return self.runtime.pending()

    def pending_summary(self, shown: int) -> PendingSummary | None:
        """How many dispatches wait of each kind and the first ``shown`` of each in the
        order steps take them (None while a saved computation is shown); for its cost,
        which grows with the pipes that have deliveries waiting, and with the agent
        deliveries only once a listed one was taken, see
        :meth:`pyrapide.runtime.System.pending_summary`."""
        return self.runtime.pending_summary(shown)

    def pending_dispatch(self, dispatch_id: int) -> Dispatch | None:
        """The dispatch numbered ``dispatch_id`` if it waits to run (None: it does not),
        found without listing (and sorting) the whole queue."""
        return self.runtime.pending_dispatch(dispatch_id)

    def in_flight(self) -> list[InFlight]:
        """The tasks started and not finished, with why each waits."""
        return self.runtime.in_flight()

    def blocked(self, dispatch: Dispatch) -> str | None:
        """Why a pending ``dispatch`` may not start now (None: it may)."""
        return self.runtime.blocked(dispatch)

    def next_dispatch(self) -> Dispatch | None:
        """The pending dispatch a plain ``step`` would run now (None: none would, or a
        saved computation is shown); looking does not change the run."""
        if self.system is None or self.inspected is not None:
            return None
        return self.system.next_dispatch()

    # -- notifications and the runtime's primitives ------------------------------

    def subscribe(
        self, listener: Listener, kinds: tuple[type, ...] | None = None
    ) -> Callable[[], None]:
        """Call ``listener`` with every notification (or those of ``kinds``, a tuple of
        classes; one class will do). Raises TypeError, subscribing nothing, for kinds
        that are not classes.

        A listener that raises is called no more and reported once, under the plugin that
        subscribed it (from its ``rapide_session_started``, or from code of its own), and
        the run goes on."""
        owner = self._plugin_starting or installed_owner(listener)
        return self.runtime.subscribe(listener, kinds, owner)

    def notify(self, notification: Any) -> None:
        """Deliver ``notification`` to the listeners."""
        self.runtime.notify(notification)

    def capture(self, sink: Sink) -> contextlib.AbstractContextManager[Sink]:
        """Hand ``sink`` (a list, or a :class:`~rapide_shell.report.Activity`, which sums
        them up as they come) the notifications delivered while the ``with`` block runs."""
        return self.runtime.capture(sink)

    def require_live(self, what: str) -> None:
        """Refuse ``what`` while a loaded computation is shown or after close."""
        self.runtime.require_live(what)

    def inject(self, name: str, payload: dict[str, Any]) -> Event:
        """Record ``name`` with ``payload`` from the environment; its dispatches queue.
        The injection is a step of the history."""
        with self.travel.deciding(Decision.inject(name, payload)):
            return self.runtime.inject(name, payload)

    async def step_once(self, target: Any = None) -> Dispatch | None:
        """Take one step (see :meth:`RuntimeLink.step_once`), a step of the history."""
        with self.travel.stepping(target):
            return await self.runtime.step_once(target)

    async def run(self, max_steps: int | None = None, every: float | None = None) -> RunOutcome:
        """Run until quiet, a breakpoint, ``pause``, a limit or ``max_steps`` steps, each
        step a step of the history; with ``every``, one step every that many seconds."""
        with self.travel.stepping(None):
            outcome = await self.runtime.run(max_steps, every)
        if self.stopped_by is not None:
            self.travel.stopped_by(self.stopped_by.break_id)
        return outcome

    def pause(self) -> bool:
        """Pause a run in progress after the current step, or stop a travel in progress
        (``back``, ``goto``, ``switch``, ...) at the step its replay has reached (see
        :meth:`travel_to`); False when neither is under way."""
        return self.runtime.pause() or self.travel.stop()

    @property
    def travelling(self) -> bool:
        """True while the run is being taken to a point of the history by replaying it
        (``back``, ``forward``, ``goto``, ``switch``, ``diff``): :meth:`pause` stops it."""
        return self.travel.travelling

    # -- running commands --------------------------------------------------------

    async def execute(self, line: str) -> CommandOutcome:
        """Parse and run one line of the command language; never raises for bad input."""
        try:
            command = parse_command(line, self.catalog)
        except CommandError as error:
            return self._finish(_failure(line, "", error))
        except BaseException as error:
            # A plugin's parser that breaks (SystemExit included) must not end the
            # session either; only the user's Ctrl-C goes through.
            if not contained(error):
                raise
            reader = self._reader_of(line)
            failure = CommandError(f"cannot read the line: {reader}{error_text(error)}")
            return self._finish(_failure(line, "", failure))
        if command is None:
            return CommandOutcome(line=line)
        return await self.execute_command(command, line=line)

    @property
    def stoppable(self) -> str | None:
        """The name of the plugin command whose handler is running, which
        :meth:`stop_command` stops; None when none is."""
        return None if self._plugin_command is None else self._plugin_command[1]

    def stop_command(self) -> bool:
        """Stop the plugin command whose handler is running (a Ctrl-C at the REPL or in
        ``rapide run``, when no run or travel is under way to pause): its task is
        cancelled where the handler waits, and the command ends with an error line.
        False when no plugin command runs. Call it on the event loop."""
        if self._plugin_command is None:
            return False
        self._stopping_command = True
        self._plugin_command[0].cancel()
        return True

    async def _run_handler(
        self, handler: Any, command: Command[Any], line: str
    ) -> CommandOutcome:
        """``await handler(...)``; an installed plugin's may be stopped while it waits
        (:meth:`stop_command`): a handler waiting on something that never comes would
        otherwise hold the session until the user left it."""
        owner = installed_owner(handler)
        task = asyncio.current_task()
        if owner is None or task is None:
            return await handler(self, command, line)  # type: ignore[no-any-return]
        outer = self._plugin_command
        self._plugin_command = (task, command.name)
        try:
            return await handler(self, command, line)  # type: ignore[no-any-return]
        except asyncio.CancelledError:
            if not self._stopping_command:
                raise
            raise CommandError(
                f"{command.name} (plugin {owner!r}) stopped: interrupted"
            ) from None
        finally:
            if self._stopping_command and task.cancelling():
                task.uncancel()  # the stop was for this handler alone
            self._stopping_command = False
            self._plugin_command = outer

    def _reader_of(self, line: str) -> str:
        """``the parser of odd (plugin 'spec') raised ``: whose parser broke reading
        ``line``, for the error line; empty when the line names no plugin's command."""
        words = line.split(maxsplit=1)
        spec = self.catalog.lookup(words[0]) if words else None
        if spec is None:
            return ""
        owner = installed_owner(self.catalog.definition(spec.name).parse)
        return "" if owner is None else f"the parser of {spec.name} (plugin {owner!r}) raised "

    async def execute_command(
        self, command: Command[Any], *, line: str | None = None
    ) -> CommandOutcome:
        """Run an already parsed command (see :func:`~rapide_shell.commands.parse_command`)."""
        line = command.text if line is None else line
        definition = self.catalog.definition(command.name)
        if self.travel.travelling:
            error = CommandError(f"the run is being replayed; `{command.name}` in a moment")
            return self._finish(_failure(line, command.name, error))
        if self.running and not definition.spec.while_running:
            error = CommandError(f"a run is in progress; `pause` before `{command.name}`")
            return self._finish(_failure(line, command.name, error))
        self.history.append(command.text)
        outer = self.travel.begin_command()
        if not outer:
            self.decisions.along = self.decisions.started = None
        broken: list[str] = []
        changed: list[str] = []
        try:
            with streams_kept(broken), process_kept(changed):
                outcome = await self._run_handler(definition.handler, command, line)
            outcome = _readable(outcome, command.name, definition.handler)
        except CommandError as error:
            outcome = _failure(line, command.name, error)
        except ModuleBuildError as error:
            # A command that builds the system anew (reset, reload, seed, going back)
            # says it as loading the file does: file, line, component and what raised.
            failure = CommandError(str(build_failure(self.path, error)))
            outcome = _failure(line, command.name, failure)
        except BaseException as error:
            # A fault below the command (the runtime, a file system, a plugin's command
            # raising SystemExit) must not end the session: report it in one line and
            # go on. The user's Ctrl-C goes through, and so does the cancellation of
            # the task the command runs in (a front end closing).
            if isinstance(error, asyncio.CancelledError) or not contained(error):
                raise
            who = _whose(command.name, definition.handler)
            failure = CommandError(f"{who} failed: {error_text(error)}")
            outcome = _failure(line, command.name, failure)
        finally:
            gave_line = self.travel.end_command(outer)
        for what in broken:
            outcome = _with_warning(outcome, notices.StreamsPutBack(what=what).text)
        changed += self.runtime.put_back
        self.runtime.put_back.clear()
        for what in changed:
            outcome = _with_warning(outcome, notices.ProcessPutBack(what=what).text)
        if not outer:
            outcome = self._with_steps_told(outcome)
        if gave_line or not outer:
            # A command typed during another (`where` during a `run`) leaves the
            # recording to that one, which writes its steps when it ends, as one line;
            # a line it gave (`watch`) is written now, after the steps taken before it.
            self._write_recording()
        return self._finish(outcome)

    def _with_steps_told(self, outcome: CommandOutcome) -> CommandOutcome:
        """``outcome`` of a command that ended with none around it, with what its steps
        came to: a warning when a step taken again did not record what it recorded
        before, and a note when they were another branch's. A command typed during a
        ``run`` (``where``) leaves both to the run, which says them as it ends."""
        divergence, self.travel.divergence = self.travel.divergence, None
        if divergence is not None:
            outcome = _warned(outcome, divergence)
        started, self.decisions.started = self.decisions.started, None
        if started is not None and started.name in self.decisions.branches:
            outcome = dataclasses.replace(
                outcome, output=(*outcome.output, render.note(self._started_text(started)))
            )
        along, self.decisions.along = self.decisions.along, None
        if along is not None:
            # Said plainly: a step another branch took is that branch's, not a new one.
            text = along.text(self.decisions.branch, self.decisions.point)
            outcome = dataclasses.replace(
                outcome, output=(*outcome.output, render.note(text, style="bold"))
            )
        return outcome

    def _started_text(self, branch: Branch) -> str:
        """What a decision that started ``branch`` of itself says: the user decided
        otherwise than the branch they were on had, where it goes on (after ``back``,
        ``goto``), and the steps they left are kept on it."""
        tree = self.decisions
        fork, left = tree.fork_point(branch), tree.left_branch(branch)
        if fork is None or left is None:  # not made from another branch: nothing to say
            return f"new branch {branch.name}"
        return (
            f"new branch {branch.name}: it leaves {left.name} after step {fork.number}; "
            f"{left.name} keeps its steps (`switch {left.name}` goes back to its end)"
        )

    def _finish(self, outcome: CommandOutcome) -> CommandOutcome:
        self.notify(notices.CommandFinished(outcome=outcome))
        return outcome

    def record(self, *lines: str, here: bool = False) -> None:
        """Note command lines that set something up, for the recording.

        The decisions (injections, steps, ``seed``, ``reset``, ``reload``) are recorded
        by the session itself, as steps of the history (a command may say how its steps
        are written: :meth:`TimeMachine.write_as`). Lines that set things up (``watch``,
        ``break``, ...) are written before the first decision made after them, and before
        the lines of the point that were noted after them. With ``here``, the lines
        belong to the current point (``expect`` checks what is there): a script replays
        them after the decisions that lead to it, and a script of a branch that does not
        pass through that point leaves them out (and one that goes on past it, those
        given while a computation ``load`` read was shown there).
        """
        segment = self.travel.line_given()
        if here:
            loaded = self.inspected is not None
            point = self.travel.tree.point
            point.notes = [*(point.notes or ()), *(Note(segment, line, loaded) for line in lines)]
        else:
            self.travel.tree.setup.extend((segment, line) for line in lines)
        self._recorded = None  # the script changed before its end: written again

    def _write_recording(self) -> None:
        """Bring the recording up to the script of the current point: appended to when
        the session only went on since, written again otherwise."""
        if self.recorder is None:
            return
        tree = self.travel.tree
        point = tree.point
        last = self._recorded
        shown = self.inspected is not None
        # A `load` noted at the last point is left out once a step follows it; a line set up
        # after the steps from there were made (on another branch, then switched back
        # along them) comes after them: the script is written again.
        if (
            last is not None
            and last.leads_to(point)
            and (point is last or not last.notes)
            and (point is last or not tree.setup
                 or point.ancestor(last.number + 1).segment > tree.setup[-1][0])
        ):
            self.recorder.append(
                *decision_lines(last, point, notes=True, tree=tree, shown=shown)
            )
        else:
            self.recorder.rewrite(tree.script(point, shown=shown))
        self._recorded = point

    # -- time travel ---------------------------------------------------------------

    @property
    def decisions(self) -> DecisionTree:
        """The history of decisions: its points, its branches, where the session is."""
        return self.travel.tree

    async def travel_to(
        self, point: Point, branch: Branch | None = None, *, fresh: bool = False
    ) -> Point:
        """Take the run to ``point`` of the history, on ``branch`` (the current branch by
        default, else the branch used last that holds it), by replaying the decisions
        that lead there (``fresh``: from a fresh system, whatever the current point);
        a loaded computation is left for the live run. Front ends hear one
        ``SessionReset`` ("travel") once it is there.

        Returns the point reached: ``point``, or an earlier step on the way when
        :meth:`pause` stopped the replay (the user's Ctrl-C); the session is then at
        that step of ``branch`` exactly as if it had travelled there. CommandError (one
        line) when a recorded decision cannot be made again; the session is then at the
        last point the replay reached."""
        if self.closed:
            raise CommandError("the session is closed")
        if point is self.decisions.point and self.inspected is None and not fresh:
            self.decisions.go(point, branch)
            self.notify(notices.SessionReset(reason="travel"))
            return point
        inspected_at = self.decisions.point if self.inspected is not None else None
        try:
            return await self.travel.travel(point, branch, fresh=fresh)
        except ReplayError as error:
            raise CommandError(str(error)) from None
        finally:
            if inspected_at is not None and self.inspected is None:
                self._left_loaded(inspected_at)
            self.notify(notices.SessionReset(reason="travel"))

    def _left_loaded(self, point: Point) -> None:
        """The computation ``load`` showed at ``point`` was left for the live run: the
        lines given on it (the ``load``, what was checked in it) no longer end a script
        that reaches ``point``, whose replay would otherwise show the file where the
        session shows the run."""
        kept = [note for note in point.notes or () if not note.loaded]
        if len(kept) != len(point.notes or ()):
            point.notes = kept or None
            self._recorded = None  # the script changed before its end: written again

    def delivered(self) -> Counter[int]:
        """Deliveries finished per connection index since the current system started
        (what the TUI's graph counts), as they stand at the current point."""
        return self.travel.delivered()

    # -- watches and breakpoints -------------------------------------------------

    @property
    def watches(self) -> list[Watch]:
        """The watches, in the order they were added."""
        return self.watchlist.watches

    @property
    def breakpoints(self) -> list[Breakpoint]:
        """The breakpoints, in the order they were added."""
        return self.watchlist.breakpoints

    def add_watch(self, pattern: Pattern, pattern_text: str) -> Watch:
        """Start counting the matches of ``pattern`` (those already recorded included);
        CommandError when it matches too many ways to follow."""
        try:
            return self.watchlist.add_watch(pattern, pattern_text, self.computation)
        except ValueError as error:
            raise CommandError(f"cannot watch: {error}") from None

    def remove_watch(self, watch_id: int) -> Watch:
        """Stop and forget watch ``watch_id``; CommandError if there is none."""
        watch = self.find_watch(watch_id)
        self.watchlist.remove_watch(watch)
        return watch

    def find_watch(self, watch_id: int) -> Watch:
        """The watch numbered ``watch_id``; CommandError naming the existing ones if none."""
        watch = self.watchlist.find_watch(watch_id)
        if watch is None:
            raise CommandError(f"no watch {watch_id}{_existing('watches', self.watches)}")
        return watch

    def count_matches(self, pattern: Pattern, pattern_text: str) -> int:
        """How many matches ``pattern`` has in the computation; CommandError when it
        matches too many ways to count (see :data:`pyrapide.patterns.MATCH_LIMIT`)."""
        try:
            return count_matches(pattern, pattern_text, self.computation)
        except ValueError as error:
            raise CommandError(f"cannot count its matches: {error}") from None

    def add_breakpoint(self, pattern: Pattern, pattern_text: str) -> Breakpoint:
        """Pause future runs when an event completing a match of ``pattern`` is recorded;
        CommandError when it matches too many ways to follow."""
        try:
            return self.watchlist.add_breakpoint(pattern, pattern_text, self.computation)
        except ValueError as error:
            raise CommandError(f"cannot break on it: {error}") from None

    def remove_breakpoint(self, break_id: int) -> Breakpoint:
        """Forget breakpoint ``break_id``; CommandError naming the existing ones if none."""
        breakpoint_ = self.watchlist.find_breakpoint(break_id)
        if breakpoint_ is None:
            raise CommandError(
                f"no breakpoint {break_id}{_existing('breakpoints', self.breakpoints)}"
            )
        self.watchlist.remove_breakpoint(breakpoint_)
        return breakpoint_

    # -- completion --------------------------------------------------------------

    def completions(self, text: str, cursor: int | None = None) -> list[Completion]:
        """Completion candidates for the word at ``cursor`` (default: end of ``text``)."""
        return complete(self, text, len(text) if cursor is None else cursor)


def _existing(what: str, items: list[Any]) -> str:
    if not items:
        return f" (there are no {what})"
    return f" ({what}: {', '.join(str(item.id) for item in items)})"


ECHO_WIDTH = 72
"""An erroneous line echoed under its error shows at most about this many characters,
around the column at fault."""


def _echoed(line: str, column: int) -> tuple[str, int]:
    """``line`` made printable for echoing under an error (cut to a window around
    ``column`` when long, with "…" where it was cut), and the terminal cell ``column``
    falls on in it, for the caret under it (a wide character, 漢, takes two cells)."""
    half = ECHO_WIDTH // 2
    before = render.shorten_start(printable(line[:column]), half)
    after = render.shorten(printable(line[column:]), half)
    return before + after, cell_len(before)


_STAYS = "; the session stays where it was"
"""How a ``goto`` that does not fit ends its error, which a session opened ``--at`` drops."""


def _warned(outcome: CommandOutcome, divergence: str) -> CommandOutcome:
    """``outcome`` with a warning that the run did not replay as it was recorded."""
    text = (
        f"the run did not repeat itself: {divergence} (a handler depends on "
        "something outside the run: the clock, a file, a service?)"
    )
    warned = _with_warning(outcome, text)
    return dataclasses.replace(warned, data={**warned.data, "divergence": divergence})


def _with_warning(outcome: CommandOutcome, text: str) -> CommandOutcome:
    """``outcome`` with ``warning: TEXT`` as the last line of its output."""
    warning = render.note(f"warning: {text}", style="bold yellow")
    return dataclasses.replace(outcome, output=(*outcome.output, warning))


_QUOTE = re.compile(r"""(?<!\w)(['"])((?:(?!\1)[^\n])*)\1(?!\w)""")
"""A quoted piece of a message, read left to right so that the text between two quotes
(``'evnts': one of ...; did you mean 'events'``) is never taken for one; an apostrophe
inside a word (``pipe's``) opens none. Double quotes too: Python quotes a word with an
apostrophe in it so (``unknown command "it's..."``)."""


def _shortened(message: str) -> str:
    """``message`` with each long quoted piece (a word of the line, as the messages quote
    them: ``no event 'eeee…'``) cut to end in "…", so that a paste gone wrong still gets
    a message of one line."""
    return _QUOTE.sub(
        lambda quoted: quoted.group(1)
        + render.shorten(quoted.group(2), render.QUOTED_WIDTH)
        + quoted.group(1),
        message,
    )


def _readable(outcome: object, command: str, handler: object) -> CommandOutcome:
    """``outcome`` as ``handler`` (``command``'s) returned it, with its output a tuple (a
    list will do); CommandError, naming the plugin whose handler it is (see
    :func:`_whose`, asked only then), when the front ends could not read it (no
    CommandOutcome; its output a string, which would be printed a letter a line, or
    None; its data not a dict), rather than the front end failing as it shows it."""
    if not isinstance(outcome, CommandOutcome):
        raise CommandError(
            f"{_whose(command, handler)} failed: its handler returned "
            f"{type(outcome).__name__}, not a CommandOutcome"
        )
    output, data = outcome.output, outcome.data
    if isinstance(output, list):
        outcome = dataclasses.replace(outcome, output=tuple(output))
    elif not isinstance(output, tuple):
        raise CommandError(
            f"{_whose(command, handler)} failed: its handler's CommandOutcome has output "
            f"{type(output).__name__}, not a tuple of things to show (output=(Text(...),))"
        )
    if not isinstance(data, dict):
        raise CommandError(
            f"{_whose(command, handler)} failed: its handler's CommandOutcome has data "
            f"{type(data).__name__}, not a dict"
        )
    return outcome


def _whose(command: str, handler: object) -> str:
    """``count (plugin 'counter')``: the command, and the installed plugin whose
    handler runs it, for the line that says the handler broke; the name alone for the
    workbench's own commands."""
    owner = installed_owner(handler)
    return command if owner is None else f"{command} (plugin {owner!r})"


def refused_line(line: str, reason: str) -> CommandOutcome:
    """The outcome of ``line`` refused before it was read (``reason``, one line), as a
    line that could not be read is told (``error: ...``)."""
    return _failure(line, "", CommandError(reason))


def _failure(line: str, command: str, error: CommandError) -> CommandOutcome:
    message = _shortened(error.describe())
    output = [render.note(f"error: {message}", style="bold red")]
    if error.column is not None and 0 <= error.column <= len(line):
        # Point at the problem under the line as typed; the caret must stay under it,
        # so the line is cut where escaping it would move what follows.
        shown, column = _echoed(line, error.column)
        output.append(Text(f"  {shown}\n  {' ' * column}^", style="red"))
    return CommandOutcome(
        line=line,
        command=command,
        ok=False,
        output=tuple(output),
        data={"error": message},
        error=message,
        column=error.column,
    )
