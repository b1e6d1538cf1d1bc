"""A recorded session replays, with ``rapide run``, to the same computation."""

from __future__ import annotations

import asyncio
import json
import resource
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

from rapide_shell.recording import Recorder, inject_line
from rapide_shell.script import play, read_script
from rapide_shell.session import Session
from tests.shell.cli_process import run_rapide

FIXTURES = Path(__file__).parent / "fixtures"


def snapshot(session: Session) -> list[tuple[Any, ...]]:
    """Every event with what makes two computations the same: id, name, payload, causes."""
    poset = session.computation.poset
    return [
        (
            event.id,
            event.name,
            dict(event.payload),
            event.source,
            sorted(cause.id for cause in poset.causes(event)),
        )
        for event in session.computation
    ]


async def recorded(path: Path, file: Path, seed: int) -> Session:
    session = Session.load(file, seed=seed, recorder=Recorder(path, source=file))
    await session.start()
    return session


async def ok(session: Session, line: str) -> None:
    outcome = await session.execute(line)
    assert outcome.ok, outcome.error


async def replayed(script: Path, file: Path) -> Session:
    session = Session.load(file)
    await session.start()
    result = await play(session, read_script(script), script=str(script))
    assert result.exit_status == 0, result.error_message()
    return session


async def test_chosen_dispatches_breaks_and_runs_replay_identically(
    tmp_path: Path, shop_file: Path
) -> None:
    script = tmp_path / "session.rapide"
    session = await recorded(script, shop_file, seed=3)
    await ok(session, "inject Web.order item=apple")
    await ok(session, "inject Web.order item=pear quantity=3")
    await ok(session, "show queue")
    await ok(session, "step 2")
    # Choose the last pending agent delivery, against the scheduler's own order.
    chosen = max(d.id for d in session.pending() if d.kind == "agent")
    await ok(session, f"step #{chosen}")
    await ok(session, "watch Store.reserved")
    await ok(session, "break Ledger.entry")
    await ok(session, "inject Web.order item=apple quantity=2")
    await ok(session, "run")
    await ok(session, "continue")
    assert session.stopped_by is not None
    await ok(session, "run")
    assert session.state == "quiet"
    expectation = await session.execute("expect Mailer.sent count=3")
    assert not expectation.failed_expectation
    original = snapshot(session)
    await session.close()
    session.recorder.close()

    lines = script.read_text().splitlines()
    assert lines[1] == "seed 3"
    assert f"step #{chosen}" in lines
    assert "show queue" not in lines
    replay = await replayed(script, shop_file)
    assert snapshot(replay) == original
    await replay.close()


async def test_a_run_paused_by_the_user_replays_to_the_same_point(tmp_path: Path) -> None:
    ticker = FIXTURES / "ticker.py"
    script = tmp_path / "paused.rapide"
    session = await recorded(script, ticker, seed=0)
    await ok(session, "inject Clock.tick n=0 limit=30000")
    running = asyncio.ensure_future(session.execute("run"))
    while len(session.computation) < 300:
        await asyncio.sleep(0)
    await ok(session, "pause")
    await running
    await ok(session, "step")
    original = snapshot(session)
    await session.close()
    session.recorder.close()

    assert 300 <= len(original) < 30000
    assert any(
        line.startswith("step ") and line != "step" for line in script.read_text().splitlines()
    )
    replay = await replayed(script, ticker)
    assert snapshot(replay) == original
    await replay.close()


def test_inject_lines_keep_the_exact_payload() -> None:
    assert inject_line("A.b", {}) == "inject A.b"
    assert inject_line("A.b", {"key": "42", "rows": [1]}) == 'inject A.b {"key": "42", "rows": [1]}'


def test_rapide_run_records_and_replays(tmp_path: Path, shop_file: Path) -> None:
    script = tmp_path / "demo.rapide"
    script.write_text(
        "inject Web.order item=apple\nstep\nstep agent\nrun\nexpect Ledger.entry count=1\n"
    )
    recording = tmp_path / "recorded.rapide"
    first = run_rapide("run", shop_file, "--script", script, "--seed", "4", "--record", recording)
    assert first.returncode == 0, first.stderr
    again = run_rapide("run", shop_file, "--script", recording)
    assert again.returncode == 0, again.stderr
    # The same events, in the same order, with the same causes: the transcripts agree.
    events = [line for line in first.stdout.splitlines() if line.startswith("e")]
    assert events and events == [line for line in again.stdout.splitlines() if line.startswith("e")]


