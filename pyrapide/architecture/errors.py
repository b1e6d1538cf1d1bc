"""The error raised for a refused architecture declaration or binding."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class ArchitectureError(Exception):
    """An architecture that cannot be declared or bound as written.

    The message names the architecture, the offending declaration and the
    candidates the user could have meant; `architecture` and `candidates` hold
    the same for programs (the workbench offers the candidates).
    """

    def __init__(
        self,
        message: str,
        *,
        architecture: str | None = None,
        candidates: Iterable[str] = (),
    ) -> None:
        super().__init__(message)
        self.architecture = architecture
        self.candidates = tuple(candidates)


def quoted_list(names: Iterable[str]) -> str:
    """`'a', 'b' and 'c'`: names as a sentence lists them."""
    quoted = [repr(name) for name in names]
    if not quoted:
        return "none"
    if len(quoted) == 1:
        return quoted[0]
    return f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def close_match_hint(word: str, candidates: Iterable[str]) -> str:
    """` (did you mean 'db'?)` when a candidate is close to `word`, else `""`."""
    pool = list(candidates)
    lowered = {candidate.lower(): candidate for candidate in pool}
    if word.lower() in lowered:
        return f" (did you mean {lowered[word.lower()]!r}?)"
    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
