"""The session as front ends use it: lines in, outcomes and notifications out."""

from __future__ import annotations

import asyncio
import json
import warnings
from pathlib import Path
from typing import Any

from rich.console import Console

from rapide_shell import notices
from rapide_shell.session import Session
from tests.shell.sessions import started


async def ok(session: Session, line: str) -> Any:
    outcome = await session.execute(line)
    assert outcome.ok, outcome.error
    return outcome


async def test_inject_queues_the_matching_dispatches(shop_session: Session) -> None:
    outcome = await ok(shop_session, "inject Web.order item=apple quantity=2")
    assert outcome.data == {"event": "e1", "queued": [1]}
    event = shop_session.computation.get("e1")
    assert event.name == "Web.order"
    assert dict(event.payload) == {"item": "apple", "quantity": 2}
    assert event.source == "env"
    assert [(d.id, d.kind, d.target) for d in shop_session.pending()] == [(1, "connect", "store")]
    assert shop_session.state == "paused"


async def test_a_str_field_keeps_the_text_as_typed(shop_session: Session) -> None:
    await ok(shop_session, "inject Web.order item=42")
    assert shop_session.computation.get("e1").payload["item"] == "42"
    await ok(shop_session, 'inject Web.order item="big apple"')
    assert shop_session.computation.get("e2").payload["item"] == "big apple"
    await ok(shop_session, "inject Web.order item=true")
    assert shop_session.computation.get("e3").payload["item"] == "true"


async def test_unknown_event_names_the_close_matches(shop_session: Session) -> None:
    outcome = await shop_session.execute("inject Web.ordr item=apple")
    assert not outcome.ok
    assert outcome.error == (
        "unknown event 'Web.ordr': no interface declares it; did you mean 'Web.order'?"
    )
    assert len(shop_session.computation) == 0


async def test_undeclared_and_missing_fields_are_refused(shop_session: Session) -> None:
    wrong = await shop_session.execute("inject Web.order itme=apple")
    assert not wrong.ok
    assert "Web.order has no field 'itme' (its fields: item, quantity)" in wrong.error
    assert "did you mean 'item'" in wrong.error
    assert wrong.column == 17
    missing = await shop_session.execute("inject Store.refused item=pear")
    assert not missing.ok
    assert "needs reason" in missing.error
    assert len(shop_session.computation) == 0


async def test_a_value_of_the_wrong_type_is_refused(shop_session: Session) -> None:
    wrong = await shop_session.execute("inject Web.order item=apple quantity=two")
    assert not wrong.ok
    assert wrong.error == 'Web.order: quantity is declared int, got "two"'
    assert wrong.column == 28
    for refused in (
        "inject Web.order item=apple quantity=true",
        "inject Web.order item=apple quantity=1.5",
        'inject Web.order {"item": 3}',
        'inject Web.order {"item": "apple", "quantity": []}',
    ):
        assert not (await shop_session.execute(refused)).ok, refused
    assert len(shop_session.computation) == 0
    await ok(shop_session, "inject Web.order item=apple quantity=3")


async def test_malformed_json_is_an_error_and_the_session_goes_on(shop_session: Session) -> None:
    outcome = await shop_session.execute('inject Web.order {"item": apple}')
    assert not outcome.ok
    assert "malformed JSON payload" in outcome.error
    await ok(shop_session, 'inject Web.order {"item": "apple"}')


async def test_step_runs_exactly_one_dispatch(shop_session: Session) -> None:
    await ok(shop_session, "inject Web.order item=apple")
    outcome = await ok(shop_session, "step")
    assert outcome.data["dispatches"] == [1]
    assert outcome.data["events"] == ["e2"]
    assert sorted(d.kind for d in shop_session.pending()) == ["agent", "pipe"]


async def test_step_by_kind_and_by_id(shop_session: Session) -> None:
    await ok(shop_session, "inject Web.order item=apple")
    await ok(shop_session, "step")
    agent_id = next(d.id for d in shop_session.pending() if d.kind == "agent")
    by_kind = await ok(shop_session, "step pipe")
    assert [shop_session.computation.get(e).name for e in by_kind.data["events"]] == [
        "Ledger.entry"
    ]
    by_id = await ok(shop_session, f"step #{agent_id}")
    assert by_id.data["dispatches"] == [agent_id]
    assert shop_session.state == "quiet"


async def test_step_of_nothing_or_an_unknown_id(shop_session: Session) -> None:
    idle = await ok(shop_session, "step 3")
    assert idle.data["dispatches"] == []
    unknown = await shop_session.execute("step #99")
    assert not unknown.ok
    assert unknown.error == "no pending dispatch #99 (nothing is pending)"
    none_of_kind = await shop_session.execute("step agent")
    assert "no agent dispatch is pending" in none_of_kind.error


async def test_step_of_a_hash_word_that_is_no_id_steps_nothing(shop_session: Session) -> None:
    await ok(shop_session, "inject Web.order item=apple")
    pending = [d.id for d in shop_session.pending()]
    refused = await shop_session.execute("step #abc")
    assert not refused.ok
    assert refused.error.startswith("no dispatch #abc; dispatch ids are numbers")
    assert refused.error.endswith(f"(pending: #{pending[0]} connect)")
    assert [d.id for d in shop_session.pending()] == pending


