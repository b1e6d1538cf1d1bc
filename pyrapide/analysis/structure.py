"""Computations compared by what happened, ids aside: event shapes, poset digests, differences.

Two runs of one architecture can record the same behaviour under other event ids (a
delivery chosen earlier takes a smaller id) or in another recording order. What they
share is the *shape* of each event: its name, its source, its payload, and the shapes
of its direct causes, and so, recursively, its whole causal history. Timestamps and
metadata are not part of a shape.

A shape reads an event's past alone: two twin events (the same shape) are one to what
follows them, so a poset where X and Y follow the same one of two twins has the same
shapes as one where they follow one twin each. :func:`digest` reads each event's future
too (the digests of what it caused), which tells those two apart. The same poset, ids
aside, always has the same digest; two posets with one digest are the same but for a
collision of that reading, which telling every pair of graphs apart (graph
isomorphism, for which no fast method is known) would be needed to rule out.

Identical siblings (the same name, source, payload and causes) have one shape and count
twice. Shapes are 128-bit BLAKE2 digests, so distinct shapes collide only by chance, at
odds no run will meet.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pyrapide.analysis._inputs import poset_of
from pyrapide.core import Computation, Event, Poset
from pyrapide.core.printable import value_repr
from pyrapide.core.values import INT_BOUND

__all__ = [
    "Difference",
    "difference",
    "digest",
    "digest_of_events",
    "digest_of_shapes",
    "event_shape",
    "shapes",
]


def shapes(source: Computation | Poset) -> dict[str, str]:
    """The shape of every event of ``source``, keyed by event id (hex text).

    Costs time linear in the events and their causes (each is hashed once, in
    topological order). Raises TypeError when ``source`` is not a Computation or Poset.
    """
    poset = poset_of(source, "shapes")
    found: dict[str, str] = {}
    for event in poset.topological_order():
        cause_shapes = sorted(found[cause.id] for cause in poset.direct_causes(event))
        found[event.id] = event_shape(event, cause_shapes)
    return found


def digest(source: Computation | Poset) -> str:
    """One hex text, the same for the same poset, ids aside (see the module docstring):
    each event read with its past (its shape) and its future (what it caused, read so in
    turn). Costs time linear in the events and their causes."""
    poset = poset_of(source, "digest")
    found = shapes(poset)
    return digest_of_events(
        found, {event.id: [cause.id for cause in poset.direct_causes(event)] for event in poset}
    )


def digest_of_events(
    event_shapes: Mapping[str, str], causes: Mapping[str, Iterable[str]]
) -> str:
    """The :func:`digest` of a computation whose events have ``event_shapes`` (by id, each
    event after its causes, as recorded) and the direct ``causes`` (ids, by event id):
    for one who keeps shapes as events are recorded. Each event is hashed again with the
    sorted hashes of its direct effects, from the last recorded back, and the digest is
    that of those hashes."""
    effects: dict[str, list[str]] = {}
    for event_id in event_shapes:
        for cause in causes.get(event_id, ()):
            effects.setdefault(cause, []).append(event_id)
    whole: dict[str, str] = {}
    for event_id in reversed(list(event_shapes)):
        after = sorted(whole[effect] for effect in effects.get(event_id, ()))
        text = event_shapes[event_id] + ":" + ",".join(after)
        whole[event_id] = hashlib.blake2b(text.encode("ascii"), digest_size=16).hexdigest()
    return digest_of_shapes(whole.values())


@dataclass(frozen=True)
class Difference:
    """What each of two computations recorded that the other did not, by shape.

    ``only_first`` and ``only_second`` are events of each, in their recording order; an
    event whose shape both hold (as many times) is in neither. ``same`` is True when
    both lists are empty.
    """

    only_first: tuple[Event, ...]
    only_second: tuple[Event, ...]

    @property
    def same(self) -> bool:
        """True when each event of one has an event of the same shape in the other, as
        many times: the same poset, ids aside, but for which of two twin events later
        events follow (see the module docstring; :func:`digest` tells that apart)."""
        return not self.only_first and not self.only_second


def difference(first: Computation | Poset, second: Computation | Poset) -> Difference:
    """The events each of ``first`` and ``second`` has that the other has not, compared
    by shape (name, source, payload and causes, recursively), not by id."""
    first_poset = poset_of(first, "difference")
    second_poset = poset_of(second, "difference")
    first_shapes = shapes(first_poset)
    second_shapes = shapes(second_poset)
    return Difference(
        _unmatched(first_poset, first_shapes, Counter(second_shapes.values())),
        _unmatched(second_poset, second_shapes, Counter(first_shapes.values())),
    )


def _unmatched(poset: Poset, own: dict[str, str], other: Counter[str]) -> tuple[Event, ...]:
    # Recording order: the earliest events of a shape are the ones the other side matches.
    left = []
    for event in poset:
        shape = own[event.id]
        if other[shape] > 0:
            other[shape] -= 1
        else:
            left.append(event)
    return tuple(left)


def event_shape(event: Event, cause_shapes: list[str]) -> str:
    """The shape of ``event`` whose direct causes have ``cause_shapes``, sorted: for one
    who keeps shapes as events are recorded (each event's causes come before it)."""
    try:
        text = _shape_text([event.name, event.source, dict(event.payload), cause_shapes])
    except (TypeError, ValueError):
        # A payload made by hand may mix key types ({1: "a", "b": 2}), which cannot be
        # sorted, or hold an integer too long to write in decimal: its mappings become
        # lists of (key text, value), in a five-item form no payload of string keys gives.
        described = [event.name, event.source, _keyed(event.payload), cause_shapes, "keys"]
        text = _shape_text(described)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _shape_text(described: list[Any]) -> str:
    return json.dumps(
        described, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_text_of
    )


def _text_of(value: Any) -> str:
    """What stands for ``value``, which JSON cannot write, in a shape: its repr, with the
    items of a set in sorted order. A set's own order follows the history of its table
    and the process's string hashing, so two equal sets may print differently."""
    if isinstance(value, set | frozenset) and value:
        inside = "{" + ", ".join(sorted(_text_of(item) for item in value)) + "}"
        return inside if type(value) is set else f"{type(value).__name__}({inside})"
    return value_repr(value)


def _keyed(value: Any) -> Any:
    """``value`` with each mapping inside turned into its (key text, value) pairs, sorted,
    and each integer perhaps too long to write in decimal into ``["int", its hex]``."""
    if isinstance(value, Mapping):
        return sorted([repr(key), _keyed(item)] for key, item in value.items())
    if isinstance(value, list | tuple):
        return [_keyed(item) for item in value]
    if isinstance(value, int) and not -INT_BOUND < value < INT_BOUND:
        # Perhaps too long to write in decimal; in hex it can be written at any length.
        return ["int", hex(value)]
    return value


def digest_of_shapes(all_shapes: Iterable[str]) -> str:
    """One hex text for the multiset ``all_shapes``: the same for the same shapes, as many
    of each, in any order (:func:`digest_of_events` gives it the events' whole hashes)."""
    hasher = hashlib.blake2b(digest_size=16)
    for shape in sorted(all_shapes):
        hasher.update(shape.encode("ascii"))
    return hasher.hexdigest()
