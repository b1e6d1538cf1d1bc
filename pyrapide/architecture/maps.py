"""Maps from a detailed architecture to an abstract one, and checking runs against the latter.

A map is a list of rules "when this pattern matches in the detailed run, the
abstract architecture records this event"::

    amount = placeholder("amount")
    to_bank = ArchitectureMap(
        Shop, Bank,
        [
            MapRule(Pattern.match("Checkout.paid", amount=amount), "Client.pay"),
            MapRule(Pattern.match("Ledger.posted") >> Pattern.match("Mailer.sent"),
                    "Bank.settled"),
        ],
        name="to_bank",
    )
    abstract = to_bank.apply(run)             # the abstract computation
    problems = to_bank.check(run)             # Bank's constraints, checked on it

Each match makes one abstract event, in the order the matches complete. Its
causes are the abstract events whose matches happened before its own (see
:mod:`pyrapide.architecture.abstraction`). Its fields are, unless the rule
says otherwise, the placeholders bound under the fields' names, else the
same fields of the matched events (the latest that has one). Its source is
the abstract component whose interface declares it.

``ArchitectureMap(domain, range, [(pattern, "Event.name"), ...])`` with plain
names for the architectures is PyRapide 0.3.0's form and works as well: then
nothing is checked against an architecture, and an abstract event keeps the
payload, source and metadata of the event that completed its match, whose id is
its metadata's ``"_source_id"``, as in 0.3.0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pyrapide.architecture.abstraction import Derivation
from pyrapide.architecture.declaration import architecture_spec, is_architecture
from pyrapide.architecture.errors import ArchitectureError, close_match_hint, quoted_list
from pyrapide.constraints.base import Constraint
from pyrapide.constraints.checking import check_conformance
from pyrapide.constraints.violation import ConstraintViolation
from pyrapide.core import Computation, Event
from pyrapide.core.printable import brief_repr, counted, described, message_of
from pyrapide.patterns import Pattern, PatternMatch, Placeholder, parse_pattern
from pyrapide.patterns.algebra import globs_matching_none
from pyrapide.types import ActionSpec, interface_actions
from pyrapide.types.interface import class_label

__all__ = ["ArchitectureMap", "MapError", "MapRule", "MapTrace"]

PayloadRule = Mapping[str, Any] | Callable[[PatternMatch], Mapping[str, Any]] | None


class MapError(ValueError):
    """A map rule's match cannot make its abstract event (a field is missing, say)."""


@dataclass(frozen=True)
class MapRule:
    """When `pattern` matches in the detailed run, the abstract architecture records `event`.

    `payload` gives the abstract event's fields: a mapping (a Placeholder value
    takes what the pattern bound), a function of the match returning one, or
    None for the default (see the module's docstring). `component` names the
    abstract component that records it, when more than one could.
    """

    pattern: Pattern
    event: str
    payload: PayloadRule = None
    component: str | None = None


@dataclass(frozen=True, slots=True)
class _Target:
    """Where a rule's abstract event goes: the component and its action (None if unchecked)."""

    component: str | None
    action: ActionSpec | None


