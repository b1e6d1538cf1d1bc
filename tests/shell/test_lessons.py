"""The lessons that ship: each plays headless, its expects holding; `rapide lessons` finds them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from rapide_shell.commands.builtin.narrating import command_word
from rapide_shell.lessons import Lesson, LessonNotFound, find_lesson, find_lessons
from rapide_shell.script import ScriptLine, play, read_script
from rapide_shell.script_parts import (
    ScriptPart,
    StartError,
    part_holding,
    script_parts,
    start_line,
)
from rapide_shell.session import Session
from tests.shell.cli_process import REPO, run_rapide
from tests.shell.terminal import Terminal, printed_in_a_terminal

LESSONS = find_lessons()


def test_five_lessons_ship_in_order_each_with_a_summary() -> None:
    assert [(lesson.number, lesson.name) for lesson in LESSONS] == [
        (1, "connections"), (2, "causality"), (3, "patterns"), (4, "constraints"), (5, "choices"),
    ]
    for lesson in LESSONS:
        assert lesson.summary and not lesson.summary.startswith("#"), lesson.name
        assert lesson.architecture.parent == REPO / "examples" / "lessons"


async def _played(
    lesson: Lesson, *extra_lines: str, seed: int | None = None
) -> tuple[Session, object]:
    session = Session.load(lesson.architecture, seed=seed)
    await session.start()
    lines = read_script(lesson.script)
    result = await play(session, lines, script=str(lesson.script))
    for text in extra_lines:
        outcome = await session.execute(text)
        assert outcome.ok, outcome.error
    return session, result


# Served with another seed (`rapide serve --seed 1 --script ...`), a lesson tells the
# same story: one whose narration names a schedule's outcome sets its seed itself.
@pytest.mark.parametrize("seed", [None, 1], ids=["seed-0", "seed-1"])
@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.name for lesson in LESSONS])
async def test_each_lesson_plays_headless_and_its_expects_hold(
    lesson: Lesson, seed: int | None
) -> None:
    session, result = await _played(lesson, seed=seed)
    try:
        assert result.error is None, result.error_message()
        assert result.failed_expectations == []
        commands = [command_word(line.text) for line, _ in result.outcomes]
        # A narrated lesson: it speaks, it pauses for the presenter, and it checks itself.
        assert commands.count("say") >= 4
        assert commands.count("wait") >= 2
        assert commands.count("expect") >= 3
        assert len(session.expectations) == commands.count("expect")
    finally:
        await session.close()


def test_a_shell_command_a_lesson_gives_runs_where_it_says() -> None:
    # The class reads it off the banner while the workbench runs wherever it was
    # started: it must say where its relative paths are, and run from there.
    said = [line.text for lesson in LESSONS for line in read_script(lesson.script)
            if command_word(line.text) == "say" and "`rapide " in line.text]
    assert said
    for text in said:
        assert "in the lessons' folder (`rapide lessons` names it)" in text, text
        command = text.split("`rapide ")[1].split("`")[0].split()
        ran = run_rapide(*command, cwd=REPO / "examples" / "lessons")
        assert ran.returncode == 0, ran.stdout + ran.stderr


def test_a_terminal_command_a_lesson_gives_has_the_browsers_command_beside_it() -> None:
    # A class following in browsers has no terminal: lesson 5 sent it to `rapide
    # explore` alone, which none of them could run, though the workbench's own
    # `explore` does the same in the lesson's folder, where a served tab starts.
    said = [(lesson, line.text) for lesson in LESSONS for line in read_script(lesson.script)
            if command_word(line.text) == "say" and "`rapide explore " in line.text]
    assert said
    for lesson, text in said:
        assert "in a browser" in text, text
        workbench = [part for part in text.split("`")[1::2] if part.startswith("explore ")]
        assert workbench, text
        ran = run_rapide("repl", lesson.architecture.name, stdin=workbench[0] + "\n",
                         cwd=lesson.architecture.parent, timeout=120)
        assert ran.returncode == 0, ran.stdout + ran.stderr
        assert "every property held in every schedule" in ran.stdout


@pytest.mark.parametrize(
    "expectation",
    [
        # Connect's return edge: after an emit's connect deliveries finish, the
        # emitter's next event is also caused by the last event of each delivery's run.
        pytest.param(
            'expect Kitchen.ready(item="tea") => Counter.order(item="cake")',
            id="connect-return-edge",
        ),
        # A pipe's chain carries through a delivery that emitted nothing: what delivery
        # k+1 produces follows what a silent delivery k was delivered.
        pytest.param(
            "expect Till.sale(n=2) => Ledger.entry(n=3)",
            id="pipe-chain-through-a-silent-delivery",
        ),
    ],
)
async def test_the_causality_lesson_shows_what_its_narration_says(expectation: str) -> None:
    session, _ = await _played(find_lesson("causality"))
    try:
        outcome = await session.execute(expectation)
        assert outcome.ok, outcome.error  # a broken line fails outright, never "expected"
        assert not outcome.failed_expectation, outcome.data
    finally:
        await session.close()


def test_a_lesson_is_found_by_name_number_or_file_name() -> None:
    assert find_lesson("causality").number == 2
    assert find_lesson("2").name == "causality"
    assert find_lesson("02").name == "causality"
    assert find_lesson("02_causality").name == "causality"
    # As the listing's title writes it, or typed with Caps Lock on.
    assert find_lesson("Causality").name == "causality"
    assert find_lesson("02_CAUSALITY").name == "causality"
    with pytest.raises(LessonNotFound) as missing:
        find_lesson("causalty")
    assert str(missing.value) == (
        "no lesson 'causalty'; did you mean 'causality'? "
        "(lessons: connections, causality, patterns, constraints, choices)"
    )


def test_only_a_script_with_its_architecture_beside_it_is_a_lesson(tmp_path: Path) -> None:
    (tmp_path / "01_alone.rapide").write_text("# no architecture\n")
    (tmp_path / "notes.rapide").write_text("# not numbered\n")
    (tmp_path / "notes.py").write_text("")
    (tmp_path / "02_pair.rapide").write_text("say no summary line\n")
    (tmp_path / "02_pair.py").write_text("")
    assert [(lesson.name, lesson.summary) for lesson in find_lessons(tmp_path)] == [("pair", "")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--serve"], "--serve is for playing a lesson: name one (`rapide lessons` lists them)"),
        (["--speed", "3"], "--speed is for playing a lesson: name one (`rapide lessons` lists "
                           "them)"),
        (["choices", "--port", "9000"], "--port is for --serve: without it the lesson plays "
                                        "here, in this terminal"),
        (["choices", "--host", "0.0.0.0"], "--host is for --serve: without it the lesson plays "
                                           "here, in this terminal"),
    ],
)
def test_an_option_that_would_be_ignored_is_refused(args: list[str], message: str) -> None:
    # A presenter who forgot --serve would otherwise get a workbench in the terminal
    # while the class waits at the address.
    result = run_rapide("lessons", *args, timeout=30)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"rapide: {message}\n"


@pytest.mark.parametrize(
    "command",
    [("lessons", "choices"), ("shell", REPO / "examples" / "seed_system.py", "--script",
                              REPO / "examples" / "seed_system.rapide")],
    ids=["lessons", "shell"],
)
@pytest.mark.parametrize("speed", ["inf", "61"])
def test_a_pace_that_would_never_go_on_is_refused(command: tuple, speed: str) -> None:
    # It would open the workbench on a script that never plays its second line.
    result = run_rapide(*command, "--speed", speed, timeout=30)
    assert (result.returncode, result.stdout) == (2, "")
    assert f"argument --speed: {speed} is not from 0 to 60" in result.stderr


def test_rapide_lessons_lists_them_with_a_summary_each() -> None:
    result = run_rapide("lessons")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for lesson, line in zip(LESSONS, lines, strict=False):
        assert line.split(maxsplit=2) == [str(lesson.number), lesson.name, lesson.summary]
    assert "rapide lessons connections" in result.stdout


def test_in_a_narrow_terminal_the_listing_wraps_between_words() -> None:
    # Printed 110 columns wide, an 80-column terminal broke "rule" and "browsers" in two.
    status, printed = printed_in_a_terminal("lessons", columns=60)
    assert status == 0
    lines = printed.splitlines()
    assert lines[:2] == [
        "1  connections  Connections: connect, pipe and agent side by",
        "                side, and what the poset shows for each.",
    ]
    words = " ".join(lines).split()
    assert "browsers;" in words and "rule." in words
    command = f"  rapide run {LESSONS[0].architecture} --script {LESSONS[0].script}"
    assert command in printed.replace("\n", "")  # whole, the terminal wraps it


@pytest.mark.parametrize(
    "name", ["pipes", "²", "9", pytest.param("9" * 5000, id="more-digits-than-int-reads")]
)
def test_an_unknown_lesson_is_one_line_and_status_2(name: str) -> None:
    result = run_rapide("lessons", name)
    assert result.returncode == 2
    assert result.stderr.startswith(f"rapide: no lesson {name!r}")
    assert result.stderr.count("\n") == 1


@pytest.mark.slow
def test_rapide_lessons_name_plays_it_in_the_workbench_and_waits_for_the_presenter() -> None:
    child = Terminal(
        sys.executable, ["-m", "rapide_shell.cli", "lessons", "choices", "--speed", "0"],
        cwd=str(REPO), dimensions=(48, 160), encoding="utf-8", timeout=30,
        env={"TERM": "xterm-256color", "PATH": str(Path(sys.executable).parent)},
    )
    try:
        # At speed 0 a narration stays on the screen only until the next: the one before
        # each `wait` (on a busy machine, those before it may be gone before a frame is
        # drawn).
        child.expect("The two bids are causally independent")
        child.expect("press any key to go on")
        child.send(" ")
        child.expect("lists every decision that shaped this run")
        child.sendcontrol("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0


def _said(lesson: Lesson, beginning: str) -> str:
    """The lesson's ``say`` line that begins with ``beginning``."""
    (text,) = [line.text for line in read_script(lesson.script)
               if line.text.startswith(f"say {beginning}")]
    return text


