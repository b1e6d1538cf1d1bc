"""The code blocks of a Markdown file, with the line each starts on and the note before it.

A note is an HTML comment on the line just before a fenced block (a blank line may
stand between): ``<!-- fragment: runs after examples/shop.py -->`` says where a
Python block lives, ``<!-- output -->`` that a plain block is what the Python block
above it prints. Indented blocks (four spaces, outside a fence and a list) are read
too: they hold the shell commands.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^(?P<indent> *)```(?P<language>[\w-]*)\s*$")
NOTE = re.compile(r"^\s*<!--\s*(?P<note>.*?)\s*-->\s*$")


@dataclass(frozen=True)
class Block:
    """One code block of a Markdown file."""

    path: Path
    line: int
    """The 1-based line of its first line of code."""
    language: str
    """The fence's language ("python", "" for none); "indented" for an indented block."""
    code: str
    """Its text, dedented, ending with a newline."""
    note: str | None
    """The HTML comment just before it, if any."""

    @property
    def where(self) -> str:
        return f"{self.path.name}:{self.line}"


def code_blocks(path: Path) -> list[Block]:
    """Every fenced and indented code block of ``path``, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    note: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        fence = FENCE.match(line)
        if fence:
            end = index + 1
            while end < len(lines) and lines[end].strip() != "```":
                end += 1
            code = textwrap.dedent("\n".join(lines[index + 1 : end])) + "\n"
            blocks.append(Block(path, index + 2, fence["language"], code, note))
            note, index = None, end + 1
            continue
        if line.startswith("    ") and _opens_indented_block(lines, index):
            end = index
            while end < len(lines) and (lines[end].startswith("    ") or not lines[end].strip()):
                end += 1
            code = textwrap.dedent("\n".join(lines[index:end])).strip("\n") + "\n"
            blocks.append(Block(path, index + 1, "indented", code, note))
            note, index = None, end
            continue
        found = NOTE.match(line)
        if found:
            note = found["note"]
        elif line.strip():
            note = None
        index += 1
    return blocks


def _opens_indented_block(lines: list[str], index: int) -> bool:
    """Whether an indented line starts a code block: after a blank line that follows a
    paragraph, not a list item's continuation."""
    if index == 0 or lines[index - 1].strip():
        return False
    before = index - 1
    while before >= 0 and not lines[before].strip():
        before -= 1
    return before < 0 or not re.match(r"^\s*(?:[-*+]|\d+\.)\s", _paragraph_start(lines, before))


def _paragraph_start(lines: list[str], index: int) -> str:
    """The first line of the paragraph holding line ``index``."""
    while index > 0 and lines[index - 1].strip():
        index -= 1
    return lines[index]
