"""What a command looks like: its name, arguments (with their kinds, for completion) and help."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ArgKind(Enum):
    """The kind of value an argument takes; front ends complete each kind differently."""

    COMMAND = "command"
    """A command name (the argument of ``help``)."""
    EVENT_NAME = "event-name"
    """A qualified action name an interface declares, e.g. ``APIService.request``."""
    PAYLOAD = "payload"
    """``key=value`` pairs (values JSON literals, else text) or one JSON object."""
    PATTERN = "pattern"
    """A pattern in the text syntax of :func:`pyrapide.patterns.parse_pattern`."""
    STEP_TARGET = "step-target"
    """A count, a connection kind (``connect``/``pipe``/``agent``) or a dispatch id ``#12``."""
    WATCH_ID = "watch-id"
    """The number of a watch, as ``watch`` printed it."""
    BREAK_ID = "break-id"
    """The number of a breakpoint, as ``break`` printed it."""
    EVENT_ID = "event-id"
    """The id of a recorded event, e.g. ``e12``."""
    FILE = "file"
    """A path on disk."""
    INTEGER = "integer"
    """A whole number."""
    CHOICE = "choice"
    """One word of a fixed set (see :attr:`ArgSpec.choices`)."""
    EXPECT_OPTION = "expect-option"
    """``count=N`` or ``none`` after an ``expect`` pattern."""
    ARCHITECTURE_PATH = "architecture-path"
    """The path of a component that is itself an architecture, e.g. ``payments``."""
    MAP_NAME = "map-name"
    """The name of a map the architecture file defines (a module-level ``ArchitectureMap``)."""
    BRANCH = "branch"
    """The name of a branch of the history, as ``branches`` lists them."""
    HISTORY_POINT = "history-point"
    """A step of the current branch (its number, as ``history`` lists them), or an
    address as ``where`` prints it."""
    SECONDS = "seconds"
    """A number of seconds, such as ``0.5``."""
    TEXT = "text"
    """Free text to the end of the line, such as a line of narration: nothing to complete."""


@dataclass(frozen=True)
class ArgSpec:
    """One argument of a command, in the order it is typed."""

    name: str
    kind: ArgKind
    optional: bool = False
    choices: tuple[str, ...] = ()
    rest_of_line: bool = False
    """True when the argument takes everything to the end of the line (patterns, payloads)."""
    least: int = 0
    """The smallest an ``INTEGER`` argument may be (a line with less is refused as it is
    read, so a script with one is refused before it runs)."""


@dataclass(frozen=True)
class CommandSpec:
    """A command of the language: what completion, ``help`` and the parser know about it."""

    name: str
    usage: str
    """The synopsis shown by ``help``, e.g. ``step [N | connect|pipe|agent | #ID]``."""
    summary: str
    """One line, shown in ``help`` with no argument and beside completions."""
    details: str
    """The full help, shown by ``help NAME``."""
    args: tuple[ArgSpec, ...] = ()
    aliases: tuple[str, ...] = ()
    while_running: bool = False
    """True when the command may run while a ``run`` is in progress (reads, ``pause``)."""
    examples: tuple[str, ...] = ()