async def test_the_causality_lesson_names_each_direct_cause_of_entry_3() -> None:
    # `why e9` shows three causes on the screen: the narration beside it names them all.
    lesson = find_lesson("causality")
    said = _said(lesson, "Entry 3 (e9)")
    session, _ = await _played(lesson)
    try:
        causes = session.computation.direct_causes("e9")
        assert sorted(event.id for event in causes) == ["e6", "e7", "e8"]
        for event in causes:
            assert f"({event.id})" in said, event.id
    finally:
        await session.close()


async def test_the_patterns_lesson_accounts_for_all_six_matches() -> None:
    # "Without ?o it counts 6": the narration's pairs, counted, make the six.
    said = _said(find_lesson("patterns"), "With ?o")
    session, _ = await _played(find_lesson("patterns"))
    try:
        placed = session.computation.events_by_name("Customer.placed")
        packed = session.computation.events_by_name("Packer.packed")
        pairs = {(before.payload["id"], after.payload["id"]) for before in placed
                 for after in packed if session.computation.is_ancestor(before, after)}
        assert pairs == {(1, 1), (2, 2), (3, 3), (1, 2), (1, 3), (2, 3)}
        assert "(order 1 those of orders 2 and 3, order 2 that of order 3)" in said
    finally:
        await session.close()


