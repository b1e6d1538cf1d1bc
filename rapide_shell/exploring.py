"""What every front end of ``explore`` shares: a script read as a scenario, the systems a
worker builds from the file, and a failing schedule written back as a script and an address.

A script is read the way ``rapide run`` reads it (the same parser, the same payload
checks), then kept as a :class:`~pyrapide.exploration.Scenario`: ``inject``, ``run``
(``continue``), ``expect`` (``sometimes`` included, and ``expect constraints``),
``watch`` and a leading ``seed``. Commands that only look (``show``, ``why``, ``say``,
...) are passed over; ``step`` and the others that would steer one run are refused
with the line they are on, since the explorer makes those choices itself, and so are
``save``, ``export`` and ``screenshot``, which would write a file no schedule writes.

A counterexample goes back the other way: its schedule as the lines ``rapide run``
replays (``seed``, the injections, ``step #12`` for each forced choice, ``step 3`` for
the seed's own, ``run`` for the rest of a run), ending with the property that fails,
and as an :class:`~rapide_shell.address.Address` that reaches the failing step.
"""

from __future__ import annotations

import hashlib
import shlex
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyrapide.core.printable import printable
from pyrapide.exploration import (
    Expect,
    ExpectConstraints,
    Failure,
    Inject,
    Run,
    RunSteps,
    Scenario,
    StepBound,
    Watch,
)
from pyrapide.exploration.scenario import Step
from rapide_shell.address import Address
from rapide_shell.commands import CommandCatalog, CommandError, parse_command
from rapide_shell.commands.arguments import is_whole_number
from rapide_shell.commands.builtin.injecting import checked_payload
from rapide_shell.loader import LoadedArchitecture, load_architecture
from rapide_shell.looks import and_listed
from rapide_shell.recording import inject_line
from rapide_shell.render import QUOTED_WIDTH, shorten

if TYPE_CHECKING:
    from pyrapide.exploration import Counterexample
    from pyrapide.exploration.schedule import Decision
    from pyrapide.runtime import System

PASSED_OVER = frozenset(
    {"show", "why", "effects", "whynot", "matches", "breaks", "help", "say", "wait",
     "map", "timeline", "where", "history", "branches"}
)
"""Commands a scenario passes over: they look, and change nothing a schedule does."""

WRITES_A_FILE = frozenset({"save", "export", "screenshot"})
"""Commands that write a file of one run: a scenario refuses them, since passed over they
would leave the user waiting for a file no schedule writes."""


class ScenarioError(Exception):
    """A script that cannot be explored; ``str(error)`` is ``SCRIPT:LINE: message``."""


def read_scenario(
    lines: Iterable[tuple[int, str]],
    *,
    script: str,
    catalog: CommandCatalog,
    actions: dict[str, Any],
    seed: int = 0,
) -> Scenario:
    """The scenario of a script's ``lines`` (each its number and text).

    ``catalog`` parses them (a session's: plugins' commands included), ``actions``
    checks the injections' payloads as ``inject`` does, ``seed`` is the seed unless the
    script sets one first. Raises :class:`ScenarioError` for a line that does not
    parse, a command a scenario cannot hold, or a script without a ``run``.
    """
    steps: list[Step] = []
    quit_at: int | None = None
    for number, text in lines:
        try:
            command = parse_command(text, catalog)
        except CommandError as error:
            raise ScenarioError(f"{script}:{number}: {error.describe()}") from None
        if command is None:
            continue
        name, args = command.name, command.args
        where = f"{script}:{number}"
        if name == "inject":
            try:
                payload = checked_payload(actions, args.event, args.payload)
            except CommandError as error:
                raise ScenarioError(f"{where}: {error.describe()}") from None
            steps.append(Inject(number, args.event, payload))
        elif name in ("run", "continue"):
            if getattr(args, "max_steps", None) is not None:
                raise ScenarioError(
                    f"{where}: explore runs every run until it is quiet; bound its steps "
                    "with --max-steps, not `run N`"
                )
            steps.append(Run(number))
        elif name == "expect":
            steps.append(_expectation(number, command.text, args))
        elif name == "watch":
            steps.append(Watch(number, args.pattern_text))
        elif name == "seed":
            if steps:
                raise ScenarioError(
                    f"{where}: `seed` starts a run over; in a scenario it may only come "
                    "first (or use --seed)"
                )
            seed = args.value
        elif name == "quit":
            quit_at = number
            break
        elif name in PASSED_OVER:
            continue
        else:
            raise ScenarioError(f"{where}: {_refusal(name)}")
    if not any(isinstance(step, Run) for step in steps):
        if quit_at is not None:
            raise ScenarioError(
                f"{script}:{quit_at}: `quit` ends the script before any `run` line, so "
                "there is nothing to explore"
            )
        raise ScenarioError(
            f"{script}: the script has no `run` line, so there is nothing to explore: add "
            "`run` where the system should run (explore chooses the order of its steps)"
        )
    return Scenario(tuple(steps), seed, script)


