"""Addresses: a point of a run written as one pasteable word.

A run is a function of the architecture, the seed, and the decisions made along the
way (what was injected, which dispatch or wake-up each step chose). An
:class:`Address` holds the seed and those decisions as lines of the command language
(``inject A.b {"k": 1}``, ``step #12``, ``step 40``), so replaying it is replaying a
script, and its text form is that script packed into one word::

    >>> address = Address(seed=3, lines=("inject Source.job {\\"n\\": 1}", "step #2", "step 5"))
    >>> text = address.to_text()
    >>> text.startswith("r1-")
    True
    >>> Address.from_text(text) == address
    True

The word is ``r1-`` followed by the lines, zlib-compressed, in URL-safe base64 without
padding: it survives a terminal, a chat message, a shell argument and a URL unquoted.
The ``1`` is the format's version; a word of another version, or one that was cut or
mangled, is refused with an :class:`AddressError` saying so. An address does not name
its architecture: ``goto ADDRESS`` and ``--at ADDRESS`` apply it to the file the session
has loaded, and a decision that does not fit that file (an unknown event, a dispatch
that is not pending) is reported when it is replayed, as a script's would be.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

PREFIX = "r1-"
"""What every address of this format starts with."""

VERSIONED = re.compile(r"r([0-9]{1,4})-")
"""What an address of any format starts with: ``r``, the format's version, ``-``."""

MAX_TEXT = 1 << 20
"""The longest address text read (1 MiB): a longer one is refused, not inflated."""


class AddressError(ValueError):
    """Text that is not an address; ``str(error)`` is one line for the user."""


@dataclass(frozen=True)
class Address:
    """A point of a run: the ``seed`` and the command ``lines`` that lead to it.

    ``lines`` are commands of the language that change the run (``inject``, ``step``),
    in the order they were made; blank lines and comments have no place in them.
    """

    seed: int
    lines: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise AddressError(f"an address's seed is a whole number, not {self.seed!r}")
        for line in self.lines:
            if not isinstance(line, str) or "\n" in line or not line.strip():
                raise AddressError(f"an address's line is one non-blank line, not {line!r}")

    @classmethod
    def of(cls, seed: int, lines: Iterable[str]) -> Address:
        """The address of ``lines`` made from ``seed`` (any iterable of lines)."""
        return cls(seed, tuple(lines))

    def to_text(self) -> str:
        """The address as one word (see the module docstring)."""
        document = json.dumps(
            {"seed": self.seed, "lines": list(self.lines)},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        packed = zlib.compress(document.encode("utf-8"), 9)
        return PREFIX + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")

    @classmethod
    def from_text(cls, text: str) -> Address:
        """Read an address written by :meth:`to_text`; AddressError when ``text`` is not one."""
        word = text.strip()
        shown = word[:12] + ("…" if len(word) > 12 else "")
        other = VERSIONED.match(word)
        if other is not None and not word.startswith(PREFIX):
            raise AddressError(
                f"{shown!r} is an address of format {int(other[1])}; this version of rapide "
                f"reads format 1 ({PREFIX}...): open it with the rapide that printed it"
            )
        if not word.startswith(PREFIX):
            raise AddressError(
                f"{shown!r} is not an address (an address starts with {PREFIX!r}; "
                "`where` prints the current one)"
            )
        if len(word) > MAX_TEXT:
            raise AddressError(f"the address is longer than {MAX_TEXT:,} characters")
        body = word[len(PREFIX) :]
        try:
            # Strictly: a character base64 would skip, or bytes after the packed
            # lines, is something pasted or typed onto the word, not part of it.
            packed = base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_",
                                      validate=True)
            inflater = zlib.decompressobj()
            raw = inflater.decompress(packed, MAX_TEXT * 8)
            if inflater.unconsumed_tail:
                raise AddressError("the address unpacks to more than it may hold")
            if not inflater.eof or inflater.unused_data:
                raise ValueError("not one whole packed document")
            document = json.loads(raw.decode("utf-8"))
        except AddressError:
            raise
        except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError, RecursionError):
            # RecursionError: a few bytes can pack brackets nested deeper than json
            # reads, which no address `where` printed holds.
            raise AddressError(
                "the address is damaged (cut short or mistyped?): paste it whole, "
                "as `where` printed it"
            ) from None
        if (
            not isinstance(document, dict)
            or set(document) != {"seed", "lines"}
            or not isinstance(document["lines"], list)
        ):
            raise AddressError("the address holds something other than a seed and its lines")
        return cls(document["seed"], tuple(document["lines"]))

    def __str__(self) -> str:
        return self.to_text()
