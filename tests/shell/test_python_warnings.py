"""Python's warnings raised by the architecture's code, in one line each with what they mean."""

from __future__ import annotations

import warnings
from pathlib import Path

from rapide_shell.python_warnings import warning_line, warnings_shown_by
from tests.shell.cli_process import REPO, run_rapide

FORGOT_AWAIT = Path(__file__).parent / "fixtures" / "forgot_await.py"


def test_a_coroutine_never_awaited_is_said_to_have_done_nothing() -> None:
    emit = RuntimeWarning("coroutine 'ModuleContext.emit' was never awaited")
    assert warning_line(emit, RuntimeWarning, "arch.py", 26) == (
        "arch.py:26: RuntimeWarning: coroutine 'ModuleContext.emit' was never awaited "
        "(its code did not run: `await` it; an emit not awaited records no event)"
    )
    sleep = RuntimeWarning("coroutine 'ModuleContext.sleep' was never awaited")
    assert warning_line(sleep, RuntimeWarning, "arch.py", 3).endswith(
        "(its code did not run: `await` it)"
    )
    assert warning_line("old", DeprecationWarning, "a\nb.py", 1) == \
        "a\\nb.py:1: DeprecationWarning: old"


def test_warnings_go_to_the_front_end_within_the_block_and_to_python_after() -> None:
    shown: list[str] = []
    python_shows = warnings.showwarning
    with warnings.catch_warnings(), warnings_shown_by(shown.append):
        warnings.simplefilter("always")
        warnings.warn("careful", UserWarning, stacklevel=1)
    assert warnings.showwarning is python_shows
    assert len(shown) == 1 and shown[0].endswith(": UserWarning: careful")


def test_the_repl_says_an_emit_without_await_in_one_line() -> None:
    done = run_rapide("repl", FORGOT_AWAIT, stdin="run\nshow events\n")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        f"{FORGOT_AWAIT}:28: RuntimeWarning: coroutine 'ModuleContext.emit' was never "
        "awaited (its code did not run: `await` it; an emit not awaited records no event)"
    ]
    assert "ran 1 dispatch, recorded 0 events" in done.stdout


def test_rapide_run_says_it_on_stderr_in_one_line(tmp_path: Path) -> None:
    script = tmp_path / "run.rapide"
    script.write_text("run\n")
    done = run_rapide("run", FORGOT_AWAIT, "--script", script)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        f"{FORGOT_AWAIT}:28: RuntimeWarning: coroutine 'ModuleContext.emit' was never "
        "awaited (its code did not run: `await` it; an emit not awaited records no event)"
    ]


def test_the_architecture_file_is_named_as_it_was_given(tmp_path: Path) -> None:
    # Python names it resolved: a served lesson's tab, given `01_connections.py` in the
    # lesson's folder, showed where that folder is on the server.
    script = tmp_path / "run.rapide"
    script.write_text("run\n")
    for given, cwd in ((FORGOT_AWAIT.name, FORGOT_AWAIT.parent),
                       (FORGOT_AWAIT.relative_to(REPO), REPO)):
        done = run_rapide("run", given, "--script", script, cwd=cwd)
        assert done.returncode == 0, done.stderr
        assert done.stderr.startswith(f"{given}:28: RuntimeWarning: coroutine "), done.stderr
    done = run_rapide("repl", FORGOT_AWAIT.name, stdin="run\n", cwd=FORGOT_AWAIT.parent)
    assert done.stderr.startswith(f"{FORGOT_AWAIT.name}:28: RuntimeWarning:"), done.stderr