class ArchitectureMap:
    """A map from a detailed architecture (`domain`) to an abstract one (`range`).

    `domain` and `range` are @architecture classes (then every rule is checked
    against them when the map is made) or plain names. `mapping_rules` holds
    MapRule objects or ``(pattern, event_name)`` / ``(pattern, event_name,
    payload)`` tuples; patterns may be text. Raises TypeError naming the argument
    for a domain or range of another kind (an @interface class is not an
    architecture) or rules that are not a list, and ArchitectureError naming the
    rule for an event the abstract architecture does not declare, a pattern
    naming events the detailed one cannot produce, or a payload field or
    placeholder that does not fit.

    A name with ``*`` in it that completes none of the detailed architecture's event
    names (``"Ledger.psot*"`` where it declares ``Ledger.posted``) is not refused, as
    it is not in a connection or a handler: it is told in :attr:`warnings`, which
    ``rapide check`` lists and the workbench's ``map NAME`` notes.
    """

    warnings: tuple[str, ...]
    """What the rules probably got wrong without being refused: each name with ``*``
    in it that no event of the detailed architecture has (the rule may never match)."""

    def __init__(
        self,
        domain: Any,
        range: Any,
        mapping_rules: Iterable[Any],
        *,
        name: str | None = None,
    ) -> None:
        _check_side("domain", domain)
        _check_side("range", range)
        if name is not None and (not isinstance(name, str) or not name):
            raise TypeError(
                f"ArchitectureMap(): name must be a non-empty string or None, got {_given(name)}"
            )
        if not isinstance(mapping_rules, Iterable) or isinstance(mapping_rules, str | Mapping):
            raise TypeError(
                "ArchitectureMap(): mapping_rules must be a list of rules, got "
                f"{_given(mapping_rules)}"
            )
        if isinstance(mapping_rules, set | frozenset):
            # A rule hashes by its pattern's text: a set iterated in an order each
            # process's string hashing picked, and a rule's number is its place.
            raise TypeError(
                "ArchitectureMap(): mapping_rules must be a list of rules, got a "
                f"{type(mapping_rules).__name__} of {counted(len(mapping_rules), 'rule')}: "
                "a set has no order of its own, and rules are numbered in the order written"
            )
        self.domain = domain
        self.range = range
        self.name = name or f"{_label(domain)}->{_label(range)}"
        self.rules = tuple(_as_rule(item, self.name, i) for i, item in enumerate(mapping_rules))
        if not self.rules:
            raise ArchitectureError(f"map {self.name} has no rules", architecture=self.name)
        self._targets = tuple(self._check_rule(i, r) for i, r in enumerate(self.rules))
        self.warnings = self._globs_matching_none()

    @property
    def mapping_rules(self) -> list[tuple[Pattern, str]]:
        """The rules as ``(pattern, event name)`` pairs (PyRapide 0.3.0's attribute)."""
        return [(r.pattern, r.event) for r in self.rules]

    # -- checking the declaration -----------------------------------------

    def _where(self, index: int, rule: MapRule) -> str:
        return f"map {self.name}, rule {index + 1} ({rule.pattern} => {rule.event})"

    def _check_rule(self, index: int, rule: MapRule) -> _Target:
        where = self._where(index, rule)
        if is_architecture(self.domain):
            self._check_pattern(where, rule.pattern)
        bound = rule.pattern.placeholder_names()
        if isinstance(rule.payload, Mapping):
            for field, value in rule.payload.items():
                if isinstance(value, Placeholder) and value.name not in bound:
                    raise ArchitectureError(
                        f"{where}: field {field!r} takes ?{value.name}, which the pattern does "
                        f"not bind (it binds {quoted_list(sorted(bound))})",
                        architecture=self.name,
                    )
        elif rule.payload is not None and not callable(rule.payload):
            raise ArchitectureError(
                f"{where}: payload must be a dict, a function of the match or None, "
                f"got {type(rule.payload).__name__}",
                architecture=self.name,
            )
        if not is_architecture(self.range):
            return _Target(rule.component, None)
        return self._resolve_target(where, rule)

    def _check_pattern(self, where: str, pattern: Pattern) -> None:
        names = pattern.event_names()
        if names is None:
            return
        # Every level's events: a nested architecture's inner events are recorded too.
        alphabet = architecture_spec(self.domain).hierarchy.alphabet
        for event_name in sorted(names - alphabet.keys()):
            raise ArchitectureError(
                f"{where}: {_label(self.domain)} has no event {event_name!r}"
                f"{close_match_hint(event_name, alphabet)}",
                architecture=self.name,
                candidates=sorted(alphabet),
            )

    def _globs_matching_none(self) -> tuple[str, ...]:
        """A line for each name with ``*`` in a rule's pattern that completes none of the
        detailed architecture's event names (none when it is a plain name)."""
        if not is_architecture(self.domain):
            return ()
        alphabet = architecture_spec(self.domain).hierarchy.alphabet
        return tuple(
            f"{self._where(index, rule)}: {_label(self.domain)} has no event whose name "
            f"{part.event_name!r} matches, so the rule may never match"
            for index, rule in enumerate(self.rules)
            for part in globs_matching_none(rule.pattern, alphabet)
        )

    def _resolve_target(self, where: str, rule: MapRule) -> _Target:
        alphabet = _alphabet(self.range)
        declaring = alphabet.get(rule.event)
        if declaring is None:
            raise ArchitectureError(
                f"{where}: {_label(self.range)} has no event {rule.event!r}"
                f"{close_match_hint(rule.event, alphabet)}; its events: "
                f"{quoted_list(sorted(alphabet))}",
                architecture=self.name,
                candidates=sorted(alphabet),
            )
        components = [component for component, _ in declaring]
        if rule.component is None and len(components) > 1:
            raise ArchitectureError(
                f"{where}: components {quoted_list(components)} of {_label(self.range)} all "
                f"declare {rule.event!r}; say which records it (component=...)",
                architecture=self.name,
                candidates=components,
            )
        chosen = rule.component if rule.component is not None else components[0]
        actions = dict(declaring)
        if chosen not in actions:
            raise ArchitectureError(
                f"{where}: component {chosen!r} of {_label(self.range)} does not declare "
                f"{rule.event!r} ({quoted_list(components)} does)",
                architecture=self.name,
                candidates=components,
            )
        action = actions[chosen]
        if isinstance(rule.payload, Mapping) and not action.extra_fields:
            for field in rule.payload:
                if field not in action.field_names:
                    raise ArchitectureError(
                        f"{where}: {rule.event} has no field {field!r}"
                        f"{close_match_hint(str(field), action.field_names)}",
                        architecture=self.name,
                        candidates=action.field_names,
                    )
        return _Target(chosen, action)

    # -- running ----------------------------------------------------------

    def derivation(self) -> Derivation:
        """A fresh derivation of this map, to feed a growing run one event at a time
        (``derivation.feed(event, poset)`` after each is recorded with its causes)."""
        return Derivation([r.pattern for r in self.rules], self._abstract_event)

    def trace(self, computation: Any) -> MapTrace:
        """The abstract computation of `computation` (a Computation or Poset), with its origins.

        Raises MapError when a match cannot make its abstract event.
        """
        derivation = self.derivation().run(computation)
        return MapTrace(self, computation, derivation.abstract, dict(derivation.origins))

    def apply(self, source_computation: Any) -> Computation:
        """The abstract computation of `source_computation` (see :meth:`trace`)."""
        return self.trace(source_computation).abstract

    def check(
        self, computation: Any, constraints: Iterable[Any] = ()
    ) -> list[ConstraintViolation]:
        """The violations, in the abstract computation of `computation`, of the abstract
        architecture's constraints (when `range` is an architecture) and of `constraints`."""
        return self.trace(computation).violations(constraints)

    def _abstract_event(self, index: int, found: PatternMatch, abstract_id: str) -> Event:
        rule, target = self.rules[index], self._targets[index]
        payload = self._payload(index, rule, target, found)
        completing = found.events[-1]
        made = {"map": self.name, "rule": index + 1, "from": [e.id for e in found.events]}
        if not is_architecture(self.range):
            # PyRapide 0.3.0's form: its abstract event kept the metadata of the event
            # it was made from, and that event's id as "_source_id".
            made = {**completing.metadata, "_source_id": completing.id, **made}
        return Event(
            rule.event,
            payload,
            target.component or completing.source,
            abstract_id,
            completing.timestamp,
            made,
        )

    def _payload(
        self, index: int, rule: MapRule, target: _Target, found: PatternMatch
    ) -> dict[str, Any]:
        where = (
            f"map {self.name}, rule {index + 1}: the match of "
            f"{', '.join(e.id for e in found.events)} cannot make {rule.event}"
        )
        if callable(rule.payload) and not isinstance(rule.payload, Mapping):
            try:
                made = rule.payload(found)
            except Exception as error:
                raise MapError(
                    f"{where}: its payload function raised {type(error).__name__}: "
                    f"{message_of(error)}"
                ) from error
            if not isinstance(made, Mapping):
                raise MapError(f"{where}: its payload function returned {made!r}, not a dict")
            payload = dict(made)
        elif isinstance(rule.payload, Mapping):
            payload = {
                field: found.bindings[value.name] if isinstance(value, Placeholder) else value
                for field, value in rule.payload.items()
            }
        else:
            payload = _default_payload(found, target.action)
        if target.action is not None:
            problems = target.action.payload_problems(payload)
            if problems:
                raise MapError(f"{where}: {'; '.join(problems)}")
        # The event holds read-only copies of the lists and objects inside: a rule's
        # literal value or a bound list is not shared with it.
        return payload

    def __repr__(self) -> str:
        return f"<ArchitectureMap {self.name}: {counted(len(self.rules), 'rule')}>"


