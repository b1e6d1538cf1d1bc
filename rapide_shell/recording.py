"""Writing a session down as a script that ``rapide run`` replays to the same computation."""

from __future__ import annotations

import json
import re
import shlex
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pyrapide.core.atomic import AtomicWriter, WriteError
from pyrapide.core.printable import printable
from rapide_shell.looks import command_words


class Recorder:
    """Keeps a script file equal to the lines it is given, as a session goes.

    The session gives it the script of its current branch after each command
    (:meth:`append` when the script only grew, :meth:`rewrite` when it changed, after
    going back in time). The lines go to a temporary file beside ``path``, flushed as
    they come, and :meth:`close` puts it in place whole, however the session ended
    (``quit``, an error, Ctrl-C), with the mode of the file it replaces (see
    :mod:`pyrapide.core.atomic`). A process killed outright leaves ``path`` as it was,
    and the lines so far in the ``.NAME.*.tmp`` file beside it. When the file cannot be
    written or put in place (its folder removed, a full disk), the lines are still
    kept, and :meth:`close` writes them to a new file in the temporary directory. A
    symbolic link, FIFO, device or read-only file at ``path`` is replaced only with
    ``force``. ``seed`` is the session's first seed, which the replay command in the
    first line gives.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        source: str | Path,
        arch: str | None = None,
        force: bool = False,
        seed: int = 0,
    ) -> None:
        self.path = Path(path)
        self.force = force
        if same_file(self.path, source):
            # The recording would replace the code it records, with no way back.
            raise OSError(f"cannot write the recording {self.path}: it is the architecture file")
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        # The replay command is for pasting: the architecture chosen, paths quoted.
        file = command_words(str(source), arch)
        script = shlex.quote(str(self.path))
        # With the session's seed, the script's first line (`seed N`) starts nothing over:
        # its steps are numbered as they were, and the start hooks run once.
        seeded = f" --seed {seed}" if seed else ""
        # Made printable: a path may hold a line break (the rest of the header would be
        # read as a command) or bytes that are not UTF-8 (which the file cannot hold).
        self.header = printable(
            f"# recorded from {file} on {stamp}; replay: rapide run {file}{seeded} "
            f"--script {script}"
        )
        self._file: AtomicWriter | None = self._open()
        self._problem: str | None = None
        self._closed = False
        self.written: list[str] = []
        """The lines of the script so far (the header aside)."""

    def _open(self) -> AtomicWriter:
        try:
            writer = AtomicWriter(self.path, force=self.force)
        except WriteError as error:
            hint = "; --force-record replaces it" if error.forceable else ""
            raise OSError(f"cannot write the recording {self.path}: {error.reason}{hint}") from None
        writer.write(self.header + "\n")
        writer.flush()
        return writer

    def append(self, *lines: str) -> None:
        """Add ``lines`` at the end of the script. A write that fails (a full disk, a
        file size limit) ends the recording, not the session: :meth:`close` says why."""
        if self._closed or not lines:
            return
        if self._file is not None:
            try:
                for line in lines:
                    self._file.write(line + "\n")
                self._file.flush()
            except (WriteError, UnicodeError) as error:  # the temporary file is gone with it
                self._file = None
                reason = error.reason if isinstance(error, WriteError) else str(error)
                self._problem = f"cannot write the recording {self.path}: {reason}"
        self.written.extend(lines)  # kept all the same, for close() to keep elsewhere

    def rewrite(self, lines: list[str]) -> None:
        """Make the script ``lines`` (a fresh temporary file; the old one is dropped)."""
        if self._closed or lines == self.written:
            return
        self.written = []
        if self._file is not None:
            old, self._file = self._file, None
            old.discard()
            try:
                self._file = self._open()
            except OSError as error:
                self._problem = str(error)  # for close() to say
        self.append(*lines)

    def close(self) -> str | None:
        """Put the file in place; later writes are ignored. Returns None when it is, else
        one line saying why it could not be (the temporary file is then removed and
        ``path`` left as it was) and where the script was kept instead, for the front
        end to show; a second close returns None."""
        if self._closed:
            return None
        self._closed = True
        problem, self._problem = self._problem, None
        writer, self._file = self._file, None
        if writer is not None:
            try:
                writer.commit()
            except WriteError as error:
                problem = f"cannot write the recording {self.path}: {error.reason}"
        if problem is None:
            return None
        kept = self._keep_elsewhere()
        return problem if kept is None else f"{problem}; what it recorded is kept in {kept}"

    def _keep_elsewhere(self) -> str | None:
        """Write the script to a new file in the temporary directory (the recording's
        own place could not take it): its path, or None when that fails too."""
        try:
            handle, name = tempfile.mkstemp(prefix=f"{self.path.stem}.", suffix=".rapide")
        except OSError:
            return None
        try:
            with open(handle, "w", encoding="utf-8") as kept:
                kept.write("".join(line + "\n" for line in [self.header, *self.written]))
        except (OSError, UnicodeError):
            Path(name).unlink(missing_ok=True)
            return None
        return printable(name)


def same_file(path: str | Path, other: str | Path) -> bool:
    """Whether ``path`` names the file ``other`` is (a link to it, another spelling of
    it, ``~`` read as the home directory); False when either is not there."""
    try:
        return home_read(path).samefile(home_read(other))
    except OSError:
        return False


def home_read(path: str | Path) -> Path:
    """``path`` with a ``~`` it starts with read as the home directory, as
    ``Path.expanduser`` does, but left as it is when that cannot be done (``~nosuchuser``,
    no home directory): such a path is a name like any other, not an error."""
    try:
        return Path(path).expanduser()
    except RuntimeError:
        return Path(path)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def inject_line(name: str, payload: dict[str, Any]) -> str:
    """The ``inject`` line that records exactly ``payload`` (as one JSON object): the
    line a recording, an address and a counterexample hold, and the one the TUI's inject
    dialog enters, so that what the command bar recalls can be written anywhere."""
    if not payload:
        return f"inject {name}"
    text = json.dumps(payload, ensure_ascii=False, default=str)
    # A lone surrogate (a payload's "\udcfe", read from JSON) has no UTF-8 to be written
    # in, in a script or an address: its JSON escape reads back as the same string.
    return f"inject {name} {_LONE_SURROGATE.sub(lambda found: ascii(found[0])[1:-1], text)}"
