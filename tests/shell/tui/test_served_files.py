"""The workbench drawn in a browser (``rapide serve``): the files its commands write are
sent to that browser as downloads, never written into the folder every tab on the page
shares; the files it reads are read from there as in a terminal."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import threading
from pathlib import Path
from typing import Any, cast

import pytest
from textual.drivers._byte_stream import ByteStream
from textual_serve._binary_encode import load as binary_load

from pyrapide import Computation
from rapide_shell.session import Session
from rapide_shell.tui.app import RapideApp
from rapide_shell.tui.served import ServedDriver
from tests.shell.tui.conftest import ARCHITECTURES, SIZE, type_command, wait_until
from tests.shell.tui.test_explore_command import DELIVERIES, THREE_NOTES, says, status


def served(app: RapideApp, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bytes]]:
    """The files ``app`` sends to its browser (name, bytes), as textual-serve would be
    handed them, once it is drawn there (as it is when a tab of ``rapide serve`` runs it)."""
    sent: list[tuple[str, bytes]] = []

    def deliver_binary(file: Any, *, save_filename: str, **_options: Any) -> None:
        sent.append((save_filename, file.read()))

    monkeypatch.setattr(app, "deliver_binary", deliver_binary)
    app.serve_to_browser()
    return sent


@pytest.fixture
def lesson(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding an architecture, the workbench started in it (as a tab is)."""
    folder = tmp_path / "lesson"
    folder.mkdir()
    shutil.copy(ARCHITECTURES / "shop.py", folder)
    monkeypatch.chdir(folder)
    return folder