def test_a_run_n_that_left_work_pending_in_the_repl_replays_and_so_does_what_came_after(
    tmp_path: Path, shop_file: Path
) -> None:
    # Written as `run 1`, it ended the replay there (exit 1, "the rest of the script was
    # not run"): the expect and the run typed after it, which the REPL went on to, were lost.
    recording = tmp_path / "session.rapide"
    typed = "inject Web.order item=apple\nrun 1\nexpect Store.reserved\nrun\n"
    first = run_rapide("repl", shop_file, "--record", recording, stdin=typed)
    assert first.returncode == 0, first.stderr
    lines = recording.read_text().splitlines()
    assert lines[2:] == [
        'inject Web.order {"item": "apple"}', "step", "expect Store.reserved", "run"
    ]
    again = run_rapide("run", shop_file, "--script", recording)
    assert again.returncode == 0, again.stderr
    assert "ok: 1 expectation held" in again.stdout
    assert "quiet: nothing pending, nothing in flight" in again.stdout


def test_the_replay_line_of_a_recording_names_the_architecture_it_was_made_with(
    tmp_path: Path,
) -> None:
    # deliveries.py holds several systems: the replay line must pick the one recorded.
    script = tmp_path / "the notes.rapide"
    script.write_text("inject Desk.note n=1\ninject Desk.note n=2\nrun\n")
    recording = tmp_path / "my recording.rapide"
    file = FIXTURES / "deliveries.py"
    first = run_rapide("run", file, "--arch", "ledger", "--script", script, "--record", recording)
    assert first.returncode == 0, first.stderr
    header = recording.read_text().splitlines()[0]
    assert f"# recorded from {file} --arch ledger on " in header
    replay = shlex.split(header.partition("; replay: ")[2])
    assert replay == ["rapide", "run", str(file), "--arch", "ledger", "--script", str(recording)]
    again = run_rapide(*replay[1:])
    assert again.returncode == 0, again.stderr


def test_the_replay_line_of_a_recording_gives_its_seed(tmp_path: Path, shop_file: Path) -> None:
    # Without it, the replay's first line (`seed 3`) started over: the start hooks ran
    # twice, and every step was numbered one more than recorded.
    script = tmp_path / "s.rapide"
    script.write_text("inject Web.order item=apple\nstep\n")
    recording = tmp_path / "r.rapide"
    first = run_rapide("run", shop_file, "--seed", "3", "--script", script, "--record", recording)
    assert first.returncode == 0, first.stderr
    header = recording.read_text().splitlines()[0]
    replay = shlex.split(header.partition("; replay: ")[2])
    assert replay == ["rapide", "run", str(shop_file), "--seed", "3", "--script", str(recording)]
    again = run_rapide(*replay[1:])
    assert again.returncode == 0, again.stderr
    assert "seed 3: the system is fresh with this seed already" in again.stdout


def test_nothing_is_written_over_the_architecture_file(tmp_path: Path) -> None:
    # A slip of Tab (`--record shop.py`, `save shop.py`) must not turn the code into a
    # script or a computation: it is refused, with --force too, and through a link.
    file = tmp_path / "shop.py"
    code = (FIXTURES / "shop.py").read_text()
    file.write_text(code)
    (tmp_path / "link.py").symlink_to(file)
    for record in (file, tmp_path / "link.py"):
        result = run_rapide("run", file, "--script", "-", "--record", record, "--force-record",
                            stdin="inject Web.order item=apple\n")
        assert result.returncode == 2
        assert result.stderr == (
            f"rapide: cannot write the recording {record}: it is the architecture file\n"
        )
    for line in (f"save {file}", f"export dot --force {tmp_path}/link.py", "save ~/shop.py"):
        result = run_rapide("run", file, "--script", "-", stdin=f"run\n{line}\n",
                            env={"HOME": str(tmp_path)})
        assert result.returncode == 2
        assert "it is the architecture file (the rest of the script was not run)" in result.stderr
    assert file.read_text() == code


