"""Names a package loads on first use, so that importing it costs only what is used.

A package lists what it offers and where each name lives, then takes its module
``__getattr__`` and ``__dir__`` from :func:`lazy_exports`; a name is imported the first
time it is asked for and kept in the package from then on.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str,
    names: Mapping[str, str],
    modules: Mapping[str, str] | None = None,
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``: each of ``names`` is that
    name of the module it maps to, each of ``modules`` the module it maps to."""
    namespace = sys.modules[package].__dict__
    whole = dict(modules or {})

    def __getattr__(name: str) -> Any:
        if name in whole:
            value = importlib.import_module(whole[name])
        elif name in names:
            value = getattr(importlib.import_module(names[name]), name)
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(namespace["__all__"])

    return __getattr__, __dir__
