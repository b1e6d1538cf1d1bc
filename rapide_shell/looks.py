"""How the workbench shows connection kinds, counts and errors, in plain strings: no Rich.

Every view reads these (the Rich ones through :mod:`rapide_shell.render`), and
``rapide check`` and ``rapide graph`` print with them without importing Rich.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from pyrapide.architecture import ConnectionKind
from pyrapide.core.printable import clipped
from pyrapide.core.printable import counted as counted

if TYPE_CHECKING:
    from pyrapide.architecture import ArchitectureDescription
    from pyrapide.constraints import ConstraintViolation


@dataclass(frozen=True)
class KindLook:
    """How the workbench shows one connection kind, in every view: one convention, a
    plain line for connect, a heavy one for pipe (a buffered channel), a dotted one
    for agent."""

    meaning: str
    """What it does, in a word or two (legends)."""
    arrow: str
    """Its arrow in text (``rapide graph``, ``show graph``)."""
    mermaid_arrow: str
    dot_style: str
    """The Graphviz edge style."""
    style: str
    """Its Rich style, in the REPL and transcripts."""
    theme_colour: str
    """Its colour in the TUI, a theme variable (so light themes stay readable)."""
    lines: tuple[str, str, str, str, str, str]
    """The TUI graph's line characters: horizontal, vertical, then the corners
    joining up and right, up and left, down and right, down and left."""


KIND_LOOKS: Final[Mapping[ConnectionKind, KindLook]] = {
    ConnectionKind.CONNECT: KindLook(
        "synchronous", "-->", "-->", "solid", "bold blue", "$primary",
        ("─", "│", "└", "┘", "┌", "┐"),
    ),
    ConnectionKind.PIPE: KindLook(
        "FIFO", "==>", "==>", "bold", "bold green", "$success",
        ("═", "║", "╚", "╝", "╔", "╗"),
    ),
    ConnectionKind.AGENT: KindLook(
        "independent", "~~>", "-.->", "dashed", "bold magenta", "$warning",
        ("┄", "┆", "╰", "╯", "╭", "╮"),
    ),
}  # fmt: skip
"""Every connection kind's look; a test checks it has every ConnectionKind."""


MESSAGE_SHOWN: Final = 500
"""At most this many characters of an error's message in its one line; the rest is cut."""


def message_cut(message: str) -> str:
    """``message`` itself, or its first :data:`MESSAGE_SHOWN` characters ending in "…"
    (a message of megabytes would fill the terminal)."""
    return clipped(message, MESSAGE_SHOWN)


def look(kind: str) -> KindLook:
    """The look of ``kind`` (a ConnectionKind or its name)."""
    return KIND_LOOKS[ConnectionKind.named(kind)]


def violation_text(violation: ConstraintViolation) -> str:
    """``no_overdraft: a balance never goes below zero (events e10)``: a constraint
    violation as the workbench writes it everywhere, in words (the library's own
    ``str`` keeps PyRapide 0.3.0's form, with its type, ``never_violated``)."""
    text = violation.constraint_name
    if violation.description:
        text += f": {violation.description}"
    ids = ", ".join(event.id for event in violation.matched_events)
    if ids:
        text += f" (events {ids})"
    return text


def steps_span(first: int, last: int) -> str:
    """``step 3`` or ``steps 0 to 3``: a run of history steps as a sentence names it
    (never ``steps 0 to 0``)."""
    return f"step {first}" if first == last else f"steps {first} to {last}"


def and_listed(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``: ``words`` listed as a sentence lists them."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def architecture_counts(description: ArchitectureDescription) -> str:
    """``3 components, 6 with those nested, 6 connections``: how big an architecture
    is, its nested architectures' components counted apart (connections are counted
    at every level)."""
    top = len(description.components)
    everywhere = sum(1 for _ in description.walk())
    nested = f", {everywhere} with those nested" if everywhere > top else ""
    return (
        f"{counted(top, 'component')}{nested}, "
        f"{counted(len(description.connections), 'connection')}"
    )


def command_words(file: str, arch: str | None) -> str:
    """The architecture as a command line names it: ``FILE``, or ``FILE --arch NAME``,
    quoted for a shell where needed."""
    return shlex.join([file, *(("--arch", arch) if arch else ())])
