"""What ``rapide check`` reports: the architecture, its bindings, and what is probably a mistake."""

from __future__ import annotations

import ast
import inspect
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyrapide.architecture.hierarchy import parent_path
from pyrapide.architecture.wiring import unrelated_parts
from pyrapide.core.printable import printable
from pyrapide.patterns import BasicPattern, Pattern, PatternSyntaxError, parse_pattern
from pyrapide.patterns.algebra import (
    basic_parts,
    globs_matching_none,
    named_sources,
    names_among,
)
from pyrapide.runtime.modules import module_spec
from pyrapide.types import interface_actions, interface_name, unmarked_action
from rapide_shell.architecture_text import graph_text
from rapide_shell.field_slips import field_slips
from rapide_shell.suggestions import close_matches

if TYPE_CHECKING:
    from pyrapide.architecture import Connection, Hierarchy
    from rapide_shell.loader import LoadedArchitecture


@dataclass(frozen=True)
class CheckReport:
    """What ``rapide check`` found: a text summary and warnings (empty when all is well)."""

    summary: str
    warnings: tuple[str, ...]


def check_architecture(loaded: LoadedArchitecture) -> CheckReport:
    """Describe the loaded architecture and warn about what is probably a mistake.

    Warnings: a connection whose pattern names a source (``from "name"``) that is no
    component (a misspelling, most likely; only injected events can carry it); a
    connection whose pattern no component can emit (it fires only on injected events,
    if ever; inside a nested architecture, also on what the architecture around
    delivers into it); a composite pattern whose parts the wiring never relates; a
    component that no connection reaches and whose events nothing listens to (it takes
    no part); a component that nothing reaches whose module has no start hook (it never
    runs), or has ``@when`` handlers (they never run); a ``@when`` handler whose pattern
    names a source that is no component of the architecture its component is in, or an
    event no interface declares (a misspelling), or only events no connection delivers
    to its component; a synchronous cycle, connects that lead from a component
    back to it (each emit waits for the next handler, so an exchange that goes on ends
    only at ``max_connect_depth``); a rule of a map of the file whose name with ``*``
    completes no event name of its detailed architecture (``ArchitectureMap.warnings``);
    two connections to one target whose patterns both take every event of a name (each
    delivered twice); an ``emit("Name", ...)`` in a bound module's code not awaited; a
    connection's or a handler's pattern asking a field its event does not take, or a
    value the field's annotation refuses (see :mod:`rapide_shell.field_slips`), and so a
    constraint's pattern, or one naming an event no interface declares.
    At every level of nesting, components named by path.
    """
    description = loaded.description
    hierarchy = loaded.hierarchy
    warnings: list[str] = []
    for connection in description.connections:
        where = f"connection #{connection.index} ({connection.kind} {connection.pattern})"
        warnings.extend(
            f"{where}: {slip.what}, so its pattern may never match{slip.hint}"
            for slip in field_slips(hierarchy.connections[connection.index].pattern, loaded.actions)
        )
        scope = connection.scope
        unknown = connection.unknown_sources
        if unknown:
            names = [name for name in hierarchy.scopes[scope].spec.components]
            warnings.append(f"{where}: {_unknown_sources(unknown, names)}")
        elif connection.sources is not None and not connection.sources:
            declared = hierarchy.connections[connection.index]
            if scope and _delivered_into(hierarchy, scope, declared):
                continue  # fed by what the architecture around delivers into it
            inside = f" in {scope}, nor delivered into it," if scope else ""
            undeclared = _undeclared_names(loaded, declared.pattern)
            warnings.append(
                f"{where}: no component{inside} emits an event its pattern can match, so "
                "only injected events can fire it" + "".join(f"; {part}" for part in undeclared)
            )
    warnings.extend(_constraint_warnings(loaded))
    warnings.extend(_unrelated(loaded))
    for found in loaded.maps.values():
        warnings.extend(found.warnings)
    warnings.extend(_synchronous_cycles(description))
    warnings.extend(_unawaited_emits(loaded))
    warnings.extend(_twice_delivered(loaded))
    for component in description.walk():
        path = component.path
        warnings.extend(_handler_warnings(loaded, path))
        warnings.extend(_own_events_unheard(loaded, path, component.name, component.actions))
        if description.connections_into(path) or _listened_to(description, hierarchy, path):
            if not description.connections_into(path):
                warnings.extend(_never_runs(path, loaded.bindings.get(path)))
            continue
        warnings.append(
            f"component {path!r} ({component.interface}) is not connected: "
            "no connection delivers to it and none listens to its events"
        )
    return CheckReport(_summary(loaded), tuple(warnings))


