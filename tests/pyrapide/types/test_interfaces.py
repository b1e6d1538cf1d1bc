"""Interfaces: the action alphabet, action signatures and the member markers."""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass

import pytest

from pyrapide.types import (
    MISSING,
    ActionParam,
    action,
    behavior,
    interface,
    interface_actions,
    interface_info,
    interface_name,
    is_interface,
    provides,
    requires,
)


@dataclass
class Row:
    key: str


@interface
class DatabaseService:
    """Answers queries."""

    @action
    async def result(self, key: str, rows: list[Row], limit: int | None = None) -> None:
        """A query's answer."""

    @action
    async def error(self, message, code: int = 500): ...

    @provides
    def query(self, sql: str) -> list: ...

    @requires
    def connect(self, dsn: str) -> None: ...

    @behavior
    def on_request(self): ...

    def helper(self):
        return "plain methods are not members"


def test_actions_are_event_names_qualified_by_the_interface():
    assert list(interface_actions(DatabaseService)) == [
        "DatabaseService.result",
        "DatabaseService.error",
    ]
    assert interface_name(DatabaseService) == "DatabaseService"


def test_action_spec_keeps_the_signature():
    spec = interface_actions(DatabaseService)["DatabaseService.result"]
    assert spec.name == "DatabaseService.result"
    assert spec.interface is DatabaseService
    assert spec.method == "result"
    assert spec.params == (
        ActionParam("key", "str", MISSING, True),
        ActionParam("rows", "list[Row]", MISSING, True),
        ActionParam("limit", "int | None", None, False),
    )
    assert spec.field_names == ("key", "rows", "limit")
    assert spec.required_fields == ("key", "rows")
    assert spec.extra_fields is False
    assert spec.doc == "A query's answer."


def test_unannotated_parameters_have_empty_annotation_text():
    spec = interface_actions(DatabaseService)["DatabaseService.error"]
    assert spec.params == (
        ActionParam("message", "", MISSING, True),
        ActionParam("code", "int", 500, False),
    )


def test_annotations_given_as_objects_read_as_names():
    # This module uses postponed annotations; an interface built elsewhere may not.
    namespace: dict = {}
    source = (
        "from pyrapide.types import interface, action\n"
        "import typing\n"
        "class Row: pass\n"
        "@interface\n"
        "class Sink:\n"
        "    @action\n"
        "    def put(self, a: int, b: list[str], c: typing.Optional[Row], d: 'Row',\n"
        "            e: int | None = None, f: None = None): ...\n"
    )
    exec(compile(source, "<sink>", "exec", dont_inherit=True), namespace)
    params = interface_actions(namespace["Sink"])["Sink.put"].params
    assert [p.annotation for p in params] == [
        "int",
        "list[str]",
        "Optional[Row]",
        "Row",
        "int | None",
        "None",
    ]


def test_kwargs_means_extra_fields_and_args_are_not_fields():
    @interface
    class Open:
        @action
        def anything(self, *args, name: str, **fields): ...

    spec = interface_actions(Open)["Open.anything"]
    assert spec.field_names == ("name",)
    assert spec.params[0].required
    assert spec.extra_fields
    assert spec.signature_text() == "Open.anything(name: str, **fields)"


def test_signature_text_reads_like_python():
    spec = interface_actions(DatabaseService)["DatabaseService.result"]
    assert str(spec) == (
        "DatabaseService.result(key: str, rows: list[Row], limit: int | None = None)"
    )
    error = interface_actions(DatabaseService)["DatabaseService.error"]
    assert error.signature_text() == "DatabaseService.error(message, code: int = 500)"


def test_payload_problems_name_unknown_and_missing_fields():
    spec = interface_actions(DatabaseService)["DatabaseService.result"]
    assert spec.payload_problems({"key": "k", "rows": []}) == []
    assert spec.payload_problems({"key": "k", "rows": [], "limit": 3}) == []
    signature = "DatabaseService.result(key: str, rows: list[Row], limit: int | None = None)"
    assert spec.payload_problems({"kee": "k", "rows": []}) == [
        "DatabaseService.result has no field 'kee' (its fields: key, rows, limit); "
        "did you mean 'key'?",
        f"DatabaseService.result needs key: {signature}",
    ]
    assert spec.payload_problems({"zzz": 1}) == [
        "DatabaseService.result has no field 'zzz' (its fields: key, rows, limit)",
        f"DatabaseService.result needs key, rows: {signature}",
    ]
    assert spec.payload_problems({"key": 7, "rows": {}, "limit": float("nan")}) == [
        "DatabaseService.result: key is declared str, got 7",
        "DatabaseService.result: rows is declared list[Row], got {}",
        "DatabaseService.result: limit is declared int | None, got NaN",
        "DatabaseService.result: limit is NaN: only finite numbers can be saved",
    ]


def test_payload_problems_refuses_a_payload_that_is_no_mapping():
    # None failed with "'NoneType' object is not iterable", a list with an AttributeError.
    spec = interface_actions(DatabaseService)["DatabaseService.result"]
    for payload, shown in ((None, "None"), ([1], "list [1]")):
        with pytest.raises(TypeError, match=re.escape(
            "DatabaseService.result: payload_problems() takes a mapping of field names to "
            f"values, got {shown}"
        )):
            spec.payload_problems(payload)  # type: ignore[arg-type]