def seed_range(text: str) -> tuple[int, int]:
    """``A..B`` (both ends included; negative seeds too) as a pair; ValueError, whose
    text follows the option's name (``--seeds``, ``random``), when it is not one."""
    first, dots, last = text.partition("..")
    # What was typed is quoted cut short: a paste gone wrong still gets one line.
    shown = shorten(printable(text), QUOTED_WIDTH)
    try:
        # Whole numbers as the command language writes them (`seed -3`): int() also
        # takes `+1`, `1_000` and other scripts' digits.
        if not dots or not all(is_whole_number(end.removeprefix("-")) for end in (first, last)):
            raise ValueError
        low, high = int(first), int(last)
    except ValueError:
        raise ValueError(
            f"takes a range A..B of whole numbers (like 0..999), not {shown!r}"
        ) from None
    if high < low:
        raise ValueError(
            f"{shown}: the range is empty ({shorten(last, QUOTED_WIDTH)} comes before "
            f"{shorten(first, QUOTED_WIDTH)})"
        )
    return low, high


def _expectation(number: int, text: str, args: Any) -> Expect | ExpectConstraints:
    if args.constraints:
        return ExpectConstraints(number, text)
    return Expect(
        number, args.pattern_text, text, args.count, args.none, args.sometimes, args.errors
    )


def _refusal(name: str) -> str:
    if name == "step":
        return (
            "explore chooses every step itself: write `run` where the system should run "
            "(a counterexample it writes has the steps)"
        )
    if name in ("break", "unbreak"):
        return "a breakpoint pauses one run; explore runs every schedule to its end"
    if name in ("reset", "reload", "load"):
        return f"`{name}` starts over; a scenario is one run from the start"
    if name in WRITES_A_FILE:
        return (
            f"`{name}` writes a file of one run, and explore runs many schedules, so it "
            "would write none: play the counterexample explore writes (rapide run or "
            f"rapide shell) and `{name}` there"
        )
    return f"`{name}` has no place in a scenario (explore plays inject, run, expect and watch)"


def checks_nothing(scenario: Scenario, loaded: LoadedArchitecture) -> bool:
    """True when exploring ``scenario`` checks no property: it expects nothing and the
    architecture declares no constraint, so that only a run that does not go quiet can
    fail; the exploration then counts schedules and distinct posets."""
    return not scenario.expectations and not loaded.description.constraints


# -- the systems a worker builds -----------------------------------------------------------


@dataclass(frozen=True)
class ArchitectureSource:
    """Builds fresh, unstarted Systems of one architecture file, here or in a worker
    (it is picklable). ``text`` is the file's source: a worker that cannot read the
    same text at ``path`` (a cluster on other machines) loads a copy of it."""

    path: str
    arch: str | None = None
    handler_timeout: float | None = None
    text: str | None = None

    @classmethod
    def of(cls, loaded: LoadedArchitecture, handler_timeout: float | None) -> ArchitectureSource:
        """The source of an architecture already loaded."""
        path = loaded.path.resolve()
        return cls(str(path), loaded.chosen, handler_timeout, path.read_text(encoding="utf-8"))

    def __call__(self) -> System:
        loaded = _loaded_here(self)
        system: System = loaded.build_system(0, handler_timeout=self.handler_timeout)
        return system


_loaded = threading.local()


def _loaded_here(source: ArchitectureSource) -> LoadedArchitecture:
    """The file loaded once per thread (a thread's systems never share modules)."""
    cache: dict[ArchitectureSource, LoadedArchitecture] | None = getattr(_loaded, "files", None)
    if cache is None:
        cache = _loaded.files = {}
    loaded = cache.get(source)
    if loaded is None:
        loaded = cache[source] = load_architecture(_readable_copy(source), arch=source.arch)
    return loaded


def _readable_copy(source: ArchitectureSource) -> Path:
    path = Path(source.path)
    if source.text is None:
        return path
    try:
        if path.read_text(encoding="utf-8") == source.text:
            return path
    except OSError:
        pass
    digest = hashlib.blake2b(source.text.encode("utf-8"), digest_size=8).hexdigest()
    folder = Path(tempfile.gettempdir()) / f"rapide-explore-{digest}"
    folder.mkdir(exist_ok=True)
    copy = folder / path.name
    if not copy.exists():
        copy.write_text(source.text, encoding="utf-8")
    return copy


# -- counterexamples as scripts and addresses ----------------------------------------------


def counterexample_lines(failure: Failure) -> list[str]:
    """The script that replays ``failure``'s schedule to the failing property: the seed,
    the injections, each run's steps (forced ones by id), then the property's line."""
    schedule = failure.schedule
    lines = [f"seed {schedule.seed}"]
    runs = [item for item in schedule.items if isinstance(item, RunSteps)]
    for item in schedule.items:
        if isinstance(item, Inject):
            lines.append(inject_line(item.name, item.payload))
        elif isinstance(item, RunSteps):
            bound = isinstance(failure.property, StepBound) and item is runs[-1]
            lines.extend(_run_lines(item, bound=bound))
    if isinstance(failure.property, Expect):
        lines.append(failure.property.text)
    elif isinstance(failure.property, ExpectConstraints):
        lines.append("expect constraints")
    return lines


