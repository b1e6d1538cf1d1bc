"""Subtyping between interfaces and conformance of module classes."""

import pytest

from pyrapide.types import (
    action,
    conformance_problems,
    conforms_to,
    interface,
    is_subtype,
    provides,
    requires,
)


@interface
class Store:
    @action
    async def stored(self, key: str): ...

    @provides
    def get(self, key: str): ...

    @requires
    def open(self, path: str) -> None: ...

    @requires
    async def close(self) -> None: ...


@interface
class RichStore:
    @action
    async def stored(self, key: str): ...

    @provides
    def get(self, key: str): ...

    @provides
    def scan(self): ...


@interface
class CachedStore(Store):
    @action
    async def evicted(self, key: str): ...


@interface
class Unrelated:
    @action
    async def other(self): ...


def test_more_operations_make_a_subtype():
    assert is_subtype(RichStore, Store)
    assert not is_subtype(Store, RichStore)


def test_an_extending_interface_is_a_subtype_of_its_base():
    assert is_subtype(CachedStore, Store)
    assert not is_subtype(Store, CachedStore)


def test_unrelated_interfaces_are_not_subtypes():
    assert not is_subtype(Unrelated, Store)
    assert not is_subtype(Store, Unrelated)


def test_every_class_is_a_subtype_of_itself():
    assert is_subtype(Store, Store)

    class Plain:
        pass

    assert is_subtype(Plain, Plain)


def test_requires_do_not_count_for_subtyping():
    @interface
    class NeedsMore:
        @action
        async def stored(self, key: str): ...

        @provides
        def get(self, key: str): ...

        @requires
        def extra(self): ...

    assert is_subtype(RichStore, NeedsMore)


def test_actions_and_provided_methods_are_one_set_of_operations():
    @interface
    class GetAsAction:
        @action
        def get(self): ...

        @provides
        def stored(self): ...

    assert is_subtype(GetAsAction, Store)


def test_a_plain_class_is_judged_by_its_marked_methods():
    class Plain:
        def stored(self): ...

        def get(self): ...

    assert not is_subtype(Plain, Store)


def test_is_subtype_refuses_non_classes():
    with pytest.raises(TypeError, match=r"is_subtype\(\) expects a class as candidate, got int 5"):
        is_subtype(5, Store)
    with pytest.raises(TypeError, match=r"as target, got str 'Store'"):
        is_subtype(Store, "Store")


class FileStore:
    def open(self, path):
        pass

    async def close(self):
        pass


def test_a_module_conforms_when_it_defines_every_required_method():
    assert conforms_to(FileStore, Store)
    assert conformance_problems(FileStore, Store) == []


def test_actions_and_provided_methods_are_not_demanded():
    # FileStore defines neither `stored` nor `get`.
    assert conforms_to(FileStore, RichStore)


def test_missing_required_methods_are_named():
    class Half:
        def open(self, path):
            pass

    assert not conforms_to(Half, Store)
    assert conformance_problems(Half, Store) == [
        "Half is missing close(self) -> None, required by Store"
    ]


def test_a_non_callable_attribute_does_not_satisfy_a_requirement():
    class Odd(FileStore):
        close = "soon"

    assert conformance_problems(Odd, Store) == [
        "Odd.close is str 'soon', not a method; Store requires close(self) -> None"
    ]


def test_a_method_that_cannot_take_the_declared_arguments_is_refused():
    class NoPath(FileStore):
        def open(self):
            pass

    class TooDemanding(FileStore):
        def open(self, path, mode):
            pass

    assert conformance_problems(NoPath, Store) == [
        "NoPath.open(self) cannot be called as Store requires: open(self, path: str) -> None"
    ]
    assert len(conformance_problems(TooDemanding, Store)) == 1


def test_parameter_names_defaults_and_varargs_may_differ():
    class Flexible:
        def open(self, where, mode="r"):
            pass

        def close(self, *args, **kwargs):
            pass

    class Static:
        @staticmethod
        def open(path):
            pass

        @classmethod
        def close(cls):
            pass

    assert conforms_to(Flexible, Store)
    assert conforms_to(Static, Store)


def test_inherited_methods_count():
    class Child(FileStore):
        pass

    assert conforms_to(Child, Store)


def test_an_extending_interface_requires_what_its_base_requires():
    class OnlyClose:
        def close(self):
            pass

    assert conformance_problems(OnlyClose, CachedStore) == [
        "OnlyClose is missing open(self, path: str) -> None, required by CachedStore"
    ]


def test_conformance_refuses_non_classes():
    with pytest.raises(TypeError, match=r"expects a class as module_class, got FileStore"):
        conformance_problems(FileStore(), Store)
    with pytest.raises(TypeError, match=r"as interface_class, got int 3"):
        conformance_problems(FileStore, 3)
    with pytest.raises(TypeError, match=r"as interface_class, got str 'Store'"):
        conforms_to(FileStore, "Store")


def test_conforms_to_checks_an_instance_by_its_class_as_0_3_0_did():
    assert conforms_to(FileStore(), Store)
    assert not conforms_to(object(), Store)
    assert not conforms_to(3, Store)
