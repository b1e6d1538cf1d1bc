"""Binding modules to components: bind(), and the checks that refuse bad bindings."""

import pytest

from pyrapide import Pattern, architecture, connect, module
from pyrapide.architecture import ArchitectureError, binding_problems, check_bindings
from pyrapide.runtime import System
from tests.pyrapide.architecture.services import APIService, CacheService, DatabaseService


@architecture
class Store:
    api: APIService
    db: DatabaseService

    def connections(self):
        return [connect(Pattern.match("APIService.request"), "db")]


class FrontEnd:
    pass


class Postgres:
    def connect(self, dsn):
        pass


class NoConnect:
    pass


def test_bind_returns_a_system_of_this_architecture():
    system = Store.bind(api=FrontEnd, db=Postgres)
    assert isinstance(system, System)
    assert system.architecture is Store


def test_a_good_binding_has_no_problems():
    assert binding_problems(Store, {"api": FrontEnd, "db": Postgres}) == []
    assert binding_problems(Store(), {"api": FrontEnd(), "db": Postgres()}) == []
    check_bindings(Store, {"api": FrontEnd, "db": Postgres})


def test_an_unknown_component_is_named_with_a_suggestion():
    assert binding_problems(Store, {"api": FrontEnd, "db": Postgres, "dbb": Postgres}) == [
        "Store has no component 'dbb' (did you mean 'db'?); components: 'api' and 'db'"
    ]


def test_unbound_components_are_named_with_their_interfaces():
    assert binding_problems(Store, {}) == [
        "Store: no module bound to 'api' and 'db' (api: APIService, db: DatabaseService)"
    ]
    assert binding_problems(Store, {}, partial=True) == []


def test_a_non_conforming_module_is_named_with_what_it_lacks():
    assert binding_problems(Store, {"api": FrontEnd, "db": NoConnect}) == [
        "db: NoConnect does not conform to DatabaseService: NoConnect is missing "
        "connect(self, dsn: str) -> None, required by DatabaseService"
    ]


def test_a_module_declaring_another_interface_is_refused_when_asked():
    declared = {FrontEnd: APIService, Postgres: CacheService}
    assert binding_problems(
        Store, {"api": FrontEnd, "db": Postgres}, implements_of=declared.get
    ) == [
        "db: Postgres implements CacheService, but component 'db' has the interface "
        "DatabaseService"
    ]


def test_check_bindings_raises_with_every_problem():
    with pytest.raises(ArchitectureError) as caught:
        check_bindings(Store, {"db": NoConnect, "cache": FrontEnd})
    message = str(caught.value)
    assert message.startswith("cannot bind Store:\n  - ")
    assert "no component 'cache'" in message
    assert "NoConnect is missing connect" in message
    assert "no module bound to 'api'" in message
    assert caught.value.candidates == ("api", "db")


def test_bind_refuses_a_bad_binding():
    with pytest.raises(ArchitectureError, match="cannot bind Store: Store has no component 'web'"):
        Store.bind(api=FrontEnd, db=Postgres, web=FrontEnd)


def test_binding_checks_refuse_what_is_not_an_architecture():
    with pytest.raises(TypeError, match="expected an @architecture class, got FrontEnd"):
        binding_problems(FrontEnd, {})
    with pytest.raises(TypeError, match="got a FrontEnd instance"):
        check_bindings(FrontEnd(), {})


def test_a_module_declaring_another_interface_is_refused_by_bind():
    @module(implements=CacheService)
    class RedisModule:
        def connect(self, dsn):
            pass

    with pytest.raises(ArchitectureError) as caught:
        Store.bind(api=FrontEnd, db=RedisModule)
    assert str(caught.value) == (
        "cannot bind Store: db: RedisModule implements CacheService, "
        "but component 'db' has the interface DatabaseService"
    )
    assert binding_problems(Store, {"api": FrontEnd, "db": RedisModule()}) == [
        "db: RedisModule implements CacheService, but component 'db' has the interface "
        "DatabaseService"
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "None"),
        (int, "the class int"),
        ("Postgres", "str 'Postgres'"),
        (42, "int 42"),
        (lambda: Postgres(), "function <lambda>"),
    ],
)
def test_what_is_no_module_is_refused_by_bind_naming_the_component(value, shown):
    with pytest.raises(ArchitectureError) as caught:
        Store.bind(api=FrontEnd, db=value)
    assert str(caught.value) == (
        f"cannot bind Store: db: expected a module class (or an instance of one), got {shown}"
    )


def test_a_module_class_made_by_exec_without_a_module_name_binds():
    # Code run by exec() with no __name__ makes classes whose module reads as
    # "builtins"; they are the user's classes all the same.
    namespace: dict = {}
    exec("class ExecPostgres:\n    def connect(self, dsn):\n        pass\n", namespace)
    made = namespace["ExecPostgres"]
    assert made.__module__ == "builtins"
    assert binding_problems(Store, {"api": FrontEnd, "db": made}) == []
    assert isinstance(Store.bind(api=FrontEnd, db=made), System)
