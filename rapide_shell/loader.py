"""Architecture files in, Systems out: import a user's file safely and explain every failure.

The rules (DESIGN.md §5): the file is imported under a unique module name, never as
``__main__``, so its ``if __name__ == "__main__":`` block does not run. If it defines a
module-level ``System``, that is used; otherwise an ``@architecture`` class is bound to
the file's ``@module`` classes that implement its interfaces (one module per interface).
``arch`` picks among several systems or architectures by name. Components of a nested
architecture are bound the same way, by path (``payments.ledger``). Every failure raises
:class:`LoadError`, whose message is one line written for the user.
"""

from __future__ import annotations

import importlib.util
import inspect
import itertools
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from pyrapide.architecture import ArchitectureError, Hierarchy, architecture_spec, is_architecture
from pyrapide.core.printable import message_of
from pyrapide.patterns import PatternSyntaxError
from pyrapide.runtime import ModuleBuildError, ModuleDefinitionError, RunState, System
from pyrapide.runtime.modules import MODULE_ATTR
from pyrapide.types import interface_actions, interface_name
from rapide_shell.import_guard import (
    ImportEnded,
    ImportExited,
    ImportInterrupted,
    ImportStartedSystem,
    ImportStopped,
    ImportTooLong,
    StreamBroken,
    guarded_import,
    import_seconds,
)
from rapide_shell.looks import message_cut
from rapide_shell.suggestions import close_matches

_module_counter = itertools.count(1)

ARCHITECTURE_LIMIT = 64 * 1024 * 1024
"""The most an architecture file may hold (64 MiB), as a script may: Python reads the
whole file into memory before running a line of it."""


RUNS_ITSELF = (
    "the file runs its system as it is imported, and rapide runs it itself;"
    ' put that under `if __name__ == "__main__":`'
)
"""What a file that runs its system at import is told, however that showed."""


class LoadError(Exception):
    """An architecture file that cannot be loaded; ``str(error)`` is one line for the user.

    ``exit_status`` is what the command line exits with: 2, or 130 when the user
    interrupted the import with Ctrl-C."""

    exit_status = 2


class ImportInterruptedError(LoadError):
    """The user pressed Ctrl-C while the file was being imported."""

    exit_status = 130


@dataclass
class LoadedArchitecture:
    """What a file gave: the architecture and how to build a fresh System from it.

    ``name`` is the architecture class's name; ``bindings``
    maps each component to the module class bound to it (by path, for the components
    of a nested architecture: ``payments.ledger``); ``actions`` maps every event name
    the interfaces declare, at every level, to its ``ActionSpec``; ``hierarchy`` is
    the tree of architectures the system runs and ``description`` describes it.
    """

    path: Path
    name: str
    chosen: str | None
    """The name given with ``--arch`` (kept so that ``reload`` picks the same one)."""
    architecture: Any
    bindings: dict[str, type]
    description: Any
    actions: dict[str, Any]
    hierarchy: Hierarchy
    _factory: Callable[[], Any] = field(repr=False)
    maps: dict[str, Any] = field(default_factory=dict)
    """The file's module-level ``ArchitectureMap`` objects, by variable name (``map NAME``)."""

    def build_system(self, seed: int, *, handler_timeout: float | None = None) -> Any:
        """The System, with ``seed`` and ``handler_timeout`` (seconds a handler may
        keep control; None: no bound), not yet started.

        An architecture is bound afresh at each call; a file's own System is the one
        object (``reset`` and ``seed`` start it over with ``System.reset``).
        """
        system = self._factory()
        _apply_seed(system, seed)
        system.handler_timeout = handler_timeout
        return system


