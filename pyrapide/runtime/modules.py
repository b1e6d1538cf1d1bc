"""@module and @when: classes that implement an interface and react to deliveries."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from pyrapide.core.printable import brief_repr
from pyrapide.patterns import Pattern, parse_pattern
from pyrapide.types import conformance_problems, interface_name, is_interface
from pyrapide.types.conformance import MODULE_ATTR as MODULE_ATTR
from pyrapide.types.interface import class_label

# Where @when keeps a method's patterns (@module keeps a class's ModuleSpec at MODULE_ATTR).
WHEN_ATTR: Final = "__rapide_when__"


class ModuleDefinitionError(TypeError):
    """A class given to @module, or a method given to @when, cannot serve as one."""


class ModuleBuildError(RuntimeError):
    """A component's module class raised as it was built (``System.start`` calls it with
    no arguments); ``component`` names the component, and what the class raised is the
    ``__cause__``."""

    def __init__(self, component: str, module: type, error: BaseException) -> None:
        try:
            message = str(error).strip().split("\n", 1)[0]
        except Exception:  # a message of the user's own that cannot be read
            message = ""
        raised = f"{type(error).__name__}: {message}" if message else type(error).__name__
        super().__init__(
            f"cannot build component {component!r}: {module.__qualname__}() raised {raised}"
        )
        self.component = component


@dataclass(frozen=True, slots=True)
class HandlerSpec:
    """One ``@when`` handler: the method's name and the pattern it reacts to."""

    method_name: str
    pattern: Pattern


@dataclass(frozen=True, slots=True)
class ModuleSpec:
    """What @module recorded about a class: its interface, handlers and options.

    ``handlers`` are in the order the class (and its bases, first) define them:
    a delivery runs them in that order.
    """

    implements: type | None
    handlers: tuple[HandlerSpec, ...]
    serial: bool
    has_start: bool
    has_finish: bool


def when(pattern: Any) -> Callable[[Any], Any]:
    """Mark a module method as a handler of deliveries matching ``pattern``.

    ``pattern`` is a Pattern or its text form (``"APIService.request"``). The
    method is called with the PatternMatch of ``pattern`` among the delivered
    events; it may be ``async`` (usual) or plain. A method may carry several
    ``@when``; it runs once per delivery that any of them matches.
    """
    pattern = _as_pattern(pattern, "@when")

    def mark(method: Any) -> Any:
        function = getattr(method, "__func__", method)
        if not callable(function):
            raise ModuleDefinitionError(f"@when({pattern}) must decorate a method, not {method!r}")
        patterns = (*getattr(function, WHEN_ATTR, ()), pattern)
        setattr(function, WHEN_ATTR, patterns)
        return method

    return mark


def module(implements: type | None = None, serial: bool = False) -> Any:
    """Turn a class into a module, optionally implementing the interface ``implements``.

    Use as ``@module(implements=DatabaseService)`` (or bare ``@module``). The class
    is checked at once: it must define every method the interface requires; if
    not, ModuleDefinitionError names what is missing. With ``serial=True`` one
    instance handles one delivery at a time: a pipe or agent delivery waits while
    an earlier one is still in progress (asleep, or waiting on asyncio); a
    connect delivery, being a nested call, does not wait. (Without it, handler
    code between two awaits still never interleaves with another's: the
    scheduler runs one handler step at a time.) The class is returned unchanged
    apart from that record; the system builds instances with no arguments.
    """
    if (
        isinstance(implements, type)
        and not is_interface(implements)
        and _looks_like_module(implements)
    ):
        # Bare ``@module`` on a class that is not an interface.
        return _make_module(implements, None, serial)
    if implements is not None and not is_interface(implements):
        raise ModuleDefinitionError(
            f"@module(implements=...) expects an @interface class, got {brief_repr(implements)}"
            " (for a module without an interface, write @module())"
        )

    def decorate(cls: type) -> type:
        return _make_module(cls, implements, serial)

    return decorate