def test_payload_problems_accept_anything_with_extra_fields():
    @interface
    class Open:
        @action
        def log(self, level: str = "info", **fields): ...

        @action
        def tick(self): ...

    assert interface_actions(Open)["Open.log"].payload_problems({"x": 1, "y": 2}) == []
    assert interface_actions(Open)["Open.tick"].payload_problems({"x": 1}) == [
        "Open.tick has no field 'x' (it takes no fields)"
    ]


def test_get_interface_info_summarises_like_pyrapide_030():
    assert DatabaseService.get_interface_info() == {
        "actions": {"result", "error"},
        "provides": {"query"},
        "requires": {"connect"},
        "behaviors": {"on_request"},
        "services": {},
        "event_alphabet": {"DatabaseService.result", "DatabaseService.error"},
    }


def test_the_class_stays_an_ordinary_class():
    assert DatabaseService.__doc__ == "Answers queries."
    assert DatabaseService().helper() == "plain methods are not members"
    assert is_interface(DatabaseService)
    assert not is_interface(Row)
    assert not is_interface(DatabaseService())


@interface
class BaseService:
    @action
    async def started(self, at: float): ...

    @provides
    def health(self): ...


@interface
class CacheService(BaseService):
    @action
    async def hit(self, key: str): ...

    # Overriding without re-marking keeps the action; the new signature counts.
    async def started(self, at: float, warm: bool = False): ...


def test_an_extending_interface_inherits_actions_under_its_own_name():
    assert list(interface_actions(CacheService)) == ["CacheService.started", "CacheService.hit"]
    started = interface_actions(CacheService)["CacheService.started"]
    assert started.field_names == ("at", "warm")
    assert interface_info(CacheService).provides == {"health"}
    # The base is untouched.
    assert list(interface_actions(BaseService)) == ["BaseService.started"]


def test_an_undecorated_subclass_is_not_an_interface_but_can_be_inspected():
    class Plain(BaseService):
        @action
        def extra(self): ...

    assert is_interface(BaseService)
    assert not is_interface(Plain)
    assert set(interface_actions(Plain)) == {"Plain.started", "Plain.extra"}


@interface
class Inner:
    @action
    def ping(self, n: int): ...


@interface
class Outer:
    inner = Inner

    @action
    def out(self): ...


def test_interfaces_held_as_attributes_are_services_in_the_alphabet():
    actions = interface_actions(Outer)
    assert list(actions) == ["Outer.out", "Outer.inner.ping"]
    assert actions["Outer.inner.ping"].field_names == ("n",)
    assert actions["Outer.inner.ping"].interface is Inner
    assert Outer.get_interface_info()["services"] == {
        "inner": {"actions": {"ping"}, "provides": set(), "requires": set(), "behaviors": set()}
    }


def test_interface_can_name_its_events():
    @interface(name="Db")
    class DatabaseAdapter:
        @action
        def result(self): ...

    assert interface_name(DatabaseAdapter) == "Db"
    assert list(interface_actions(DatabaseAdapter)) == ["Db.result"]


def test_static_and_class_methods_can_be_actions():
    @interface
    class Odd:
        @action
        @staticmethod
        def s(a: int): ...

        @action
        @classmethod
        def c(cls, b: int): ...

    actions = interface_actions(Odd)
    assert actions["Odd.s"].field_names == ("a",)
    assert actions["Odd.c"].field_names == ("b",)


def test_stacked_markers_give_both_roles():
    @interface
    class Both:
        @action
        @provides
        def x(self): ...

    info = interface_info(Both)
    assert info.actions == {"x"} and info.provides == {"x"}


def test_interface_refuses_non_classes():
    def service():
        pass

    with pytest.raises(TypeError, match=r"@interface decorates a class, got function 'service'"):
        interface(service)
    with pytest.raises(TypeError, match=r"got int 5"):
        interface(5)
    with pytest.raises(TypeError, match=r"non-empty string"):
        interface(name="")


def test_markers_refuse_non_methods():
    with pytest.raises(TypeError, match=r"@action marks a method, got int 5"):
        action(5)
    with pytest.raises(TypeError, match=r"@requires marks a method"):
        requires("connect")


def test_replacing_an_action_with_a_non_method_is_refused():
    with pytest.raises(TypeError, match=r"'started' is marked @action .* non-method 3"):

        @interface
        class Broken(BaseService):
            started = 3


def test_lookups_refuse_non_classes():
    with pytest.raises(TypeError, match=r"expected an interface class, got str 'Db'"):
        interface_actions("Db")
    with pytest.raises(TypeError, match=r"expected an interface class"):
        interface_name(DatabaseService())


def test_missing_is_a_falsy_picklable_singleton():
    assert repr(MISSING) == "MISSING"
    assert not MISSING
    assert pickle.loads(pickle.dumps(MISSING)) is MISSING
    assert str(ActionParam("key")) == "key"
    assert str(ActionParam("n", "int", 3, False)) == "n: int = 3"
    assert str(ActionParam("n", "", 3, False)) == "n=3"
