"""Causal event patterns: the algebra, its text syntax, and matching over posets.

Build patterns in Python::

    k = placeholder("k")
    request = Pattern.match("APIService.request", type="query", key=k)
    answered = request >> Pattern.match("DatabaseService.result", key=k)
    answered.match_in(computation)            # every match, in completion order
    matcher = answered.matcher()              # or incrementally, as events arrive:
    matcher.feed(event, computation.poset)    # -> the matches this event completes

or write them as text (``parse_pattern``); ``str(pattern)`` prints this form::

    APIService.request(type="query", key=?k) -> DatabaseService.result(key=?k)

Text syntax, from the loosest-binding operator to the tightest:

=================  ==============================  ==========================================
``P where C``      ``P.where(C)``                  C compares placeholders and JSON values
                                                   with ``== != < <= > >=``, ``and``,
                                                   ``or``, ``not``: ``where ?n > 5``
``P or Q``         ``P.or_(Q)``                    either matches
``P || Q``         ``P | Q``                       both, causally independent
``P & Q``          ``P & Q``                       both, with a common causal ancestor
``P -> Q``         ``P >> Q``, ``P.then(Q)``       P causally precedes Q (also ``P >> Q``)
``P => Q``         ``P.then_immediately(Q)``       P -> Q, and P is a direct cause of Q
``P+``             ``P.repeat()``                  all occurrences of P so far
=================  ==============================  ==========================================

Binary operators group to the left, so ``A -> B -> C`` is ``(A -> B) -> C`` and
``A -> B || C & D or E`` is ``((A -> B) || (C & D)) or E``; ``where`` applies to
everything before it (parenthesise to guard a part: ``(A where ?n > 5) -> B``).

A basic pattern is an event name, ``*`` for any name, or a quoted name
(``"order-placed"``), then optionally payload fields in parentheses and a source::

    APIService.request
    *(key=?k)
    Sensor.reading(level=3.5, tags=["a", "b"], meta={"x": null}) from "probe-1"
    Worker.done from ?who

Field values are JSON literals or ``?name`` placeholders; an event or field name that
is not an ASCII identifier (or is a keyword) is quoted, as :func:`name_text` writes
it. A quoted name with ``*`` in it matches every name ``*`` completes, dots included
(``"Sensor.*"``, ``"*.error"``), as ``Pattern.match("Sensor.*")`` does. A field value
that is not JSON (a Python object given to ``Pattern.match``) prints as ``<python
value ...>``; patterns with a Python guard or a timing bound
print as ``... where <python guard NAME>`` or ``... within <...>``. These forms
say what they are, and :func:`parse_pattern` refuses them.

A text may nest operators, guard conditions and JSON values inside one another at
most ``MAX_PATTERN_DEPTH`` (100) deep; a deeper one is refused with a
:class:`PatternSyntaxError` that says where and how deep. A pattern built with the
operators and methods nests at most as deep: the operator that would go deeper
raises a ValueError, where the pattern is built.
"""

from pyrapide.patterns.algebra import BasicPattern, Pattern, name_text
from pyrapide.patterns.condition import Condition
from pyrapide.patterns.engine import Matcher
from pyrapide.patterns.join import MATCH_LIMIT, TooManyMatches
from pyrapide.patterns.match import PatternMatch, Placeholder, placeholder
from pyrapide.patterns.operators import (
    DisjunctionPattern,
    GuardedPattern,
    ImmediateSequencePattern,
    IndependencePattern,
    IterationPattern,
    JoinPattern,
    SequencePattern,
    TimedPattern,
    UnboundPlaceholderWarning,
)
from pyrapide.patterns.syntax import MAX_PATTERN_DEPTH, PatternSyntaxError, parse_pattern

__all__ = [
    "MATCH_LIMIT",
    "MAX_PATTERN_DEPTH",
    "BasicPattern",
    "Condition",
    "DisjunctionPattern",
    "GuardedPattern",
    "ImmediateSequencePattern",
    "IndependencePattern",
    "IterationPattern",
    "JoinPattern",
    "Matcher",
    "Pattern",
    "PatternMatch",
    "PatternSyntaxError",
    "Placeholder",
    "SequencePattern",
    "TimedPattern",
    "TooManyMatches",
    "UnboundPlaceholderWarning",
    "name_text",
    "parse_pattern",
    "placeholder",
]