async def test_save_and_export_in_a_browser_send_the_file_and_write_none(
    lesson: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = RapideApp(Session.load("shop.py", seed=0))
    sent = served(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "inject APIService.request type=query key=1")
        await type_command(pilot, "run")
        events = len(app.session.computation)
        await type_command(pilot, "save run.json")
        await type_command(pilot, "export dot --force pictures/run.dot")
        said = [line.text for line in app.main_screen.output.lines]
    assert f"saved {events} events to run.json, sent to the browser as a download" in said
    assert (f"wrote {events} events as dot to run.dot, sent to the browser as a download"
            in said)
    assert [name for name, _ in sent] == ["run.json", "run.dot"]
    (lesson.parent / "run.json").write_bytes(sent[0][1])  # as the student downloaded it
    assert len(Computation.load(lesson.parent / "run.json")) == events
    assert sent[1][1].startswith(b"digraph")
    assert sorted(path.name for path in lesson.iterdir()) == ["shop.py"]


async def test_a_saved_file_beside_the_architecture_loads_in_a_browser(
    lesson: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the teacher saved there (from a terminal) is read as a terminal reads it.
    async with Session.open("shop.py", seed=0, record=None) as session:
        await session.execute("inject APIService.request type=query key=1")
        await session.execute("run")
        await session.execute("save given.json")
        events = len(session.computation)
    app = RapideApp(Session.load("shop.py", seed=0))
    sent = served(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "load given.json")
        assert len(app.session.computation) == events
    assert sent == []


async def test_a_name_that_is_no_file_is_refused_in_a_browser_by_its_name(
    lesson: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = RapideApp(Session.load("shop.py", seed=0))
    sent = served(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "save ..")
        await type_command(pilot, "save runs/")
        await type_command(pilot, "export dot pictures/")
        await type_command(pilot, 'save "runs/   "')
        said = " ".join(line.text for line in app.main_screen.output.lines)
    assert "cannot write ..: it names a folder, not a file" in said
    # A name ending in / was sent as the folder's name ("runs"), as a file.
    assert "cannot write runs/: it names a folder, not a file" in said
    assert "cannot write pictures/: it names a folder, not a file" in said
    # One of spaces was sent as it was, and the browser, which trims it, had none.
    assert "cannot write runs/   : its name '   ' is only spaces," in said
    assert "which a browser does not keep as a download's name" in " ".join(said.split())
    assert sent == []


async def test_a_download_is_named_as_the_browser_can_read_its_name(
    lesson: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The browser reads a download's name from a header that ends at a ";" (so
    # "run;2.json" came as "run"), where a '"' starts a quoted name.
    app = RapideApp(Session.load("shop.py", seed=0))
    sent = served(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, 'save "run;2.json"')
        await type_command(pilot, """save 'my "best" run.json'""")
        await type_command(pilot, 'save "été ☀.json"')
        said = [line.text for line in app.main_screen.output.lines]
    assert [name for name, _ in sent] == ["run_2.json", "my _best_ run.json", "été ☀.json"]
    assert "saved 0 events to run_2.json, sent to the browser as a download" in said
    assert "saved 0 events to my _best_ run.json, sent to the browser as a download" in said
    assert sorted(path.name for path in lesson.iterdir()) == ["shop.py"]


@pytest.mark.slow
async def test_explore_in_a_browser_sends_its_counterexample_and_opens_it(
    lesson: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(DELIVERIES, lesson)
    (lesson / "first.rapide").write_text(THREE_NOTES + "expect Clerk.first(n=1)\n")
    app = RapideApp(Session.load("deliveries.py", arch="race", seed=0))
    sent = served(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "explore first.rapide")
        await wait_until(pilot, lambda: "explored:" in status(app), timeout=60)
        assert says(app, "counterexample: first.counterexample.rapide, sent to the browser as "
                         "a download; `explore open 1` goes to it")
        await type_command(pilot, "explore open 1")
        assert says(app, "at failure 1's failing step: ")
    assert [name for name, _ in sent] == ["first.counterexample.rapide"]
    script = sent[0][1].decode()
    assert "--script first.counterexample.rapide" in script and str(lesson) not in script
    assert sorted(path.name for path in lesson.iterdir()) == [
        "deliveries.py", "first.rapide", "shop.py"
    ]


async def test_a_screenshot_named_as_a_folder_or_too_long_says_why_in_a_browser(
    lesson: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "screenshot ." failed as ValueError: PosixPath('.') has an empty name, and a
    # name too long said "None (None)", a download's error having no strerror.
    app = RapideApp(Session.load("shop.py", seed=0))
    sent = served(app, monkeypatch)
    long = "y" * 300
    async with app.run_test(size=SIZE) as pilot:
        for name in (".", "..", "shots/", long):
            await type_command(pilot, f"screenshot {name}")
        said = "".join("".join(line.text.split()) for line in app.main_screen.output.lines)
    for name in (".", "..", "shots/"):
        assert f"error:cannotsavethescreenshot:itnamesafolder,notafile({name})" in said
    assert f"error:cannotsavethescreenshot:Filenametoolong({long}.svg)" in said
    assert sent == []
    assert sorted(path.name for path in lesson.iterdir()) == ["shop.py"]


@pytest.mark.slow
async def test_a_counterexample_sent_to_a_browser_names_itself_as_it_is_downloaded(
    lesson: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its header said to replay "first;1.counterexample.rapide", a name the download
    # does not have (a ";" ends the name a browser reads).
    shutil.copy(DELIVERIES, lesson)
    (lesson / "first;1.rapide").write_text(THREE_NOTES + "expect Clerk.first(n=1)\n")
    app = RapideApp(Session.load("deliveries.py", arch="race", seed=0))
    sent = served(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await type_command(pilot, "explore 'first;1.rapide'")
        await wait_until(pilot, lambda: "explored:" in status(app), timeout=60)
    assert [name for name, _ in sent] == ["first_1.counterexample.rapide"]
    assert "--script first_1.counterexample.rapide" in sent[0][1].decode()


def test_a_download_written_as_the_screen_is_reaches_the_server_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # F12 in a tab: the driver's input thread writes the picture's pieces, as the server
    # asks for them, while the app writes the screen, both into the one pipe the server
    # reads. On a busy machine the server read more slowly than they wrote, and a write
    # larger than the pipe holds went in in parts, between the other's: the server read
    # nonsense, the tab's screen froze and the download was cut off.
    screen, piece = "x" * 3_000_000, b"<svg" + b"y" * 2_000_000
    server_reads, app_writes = os.pipe()
    app_reads, server_writes = os.pipe()
    monkeypatch.setattr(sys, "__stdout__", os.fdopen(app_writes, "w", closefd=False))
    monkeypatch.setattr(sys, "__stdin__", os.fdopen(app_reads, "r", closefd=False))
    received = bytearray()

    def server() -> None:  # reads what the tab's app writes, a little at a time
        while data := os.read(server_reads, 4096):
            received.extend(data)

    async def write_both() -> None:
        driver = ServedDriver(cast(Any, None))
        together = threading.Barrier(2)

        def send_the_piece() -> None:
            together.wait()
            driver.write_binary_encoded(("deliver_chunk", "key", piece))

        sending = threading.Thread(target=send_the_piece)
        sending.start()
        together.wait()
        driver.write(screen)
        sending.join()

    reading = threading.Thread(target=server)
    reading.start()
    try:
        asyncio.run(write_both())
    finally:
        os.close(app_writes)
        reading.join()
        for end in (server_reads, app_reads, server_writes):
            os.close(end)
    packets = sorted(ByteStream().feed(bytes(received)))
    assert [kind for kind, _ in packets] == ["D", "P"]
    assert packets[0].payload.decode() == screen
    assert binary_load(packets[1].payload) == ("deliver_chunk", "key", piece)
