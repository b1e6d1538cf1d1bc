"""Atomic writes: the old file or the whole new one, its mode kept, odd targets refused."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pyrapide import Computation
from pyrapide.core.atomic import AtomicWriter, WriteError, write_atomically


def _leftovers(directory: Path) -> list[str]:
    return sorted(name for name in os.listdir(directory) if name.endswith(".tmp"))


def test_a_new_file_gets_the_umask_mode_and_an_existing_one_keeps_its_own(tmp_path):
    previous = os.umask(0o027)
    try:
        write_atomically(tmp_path / "new.txt", "one\n")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640
    private = tmp_path / "private.txt"
    private.write_text("secret")
    private.chmod(0o600)
    write_atomically(private, ["new ", "text"])
    assert private.read_text() == "new text"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_the_text_is_synced_before_the_rename(tmp_path, monkeypatch):
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(
        os, "replace", lambda a, b: (calls.append("replace"), real_replace(a, b))[1]
    )
    write_atomically(tmp_path / "f.txt", "x")
    assert calls[:2] == ["fsync", "replace"]  # then the directory is synced
    assert calls.count("fsync") == 2


def test_a_symbolic_link_is_refused_and_force_replaces_the_link_not_its_target(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    with pytest.raises(WriteError) as refused:
        write_atomically(link, "new")
    assert refused.value.forceable
    assert str(refused.value) == (
        f"cannot write {link}: it is a symbolic link (to {target}) (force=True replaces it)"
    )
    assert link.is_symlink() and target.read_text() == "keep me"
    write_atomically(link, "new", force=True)
    assert not link.is_symlink() and link.read_text() == "new"
    assert target.read_text() == "keep me"
    assert _leftovers(tmp_path) == []


def test_a_directory_is_never_replaced(tmp_path):
    (tmp_path / "dir").mkdir()
    for force in (False, True):
        with pytest.raises(WriteError, match="it is a directory") as refused:
            write_atomically(tmp_path / "dir", "x", force=force)
        assert not refused.value.forceable
    assert (tmp_path / "dir").is_dir()


def test_a_name_ending_in_a_separator_names_a_folder_and_is_not_written(tmp_path):
    # Read as a path, "out/" is "out": a file of that name was written in its place.
    for name in ("out/", "out/.", "out/.."):
        with pytest.raises(WriteError, match=f"cannot write .*{name}: it names a folder, not a"):
            write_atomically(f"{tmp_path}/{name}", "x")
    with pytest.raises(WriteError, match="runs/: it names a folder, not a file"):
        Computation().save(f"{tmp_path}/runs/")
    assert list(tmp_path.iterdir()) == []


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(WriteError, match=r"it is a FIFO \(named pipe\)"):
        write_atomically(fifo, "x")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_device_is_refused():
    with pytest.raises(WriteError, match="it is a character device"):
        write_atomically("/dev/null", "x")


def test_a_read_only_file_is_refused_unless_forced(tmp_path):
    frozen = tmp_path / "frozen.txt"
    frozen.write_text("old")
    frozen.chmod(0o444)
    with pytest.raises(WriteError, match="it is read-only"):
        write_atomically(frozen, "new")
    write_atomically(frozen, "new", force=True)
    assert frozen.read_text() == "new"


def test_a_failure_while_writing_leaves_the_old_file_and_no_temporary_one(tmp_path):
    path = tmp_path / "data.json"
    path.write_text("old")

    def chunks(error: BaseException):
        yield "half of the "
        raise error

    for error in (RuntimeError("boom"), KeyboardInterrupt()):
        with pytest.raises(type(error)):
            write_atomically(path, chunks(error))
        assert path.read_text() == "old"
        assert _leftovers(tmp_path) == []


def test_a_failed_rename_leaves_no_temporary_file(tmp_path, monkeypatch):
    def refuse(source: str, target: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(WriteError, match="Permission denied"):
        write_atomically(tmp_path / "x.json", "text")
    assert _leftovers(tmp_path) == [] and not (tmp_path / "x.json").exists()


def test_paths_that_cannot_be_written_say_why():
    with pytest.raises(WriteError, match=r"^no file name given$"):
        write_atomically("", "x")
    with pytest.raises(WriteError, match="there is no directory /no/such"):
        write_atomically("/no/such/file.json", "x")
    # Read-only, where force could not replace it either: no hint to use force.
    for force in (False, True):
        with pytest.raises(WriteError) as refused:
            write_atomically("/proc/version", "x", force=force)
        assert str(refused.value) == (
            "cannot write /proc/version: it is read-only, in a directory no file can be made in"
        )


def test_a_writer_commits_at_the_end_of_its_block_and_discards_on_error(tmp_path):
    path = tmp_path / "script.rapide"
    with AtomicWriter(path) as writer:
        writer.write("seed 0\n")
        writer.flush()
        assert not path.exists()  # nothing in place until the end
    assert path.read_text() == "seed 0\n"
    with pytest.raises(ValueError), AtomicWriter(path) as writer:
        writer.write("run\n")
        raise ValueError("stop")
    assert path.read_text() == "seed 0\n" and _leftovers(tmp_path) == []


def test_what_a_killed_save_left_is_removed_by_the_next_save_and_a_live_one_is_not(tmp_path):
    import subprocess
    import sys

    target = tmp_path / "run.json"
    target.write_text("old")
    # A save killed outright (SIGKILL) between writing its temporary file and renaming it.
    killed = subprocess.run(
        [sys.executable, "-c", (
            "import os, signal, sys\n"
            "from pyrapide.core.atomic import AtomicWriter\n"
            "writer = AtomicWriter(sys.argv[1])\n"
            "writer.write('half')\n"
            "writer.flush()\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n"
        ), str(target)],
        check=False,
    )
    assert killed.returncode == -9
    left = _leftovers(tmp_path)
    assert len(left) == 1 and left[0].startswith(".run.json.")
    in_progress = tmp_path / f".run.json.abcd1234.{os.getpid()}.tmp"  # this process: alive
    in_progress.write_text("another save, still writing")
    write_atomically(target, "new")
    assert target.read_text() == "new"
    assert _leftovers(tmp_path) == [in_progress.name]