def test_save_and_export_do_not_write_over_the_script_being_played(tmp_path: Path) -> None:
    # The script, read whole before it ran, was replaced by a DOT graph or a computation.
    script = tmp_path / "notes.rapide"
    for line in ("export dot notes.rapide", "save --force ./notes.rapide"):
        text = f"# what I meant to show\ninject Web.order item=apple\n{line}\nrun\n"
        script.write_text(text)
        result = run_rapide("run", FIXTURES / "shop.py", "--script", script, cwd=tmp_path)
        assert result.returncode == 2
        path = line.split()[-1]
        assert result.stderr == (
            f"rapide: {script}:3: cannot write {path}: it is the script being played "
            "(the rest of the script was not run)\n"
        )
        assert script.read_text() == text
    # Once it has ended, the file is the user's to replace.
    done = run_rapide("run", FIXTURES / "shop.py", "--script", "-",
                      stdin=f"run\nexport dot {script}\n")
    assert done.returncode == 0, done.stderr
    assert script.read_text().startswith("digraph")


async def test_save_and_export_leave_the_recording_to_the_session(tmp_path: Path) -> None:
    # The recording is put in place as the session ends, over whatever is there then.
    path = tmp_path / "session.rapide"
    session = await recorded(path, FIXTURES / "shop.py", seed=0)
    await ok(session, "inject Web.order item=apple")
    for line in (f"save {path}", f"export json {tmp_path}/../{tmp_path.name}/session.rapide"):
        outcome = await session.execute(line)
        assert not outcome.ok
        assert "it is the recording, which is written there as the session ends" in str(
            outcome.error
        )
    await session.close()
    assert 'inject Web.order {"item": "apple"}' in path.read_text()


def test_a_recording_is_not_written_over_the_script_it_plays(tmp_path: Path) -> None:
    script = tmp_path / "notes.rapide"
    text = "# what I meant to show\ninject Web.order item=apple\nrun\n"
    script.write_text(text)
    for command in ("run", "shell"):
        result = run_rapide(command, FIXTURES / "shop.py", "--script", script,
                            "--record", f"{tmp_path}/./notes.rapide")
        assert result.returncode == 2
        assert result.stderr == (
            f"rapide: --record {tmp_path}/./notes.rapide is the script: the recording would "
            "replace it\n"
        )
    assert script.read_text() == text


def test_a_loaded_file_with_a_blank_in_its_name_replays(tmp_path: Path) -> None:
    saved = tmp_path / "my runs" / "first run.json"
    saved.parent.mkdir()
    recording = tmp_path / "session.rapide"
    first = run_rapide("run", FIXTURES / "shop.py", "--script", "-", "--record", recording,
                       stdin=f'inject Web.order item=apple\nrun\nsave "{saved}"\nload "{saved}"\n')
    assert first.returncode == 0, first.stderr
    assert f'load "{saved}"' in recording.read_text().splitlines()
    again = run_rapide("run", FIXTURES / "shop.py", "--script", recording)
    assert again.returncode == 0, again.stderr
    assert f"loaded 4 events from {saved}" in again.stdout


SWEEPER = """
import os, shutil
from pyrapide import action, architecture, interface, module

@interface
class Janitor:
    @action
    async def swept(self) -> None: ...

@module(implements=Janitor)
class Sweeper:
    async def start(self):
        shutil.rmtree(os.environ["SWEPT"])  # the folder the recording goes to

@architecture
class Hall:
    janitor = Janitor
    connections = []
"""