async def test_the_connections_lesson_is_right_that_step_3_is_refused_before_step_2() -> None:
    lesson = find_lesson("connections")
    assert "try `step #3` before `step #2`: it is refused" in _said(lesson, "A pipe delivers")
    session = Session.load(lesson.architecture)
    await session.start()
    try:
        refused = await session.execute("step #3")
        # Said for the `step #3` typed, not as the library's call `step(#3)` names it.
        assert refused.error == "#3 waits behind #2 (pipes are FIFO)"
        assert (await session.execute("step #2")).ok
        assert (await session.execute("step #3")).ok
    finally:
        await session.close()


async def test_the_constraints_lesson_turn_replays_the_withdrawals_on_the_fixed_check(
    tmp_path: Path,
) -> None:
    # Its last line: `where`, fix the check, `reload`, `goto` the address. Without the
    # address a reload leaves an empty system, the six withdrawals to be typed again.
    lesson = find_lesson("constraints")
    turn = _said(lesson, "Your turn")
    assert all(word in turn for word in ("`where`", "`reload`", "`goto`"))
    copy = tmp_path / lesson.architecture.name
    copy.write_text(lesson.architecture.read_text(encoding="utf-8"), encoding="utf-8")
    session = Session.load(copy)
    await session.start()
    try:
        result = await play(session, read_script(lesson.script), script=str(lesson.script))
        assert result.error is None and result.failed_expectations == []
        address = (await session.execute("where")).data["address"]
        buggy = "if self.balance - amount < -OLD_OVERDRAFT_ALLOWANCE:"
        source = copy.read_text(encoding="utf-8")
        assert buggy in source
        copy.write_text(source.replace(buggy, "if self.balance - amount < 0:"), encoding="utf-8")
        for line in ("reload", f"goto {address}"):
            outcome = await session.execute(line)
            assert outcome.ok, outcome.error
        debits = session.computation.events_by_name("Account.debited")
        assert [event.payload["balance"] for event in debits] == [6, 3, 1, 0]
        refusals = session.computation.events_by_name("Account.refused")
        assert [event.payload["amount"] for event in refusals] == [5, 9]
        assert session.state == "quiet"
    finally:
        await session.close()


