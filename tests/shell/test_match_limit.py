"""A pattern that matches too many ways to follow: watches, breakpoints and expect
stop with a message instead of holding the workbench for minutes."""

from __future__ import annotations

from typing import Any

from pyrapide.patterns import MATCH_LIMIT
from rapide_shell.session import Session
from tests.shell.conftest import FIXTURES
from tests.shell.sessions import started
from tests.shell.test_command_registry import plain

TICKER = FIXTURES / "ticker.py"
# 501 ticks in a chain: Clock.tick -> Clock.tick has 125,250 matches, past the limit.
CHAIN = "inject Clock.tick n=0 limit=500"
TOO_MANY = (
    f"Clock.tick -> Clock.tick matches too many ways to follow (more than {MATCH_LIMIT:,} "
    "matches of its parts joined together): narrow it"
)


async def ok(session: Session, line: str) -> Any:
    outcome = await session.execute(line)
    assert outcome.ok, outcome.error
    return outcome


def said(outcome: Any) -> str:
    return " ".join(plain(outcome.output).split())


async def test_a_watch_that_matches_too_many_ways_stops_following_the_run() -> None:
    async with started(TICKER) as session:
        await ok(session, "watch Clock.tick -> Clock.tick")
        await ok(session, CHAIN)
        run = await ok(session, "run")
        assert f"watch 1 stopped: {TOO_MANY}" in said(run)
        assert session.state == "quiet"  # the run itself went on to its end
        (listed,) = (await ok(session, "matches")).data["watches"]
        assert listed["stopped"].startswith(TOO_MANY)
        assert listed["count"] <= MATCH_LIMIT
        assert "stopped" in said(await ok(session, "matches"))


async def test_a_watch_break_or_expect_past_the_limit_is_refused_at_once() -> None:
    async with started(TICKER) as session:
        await ok(session, CHAIN)
        await ok(session, "run")
        for line, refusal in (
            ("watch Clock.tick -> Clock.tick", "cannot watch: "),
            ("break Clock.tick -> Clock.tick", "cannot break on it: "),
            ("expect Clock.tick -> Clock.tick", "cannot count its matches: "),
        ):
            outcome = await session.execute(line)
            assert not outcome.ok
            assert outcome.error.startswith(refusal + TOO_MANY), outcome.error
        assert session.watches == [] and session.breakpoints == []
        # A narrower pattern is followed to its end.
        narrow = await ok(session, "watch Clock.tick(n=?n) => Clock.tick")
        assert narrow.data == {"watch": 1, "count": 500}
        await ok(session, "expect Clock.tick => Clock.tick count=500")
