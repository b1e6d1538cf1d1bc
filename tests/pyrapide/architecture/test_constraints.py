"""Architecture-level constraints, collected for the runtime to check."""

import re

import pytest

from pyrapide import Pattern, architecture, connect, constraint, every, must_match, never
from pyrapide.architecture import ArchitectureError
from tests.pyrapide.architecture.services import APIService, DatabaseService

REQUEST = Pattern.match("APIService.request")
RESULT = Pattern.match("DatabaseService.result")


@constraint
class Answered:
    """Every request gets a result."""

    def rules(self):
        return [every(REQUEST).leads_to(RESULT)]


@architecture
class Checked:
    api: APIService
    db: DatabaseService

    def connections(self):
        return [connect(REQUEST, "db")]

    def constraints(self):
        return [
            must_match(REQUEST, name="has_requests"),
            never(Pattern.match("DatabaseService.error"), name="no_errors"),
            Answered,
        ]


def test_constraints_declared_by_a_method_are_collected_in_order():
    first, second, third = Checked.constraints_list
    assert (first.name, second.name) == ("has_requests", "no_errors")
    assert isinstance(third, Answered)  # a @constraint class is instantiated


def test_the_constraints_method_still_works_on_instances():
    assert len(Checked().constraints()) == 3


def test_constraints_declared_as_a_list():
    @architecture
    class Listed:
        api = APIService
        constraints = [never(Pattern.match("APIService.response"), name="quiet")]

    assert [c.name for c in Listed.constraints_list] == ["quiet"]


def test_the_description_names_the_constraints():
    assert Checked.describe().constraints == ("has_requests", "no_errors", "Answered")


def test_an_architecture_without_constraints_has_none():
    @architecture
    class Free:
        api = APIService

    assert Free.constraints_list == ()


def test_anything_but_a_constraint_is_refused():
    message = (
        "Loose: constraint 1 is the pattern APIService.request, which is not a constraint; "
        "wrap it as must_match(pattern) or never(pattern)"
    )
    with pytest.raises(ArchitectureError, match=re.escape(message)):

        @architecture
        class Loose:
            api = APIService
            constraints = [must_match(REQUEST), REQUEST]


def test_an_unfinished_every_is_refused():
    message = "Half: constraint 0 is every(...) without .leads_to(...); finish it"
    with pytest.raises(ArchitectureError, match=re.escape(message)):

        @architecture
        class Half:
            api = APIService
            constraints = [every(REQUEST)]


def test_other_objects_are_refused_with_the_accepted_forms():
    message = (
        "Odd: constraint 0 is str 'no errors'; expected must_match(...), never(...), "
        "every(P).leads_to(Q) or a @constraint class"
    )
    with pytest.raises(ArchitectureError, match=re.escape(message)):

        @architecture
        class Odd:
            api = APIService
            constraints = ["no errors"]


def test_a_constraint_class_that_refuses_its_rules_is_refused_saying_why():
    # It was said to be "cannot be made without arguments", which it can.
    @constraint
    class Guarded:
        def define(self):
            never(REQUEST, name="quiet")
            must_match(RESULT, name="quiet")

    with pytest.raises(ArchitectureError) as refused:

        @architecture
        class Strict:
            api = APIService
            constraints = [Guarded]

    assert str(refused.value).startswith(
        "Strict: constraint 0, Guarded, cannot be made: constraint class Guarded: two rules "
        "are named 'quiet' (never APIService.request; must_match DatabaseService.result)"
    )


def test_a_constraint_class_that_needs_arguments_is_refused():
    @constraint
    class Bounded:
        def __init__(self, limit):
            self.limit = limit

        def rules(self):
            return [never(REQUEST)]

    with pytest.raises(
        ArchitectureError, match=r"Strict: constraint 0, Bounded, cannot be made without arguments"
    ):

        @architecture
        class Strict:
            api = APIService
            constraints = [Bounded]
