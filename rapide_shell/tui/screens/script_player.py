"""Playing a script or a lesson on the main screen for a room, and the user taking it over.

A :class:`ScriptPlayer` belongs to the main screen. It plays a script as ``rapide run``
runs it (:func:`~rapide_shell.script.play`), but visibly: a comment is printed as
narration, a command is typed into the command bar a character at a time, entered, and
its outcome left up for the room to read before the next line. While it plays, the
session is the script's: what the user enters waits for its end (``pause`` aside).
Ctrl-C takes it over after the line in progress, and ``resume`` plays the rest.

What plays a script (:mod:`rapide_shell.script`, its parts, the lessons) is imported by
the methods that play one, when one plays: most sessions never do, and every start of
the workbench would pay for it before its first frame.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from pyrapide.core.printable import printable
from rapide_shell.address import Address
from rapide_shell.commands.builtin.narrating import command_word
from rapide_shell.render import note
from rapide_shell.script_file import ScriptFileError, ScriptLine, read_script
from rapide_shell.tui.widgets.command_bar import CommandBar
from rapide_shell.tui.widgets.narration_banner import NarrationBanner

if TYPE_CHECKING:
    from textual.worker import Worker

    from rapide_shell.outcome import CommandOutcome
    from rapide_shell.script import ScriptResult
    from rapide_shell.tui.screens.main_screen import MainScreen
    from rapide_shell.tui.screens.wait_screen import WaitScreen


TYPED_STEPS = 80
"""A played line is typed into the bar in at most this many steps: a character a step
up to that length, a few each past it. Each step puts the line typed so far in the bar,
and a line of thousands of characters (an ``inject`` of a large payload, as ``--record``
writes it) typed one character a step took minutes, whatever the pace."""

TYPED_LONGEST = 2_000
"""A played line longer than this (more than a room reads as it is typed) goes into the
bar at once. Each step costs time in proportion to the line (the bar completes it as it
changes): the 80 steps of a line of two million characters (a recorded ``inject`` of a
large payload) took minutes, the screen answering slowly and a closing terminal's
SIGHUP going unheeded meanwhile."""


def reading_time(narration: str, speed: float) -> float:
    """How long a played script leaves a line of narration before going on: ``speed``
    seconds, and as much again for every five words."""
    return speed * (1 + len(narration.split()) / 5)


@dataclass(frozen=True)
class StoppedScript:
    """A played script the user took over (Ctrl-C), which ``resume`` can play on."""

    path: Path
    lines: list[ScriptLine]
    """All its lines, as they were read when it began to play."""
    next_line: int
    """The line after the one it stopped at: where ``resume`` goes on."""
    address: Address
    """Where the run was when it stopped: ``resume`` goes back there first if it moved."""
    played: ScriptResult
    """What its lines met so far, summed up with the rest's at its end."""

    @property
    def part(self) -> int:
        """The part the rest begins in (``--from`` plays that part again from its start)."""
        from rapide_shell.script_parts import part_holding

        return part_holding(self.lines, self.next_line).number

    def where(self) -> str:
        """``line 8 (part 2 of 5)``: where the rest begins."""
        from rapide_shell.script_parts import line_and_part

        return line_and_part(self.lines, self.next_line)


def _end(pause: asyncio.Future[None]) -> None:
    """Ends a played script's pause (see ``ScriptPlayer._hold``), unless it has ended."""
    if not pause.done():
        pause.set_result(None)


