"""What a running system records stays as it was recorded: no module can change a
payload afterwards, neither the emitter reusing its list nor a handler given it."""

from __future__ import annotations

import asyncio
import copy
import json
import pickle

from pyrapide import (
    Computation,
    Engine,
    Event,
    Pattern,
    action,
    agent,
    architecture,
    get_context,
    interface,
    module,
    when,
)


@interface
class Producer:
    @action
    async def batch(self, key: str, rows: list) -> None: ...


@interface
class Consumer:
    @action
    async def seen(self, key: str, rows: list) -> None: ...


@module(implements=Producer)
class ReusingProducer:
    """Emits a batch, then goes on filling the same list."""

    async def start(self):
        rows = [{"id": 1, "tags": ["a"]}]
        await get_context(self).emit("Producer.batch", key="first", rows=rows)
        rows.append({"id": 2, "tags": []})
        rows[0]["tags"].append("changed after the emit")


@module(implements=Consumer)
class MutatingConsumer:
    """Changes what it was delivered, then answers with a list of its own."""

    @when(Pattern.match("Producer.batch"))
    async def on_batch(self, match):
        mine = list(match.payload["rows"])  # a copy is the handler's to change
        mine.append("mine")
        await get_context(self).emit("Consumer.seen", key=match.payload["key"], rows=mine)
        match.payload["rows"][0]["tags"].append("changed by the handler")


@architecture
class Batches:
    producer = Producer
    consumer = Consumer
    connections = [agent(Pattern.match("Producer.batch"), target=consumer)]


def _run(system) -> Computation:
    return asyncio.run(system.run())


def test_the_emitter_cannot_change_a_payload_it_emitted() -> None:
    computation = _run(Batches.bind(producer=ReusingProducer, consumer=MutatingConsumer))
    (batch,) = computation.events_by_name("Producer.batch")
    assert batch.payload["rows"] == [{"id": 1, "tags": ["a"]}]


def test_a_handler_cannot_change_the_payload_it_was_delivered() -> None:
    system = Batches.bind(producer=ReusingProducer, consumer=MutatingConsumer)
    system.inject("Producer.batch", {"key": "injected", "rows": [{"id": 0, "tags": []}]})
    computation = _run(system)
    batches = computation.events_by_name("Producer.batch")
    assert [dict(event.payload) for event in batches] == [
        {"key": "injected", "rows": [{"id": 0, "tags": []}]},
        {"key": "first", "rows": [{"id": 1, "tags": ["a"]}]},
    ]
    # The handler's change is refused where it is made, and reported as its error;
    # what it emitted before, from a copy, is recorded.
    assert len(system.errors) == 2
    assert all(isinstance(note.error, TypeError) for note in system.errors)
    assert "read-only" in str(system.errors[0].error)
    seen = computation.events_by_name("Consumer.seen")
    assert sorted(event.payload["key"] for event in seen) == ["first", "injected"]
    assert all(event.payload["rows"][-1] == "mine" for event in seen)


def test_the_injector_cannot_change_a_payload_it_injected() -> None:
    system = Batches.bind(producer=ReusingProducer, consumer=MutatingConsumer)
    rows = [{"id": 0, "tags": []}]
    event = system.inject("Producer.batch", {"key": "injected", "rows": rows})
    rows[0]["tags"].append("later")
    rows.append("later")
    assert event.payload["rows"] == [{"id": 0, "tags": []}]


def test_an_event_injected_ready_made_is_recorded_read_only_too() -> None:
    rows = [{"id": 0, "tags": []}]
    given = Event("Producer.batch", {"key": "given", "rows": rows}, source="env", id="given")
    system = Batches.bind(producer=ReusingProducer, consumer=MutatingConsumer)
    recorded = system.inject_event(given)
    rows.append("changed by its maker")
    computation = _run(system)
    assert computation.get("given") is recorded
    assert recorded == given  # the same event: its id kept
    assert recorded.payload == {"key": "given", "rows": [{"id": 0, "tags": []}]}
    assert [type(note.error) for note in system.errors] == [TypeError, TypeError]
    flat = Event("Producer.batch", {"key": "flat", "rows": ()}, source="env")
    again = Batches.bind(producer=ReusingProducer, consumer=MutatingConsumer)
    assert again.inject_event(flat) is flat  # nothing to copy: recorded as given


def test_an_engine_records_what_it_was_given_to_inject_read_only() -> None:
    engine = Engine()
    engine.bind(Batches, "consumer", MutatingConsumer)
    rows = [{"id": 0, "tags": []}]
    engine.inject(Event("Producer.batch", {"key": "given", "rows": rows}, id="given"))
    computation = asyncio.run(engine.run(Batches, timeout=5, raise_errors=False))
    assert computation.get("given").payload["rows"] == [{"id": 0, "tags": []}]
    assert [type(note.error) for note in engine.system.errors] == [TypeError]


def test_recorded_payloads_are_plain_json_values_to_their_readers(tmp_path) -> None:
    computation = _run(Batches.bind(producer=ReusingProducer, consumer=MutatingConsumer))
    (batch,) = computation.events_by_name("Producer.batch")
    rows = batch.payload["rows"]
    assert isinstance(rows, list)
    assert isinstance(rows[0], dict)
    assert json.loads(json.dumps(dict(batch.payload))) == {
        "key": "first",
        "rows": [{"id": 1, "tags": ["a"]}],
    }
    assert pickle.loads(pickle.dumps(batch)).payload == batch.payload
    assert copy.deepcopy(rows) == rows
    path = tmp_path / "run.json"
    computation.save(path)
    assert Computation.load(path).to_dict() == computation.to_dict()
