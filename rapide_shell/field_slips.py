"""What a pattern asks of an event's fields that no such event recorded can have.

``inject`` and ``emit`` refuse a field the action does not take and a value its
annotation refuses, so a pattern asking either never matches, and keeps the slip to
itself. ``watch``, ``break`` and ``expect`` say so in a note, ``rapide check`` in a
warning on a connection's pattern or a handler's; each words the consequence its own
way around the slip found here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pyrapide.patterns import BasicPattern, Pattern, Placeholder
from pyrapide.patterns.algebra import basic_parts, name_text
from pyrapide.types import ActionSpec
from pyrapide.types.payloads import annotation_check, shown
from rapide_shell.suggestions import close_matches


@dataclass(frozen=True)
class FieldSlip:
    """One slip: ``what`` (``Web.order has no field 'quantty'``) and ``hint``, said after
    the consequence (``; did you mean 'quantity'? (its fields: item, quantity)``, or
    nothing)."""

    what: str
    hint: str


def field_slips(pattern: Pattern, actions: Mapping[str, ActionSpec]) -> list[FieldSlip]:
    """The slips of ``pattern`` and of every pattern inside it, against ``actions``
    (qualified event name -> its ActionSpec): the fields none of its events takes, then
    the values their annotations refuse; each once."""
    parts = [part for part in basic_parts(pattern) if isinstance(part, BasicPattern)]
    found = [
        *(slip for part in parts for slip in _undeclared_fields(part, actions)),
        *(slip for part in parts for slip in _mistyped_values(part, actions)),
    ]
    return list(dict.fromkeys(found))


def _undeclared_fields(part: BasicPattern, actions: Mapping[str, ActionSpec]) -> list[FieldSlip]:
    """Each field ``part`` asks of a declared event that its action does not take
    (``Customer.placed(order=1)`` for ``placed(id)``). A name with ``*`` asks it of the
    declared events it completes: a field none of them takes."""
    named = [
        action
        for name, action in actions.items()
        if name == part.event_name or (part.name_glob is not None and part.matches_name(name))
    ]
    if not named or any(action.extra_fields for action in named):
        return []
    taken = list(dict.fromkeys(name for action in named for name in action.field_names))
    slips = []
    for field in part.field_matchers:
        if field in taken:
            continue
        hint = close_matches(field, taken)
        suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
        fields = ", ".join(taken) or "none"
        if len(named) == 1:
            lacks, their = f"{named[0].name} has no field {field!r}", "its"
        else:
            lacks = f"none of the events {part.event_name!r} names has a field {field!r}"
            their = "their"
        slips.append(FieldSlip(lacks, f"{suggestion} ({their} fields: {fields})"))
    return slips


def _mistyped_values(part: BasicPattern, actions: Mapping[str, ActionSpec]) -> list[FieldSlip]:
    """Each value ``part`` asks of a declared event's field that the field's annotation
    refuses (``Web.order(item=42)`` for ``item: str``). It is an easy one to make:
    ``inject Web.order item=42`` gives a ``str`` field the text "42". The value meant is
    suggested when the other reading of what was typed fits."""
    action = actions.get(part.event_name) if part.name_glob is None else None
    if action is None:
        return []
    annotations = {param.name: param.annotation for param in action.params}
    slips = []
    for field, wanted in part.field_matchers.items():
        annotation = annotations.get(field, "")
        fits = annotation_check(annotation) if annotation else None
        if fits is None or isinstance(wanted, Placeholder) or fits(_as_integers(wanted)):
            continue
        meant = _value_meant(wanted, fits)
        written = "" if meant is None else f"{name_text(field, field=True)}={shown(meant)}"
        suggestion = f"; did you mean {written}?" if written else ""
        what = f"{action.name}'s {field} is declared {annotation}, which {shown(wanted)} is not"
        slips.append(FieldSlip(what, suggestion))
    return slips


def _as_integers(value: Any) -> Any:
    """``value`` with each whole float an int: a pattern compares values as JSON does
    (``n=2.0`` matches an ``int`` 2), so its 2.0 fits an ``int`` field."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_as_integers(item) for item in value]
    if isinstance(value, dict):
        return {key: _as_integers(item) for key, item in value.items()}
    return value


def _value_meant(wanted: Any, fits: Callable[[Any], bool]) -> Any:
    """The other reading of a pattern's value, as ``inject`` reads a word: the text
    typed for a number or a truth value (``42`` as "42"), or the JSON value a text
    holds ("2" as 2); None when there is none or it does not fit either."""
    if isinstance(wanted, str):
        try:
            other = json.loads(wanted)
        except ValueError:
            return None
    elif isinstance(wanted, (bool, int, float)) and math.isfinite(wanted):
        other = json.dumps(wanted)
    else:
        return None
    return other if other is not None and fits(other) else None