def address_of(failure: Failure) -> Address:
    """The address of the failing step of ``failure``: its seed, its injections and
    every step, so that ``goto`` or ``--at`` reach it exactly."""
    schedule = failure.schedule
    lines: list[str] = []
    for item in schedule.items:
        if isinstance(item, Inject):
            lines.append(inject_line(item.name, item.payload))
        elif isinstance(item, RunSteps):
            lines.extend(_step_lines(item.decisions))
    return Address(schedule.seed, tuple(lines))


def _run_lines(steps: RunSteps, *, bound: bool) -> list[str]:
    """One run of a schedule as script lines (see :func:`counterexample_lines`)."""
    decisions = steps.decisions
    last_forced = max((i for i, d in enumerate(decisions) if d is not None), default=-1)
    lines = _step_lines(decisions[: last_forced + 1])
    rest = len(decisions) - last_forced - 1
    if bound:
        lines.append(f"run {max(rest, 1)}")  # takes them all with work still pending
    elif steps.quiet and decisions:  # a run with nothing to do (shrunk away) says nothing
        lines.append("run")
    elif rest:
        lines.append(f"step {rest}")
    return lines


def _step_lines(decisions: Iterable[Decision]) -> list[str]:
    """``step #ID`` (``step wake``) for each forced step, ``step N`` for N default ones."""
    lines: list[str] = []
    defaults = 0
    for decision in decisions:
        if decision is None:
            defaults += 1
            continue
        if defaults:
            lines.append("step" if defaults == 1 else f"step {defaults}")
            defaults = 0
        lines.append(f"step #{decision}" if isinstance(decision, int) else f"step {decision}")
    if defaults:
        lines.append("step" if defaults == 1 else f"step {defaults}")
    return lines


def counterexample_text(
    example: Counterexample,
    *,
    file: str,
    script: str,
    out: str,
    strategy: str,
    alike: Sequence[Counterexample] = (),
) -> str:
    """The counterexample file: a header saying what fails, where it was found, how it
    was shrunk (and which ``alike`` failures, of other posets, shrank to the same
    script) and how to replay it (``file`` as :func:`~rapide_shell.looks.command_words`
    gives it), then :func:`counterexample_lines`."""
    shrunk = example.shrunk
    address = address_of(shrunk).to_text()
    header = [
        f"# A counterexample found exploring the schedules of {script} ({strategy}):",
        f"#   {shrunk.message}",
        f"# schedule {example.number}: {_how_shrunk(example)}",
    ]
    if alike:
        numbers = [str(other.number) for other in (example, *alike)]
        header.append(
            f"# It stands for {len(numbers)} failing posets, found in schedules "
            f"{and_listed(numbers)}: each shrinks to this script."
        )
    header += [
        f"# Replay it (exits 1):  rapide run {file} --script {shlex.quote(out)}",
        f"# Open it:              rapide shell {file} --script {shlex.quote(out)}",
        f"# The failing step:     {address}",
    ]
    # Made printable: a line break in a path or a message would make the rest of its
    # comment a command, and bytes that are not UTF-8 cannot be written.
    return "\n".join([*map(printable, header), *counterexample_lines(shrunk)]) + "\n"


def _how_shrunk(example: Counterexample) -> str:
    """``1 forced choice and 5 injections as found, shrunk to 1 and 2.``, or why not."""
    found, shrunk = example.found, example.shrunk
    as_found = f"{_choices(found)} and {_injections(found)}"
    cut_short = example.shrink_end.cut_short
    if example.shrink_runs == 0:
        if cut_short is not None:
            return f"{as_found}, as found: not shrunk, {cut_short} first."
        return f"{as_found}, as found (not shrunk)."
    if cut_short is not None:
        return (
            f"{as_found} as found, shrunk to {_choices(shrunk)} and {_injections(shrunk)} "
            f"until {cut_short}: it may shrink further."
        )
    counts = (shrunk.schedule.forced_count, shrunk.schedule.injections)
    if counts == (found.schedule.forced_count, found.schedule.injections):
        return f"{as_found}, none of which shrinking could take away."
    return f"{as_found} as found, shrunk to {_choices(shrunk)} and {_injections(shrunk)}."


def _choices(failure: Failure) -> str:
    count = failure.schedule.forced_count
    return f"{count} forced choice{'' if count == 1 else 's'}"


def _injections(failure: Failure) -> str:
    count = failure.schedule.injections
    return f"{count} injection{'' if count == 1 else 's'}"


def counterexample_paths(out: Path, count: int) -> list[Path]:
    """Where ``count`` counterexamples go: ``out``, then ``out``'s stem with -2, -3, ..."""
    return [
        out if number == 1 else out.with_name(f"{out.stem}-{number}{out.suffix}")
        for number in range(1, count + 1)
    ]


def default_out(script: str) -> Path:
    """Beside the script: ``race.rapide`` -> ``race.counterexample.rapide``."""
    path = Path(script)
    return path.with_name(f"{path.stem}.counterexample.rapide")