def _twice_delivered(loaded: LoadedArchitecture) -> list[str]:
    """A warning for two connections to one target whose patterns both take every
    event of some name (a name, or a name with ``*``, and no field, source or guard):
    each such event is delivered to the target twice, its handlers run twice
    (``Shop.order`` and ``"Shop.*"`` to the bank: every order charged twice)."""
    plain: dict[tuple[str, str], list[tuple[int, BasicPattern]]] = {}
    for connection in loaded.description.connections:
        pattern = loaded.hierarchy.connections[connection.index].pattern
        if (
            isinstance(pattern, BasicPattern)
            and not pattern.field_matchers
            and pattern.source_matcher is None
        ):
            key = (connection.scope, str(connection.target))
            plain.setdefault(key, []).append((connection.index, pattern))
    warnings: list[str] = []
    for (_, target), found in plain.items():
        for position, (first, one) in enumerate(found):
            for second, other in found[position + 1 :]:
                both = sorted(
                    name for name in loaded.actions
                    if one.matches_name(name) and other.matches_name(name)
                )
                if both:
                    more = f" and {len(both) - 3} more" if len(both) > 3 else ""
                    shown = ", ".join(both[:3]) + more
                    warnings.append(
                        f"connections #{first} and #{second} both deliver {shown} to "
                        f"{target!r}: each such event reaches it twice, and its handlers "
                        "run twice"
                    )
    return warnings


def _unawaited_emits(loaded: LoadedArchitecture) -> list[str]:
    """``CarModule.on_request (elevator.py:21) emits 'Car.arrived' without await ...``
    for each ``emit("Name", ...)`` in a bound module's code that is a statement of its
    own, not awaited: the call only makes a coroutine, which records no event. Python
    says so as the run drops it, on stderr, after the transcript; check says it first."""
    warnings: list[str] = []
    by_file: dict[str, list[type]] = {}
    for module in dict.fromkeys(loaded.bindings.values()):
        try:
            source = inspect.getsourcefile(module)
        except TypeError:  # built in: no source to read
            continue
        if source is not None:
            by_file.setdefault(source, []).append(module)
    for source, modules in by_file.items():
        # Each file read and parsed once: inspect.getsourcelines parses the whole file
        # again for each class it finds (25 ms of `rapide check` on the seed example).
        try:
            with tokenize.open(source) as text:
                classes = _classes(ast.parse(text.read()))
        except (OSError, SyntaxError, ValueError):  # no source to read: nothing to say
            continue
        file = Path(source).name
        for module in modules:
            node = classes.get(module.__qualname__)
            if node is None:
                continue
            for function in ast.walk(node):
                if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                for call in _bare_emits(function):
                    named = call.args[0].value  # type: ignore[attr-defined]  # a str, below
                    where = f"{module.__qualname__}.{function.name} ({file}:{call.lineno})"
                    fix = (
                        "`await` it"
                        if isinstance(function, ast.AsyncFunctionDef)
                        else f"make {function.name} an `async def` and `await` it"
                    )
                    warnings.append(
                        f"{where} emits {named!r} without await, so it records no event: {fix}"
                    )
    return warnings


def _classes(tree: ast.Module) -> dict[str, ast.ClassDef]:
    """The classes of a parsed file by their qualified names (``Outer.Inner``; a class
    in a function by ``f.<locals>.Inner``, as Python names it)."""
    found: dict[str, ast.ClassDef] = {}
    stack: list[tuple[str, ast.AST]] = [("", tree)]
    while stack:
        prefix, node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                found[prefix + child.name] = child
                stack.append((f"{prefix}{child.name}.", child))
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                stack.append((f"{prefix}{child.name}.<locals>.", child))
            else:
                stack.append((prefix, child))
    return found


def _bare_emits(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.Call]:
    """The calls ``something.emit("Name", ...)`` that are statements of ``function``
    itself (not of a function inside it), their value dropped."""
    found: list[ast.Call] = []
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue  # its own statements, checked as a function of their own
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr == "emit"
            and node.value.args
            and isinstance(node.value.args[0], ast.Constant)
            and isinstance(node.value.args[0].value, str)
        ):
            found.append(node.value)
        stack.extend(ast.iter_child_nodes(node))
    return sorted(found, key=lambda call: call.lineno)


