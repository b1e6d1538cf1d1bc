"""Opening a session: loaded, recording, started and plugins told; closed however it ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from rapide_shell.loader import LoadError
from rapide_shell.session import Session
from tests.shell.cli_process import run_rapide

FIXTURES = Path(__file__).parent / "fixtures"


def recorded_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if not line.startswith("#")]


async def test_open_starts_the_session_records_it_and_closes_it(
    tmp_path: Path, shop_file: Path
) -> None:
    recording = tmp_path / "session.rapide"
    async with Session.open(shop_file, seed=3, record=recording) as session:
        assert session.system is not None and not session.closed
        assert (await session.execute("inject Web.order item=apple")).ok
    assert session.closed and session.state == "closed"
    session.record("step")  # the recording has ended: nothing more is written
    assert recorded_lines(recording) == [
        "seed 3",
        'inject Web.order {"item": "apple"}',
    ]


async def test_open_closes_the_session_when_the_block_fails(shop_file: Path) -> None:
    with pytest.raises(RuntimeError, match="front end broke"):
        async with Session.open(shop_file) as session:
            raise RuntimeError("front end broke")
    assert session.closed


async def test_what_cannot_be_opened_is_one_load_error(tmp_path: Path, shop_file: Path) -> None:
    with pytest.raises(LoadError) as unwritable:
        async with Session.open(shop_file, record=tmp_path):
            pytest.fail("a session that cannot record must not open")
    assert str(unwritable.value) == f"cannot write the recording {tmp_path}: it is a directory"
    with pytest.raises(LoadError, match="no such file"):
        async with Session.open(tmp_path / "nowhere.py"):
            pytest.fail("a missing file must not open")


@pytest.mark.parametrize("front_end", ["run", "repl", "shell"])
def test_every_front_end_refuses_an_unwritable_recording_in_one_line(
    tmp_path: Path, front_end: str
) -> None:
    script = tmp_path / "script.rapide"
    script.write_text("run\n")
    extra = ["--script", str(script)] if front_end == "run" else []
    result = run_rapide(front_end, FIXTURES / "shop.py", *extra, "--record", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr == f"rapide: cannot write the recording {tmp_path}: it is a directory\n"
