"""Pattern macros: named functions that build patterns, and a library to look them up by name.

A macro is an ordinary function returning a Pattern, marked with
``@pattern_macro`` so that a wrong return value is caught where it is made::

    @pattern_macro
    def roundtrip(call: str, result: str, key: str = "id") -> Pattern:
        k = placeholder(key)
        return Pattern.match(call, **{key: k}) >> Pattern.match(result, **{key: k})

    library = PatternLibrary()
    library.register("roundtrip", roundtrip)
    library.get("roundtrip", call="Tool.call", result="Tool.result")
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterator
from typing import Any, Final

from pyrapide.core.printable import brief_repr, described
from pyrapide.patterns.algebra import Pattern

__all__ = ["PatternLibrary", "is_pattern_macro", "pattern_macro"]

MacroFunction = Callable[..., Pattern]

# The mark ``@pattern_macro`` leaves on the function it returns.
MACRO_ATTR: Final = "__rapide_pattern_macro__"


def _checked(name: str, result: Any) -> Pattern:
    if not isinstance(result, Pattern):
        raise TypeError(
            f"pattern macro {name} returned {described(result)}, not a Pattern"
        )
    return result


def pattern_macro(function: MacroFunction) -> MacroFunction:
    """Mark `function` as a pattern macro: a function whose call builds a Pattern.

    The function is returned wrapped (same name, signature and docstring): a
    call that returns anything but a Pattern raises TypeError naming the macro.
    Raises TypeError at once when `function` is not callable.
    """
    if not callable(function):
        raise TypeError(f"@pattern_macro decorates a function, got {brief_repr(function)}")
    name = getattr(function, "__qualname__", repr(function))

    @functools.wraps(function)
    def build(*args: Any, **kwargs: Any) -> Pattern:
        return _checked(name, function(*args, **kwargs))

    setattr(build, MACRO_ATTR, True)
    return build


def is_pattern_macro(function: object) -> bool:
    """Whether `function` was made by ``@pattern_macro``."""
    return bool(getattr(function, MACRO_ATTR, False))


class PatternLibrary:
    """Pattern macros registered under names, to be instantiated with arguments.

    ``register(name, macro)`` adds one (a function returning a Pattern, marked
    or not); ``get(name, **arguments)`` calls it and returns the Pattern.
    ``name in library``, ``len(library)`` and iteration (names, in registration
    order) work as for a mapping.
    """

    def __init__(self) -> None:
        self._macros: dict[str, MacroFunction] = {}

    def register(self, name: str, macro_fn: MacroFunction) -> MacroFunction:
        """Register `macro_fn` under `name` and return it (a later registration replaces it).

        Raises TypeError when the name is not a non-empty string or the macro is
        not callable.
        """
        if not isinstance(name, str) or not name:
            raise TypeError(
                f"a pattern macro's name must be a non-empty string, got {brief_repr(name)}"
            )
        if not callable(macro_fn):
            raise TypeError(f"pattern macro {name!r} must be callable, got {brief_repr(macro_fn)}")
        self._macros[name] = macro_fn
        return macro_fn

    def get(self, name: str, **kwargs: Any) -> Pattern:
        """The Pattern that macro `name` builds from `kwargs`.

        Raises KeyError naming the known macros (and the likely one) for an
        unknown name, and TypeError when the macro's arguments are wrong or it
        does not return a Pattern.
        """
        try:
            macro = self._macros[name]
        except KeyError:
            known = sorted(self._macros)
            close = difflib.get_close_matches(str(name), known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            listed = ", ".join(known) if known else "none registered"
            raise KeyError(f"no pattern macro named {name!r}{hint}; known: {listed}") from None
        try:
            result = macro(**kwargs)
        except TypeError as error:
            error.add_note(f"while building pattern macro {name!r}")
            raise
        return _checked(repr(name), result)

    def __contains__(self, name: object) -> bool:
        return name in self._macros

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._macros))

    def __len__(self) -> int:
        return len(self._macros)

    def __repr__(self) -> str:
        return f"<PatternLibrary {', '.join(self._macros) or '(empty)'}>"
