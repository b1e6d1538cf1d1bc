"""The ``map`` command: a map of the architecture file applied to the session's run."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from rapide_shell.loader import LoadError, load_architecture
from rapide_shell.session import Session
from tests.shell.cli_process import run_rapide

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "payments_map.py"


@pytest.fixture
async def payments_session() -> AsyncIterator[Session]:
    session = Session.load(EXAMPLE, seed=0)
    await session.start()
    yield session
    await session.close()


def test_the_file_runs_its_detailed_architecture_not_the_abstract_one() -> None:
    loaded = load_architecture(EXAMPLE)
    assert loaded.name == "Shop"
    assert list(loaded.maps) == ["to_payments"]
    # Asked for by name, the abstract one is still tried (and has no modules to run).
    with pytest.raises(LoadError, match="cannot bind Payments: no @module implements Client"):
        load_architecture(EXAMPLE, arch="Payments")


async def test_map_lists_the_maps_of_the_file(payments_session: Session) -> None:
    outcome = await payments_session.execute("map")
    assert outcome.ok and outcome.data == {"maps": ["to_payments"]}


async def test_map_shows_the_abstract_run_and_checks_it(payments_session: Session) -> None:
    for line in ("inject Checkout.paid order=a amount=5",
                 "inject Checkout.paid order=big amount=500", "run"):
        assert (await payments_session.execute(line)).ok
    outcome = await payments_session.execute("map to_payments")
    assert outcome.ok, outcome.error
    abstract = outcome.data["abstract"]
    assert [(e["id"], e["name"], e["payload"]) for e in abstract] == [
        ("a1", "Client.pay", {"order": "a", "amount": 5}),
        ("a2", "Client.pay", {"order": "big", "amount": 500}),
        ("a3", "Bank.settled", {"order": "a"}),
    ]
    assert abstract[2]["causes"] == ["a1"]
    assert [e.name for e in payments_session.computation if e.id in abstract[2]["from"]] == [
        "Ledger.posted", "Auditor.checked", "Mailer.sent",
    ]
    [violation] = outcome.data["violations"]
    assert violation == {
        "constraint": "every_payment_settled",
        "description": "every payment is settled by the bank",
        "events": ["a2"],
    }


async def test_an_unknown_map_is_an_error_with_the_close_name(payments_session: Session) -> None:
    outcome = await payments_session.execute("map to_payment")
    assert not outcome.ok
    assert outcome.error is not None and "no map 'to_payment' (maps: to_payments)" in outcome.error


async def test_map_has_help_and_completes_map_names(payments_session: Session) -> None:
    assert [c.text for c in payments_session.completions("map ")] == ["to_payments"]
    assert [c.text for c in payments_session.completions("ma")] == ["matches ", "map "]
    outcome = await payments_session.execute("help map")
    assert outcome.ok and outcome.data == {"command": "map"}


def test_a_map_that_does_not_fit_is_a_load_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken_map.py"
    source = EXAMPLE.read_text(encoding="utf-8")
    rule = '            "Bank.settled",\n        ),'
    assert rule in source
    broken.write_text(source.replace(rule, rule.replace("settled", "setled")), encoding="utf-8")
    with pytest.raises(LoadError, match=r"broken_map.py:\d+: .*has no event 'Bank.setled' "
                                        r"\(did you mean 'Bank.settled'\?\)"):
        load_architecture(broken)


def test_the_example_script_runs_and_reports_the_unsettled_payment() -> None:
    script = EXAMPLE.with_suffix(".rapide")
    result = run_rapide("run", EXAMPLE, "--script", script, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert "a3 Bank.settled" in result.stdout
    assert "every_payment_settled: every payment is settled by the bank [a5]" in result.stdout


async def test_a_rules_name_with_a_star_that_completes_no_event_is_told(tmp_path: Path) -> None:
    # Checkout.payd* never matches: `rapide check` warns of it as of a connection's, and
    # `map` notes it under what the map made (nothing, from that rule).
    misspelt = tmp_path / "misspelt_map.py"
    source = EXAMPLE.read_text(encoding="utf-8")
    rule = 'MapRule(Pattern.match("Checkout.paid"), "Client.pay")'
    assert rule in source
    misspelt.write_text(source.replace(rule, rule.replace('"Checkout.paid"', '"Checkout.payd*"')))
    told = (
        'map to_payments, rule 1 ("Checkout.payd*" => Client.pay): Shop has no event whose '
        "name 'Checkout.payd*' matches, so the rule may never match"
    )
    checked = run_rapide("check", misspelt)
    assert checked.returncode == 0, checked.stderr
    assert f"warning: {told}\n" in checked.stdout
    assert "; 1 warning\n" in checked.stdout
    session = Session.load(misspelt, seed=0)
    await session.start()
    try:
        outcome = await session.execute("map to_payments")
    finally:
        await session.close()
    assert outcome.ok, outcome.error
    assert outcome.output[-1].plain == f"note: {told}"
    assert "map to_payments" not in run_rapide("check", EXAMPLE).stdout