def test_rapide_run_fails_when_its_recording_cannot_be_written(tmp_path: Path) -> None:
    # As the REPL and the TUI do (exit 2): a CI job must not take a run whose
    # recording is missing for a good one.
    file = tmp_path / "hall.py"
    file.write_text(SWEEPER)
    folder = tmp_path / "records"
    for extra in ((), ("--json",)):
        folder.mkdir()
        result = run_rapide("run", file, "--script", "-", "--record", folder / "r.rapide",
                            *extra, env={"SWEPT": str(folder)})
        assert result.returncode == 2
        assert f"rapide: cannot write the recording {folder}/r.rapide: " in result.stderr
        if extra:
            report = json.loads(result.stdout)
            assert (report["exit_status"], report["ok"]) == (2, False)
            assert report["recording_problem"].startswith("cannot write the recording")
        else:
            assert "ok:" not in result.stdout


def test_a_recording_whose_folder_is_removed_is_kept_in_the_temporary_directory(
    tmp_path: Path,
) -> None:
    # Its lines were lost with the folder: "cannot write the recording ...", and nothing
    # of the session to replay.
    file = tmp_path / "hall.py"
    file.write_text(SWEEPER)
    folder, temporary = tmp_path / "records", tmp_path / "tmp"
    folder.mkdir()
    temporary.mkdir()
    result = run_rapide("run", file, "--script", "-", "--record", folder / "r.rapide",
                        stdin="inject Janitor.swept\nshow events\n",
                        env={"SWEPT": str(folder), "TMPDIR": str(temporary)})
    assert result.returncode == 2
    (kept,) = temporary.iterdir()
    assert result.stderr.startswith(f"rapide: cannot write the recording {folder}/r.rapide: ")
    assert result.stderr.endswith(f"; what it recorded is kept in {kept}\n")
    assert [line for line in kept.read_text().splitlines() if not line.startswith("#")] == [
        "seed 0", "inject Janitor.swept",
    ]


def test_a_recording_named_with_a_tilde_of_no_user_is_a_name_like_any_other(
    tmp_path: Path, shop_file: Path
) -> None:
    # Quoted, so the shell leaves the ~ alone: "rapide: internal error: RuntimeError:
    # Could not determine home directory." before.
    result = run_rapide("run", shop_file, "--script", "-", "--record",
                        "~no-such-user-of-rapide/r.rapide", cwd=tmp_path, stdin="reset\n")
    assert result.returncode == 2
    assert result.stderr == (
        "rapide: cannot write the recording ~no-such-user-of-rapide/r.rapide: there is no "
        "directory ~no-such-user-of-rapide\n"
    )


def test_a_payload_holding_a_lone_surrogate_is_recorded_and_addressed(tmp_path: Path) -> None:
    # JSON reads "\udcfe" as a lone surrogate, which UTF-8 cannot write: `where` failed
    # and the recording was lost with an internal error as the session ended.
    recording = tmp_path / "session.rapide"
    typed = 'inject Web.order {"item": "\\udcfe"}\nrun\nwhere\n'
    first = run_rapide("run", FIXTURES / "shop.py", "--script", "-", "--record", recording,
                       stdin=typed)
    assert (first.returncode, first.stderr) == (0, "")
    assert 'inject Web.order {"item": "\\udcfe"}' in recording.read_text(encoding="utf-8")
    address = first.stdout.split("> where\n")[1].split()[0]
    replayed = run_rapide("run", FIXTURES / "shop.py", "--script", recording)
    assert replayed.returncode == 0, replayed.stderr
    there = run_rapide("run", FIXTURES / "shop.py", "--at", address, "--script", "-",
                       stdin="show event e1\n")
    assert there.returncode == 0, there.stderr
    assert '"item": "\\udcfe"' in there.stdout


def test_a_recording_named_with_a_line_break_or_bytes_not_utf8_replays(tmp_path: Path) -> None:
    # The header's replay command held the name as it was: a line break in it made the
    # rest of the header a command, and bytes not UTF-8 could not be written at all.
    for name, shown in (("two\nlines.rapide", "two\\nlines.rapide"),
                        ("latin\udce9.rapide", "latin\\udce9.rapide")):
        recording = tmp_path / name
        first = run_rapide("run", FIXTURES / "shop.py", "--script", "-",
                           "--record", recording, stdin="inject Web.order item=apple\nrun\n")
        assert (first.returncode, first.stderr) == (0, "")
        header = recording.read_text(encoding="utf-8").splitlines()[0]
        assert header.endswith(f"--script '{tmp_path}/{shown}'")
        again = run_rapide("run", FIXTURES / "shop.py", "--script", recording)
        assert again.returncode == 0, again.stderr