async def test_run_goes_until_quiet(shop_session: Session) -> None:
    await ok(shop_session, "inject Web.order item=apple")
    outcome = await ok(shop_session, "run")
    assert outcome.data["dispatches"] == 3
    assert len(shop_session.computation) == 4
    assert shop_session.state == "quiet"
    assert outcome.data["stopped_by"] is None


async def test_a_breakpoint_pauses_the_run_and_says_why(shop_session: Session) -> None:
    seen: list[Any] = []
    shop_session.subscribe(seen.append, kinds=(notices.BreakpointHit, notices.RunEnded))
    await ok(shop_session, "break Store.reserved")
    await ok(shop_session, "inject Web.order item=apple")
    outcome = await ok(shop_session, "run")
    assert outcome.data["stopped_by"] == {"breakpoint": 1, "event": "e2"}
    rendered = " ".join(str(getattr(r, "plain", "")) for r in outcome.output)
    assert "stopped at breakpoint 1 (Store.reserved): e2 Store.reserved" in rendered
    assert shop_session.pending_count == 2
    assert [type(n).__name__ for n in seen] == ["BreakpointHit", "RunEnded"]
    assert seen[0].event.id == "e2"
    await ok(shop_session, "continue")
    assert shop_session.state == "quiet"
    listed = await ok(shop_session, "breaks")
    assert listed.data["breakpoints"] == [
        {"id": 1, "pattern": "Store.reserved", "hits": 1, "stopped": None}
    ]
    await ok(shop_session, "unbreak 1")
    assert shop_session.breakpoints == []
    assert "no breakpoint 1" in (await shop_session.execute("unbreak 1")).error


async def test_watches_count_earlier_and_later_matches(shop_session: Session) -> None:
    counts: list[int] = []
    shop_session.subscribe(lambda n: counts.append(n.count), kinds=(notices.WatchMatched,))
    await ok(shop_session, "inject Web.order item=apple")
    await ok(shop_session, "step")
    watch = await ok(shop_session, "watch Web.order -> Store.reserved")
    assert watch.data == {"watch": 1, "count": 1}
    await ok(shop_session, "inject Web.order item=apple")
    await ok(shop_session, "run")
    assert counts == [2]
    listed = await ok(shop_session, "matches 1")
    assert listed.data["matches"] == [["e1", "e2"], ["e3", "e4"]]
    summary = await ok(shop_session, "matches")
    assert summary.data["watches"] == [
        {"id": 1, "pattern": "Web.order -> Store.reserved", "count": 2, "stopped": None}
    ]
    await ok(shop_session, "unwatch 1")
    assert shop_session.watches == []


async def test_a_one_event_match_is_listed_on_its_numbered_line(shop_session: Session) -> None:
    await ok(shop_session, "watch Web.order")
    await ok(shop_session, "inject Web.order item=apple")
    console = Console(width=200, record=True)
    for renderable in (await ok(shop_session, "matches 1")).output:
        console.print(renderable)
    lines = console.export_text().splitlines()
    assert lines[1] == '  1. e1 Web.order from env {"item": "apple"}'


async def test_expect_at_least_exactly_and_none(shop_session: Session) -> None:
    results: list[notices.ExpectationChecked] = []
    shop_session.subscribe(results.append, kinds=(notices.ExpectationChecked,))
    await ok(shop_session, "inject Web.order item=apple")
    await ok(shop_session, "run")
    assert not (await ok(shop_session, "expect Store.reserved")).failed_expectation
    assert not (await ok(shop_session, "expect Mailer.sent count=1")).failed_expectation
    assert not (await ok(shop_session, "expect Store.refused none")).failed_expectation
    failed = await ok(shop_session, "expect Store.reserved count=2")
    assert failed.failed_expectation
    assert failed.data == {
        "pattern": "Store.reserved",
        "expected": "exactly 2 matches",
        "seen": 1,
        "held": False,
    }
    assert [r.held for r in results] == [True, True, True, False]
    assert shop_session.expectations == results


async def test_why_and_effects_walk_the_causes(shop_session: Session) -> None:
    await ok(shop_session, "inject Web.order item=apple")
    await ok(shop_session, "run")
    ledger = shop_session.computation.events_by_name("Ledger.entry")[0]
    why = await ok(shop_session, f"why {ledger.id}")
    assert set(why.data["causes"]) == {"e1", "e2"}
    effects = await ok(shop_session, "effects e1")
    assert set(effects.data["effects"]) == {"e2", "e3", "e4"}
    unknown = await shop_session.execute("why e40")
    assert not unknown.ok
    assert "no event 'e40' (events are e1 to e4)" in unknown.error
    by_name = await shop_session.execute("why Ledger.entry")
    assert by_name.error == f"'Ledger.entry' is an event name, not an id: its event is {ledger.id}"
    await ok(shop_session, "inject Web.order item=pear")
    orders = await shop_session.execute("effects Web.order")
    assert orders.error == "'Web.order' is an event name, not an id: its events are e1 and e5"


def drawn(outcome: Any) -> list[str]:
    console = Console(width=120, record=True)
    for renderable in outcome.output:
        console.print(renderable)
    return console.export_text().splitlines()


