"""One payload checker for inject, emit and the workbench: names, declared types, JSON."""

from __future__ import annotations

import math
from typing import Any, Literal, Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrapide import Pattern, action, architecture, connect, get_context, interface, module, when
from pyrapide.types import interface_actions
from pyrapide.types.payloads import (
    PayloadError,
    check_payload,
    payload_checker,
    payload_problems,
)


@interface
class Shop:
    @action
    async def order(
        self,
        item: str,
        quantity: int = 1,
        price: float = 0.0,
        tags: list[str] = (),
        sizes: dict[str, int] | None = None,
        pair: tuple[int, str] = (1, "a"),
        mode: Literal["fast", "slow"] = "fast",
        note: Optional[str] = None,  # noqa: UP045 - the typing spelling is checked too
        row: Any = None,
        extra=None,
    ) -> None: ...

    @action
    async def log(self, level: str = "info", **fields) -> None: ...


ORDER = interface_actions(Shop)["Shop.order"]
SIGNATURE = ORDER.signature_text()


def refusal(payload: dict[Any, Any], spec=ORDER) -> PayloadError:
    name = spec.name if spec else "Any.thing"
    with pytest.raises(PayloadError) as refused:
        check_payload(spec, name, payload)
    # The checker a module's context builds once per event name refuses alike.
    with pytest.raises(PayloadError) as by_checker:
        payload_checker(spec, name)(payload)
    assert str(by_checker.value) == str(refused.value)
    return refused.value


def test_a_payload_that_fits_passes():
    payload = {
        "item": "apple", "quantity": 2, "price": 3, "tags": ["a"], "sizes": {"m": 1},
        "pair": [2, "b"], "mode": "slow", "note": None, "row": {"any": [1, "json"]},
        "extra": 1.5,
    }
    check_payload(ORDER, "Shop.order", payload)
    payload_checker(ORDER, "Shop.order")(payload)
    payload_checker(None, "Any.thing")({"free": "form"})


@pytest.mark.parametrize(
    "payload, message, field",
    [
        ({"item": "a", "qty": 2},
         "Shop.order has no field 'qty' (its fields: item, quantity, price, tags, sizes, pair, "
         "mode, note, row, extra)", "qty"),
        ({"quantity": 2}, f"Shop.order needs item: {SIGNATURE}", None),
        ({"item": 42}, "Shop.order: item is declared str, got 42", "item"),
        ({"item": "a", "quantity": "not-an-int"},
         'Shop.order: quantity is declared int, got "not-an-int"', "quantity"),
        ({"item": "a", "quantity": True}, "Shop.order: quantity is declared int, got true",
         "quantity"),
        ({"item": "a", "price": "3"}, 'Shop.order: price is declared float, got "3"', "price"),
        ({"item": "a", "tags": ["a", 2]},
         'Shop.order: tags is declared list[str], got ["a", 2]', "tags"),
        ({"item": "a", "sizes": {"m": "big"}},
         'Shop.order: sizes is declared dict[str, int] | None, got {"m": "big"}', "sizes"),
        ({"item": "a", "pair": [1, 2]},
         "Shop.order: pair is declared tuple[int, str], got [1, 2]", "pair"),
        ({"item": "a", "mode": "warp"},
         "Shop.order: mode is declared Literal['fast', 'slow'], got \"warp\"", "mode"),
        ({"item": "a", "note": 3}, "Shop.order: note is declared Optional[str], got 3", "note"),
        ({"item": "a", "price": math.nan}, "Shop.order: price is NaN: only finite numbers "
         "can be saved", "price"),
        ({"item": "a", "extra": -math.inf},
         "Shop.order: extra is -Infinity: only finite numbers can be saved", "extra"),
        ({"item": "a", "row": object()}, "Shop.order: row is an object, not a JSON value", "row"),
        ({"item": "a", "row": {1, 2}}, "Shop.order: row is a set, not a JSON value", "row"),
        # Shown as JSON, {2: 1} would read {"2": 1} and seem to fit.
        ({"item": "a", "sizes": {2: 1}},
         "Shop.order: sizes is declared dict[str, int] | None, got {2: 1}", "sizes"),
        ({"item": "a", "tags": ["a", {"deep": {3: "x"}}]},
         "Shop.order: tags is declared list[str], got ['a', {'deep': {3: 'x'}}]", "tags"),
        # Shown as a JSON string of its repr, a set would read as the string "{1}",
        # which a field declared str takes.
        ({"item": {1}}, "Shop.order: item is declared str, got {1} (a set)", "item"),
        ({"item": "a", "tags": ["a", {1}]},
         "Shop.order: tags is declared list[str], got ['a', {1}]", "tags"),
    ],
)
def test_each_problem_has_one_message_naming_the_field(payload, message, field):
    error = refusal(payload)
    assert (error.message, error.field) == (message, field)


