"""Declarations refused when the class is decorated, each with a message naming why."""

import re

import pytest

from pyrapide import Pattern, action, architecture, connect, interface, never, pipe
from pyrapide.architecture import ArchitectureError
from tests.pyrapide.architecture.services import (
    APIService,
    CacheService,
    DatabaseService,
    NotificationService,
)

REQUEST = Pattern.match("APIService.request")


def refusal(message: str):
    return pytest.raises(ArchitectureError, match=re.escape(message))


def test_an_interface_held_by_two_components_is_ambiguous():
    with refusal(
        "Replicated: connection 1 (connect APIService.request -> DatabaseService): target "
        "DatabaseService is ambiguous, held by components 'primary' and 'replica'; name one, "
        "as target='primary'"
    ) as caught:

        @architecture
        class Replicated:
            api = APIService
            primary = DatabaseService
            replica = DatabaseService
            connections = [
                connect(REQUEST, target="replica"),
                connect(REQUEST, target=primary),
            ]

    assert caught.value.candidates == ("primary", "replica")
    assert caught.value.architecture == "Replicated"


def test_two_components_of_one_interface_are_fine_when_named():
    @architecture
    class Replicated:
        primary = DatabaseService
        replica = DatabaseService
        connections = [connect(REQUEST, target="replica"), pipe(REQUEST, "primary")]

    assert [c.target for c in Replicated.connections_list] == ["replica", "primary"]


def test_a_misspelt_component_name_gets_a_suggestion():
    with refusal(
        "Typo: connection 0 (connect APIService.request -> dbb): unknown target 'dbb' "
        "(did you mean 'db'?); components: api (APIService), db (DatabaseService)"
    ) as caught:

        @architecture
        class Typo:
            api: APIService
            db: DatabaseService

            def connections(self):
                return [connect(REQUEST, "dbb")]

    assert caught.value.candidates == ("api", "db")


def test_a_name_in_the_wrong_case_gets_a_suggestion():
    with refusal("unknown target 'DB' (did you mean 'db'?)"):

        @architecture
        class Shouting:
            db: DatabaseService
            connections = [connect(REQUEST, "DB")]


def test_an_interface_name_given_as_target_points_at_its_component():
    with refusal(
        "unknown target 'DatabaseService' ('DatabaseService' is the interface of component "
        "'db'); components: db (DatabaseService)"
    ):

        @architecture
        class ByInterfaceName:
            db: DatabaseService
            connections = [connect(REQUEST, "DatabaseService")]


def test_an_interface_no_component_holds_is_refused():
    with refusal(
        "Small: connection 0 (pipe APIService.request -> CacheService): the interface "
        "CacheService is not a component of Small; components: api (APIService)"
    ):

        @architecture
        class Small:
            api = APIService
            connections = [pipe(REQUEST, target=CacheService)]


def test_a_plain_class_is_not_a_target():
    class PostgresModule:
        pass

    with refusal("the class PostgresModule is not a component of Wrong"):

        @architecture
        class Wrong:
            db = DatabaseService
            connections = [connect(REQUEST, PostgresModule)]


def test_a_target_that_is_neither_component_nor_callable_is_refused():
    with refusal(
        "Numeric: connection 0 (connect APIService.request -> 3): a target is a component, "
        "a component's name or a callable, got int 3; components: db (DatabaseService)"
    ):

        @architecture
        class Numeric:
            db = DatabaseService
            connections = [connect(REQUEST, 3)]


def test_an_architecture_without_components_lists_none():
    with refusal("unknown target 'db'; it has no components"):

        @architecture
        class Nothing:
            connections = [connect(REQUEST, "db")]


def test_connections_must_be_connection_objects():
    with refusal(
        "Listed: connection 1 is tuple ('APIService.request', 'db'); expected connect(...), "
        "pipe(...) or agent(...)"
    ):

        @architecture
        class Listed:
            db = DatabaseService
            connections = [connect(REQUEST, "db"), ("APIService.request", "db")]


def test_connections_must_be_a_list():
    with refusal("Single.connections must be a list, got BasicConnection"):

        @architecture
        class Single:
            db = DatabaseService
            connections = connect(REQUEST, "db")