def _summary(loaded: LoadedArchitecture) -> str:
    hierarchy = loaded.hierarchy
    lines = [graph_text(loaded.description), "bindings:"]
    for path in hierarchy.leaves:
        module = loaded.bindings.get(path)
        lines.append(f"  {path} <- {module.__qualname__ if module else '(none)'}")
    lines.append("interfaces:")
    seen: set[int] = set()
    for iface in hierarchy.components.values():
        if id(iface) in seen:
            continue
        seen.add(id(iface))
        lines.append(f"  {interface_name(iface)}")
        for spec in interface_actions(iface).values():
            lines.append(f"    {spec.signature_text()}")
    if loaded.description.constraints:
        # Names are the file's own text: shown escaped, so that each stays on its line.
        names = (printable(name) for name in loaded.description.constraints)
        lines.append("constraints: " + ", ".join(names))
    return "\n".join(lines)


def _delivered_into(hierarchy: Hierarchy, scope: str, connection: Connection) -> bool:
    """Whether the architecture around ``scope`` delivers into it an event that
    ``connection`` (one of ``scope``'s) can match."""
    wanted = connection.pattern.event_names()
    for outer in hierarchy.connections_in(parent_path(scope)):
        if outer.target != scope:
            continue
        delivered = outer.pattern.event_names()
        if wanted is None or delivered is None or wanted & delivered:
            return True
    return False


def _listened_to(description: Any, hierarchy: Hierarchy, path: str) -> bool:
    """Whether some connection listens to ``path``'s events: in its own architecture,
    or around it, for those that come out of a nested architecture it is in."""
    if any(c.sources and path in c.sources for c in description.connections):
        return True
    scope = parent_path(path)
    if not scope:
        return False
    comes_out = set(interface_actions(hierarchy.components[path])) & hierarchy.exports(scope)
    return bool(comes_out) and _listened_to(description, hierarchy, scope)


def _unrelated(loaded: LoadedArchitecture) -> list[str]:
    """The composite patterns whose parts the wiring never relates, at every level. A
    nested architecture's patterns naming events from outside it are left alone: the
    wiring inside cannot say what the architecture around delivers."""
    hierarchy = loaded.hierarchy
    found = []
    for path, scope in hierarchy.scopes.items():
        spec = scope.spec
        numbered = hierarchy.connections_in(path)
        inside: set[str] = set()
        for iface in spec.components.values():
            inside.update(interface_actions(iface))
        for connection, problem in unrelated_parts(spec.components, spec.connections):
            names = connection.pattern.event_names()
            if path and (names is None or not names <= inside):
                continue
            index = numbered[connection.index or 0].index
            pattern = loaded.description.connections[index].pattern  # type: ignore[index]
            found.append(f"connection #{index} ({connection.kind} {pattern}): {problem}")
    return found


_NESTS = "so an exchange that goes on nests until max_connect_depth stops it"


def _synchronous_cycles(description: Any) -> list[str]:
    """A warning for each set of ``connect`` connections that lead from a component
    back to it, one per set of components, each shown as its shortest cycle from the
    first of them (in component order)."""
    order = [component.path for component in description.walk()]
    rank = {path: position for position, path in enumerate(order)}
    edges: dict[str, list[tuple[str, int]]] = {}
    for connection in description.connections:
        if connection.kind != "connect" or not connection.target_is_component:
            continue
        sources = connection.sources
        if sources is None:  # any event: whatever a component of its architecture emits
            sources = [path for path in order if parent_path(path) == connection.scope]
        for source in sources:
            edges.setdefault(source, []).append((connection.target, connection.index))
    found: list[str] = []
    seen: set[frozenset[str]] = set()
    for start in order:
        cycle = _shortest_cycle(start, edges)
        members = frozenset(target for target, _ in cycle)
        if not cycle or members in seen:
            continue
        seen.add(members)
        indexes = sorted({index for _, index in cycle})
        if len(cycle) == 1:
            connection = description.connections[indexes[0]]
            found.append(
                f"connection #{connection.index} ({connection.kind} {connection.pattern}) "
                f"delivers the events of {start} back to it: each waits until its own "
                f"delivery is handled, {_NESTS}"
            )
            continue
        numbers = [f"#{index}" for index in indexes]
        listed = ", ".join(numbers[:-1]) + " and " + numbers[-1]
        # Shown from the first of its components: the same cycle reads the same way.
        nodes = [start, *(target for target, _ in cycle[:-1])]
        first = min(range(len(nodes)), key=lambda position: rank[nodes[position]])
        nodes = nodes[first:] + nodes[:first]
        chain = " --> ".join([*nodes, nodes[0]])
        found.append(
            f"connections {listed} make a synchronous cycle, {chain}: each emit waits "
            f"until the next handler returns, {_NESTS}"
        )
    return found