# -- picking a lesson up where it stopped: --from PART ----------------------------------


def test_a_wait_ends_each_part_and_from_names_a_part_or_a_line() -> None:
    lines = read_script(find_lesson("causality").script)
    parts = script_parts(lines)
    waits = [line.number for line in lines if command_word(line.text) == "wait"]
    # A part ends at each wait; the one after the last wait holds the lesson's end.
    assert [part.last_line for part in parts] == [*waits, len(lines)]
    assert [part.first_line for part in parts] == [1, *(wait + 1 for wait in waits)]
    assert start_line(lines, "1", "causality") == 1
    assert start_line(lines, "3", "causality") == waits[1] + 1
    assert start_line(lines, "line:17", "causality") == 17
    assert part_holding(lines, 17).number == 4


def test_comments_after_the_last_wait_are_no_part_of_their_own() -> None:
    lines = [ScriptLine(number, text) for number, text in
             enumerate(["say one", "wait", "step", "wait", "# the end", ""], 1)]
    assert [(part.first_line, part.last_line) for part in script_parts(lines)] == [
        (1, 2), (3, 4),
    ]
    lines = [ScriptLine(1, "step"), ScriptLine(2, "step")]
    assert script_parts(lines) == [ScriptPart(1, 1, 2)]
    with pytest.raises(StartError, match=r"^s\.rapide has 1 part \(it holds for no `wait`"):
        start_line(lines, "2", "s.rapide")


