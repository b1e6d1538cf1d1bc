"""The Constraint base class and the incremental tracker protocol the monitor drives."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Final

from pyrapide.constraints.violation import ConstraintViolation
from pyrapide.core.printable import brief_repr, described
from pyrapide.patterns import Pattern, PatternMatch, parse_pattern

__all__ = ["Admit", "Constraint", "Tracker", "constraint_name", "poset_of"]

# Whether a match counts (a constraint class's ``filter``); None admits every match.
Admit = Callable[[PatternMatch], bool] | None

# While a constraint class collects its rules, the constraints built by
# must_match()/never()/every() are appended here (see declarative.py).
collected_rules: ContextVar[list[Constraint] | None] = ContextVar("collected_rules", default=None)

# Whether the matchers trackers make warn of a guard that raises: off while a monitor
# that tells of them itself (a running system's) makes its trackers.
_matchers_warn: ContextVar[bool] = ContextVar("matchers_warn", default=True)


def new_matcher(pattern: Pattern) -> Any:
    """A matcher of ``pattern`` for a tracker: one that warns of a guard that raises,
    unless its monitor tells of those itself (see :class:`ConstraintMonitor`)."""
    return pattern.matcher(warn_guard_errors=_matchers_warn.get())


@contextmanager
def matchers_warn(warn: bool) -> Iterator[None]:
    """Within the block, :func:`new_matcher` makes matchers that warn or not."""
    token = _matchers_warn.set(warn)
    try:
        yield
    finally:
        _matchers_warn.reset(token)


def poset_of(poset_or_computation: Any) -> Any:
    """The poset of a computation, or the poset itself."""
    inner = getattr(poset_or_computation, "poset", None)
    return poset_or_computation if inner is None else inner


# Marks a class whose `name` Constraint filled in with the class's own name.
_NAMED_AFTER_CLASS: Final = "_rapide_named_after_class"


def constraint_name(constraint: Constraint) -> str:
    """The name a constraint is registered and reported under."""
    return getattr(constraint, "name", "") or type(constraint).__name__


class Tracker:
    """The incremental state of one constraint inside one monitor.

    The monitor feeds every event once, in recording order, after it is in the
    poset with its causes. ``feed`` returns the violations the event makes certain
    (a forbidden match); ``outstanding`` the violations that would stand if the run
    ended now (an unmet requirement, an unanswered obligation). When the event fed
    last gains a cause, the monitor calls ``retract_last`` and feeds it again.
    """

    def bind(self, computation: Any) -> None:
        """Tell the tracker which computation (or poset) the monitor follows now."""

    def feed(self, event: Any, poset: Any) -> list[ConstraintViolation]:
        """The violations that ``event``, just recorded in ``poset``, makes certain."""
        return []

    def outstanding(self) -> list[ConstraintViolation]:
        """The violations that stand if the run ends now."""
        return []

    def retract_last(self) -> bool:
        """Undo the last ``feed``, as if that event had not been fed; True when done.

        False when this tracker cannot (the default): the monitor then rebuilds
        every tracker from the events so far instead.
        """
        return False

    def rebase(self, events: list[Any], poset: Any) -> list[ConstraintViolation]:
        """Continue on ``poset``, which holds only ``events`` (the most recent ones).

        Returns the violations that became certain because events involved in an
        open obligation were dropped.
        """
        return []


class _WholeRunTracker(Tracker):
    """For a hand-written constraint: its ``check`` runs over the whole computation."""

    def __init__(self, constraint: Constraint) -> None:
        self.constraint = constraint
        self.computation: Any = None

    def bind(self, computation: Any) -> None:
        self.computation = computation

    def retract_last(self) -> bool:
        return True  # nothing is derived per event

    def outstanding(self) -> list[ConstraintViolation]:
        if self.computation is None:
            return []
        return checked_by(self.constraint, self.computation)


def checked_by(constraint: Constraint, computation: Any) -> list[ConstraintViolation]:
    """What ``constraint.check(computation)`` finds, as a list. A check written by hand
    that returns no list of violations (None, for a missing ``return``; one violation
    alone) is refused with a TypeError naming the constraint, and an error it raises
    says which constraint's check raised it: either would otherwise read as the
    monitor's own failure."""
    name = constraint_name(constraint)
    try:
        found = constraint.check(computation)
    except Exception as error:
        error.add_note(f"raised by the check() of constraint {name!r}")
        raise
    if isinstance(found, Iterable) and not isinstance(found, str | Mapping):
        return list(found)
    raise TypeError(
        f"constraint {name!r}: check() returned {described(found)}; it returns a list "
        "of ConstraintViolation (empty when the constraint holds)"
    )


