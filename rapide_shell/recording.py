"""Writing a session down as a script that ``rapide run`` replays to the same computation."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO


class Recorder:
    """Appends command lines to a script file, one a line, flushed as they come.

    The file is written as the session goes (so a session that ends abruptly still
    leaves what it did); :meth:`close` ends it.
    """

    def __init__(self, path: str | Path, *, source: str | Path, seed: int) -> None:
        self.path = Path(path)
        try:
            self._file: TextIO | None = self.path.open("w", encoding="utf-8")
        except OSError as error:
            raise OSError(f"cannot write the recording {self.path}: {error.strerror}") from None
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

    def close(self) -> None:
        """Finish the file; later writes are ignored."""
        if self._file is not None:
            self._file.close()
            self._file = None


def inject_line(name: str, payload: dict[str, Any]) -> str:
    """The ``inject`` line that records exactly ``payload`` (as one JSON object)."""
    if not payload:
        return f"inject {name}"
    return f"inject {name} {json.dumps(payload, ensure_ascii=False, default=str)}"