def _shortest_cycle(start: str, edges: dict[str, list[tuple[str, int]]]) -> list[tuple[str, int]]:
    """The shortest way from ``start`` back to it through ``edges`` (each step the
    component reached and the connection taken), or [] when there is none."""
    ways: dict[str, list[tuple[str, int]]] = {start: []}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target, index in edges.get(node, ()):
                if target == start:
                    return [*ways[node], (target, index)]
                if target not in ways:
                    ways[target] = [*ways[node], (target, index)]
                    following.append(target)
        frontier = following
    return []


def _never_runs(component: str, module: type | None) -> list[str]:
    """A warning when nothing delivers to ``component`` though its module has ``@when``
    handlers (and no start hook to run them from). A module with neither is where events
    are injected from (a storefront, a teller): it is meant never to run, and says
    nothing."""
    if module is None:
        return []
    spec = module_spec(module)
    if spec.has_start or not spec.handlers:
        return []
    return [
        f"component {component!r}: {module.__qualname__} has @when handlers, but no "
        "connection delivers to it, so they never run"
    ]


def _own_events_unheard(
    loaded: LoadedArchitecture, path: str, name: str, emitted: Sequence[str]
) -> list[str]:
    """A warning for each ``@when`` handler of a component nothing delivers to whose
    pattern names outright an event the component itself emits: code written for
    PyRapide 0.3.0, which ran a module's handlers on its own events, loops that way (a
    counter ticking itself) and here never runs the handler. (A component connected
    otherwise is told of by :func:`_handler_warnings`.)"""
    module = loaded.bindings.get(path)
    if module is None or loaded.description.connections_into(path):
        return []
    warnings = []
    for handler in module_spec(module).handlers:
        named = [
            event
            for part in basic_parts(handler.pattern)
            for event in sorted(part.event_names() or ())
            if event in emitted
        ]
        if named:
            warnings.append(
                f"component {path!r}: {module.__qualname__}.{handler.method_name} handles "
                f"{named[0]}, which {path!r} emits, but no connection delivers it back to "
                f"{path!r}, so it never runs for it: a module hears only what connections "
                "deliver to it (PyRapide 0.3.0 ran a module's handlers on its own events); "
                f'to loop it back, add pipe(Pattern.match("{named[0]}"), "{name}")'
            )
    return warnings


def _handler_warnings(loaded: LoadedArchitecture, component: str) -> list[str]:
    """A warning for each ``@when`` handler of ``component``'s module that can never run
    though the component is connected: its pattern names an event no interface declares
    (``I.pnig``: no emit or injection can make one), or only events that no connection
    delivers to the component. Nothing else says so: the handler just never runs."""
    module = loaded.bindings.get(component)
    into = loaded.description.connections_into(component)
    if module is None or not into:  # not connected at all: _never_runs says so
        return []
    delivered: frozenset[str] | None = frozenset()  # None: any name
    one_at_a_time = True  # every connection into it delivers one event at a time
    for connection in into:
        pattern = loaded.hierarchy.connections[connection.index].pattern
        names = names_among(pattern, loaded.actions)
        delivered = None if names is None or delivered is None else delivered | names
        one_at_a_time = one_at_a_time and isinstance(pattern, BasicPattern)
    warnings = []
    # A source a handler names is a component of the architecture it is in, as in that
    # architecture's connections.
    siblings = list(loaded.hierarchy.scopes[parent_path(component)].spec.components)
    for handler in module_spec(module).handlers:
        said = f"component {component!r}: {module.__qualname__}.{handler.method_name} handles "
        wanted = names_among(handler.pattern, loaded.actions)
        unknown = [
            source
            for source in named_sources(handler.pattern)
            if source.split(".")[0] not in siblings
        ]
        if unknown:
            told = "; ".join(source_is_no_component(source, siblings) for source in unknown)
            warnings.append(f"{said}{handler.pattern}, but {told}, so only injected events "
                            "can reach it")
        elif undeclared := _undeclared_names(loaded, handler.pattern):
            warnings.append(
                f"{said}{handler.pattern}, but {'; '.join(undeclared)}, so no such event "
                "can reach it"
            )
        elif slips := field_slips(handler.pattern, loaded.actions):
            warnings.extend(
                f"{said}{handler.pattern}, but {slip.what}, so it may never run{slip.hint}"
                for slip in slips
            )
        elif delivered is not None and wanted is not None and not wanted & delivered:
            warnings.append(
                f"{said}{handler.pattern}, but its connections deliver only "
                f"{', '.join(sorted(delivered))} to it, so it never runs"
            )
        elif one_at_a_time and (fewest := handler.pattern.fewest_events()) > 1:
            # A handler's pattern is matched among the events of one delivery.
            warnings.append(
                f"{said}{handler.pattern}, which takes {fewest} events at least, but its "
                "connections deliver one event at a time, so it never runs"
            )
    return warnings


