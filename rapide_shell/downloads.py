"""Files the workbench's commands write, sent to the user's browser when it is served.

In a terminal, ``save``, ``export``, ``explore`` (its counterexamples) and
``screenshot`` write where they are told, from the folder the workbench started in.
A tab of ``rapide serve`` runs on the machine serving the page, in the architecture's
folder, which every tab on that page shares: written there, one student's ``save
run.json`` would replace another's, and the lesson's folder would fill with them. So a
served tab writes each such file in a temporary folder of its own, under the name it
was given (its folders dropped), sends it to the browser as a download, and removes the
folder: nothing is left on the serving machine, and each student finds the file in
their own browser's downloads. Reading is unchanged: ``load`` and ``explore`` read the
files beside the architecture, as in a terminal.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pyrapide.core.atomic import NAMES_A_FOLDER, WriteError, names_a_folder

IN_A_BROWSER = """\
In a browser (`rapide serve`) nothing is written on the machine serving the page: the
file is sent to the browser as a download, under FILE's name (its folders dropped, and
a `;`, `"` or control character in it made a `_`; a name of spaces alone is refused)."""
"""What the help of each command that writes a file says of it in a browser."""


ONLY_SPACES: Final = "is only spaces, which a browser does not keep as a download's name"
"""Why a served tab sends no file named ``"   "``: what a message refusing it says."""


def downloaded_as(name: str) -> str:
    """How a command's message says where a file it wrote went in a browser."""
    return f"{name}, sent to the browser as a download"


@dataclass(frozen=True)
class Downloads:
    """Where a served tab's commands put the files they write: to the browser.

    ``send`` hands a file's name and bytes to the browser (Textual's
    ``App.deliver_binary``, which textual-serve turns into a download).
    """

    send: Callable[[str, bytes], None]

    def write(self, path: str | Path, write: Callable[[str], None]) -> str:
        """Has ``write`` write the file asked for at ``path`` (given where to write it:
        ``path``'s name in a temporary folder), sends it, and says where it went (see
        :func:`downloaded_as`). Nothing is sent when it raises; a WriteError then names
        ``path``, as the user gave it, never the temporary place. A ``path`` that names a
        folder (``runs/``), or whose name is only spaces, is refused so, unwritten."""
        if names_a_folder(str(path)):
            raise WriteError(str(path), NAMES_A_FOLDER)
        name = download_name(Path(path).name)
        if not name.strip():
            # A browser trims the name it is given: one of spaces reaches it as none.
            raise WriteError(str(path), f"its name {name!r} {ONLY_SPACES}")
        with tempfile.TemporaryDirectory(prefix="rapide-download-") as folder:
            target = Path(folder) / name
            try:
                write(str(target))
            except WriteError as error:
                raise WriteError(str(path), error.reason) from None
            data = target.read_bytes()
        self.send(name, data)
        return downloaded_as(name)


def download_name(name: str) -> str:
    """``name`` as a download can carry it: the browser reads the name from a header
    that ends at a ``;``, a ``"`` begins a quoted name there and a line break ends the
    header, so each of those (and every other control character) is made a ``_``."""
    return "".join("_" if char in ';"' or not char.isprintable() else char for char in name)


def write_file(downloads: Downloads | None, path: str | Path, write: Callable[[str], None]) -> str:
    """Writes the file a command was asked to write at ``path`` by calling ``write`` with
    where to write it: ``path`` itself, or, in a browser (``downloads``), a temporary
    place it is sent from (see :meth:`Downloads.write`). Returns where it went, as the
    command's message names it: ``path``, or the download's name."""
    if downloads is None:
        write(str(path))
        return str(path)
    return downloads.write(path, write)
