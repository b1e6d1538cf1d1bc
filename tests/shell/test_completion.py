"""Completion candidates, as the REPL and the TUI both ask for them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rapide_shell.session import Session


def texts(session: Session, line: str) -> list[str]:
    return [candidate.text for candidate in session.completions(line)]


async def test_command_names(shop_session: Session) -> None:
    assert texts(shop_session, "")[:3] == ["inject ", "step ", "run "]
    assert texts(shop_session, "ex") == ["expect ", "export "]
    first = shop_session.completions("wat")[0]
    assert (first.text, first.start, first.display) == ("watch ", 0, "watch")
    assert first.meta.startswith("Count the matches")


async def test_event_names_from_the_interfaces(shop_session: Session) -> None:
    assert texts(shop_session, "inject Sto") == ["Store.reserved ", "Store.refused "]
    candidate = shop_session.completions("inject We")[0]
    assert candidate.start == len("inject ")
    assert candidate.meta == "Web.order(item: str, quantity: int = 1)"


async def test_payload_fields_from_the_action_signature(shop_session: Session) -> None:
    assert texts(shop_session, "inject Web.order ") == ["item=", "quantity="]
    assert texts(shop_session, "inject Web.order item=apple ") == ["quantity="]
    assert texts(shop_session, "inject Web.order q") == ["quantity="]
    assert texts(shop_session, "inject Web.order item=ap") == []
    assert texts(shop_session, "inject Nope.none ") == []


async def test_dispatch_ids_and_kinds_for_step(shop_session: Session) -> None:
    await shop_session.execute("inject Web.order item=apple")
    assert texts(shop_session, "step ") == ["connect", "pipe", "agent", "wake", "#1"]
    assert texts(shop_session, "step #") == ["#1"]
    meta = shop_session.completions("step #")[0].meta
    assert meta == "connect Web.order -> store"


async def test_step_wake_completes_the_components_whose_hooks_sleep() -> None:
    market = Session.load(Path(__file__).parent / "fixtures" / "producers.py")
    await market.start()
    try:
        assert texts(market, "step wake ") == ["alpha", "beta"]
        assert texts(market, "step wake b") == ["beta"]
        meta = market.completions("step wake b")[0].meta
        assert meta == "start of beta: asleep until t=1"
    finally:
        await market.close()


async def test_nothing_is_offered_inside_a_comment(shop_session: Session) -> None:
    await shop_session.execute("inject Web.order item=apple")
    assert texts(shop_session, "inject Web.order item=apple # then ") == []
    assert texts(shop_session, "# a note about st") == []
    assert texts(shop_session, "step  # the next ") == []
    # A `#` that starts a word is a dispatch id, not a comment.
    assert texts(shop_session, "step #") == ["#1"]
    assert texts(shop_session, "inject Web.order item=apple ") == ["quantity="]


async def test_watch_break_and_event_ids(shop_session: Session) -> None:
    await shop_session.execute("inject Web.order item=apple")
    await shop_session.execute("run")
    await shop_session.execute("watch Store.reserved")
    await shop_session.execute("break Mailer.sent")
    assert texts(shop_session, "unwatch ") == ["1"]
    assert texts(shop_session, "matches ") == ["1"]
    assert texts(shop_session, "unbreak ") == ["1"]
    assert texts(shop_session, "why ") == ["e4", "e3", "e2", "e1"]
    assert texts(shop_session, "show event e") == ["e4", "e3", "e2", "e1"]


async def test_topics_and_event_names_inside_patterns(shop_session: Session) -> None:
    assert texts(shop_session, "show ") == ["graph", "queue", "events", "event", "components"]
    assert texts(shop_session, "export m") == ["mermaid"]
    assert texts(shop_session, "help in") == ["inject"]
    assert texts(shop_session, "watch Web.order -> Sto") == ["Store.reserved", "Store.refused"]
    candidate = shop_session.completions("break (Ledg")[0]
    assert (candidate.text, candidate.start) == ("Ledger.entry", len("break ("))
    assert "count=" in texts(shop_session, "expect Web.order ")


async def test_fields_inside_an_event_patterns_brackets(shop_session: Session) -> None:
    # Event names were offered there, where only a field can go.
    assert texts(shop_session, "watch Web.order(") == ["item=", "quantity="]
    assert texts(shop_session, "watch Web.order(q") == ["quantity="]
    assert texts(shop_session, 'expect Web.order(item="x", ') == ["quantity="]
    assert texts(shop_session, "break Store.refused(item=?i) -> Web.order(it") == ["item="]
    candidate = shop_session.completions("watch Web.order(it")[0]
    assert (candidate.start, candidate.meta) == (len("watch Web.order("), "item: str")
    assert texts(shop_session, "watch *(") == []
    assert texts(shop_session, "watch Nope.none(") == []
    # A bracket that groups patterns is not an event's: names go there.
    assert texts(shop_session, "break (Ledg") == ["Ledger.entry"]


async def test_a_where_condition_offers_the_placeholders_not_event_names(
    shop_session: Session,
) -> None:
    # After `where`, Tab offered every event name (which a condition cannot hold) and,
    # on a `?`, nothing: the placeholders the pattern binds go there.
    line = "watch Web.order(item=?i, quantity=?q) where "
    assert texts(shop_session, line) == ["?i", "?q"]
    assert texts(shop_session, line + "?q") == ["?q"]
    assert texts(shop_session, line + "?i == ") == ["?i", "?q"]
    assert texts(shop_session, line + "?q > 2 and ?") == ["?i", "?q"]
    candidate = shop_session.completions(line + "?")[1]
    assert (candidate.text, candidate.start) == ("?q", len(line))
    # An expect's options still come once a blank follows.
    assert texts(shop_session, "expect Web.order(item=?i) where ?i == \"x\" ") == [
        "?i", "count=", "none", "sometimes"
    ]
    # A where whose group is closed is behind: names go after the operator again.
    assert "Ledger.entry" in texts(
        shop_session, "break (Web.order(item=?i) where ?i == \"x\") -> "
    )
    assert texts(shop_session, 'watch Web.order(item="where") -> Le') == ["Ledger.entry"]


async def test_nothing_is_glued_onto_a_closing_bracket(shop_session: Session) -> None:
    # `watch Web.order(item=1)` and Tab offered `Web.order(item=1)Ledger.entry`.
    assert texts(shop_session, "watch Web.order(item=1)") == []
    assert texts(shop_session, 'expect Web.order(item="x")Le') == []
    assert texts(shop_session, "break (Web.order -> Store.refused)") == []
    # Names are offered still where an operator comes between.
    assert texts(shop_session, "watch Web.order(item=1) -> (Le") == ["Ledger.entry"]
    assert "Ledger.entry" in texts(shop_session, "watch Web.order(item=1) or ")


async def test_no_name_is_offered_where_the_pattern_syntax_takes_none(
    shop_session: Session,
) -> None:
    # After a whole term and a blank, Tab offered every event name, and Enter on
    # `watch Web.order Ledger.entry` was a pattern syntax error; an expect offered
    # `count=` after `count=1` too, which it refuses ("one of count=N and none, once").
    assert texts(shop_session, "watch Web.order(item=1) ") == []
    assert texts(shop_session, "break Web.order ") == []
    assert texts(shop_session, "expect Web.order ") == ["count=", "none", "sometimes"]
    assert texts(shop_session, "expect Web.order count=1 ") == ["sometimes"]
    assert texts(shop_session, "expect Web.order sometimes ") == ["count=", "none"]
    assert texts(shop_session, "expect Web.order none sometimes ") == []
    assert texts(shop_session, "expect constraints ") == []
    assert texts(shop_session, "expect errors ") == ["count=", "none", "sometimes"]
    assert texts(shop_session, "expect err") == ["errors"]
    assert "Ledger.entry" in texts(shop_session, "expect Web.order -> ")
    assert "count=" not in texts(shop_session, "expect Web.order -> ")
    for line in ("watch Web.order Ledger.entry", "expect Web.order count=1 count=2"):
        assert not (await shop_session.execute(line)).ok


async def test_a_name_the_pattern_syntax_quotes_is_offered_quoted() -> None:
    # `Café.crème` is Python; unquoted, a pattern refuses it, so completion quotes it,
    # whether the quote was typed or not, and its fields too.
    session = Session.load(Path(__file__).parent / "fixtures" / "patisserie.py", seed=0)
    await session.start()
    try:
        assert texts(session, "expect Ca") == ['"Café.crème"']
        assert texts(session, 'watch "Ca') == ['"Café.crème"']
        assert texts(session, "break Café.crème -> B") == ['"Bar.ö"']
        assert texts(session, 'expect "Café.crème"(') == ['"größe"=']
        assert texts(session, 'expect "Café.crème"(gr') == ['"größe"=']
        assert texts(session, 'expect "Café.crème"("größe"=1, ') == []
        # A source is a component's name, never an event's.
        assert texts(session, 'watch "Bar.ö" from "b') == []
        # `inject` takes the name as Python spells it.
        assert texts(session, "inject Ca") == ["Café.crème "]
        candidate = session.completions("expect Ca")[0]
        outcome = await session.execute("inject Café.crème größe=2")
        assert outcome.ok
        await session.execute("run")
        line = f"expect {candidate.text} -> {texts(session, 'expect X -> B')[0]}"
        assert (await session.execute(line)).ok
    finally:
        await session.close()


async def test_file_names(shop_session: Session, tmp_path: Path) -> None:
    (tmp_path / "run.dot").write_text("")
    (tmp_path / "sub").mkdir()
    found = texts(shop_session, f"save {tmp_path}/")
    assert found == [f"{tmp_path}/run.dot", f"{tmp_path}/sub/"]
    assert texts(shop_session, f"export dot {tmp_path}/r") == [f"{tmp_path}/run.dot"]


async def test_a_file_name_with_a_blank_is_offered_quoted(
    shop_session: Session, tmp_path: Path
) -> None:
    # Offered bare, `my runs/a.json` was two words, and `save` refused the second.
    (tmp_path / "my runs").mkdir()
    (tmp_path / "my runs" / "first run.json").write_text("")
    assert texts(shop_session, f"save {tmp_path}/my") == [f'"{tmp_path}/my runs/']
    # Inside the open quote it goes on, and closes after a file.
    inside = f'"{tmp_path}/my runs/first run.json"'
    assert texts(shop_session, f'save "{tmp_path}/my runs/f') == [inside]
    assert texts(shop_session, f"export dot --force '{tmp_path}/my runs/") == [
        f"'{tmp_path}/my runs/first run.json'"
    ]
    outcome = await shop_session.execute(f"save --force {inside}")
    assert outcome.ok, outcome.error
    assert (tmp_path / "my runs" / "first run.json").read_text().startswith("{")


async def test_file_names_under_home(
    shop_session: Session, tmp_path: Path, monkeypatch: Any
) -> None:
    (tmp_path / "run.dot").write_text("")
    (tmp_path / "sub").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path))
    assert texts(shop_session, "load ~/") == ["~/run.dot", "~/sub/"]
    assert texts(shop_session, "save ~/s") == ["~/sub/"]


async def test_goto_completes_the_addresses_where_printed(shop_session: Session) -> None:
    # An address is a long word to copy out of a panel: after a `reload` (an empty
    # system), `goto` + Tab brings back the point `where` named.
    await shop_session.execute("inject Web.order item=apple")
    first = (await shop_session.execute("where")).data["address"]
    await shop_session.execute("run")
    second = (await shop_session.execute("where")).data["address"]
    await shop_session.execute("reload")
    assert texts(shop_session, "goto r") == [second, first]
    assert shop_session.completions("goto r")[0].meta == "printed by `where`"
    assert texts(shop_session, "goto ")[-2:] == [second, first]
    assert (await shop_session.execute("where")).data["address"] not in (first, second)
    assert texts(shop_session, f"goto {first[:-1]}") == [first]
    outcome = await shop_session.execute(f"goto {second}")
    assert outcome.ok, outcome.error


async def test_a_name_is_offered_quoted_after_an_opening_quote(shop_session: Session) -> None:
    # A quote starts a name with * ("Store.*"), whose start Tab completed to nothing.
    assert texts(shop_session, 'watch "Sto') == ['"Store.reserved"', '"Store.refused"']
    assert texts(shop_session, 'break "Web.*" -> "Led') == ['"Ledger.entry"']
    assert texts(shop_session, "watch Sto") == ["Store.reserved", "Store.refused"]
    outcome = await shop_session.execute('watch "Web.*" -> "Ledger.entry"')
    assert outcome.ok, outcome.error


async def test_diff_offers_a_second_branch_other_than_the_first(shop_session: Session) -> None:
    await shop_session.execute("inject Web.order item=apple")
    await shop_session.execute("goto 0")
    await shop_session.execute("fork b1")
    assert texts(shop_session, "diff ") == ["main", "b1"]
    assert texts(shop_session, "diff b1 ") == ["main"]
    assert texts(shop_session, "diff main ") == ["b1"]