def _looks_like_module(cls: type) -> bool:
    return any(hasattr(value, WHEN_ATTR) for value in vars(cls).values()) or any(
        name in vars(cls) for name in ("start", "finish")
    )


def _make_module(cls: Any, implements: type | None, serial: bool) -> type:
    setattr(cls, MODULE_ATTR, _build_spec(cls, implements, serial))
    return cls


def _build_spec(cls: Any, implements: type | None, serial: bool) -> ModuleSpec:
    if not isinstance(cls, type):
        raise ModuleDefinitionError(f"@module decorates a class, not {cls!r}")
    if implements is not None:
        problems = conformance_problems(cls, implements)
        if problems:
            raise ModuleDefinitionError(
                f"module {cls.__qualname__} does not conform to {interface_name(implements)}: "
                + "; ".join(problems)
            )
    handlers: dict[str, HandlerSpec | tuple[HandlerSpec, ...]] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            function = getattr(value, "__func__", value)
            patterns = getattr(function, WHEN_ATTR, None)
            if patterns is None:
                handlers.pop(name, None)  # overridden by a method that is not a handler
                continue
            _refuse_uncallable(cls, name, value, ("match",))
            handlers[name] = tuple(HandlerSpec(name, p) for p in patterns)
    for hook in ("start", "finish"):
        _refuse_uncallable(cls, hook, inspect.getattr_static(cls, hook, None), ())
    ordered: list[HandlerSpec] = []
    for specs in handlers.values():
        ordered.extend(specs if isinstance(specs, tuple) else (specs,))
    return ModuleSpec(
        implements=implements,
        handlers=tuple(ordered),
        serial=serial,
        has_start=callable(getattr(cls, "start", None)),
        has_finish=callable(getattr(cls, "finish", None)),
    )


def _refuse_uncallable(cls: type, name: str, value: Any, arguments: tuple[str, ...]) -> None:
    """Refuse the method ``name`` of ``cls`` (``value`` as the class holds it) when the
    system could not call it with ``arguments`` after ``self`` (it would fail at every
    call, at run time), or when it is a generator function (a stray ``yield``: a call
    would run none of its body, and say nothing). Static and class methods, and what
    has no signature, pass."""
    if not inspect.isfunction(value):
        return
    awaitable = value.__code__.co_flags & inspect.CO_ITERABLE_COROUTINE  # @types.coroutine
    if (inspect.isgeneratorfunction(value) and not awaitable) or inspect.isasyncgenfunction(
        value
    ):
        kind = "an async generator" if inspect.isasyncgenfunction(value) else "a generator"
        role = "a @when handler" if arguments else f"the {name} hook"
        raise ModuleDefinitionError(
            f"{class_label(cls)}.{name} is {kind} function (it holds a `yield`), so calling "
            f"it would run none of its body: {role} is a plain or async function"
        )
    try:
        signature = inspect.signature(value)
        signature.bind(None, *arguments)
    except ValueError:
        return
    except TypeError:
        called = f"{name}({', '.join(('self', *arguments))})"
        why = (
            f"cannot take the match: a @when handler is called as {called}"
            if arguments
            else f"cannot be called as {called}"
        )
        raise ModuleDefinitionError(f"{class_label(cls)}.{name}{signature} {why}") from None


def module_spec(cls: type) -> ModuleSpec:
    """The ModuleSpec of ``cls``; a plain class counts as a module with no interface."""
    spec = vars(cls).get(MODULE_ATTR)
    return spec if spec is not None else _build_spec(cls, None, False)


def _as_pattern(pattern: Any, where: str) -> Any:
    if isinstance(pattern, str):
        return parse_pattern(pattern)
    if not hasattr(pattern, "matcher"):
        raise ModuleDefinitionError(
            f"{where} expects a Pattern or pattern text, got {brief_repr(pattern)}"
        )
    return pattern
