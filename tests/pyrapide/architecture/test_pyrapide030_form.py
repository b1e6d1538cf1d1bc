"""PyRapide 0.3.0's architecture form: annotations and `def connections(self)`."""

from pyrapide import Pattern, agent, architecture, connect, pipe
from pyrapide.architecture import architecture_spec, is_architecture
from tests.pyrapide.architecture.services import APIService, CacheService, DatabaseService

received = []


def log_match(match):
    received.append(match)


@architecture
class MySystem2:
    api: APIService
    db: DatabaseService

    def connections(self):
        return [connect(Pattern.match("APIService.request"), "db")]


@architecture
class Handlers:
    api: APIService
    db: DatabaseService
    cache: CacheService

    def connections(self):
        return [
            connect(Pattern.match("APIService.request"), log_match),
            pipe(Pattern.match("DatabaseService.result"), handler=log_match),
            agent(source_pattern=Pattern.match("CacheService.miss"), handler="db"),
            connect(Pattern.match("CacheService.hit"), target=self.api),
            pipe(Pattern.match("DatabaseService.error"), self.handle_error),
        ]

    def handle_error(self, match):
        received.append(("error", match))


def test_annotated_interfaces_are_the_components():
    assert dict(MySystem2.components) == {"api": APIService, "db": DatabaseService}


def test_string_targets_name_components():
    (connection,) = MySystem2.connections_list
    assert (connection.index, connection.kind, connection.target) == (0, "connect", "db")


def test_the_connections_method_still_works_on_instances():
    declared = MySystem2().connections()
    assert [c.target for c in declared] == ["db"]
    assert declared[0].index is None


def test_an_instance_answers_with_its_annotated_components():
    # 0.3.0 code calls connections() on an instance, whose `self.api` was missing.
    instance = Handlers()
    assert (instance.api, instance.db) == (APIService, DatabaseService)
    declared = instance.connections()
    assert [c.target for c in declared][3] is APIService


def test_callable_targets_are_kept_for_the_runtime_to_call():
    first, second, third, fourth, fifth = Handlers.connections_list
    assert first.target is log_match and not first.targets_component
    assert second.target is log_match and second.kind == "pipe"
    assert third.target == "db" and third.kind == "agent"
    assert fourth.target == "api"  # `self.api` is the component's interface
    assert fifth.target.__name__ == "handle_error"
    fifth.target("m")
    assert received[-1] == ("error", "m")


def test_pyrapide030_attribute_names_are_offered():
    first, second, third = Handlers.connections_list[:3]
    assert first.source_pattern is first.pattern
    assert first.handler is first.target
    assert [c.connection_type for c in (first, second, third)] == ["basic", "pipe", "agent"]


def test_get_architecture_info_summarises_like_pyrapide_030():
    assert MySystem2.get_architecture_info() == {
        "components": {"api": "APIService", "db": "DatabaseService"},
        "component_types": {"api": APIService, "db": DatabaseService},
        "is_architecture": True,
    }


def test_instances_serve_pyrapide030_engine_code():
    arch = Handlers()
    assert is_architecture(arch) and is_architecture(Handlers)
    assert not is_architecture(object())
    assert architecture_spec(arch) is architecture_spec(Handlers)
    assert arch.components is Handlers.components


class Base:
    api: APIService
    db = DatabaseService


@architecture
class Extended(Base):
    cache: CacheService

    connections = [connect(Pattern.match("APIService.request"), target=CacheService)]


@architecture
class Replaced(Extended):
    db = None  # this architecture has no database

    def connections(self):
        return [agent(Pattern.match("CacheService.hit"), "api")]


def test_an_architecture_extending_a_class_keeps_its_components():
    assert list(Extended.components) == ["api", "db", "cache"]
    assert Extended.connections_list[0].target == "cache"


def test_an_architecture_extending_an_architecture_can_drop_and_rewire():
    assert list(Replaced.components) == ["api", "cache"]
    assert [c.target for c in Replaced.connections_list] == ["api"]
    assert list(Extended.components) == ["api", "db", "cache"]  # the base is untouched


def test_mixed_forms_in_one_class():
    @architecture
    class Mixed:
        api: APIService
        db = DatabaseService
        connections = [connect(Pattern.match("APIService.request"), target=db)]

    assert list(Mixed.components) == ["api", "db"]
    assert Mixed.connections_list[0].target == "db"


def test_non_interface_attributes_and_annotations_are_not_components():
    @architecture
    class WithSettings:
        timeout: float = 2.0
        name = "edge"
        api: APIService

    assert list(WithSettings.components) == ["api"]
    assert WithSettings.timeout == 2.0


def test_static_class_method_and_property_connections():
    @architecture
    class Static:
        api: APIService

        @staticmethod
        def connections():
            return [connect(Pattern.match("*"), "api")]

    @architecture
    class FromClass:
        api: APIService

        @classmethod
        def connections(cls):
            return (connect(Pattern.match("*"), "api"),)

    @architecture
    class AsProperty:
        api: APIService

        @property
        def connections(self):
            return [pipe(Pattern.match("*"), self.api)]

    assert Static.connections_list[0].target == "api"
    assert FromClass.connections_list[0].target == "api"
    assert AsProperty.connections_list[0].target == "api"


def test_an_architecture_without_connections_or_components():
    @architecture
    class Empty:
        pass

    assert dict(Empty.components) == {}
    assert Empty.connections_list == ()
    assert Empty.constraints_list == ()