def load_architecture(path: str | Path, *, arch: str | None = None) -> LoadedArchitecture:
    """Import the file at ``path`` and find its system; raises :class:`LoadError`."""
    file = Path(path)
    if not file.exists():
        raise LoadError(f"{file}: no such file")
    if file.is_dir():
        raise LoadError(f"{file}: is a directory, not an architecture file")
    if file.suffix != ".py":
        raise LoadError(f"{file}: an architecture file is a Python file (.py)")
    if not file.is_file():
        # Python would read it to its end: a FIFO may never give one, /dev/zero has none.
        raise LoadError(
            f"{file}: not a regular file (a FIFO or a device), so not an architecture file"
        )
    if file.stat().st_size > ARCHITECTURE_LIMIT:
        raise LoadError(f"{file}: more than 64 MiB, too large for an architecture file")
    try:
        with file.open("rb"):
            pass  # said as a script that cannot be read is, not in Python's words
    except OSError as error:
        raise LoadError(f"{file}: cannot be read ({error.strerror})") from None
    try:
        import_seconds()  # read before the file runs: a bound that makes no sense is said
    except ValueError as error:
        raise LoadError(str(error)) from None
    module = _import(file)
    maps = _module_maps(module)
    loaded = _find_system(file, module, arch, maps)
    loaded.maps = maps
    return loaded


def _find_system(
    file: Path, module: ModuleType, arch: str | None, maps: dict[str, Any]
) -> LoadedArchitecture:
    systems = _module_systems(module)
    architectures = _module_architectures(module)
    wanted = _wanted_system(file, systems, architectures, arch) if systems else None
    if wanted is not None:
        system = systems[wanted]
        if _has_run(system):
            # Imported outside an event loop (`rapide check`, `rapide graph`), the file
            # could run it; inside one (`run`, `repl`, `shell`) it could not, and the
            # import failed. Either way the file is refused alike.
            raise LoadError(f"{file}: the System {wanted!r} has run already: {RUNS_ITSELF}")
        return _from_system(file, arch, system)
    if arch is None:
        # The abstract architecture a map leads to is not what the file runs.
        abstract = [found.range for found in maps.values()]
        concrete = {n: a for n, a in architectures.items() if not any(a is r for r in abstract)}
        architectures = concrete or architectures
    if not architectures:
        raise LoadError(
            f"{file}: no architecture found (define an @architecture class, "
            "or a module-level System made with MyArchitecture.bind(...))"
        )
    name, architecture = _pick(file, "@architecture class", architectures, arch)
    bindings = _bindings(file, module, architecture)
    # Bound once now, so that a refused binding is a load error like any other.
    first = _bind(file, architecture, bindings)
    ready = [first]

    def fresh_system() -> Any:
        return ready.pop() if ready else _bind(file, architecture, bindings)

    return _loaded(file, name, arch, first, bindings, fresh_system)


# The pattern operators of the text syntax that are no Python operator, and what a
# pattern built in Python writes instead.
_TEXT_OPERATORS = {
    "->": "P >> Q",
    "=>": "P.then_immediately(Q)",
    "||": "P | Q",
}


def _operator_hint(error: SyntaxError) -> str:
    """What to write when Python stops at an operator of the pattern text syntax
    (``Pattern.match("A.b") -> Pattern.match("C.d")``): in Python it is another."""
    if not error.text or not error.offset:
        return ""
    at = error.offset - 1
    # Python stops at the `-` of `->`, but at the second `|` of `||`: `|` is its own.
    operator = next(
        (error.text[start : start + 2] for start in (at, at - 1)
         if start >= 0 and error.text[start : start + 2] in _TEXT_OPERATORS),
        None,
    )
    if operator is None and "assignment" in error.msg and "=>" in error.text:
        # In a call's arguments (`never(P => Q)`) Python reads `P =` as a keyword.
        operator = "=>"
    if operator is None:
        return ""
    return (
        f" (at {operator!r}: a pattern in Python writes P {operator} Q as "
        f"{_TEXT_OPERATORS[operator]}; parse_pattern(\"A {operator} B\") reads the text syntax)"
    )