@dataclass(frozen=True)
class MapTrace:
    """A detailed computation, the abstract one a map made of it, and what made each event.

    `origins` maps each abstract event id to (rule index, the match).
    """

    map: ArchitectureMap
    detailed: Any
    abstract: Computation
    origins: Mapping[str, tuple[int, PatternMatch]]

    def made_from(self, abstract_event: Event | str) -> tuple[Event, ...]:
        """The detailed events whose match made `abstract_event` (an event or its id)."""
        return self._origin("made_from", abstract_event)[1].events

    def rule_of(self, abstract_event: Event | str) -> MapRule:
        """The rule that made `abstract_event`."""
        return self.map.rules[self._origin("rule_of", abstract_event)[0]]

    def _origin(self, method: str, abstract_event: Any) -> tuple[int, PatternMatch]:
        """What made `abstract_event`: TypeError for what is no event nor id, KeyError
        naming the id for an event this trace did not make."""
        if not isinstance(abstract_event, Event | str):
            raise TypeError(
                f"{method}() takes an abstract event or its id, got {_given(abstract_event)}"
            )
        key = abstract_event.id if isinstance(abstract_event, Event) else abstract_event
        if key not in self.origins:
            raise KeyError(
                f"{method}(): the map made no event {key!r} (it made "
                f"{quoted_list(list(self.origins)[:5]) or 'none'}"
                f"{', ...' if len(self.origins) > 5 else ''})"
            )
        return self.origins[key]

    def violations(self, constraints: Iterable[Any] = ()) -> list[ConstraintViolation]:
        """The abstract computation's violations of the abstract architecture's constraints
        (when the range is an architecture) and of `constraints`, a list."""
        if isinstance(constraints, Constraint | str) or not isinstance(constraints, Iterable):
            raise TypeError(
                f"constraints must be a list of constraints, got {_given(constraints)}"
            )
        declared: Sequence[Any] = ()
        if is_architecture(self.map.range):
            declared = architecture_spec(self.map.range).constraints
        return check_conformance(self.abstract, [*declared, *constraints])