class Constraint:
    """Base class of every constraint.

    A constraint has a ``name`` (what a monitor registers it under and what its
    violations report), a ``description`` and ``check(computation)``, which returns
    every violation in a whole computation (or poset). To write one by hand,
    subclass and override ``check``; a monitor then runs it over the whole
    computation when violations are asked for, since it cannot run incrementally.
    The constraints built by :func:`must_match`, :func:`never` and :func:`every`
    are checked incrementally instead (``tracker()``).
    """

    name: str = ""
    description: str = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # A class that names itself nowhere (nor does a base other than this one) is
        # named after itself, as a monitor registers it: its own check() can then
        # build violations with constraint_name=self.name.
        definer = next(klass for klass in cls.__mro__ if "name" in vars(klass))
        if definer is Constraint or _NAMED_AFTER_CLASS in vars(definer):
            cls.name = cls.__name__
            setattr(cls, _NAMED_AFTER_CLASS, True)

    def check(self, computation: Any) -> list[ConstraintViolation]:
        """Every violation of this constraint in ``computation`` (or a poset)."""
        raise NotImplementedError(f"constraint {type(self).__name__} does not define check()")

    def tracker(self) -> Tracker:
        """Fresh incremental state, for a monitor."""
        return _WholeRunTracker(self)

    def patterns(self) -> tuple[Pattern, ...]:
        """The patterns this constraint matches as events arrive, whose guards a
        monitor watches for errors; none for one written by hand (``check`` alone)."""
        return ()

    def scoped(self, scope: str) -> Constraint:
        """This constraint as stated inside the component at path ``scope`` (a nested
        architecture's constraints, ``"payments"``): a source its patterns name
        (``from "ledger"``) is then the component of that name inside it
        (``payments.ledger``), as in that architecture's connections. A copy where
        that changes a pattern, else the constraint itself; a constraint of one's own
        (with ``check`` alone) is its own judge of sources and is returned as it is."""
        return self

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {constraint_name(self)!r}>"


def what_is_no_constraint(item: Any) -> str:
    """What ``item``, given where a constraint goes, is, and what to write instead: a
    pattern is wrapped in must_match or never, ``every(P)`` needs its ``.leads_to(Q)``."""
    if isinstance(item, Pattern):
        try:
            shown = str(item)
        except Exception:  # a pattern of one's own whose printing fails
            shown = type(item).__name__
        return (
            f"the pattern {shown}, which is not a constraint; wrap it as "
            "must_match(pattern) or never(pattern)"
        )
    if callable(getattr(item, "leads_to", None)):
        return "every(...) without .leads_to(...); finish it: every(P).leads_to(Q)"
    return (
        f"{described(item)}; expected must_match(...), never(...), every(P).leads_to(Q) "
        "or a @constraint class"
    )


def as_pattern(pattern: Any, where: str) -> Pattern:
    """A Pattern, parsing text; a clear TypeError for anything else."""
    if isinstance(pattern, Pattern):
        return pattern
    if isinstance(pattern, str):
        return parse_pattern(pattern)
    raise TypeError(f"{where} expects a Pattern or pattern text, got {type(pattern).__name__}")


def settle_description(description: str, message: str | None, where: str) -> str:
    """``description=`` or its alias ``message=`` (the 0.3.0 README's spelling)."""
    if message is not None:
        if description:
            raise TypeError(f"{where}: give description= or message=, not both")
        description = message
    if not isinstance(description, str):
        raise TypeError(f"{where}: description must be a string, got {type(description).__name__}")
    return description


def settle_name(name: str | None, default: str, where: str) -> str:
    """An explicit name, or the default made from the pattern text."""
    if name is None:
        return default
    if not isinstance(name, str) or not name:
        raise TypeError(f"{where}: name must be a non-empty string, got {brief_repr(name)}")
    return name


def register_rule(rule: Constraint) -> None:
    """Hand a newly built constraint to the constraint class collecting its rules, if any."""
    collecting = collected_rules.get()
    if collecting is not None:
        collecting.append(rule)


def admitted(matches: Iterable[PatternMatch], admit: Admit) -> list[PatternMatch]:
    """The matches that pass ``admit`` (all when it is None)."""
    if admit is None:
        return list(matches)
    return [found for found in matches if admit(found)]
