"""An exploration's answer as every front end shows it: the verdict, the counterexamples,
the ``sometimes`` expectations, the coverage (Rich renderables), and as JSON."""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from rapide_shell.looks import and_listed
from rapide_shell.render import counted, note, pattern_shown

if TYPE_CHECKING:  # only named here: the workbench draws progress without the machinery
    from pyrapide.exploration import Counterexample, ExplorationResult, Progress


@dataclass(frozen=True)
class Written:
    """A counterexample as written: where, its ``lines``, the ``address`` of its failing
    step, whether replaying the file failed as it should (None: not checked), and
    ``same_as``, the number (from 1) of an earlier failure that shrank to the same
    script, whose file this one shares (None: the file is its own)."""

    example: Counterexample
    path: str
    lines: tuple[str, ...]
    address: str
    replays: bool | None = None
    same_as: int | None = None


def stands_for(written: Sequence[Written], number: int) -> str:
    """`` (2 failures shrink to it: 1 and 2)`` when later failures share failure
    ``number``'s file (numbered from 1 in ``written``), else ""."""
    numbers = [number, *(later for later, item in enumerate(written, 1) if item.same_as == number)]
    if len(numbers) == 1:
        return ""
    return f" ({len(numbers)} failures shrink to it: {and_listed([str(n) for n in numbers])})"


def tally(count: int, noun: str) -> str:
    """``1 failure``, ``12,345 distinct posets``: :func:`counted` with thousands grouped,
    for counts that run into the thousands."""
    return counted(count, noun, grouped=True)


def progress_line(progress: Progress) -> str:
    """``1,234 schedules run, 12 distinct posets, 1 failure, 850/s``."""
    if progress.phase == "shrinking":
        return (
            f"{tally(progress.schedules, 'schedule')} run, "
            f"{tally(progress.distinct, 'distinct poset')}"
            f"; shrinking {counted(progress.failures, 'counterexample')}"
        )
    return (
        f"{tally(progress.schedules, 'schedule')} run, "
        f"{tally(progress.distinct, 'distinct poset')}, "
        f"{tally(progress.failures, 'failure')}, {progress.rate:,.0f}/s"
    )


COMMAND_LINE = {"all": "--all-failures", "max": "--max-schedules {:,}",
                "stop": "interrupted (Ctrl-C)"}
"""How ``rapide explore`` spells the options a verdict names, and what stopped it."""
WORKBENCH = {"all": "all-failures", "max": "max={}", "stop": "stopped (explore stop)"}
"""How the workbench's ``explore`` command spells them."""


def verdict_line(result: ExplorationResult, spelling: Mapping[str, str] = COMMAND_LINE) -> str:
    """``38 schedules run, 3 distinct posets (9 runs pruned); the space was exhausted``,
    naming the options that would go further as ``spelling`` writes them."""
    pruned = f" ({tally(result.pruned, 'run')} pruned)" if result.pruned else ""
    head = f"{tally(result.schedules, 'schedule')} run, {tally(result.distinct, 'distinct poset')}"
    return f"{head}{pruned}; {_how_far(result, spelling)}"


def _how_far(result: ExplorationResult, spelling: Mapping[str, str]) -> str:
    options = result.options
    if result.interrupted:
        return f"{spelling['stop']}: the space was not exhausted"
    if result.ended == "failure":
        return f"stopped at the first failure ({spelling['all']} goes on)"
    if result.ended == "bound":
        bound = spelling["max"].format(options.max_schedules)
        return f"stopped at {bound}: not exhausted"
    if options.strategy == "random":
        first, last = options.seeds
        return f"every seed {first}..{last} run (a random search never exhausts the space)"
    return "the space was exhausted"


NOTHING_CHECKED = "nothing checked: no expect, and no constraint declared"
"""Said where "every property held" would be, of a scenario that checks no property."""