def _default_payload(found: PatternMatch, action: ActionSpec | None) -> dict[str, Any]:
    """Each field from the placeholder bound under its name, else from the matched events."""
    if action is None or action.extra_fields:
        merged: dict[str, Any] = {}
        for event in found.events:
            merged.update(event.payload)
        merged.update(found.bindings)
        return merged
    payload: dict[str, Any] = {}
    for field in action.field_names:
        if field in found.bindings:
            payload[field] = found.bindings[field]
            continue
        for event in reversed(found.events):
            if field in event.payload:
                payload[field] = event.payload[field]
                break
    return payload


def _as_rule(item: Any, map_name: str, index: int) -> MapRule:
    if isinstance(item, MapRule):
        rule = item
    elif isinstance(item, tuple) and len(item) in (2, 3):
        rule = MapRule(*item)
    else:
        raise ArchitectureError(
            f"map {map_name}, rule {index + 1}: expected a MapRule or a (pattern, event name) "
            f"pair, got {brief_repr(item)}",
            architecture=map_name,
        )
    pattern = parse_pattern(rule.pattern) if isinstance(rule.pattern, str) else rule.pattern
    if not isinstance(pattern, Pattern):
        raise ArchitectureError(
            f"map {map_name}, rule {index + 1}: the pattern must be a Pattern or pattern text, "
            f"got {brief_repr(rule.pattern)}",
            architecture=map_name,
        )
    if not isinstance(rule.event, str) or not rule.event:
        raise ArchitectureError(
            f"map {map_name}, rule {index + 1}: the abstract event must be a name, "
            f"got {brief_repr(rule.event)}",
            architecture=map_name,
        )
    return MapRule(pattern, rule.event, rule.payload, rule.component)


def _check_side(argument: str, side: Any) -> None:
    """Refuse a domain or range that is neither an @architecture class nor a name: taken
    as a name, a class of another kind (an @interface, a @module) turned off every check
    of the rules against it."""
    if is_architecture(side) or (isinstance(side, str) and side):
        return
    raise TypeError(
        f"ArchitectureMap(): {argument} must be an @architecture class or a name, got "
        f"{_given(side)}"
    )


def _given(value: Any) -> str:
    """``the class Client``, ``int 5``, ``''``: what was given, as a message names it."""
    if isinstance(value, type):
        return f"the class {class_label(value)}"
    if value is None or isinstance(value, str):
        return repr(value)
    return described(value)


def _label(architecture: Any) -> str:
    return class_label(architecture) if isinstance(architecture, type) else str(architecture)


def _alphabet(architecture: type) -> dict[str, list[tuple[str, ActionSpec]]]:
    """Event name -> the (component, action) pairs of `architecture` that declare it."""
    alphabet: dict[str, list[tuple[str, ActionSpec]]] = {}
    for component, interface in architecture_spec(architecture).components.items():
        for event_name, action in interface_actions(interface).items():
            alphabet.setdefault(event_name, []).append((component, action))
    return alphabet