async def test_show_queue_lists_a_long_queue_in_part_and_counts_the_rest(
    shop_session: Session,
) -> None:
    # A storm leaves tens of thousands pending: drawn whole, the table took minutes.
    for number in range(250):
        await ok(shop_session, f"inject Web.order item=apple{number}")
    queue = await ok(shop_session, "show queue")
    rows = drawn(queue)
    assert rows[1].split()[:2] == ["#1", "connect"]
    assert rows[200].split()[0] == "#200"
    assert rows[201:] == ["… 50 more pending (`show queue 250` lists them all)"]
    assert queue.data["pending"] == list(range(1, 251))  # all of them, for --json
    assert drawn(await ok(shop_session, "show queue 250"))[-1].split()[0] == "#250"
    three = drawn(await ok(shop_session, "show queue 3"))
    assert [row.split()[0] for row in three[1:4]] == ["#1", "#2", "#3"]
    assert three[4:] == ["… 247 more pending (`show queue 250` lists them all)"]
    refused = await shop_session.execute("show queue 0")
    assert refused.error == (
        "a dispatch count must be a whole number, 1 or more, not '0' (no count: the first 200)"
    )


async def test_a_guard_on_a_placeholder_nothing_binds_is_pointed_out(
    shop_session: Session,
) -> None:
    # `?quantity` reads like the field, but only `quantity=?quantity` binds it: as
    # written, the guard compares nothing and the pattern never matches.
    await ok(shop_session, "inject Web.order item=apple quantity=2")
    note = (
        "note: nothing in Web.order binds ?quantity, so `?quantity > 1` never holds "
        "(bind it with a field: quantity=?quantity)"
    )
    for command in ("watch", "break", "expect"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # said once, in the note: no Python warning
            outcome = await shop_session.execute(f"{command} Web.order where ?quantity > 1")
        assert drawn(outcome)[-1] == note
    bound = await ok(shop_session, "expect Web.order(quantity=?quantity) where ?quantity > 1")
    assert drawn(bound) == [
        "ok: Web.order(quantity=?quantity) where ?quantity > 1: 1 match (expected at least "
        "1 match)"
    ]
    # Bound on one side of an `or` is bound: the guard holds for that side's matches.
    either = await ok(shop_session, "watch (Web.order(quantity=?q) or Store.reserved) where ?q > 1")
    assert len(drawn(either)) == 1


async def test_a_guard_that_raises_is_said_in_a_note_not_warned(
    shop_session: Session,
) -> None:
    # `?item > 1` compares a text with a number: the guard raises, which counts as no
    # match. The workbench printed Python's RuntimeWarning for it, path and source line.
    pattern = "Web.order(item=?item) where ?item > 1"
    note = (
        f"note: the guard of {pattern} raised TypeError: '>' not supported between "
        "instances of 'str' and 'int' (on e1); a match it raises on counts as none"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said in the note: no Python warning
        await ok(shop_session, "watch Web.order(item=?i) where ?i < 1")  # nothing to match yet
        await ok(shop_session, "inject Web.order item=apple quantity=2")
        for command in ("watch", "break", "expect"):
            outcome = await shop_session.execute(f"{command} {pattern}")
            assert said_after_the_first_line(outcome) == note
        # A guard that first raised on an event recorded after the watch was set.
        live = await ok(shop_session, "matches 1")
    assert said_after_the_first_line(live) == note.replace("?item > 1", "?i < 1").replace(
        "item=?item", "item=?i").replace("'>'", "'<'")


def said_after_the_first_line(outcome: Any) -> str:
    """What ``outcome`` drew under its first line, as one line."""
    return " ".join(line.strip() for line in drawn(outcome)[1:])


async def test_file_names_start_at_home_with_a_tilde(
    shop_session: Session, tmp_path: Path, monkeypatch: Any
) -> None:
    # As a shell reads `~/run.json`; "there is no directory ~" before.
    monkeypatch.setenv("HOME", str(tmp_path))
    await ok(shop_session, "inject Web.order item=apple")
    saved = await ok(shop_session, "save ~/run.json")
    assert (tmp_path / "run.json").is_file(), saved.output
    await ok(shop_session, "export dot ~/run.dot")
    assert (tmp_path / "run.dot").read_text().startswith("digraph")
    assert (await ok(shop_session, "load ~/run.json")).data["events"] == 1
    # Quoted, the tilde is the file name's own, as in a shell.
    quoted = await shop_session.execute('save "~/run.json"')
    assert quoted.error == "cannot write ~/run.json: there is no directory ~"


async def test_a_tilde_naming_no_user_is_said_so_not_a_runtime_error(
    shop_session: Session, tmp_path: Path, monkeypatch: Any
) -> None:
    # "save failed: RuntimeError: Could not determine home directory." before.
    monkeypatch.chdir(tmp_path)
    no_user = "~no-such-user-of-rapide"
    for line in (f"save {no_user}/run.json", f"export dot {no_user}/run.dot",
                 f"load {no_user}/run.json"):
        refused = await shop_session.execute(line)
        assert refused.error == (
            f"{no_user}/run.{line.rpartition('.')[2]}: there is no user "
            "'no-such-user-of-rapide' (~NAME is the home directory of user NAME)"
        ), line
    # Quoted, the tilde is the file name's own, whatever follows it.
    quoted = await shop_session.execute(f'save "{no_user}/run.json"')
    assert quoted.error == f"cannot write {no_user}/run.json: there is no directory {no_user}"
    assert list(tmp_path.iterdir()) == []


async def test_explore_reads_its_script_name_as_save_and_load_do(
    shop_session: Session, tmp_path: Path, monkeypatch: Any
) -> None:
    from rapide_shell.explorations import EXPLORE_PLUGIN, ExploreCommands

    monkeypatch.setenv("HOME", str(tmp_path))
    shop_session.plugins.register(ExploreCommands(), name=EXPLORE_PLUGIN)
    quoted = await shop_session.execute('explore "my scenario.rapide" max=3')
    assert quoted.error == "my scenario.rapide: no such script"
    home = await shop_session.execute("explore ~/scenario.rapide")
    assert home.error == f"{tmp_path}/scenario.rapide: no such script"


async def test_show_topics(shop_session: Session) -> None:
    await ok(shop_session, "inject Web.order item=apple")
    missing = await shop_session.execute("show event e9")
    assert missing.error == "no event 'e9' (the only event is e1)"
    queue = await ok(shop_session, "show queue")
    assert queue.data["pending"] == [1]
    event = await ok(shop_session, "show event e1")
    assert event.data["event"]["name"] == "Web.order"
    events = await ok(shop_session, "show events")
    assert events.data["count"] == 1
    for topic in ("graph", "components"):
        assert (await ok(shop_session, f"show {topic}")).output
    graph = drawn(await ok(shop_session, "show graph"))
    assert graph[0] == "architecture Shop"
    assert graph[1].startswith("components: web (Web)")


async def test_export_save_and_load(shop_session: Session, tmp_path: Path) -> None:
    await ok(shop_session, "inject Web.order item=apple")
    await ok(shop_session, "run")
    for fmt in ("dot", "mermaid", "json"):
        await ok(shop_session, f"export {fmt} {tmp_path / ('run.' + fmt)}")
    assert "digraph" in (tmp_path / "run.dot").read_text()
    assert (
        "flowchart" in (tmp_path / "run.mermaid").read_text()
        or "graph" in (tmp_path / "run.mermaid").read_text()
    )
    assert len(json.loads((tmp_path / "run.json").read_text())["events"]) == 4
    await ok(shop_session, f"save {tmp_path / 'saved.json'}")
    await ok(shop_session, "reset")
    assert len(shop_session.computation) == 0
    loaded = await ok(shop_session, f"load {tmp_path / 'saved.json'}")
    assert loaded.data == {"events": 4}
    assert shop_session.state == "inspecting"
    assert (await ok(shop_session, "why e4")).data["causes"]
    refused = await shop_session.execute("inject Web.order item=pear")
    assert "read-only" in refused.error
    missing = await shop_session.execute(f"load {tmp_path / 'nothing.json'}")
    assert missing.error == f"{tmp_path / 'nothing.json'}: no such file"
    directory = await shop_session.execute(f"load {tmp_path}")
    assert directory.error == f"{tmp_path}: is a directory, not a saved computation"
    exported = tmp_path / "run.json"  # an export, not a saved computation
    wrong = await shop_session.execute(f"load {exported}")
    assert wrong.error.startswith(f"{exported}: not a saved computation: it is an `export")
    assert wrong.error.count(str(exported)) == 1
    assert wrong.error.endswith("`save FILE` writes what `load` reads")
    await ok(shop_session, "reset")
    assert shop_session.state == "quiet"


async def test_a_pattern_naming_an_undeclared_event_gets_a_note(shop_session: Session) -> None:
    def notes(outcome: Any) -> list[str]:
        return [item.plain for item in outcome.output if item.plain.startswith("note:")]

    misspelt = await ok(shop_session, "break Store.reservd")
    assert notes(misspelt) == [
        "note: no interface declares 'Store.reservd', so it may never match; "
        "did you mean 'Store.reserved' or 'Store.refused'?"
    ]
    assert notes(await ok(shop_session, "watch Web.order -> Nowhere.thing")) == [
        "note: no interface declares 'Nowhere.thing', so it may never match"
    ]
    assert len(notes(await ok(shop_session, "expect Web.ordr none"))) == 1
    assert notes(await ok(shop_session, "watch Web.order -> *")) == []
    assert notes(await ok(shop_session, "expect Store.refused none")) == []


async def test_a_pattern_naming_a_source_that_is_no_component_gets_a_note(
    shop_session: Session,
) -> None:
    # from "stor*" was taken as the name of a component "stor*", which none is, in
    # silence: a source is no glob, and such a pattern never matches.
    def notes(outcome: Any) -> list[str]:
        return [item.plain for item in outcome.output if item.plain.startswith("note:")]

    for command in ("watch", "break", "expect"):
        outcome = await ok(shop_session, f'{command} Web.order -> Store.reserved from "stor*"')
        assert notes(outcome) == [
            'note: source "stor*" is no component (a source names one component, whole, "*" '
            'included; did you mean "store"?), so it may never match'
        ], command
    assert notes(await ok(shop_session, 'watch Store.reserved from "stoer"')) == [
        'note: source "stoer" is no component (did you mean "store"?), so it may never match'
    ]
    assert notes(await ok(shop_session, 'expect Store.reserved from "store"')) == []
    assert notes(await ok(shop_session, 'watch Web.order from "env" -> * from ?s')) == []


async def test_a_pattern_asking_a_field_its_event_lacks_gets_a_note(
    shop_session: Session,
) -> None:
    # inject and emit refuse a field the action does not take, so such a pattern never
    # matches: without a note, `expect ... none` would hold for the wrong reason.
    def notes(outcome: Any) -> list[str]:
        return [item.plain for item in outcome.output if item.plain.startswith("note:")]

    note = ("note: Web.order has no field 'quantty', so it may never match; did you mean "
            "'quantity'? (its fields: item, quantity)")
    for command in ("watch", "break", "expect"):
        outcome = await ok(shop_session, f"{command} Web.order(quantty=2) -> Store.reserved")
        assert notes(outcome) == [note], command
    inside = await ok(shop_session, "expect (Web.order(colour=?c) or Store.reserved) none")
    assert notes(inside) == [
        "note: Web.order has no field 'colour', so it may never match (its fields: item, "
        "quantity)"
    ]
    assert notes(await ok(shop_session, "watch Web.order(item=?i, quantity=2)")) == []


async def test_a_pattern_asking_a_value_its_field_never_holds_gets_a_note(
    shop_session: Session,
) -> None:
    # `inject Web.order item=42` records the text "42" (item is declared str), so
    # `expect Web.order(item=42)` failed, saying only that it saw no match.
    def notes(outcome: Any) -> list[str]:
        return [item.plain for item in outcome.output if item.plain.startswith("note:")]

    await ok(shop_session, "inject Web.order item=42")
    assert notes(await ok(shop_session, "expect Web.order(item=42)")) == [
        "note: Web.order's item is declared str, which 42 is not, so it may never match; "
        'did you mean item="42"?'
    ]
    for command in ("watch", "break"):
        outcome = await ok(shop_session, f'{command} Web.order(quantity="2") -> Store.reserved')
        assert notes(outcome) == [
            "note: Web.order's quantity is declared int, which \"2\" is not, so it may never "
            "match; did you mean quantity=2?"
        ], command
    assert notes(await ok(shop_session, "watch Web.order(item=[1])")) == [
        "note: Web.order's item is declared str, which [1] is not, so it may never match"
    ]
    assert notes(await ok(shop_session, 'expect Web.order(item="42", quantity=2)')) == []
    # A pattern compares values as JSON does: 2.0 matches the int 2.
    assert notes(await ok(shop_session, "expect Web.order(quantity=2.0) none")) == []
    assert notes(await ok(shop_session, "watch Web.order(item=?i, quantity=?q)")) == []


async def test_a_name_with_a_star_asking_a_field_none_of_its_events_takes_gets_a_note(
    shop_session: Session,
) -> None:
    # A field is asked of every declared event the name completes: it was not looked at.
    def notes(outcome: Any) -> list[str]:
        return [item.plain for item in outcome.output if item.plain.startswith("note:")]

    assert notes(await ok(shop_session, 'watch "Store.*"(qty=1)')) == [
        "note: none of the events 'Store.*' names has a field 'qty', so it may never match "
        "(their fields: item, quantity, reason)"
    ]
    assert notes(await ok(shop_session, 'expect "Store.ref*"(reasn="x") none')) == [
        "note: Store.refused has no field 'reasn', so it may never match; did you mean "
        "'reason'? (its fields: item, reason)"
    ]
    assert notes(await ok(shop_session, 'break "Store.*"(reason="x")')) == []


async def test_reset_and_seed_keep_watches_and_start_over(shop_session: Session) -> None:
    await ok(shop_session, "watch Web.order")
    await ok(shop_session, "inject Web.order item=apple")
    assert shop_session.watches[0].count == 1
    reset: list[str] = []
    shop_session.subscribe(lambda n: reset.append(n.reason), kinds=(notices.SessionReset,))
    await ok(shop_session, "seed 5")
    assert shop_session.seed == 5
    assert shop_session.system.seed == 5
    assert len(shop_session.computation) == 0
    assert shop_session.watches[0].count == 0
    await ok(shop_session, "inject Web.order item=apple")
    assert shop_session.watches[0].count == 1
    await ok(shop_session, "break Store.reserved")
    await ok(shop_session, "run")
    assert shop_session.breakpoints[0].hits == 1
    outcome = await ok(shop_session, "reset")
    assert reset == ["seed", "reset"]
    assert outcome.output[0].plain == "started over (seed 5); 1 watch and 1 breakpoint kept"
    # As `help reset` says: they stay, and their counts start again.
    assert (shop_session.watches[0].count, shop_session.breakpoints[0].hits) == (0, 0)


async def test_reload_reads_the_file_again(shop_file: Path, tmp_path: Path) -> None:
    copy = tmp_path / "shop.py"
    copy.write_text(shop_file.read_text())
    session = Session.load(copy)
    await session.start()
    try:
        copy.write_text(shop_file.read_text().replace('"pear": 1', '"pear": 9'))
        await ok(session, "reload")
        await ok(session, "inject Web.order item=pear quantity=5")
        await ok(session, "run")
        assert session.computation.events_by_name("Store.reserved")
        copy.write_text("def broken(:\n")
        failed = await session.execute("reload")
        assert not failed.ok
        assert "reload failed, the session keeps its system" in failed.error
        assert "syntax error" in failed.error
        assert len(session.computation) > 0
    finally:
        await session.close()


async def test_quit_asks_the_front_end_to_leave(shop_session: Session) -> None:
    assert (await ok(shop_session, "quit")).quit
    assert (await ok(shop_session, "exit")).quit


async def test_help_lists_and_explains(shop_session: Session) -> None:
    everything = await ok(shop_session, "help")
    assert "inject" in everything.data["commands"]
    one = await ok(shop_session, "help inject")
    assert one.data == {"command": "inject"}


async def test_help_says_what_a_plain_step_takes_and_where_comments_start(
    shop_session: Session,
) -> None:
    def text(outcome: Any) -> str:
        console = Console(width=400, record=True)
        for renderable in outcome.output:
            console.print(renderable)
        return console.export_text()

    assert "not always the lowest id" in text(await ok(shop_session, "help step"))
    listing = text(await ok(shop_session, "help"))
    assert "with a `#` between blanks (`run  # go`)" in listing
    assert "`step #abc` is refused as no dispatch" in text(await ok(shop_session, "help help"))


async def test_full_help_leaves_the_wrapping_to_the_terminal(shop_session: Session) -> None:
    def lines(outcome: Any) -> list[str]:
        console = Console(width=400, record=True)
        for renderable in outcome.output:
            console.print(renderable)
        return console.export_text().splitlines()

    step = lines(await ok(shop_session, "help step"))
    # One paragraph, even where the source text's wrapping put `step #12` first on a line.
    assert any("connection kind; `step #12` runs dispatch 12" in line for line in step)
    show = lines(await ok(shop_session, "help show"))
    # Items of a list stay one a line.
    assert any(line.startswith("`show queue [N]`: ") for line in show)
    assert any(line.startswith("`show event ID`: ") for line in show)


async def test_listeners_get_runtime_and_session_notifications(shop_session: Session) -> None:
    kinds: list[str] = []
    unsubscribe = shop_session.subscribe(lambda n: kinds.append(type(n).__name__))
    await ok(shop_session, "inject Web.order item=apple")
    assert "EventRecorded" in kinds and "DispatchQueued" in kinds
    assert kinds[-1] == "CommandFinished"
    unsubscribe()
    kinds.clear()
    await ok(shop_session, "run")
    assert kinds == []


async def test_a_listener_that_raises_is_dropped(shop_session: Session) -> None:
    def broken(notification: object) -> None:
        raise RuntimeError("drawing failed")

    shop_session.subscribe(broken)
    await ok(shop_session, "inject Web.order item=apple")
    await ok(shop_session, "run")
    assert len(shop_session.computation) == 4


async def test_pause_stops_a_run_in_progress(tmp_path: Path) -> None:
    ticker = Path(__file__).parent / "fixtures" / "ticker.py"
    session = Session.load(ticker)
    await session.start()
    try:
        await ok(session, "inject Clock.tick n=0 limit=50000")
        running = asyncio.ensure_future(session.execute("run"))
        while len(session.computation) < 200:
            await asyncio.sleep(0)
        assert session.state == "running"
        refused = await session.execute("inject Clock.tick n=0")
        assert refused.error == "a run is in progress; `pause` before `inject`"
        assert (await ok(session, "show queue")).ok
        await ok(session, "pause")
        outcome = await running
        assert outcome.ok
        assert session.paused_by_user
        assert 200 <= len(session.computation) < 50001
        # Said once, with what is left: not "paused" and then the state line's "paused:".
        said = [line for line in drawn(outcome) if "paused" in line]
        assert said == ["paused by you: 1 pending (step, run or show queue)"]
        assert session.state == "paused"
    finally:
        await session.close()


async def test_commands_after_close_are_refused(shop_file: Path) -> None:
    session = Session.load(shop_file)
    await session.start()
    await session.close()
    outcome = await session.execute("inject Web.order item=apple")
    assert outcome.error == "the session is closed"


async def test_a_raising_handler_is_reported_and_the_run_goes_on(
    shop_session: Session, shop_file: Path
) -> None:
    await ok(shop_session, "inject Web.order item=boom")
    await ok(shop_session, "inject Web.order item=apple")
    outcome = await ok(shop_session, "run")
    source = shop_file.read_text().splitlines()
    line = 1 + next(n for n, text in enumerate(source) if "the warehouse is on fire" in text)
    assert outcome.data["errors"] == [
        "error in store handling e1 Web.order: RuntimeError: the warehouse is on fire "
        f"(at {shop_file.name}:{line} in on_order)"
    ]
    assert len(shop_session.errors) == 1
    assert shop_session.computation.events_by_name("Ledger.entry")


async def test_a_cycle_cut_halts_the_run_that_met_it(tmp_path: Path) -> None:
    cycle = tmp_path / "cycle.py"
    cycle.write_text(
        "from pyrapide import Pattern, action, architecture, connect, get_context, interface,"
        " module, when\n\n\n"
        "@interface\nclass Echo:\n    @action\n    async def said(self, n: int) -> None: ...\n\n\n"
        "@architecture\nclass Cave:\n    left = Echo\n    right = Echo\n"
        '    connections = [connect(Pattern.match("Echo.said"), target="right")]\n\n\n'
        "@module(implements=Echo)\nclass Wall:\n"
        '    @when(Pattern.match("Echo.said"))\n    async def on_said(self, match):\n'
        '        await get_context(self).emit("Echo.said", n=match.payload["n"] + 1)\n'
    )
    session = Session.load(cycle)
    await session.start()
    try:
        await ok(session, "inject Echo.said n=0")
        outcome = await ok(session, "run")
        assert session.halted
        assert any("limit reached (connect_depth)" in e for e in outcome.data["errors"])
        rendered = [getattr(r, "plain", "") for r in outcome.output]
        halted = "halted by a limit: the next `run` or `step` goes on, `reset` starts over"
        assert halted in rendered
        await ok(session, "reset")
        assert not session.halted
        await ok(session, "inject Echo.said n=0")
        await ok(session, "run")
        assert session.halted and not session.halted_until_reset
        await ok(session, "inject Echo.said n=0")
        await ok(session, "step")  # the cut stopped only the run that met it
        assert not session.halted
    finally:
        await session.close()


async def test_a_raising_guard_is_reported_where_the_event_was_routed(tmp_path: Path) -> None:
    guarded = tmp_path / "guarded.py"
    guarded.write_text(
        "from pyrapide import Pattern, action, architecture, connect, interface, module\n\n\n"
        "@interface\nclass Bell:\n    @action\n    async def rang(self, n: int) -> None: ...\n\n\n"
        "@module(implements=Bell)\nclass Ringer:\n    pass\n\n\n"
        "def loud(event):\n    return event.payload['volume'] > 3\n\n\n"
        "@architecture\nclass Tower:\n    a = Bell\n    b = Bell\n"
        "    connections = [connect(Pattern.match('Bell.rang').where(loud), target='b')]\n"
    )
    session = Session.load(guarded)
    await session.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # reported, so not warned as well
            outcome = await ok(session, "inject Bell.rang n=1")
        rendered = [getattr(r, "plain", "") for r in outcome.output]
        assert (
            "error in the guard of connection #0 (connect Bell.rang where <python guard loud>) "
            "on e1 Bell.rang: KeyError: 'volume'; not delivered to b (at guarded.py:16 in loud)"
        ) in rendered
        # Its pattern matched: "no connection matches it" above the guard's error was not so.
        assert rendered[1] == "nothing queued: a connection's guard raised on it"
        assert len(session.errors) == 1
    finally:
        await session.close()


async def test_a_fault_below_a_command_is_one_line_and_the_session_goes_on(
    shop_session: Session, tmp_path: Path
) -> None:
    unwritable = await shop_session.execute(f"export dot {tmp_path}/missing/dir/run.dot")
    assert not unwritable.ok
    assert unwritable.error.startswith(f"cannot write {tmp_path}/missing/dir/run.dot")

    async def broken_step(target: object = None) -> None:
        raise RuntimeError("scheduler in a bad mood")

    shop_session.system.step = broken_step
    await ok(shop_session, "inject Web.order item=apple")
    failed = await shop_session.execute("step")
    assert failed.error == "step failed: RuntimeError: scheduler in a bad mood"
    assert (await shop_session.execute("show queue")).ok


async def test_closing_during_a_run_ends_the_run_first() -> None:
    session = Session.load(Path(__file__).parent / "fixtures" / "ticker.py")
    await session.start()
    await ok(session, "inject Clock.tick n=0 limit=50000")
    running = asyncio.ensure_future(session.execute("run"))
    while len(session.computation) < 100:
        await asyncio.sleep(0)
    await session.close()
    outcome = await running
    assert outcome.ok
    assert session.state == "closed"
    assert len(session.computation) < 50001


async def test_matches_lists_the_latest_fifty() -> None:
    session = Session.load(Path(__file__).parent / "fixtures" / "ticker.py")
    await session.start()
    try:
        await ok(session, "watch Clock.tick")
        await ok(session, "inject Clock.tick n=0 limit=99")
        await ok(session, "run")
        outcome = await ok(session, "matches 1")
        assert len(outcome.data["matches"]) == 100
        assert outcome.output[1].plain == "  … 50 earlier matches"
        assert len(outcome.output) == 2 + 50
    finally:
        await session.close()


async def test_a_constraint_violation_is_reported(shop_file: Path, tmp_path: Path) -> None:
    guarded = tmp_path / "guarded_shop.py"
    guarded.write_text(
        shop_file.read_text()
        .replace("from pyrapide import (", "from pyrapide import (\n    never,")
        .replace(
            "    connections = [",
            '    constraints = [never(Pattern.match("Store.refused"), name="always in stock")]\n'
            "    connections = [",
        )
    )
    session = Session.load(guarded)
    await session.start()
    try:
        await ok(session, "inject Web.order item=pear quantity=5")
        outcome = await ok(session, "run")
        assert len(outcome.data["errors"]) == 1
        assert outcome.data["errors"][0].startswith("constraint violated: always in stock")
        assert "(events e2)" in outcome.data["errors"][0]
    finally:
        await session.close()


async def test_violations_are_kept_and_start_again_with_each_system() -> None:
    session = Session.load(Path(__file__).parent / "fixtures" / "alarm.py", seed=0)
    await session.start()
    try:
        # The start hook's alarm is a violation before any command.
        assert [v.events[-1].id for v in session.violations] == ["e1"]
        await ok(session, "inject Sensor.alarm level=2")
        assert [v.events[-1].id for v in session.violations] == ["e1", "e2"]
        assert session.violations[-1].constraint_name == "no alarms"
        await ok(session, "reset")
        assert [v.events[-1].id for v in session.violations] == ["e1"]
    finally:
        await session.close()


def test_an_error_is_placed_in_the_users_code_not_in_a_library() -> None:
    from rapide_shell.report import raised_at

    stdlib = Path(json.__file__)
    runtime = Path(__file__).parents[2] / "pyrapide" / "runtime" / "tasks.py"
    text = (
        "Traceback (most recent call last):\n"
        f'  File "{runtime}", line 9, in run\n'
        '  File "/home/me/shop/arch.py", line 31, in on_order\n'
        "    rows = json.loads(text)\n"
        f'  File "{stdlib}", line 346, in loads\n'
        "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)\n"
    )
    assert raised_at(text) == "arch.py:31 in on_order"
    assert raised_at(f'  File "{stdlib}", line 346, in loads\n') is None


async def test_what_a_run_recorded_is_kept_out_of_full_collections_until_the_system_goes():
    """The first full collection after a long run would walk every event it recorded
    (seconds at a million events, while the user presses keys): the session freezes
    what it holds when a run ends, and thaws it when the system is replaced or closed."""
    import gc

    session = Session.load(Path(__file__).parent / "fixtures" / "ticker.py", seed=0)
    await session.start()
    gc.unfreeze()
    session.inject("Clock.tick", {"n": 0, "limit": 50})
    await session.run()
    assert len(session.computation) == 51 and gc.get_freeze_count() > 0
    await session.execute("reset")
    assert gc.get_freeze_count() == 0
    session.inject("Clock.tick", {"n": 0, "limit": 5})
    await session.run()
    assert gc.get_freeze_count() > 0
    await session.close()
    assert gc.get_freeze_count() == 0


async def test_of_what_the_hooks_reported_only_the_problems_are_kept(tmp_path: Path) -> None:
    # A start hook that emits a whole run's worth of events, then one that raises.
    file = tmp_path / "busy_start.py"
    file.write_text(
        "from pyrapide import action, architecture, get_context, interface, module\n"
        "@interface\n"
        "class Source:\n"
        "    @action\n"
        "    async def item(self, n: int) -> None: ...\n"
        "@module(implements=Source)\n"
        "class Busy:\n"
        "    async def start(self):\n"
        "        for n in range(200):\n"
        "            await get_context(self).emit('Source.item', n=n)\n"
        "        raise RuntimeError('done emitting')\n"
        "@architecture\n"
        "class Arch:\n"
        "    busy: Source\n"
    )
    async with Session.open(file) as session:
        assert len(session.computation) == 200
        kept = session.hook_notes("start")
        assert [type(note).__name__ for note in kept] == ["HandlerError"]
        assert session.hook_report("start").error_texts == [
            "error in the start hook of busy: RuntimeError: done emitting"
            " (at busy_start.py:11 in start)"
        ]


async def test_a_run_that_only_resumed_tasks_says_so_first() -> None:
    kinds = Path(__file__).parents[2] / "examples" / "connection_kinds.py"
    async with started(kinds) as session:
        await ok(session, "step 12")  # the next step resumes the connect's caller
        outcome = await session.execute("run 1")
    first, *rest = [str(getattr(item, "plain", "")) for item in outcome.output]
    # Not "ran 0 dispatches, recorded 2 events" over a separate "resumed #8".
    assert first == "resumed #8, recorded 2 events"
    assert not any(line.startswith("resumed") for line in rest)


async def test_a_watch_on_a_quoted_name_with_a_star_matches_the_names_it_completes(
    shop_session: Session,
) -> None:
    def notes(outcome: Any) -> list[str]:
        return [item.plain for item in outcome.output if item.plain.startswith("note:")]

    watch = await ok(shop_session, 'watch "Store.*"')
    assert notes(watch) == []
    await ok(shop_session, "inject Web.order item=apple")
    await ok(shop_session, "run")
    listed = await ok(shop_session, "matches 1")
    assert listed.data["matches"] == [["e2"]]
    assert notes(await ok(shop_session, 'watch "Stor.*x"')) == [
        "note: no interface declares a name that 'Stor.*x' matches, so it may never match"
    ]
    unquoted = await shop_session.execute("watch Store.*")
    assert "(a name with * in it is quoted: \"Store.*\")" in unquoted.error