async def test_a_script_played_from_a_line_replays_those_above_quickly_and_unheard() -> None:
    # The state the lines from `start` act on is the one playing would have left: the
    # lines above run (so that `why e9` names the same causes), but the front end's pace
    # and a presenter's `wait` are spared them.
    lesson = find_lesson("causality")
    lines = read_script(lesson.script)
    start = start_line(lines, "7", "causality")
    whole, _ = await _played(lesson)
    session = Session.load(lesson.architecture)
    await session.start()
    heard: list[int] = []
    waited: list[int] = []
    caught_up: list[list[int]] = []

    async def presenter() -> None:
        waited.append(heard[-1])

    session.wait_for_presenter = presenter
    try:
        result = await play(
            session, lines, script=str(lesson.script), start=start,
            on_line=lambda line: heard.append(line.number),
            on_outcome=lambda line, _outcome: heard.append(line.number),
            on_caught_up=lambda: caught_up.append(list(heard)),
        )
        assert result.error is None and result.failed_expectations == []
        assert caught_up == [[]]  # once, before any line was heard
        assert min(heard) == start
        assert waited == []  # no wait after line `start`; those above went on at once
        assert session.wait_for_presenter is presenter
        # Every line ran, those replayed included: the same expectations, the same run.
        assert len(result.outcomes) == sum(1 for line in lines if line.is_command)
        assert [e.id for e in session.computation.topological_order()] == \
            [e.id for e in whole.computation.topological_order()]
        assert session.decisions.address() == whole.decisions.address()
    finally:
        await session.close()
        await whole.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["causality", "--from", "9"],
         "--from 9: the lesson causality has 7 parts (1 to 7; a `wait` ends each)"),
        (["causality", "--from", "0"],
         "--from 0: the lesson causality has 7 parts (1 to 7; a `wait` ends each)"),
        (["causality", "--from", "9" * 5000],
         f"--from {'9' * 5000}: the lesson causality has 7 parts (1 to 7; a `wait` ends each)"),
        (["causality", "--from", "line:35"], "--from line:35: the lesson causality has 34 lines"),
        (["causality", "--from", "part 2"],
         "--from part 2: not a part (1 to 7) nor a line (line:N)"),
        (["--from", "2"], "--from is for playing a lesson: name one (`rapide lessons` lists "
                          "them)"),
        (["causalty", "--from", "2"], "no lesson 'causalty'; did you mean 'causality'? "
                                      "(lessons: connections, causality, patterns, "
                                      "constraints, choices)"),
        (["causality", "--from", "9", "--serve"],
         "--from 9: the lesson causality has 7 parts (1 to 7; a `wait` ends each)"),
    ],
    ids=["past-the-last-part", "part-0", "more-digits-than-int-reads", "past-the-last-line",
         "not-a-part", "no-lesson", "unknown-lesson", "served"],
)
def test_a_start_the_lesson_does_not_have_is_one_line_and_status_2(
    args: list[str], message: str
) -> None:
    result = run_rapide("lessons", *args, timeout=30)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"rapide: {message}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2"], "--from is for --script: it is where the script starts playing"),
        (["--script", str(REPO / "examples" / "seed_system.rapide"), "--from", "line:999"],
         f"--from line:999: {REPO / 'examples' / 'seed_system.rapide'} has "),
    ],
    ids=["no-script", "past-the-end"],
)
@pytest.mark.parametrize("command", ["shell", "serve"])
def test_from_on_a_played_script_is_checked_before_the_screen_opens(
    command: str, args: list[str], message: str
) -> None:
    result = run_rapide(command, str(REPO / "examples" / "seed_system.py"), *args, timeout=30)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"rapide: {message}")
    assert result.stderr.count("\n") == 1


@pytest.mark.slow
def test_rapide_lessons_from_a_part_plays_that_part_in_the_workbench() -> None:
    child = Terminal(
        sys.executable,
        ["-m", "rapide_shell.cli", "lessons", "choices", "--from", "5", "--speed", "0"],
        cwd=str(REPO), dimensions=(30, 100), encoding="utf-8", timeout=30,
        env={"TERM": "xterm-256color", "PATH": str(Path(sys.executable).parent)},
    )
    try:
        child.expect("returns to the first outcome exactly as it was")
        child.expect("Your turn")
        child.sendcontrol("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0


def test_an_error_in_an_installed_lessons_handler_names_the_lessons_file_and_line(
    tmp_path: Path,
) -> None:
    # Installed, the lessons are files inside the workbench's package (the wheel puts
    # them in rapide_shell/lesson_files): a handler of theirs that raises is still the
    # lesson's code, named by its file and line as a user's architecture's is.
    site = tmp_path / "site"
    package = site / "rapide_shell"
    shutil.copytree(REPO / "rapide_shell", package,
                    ignore=shutil.ignore_patterns("__pycache__", "lesson_files"))
    lessons = package / "lesson_files"
    shutil.copytree(REPO / "examples" / "lessons", lessons,
                    ignore=shutil.ignore_patterns("__pycache__", "explore"))
    architecture = lessons / "01_connections.py"
    reply = 'await get_context(self).emit("Server.reply", n=match.payload["n"])'
    text = architecture.read_text()
    architecture.write_text(text.replace(reply, 'raise ValueError("no reply today")'))
    line = text.splitlines().index(f"        {reply}") + 1
    script = tmp_path / "s.rapide"
    script.write_text("step connect\n")
    installed = {"PYTHONPATH": str(site)}
    where = subprocess.run(
        [sys.executable, "-c", "import rapide_shell.lessons as l; print(l.lessons_directory())"],
        capture_output=True, text=True, env={**os.environ, **installed}, cwd=tmp_path,
        check=True,
    )
    assert where.stdout.strip() == str(lessons)  # the copy is the workbench that runs
    ran = run_rapide("run", architecture.name, "--script", script, cwd=lessons, env=installed)
    said = ran.stdout + ran.stderr
    assert (
        f"ValueError: no reply today (at 01_connections.py:{line} in on_request)" in said
    ), said