def test_connections_and_constraints_in_a_set_are_refused():
    # Connections hash by identity: a set of them iterated in an order the memory layout
    # picked, so the same file numbered and queued its connections differently when run
    # from another directory.
    with refusal(
        "Unordered.connections must be a list, got a set of 2 items: a set has no order of "
        "its own, and the connections are taken in the order written"
    ):

        @architecture
        class Unordered:
            api = APIService
            db = DatabaseService
            connections = {connect(REQUEST, "db"), pipe(REQUEST, "db")}

    with refusal("Frozen.constraints must be a list, got a frozenset of 1 item"):

        @architecture
        class Frozen:
            db = DatabaseService
            constraints = frozenset({never(REQUEST, name="no_requests")})


def test_a_connections_method_that_raises_is_reported():
    with refusal("Failing.connections() raised KeyError: 'missing'") as caught:

        @architecture
        class Failing:
            db = DatabaseService

            def connections(self):
                return [connect(REQUEST, {}["missing"])]

    assert isinstance(caught.value.__cause__, KeyError)


def test_a_connections_method_relying_on_init_state_is_told_why():
    with refusal(
        "Stateful.connections() raised AttributeError: 'Stateful' object has no attribute "
        "'handler' (connections(self) runs when the class is decorated, on an instance made "
        "without __init__, whose attributes are the components)"
    ):

        @architecture
        class Stateful:
            db = DatabaseService

            def __init__(self):
                self.handler = print

            def connections(self):
                return [connect(REQUEST, self.handler)]


def test_an_undecorated_interface_is_refused_as_a_component():
    class Notifier:
        @action
        async def sent(self, text: str): ...

    with refusal(
        "Forgot.notifier: Notifier is not an @interface (its methods are marked (@action, "
        "...) but the class is not decorated); decorate Notifier with @interface"
    ):

        @architecture
        class Forgot:
            notifier = Notifier


def test_an_undecorated_subclass_of_an_interface_is_refused():
    class LoudNotifier(NotificationService):
        pass

    with refusal(
        "Forgot.notifier: LoudNotifier is not an @interface (it extends the interface "
        "NotificationService but is not decorated itself)"
    ):

        @architecture
        class Forgot:
            notifier: LoudNotifier


@pytest.mark.parametrize("name", ["components", "describe", "bind", "connections_list"])
def test_names_the_decorator_provides_cannot_be_defined(name):
    namespace = {"api": APIService, name: CacheService}
    with refusal(f"Clash defines {name!r}, which @architecture provides; rename it"):
        architecture(type("Clash", (), namespace))


def test_only_classes_can_be_architectures():
    def my_system():
        pass

    with pytest.raises(TypeError, match="@architecture decorates a class, got function"):
        architecture(my_system)


def test_refusals_leave_no_half_made_architecture():
    namespace = {"db": DatabaseService, "connections": [connect(REQUEST, "nope")]}
    cls = type("Half", (), namespace)
    with pytest.raises(ArchitectureError):
        architecture(cls)
    assert "components" not in vars(cls)


@interface
class Unused:
    @action
    def x(self): ...


def test_only_what_connections_target_must_be_unambiguous():
    @architecture
    class ManyOfOne:
        one = Unused
        two = Unused
        cache = CacheService
        connections = [connect(REQUEST, target=cache)]

    assert list(ManyOfOne.components) == ["one", "two", "cache"]


def test_a_callable_target_that_cannot_take_a_match_alone_is_refused():
    # Written (match, computation), as a connection fired by hand may take it, it
    # raised a TypeError at every delivery of the System.
    def on_request(match, computation):
        return None

    with refusal(
        "Handed: connection 0 (connect APIService.request -> on_request): a System calls "
        "a connection's callable target with the match alone, and "
        "on_request(match, computation) cannot be called so"
    ):

        @architecture
        class Handed:
            api: APIService

            def connections(self):
                return [connect(REQUEST, on_request)]

    def with_a_default(match, computation=None):
        return None

    @architecture
    class Taken:
        api: APIService

        def connections(self):
            return [connect(REQUEST, with_a_default), pipe(REQUEST, print)]

    assert len(Taken.connections_list) == 2
