"""Writing a session down as a script that ``rapide run`` replays to the same computation."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pyrapide.core.atomic import AtomicWriter, WriteError


class Recorder:
    """Appends command lines to a script file, one a line, flushed as they come.

    The lines go to a temporary file beside ``path`` as the session goes, and
    :meth:`close` puts it in place whole, however the session ended (``quit``, an
    error, Ctrl-C), with the mode of the file it replaces (see
    :mod:`pyrapide.core.atomic`). A process killed outright leaves ``path`` as it was,
    and the lines so far in the ``.NAME.*.tmp`` file beside it. A symbolic link, FIFO,
    device or read-only file at ``path`` is replaced only with ``force``.
    """

    def __init__(
        self, path: str | Path, *, source: str | Path, seed: int, force: bool = False
    ) -> None:
        self.path = Path(path)
        try:
            self._file: AtomicWriter | None = AtomicWriter(path, force=force)
        except WriteError as error:
            hint = "; --force-record replaces it" if error.forceable else ""
            raise OSError(f"cannot write the recording {path}: {error.reason}{hint}") from None
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        self.write(
            f"# recorded from {source} on {stamp}; replay: rapide run {source} --script {self.path}"
        )
        self.write(f"seed {seed}")

    def write(self, *lines: str) -> None:
        """Append ``lines`` to the script."""
        if self._file is None:
            return
        for line in lines:
            self._file.write(line + "\n")
        self._file.flush()

    def close(self) -> str | None:
        """Put the file in place; later writes are ignored. Returns None when it is, else
        one line saying why it could not be (the temporary file is then removed and
        ``path`` left as it was), for the front end to show."""
        if self._file is None:
            return None
        writer, self._file = self._file, None
        try:
            writer.commit()
        except WriteError as error:
            return f"cannot write the recording {self.path}: {error.reason}"
        return None


def inject_line(name: str, payload: dict[str, Any]) -> str:
    """The ``inject`` line that records exactly ``payload`` (as one JSON object)."""
    if not payload:
        return f"inject {name}"
    return f"inject {name} {json.dumps(payload, ensure_ascii=False, default=str)}"
