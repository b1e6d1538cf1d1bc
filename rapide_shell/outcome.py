"""The result of one command: Rich renderables to show and a JSON-safe record of what happened."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.console import RenderableType


@dataclass(frozen=True)
class CommandOutcome:
    """What :meth:`Session.execute` returns for one line.

    - ``line``: the line as given; ``command``: the command's canonical name ("" for a
      blank line or a comment, which do nothing and succeed).
    - ``ok``: False when the command could not be parsed or carried out; ``error`` then
      holds one line for the user (with close matches), ``column`` where in ``line`` the
      problem is when known.
    - ``output``: Rich renderables (Text, Table, Tree, Syntax), to print in order. Front
      ends print them as they are (the REPL through a Rich Console, the TUI in a
      RichLog); nothing here needs a terminal.
    - ``data``: a JSON-safe dict describing the result (``rapide run --json`` collects
      these), e.g. ``{"event": "e3"}`` for an inject, ``{"dispatches": [4, 5]}`` for a step,
      ``{"held": False, "expected": "exactly 2 matches", "seen": 1}`` for an expect.
    - ``failed_expectation``: True when this was an ``expect`` that did not hold.
    - ``quit``: True when the user asked to leave (``quit``); the front end should call
      :meth:`Session.close` and exit.
    """

    line: str
    command: str = ""
    ok: bool = True
    output: tuple[RenderableType, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    column: int | None = None
    failed_expectation: bool = False
    quit: bool = False
