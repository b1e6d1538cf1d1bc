"""StreamProcessor and InMemoryEventSource: sources, watches, constraints, the window."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import pytest

from pyrapide import (
    Event,
    InMemoryEventSource,
    Pattern,
    PatternSyntaxError,
    StreamProcessor,
    every,
    must_match,
    never,
)
from pyrapide.runtime.streaming import EventSource


async def feed(source: InMemoryEventSource, *events: Event) -> None:
    for event in events:
        await source.put(event)
    await source.close()


async def test_in_memory_source_yields_what_was_put_until_closed() -> None:
    source = InMemoryEventSource("s")
    assert isinstance(source, EventSource) and source.name == "s"
    first, second = Event("A"), Event("B")
    await source.put(first)
    source.put_nowait(second, caused_by=[first])
    await source.close()
    assert [item async for item in source.events()] == [first, (second, (first,))]
    with pytest.raises(RuntimeError, match="'s' is closed"):
        await source.put(Event("C"))
    with pytest.raises(TypeError, match="takes Events"):
        InMemoryEventSource("t").put_nowait("A")  # type: ignore[arg-type]


async def test_run_returns_when_every_source_is_closed() -> None:
    db, ai = InMemoryEventSource("db"), InMemoryEventSource("ai")
    processor = StreamProcessor()
    processor.add_source("db", db)
    processor.add_source("ai", ai)
    seen: list[Event] = []
    processor.on_event(seen.append)

    async def simulate() -> None:
        await db.put(Event("query"))
        await ai.put(Event("generate"))
        await db.close()
        await ai.put(Event("generate"))
        await ai.close()

    await asyncio.wait_for(asyncio.gather(simulate(), processor.run()), 5)
    stats = processor.stats
    assert stats["event_count"] == 3 == len(seen) == len(processor.computation)
    assert stats["source_counts"] == {"db": 1, "ai": 2}


async def test_causes_given_by_the_source_are_recorded() -> None:
    source = InMemoryEventSource("s")
    processor = StreamProcessor()
    processor.add_source("s", source)
    matches: list[Any] = []
    processor.watch(Pattern.match("Call") >> Pattern.match("Result"), matches.append)
    call = Event("Call")
    await source.put(call)
    await source.put(Event("Result"))  # independent: no match
    await source.put(Event("Result"), caused_by=[call.id])
    await source.close()
    await asyncio.wait_for(processor.run(), 5)
    assert [m.events[0] for m in matches] == [call]
    assert processor.stats["match_count"] == 1


async def test_a_cause_given_alone_as_an_event_or_an_id_is_recorded() -> None:
    source = InMemoryEventSource("s")
    processor = StreamProcessor()
    processor.add_source("s", source)
    call, answered_by_event, answered_by_id = Event("Call"), Event("Result"), Event("Result")
    await source.put(call)
    await source.put(answered_by_event, caused_by=call)
    # One id, not a list of one-letter ids: none of it may be ignored.
    await source.put(answered_by_id, caused_by=call.id)
    await source.close()
    await asyncio.wait_for(processor.run(), 5)
    causes = processor.computation.poset.causes
    assert list(causes(answered_by_event)) == [call] == list(causes(answered_by_id))
    assert processor.stats["ignored_causes"] == 0 and processor.errors == []


async def test_causes_in_another_shape_are_refused_naming_the_source_and_event() -> None:
    with pytest.raises(
        TypeError,
        match=r"^event source 's', event 'x': caused_by takes an Event, an event id or a "
        r"list of them, not int 5$",
    ):
        InMemoryEventSource("s").put_nowait(Event("A", id="x"), caused_by=5)  # type: ignore[arg-type]

    class Pairs:
        name = "pairs"

        async def events(self) -> Any:
            first = Event("A", id="a1")
            yield first
            yield (Event("B", id="b1"), first)  # one event: its cause
            yield (Event("C", id="c1"), 7)  # neither an event nor an id: reported

    processor = StreamProcessor()
    processor.add_source("pairs", Pairs())  # type: ignore[arg-type]
    await asyncio.wait_for(processor.run(), 5)
    assert [event.id for event in processor.computation] == ["a1", "b1"]
    assert [cause.id for cause in processor.computation.poset.causes("b1")] == ["a1"]
    (error,) = processor.errors
    assert str(error) == (
        "event source 'pairs' failed: TypeError: source 'pairs', event 'c1': caused_by "
        "takes an Event, an event id or a list of them, not int 7 on event c1"
    )


async def test_enforced_constraints_report_at_once_and_at_the_end() -> None:
    source = InMemoryEventSource("s")
    processor = StreamProcessor()
    processor.add_source("s", source)
    processor.enforce(never(Pattern.match("Error"), name="no_errors"))
    processor.enforce(must_match(Pattern.match("Done"), name="done"))
    processor.enforce(every("Call").leads_to("Result", name="answered"))
    reports: list[tuple[str, int]] = []
    processor.on_violation(lambda v: reports.append((v.constraint_name, len(reports))))
    error = Event("Error")
    processor.on_event(lambda e: reports.append((e.name, len(reports))))
    await feed(source, Event("Call"), error)
    await asyncio.wait_for(processor.run(), 5)
    assert [name for name, _ in reports] == ["Call", "Error", "no_errors", "done", "answered"]
    assert processor.stats["violation_count"] == 3
    # A second run reports nothing twice.
    await asyncio.wait_for(processor.run(), 5)
    assert processor.stats["violation_count"] == 3


async def test_callbacks_that_raise_are_reported_and_processing_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    source = InMemoryEventSource("s")
    processor = StreamProcessor()
    processor.add_source("s", source)
    processor.on_event(lambda e: 1 / 0)
    processor.watch(Pattern.match("A"), lambda m: {}["missing"])
    processor.enforce(never("A"))

    async def failing(violation: Any) -> None:
        raise RuntimeError("sink down")

    processor.on_violation(failing)
    seen: list[str] = []
    processor.on_event(lambda e: seen.append(e.name))
    with caplog.at_level(logging.WARNING, logger="pyrapide.streaming"):
        await feed(source, Event("A"), Event("B"))
        await asyncio.wait_for(processor.run(), 5)
    assert seen == ["A", "B"]
    kinds = [error.kind for error in processor.errors]
    assert kinds == ["event", "watch", "violation", "event"]
    assert processor.stats["callback_errors"] == 4
    assert "raised ZeroDivisionError" in str(processor.errors[0])
    assert "sink down" in caplog.text


async def test_async_callbacks_are_awaited() -> None:
    source = InMemoryEventSource("s")
    processor = StreamProcessor()
    processor.add_source("s", source)
    seen: list[str] = []

    async def record(event: Event) -> None:
        await asyncio.sleep(0)
        seen.append(event.name)

    processor.on_event(record)
    await feed(source, Event("A"))
    await asyncio.wait_for(processor.run(), 5)
    assert seen == ["A"]


async def test_the_window_bounds_the_computation_and_matches_inside_it() -> None:
    source = InMemoryEventSource("s")
    processor = StreamProcessor()
    processor.add_source("s", source)
    pairs: list[Any] = []
    processor.watch(Pattern.match("Req") >> Pattern.match("Res"), pairs.append)
    sizes: list[int] = []
    processor.on_event(lambda e: sizes.append(len(processor.computation)))
    early = Event("Req")
    await source.put(early)
    for index in range(30):
        request = Event("Req", {"n": index})
        await source.put(request)
        await source.put(Event("Res", {"n": index}), caused_by=[request])
    await source.put(Event("Res"), caused_by=[early])  # early left the window long ago
    await source.close()
    await asyncio.wait_for(processor.run(window_size=8), 5)
    assert max(sizes) == 8 and len(processor.computation) <= 8
    assert [m.events[1].payload["n"] for m in pairs] == list(range(30))  # each once
    stats = processor.stats
    assert stats["dropped_events"] + len(processor.computation) == 62
    assert stats["ignored_causes"] == 1


async def test_an_obligation_that_leaves_the_window_is_reported_then() -> None:
    source = InMemoryEventSource("s")
    processor = StreamProcessor()
    processor.add_source("s", source)
    processor.enforce(every("Call").leads_to("Result", name="answered"))
    reports: list[Any] = []
    processor.on_violation(lambda v: reports.append((v, len(processor.computation))))
    call = Event("Call")
    await source.put(call)
    for _ in range(5):
        await source.put(Event("Noise"))
    await source.close()
    await asyncio.wait_for(processor.run(window_size=4), 5)
    ((violation, _),) = reports
    assert violation.matched_events == [call]
    assert processor.stats["event_count"] == 6


async def test_stop_ends_run_while_sources_are_open() -> None:
    source = InMemoryEventSource("s")
    processor = StreamProcessor()
    processor.add_source("s", source)

    async def stop_after_first(event: Event) -> None:
        await processor.stop()

    processor.on_event(stop_after_first)
    await source.put(Event("A"))
    await asyncio.wait_for(processor.run(), 5)
    assert processor.stats["event_count"] == 1


async def test_stop_and_remove_source_while_a_fast_source_fills_the_inbox() -> None:
    fast, other = InMemoryEventSource("fast"), InMemoryEventSource("other")
    for number in range(3000):
        fast.put_nowait(Event("A", {"n": number}))
    processor = StreamProcessor()
    processor.add_source("fast", fast)
    processor.add_source("other", other)

    async def slow(event: Event) -> None:
        await asyncio.sleep(0)  # the fast source's pump fills the inbox meanwhile
        if event.payload["n"] == 5:
            processor.remove_source("other")
        if event.payload["n"] == 10:
            await processor.stop()

    processor.on_event(slow)
    await asyncio.wait_for(processor.run(), 5)
    assert processor.errors == []
    assert processor.stats["event_count"] == 11


async def test_sources_added_and_removed_while_running() -> None:
    first, late = InMemoryEventSource("first"), InMemoryEventSource("late")
    processor = StreamProcessor()
    processor.add_source("first", first)
    names: list[str] = []
    processor.on_event(lambda e: names.append(e.name))

    async def simulate() -> None:
        await first.put(Event("one"))
        await asyncio.sleep(0.01)
        processor.add_source("late", late)
        await late.put(Event("two"))
        await late.close()
        await asyncio.sleep(0.01)
        processor.remove_source("first")  # never closed: removing it lets run end

    await asyncio.wait_for(asyncio.gather(simulate(), processor.run()), 5)
    assert names == ["one", "two"]


async def test_a_source_given_as_its_class_is_refused_when_it_is_added() -> None:
    # It was taken, and the run reported "event source <property object at 0x...>
    # failed: TypeError: InMemoryEventSource.events() missing 1 required positional
    # argument: 'self'".
    processor = StreamProcessor()
    with pytest.raises(TypeError, match=re.escape(
        "event source 'x' is the class InMemoryEventSource, not an instance of it "
        "(write InMemoryEventSource(...))"
    )):
        processor.add_source("x", InMemoryEventSource)  # type: ignore[arg-type]
    await processor.run()
    assert processor.errors == []


async def test_bad_input_is_refused_or_reported() -> None:
    processor = StreamProcessor()
    source = InMemoryEventSource("s")
    processor.add_source("s", source)
    with pytest.raises(ValueError, match="'s' is already registered"):
        processor.add_source("s", source)
    with pytest.raises(TypeError, match="no events"):
        processor.add_source("x", object())  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="no event source named 'zz'"):
        processor.remove_source("zz")
    with pytest.raises(TypeError, match=r"watch\(\) expects a Pattern or pattern text, got int"):
        processor.watch(5, print)  # type: ignore[arg-type]
    with pytest.raises(PatternSyntaxError, match="column 5"):
        processor.watch("A ->", print)
    with pytest.raises(KeyError, match="no watch"):
        processor.unwatch(Pattern.match("A"))
    with pytest.raises(ValueError, match="window_size"):
        await processor.run(window_size=0)

    class Broken:
        name = "broken"

        async def events(self) -> Any:
            yield "not an event"
            raise OSError("connection lost")

    processor.add_source("broken", Broken())  # type: ignore[arg-type]
    await source.close()
    await asyncio.wait_for(processor.run(), 5)
    messages = sorted(str(error) for error in processor.errors)
    assert messages == [
        "event source 'broken' failed: OSError: connection lost",
        "event source 'broken' failed: TypeError: source 'broken' yielded str, not an Event",
    ]


async def test_a_callback_that_cannot_be_called_or_a_source_name_no_string_is_refused() -> None:
    # on_event and on_violation took anything, and the run then reported a callback
    # error at every event; a source named 5 was listed among names.
    processor = StreamProcessor()
    with pytest.raises(TypeError, match="on_event callback must be callable, got 'log'"):
        processor.on_event("log")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="on_violation callback must be callable, got None"):
        processor.on_violation(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="watch callback must be callable, got 5"):
        processor.watch(Pattern.match("A"), 5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="add_source\\(\\): name must be a string, got 5"):
        processor.add_source(5, InMemoryEventSource("s"))  # type: ignore[arg-type]


async def test_an_event_sent_twice_is_reported_and_recorded_once() -> None:
    source = InMemoryEventSource("s")
    processor = StreamProcessor()
    processor.add_source("s", source)
    event = Event("A")
    await feed(source, event, event)
    await asyncio.wait_for(processor.run(), 5)
    assert len(processor.computation) == 1
    (error,) = processor.errors
    assert str(error).startswith("event source 's' failed: ValueError:")
    assert f"sent event {event.id!r} twice" in str(error)


async def test_unwatch_removes_by_pattern_identity() -> None:
    source = InMemoryEventSource("s")
    processor = StreamProcessor()
    processor.add_source("s", source)
    pattern = Pattern.match("A")
    seen: list[Any] = []
    processor.watch(pattern, seen.append)
    processor.unwatch(pattern)
    await feed(source, Event("A"))
    await asyncio.wait_for(processor.run(), 5)
    assert seen == [] and processor.stats["match_count"] == 0


async def test_a_match_never_reaches_outside_the_window() -> None:
    source = InMemoryEventSource("s")
    processor = StreamProcessor()
    processor.add_source("s", source)
    found: list[Any] = []
    processor.watch(Pattern.match("Left") | Pattern.match("Right"), found.append)
    early = Event("Left", {"n": 0})
    await source.put(early)
    for _ in range(8):  # early leaves a window of 4
        await source.put(Event("Noise"))
    late = Event("Left", {"n": 1})
    await source.put(late)
    await source.put(Event("Right"))  # independent of both lefts
    await source.close()
    await asyncio.wait_for(processor.run(window_size=4), 5)
    assert [m.events[0] for m in found] == [late]
    assert all(e in processor.computation for m in found for e in m.events)


@pytest.mark.parametrize(
    "raised", [SystemExit(3), KeyboardInterrupt(), GeneratorExit(), asyncio.CancelledError()]
)
async def test_a_callback_raising_a_base_exception_is_reported_and_processing_goes_on(
    raised: BaseException,
) -> None:
    source = InMemoryEventSource("s")
    processor = StreamProcessor()
    processor.add_source("s", source)

    def hostile(event: Any) -> None:
        raise raised

    processor.on_event(hostile)
    seen: list[str] = []
    processor.on_event(lambda e: seen.append(e.name))
    await feed(source, Event("A"), Event("B"))
    await asyncio.wait_for(processor.run(), 5)
    assert seen == ["A", "B"]
    assert [type(error.error) for error in processor.errors] == [type(raised)] * 2


async def test_a_source_removed_and_added_again_under_its_name_is_consumed() -> None:
    first, second = InMemoryEventSource("feed"), InMemoryEventSource("feed")
    processor = StreamProcessor()
    processor.add_source("feed", first)
    names: list[str] = []
    processor.on_event(lambda e: names.append(e.name))

    async def simulate() -> None:
        await first.put(Event("one"))
        await asyncio.sleep(0.01)
        # The note that the first source was removed must not end the second's feed.
        processor.remove_source("feed")
        processor.add_source("feed", second)
        await second.put(Event("two"))
        await asyncio.sleep(0.01)
        await second.put(Event("three"))
        await second.close()

    await asyncio.wait_for(asyncio.gather(simulate(), processor.run()), 5)
    assert names == ["one", "two", "three"]


async def test_the_end_of_a_removed_source_does_not_end_the_one_added_under_its_name() -> None:
    first, second = InMemoryEventSource("feed"), InMemoryEventSource("feed")
    processor = StreamProcessor()
    processor.add_source("feed", first)
    names: list[str] = []

    async def on_event(event: Event) -> None:
        names.append(event.name)
        if event.name == "one":
            # The first source's end is already in the inbox when it is replaced.
            await first.close()
            await asyncio.sleep(0.01)
            processor.remove_source("feed")
            processor.add_source("feed", second)

    processor.on_event(on_event)

    async def simulate() -> None:
        await first.put(Event("one"))
        await asyncio.sleep(0.05)
        await second.put(Event("two"))
        await second.close()

    await asyncio.wait_for(asyncio.gather(simulate(), processor.run()), 5)
    assert names == ["one", "two"]


async def test_what_a_stopped_run_left_unprocessed_is_processed_by_the_next_run() -> None:
    # More than the inbox holds: the pump is blocked holding one event when stopped.
    source = InMemoryEventSource("fast")
    for number in range(3000):
        source.put_nowait(Event("A", {"n": number}))
    processor = StreamProcessor()
    processor.add_source("fast", source)
    seen: list[int] = []

    async def on_event(event: Event) -> None:
        seen.append(event.payload["n"])
        await asyncio.sleep(0)  # the pump fills the inbox meanwhile
        if event.payload["n"] == 10:
            await processor.stop()

    processor.on_event(on_event)
    await asyncio.wait_for(processor.run(), 5)
    assert seen == list(range(11))
    await source.close()
    await asyncio.wait_for(processor.run(), 5)
    assert seen == list(range(3000))  # none taken from the source is lost, in order
    assert processor.stats["event_count"] == 3000