def summary(
    result: ExplorationResult,
    written: Sequence[Written],
    *,
    file: str,
    spelling: Mapping[str, str] = COMMAND_LINE,
    checked: bool = True,
) -> list[RenderableType]:
    """The verdict, each failure with its counterexample, the ``sometimes``
    expectations, errors and limits met, then the coverage. ``checked``: False when
    the scenario checked no property (see :func:`~rapide_shell.exploring.checks_nothing`),
    which is said instead of "every property held"."""
    shown: list[RenderableType] = [Text(verdict_line(result, spelling))]
    for number, item in enumerate(written, 1):
        shown.extend(_failure(item, file, stands_for(written, number)))
    not_kept = result.failures_not_kept
    if not_kept:
        bound = result.options.max_failures
        shown.append(note(
            f"{tally(not_kept, 'more failing poset')} found, not shrunk nor written: "
            f"--max-failures {bound} keeps the first {bound} (a larger N keeps more)",
            style="yellow",
        ))
    for sometimes in result.sometimes:
        expect = sometimes.expect
        told = pattern_shown(expect.text)
        if sometimes.held:
            shown.append(note(f"ok: {told} (line {expect.line}): held in schedule "
                              f"{sometimes.number}", style="green"))
        elif sometimes in result.unmet:
            where = "any schedule" if result.exhausted else "any schedule explored"
            shown.append(note(f"FAILED: {told} (line {expect.line}): held in no "
                              f"{where.removeprefix('any ')}", style="bold red"))
    shown.extend(note(problem, style="yellow") for problem in schedule_problems(result))
    if not result.failed:
        held = "in every schedule explored" if not result.exhausted else "in every schedule"
        shown.append(note(f"ok: every property held {held}", style="green") if checked
                     else note(NOTHING_CHECKED))
    explored = ("the 1 schedule" if result.schedules == 1
                else f"how many of the {tally(result.schedules, 'schedule')}")
    shown.append(Text(f"coverage: in {explored}"))
    shown.append(coverage_table(result))
    return shown


def schedule_problems(result: ExplorationResult) -> list[str]:
    """What went wrong in the schedules short of failing a property (a handler raised,
    a bound of the system cut one short), said in the report and in the workbench."""
    problems = []
    if result.with_errors:
        # The coverage has a row for each expect of the scenario: one that counts errors
        # needs no word of how to make them a failure.
        counted = any(row.name.startswith("expect errors") for row in result.coverage.patterns)
        hint = "" if counted else " (`expect errors none` makes it a failure, shrunk to replay)"
        problems.append(f"a handler raised in {tally(result.with_errors, 'schedule')}; "
                        f"the first: {result.first_error}{hint}")
    if result.limited:
        problems.append("a bound of the system (max_events, connect depth, a finish hook's "
                        f"wait) stopped {tally(result.limited, 'schedule')}")
    return problems


def failure_told(failure: Any) -> str:
    """A failure's message as a line telling of it shows it: an expectation's long
    pattern by its ends (see :func:`~rapide_shell.render.pattern_shown`). The JSON's
    ``property`` and the counterexample's heading keep it whole."""
    message: str = failure.message
    pattern = getattr(failure.property, "pattern", None)
    if isinstance(pattern, str) and message.startswith(f"{pattern}: "):
        return pattern_shown(pattern) + message[len(pattern) :]
    return message