def test_a_recording_that_meets_a_file_size_limit_ends_and_the_script_goes_on(
    tmp_path: Path,
) -> None:
    # A full disk, as a limit on the size of files shows it: the first write that failed
    # was followed by an internal error at the next, which ended the script.
    recording = tmp_path / "session.rapide"
    lines = "".join(f"inject Web.order item=apple quantity={n}\n" for n in range(200))
    done = subprocess.run(
        [sys.executable, "-m", "rapide_shell.cli", "run", FIXTURES / "shop.py", "--script", "-",
         "--record", recording],
        input=lines + "run\nshow events 1\n", capture_output=True, text=True, timeout=60,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096)),
    )
    assert done.returncode == 2
    assert done.stderr == f"rapide: cannot write the recording {recording}: File too large\n"
    assert "> show events 1" in done.stdout  # the script ran to its end
    assert not recording.exists() and list(tmp_path.iterdir()) == []


def test_a_lost_recording_is_still_said_after_the_session_is_closed_again(
    tmp_path: Path, monkeypatch
) -> None:
    # The TUI's app closes its session as it exits, then the block that opened it does.
    file = tmp_path / "hall.py"
    file.write_text(SWEEPER)
    folder = tmp_path / "records"
    folder.mkdir()
    monkeypatch.setenv("SWEPT", str(folder))

    async def main() -> Session:
        async with Session.open(file, record=folder / "r.rapide") as session:
            await session.close()
            assert session.recording_problem is not None
        return session

    session = asyncio.run(main())
    assert (session.recording_problem or "").startswith(
        f"cannot write the recording {folder}/r.rapide: "
    )


async def test_a_replayed_recording_numbers_its_steps_as_the_session_recorded(
    tmp_path: Path, shop_file: Path
) -> None:
    # Its first line, `seed 0`, started the replay over: one step more than the
    # session recorded, and the start hooks run a second time.
    script = tmp_path / "session.rapide"
    session = await recorded(script, shop_file, seed=0)
    await ok(session, "inject Web.order item=apple")
    await ok(session, "step 2")
    steps = session.decisions.point.number
    await session.close()
    session.recorder.close()
    assert script.read_text().splitlines()[1] == "seed 0"
    replay = await replayed(script, shop_file)
    assert replay.decisions.point.number == steps
    assert [point.decision.line for point in replay.decisions.root.children] == [
        'inject Web.order {"item": "apple"}'
    ]
    await replay.close()


async def test_seed_starts_over_once_anything_was_decided_or_the_seed_differs(
    shop_file: Path,
) -> None:
    session = Session.load(shop_file, seed=0)
    await session.start()
    try:
        outcome = await session.execute("seed 0")
        assert outcome.output[0].plain == "seed 0: the system is fresh with this seed already"
        assert session.decisions.point is session.decisions.root
        await ok(session, "seed 1")
        assert session.decisions.point.number == 1
        await ok(session, "seed 1")  # a start over is a decision: it starts over again
        assert session.decisions.point.number == 2
    finally:
        await session.close()


async def test_a_start_over_at_the_first_seed_made_at_the_start_replays_as_a_step(
    tmp_path: Path, shop_file: Path
) -> None:
    # Back at the start, `seed 0` in a session of seed 0 is a step (the start has a
    # future): recorded after the first line, `seed 0` too, it must start over again.
    script = tmp_path / "session.rapide"
    session = await recorded(script, shop_file, seed=0)
    for line in ("inject Web.order item=apple", "back", "seed 0", "inject Web.order item=pear"):
        await ok(session, line)
    steps = session.decisions.point.number
    await session.close()
    session.recorder.close()
    assert script.read_text().splitlines()[1:] == [
        "seed 0", "seed 0", 'inject Web.order {"item": "pear"}'
    ]
    replay = await replayed(script, shop_file)
    assert replay.decisions.point.number == steps == 2
    await replay.close()

