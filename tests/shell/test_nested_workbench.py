"""The workbench on an architecture with an architecture inside: commands, check, graph."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from rapide_shell.completion import complete
from rapide_shell.session import Session
from tests.shell.cli_process import run_rapide

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NESTED = EXAMPLES / "nested_payments.py"


def rapide(*args: str | Path) -> subprocess.CompletedProcess[str]:
    result = run_rapide(*args, timeout=120)
    assert "Traceback" not in result.stdout + result.stderr
    return result


@pytest.fixture
async def session() -> Any:
    session = Session.load(NESTED, seed=0)
    await session.start()
    yield session
    await session.close()


async def ok(session: Session, line: str) -> Any:
    outcome = await session.execute(line)
    assert outcome.ok, outcome.error
    return outcome


def text_of(outcome: Any) -> str:
    console = Console(width=140, record=True, file=io.StringIO())
    for renderable in outcome.output:
        console.print(renderable)
    return console.export_text()


# -- loading ---------------------------------------------------------------------------


def test_the_loader_binds_every_component_by_path(session: Session) -> None:
    assert {path: cls.__name__ for path, cls in session.loaded.bindings.items()} == {
        "front": "FrontModule",
        "payments.ledger": "LedgerModule",
        "payments.desk": "DeskModule",
        "payments.auditor": "AuditorModule",
        "shipping": "ShippingModule",
    }
    # Every event name, inside and out, can be injected and completed.
    assert {"Storefront.order", "Ledger.posted", "Auditor.checked"} <= set(session.actions)


def test_an_architecture_implementing_nothing_used_as_a_component_is_a_load_error(
    tmp_path: Path,
) -> None:
    plain = tmp_path / "plain.py"
    plain.write_text(
        NESTED.read_text().replace("@architecture(implements=Payments)", "@architecture")
    )
    result = rapide("check", plain)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "Shop.payments: PaymentsDept is an @architecture that implements no interface" in line
    assert str(plain) in line


# -- show --------------------------------------------------------------------------------


async def test_show_components_is_a_tree_by_path(session: Session) -> None:
    outcome = await ok(session, "show components")
    rows = [line.rstrip() for line in text_of(outcome).splitlines()]
    # One row per component (more lines for more actions), those inside indented.
    named = [row[:20].rstrip() for row in rows[1:] if row[:20].strip()]
    assert named == [
        "front", "payments", "  payments.ledger", "  payments.desk", "  payments.auditor",
        "shipping",
    ]
    text = "\n".join(rows)
    assert "payments            Payments    architecture PaymentsDept" in text
    assert "  payments.ledger   Ledger      LedgerModule" in text
    assert "  payments.auditor  Auditor     AuditorModule" in text
    components = outcome.data["architecture"]["components"]
    assert components[1]["architecture"] == "PaymentsDept"
    assert [child["path"] for child in components[1]["children"]] == [
        "payments.ledger", "payments.desk", "payments.auditor",
    ]


async def test_show_graph_shows_the_nested_architecture_as_one_component(
    session: Session,
) -> None:
    text = text_of(await ok(session, "show graph"))
    assert "payments (Payments = PaymentsDept)" in text
    assert "payments.ledger" not in text
    hint = "payments is an architecture (PaymentsDept): `show graph payments` shows inside it"
    assert hint in text


async def test_show_graph_path_shows_inside_it(session: Session) -> None:
    outcome = await ok(session, "show graph payments")
    text = text_of(outcome)
    assert text.startswith("architecture PaymentsDept (payments)")
    assert "(outside)        -->  payments.ledger   Storefront.order" in text
    assert "agent    payments.ledger  ~~>  payments.auditor  Ledger.posted" in text
    assert [c["index"] for c in outcome.data["architecture"]["connections"]] == [2, 3, 4, 5]


async def test_show_graph_of_what_is_no_nested_architecture_says_which_are(
    session: Session,
) -> None:
    outcome = await session.execute("show graph front")
    assert not outcome.ok
    assert outcome.error == (
        "cannot show inside front: front is a component bound to a module, not an "
        "architecture (nested architectures: payments)"
    )
    outcome = await session.execute("show graph paymnts")
    assert outcome.error == (
        "cannot show inside paymnts: no component 'paymnts' (nested architectures: "
        "payments); did you mean 'payments'?"
    )


def test_show_graph_completes_the_nested_architectures(session: Session) -> None:
    completions = complete(session, "show graph pa", len("show graph pa"))
    assert [c.text for c in completions] == ["payments"]


# -- run, why, whynot ------------------------------------------------------------------


async def test_why_and_whynot_name_components_by_path(session: Session) -> None:
    await ok(session, "run")
    why = text_of(await ok(session, "why e8"))
    assert "└── e3 Payments.settled from payments.desk" in why
    assert "    └── e2 Ledger.posted from payments.ledger" in why
    outcome = await ok(session, "whynot e2")
    rows = {row["connection"]: row for row in outcome.data["connections"]}
    assert rows[0]["scope"] == "" and rows[3]["scope"] == "payments"
    assert rows[0]["detail"] == (
        "Ledger.posted stays inside payments: it is not an action of Payments, the "
        "interface payments is seen through"
    )
    assert rows[3]["verdict"] == "delivered"
    table = text_of(outcome)
    assert "#  in        kind" in table
    assert "3  payments  connect  Ledger.posted     payments.desk     delivered as #" in table


async def test_whynot_on_a_flat_architecture_has_no_scope_column(shop_session: Session) -> None:
    await ok(shop_session, "inject Web.order item=apple quantity=2")
    table = text_of(await ok(shop_session, "whynot e1"))
    assert " in " not in table.splitlines()[1]


async def test_an_expect_names_sources_by_path(session: Session) -> None:
    await ok(session, "run")
    outcome = await ok(session, 'expect Payments.settled from "payments.desk" count=1')
    assert outcome.data["held"], outcome.data
    # A source names a component and what is inside it.
    for line in ('expect Payments.settled from "payments" count=1',
                 'expect Ledger.posted from "payments" count=1'):
        outcome = await ok(session, line)
        assert outcome.data["held"], outcome.data


# -- rapide graph and rapide check --------------------------------------------------------


def test_rapide_graph_draws_the_nested_architecture_as_a_cluster() -> None:
    text = rapide("graph", NESTED)
    assert text.returncode == 0
    assert "connections inside payments (PaymentsDept):" in text.stdout
    assert "  #2 connect (outside)       --> payments.ledger   on Storefront.order" in text.stdout
    dot = rapide("graph", NESTED, "--format", "dot")
    assert 'subgraph cluster_n_payments {\n    label="payments: PaymentsDept";' in dot.stdout
    assert 'n_payments -> n_payments_ledger [label="connect: Storefront.order"' in dot.stdout
    mermaid = rapide("graph", NESTED, "--format", "mermaid")
    assert 'subgraph s_n_payments["payments: PaymentsDept"]' in mermaid.stdout
    assert 'n_payments_ledger -.->|"agent: Ledger.posted"| n_payments_auditor' in mermaid.stdout


def test_rapide_check_reports_every_level() -> None:
    result = rapide("check", NESTED)
    assert result.returncode == 0, result.stderr
    assert "  payments: Payments = PaymentsDept\n    ledger: Ledger\n" in result.stdout
    assert "  payments.ledger <- LedgerModule" in result.stdout
    assert "constraints: payments: no_posting_over_the_limit" in result.stdout
    assert result.stdout.rstrip().endswith(
        "Shop loads and binds (3 components, 6 with those nested, 6 connections); 0 warnings"
    )


def test_rapide_check_warns_inside_a_nested_architecture(tmp_path: Path) -> None:
    source = NESTED.read_text()
    broken = tmp_path / "broken.py"
    broken.write_text(
        source.replace(
            '        agent(Pattern.match("Ledger.posted"), auditor),\n',
            '        agent(Pattern.match("Ledger.posted", source="ledgr"), auditor),\n'
            '        pipe(Pattern.match("Shipping.shipped"), desk),\n',
        )
    )
    result = rapide("check", broken)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stdout.splitlines() if line.startswith("warning:")]
    assert warnings == [
        'warning: connection #5 (agent Ledger.posted from "ledgr"): source "ledgr" is no '
        'component (did you mean "ledger"?), so only injected events can carry it',
        "warning: connection #6 (pipe Shipping.shipped): no component in payments, nor "
        "delivered into it, emits an event its pattern can match, so only injected events "
        "can fire it",
    ]


def test_rapide_check_warns_of_an_unconnected_component_inside(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text(
        NESTED.read_text().replace(
            '        agent(Pattern.match("Ledger.posted"), auditor),\n', ""
        )
    )
    result = rapide("check", broken)
    assert result.returncode == 0, result.stderr
    assert (
        "warning: component 'payments.auditor' (Auditor) is not connected: no connection "
        "delivers to it and none listens to its events"
    ) in result.stdout


def test_the_json_of_the_check_and_the_export_keep_the_tree(tmp_path: Path) -> None:
    target = tmp_path / "shop.json"
    script = tmp_path / "script.rapide"
    script.write_text(f"run\nexport json {target}\n")
    result = rapide("run", NESTED, "--script", script)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(target.read_text())
    sources = {event["source"] for event in data["events"]}
    assert {"payments.ledger", "payments.desk", "payments.auditor"} <= sources