def _failure(item: Written, file: str, shared: str) -> list[RenderableType]:
    example = item.example
    found, shrunk = example.found, example.shrunk
    lines: list[RenderableType] = [note(f"FAILED: {failure_told(shrunk)}", style="bold red")]
    found_choices = counted(found.schedule.forced_count, "forced choice")
    cut_short = example.shrink_end.cut_short
    if example.shrink_runs == 0:
        shrinking = "not shrunk" if cut_short is None else f"not shrunk: {cut_short} first"
    else:
        shrinking = (
            f"shrunk to {counted(shrunk.schedule.forced_count, 'forced choice')}, "
            f"{counted(shrunk.schedule.injections, 'injection')} "
            f"({counted(example.shrink_runs, 'replay')})"
        )
        if cut_short is not None:
            shrinking += f" until {cut_short}: it may shrink further"
    lines.append(Text(
        f"  found in schedule {example.number} ({found_choices}"
        f", {counted(found.schedule.injections, 'injection')}); {shrinking}"
    ))
    if item.same_as is not None:
        lines.append(note(f"  counterexample: {item.path}, as failure {item.same_as}: "
                          "it shrinks to the same script"))
    else:
        lines.append(note(f"  counterexample: {item.path}{shared}"))
    lines.append(note(
        f"  replay (exits 1): rapide run {file} --script {shlex.quote(item.path)}"
    ))
    # An address is copied whole: never folded at the console's width.
    address = note(f"  failing step: {item.address}", style="dim")
    address.no_wrap, address.overflow = True, "ignore"
    lines.append(address)
    if item.replays is False:
        lines.append(note("  warning: replaying the file did not fail as the schedule did; "
                          "is the architecture deterministic?", style="yellow"))
    return lines


def coverage_table(result: ExplorationResult) -> Table:
    """The coverage: connections, handlers and patterns, each with its schedule count."""
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column("part", style="bold")
    table.add_column("what")
    table.add_column("schedules", justify="right")
    coverage = result.coverage
    for part, rows in (
        ("delivered", coverage.connections),
        ("ran", coverage.handlers),
        ("matched", coverage.patterns),
    ):
        for position, row in enumerate(rows):
            # A row at 0 is a part the scenario never reached; but `expect errors`
            # counts the schedules where the code raised, and 0 there is no warning.
            unreached = row.schedules == 0 and not row.name.startswith("expect errors")
            style = "yellow" if unreached else ""
            # An expect's or a watch's line (or a connection's pattern) by its ends, so
            # that a long one keeps to one row; the JSON keeps it whole.
            name = Text(pattern_shown(row.name), style=style)
            table.add_row(part if position == 0 else "", name,
                          Text(f"{row.schedules:,}", style=style))
    return table


def to_json(
    result: ExplorationResult, written: Sequence[Written], *, file: str, script: str,
    workers: int, cluster: str | None,
) -> dict[str, Any]:
    """One JSON-safe object for ``rapide explore --json``."""
    options = result.options
    return {
        "file": file,
        "script": script,
        "ok": not result.failed,
        "strategy": str(options.strategy),
        "pruning": options.prune,
        "timing": str(options.timing),
        "workers": workers,
        "cluster": cluster,
        "schedules": result.schedules,
        "distinct_posets": result.distinct,
        "pruned_runs": result.pruned,
        "ended": result.ended,
        "exhausted": result.exhausted,
        "elapsed_seconds": round(result.elapsed, 3),
        "schedules_per_second": round(result.rate, 1),
        "failures": [_failure_json(item) for item in written],
        "failing_posets": result.failing,
        "failures_not_kept": result.failures_not_kept,
        "sometimes": [
            {
                "line": item.expect.line,
                "expect": item.expect.text,
                "held": item.held,
                "schedule": item.number,
            }
            for item in result.sometimes
        ],
        "handler_errors": {"schedules": result.with_errors, "first": result.first_error},
        "limited_schedules": result.limited,
        "coverage": result.coverage.to_json(),
    }


def _failure_json(item: Written) -> dict[str, Any]:
    example = item.example
    shrunk, found = example.shrunk, example.found
    return {
        "property": shrunk.message,
        "key": list(shrunk.key),
        "schedule": example.number,
        "poset": example.digest,
        "forced_choices": {"found": found.schedule.forced_count,
                           "shrunk": shrunk.schedule.forced_count},
        "injections": {"found": found.schedule.injections,
                       "shrunk": shrunk.schedule.injections},
        "shrink_replays": example.shrink_runs,
        "shrinking": str(example.shrink_end),
        "counterexample": item.path,
        "address": item.address,
        "lines": list(item.lines),
        "replays": item.replays,
        "same_as": item.same_as,
    }
