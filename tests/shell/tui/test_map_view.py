"""The ``map`` command in the TUI: the abstract run printed beside the detailed one."""

from __future__ import annotations

from pathlib import Path

from tests.shell.tui.conftest import SIZE, make_app, type_command

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "payments_map.py"


async def test_map_prints_the_two_runs_side_by_side_and_the_violation() -> None:
    app = make_app(EXAMPLE)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject Checkout.paid order=big amount=500")
        await type_command(pilot, "run")
        await type_command(pilot, "map to_payments")
        shown = [line.text.rstrip() for line in app.main_screen.output.lines]
        assert any(line.startswith("run (2 events)") and "to_payments (1 event)" in line
                   for line in shown)
        assert any(line.startswith("e1 Checkout.paid") and "a1 Client.pay" in line
                   for line in shown)
        assert "  every_payment_settled: every payment is settled by the bank [a1]" in shown
