"""The lessons that ship with the workbench: find them, list them, pick one by name.

A lesson is a pair of files in the lessons folder: an architecture ``NN_name.py`` and
the narrated script ``NN_name.rapide`` that plays it (``say``, ``wait``, commands and
``expect`` lines). The script's first line, a comment, is the lesson's one-line
summary. In a source checkout the folder is ``examples/lessons``; an installed
package carries a copy inside ``rapide_shell``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from rapide_shell.render import WholeLine
from rapide_shell.suggestions import close_matches

_PACKAGED = Path(__file__).with_name("lesson_files")
_CHECKOUT = Path(__file__).resolve().parents[1] / "examples" / "lessons"
_LESSON_FILE = re.compile(r"(?P<number>\d+)_(?P<name>\w+)\Z")


class LessonNotFound(Exception):
    """No lesson has the name asked for; ``str(error)`` is one line naming the lessons."""


@dataclass(frozen=True)
class Lesson:
    """One lesson: its number and name, its two files, and what it teaches in one line."""

    number: int
    name: str
    architecture: Path
    script: Path
    summary: str

    @property
    def file_stem(self) -> str:
        """``01_connections``: how its files are named."""
        return self.architecture.stem


def lessons_directory() -> Path:
    """Where the lessons are: the installed copy if there is one, else the checkout's."""
    return _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


def find_lessons(directory: Path | None = None) -> list[Lesson]:
    """Every lesson in ``directory`` (default: :func:`lessons_directory`), by number.

    A script counts when an architecture of the same stem is beside it.
    """
    folder = lessons_directory() if directory is None else directory
    found = []
    for script in sorted(folder.glob("*.rapide")):
        named = _LESSON_FILE.match(script.stem)
        architecture = script.with_suffix(".py")
        if named is None or not architecture.is_file():
            continue
        found.append(
            Lesson(
                number=int(named["number"]),
                name=named["name"],
                architecture=architecture,
                script=script,
                summary=_summary(script),
            )
        )
    return sorted(found, key=lambda lesson: (lesson.number, lesson.name))


def find_lesson(wanted: str, directory: Path | None = None) -> Lesson:
    """The lesson called ``wanted``: its name (``causality``), number (``2``) or file
    stem (``02_causality``), in any case (``Causality``, as a title writes it) when no
    lesson is called exactly that. Raises :class:`LessonNotFound` with the close names."""
    lessons = find_lessons(directory)
    for lesson in lessons:
        # The number compared as digits: int() refuses more than 4300 of them.
        if wanted in (lesson.name, lesson.file_stem) or (
            wanted.isascii() and wanted.isdigit() and wanted.lstrip("0") == str(lesson.number)
        ):
            return lesson
    folded = wanted.casefold()
    for lesson in lessons:
        if folded in (lesson.name.casefold(), lesson.file_stem.casefold()):
            return lesson
    names = [lesson.name for lesson in lessons]
    close = close_matches(wanted, names)
    hint = f"; did you mean {' or '.join(repr(name) for name in close)}?" if close else ""
    listed = ", ".join(names) if names else "none"
    raise LessonNotFound(f"no lesson {wanted!r}{hint} (lessons: {listed})")


def lesson_played_by(script: Path, directory: Path | None = None) -> Lesson | None:
    """The lesson whose script ``script`` is (however the path is written), or None: a
    lesson stopped part way says how to play it again by its name."""
    played = script.resolve()
    return next(
        (lesson for lesson in find_lessons(directory) if lesson.script.resolve() == played),
        None,
    )


def lessons_listing(lessons: list[Lesson]) -> list[RenderableType]:
    """What ``rapide lessons`` prints: a row per lesson, then how to play or run one.
    In a narrow terminal a summary goes on under itself and the prose breaks between
    words; the command to copy is drawn whole."""
    if not lessons:
        return [Text(f"no lessons found in {lessons_directory()}")]
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column()
    for lesson in lessons:
        table.add_row(str(lesson.number), lesson.name, lesson.summary)
    first = lessons[0]
    how = (
        f"`rapide lessons {first.name}` plays one in the workbench; with --serve, in "
        "browsers; with --from 3, from its part 3 on (a `wait` ends each part; those "
        f"before are replayed). Each is an architecture and a script in "
        f"{first.script.parent}; to run one headless (as the tests do):"
    )
    return [
        table,
        Text(),
        Text(how),
        WholeLine(f"  rapide run {first.architecture} --script {first.script}"),
    ]


def _summary(script: Path) -> str:
    try:
        with script.open(encoding="utf-8") as lines:
            first = lines.readline().strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return first.lstrip("#").strip() if first.startswith("#") else ""
