"""Writing a file so that it is either the old one or the whole new one, never half of each.

Every file PyRapide and the workbench write (saved computations, exports, recorded
scripts) goes through :class:`AtomicWriter` or :func:`write_atomically`:

- the text goes to a temporary file in the target's own directory (so the rename
  cannot cross file systems), which gets the mode of the file it replaces, or for a
  new file the mode any new file gets under the user's umask;
- it is flushed and ``fsync``-ed, then renamed over the target, and the directory is
  ``fsync``-ed so the rename itself survives a crash;
- on any failure, an interrupt included, the temporary file is removed and the
  target is left as it was; one left by a process killed outright (which ran no
  clean-up) is removed by the next write to the same path;
- a path that holds something other than a regular file the user may write is not
  replaced: a directory never, and a symbolic link, a FIFO, a device, a socket or a
  read-only file only when ``force`` is given, in which case that entry itself is
  replaced by a regular file (what a link points to is never written);
- a path that can only name a directory (``out/``, which read as a path is ``out``) is
  not written at all.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Final

_KINDS: Final = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class WriteError(OSError):
    """A file could not be written, and nothing at its path was changed.

    ``str(error)`` is one line: ``cannot write PATH: why``. ``path`` is the path as
    given, ``reason`` the why alone (for a front end that words its own message), and
    ``forceable`` is True when the path holds a symbolic link, a FIFO, a device, a
    socket or a read-only file, which ``force=True`` would replace.
    """

    def __init__(self, path: str, reason: str, *, forceable: bool = False) -> None:
        hint = " (force=True replaces it)" if forceable else ""
        super().__init__(f"cannot write {path}: {reason}{hint}" if path else reason)
        self.path = path
        self.reason = reason
        self.forceable = forceable


def current_umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


def _refusal(path: str, entry: os.stat_result) -> WriteError | None:
    """Why the entry at ``path`` is not replaced without ``force`` (None: a regular file).
    Where its directory cannot be written, ``force`` could not replace it either, and
    the refusal says so instead of offering it."""
    refusal = _kind_refusal(path, entry)
    if refusal is None or not refusal.forceable:
        return refusal
    if not _can_create_in(os.path.dirname(path) or "."):
        return WriteError(path, f"{refusal.reason}, in a directory no file can be made in")
    return refusal


def _can_create_in(directory: str) -> bool:
    """True if a file can be made in ``directory`` (tried, since permissions do not tell:
    root passes every check, and /proc or a read-only mount still say no)."""
    try:
        handle, probe = tempfile.mkstemp(dir=directory, prefix=".rapide-probe.")
    except OSError:
        return False
    os.close(handle)
    with contextlib.suppress(OSError):
        os.unlink(probe)
    return True


def _kind_refusal(path: str, entry: os.stat_result) -> WriteError | None:
    if stat.S_ISREG(entry.st_mode):
        # No write bit at all is the owner's word, even to root, who may write anything.
        if entry.st_mode & 0o222 and os.access(path, os.W_OK):
            return None
        return WriteError(path, "it is read-only", forceable=True)
    if stat.S_ISDIR(entry.st_mode):
        return WriteError(path, "it is a directory")
    for test, kind in _KINDS:
        if test(entry.st_mode):
            if test is stat.S_ISLNK:
                with contextlib.suppress(OSError):
                    kind += f" (to {os.readlink(path)})"
            return WriteError(path, f"it is {kind}", forceable=True)
    return WriteError(path, "it is not a regular file", forceable=True)


NAMES_A_FOLDER: Final = "it names a folder, not a file"
"""Why a path whose last part is empty, ``.`` or ``..`` (``out/``) is not written."""


def names_a_folder(path: str) -> bool:
    """Whether ``path`` can only name a folder: it ends in a separator, ``.`` or ``..``.
    (Read as a path, ``out/`` is ``out``, which a file would be written as.)"""
    return path.replace(os.sep, "/").rpartition("/")[2] in ("", ".", "..")


class AtomicWriter:
    """A file being written: text goes to a temporary file beside ``path``; :meth:`commit`
    puts it in place, :meth:`discard` (or leaving the ``with`` block by an exception)
    throws it away. Creating one checks the target and raises :class:`WriteError`
    when it will not be replaced (see the module docstring) or the temporary file
    cannot be made."""

    def __init__(
        self, path: str | os.PathLike[str], *, force: bool = False, encoding: str = "utf-8"
    ) -> None:
        shown = os.fspath(path)
        if not shown:
            raise WriteError("", "no file name given")
        if names_a_folder(shown):
            raise WriteError(shown, NAMES_A_FOLDER)
        self.path = Path(shown)
        try:
            entry: os.stat_result | None = os.lstat(shown)
        except FileNotFoundError:
            entry = None
        except OSError as error:
            raise WriteError(shown, error.strerror or str(error)) from None
        mode = 0o666 & ~current_umask()
        if entry is not None:
            refused = _refusal(shown, entry)
            if refused is not None and (not force or not refused.forceable):
                raise refused
            if stat.S_ISREG(entry.st_mode):
                mode = stat.S_IMODE(entry.st_mode)
        directory = self.path.parent
        if not directory.is_dir():
            raise WriteError(shown, f"there is no directory {directory}")
        _remove_leftovers(directory, self.path.name)
        try:
            handle, temporary = tempfile.mkstemp(
                dir=directory, prefix=f".{self.path.name}.", suffix=f".{os.getpid()}.tmp"
            )
        except OSError as error:
            raise WriteError(
                shown, f"cannot create a file in {directory} ({error.strerror or error})"
            ) from None
        self._temporary = temporary
        try:
            os.fchmod(handle, mode)
            if entry is not None and stat.S_ISREG(entry.st_mode):
                # Keep the group a shared file had, where the user may set it.
                with contextlib.suppress(OSError):
                    os.fchown(handle, -1, entry.st_gid)
            self._stream: IO[str] | None = os.fdopen(handle, "w", encoding=encoding)
        except BaseException:
            os.close(handle)
            self._remove_temporary()
            raise

    def write(self, text: str) -> None:
        """Append ``text`` (buffered; :meth:`flush` pushes it to the temporary file)."""
        if self._stream is None:
            raise ValueError(f"{self.path} is already committed or discarded")
        self._wrap(self._stream.write, text)

    def write_all(self, chunks: Iterable[str]) -> None:
        """Append every chunk of ``chunks`` in order."""
        for chunk in chunks:
            self.write(chunk)

    def flush(self) -> None:
        """Push what was written to the temporary file (not yet to the disk)."""
        if self._stream is not None:
            self._wrap(self._stream.flush)

    def commit(self) -> None:
        """Flush, ``fsync``, and rename the temporary file over the target."""
        stream = self._stream
        if stream is None:
            return
        try:
            stream.flush()
            os.fsync(stream.fileno())
            stream.close()
            self._stream = None
            os.replace(self._temporary, self.path)
        except BaseException as error:
            self.discard()
            if isinstance(error, OSError):
                raise WriteError(os.fspath(self.path), error.strerror or str(error)) from None
            raise
        _sync_directory(self.path.parent)

    def discard(self) -> None:
        """Throw the text away; the target stays as it was."""
        if self._stream is not None:
            with contextlib.suppress(OSError):
                self._stream.close()
            self._stream = None
        self._remove_temporary()

    def _wrap(self, operation: Callable[..., object], *args: str) -> None:
        try:
            operation(*args)
        except BaseException as error:
            self.discard()
            if isinstance(error, OSError):
                raise WriteError(os.fspath(self.path), error.strerror or str(error)) from None
            raise

    def _remove_temporary(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self._temporary)

    def __enter__(self) -> AtomicWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def _remove_leftovers(directory: Path, name: str) -> None:
    """Remove the temporary files earlier writes of ``name`` left in ``directory`` when
    their process was killed outright (SIGKILL, a power cut: nothing ran to clean up).
    A temporary file names the process that made it; one whose process is alive is
    another write in progress, and is left alone."""
    prefix = f".{name}."
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            parts = entry.name[len(prefix):].split(".")
            if not entry.name.startswith(prefix) or len(parts) != 3 or parts[2] != "tmp":
                continue
            if not (parts[1].isdigit() and parts[1].isascii()) or _alive(int(parts[1])):
                continue
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _alive(pid: int) -> bool:
    """True if process ``pid`` exists (or might: one that is not ours counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _sync_directory(directory: Path) -> None:
    # The rename is durable only once the directory is; some systems cannot open one.
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def write_atomically(
    path: str | os.PathLike[str],
    chunks: str | Iterable[str],
    *,
    force: bool = False,
    encoding: str = "utf-8",
) -> None:
    """Write ``chunks`` (a string, or strings in order) to ``path`` atomically.

    Raises :class:`WriteError` (an ``OSError``) naming the path and why; the path is
    then as it was and no temporary file is left behind. ``force`` replaces a
    symbolic link, FIFO, device, socket or read-only file at ``path`` (never a
    directory).
    """
    with AtomicWriter(path, force=force, encoding=encoding) as writer:
        writer.write_all((chunks,) if isinstance(chunks, str) else chunks)