def _import(file: Path) -> ModuleType:
    module_name = f"_rapide_arch_{file.stem}_{next(_module_counter)}"
    spec = importlib.util.spec_from_file_location(module_name, file)
    if spec is None or spec.loader is None:
        raise LoadError(f"{file}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    directory = str(file.resolve().parent)
    if directory not in sys.path:
        # Lets the file import its neighbours, as it would when run as a script.
        sys.path.insert(0, directory)
    sys.modules[module_name] = module
    try:
        with guarded_import():
            spec.loader.exec_module(module)
    except ImportStopped as stopped:
        sys.modules.pop(module_name, None)
        raise _stopped(file, stopped) from None
    except SyntaxError as error:
        sys.modules.pop(module_name, None)
        where = f"{_shown_path(file, error.filename)}:{error.lineno}" if error.lineno else str(file)
        raise LoadError(f"{where}: syntax error: {error.msg}{_operator_hint(error)}") from None
    except SystemExit as error:
        sys.modules.pop(module_name, None)
        code = message_cut(message_of(error) or "None")
        raise LoadError(f"{file}: exited while being imported (SystemExit {code})") from None
    except KeyboardInterrupt:
        sys.modules.pop(module_name, None)
        raise
    except StreamBroken as broken:
        sys.modules.pop(module_name, None)
        raise LoadError(
            f"{file}: {broken} while being imported; the workbench writes its output "
            "there, so it must stay open and writable"
        ) from None
    except BaseException as error:
        # Whatever else the file raises, BaseExceptions of its own (GeneratorExit, a
        # class of the user's) included, is the file's failure, said in one line.
        sys.modules.pop(module_name, None)
        message = f"{_failure_place(file, error)}: {_describe(error)}"
        if _runs_a_loop_at_import(error):
            message += f": {RUNS_ITSELF}"
        raise LoadError(message) from None
    return module


def _runs_a_loop_at_import(error: BaseException) -> bool:
    """Whether ``error`` is the file starting an event loop (``asyncio.run(system.run())``
    at the top level, as a script does) inside the one the workbench runs in. The
    coroutines it meant to run are closed, unstarted, so that Python adds no warning
    that they were never awaited to the one-line error."""
    asyncio = sys.modules.get("asyncio")  # not imported: no loop runs (rapide check)
    if not isinstance(error, RuntimeError) or asyncio is None:
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    frames = [frame for frame, _ in traceback.walk_tb(error.__traceback__)]
    # Raised by asyncio itself (asyncio.run, run_until_complete), not by the file.
    if not frames or not str(frames[-1].f_globals.get("__name__")).startswith("asyncio."):
        return False
    for frame in frames:
        for value in frame.f_locals.values():
            if inspect.iscoroutine(value) and (
                inspect.getcoroutinestate(value) == inspect.CORO_CREATED
            ):
                value.close()
    return True


def build_failure(file: Path, error: ModuleBuildError) -> LoadError:
    """The error for a module class of ``file`` that raised as the system was built:
    where in ``file`` it raised (when it was there) and what."""
    cause = error.__cause__
    said = message_cut(str(error))
    return LoadError(f"{_failure_place(file, cause) if cause else file}: {said}")


def _stopped(file: Path, stopped: ImportStopped) -> LoadError:
    """The error for an import stopped by Ctrl-C, the time bound, ``os._exit`` or a
    system started."""
    where = _failure_place(file, stopped)
    if isinstance(stopped, ImportInterrupted):
        return ImportInterruptedError(
            f"{where}: interrupted (Ctrl-C) while the file was being imported; nothing ran"
        )
    if isinstance(stopped, ImportEnded):
        return LoadError(f"{where}: ended by {stopped.name} while the file was being imported")
    if isinstance(stopped, ImportTooLong):
        return LoadError(
            f"{where}: still being imported after {stopped.seconds:g} s, so it was stopped "
            "(a loop or a wait at the top level?); RAPIDE_IMPORT_TIMEOUT=SECONDS allows "
            "longer, 0 no bound"
        )
    if isinstance(stopped, ImportStartedSystem):
        return LoadError(f"{where}: {RUNS_ITSELF}")
    code = stopped.code if isinstance(stopped, ImportExited) else "?"
    return LoadError(f"{where}: called os._exit({code}) while being imported")


def _shown_path(file: Path, filename: str | None) -> str:
    """``file`` as the user wrote it when ``filename`` is that file (Python reports it
    resolved), else ``filename``: a neighbour that the file imports."""
    if filename is None or Path(filename).resolve() == file.resolve():
        return str(file)
    return filename


def _failure_place(file: Path, error: BaseException) -> str:
    """``file:line`` of the deepest frame inside ``file`` (where the user's code failed)."""
    resolved = str(file.resolve())
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if str(Path(frame.filename).resolve()) == resolved:
            line = frame.lineno
    return f"{file}:{line}" if line else str(file)


def _describe(error: BaseException) -> str:
    """One line for an exception raised by the user's file (multi-line messages joined,
    cut to :data:`~rapide_shell.looks.MESSAGE_SHOWN` characters: a message of
    megabytes would fill the terminal)."""
    name = type(error).__name__
    if isinstance(error, PatternSyntaxError):
        # str() would add the pattern and a caret on lines of their own.
        return f"pattern syntax error in {error.text!r}: {error.message}"
    lines = message_of(error).strip().splitlines()
    text = message_cut("; ".join(line.strip(" -") for line in lines if line.strip()))
    if isinstance(error, ModuleNotFoundError):
        return f"cannot import {error.name!r} ({text})"
    if isinstance(error, ArchitectureError):
        return f"architecture refused: {text}"
    if isinstance(error, ModuleDefinitionError):
        return f"module refused: {text}"
    return f"{name}: {text}" if text else name


def _of_type(value: Any, kind: type) -> bool:
    """``isinstance(value, kind)`` without asking ``value``: its type alone. A proxy
    among the file's names (Flask's ``request``, whose ``__class__`` raises outside a
    request) is passed over, where ``isinstance`` would raise its error."""
    return issubclass(type(value), kind)


def _module_systems(module: ModuleType) -> dict[str, Any]:
    return {
        name: value
        for name, value in vars(module).items()
        if _of_type(value, System) and not name.startswith("_")
    }


def _has_run(system: Any) -> bool:
    """Whether ``system`` was run before the workbench got it: it recorded events, or
    it ran and stopped (a system whose modules emit nothing records none)."""
    return system.state is RunState.STOPPED or len(system.computation) > 0


def _module_maps(module: ModuleType) -> dict[str, Any]:
    # A file that made an ArchitectureMap imported its module; one that did not has
    # none, and loading it need not import the map machinery (`rapide check` starts
    # sooner for it).
    maps = sys.modules.get("pyrapide.architecture.maps")
    if maps is None:
        return {}
    return {
        name: value
        for name, value in vars(module).items()
        if _of_type(value, maps.ArchitectureMap) and not name.startswith("_")
    }


def _module_architectures(module: ModuleType) -> dict[str, Any]:
    found: dict[str, Any] = {}
    seen: set[int] = set()
    for name, value in vars(module).items():
        if _of_type(value, type) and is_architecture(value) and id(value) not in seen:
            seen.add(id(value))
            found[name] = value
    return found


def _wanted_system(
    file: Path, systems: dict[str, Any], architectures: dict[str, Any], arch: str | None
) -> str | None:
    """The variable of the module-level System that ``arch`` (``--arch``) picks: by that
    name, or as the only System of the architecture it names. None when it names an
    @architecture class of the file instead, bound to the file's modules as in a file
    without a System; LoadError when it names neither."""
    if arch is None or arch in systems:
        return _pick(file, "System", systems, arch)[0]
    of_arch = [name for name, one in systems.items() if _arch_name(one.architecture) == arch]
    if len(of_arch) == 1:
        return of_arch[0]
    if arch in architectures:
        return None
    raise _not_found(file, "System or @architecture class", {**systems, **architectures}, arch)


def _pick(file: Path, what: str, candidates: dict[str, Any], wanted: str | None) -> tuple[str, Any]:
    if wanted is not None:
        if wanted in candidates:
            return wanted, candidates[wanted]
        raise _not_found(file, what, candidates, wanted)
    if len(candidates) > 1:
        plural = f"{what}es" if what.endswith("class") else f"{what}s"
        listed = ", ".join(candidates)
        raise LoadError(f"{file}: several {plural} found ({listed}); pick one with --arch NAME")
    return next(iter(candidates.items()))


def _not_found(file: Path, what: str, candidates: dict[str, Any], wanted: str) -> LoadError:
    hint = close_matches(wanted, candidates)
    suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
    return LoadError(
        f"{file}: no {what} named {wanted!r} (found: {', '.join(candidates)}){suggestion}"
    )


def _implemented_interface(cls: type) -> Any:
    """The interface an ``@module`` class implements (None for any other class)."""
    spec = vars(cls).get(MODULE_ATTR)
    return None if spec is None else spec.implements


def _bindings(file: Path, module: ModuleType, architecture: Any) -> dict[str, type]:
    modules = list(
        {
            id(value): value
            for value in vars(module).values()
            if _of_type(value, type) and _implemented_interface(value) is not None
        }.values()
    )
    bindings: dict[str, type] = {}
    problems: list[str] = []
    for component, iface in architecture_spec(architecture).hierarchy.leaves.items():
        implementers = [cls for cls in modules if _implemented_interface(cls) is iface]
        if len(implementers) == 1:
            bindings[component] = implementers[0]
        elif not implementers:
            problems.append(
                f"no @module implements {interface_name(iface)} (component {component!r}): "
                f"write one (an empty `@module(implements={interface_name(iface)})` class "
                "will do for a component whose events are only injected)"
            )
        else:
            names = ", ".join(cls.__name__ for cls in implementers)
            problems.append(
                f"component {component!r} ({interface_name(iface)}) could be bound to "
                f"{names}: keep one, or define a System with {_arch_name(architecture)}.bind(...)"
            )
    if problems:
        raise LoadError(f"{file}: cannot bind {_arch_name(architecture)}: {'; '.join(problems)}")
    return bindings


def _arch_name(architecture: Any) -> str:
    return getattr(architecture, "__name__", str(architecture))


def _bind(file: Path, architecture: Any, bindings: dict[str, type]) -> Any:
    try:
        return architecture.bind(**bindings)
    except Exception as error:
        raise LoadError(
            f"{file}: cannot bind {_arch_name(architecture)}: {_describe(error)}"
        ) from None


def _from_system(file: Path, chosen: str | None, system: Any) -> LoadedArchitecture:
    bindings = {
        component: bound if isinstance(bound, type) else type(bound)
        for component, bound in system.bindings.items()
    }
    # Shown by its architecture's name; ``chosen`` keeps the variable ``--arch`` named.
    name = _arch_name(system.architecture)
    return _loaded(file, name, chosen, system, bindings, lambda: system)


def _loaded(
    file: Path,
    name: str,
    chosen: str | None,
    system: Any,
    bindings: dict[str, type],
    factory: Callable[[], Any],
) -> LoadedArchitecture:
    """What was loaded, described from a system built from it (whose bindings may have
    put an architecture where the class declares an interface)."""
    hierarchy = system.hierarchy
    actions: dict[str, Any] = {}
    for iface in hierarchy.components.values():
        actions.update(interface_actions(iface))
    return LoadedArchitecture(
        path=file,
        name=name,
        chosen=chosen,
        architecture=system.architecture,
        bindings=bindings,
        description=system.description,
        actions=actions,
        hierarchy=hierarchy,
        _factory=factory,
    )


def _apply_seed(system: Any, seed: int) -> None:
    # A file's own System built again has run already when the session goes back
    # before a reload of the file (it was stopped then): it starts over as well.
    if system.seed != seed or system.state is not RunState.IDLE:
        system.reset(seed)