class ScriptPlayer:
    """Plays scripts on ``screen``, one command every ``speed`` seconds, until they end
    or the user takes them over.

    Its workers are the screen's (group ``script``), so they end with it, and what it
    says goes to the screen's output, banner and notices; each line it plays is entered
    through the screen's
    :meth:`~rapide_shell.tui.screens.main_screen.MainScreen.execute_line`, counted in
    the tally by its own number.
    """

    def __init__(self, screen: MainScreen, *, speed: float = 1.0) -> None:
        self.screen = screen
        self.speed = speed
        """The seconds a command's outcome stays up before the next line (a line of
        narration stays longer: see :func:`reading_time`)."""
        self.playing = False
        """True while a script plays: the session is the script's until it ends or stops,
        so what the user enters meanwhile is refused (see :meth:`refused_while_playing`)."""
        self._take_over = False
        """True once the user asks the script playing to stop (:meth:`take_over`): the
        script reads it after each command."""
        self._holding: asyncio.Future[None] | None = None
        """The pause a played script is in for the room (see :meth:`_hold`), while it is."""
        self._waiting: WaitScreen | None = None
        """The layer a ``wait`` holds the script on, while it does."""
        self.stopped_script: StoppedScript | None = None
        """The script the user took over, while ``resume`` can play the rest of it."""
        self._script_lines: list[ScriptLine] = []
        self._line_played = 0
        """The lines of the script playing, and the number of the line it is at."""
        self._echoed_at = 0
        """Where in the output the last command played was echoed (see
        ``OutputLog.mark``): its outcome is held from there while the room reads it,
        whatever the user entered meanwhile (a ``pause``)."""

    # -- playing -------------------------------------------------------------------------

    def play(self, path: Path, start: int = 1) -> None:
        """Plays the script at ``path`` visibly, from line ``start``, then hands over.

        It plays as ``rapide run`` runs it (:func:`~rapide_shell.script.play`): a line
        that does not parse stops it before any runs, a line that fails or a bound
        reached stops it there, and its end says so as ``rapide run`` does; the session
        stays live either way. From a ``start`` past line 1, the lines above it are
        replayed first, quickly and without their output (the panels show what they
        did), so that the run is where playing them would have brought it."""
        self._in_worker("play_script", partial(self._play_script, path, start))

    async def _play_script(self, path: Path, start: int) -> None:
        """The worker of :meth:`play`: reads the script, says what it plays, plays it."""
        from rapide_shell.script_parts import line_and_part

        output, view = self.screen.output, self.screen.view
        try:
            lines = read_script(path)
        except ScriptFileError as error:
            output.write(note(f"cannot play the script: {error}", "bold red"))
            return
        output.write(note(f"playing {path} (one command every {self.speed:g}s)", "italic"))
        if start > 1:
            output.write(note(
                f"replaying lines 1 to {start - 1} quickly, to play on from "
                f"{line_and_part(lines, start)}", "italic"))
            view.draw_now()  # what came before is printed; the replay's is not
            view.quiet = True
        await self._play_lines(path, lines, start=start)

    def resume(self) -> StoppedScript | None:
        """Plays the rest of the script the user took over (the ``resume`` command),
        from the line after the one it stopped at; returns it (None: there is none)."""
        stopped, self.stopped_script = self.stopped_script, None
        if stopped is not None:
            self._in_worker("play_rest", partial(self._play_rest, stopped))
        return stopped

    async def _play_rest(self, stopped: StoppedScript) -> None:
        """Plays the rest of a script the user took over (``resume``), once the run is
        back where the script left it (a ``goto``, echoed, if it has moved since). The
        ``goto`` is the script's already: what the user enters meanwhile is refused, and
        a Ctrl-C hands the session back before the rest plays."""
        if self.screen.session.decisions.address() != stopped.address:
            back = f"goto {stopped.address.to_text()}"
            self.screen.echo(back)
            self.playing, self._take_over = True, False
            try:
                went_back = (await self.screen.execute_line(back)).ok
            finally:
                self.playing = False
            if not went_back:
                self.stopped_script = stopped  # the goto said why; resume may be tried again
                return
            if self._take_over:
                self._hand_over(stopped, ran=False)
                return
        await self._play_lines(stopped.path, stopped.lines, start=stopped.next_line,
                               after=stopped)

    def _in_worker(
        self, name: str, work: Callable[[], Coroutine[None, None, None]]
    ) -> Worker[None]:
        """Runs ``work`` in a worker of the screen's ``script`` group: it ends with the
        screen, and an error in it ends the worker, not the app. ``work`` is an async
        method or a ``partial`` of one: Textual runs a callable as async only if it is a
        coroutine function, and refuses a lambda that returns a coroutine."""
        return self.screen.run_worker(work, name=name, group="script", exit_on_error=False)

    async def _play_lines(
        self,
        path: Path,
        lines: list[ScriptLine],
        *,
        start: int = 1,
        after: StoppedScript | None = None,
    ) -> None:
        """Plays ``lines`` from line ``start``: the lines above it are replayed first or,
        ``after`` a script taken over, were played already (and what they met is summed
        up with the rest). Ends as :meth:`play` says."""
        from rapide_shell.script import play

        session = self.screen.session
        self.stopped_script = None
        self.playing = True
        self._take_over = False
        self._script_lines = lines
        rest = lines if after is None else [line for line in lines if line.number >= start]
        try:
            played = await play(
                session,
                rest,
                script=str(path),
                start=start,
                on_line=self._show_played_line,
                on_outcome=self._pace_played_line,
                interrupted=lambda: self._take_over,
                execute=lambda played: self.screen.execute_line(played.text,
                                                                number=played.number),
                on_caught_up=self._caught_up,
            )
        finally:
            self.playing = False
            self._caught_up()  # stopped while replaying: what comes next is printed
        if after is not None:
            played.outcomes[:0] = after.played.outcomes
        if played.outcomes and played.outcomes[-1][1].quit:
            return
        taken = played.interrupted_before or played.interrupted_after
        if taken is not None:
            # Taken over after a line, or before one (shown, not entered: resume runs it).
            ran = played.interrupted_before is None
            self._hand_over(StoppedScript(
                path, lines, taken.number + 1 if ran else taken.number,
                session.decisions.address(), played,
            ), ran=ran)
            return
        self._sum_up(played)
        stopped = played.stop_message() is not None
        self.screen.notify(
            "The script stopped early: the session is yours." if stopped
            else "The script is done: the session is yours.",
            title="script",
        )

    def _caught_up(self) -> None:
        """The replayed lines have run: what the script does next is printed again."""
        view = self.screen.view
        if view.quiet:
            view.draw_now()  # the replay's outcomes, left out
            view.quiet = False

    # -- each line, for the room ---------------------------------------------------------

    async def _show_played_line(self, line: ScriptLine) -> None:
        """Shows a comment as narration; types a command into the bar for the room,
        unless the user has typed something there, before or while it types (which
        stays as it is: the command is shown in the output only); blanks alone there
        are typed over.

        Once the user has taken the script over (see :meth:`take_over`), a command not
        entered yet does not run, even one being typed: it is left as it is, for
        :func:`play` to stop before it, and what the bar holds (that command, or what the
        user typed) stays there for the user to run with Enter."""
        self._line_played = line.number
        text = line.text.strip()
        if not line.is_command:
            self.screen.output.write(note(text.lstrip("# "), style="italic cyan"))
            return
        cue = command_word(text) in ("say", "wait")  # for the banner, not the bar
        bar = self.screen.query_one(CommandBar)
        if not cue and bar.value and not bar.value.strip():
            # Blanks are no line of the user's: a presenter's key pressed just before a
            # `wait` (Space, mostly) would otherwise keep every later line out of the bar.
            bar.value = ""
        typed = not cue and not bar.value
        if typed:
            typed = await self._type_into(bar, text)
        if self._take_over:
            return
        if typed:
            bar.value = ""
        if not cue:
            self._echoed_at = self.screen.echo(text)

    async def _type_into(self, bar: CommandBar, line: str) -> bool:
        """Types ``line`` into the bar a character at a time (a few at a time past
        TYPED_STEPS characters), for the audience to read;
        True once it has. False, at once, when the user types in the bar meanwhile: the
        bar is theirs then, holding what they typed (the part of its line the script
        had typed taken out)."""
        size = -(-len(line) // TYPED_STEPS)  # characters a step: 1 up to TYPED_STEPS
        if len(line) > TYPED_LONGEST:
            size = len(line)
        ends = [*range(size, len(line), size), len(line)]
        per_step = min(self.speed / 2, 1.5) / len(ends)
        shown = ""
        for end in ends:
            if bar.value != shown:
                break
            shown = bar.value = line[:end]
            bar.cursor_position = end  # as typed: what the user types goes after it
            await self._hold(per_step)
        else:
            await self._hold(min(self.speed / 4, 0.5))
        if bar.value == shown:
            return True
        bar.value = bar.value.removeprefix(shown)
        return False

    async def _pace_played_line(self, _line: ScriptLine, outcome: CommandOutcome) -> None:
        """Leaves a command's outcome up for the room to read before the next line."""
        if not outcome.ok or outcome.quit:
            return  # the script ends here: nothing to wait for
        if outcome.command not in ("say", "wait"):
            # Too long for the panel (a `why` tree, a timeline), it is shown from its
            # first line while the room reads it, the narration after it too.
            self.screen.view.draw_now()
            self.screen.output.hold_from(self._echoed_at)
        said = outcome.data.get("text") if outcome.command == "say" else None
        await self._hold(self.speed if said is None else reading_time(said, self.speed))

    async def _hold(self, seconds: float) -> None:
        """Waits ``seconds`` for the room, less if the user takes over meanwhile (as
        cheap as a sleep: a script played fast holds many times a second)."""
        if self._take_over:
            return
        loop = asyncio.get_running_loop()
        self._holding = holding = loop.create_future()
        timer = loop.call_later(seconds, _end, holding)
        try:
            await holding
        finally:
            timer.cancel()
            self._holding = None

    async def wait_for_presenter(self) -> None:
        """Returns once the presenter presses a key (or clicks); the banner says so
        (the session's ``wait`` awaits it)."""
        banner = self.screen.query_one(NarrationBanner)
        pressed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        banner.next_part = self._next_part()
        banner.waiting = True

        def go_on(_: object) -> None:
            if not pressed.done():
                pressed.set_result(None)

        # The dialogs are imported when first opened: the first frame needs none of them.
        from rapide_shell.tui.screens.wait_screen import WaitScreen

        self._waiting = WaitScreen()
        try:
            self.screen.app.push_screen(self._waiting, go_on)
            await pressed
        finally:
            banner.waiting = False
            banner.next_part = ""
            self._waiting = None

    def _next_part(self) -> str:
        """``part 3 of 7``: the part of the script playing that a ``wait`` at its
        current line holds before; "" when no script plays or this is its last part."""
        if not self.playing:
            return ""
        from rapide_shell.script_parts import next_part

        return next_part(self._script_lines, self._line_played)

    # -- the user's turn -----------------------------------------------------------------

    def refused_while_playing(self, line: str) -> bool:
        """Whether ``line``, entered by the user, must wait for the script playing (saying
        so if it must): a command that steps, injects or travels in the middle of a lesson
        would leave its next lines acting on another state, and stop it further on with an
        error that is not its own. ``pause`` goes through, to stop a run the script began."""
        if not self.playing or line.split() == ["pause"]:
            return False
        self.screen.notify(
            f"The script is playing: `{printable(line)}` can wait for its end, when the "
            "session is yours. (Ctrl+C takes it over now; Ctrl+Q quits.)",
            title="script",
            severity="warning",
        )
        return True

    def take_over(self) -> bool:
        """Asks the script playing to stop after the line in progress, as ``rapide run``
        stops at a first Ctrl-C (a ``wait`` it holds at ends now, and so does the pause
        after a line); the session is then the user's. False when no script plays."""
        if not self.playing:
            return False
        self._take_over = True
        if self._holding is not None:
            _end(self._holding)
        if self._waiting is not None and self._waiting.is_current:
            self._waiting.dismiss(None)
        return True

    @property
    def taking_over(self) -> bool:
        """The user asked the script playing to stop, and it has not stopped yet."""
        return self.playing and self._take_over

    # -- its end -------------------------------------------------------------------------

    def _hand_over(self, stopped: StoppedScript, *, ran: bool = True) -> None:
        """Ends a script the user took over: says where it stopped (after the line before
        ``stopped.next_line``, or before that line when it was shown but did not run), how
        to play the rest (``resume``) and, for a lesson, how to play it again later; what
        its lines met stays counted in the tally. The screen then posts
        :class:`~rapide_shell.tui.screens.main_screen.MainScreen.TookOver`."""
        from rapide_shell.lessons import lesson_played_by

        output = self.screen.output
        self.screen.view.draw_now()  # below the last command's output
        output.follow()
        said = (f"script stopped at line {stopped.next_line - 1} of {stopped.path}" if ran
                else f"script stopped before line {stopped.next_line} of {stopped.path}, "
                "which did not run")
        said += ": the session is yours"
        output.write(note(said, style="bold yellow"))
        rest = any(line.is_command for line in stopped.lines if line.number >= stopped.next_line)
        if rest:
            self.stopped_script = stopped
            output.write(note(f"`resume` plays the rest, from {stopped.where()}",
                              style="italic"))
        lesson = lesson_played_by(stopped.path)
        if lesson is not None:
            part = stopped.part
            again = ("to play the lesson again: reload the page" if self.screen.app.is_web
                     else f"after Ctrl+Q, `rapide lessons {lesson.name} --from {part}` plays "
                     f"the lesson again from part {part} (without --from, from its start)")
            output.write(note(again, style="italic"))
        resumable = " `resume` plays the rest." if rest else ""
        self.screen.notify(f"The script stopped: the session is yours.{resumable}",
                           title="script")
        self.screen.post_message(self.screen.TookOver())

    def _sum_up(self, played: ScriptResult) -> None:
        """Ends a played script's output as ``rapide run`` ends its transcript: where
        and why it stopped early, else each ``expect`` that failed, or how many held
        (nothing for a script without any)."""
        output = self.screen.output
        self.screen.view.draw_now()  # below the last command's output
        output.follow()
        stopped = played.stop_message()
        if stopped is not None:
            output.write(note(stopped, style="bold red"))
            return
        failures = played.expectation_failures()
        for failure in failures:
            output.write(note(failure, style="bold red"))
        if not failures and played.expectations_checked:
            output.write(Text(played.expectations_held(), style="green"))
