"""Lines of the command language, generated: each ends in an outcome, an error in one line.

Whatever a user types or a script holds, ``Session.execute`` returns a
:class:`CommandOutcome`; a refusal says what was wrong in one line, never with the
catch-all that names a Python error (``cannot read the line: RecursionError``, ``step
failed: KeyError``), and what the session had recorded stays.
"""

from __future__ import annotations

import asyncio
import base64
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyrapide.core import Computation
from rapide_shell.address import PREFIX
from rapide_shell.session import Session
from tests.shell.sessions import started

_PATTERNS = [
    "Web.order",
    "Store.reserved(item=?i)",
    "Web.order(item=?i) -> Store.reserved(item=?i)",
    "(Web.order or Store.refused)+",
    "Web.order(quantity=?q) where ?q > 1",
    "errors",
    "constraints",
    "*",
    '"Web.order"',
    "A(k=" + "[" * 150 + ")",
    "Web.order(quantity=1e400)",
    "Web.order(",
]
_COUNTS = [
    "", "count=0", "count=2", "none", "sometimes", "count=2 sometimes", "none sometimes",
    "sometimes none", "count=-1", "count=x", "count=1.5", "count=", "count=1 none",
    "count=" + "9" * 5000,
]
_EVENTS = ["e1", "e2", "e0", "e-1", "e99", "#1", "#0", "#-1", "3", "0", "-2", "e1.5", "x",
           "e" + "9" * 5000, ""]
_NAMES = ["Web.order", "Store.reserved", "Web", "Web.", "Nope.x", '"Web.order"', "*", "#1",
          "it's", '"']
_PAYLOADS = [
    "item=x", 'item="boom"', "quantity=3", "quantity=1e400", "quantity=nan",
    '{"item": "a", "quantity": 2}', '{"item": NaN}', "{}", "{", 'item={"a": 1, "a": 2}',
    "item=[1,", "item", "=x", "item==x", "item=x item=y", '"item"=x', 'item="\\ud800"',
    'item="\\x"', "item=" + "[" * 2000 + "]" * 2000, "quantity=" + "9" * 5000,
    "item='a b'", "item=x # a comment", "item=\x00",
]
_ADDRESSES = [
    "r1-", "r1-eJwLAAAA", "r2-x", "r1-" + "A" * 1000, "start", "it's",
    # Brackets nested 100,000 deep, packed.
    PREFIX + base64.urlsafe_b64encode(zlib.compress(b"[" * 100_000, 9)).decode(),
]
_OTHER = ["", "x" * 300, "'", '"', "\\", "\t", "é", "\u202e", ";", "--at", "--all", "#"]


@st.composite
def _lines(draw: st.DrawFn) -> str:
    """A line: a command with arguments of its kind, mistyped ones among them."""
    command = draw(st.sampled_from([
        "inject", "step", "run", "show", "why", "whynot", "effects", "break", "unbreak",
        "breaks", "watch", "unwatch", "matches", "expect", "history", "back", "forward",
        "goto", "where", "branches", "switch", "fork", "diff", "map", "seed", "say",
        "help", "export", "unknown", "it's",
    ]))
    if command == "inject":
        words = [draw(st.sampled_from(_NAMES)),
                 *draw(st.lists(st.sampled_from(_PAYLOADS), max_size=2))]
    elif command in ("expect", "matches", "break", "watch"):
        words = [draw(st.sampled_from(_PATTERNS)), draw(st.sampled_from(_COUNTS))]
    elif command == "goto":
        words = [draw(st.sampled_from(_ADDRESSES + _EVENTS))]
    elif command == "export":
        words = [draw(st.sampled_from(["", "dot", "nope", "out.json", "x" * 300]))]
    else:
        words = draw(st.lists(st.sampled_from(_EVENTS + _NAMES + _OTHER), max_size=3))
    return " ".join([command, *words])


# What the session says when something below a command broke rather than the line
# being refused: a Python error's name after "failed:" or "cannot read the line:".
_CATCH_ALL = re.compile(r"(cannot read the line|failed): \w+(Error|Exception)\b")


@pytest.fixture
def session_runner(shop_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                   ) -> Iterator[tuple[asyncio.Runner, Session]]:
    """A started shop session and the loop it runs on; files a line names land in
    ``tmp_path``."""
    monkeypatch.chdir(tmp_path)
    with asyncio.Runner() as runner:
        session = Session.load(shop_file, seed=0)
        runner.run(session.start())
        runner.run(session.execute('inject Web.order {"item": "fig"}'))
        runner.run(session.execute("run"))
        try:
            yield runner, session
        finally:
            runner.run(session.close())


def test_every_line_ends_in_an_outcome_and_an_error_in_one_line(
    session_runner: tuple[asyncio.Runner, Session], tmp_path: Path
) -> None:
    runner, session = session_runner

    @settings(max_examples=150, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(_lines())
    def each(line: str) -> None:
        before = [event.id for event in session.computation]
        outcome = runner.run(session.execute(line))
        if session.running:
            runner.run(session.execute("pause"))
        if outcome.ok:
            return
        assert outcome.error, line
        assert "\n" not in outcome.error and len(outcome.error) < 400, outcome.error
        assert not _CATCH_ALL.search(outcome.error), outcome.error
        # A refused line records nothing, and loses nothing.
        assert [event.id for event in session.computation][: len(before)] == before

    each()
    saved = tmp_path / "after.json"
    assert runner.run(session.execute(f"save {saved}")).ok
    assert len(Computation.load(saved)) == len(session.computation)


@pytest.mark.parametrize(
    "line",
    [
        "branches'" + "x" * 300,
        "it's" + "x" * 300,
        "show \"it's" + "x" * 300 + '"',
    ],
)
async def test_a_long_word_with_an_apostrophe_is_quoted_short(
    shop_file: Path, line: str
) -> None:
    # Python quotes a word with an apostrophe in double quotes, which the message's
    # shortening did not know: `unknown command "it'sxxx..."` ran to 300 characters.
    async with started(shop_file, seed=0) as session:
        outcome = await session.execute(line)
    assert not outcome.ok and outcome.error is not None
    assert len(outcome.error) < 160, outcome.error
    assert "…" in outcome.error