def _constraint_warnings(loaded: LoadedArchitecture) -> list[str]:
    """A warning for each pattern of an architecture's constraint that names an event
    no interface declares, or asks a field or value no such event has: a ``never`` of it
    holds, a ``must_match`` fails, in every run, for the wrong reason."""
    warnings: list[str] = []
    for scope_path, scope in loaded.hierarchy.scopes.items():
        inside = f" (in {scope_path})" if scope_path else ""
        for constraint in scope.spec.constraints:
            said = f"constraint {printable(constraint.name)!r}{inside}: "
            for pattern in constraint.patterns():
                problems = [
                    *(f"{part}, so its pattern may never match"
                      for part in _undeclared_names(loaded, pattern)),
                    *(f"{slip.what}, so its pattern may never match{slip.hint}"
                      for slip in field_slips(pattern, loaded.actions)),
                ]
                warnings.extend(said + problem for problem in problems)
    return warnings


def _undeclared_names(loaded: LoadedArchitecture, pattern: Any) -> list[str]:
    """``no interface declares 'A.pnig' (did you mean 'A.ping'?)`` for each event name of
    ``pattern`` (a connection's, a handler's) that no action has: most often a
    misspelling."""
    names = pattern.event_names() if hasattr(pattern, "event_names") else None
    parts = []
    for name in sorted(names or ()):
        if name in loaded.actions:
            continue
        if _pattern_text(name):
            parts.append(
                f"no interface declares {name!r}, which is the text of a pattern that "
                f"Pattern.match takes as one name (parse_pattern({name!r}) reads it as a pattern)"
            )
            continue
        if unmarked := unmarked_action(loaded.hierarchy.components.values(), name):
            parts.append(f"no interface declares {name!r}: {unmarked}")
            continue
        hint = close_matches(name, loaded.actions)
        suggestion = " or ".join(repr(close) for close in hint)
        parts.append(
            f"no interface declares {name!r}" + (f" (did you mean {suggestion}?)" if hint else "")
        )
    if isinstance(pattern, Pattern):
        parts.extend(
            f"no interface declares a name that {part.event_name!r} matches"
            for part in globs_matching_none(pattern, loaded.actions)
        )
    return parts


def _pattern_text(name: str) -> bool:
    """True when ``name`` is not an event name but a pattern in the text syntax, with
    fields or more than one event (``A.ping(n=?x)``, ``A -> B``), as given to
    ``Pattern.match``, which matches it as one literal name."""
    try:
        parsed = parse_pattern(name)
    except PatternSyntaxError:
        return False
    names = parsed.event_names() if hasattr(parsed, "event_names") else None
    return names is not None and names != {name}


def _unknown_sources(unknown: tuple[str, ...], components: list[str]) -> str:
    """``source "stor" is no component (did you mean "store"?); ...`` for a connection."""
    them = "it" if len(unknown) == 1 else "them"
    told = "; ".join(source_is_no_component(source, components) for source in unknown)
    return f"{told}, so only injected events can carry {them}"


def source_is_no_component(source: str, components: Sequence[str]) -> str:
    """``source "stor" is no component (did you mean "store"?)``, else with the
    ``components`` listed: for a source a pattern names (``from "stor"``) that no
    component has. One with ``*`` in it (``from "stor*"``) is said to name one
    component, whole: only an event's name may have a ``*`` that stands for others."""
    hint = close_matches(source, components)
    if hint:
        suggestion = " or ".join(f'"{name}"' for name in hint)
        known = f"did you mean {suggestion}?"
    else:
        known = f"components: {', '.join(components)}"
    if "*" in source:
        known = f'a source names one component, whole, "*" included; {known}'
    return f'source "{source}" is no component ({known})'