def test_a_value_that_holds_itself_is_shown_once_refused():
    looped: list[Any] = ["a"]
    looped.append(looped)
    error = refusal({"item": "a", "tags": looped})
    assert error.field == "tags" and error.message.endswith("got ['a', [...]]")


def test_a_misspelt_field_offers_the_close_one():
    error = refusal({"item": "a", "quantty": 1})
    assert error.suggestions == ("quantity",)
    assert str(error).endswith("; did you mean 'quantity'?")


def test_extra_fields_and_undeclared_events_still_refuse_what_cannot_be_saved():
    log = interface_actions(Shop)["Shop.log"]
    check_payload(log, "Shop.log", {"anything": [1, {"x": None}]})
    assert refusal({"when": math.inf}, log).message == (
        "Shop.log: when is Infinity: only finite numbers can be saved"
    )
    check_payload(None, "Any.thing", {"free": "form"})
    assert refusal({3: "x"}, None).message == "Any.thing: payload key 3 is an int, not a string"
    deep: list[Any] = []
    for _ in range(150):
        deep = [deep]
    assert "more than 100 deep" in refusal({"extra": deep}, None).message


PLAIN = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=3),
    st.lists(st.one_of(st.integers(), st.text(max_size=2), st.floats()), max_size=3),
    st.dictionaries(st.sampled_from(["m", "l"]), st.integers(), max_size=2),
)
FIELDS = st.sampled_from(["item", "quantity", "price", "tags", "sizes", "note", "mode", "qty"])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(FIELDS, PLAIN, max_size=4))
def test_the_quick_test_and_the_full_list_of_problems_agree(payload):
    problems = list(payload_problems(ORDER, "Shop.order", payload))
    try:
        check_payload(ORDER, "Shop.order", payload)
    except PayloadError as error:
        assert problems and str(error) == str(problems[0])
    else:
        assert problems == []


# -- the runtime refuses at inject and at emit -----------------------------------------

@interface
class Counter:
    @action
    async def count(self, n: int) -> None: ...


@interface
class Echo:
    @action
    async def said(self, n: int) -> None: ...


@module(implements=Counter)
class Quiet:
    pass


@module(implements=Echo)
class Sloppy:
    @when(Pattern.match("Counter.count"))
    async def on_count(self, match):
        ctx = get_context(self)
        await ctx.emit("Echo.said", n=match.payload["n"])
        await ctx.emit("Echo.said", n="not-an-int")


@architecture
class Loop:
    counter = Counter
    echo = Echo
    connections = [connect(Pattern.match("Counter.count"), target=echo)]


async def test_inject_refuses_and_records_nothing():
    system = Loop.bind(counter=Quiet, echo=Sloppy)
    await system.start()
    for payload, message in [
        ({"n": math.nan}, "Counter.count: n is declared int, got NaN"),
        ({"n": "x"}, 'Counter.count: n is declared int, got "x"'),
        ({"m": 1}, "Counter.count has no field 'm' (its fields: n)"),
    ]:
        with pytest.raises(PayloadError) as refused:
            system.inject("Counter.count", payload)
        assert str(refused.value) == message
    assert len(system.computation) == 0
    await system.stop()


async def test_emit_refuses_a_value_its_action_does_not_declare_and_the_run_goes_on():
    system = Loop.bind(counter=Quiet, echo=Sloppy)
    await system.start()
    system.inject("Counter.count", {"n": 1})
    await system.run_until_quiet()
    await system.stop()
    assert [(e.name, dict(e.payload)) for e in system.computation] == [
        ("Counter.count", {"n": 1}), ("Echo.said", {"n": 1}),
    ]
    (error,) = system.errors
    assert isinstance(error.error, PayloadError)
    assert str(error.error) == 'Echo.said: n is declared int, got "not-an-int"'
