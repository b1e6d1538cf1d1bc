"""The command language under bad input: every line gets one clear message and a column,
never a traceback, and the session (REPL, script, TUI) goes on with what it recorded."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from rich.cells import cell_len

from pyrapide import Computation
from rapide_shell.session import Session
from tests.shell.cli_process import run_rapide
from tests.shell.test_repl import PASTE_END, PASTE_START, User

FIXTURES = Path(__file__).parent / "fixtures"
SHOP = FIXTURES / "shop.py"
EXAMPLES = Path(__file__).parents[2] / "examples"

DEEP = 5000
NESTED_PAYLOAD = '{"item": "x", "extra": ' + "[" * DEEP + "]" * DEEP + "}"
#: The REPL test types the bad lines shorter than this, and pastes the longer ones.
TYPED = 2000

# Each bad line, the message it gets and the column its caret points at (None: none).
BAD_LINES = [
    (
        "watch " + " -> ".join(["Web.order"] * 501),
        "pattern syntax error: nested 500 deep (operators, conditions and values inside one "
        "another); at most 100",
        6,
    ),
    (
        "break Web.order" + "+" * 1000,
        "pattern syntax error: nested 1000 deep (operators, conditions and values inside one "
        "another); at most 100",
        6,
    ),
    (
        "expect Web.order(item=" + "[" * 300 + "]" * 300 + ")",
        "pattern syntax error: nested 300 deep (operators, conditions and values inside one "
        "another); at most 100",
        22 + 100,
    ),
    (
        "inject Web.order " + NESTED_PAYLOAD,
        "the payload nests lists and objects more than 100 deep",
        17 + len('{"item": "x", "extra": ') + 99,
    ),
    (
        "inject Web.order item=x quantity=" + "[" * 150 + "]" * 150,
        "the value of 'quantity' nests lists and objects more than 100 deep (the payload "
        "counting as one)",
        33 + 99,
    ),
    (
        'inject Web.order {"item": "x", "quantity": NaN}',
        "in the payload: NaN is not a JSON number; only finite numbers can be saved",
        43,
    ),
    (
        "inject Web.order item=x quantity=Infinity",
        'Infinity is not a JSON number; only finite numbers can be saved (for the text, '
        'quote it: quantity="Infinity")',
        33,
    ),
    (
        "inject Web.order item=x quantity=[1, -Infinity]",
        "in the value of 'quantity': -Infinity is not a JSON number; only finite numbers "
        "can be saved",
        37,
    ),
    (
        "inject Web.order item=x quantity=" + "9" * 5000,
        "in the value of 'quantity': an integer of 5000 digits, longer than the 4300 "
        "Python reads",
        33,
    ),
    (
        "inject Web.order item=x quantity=1e400",
        "Web.order: quantity is declared int, got Infinity",
        24,
    ),
    (
        "inject Web.order item=x quantity=not-a-number",
        'Web.order: quantity is declared int, got "not-a-number"',
        24,
    ),
    (
        "inject Web.order item=x qty=2",
        "Web.order has no field 'qty' (its fields: item, quantity)",
        24,
    ),
    ("seed x1", "a seed is a whole number (negative ones too), not 'x1'", 5),
    ("show events 0", "an event count must be a whole number, 1 or more, not '0' (no count: "
     "the last 200)", 12),
    ("show queue 0", "a dispatch count must be a whole number, 1 or more, not '0' (no count: "
     "the first 200)", 11),
    # Digits that str.isdigit() takes and int() does not: "cannot read the line:
    # ValueError" before, without a column.
    ("step ²", "step takes a count of 1 or more, connect|pipe|agent|wake or a dispatch id like "
     "#12, not '²'", 5),
    ("run ²", "a number of steps must be a whole number, 1 or more, not '²'", 4),
    ("back ²", "the number of steps must be a whole number, 1 or more, not '²'", 5),
    ("goto ²", "goto takes a step number (`history` lists them) or an address starting with "
     "'r1-' (`where` prints one), not '²'", 5),
    ("seed -²", "a seed is a whole number (negative ones too), not '-²'", 5),
    ("unwatch ²", "a watch id must be a whole number, 1 or more, not '²'", 8),
    ("expect Web.order count=²", "count= must be a whole number, 0 or more, not '²'", 23),
    ("step \u0661", "step takes a count of 1 or more, connect|pipe|agent|wake or a dispatch "
     "id like #12, not '\u0661'", 5),  # an Arabic-Indic one
    (
        'inject Web.order {"item": "x"} quantity=2',
        "unexpected 'quantity=2' after the JSON payload (a payload is one JSON object, or "
        "key=value pairs)",
        31,
    ),
    # Nothing after `=`: not "malformed JSON ... looks truncated", which it is not.
    ("inject Web.order item=", 'item= has no value (for an empty text, write item="")', 22),
    ("inject Web.order item= quantity=2", 'item= has no value (for an empty text, write '
     'item="")', 22),
    # A paste gone wrong: what the message quotes of it is cut, so it stays one line.
    ("why " + "e" * 5000, "no event '" + "e" * 59 + "…' (events are e1 to e4)", None),
    (
        "seed " + "7x" * 5000,
        "a seed is a whole number (negative ones too), not '" + ("7x" * 30)[:59] + "…'",
        5,
    ),
    # Read as a pattern, `constraints` was an event no interface declares: a failed
    # expect (exit 1) where the line itself is wrong (exit 2).
    (
        "expect constraints count=1",
        "`expect constraints` takes nothing after it (no count=, none or sometimes): it "
        "holds when no constraint is violated",
        19,
    ),
    (
        "expect constraints  sometimes",
        "`expect constraints` takes nothing after it (no count=, none or sometimes): it "
        "holds when no constraint is violated",
        20,
    ),
    # Not a pattern with a syntax error at `extra`.
    (
        "expect constraints extra",
        "`expect constraints` takes nothing after it (no count=, none or sometimes): it "
        "holds when no constraint is violated",
        19,
    ),
    # Read as a pattern: "pattern syntax error: expected '&', '(', ... found 'some'",
    # which did not say what `expect errors` takes.
    (
        "expect errors some",
        "`expect errors` takes count=N, none or sometimes after it, not 'some'",
        14,
    ),
    (
        "expect errors nonee sometimes",
        "`expect errors` takes count=N, none or sometimes after it, not 'nonee'",
        14,
    ),
    # Two short quotes far apart: the text between them is no quote to shorten.
    ("show evnts", "cannot show 'evnts': one of graph, queue, events, event, components; did "
     "you mean 'events' or 'event'?", 5),
    ("save ''", "'' is an empty file name", 5),
    ("export dot \"\"", '"" is an empty file name', 11),
]


@pytest.fixture
async def session_with_work(tmp_path: Path):
    """A started shop session that already recorded four events."""
    session = Session.load(SHOP, seed=0)
    await session.start()
    for line in ("inject Web.order item=apple", "run"):
        assert (await session.execute(line)).ok
    yield session
    await session.close()


@pytest.mark.parametrize("line, message, column", BAD_LINES, ids=lambda v: str(v)[:30])
async def test_a_bad_line_is_one_message_and_what_was_recorded_stays(
    session_with_work: Session, tmp_path: Path, line: str, message: str, column: int | None
) -> None:
    session = session_with_work
    before = [event.id for event in session.computation]
    outcome = await session.execute(line)
    assert not outcome.ok
    assert outcome.error == message
    assert outcome.column == column
    assert all("Traceback" not in getattr(item, "plain", "") for item in outcome.output)
    # The session goes on, and what it had recorded is whole: saved, then read back.
    assert [event.id for event in session.computation] == before
    saved = tmp_path / "after.json"
    assert (await session.execute(f"save {saved}")).ok
    assert [event.id for event in Computation.load(saved)] == before


async def test_what_the_command_language_refuses_the_library_refuses_the_same_way(
    session_with_work: Session,
) -> None:
    system = session_with_work.system
    for line, payload in [
        (
            "inject Web.order item=x quantity=not-a-number",
            {"item": "x", "quantity": "not-a-number"},
        ),
        ("inject Web.order item=x qty=2", {"item": "x", "qty": 2}),
        ('inject Web.order {"quantity": 2}', {"quantity": 2}),
    ]:
        outcome = await session_with_work.execute(line)
        with pytest.raises(ValueError) as refused:
            system.inject("Web.order", payload)
        assert outcome.error == str(refused.value)


async def test_field_names_in_any_script_and_negative_seeds_are_accepted(tmp_path: Path) -> None:
    architecture = tmp_path / "unicode_fields.py"
    architecture.write_text(
        "from pyrapide import action, architecture, interface, module\n"
        "@interface\n"
        "class Küche:\n"
        "    @action\n"
        "    async def bestellt(self, größe: int, 名前: str) -> None: ...\n"
        "@module(implements=Küche)\n"
        "class Koch:\n"
        "    pass\n"
        "@architecture\n"
        "class Haus:\n"
        "    küche = Küche\n"
        "    connections = []\n",
        encoding="utf-8",
    )
    session = Session.load(architecture, seed=0)
    await session.start()
    outcome = await session.execute("inject Küche.bestellt größe=3 名前=Tee")
    assert outcome.ok, outcome.error
    (event,) = session.computation
    assert dict(event.payload) == {"größe": 3, "名前": "Tee"}
    seeded = await session.execute("seed -1")
    assert seeded.ok and session.seed == -1
    await session.close()


def test_rapide_run_names_the_line_of_a_deep_pattern_and_keeps_what_was_saved(
    tmp_path: Path,
) -> None:
    saved = tmp_path / "before.json"
    script = tmp_path / "deep.rapide"
    script.write_text(
        "inject Web.order item=apple\n"
        "run\n"
        f"save {saved}\n"
        f"inject Web.order {NESTED_PAYLOAD}\n",
        encoding="utf-8",
    )
    # Parsed before anything runs: the script is refused at its fourth line.
    result = run_rapide("run", SHOP, "--script", script)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith(
        f"rapide: {script}:4: the payload nests lists and objects more than 100 deep "
        "(checked before running: no command was run)\n"
    )
    # A fault found while running stops the script there, after what ran before it.
    script.write_text(
        "inject Web.order item=apple\n"
        "run\n"
        f"save {saved}\n"
        "inject Web.order item=x quantity=1e400\n",
        encoding="utf-8",
    )
    result = run_rapide("run", SHOP, "--script", script)
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"rapide: {script}:4: Web.order: quantity is declared int, got Infinity "
        "(the rest of the script was not run)\n"
    )
    assert len(Computation.load(saved)) == 4


LONG_NUMBER = "9" * 5000


@pytest.mark.parametrize(
    "line",
    [f"seed -{LONG_NUMBER}", f"step {LONG_NUMBER}", f"step #{LONG_NUMBER}",
     f"run {LONG_NUMBER}", f"goto {LONG_NUMBER}", f"back {LONG_NUMBER}",
     f"expect Web.order count={LONG_NUMBER}", f"unwatch {LONG_NUMBER}"],
    ids=lambda line: line.split()[0] + (" #" if "#" in line else ""),
)
def test_a_number_longer_than_python_reads_is_said_at_its_column(
    tmp_path: Path, line: str
) -> None:
    # int() refused it with Python's own words about sys.set_int_max_str_digits.
    script = tmp_path / "long.rapide"
    script.write_text(f"inject Web.order item=apple\n{line}\n", encoding="utf-8")
    result = run_rapide("run", SHOP, "--script", script)
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"rapide: {script}:2: a number of 5000 digits, longer than the 4300 Python reads "
        "(checked before running: no command was run)\n"
    )
    caret = result.stderr.splitlines()[-1]
    assert caret.strip() == "^" and line[len(caret) - 3] in "-#9"


@pytest.mark.parametrize(
    ("line", "pointed"),
    [('inject Web.order {"item": "抹茶抹茶", bad}', "bad"),
     ('expect Web.order(item="抹茶") ->> Web.order', "> Web")],
    ids=["payload", "pattern"],
)
def test_the_caret_stays_under_the_problem_after_wide_characters(
    tmp_path: Path, line: str, pointed: str
) -> None:
    # The caret was placed by characters: each wide character (two cells on a terminal)
    # before the problem left it a cell further left of it.
    script = tmp_path / "wide.rapide"
    script.write_text(f"{line}\n", encoding="utf-8")
    result = run_rapide("run", SHOP, "--script", script)
    assert result.returncode == 2
    echoed, caret = result.stderr.splitlines()[-2:]
    assert caret.strip() == "^"
    assert cell_len(caret) - 1 == cell_len(echoed[: echoed.index(pointed)])


def test_an_event_id_longer_than_python_reads_is_no_event(tmp_path: Path) -> None:
    script = tmp_path / "long.rapide"
    script.write_text(f"inject Web.order item=apple\nshow event e{LONG_NUMBER}\n")
    result = run_rapide("run", SHOP, "--script", script)
    assert result.returncode == 2
    assert result.stderr.startswith(f"rapide: {script}:2: no event 'e999")


def test_the_json_report_of_a_refused_line_is_json(tmp_path: Path) -> None:
    script = tmp_path / "nan.rapide"
    script.write_text('inject Web.order {"item": "x", "quantity": NaN}\n', encoding="utf-8")
    result = run_rapide("run", SHOP, "--script", script, "--json")
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["error"] == {
        "line": 1,
        "message": "in the payload: NaN is not a JSON number; only finite numbers can be saved",
    }


def sees_wrapped(user: User, text: str, timeout: float = 90) -> None:
    """Wait until ``text`` is on the screen, wherever the terminal wrapped it."""
    wanted = "".join(text.split())
    deadline = time.monotonic() + timeout
    while wanted not in "".join(user.unread.split()):
        assert time.monotonic() < deadline, f"never saw {text!r}"
        user._read(0.1)
    # Keep what came after it, as User.sees does: count its non-blank characters off.
    left = "".join(user.unread.split()).index(wanted) + len(wanted)
    position = 0
    while left:
        left -= not user.unread[position].isspace()
        position += 1
    user.unread = user.unread[position:]


@pytest.mark.slow
def test_the_repl_survives_every_deep_and_non_finite_input(tmp_path: Path) -> None:
    saved = tmp_path / "kept.json"
    user = User(SHOP, tmp_path)
    user.sees("[quiet]>")
    user.enters("inject Web.order item=apple")
    user.sees("[paused · 1 pending]>")
    user.enters("run")
    user.sees("[quiet]>")
    for line, message, _ in BAD_LINES:
        # Typed key by key, or, as a line of thousands of characters comes, pasted: the
        # prompt reads a typed key in a fifth of a millisecond, seconds for such a line.
        user.enters(line if len(line) < TYPED else PASTE_START + line + PASTE_END)
        sees_wrapped(user, f"error: {message}")
        user.sees("[quiet]>", timeout=90)
    user.enters(f"save {saved}")
    user.sees("saved 4 events")
    user.enters("quit")
    assert user.leaves() == 2  # each bad line an error, none of them fatal
    assert "internal error" not in user.screen
    assert len(Computation.load(saved)) == 4


async def test_the_tui_reports_each_bad_line_and_goes_on(tmp_path: Path) -> None:
    from rapide_shell.tui.app import RapideApp
    from tests.shell.tui.conftest import SIZE, type_command

    app = RapideApp(Session.load(SHOP, seed=0))
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject Web.order item=apple")
        await type_command(pilot, "run")
        for line, message, _ in BAD_LINES[:6]:
            await type_command(pilot, line)  # typed in the command bar, Enter pressed
            output = app.main_screen.output
            shown = "".join(segment.text for strip in output.lines for segment in strip)
            # The panel wraps long lines: compare without the blanks it moves.
            assert "".join(f"error: {message}".split()) in "".join(shown.split())
        await type_command(pilot, f"save {tmp_path / 'kept.json'}")
        await type_command(pilot, "inject Web.order item=pear")
        assert len(app.session.computation) == 5
    assert len(Computation.load(tmp_path / "kept.json")) == 4


def test_a_script_s_step_with_a_blank_after_its_hash_is_refused_before_anything_runs(
    tmp_path: Path,
) -> None:
    script = tmp_path / "spaced.rapide"
    script.write_text("inject Web.order item=apple   # an order\nstep # 1\n", encoding="utf-8")
    result = run_rapide("run", SHOP, "--script", script)
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"rapide: {script}:2: `step # 1` would be a plain step: a `#` between blanks starts a "
        "comment; for dispatch 1, write `step #1` (for a comment, put words in it) "
        "(checked before running: no command was run)\n"
    ), result.stderr
    script.write_text("inject Web.order item=apple   # an order\nstep #1   # the order\n",
                      encoding="utf-8")
    assert run_rapide("run", SHOP, "--script", script).returncode == 0


def test_a_script_s_step_with_nothing_after_its_hash_is_refused_before_anything_runs(
    tmp_path: Path,
) -> None:
    # It took a plain step, the scheduler's choice, where the line meant to choose one.
    script = tmp_path / "hashed.rapide"
    script.write_text("inject Web.order item=apple\nstep #\nshow queue\n", encoding="utf-8")
    result = run_rapide("run", SHOP, "--script", script)
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"rapide: {script}:2: `step #` would be a plain step: a `#` at the end starts a "
        "comment; a dispatch id goes right after the `#`: `step #12` (for a comment, put "
        "words in it) (checked before running: no command was run)\n"
    ), result.stderr
    assert "ran #1" not in result.stdout


def test_a_quoted_name_is_the_name_for_every_command_that_takes_one(tmp_path: Path) -> None:
    # `inject "Web.order"`, `why "e1"`, `show graph "x"` and `save "f"` took a quoted
    # word as the word; `switch "main"` answered "no branch '"main"' (...); did you
    # mean 'main'?", and so did fork, diff, map and help.
    lines = [
        'inject "Checkout.paid" order=a amount=5', 'why "e1"', 'fork "try"', "run",
        'switch "main"', 'diff "try"', 'help "step"', 'map "to_payments"',
        'save "run one.json"',
    ]
    result = run_rapide("run", EXAMPLES / "payments_map.py", "--script", "-",
                        stdin="\n".join(lines) + "\n", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "branch try starts at step 1 of main" in result.stdout
    assert "at step 1 (the last) of main" in result.stdout
    assert "try (to step 4) recorded 3 events that main did not" in result.stdout
    assert "Take one step: run a pending dispatch or resume one in flight." in result.stdout
    assert "every payment is settled by the bank" in result.stdout
    assert (tmp_path / "run one.json").exists()
