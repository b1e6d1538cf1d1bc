"""Filters: the part of a computation that some patterns, or an interface, are about.

A filter keeps some events of a computation and the causal order among them:
two kept events stay ordered when one preceded the other through events that
were left out, so a constraint checked on the filtered computation sees the
same "before" and "independent" as on the whole one::

    requests = PatternFilter.filter_computation(run, [Pattern.match("API.request")])
    api_view = AlphabetFilter.filter_by_alphabet(run, APIService)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pyrapide.constraints.base import as_pattern
from pyrapide.core import Computation, Event
from pyrapide.patterns import Pattern

__all__ = ["AlphabetFilter", "PatternFilter", "filtered_computation"]


def filtered_computation(computation: Any, keep: Callable[[Event], bool]) -> Computation:
    """A new Computation of the events of `computation` (or a poset) that `keep` accepts.

    The causal order among kept events is kept (see `Poset.restricted_to`);
    events are the same objects, ids included. Clocks are not carried over.
    """
    poset = getattr(computation, "poset", computation)
    return Computation(poset=poset.restricted_to(keep))


class PatternFilter:
    """Keeps the events that take part in a match of any of some patterns."""

    @staticmethod
    def filter_computation(computation: Any, filter_patterns: Iterable[Any]) -> Computation:
        """The computation restricted to the events of every match of `filter_patterns`.

        Patterns may be Pattern objects or pattern text. A pattern matching
        several events (`A >> B`) keeps all of them; causal order is kept
        through the events left out. Raises TypeError for something that is not
        a pattern.
        """
        if isinstance(filter_patterns, Pattern | str):
            filter_patterns = [filter_patterns]
        elif not isinstance(filter_patterns, Iterable):
            raise TypeError(
                "PatternFilter.filter_computation expects a Pattern, pattern text or a list "
                f"of them, got {type(filter_patterns).__name__}"
            )
        patterns = [as_pattern(p, "PatternFilter.filter_computation") for p in filter_patterns]
        kept: set[str] = set()
        for pattern in patterns:
            for found in pattern.match_in(computation):
                kept.update(event.id for event in found.events)
        return filtered_computation(computation, lambda event: event.id in kept)


class AlphabetFilter:
    """Keeps the events an interface can emit (its event alphabet, services included)."""

    @staticmethod
    def filter_by_alphabet(computation: Any, interface_class: type) -> Computation:
        """The computation restricted to the events named in `interface_class`'s alphabet.

        Raises TypeError when `interface_class` is not an @interface class.
        """
        describe = getattr(interface_class, "get_interface_info", None)
        if not isinstance(interface_class, type) or describe is None:
            shown = getattr(interface_class, "__name__", repr(interface_class))
            raise TypeError(f"{shown} is not an @interface class: it has no event alphabet")
        alphabet = frozenset(describe()["event_alphabet"])
        return filtered_computation(computation, lambda event: event.name in alphabet)
