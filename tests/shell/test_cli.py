"""The ``rapide`` command as a user meets it: transcripts, exit statuses, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from pyrapide.__about__ import __version__
from tests.shell.cli_process import REPO, run_rapide

FIXTURES = Path(__file__).parent / "fixtures"
SHOP = FIXTURES / "shop.py"


def rapide(*args: str | Path) -> subprocess.CompletedProcess[str]:
    result = run_rapide(*args)
    assert "Traceback" not in result.stdout + result.stderr
    return result


def shop_changed(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """The shop fixture with ``old`` made ``new`` (it must be there), written as ``name``."""
    text = SHOP.read_text()
    assert old in text, old
    changed = tmp_path / name
    changed.write_text(text.replace(old, new))
    return changed


def checked(path: Path) -> subprocess.CompletedProcess[str]:
    """``rapide check path``, which finds nothing to refuse (exit 0)."""
    result = rapide("check", path)
    assert result.returncode == 0, result.stderr
    return result


def script(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "script.rapide"
    path.write_text(text)
    return path


def test_version() -> None:
    result = rapide("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"rapide {__version__}"


def test_run_prints_a_transcript_and_exits_0_when_expects_hold(tmp_path: Path) -> None:
    demo = script(
        tmp_path,
        "# one order\ninject Web.order item=apple\n\nrun\nexpect Ledger.entry count=1\n",
    )
    result = rapide("run", SHOP, "--script", demo)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "# one order"
    assert lines[1] == "> inject Web.order item=apple"
    assert lines[2] == 'injected e1 Web.order from env {"item": "apple"}'
    assert "> run" in lines
    assert "ok: Ledger.entry: 1 match (expected exactly 1 match)" in lines
    assert lines[-1] == "ok: 1 expectation held"


def test_a_failed_expect_exits_1_and_says_what_was_seen(tmp_path: Path) -> None:
    demo = script(
        tmp_path,
        "inject Web.order item=apple\nrun\nexpect Mailer.sent count=2\nexpect Web.order\n",
    )
    result = rapide("run", SHOP, "--script", demo)
    assert result.returncode == 1
    assert f"{demo}:3: expect failed: Mailer.sent: expected exactly 2 matches, saw 1" in (
        result.stderr
    )
    # The script went on after the failed expect.
    assert "> expect Web.order" in result.stdout


def test_a_script_error_exits_2_with_the_line_and_stops(tmp_path: Path) -> None:
    demo = script(tmp_path, "inject Web.order item=apple\ninject Web.ordr item=x\nrun\n")
    result = rapide("run", SHOP, "--script", demo)
    assert result.returncode == 2
    assert (
        f"rapide: {demo}:2: unknown event 'Web.ordr': no interface declares it; "
        "did you mean 'Web.order'? (the rest of the script was not run)"
    ) in result.stderr
    assert "> run" not in result.stdout


def test_a_line_that_does_not_parse_stops_the_script_before_anything_runs(
    tmp_path: Path,
) -> None:
    demo = script(tmp_path, "inject Web.order item=apple\nrun\nexpect Web.order count=\n")
    result = rapide("run", SHOP, "--script", demo)
    assert result.returncode == 2
    assert f"rapide: {demo}:3: count= must be a whole number, 0 or more, not ''" in result.stderr
    assert "no command was run" in result.stderr
    assert "> inject" not in result.stdout
    assert "> run" not in result.stdout


def test_lines_after_quit_are_not_checked(tmp_path: Path) -> None:
    demo = script(tmp_path, "inject Web.order item=apple\nquit\nexpect Web.order count=\n")
    result = rapide("run", SHOP, "--script", demo)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("text", ["", "# a lesson, to be written\n\n"])
def test_a_script_with_no_command_says_so(tmp_path: Path, text: str) -> None:
    # A lesson saved empty by mistake (or a job given the wrong file) passed with "ok:
    # no expect", as a script that ran and checked nothing on purpose does.
    empty = script(tmp_path, text)
    result = rapide("run", SHOP, "--script", empty)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.rstrip().endswith(f"ok: nothing run: {empty} holds no command")
    said = script(tmp_path, "say Only words\n")
    assert rapide("run", SHOP, "--script", said).stdout.rstrip().endswith("ok: no expect")


@pytest.mark.parametrize(
    "encoded",
    [
        # As a Windows editor saves it: a byte order mark first, CRLF line ends.
        "\ufeffinject Web.order item=apple\r\nrun\r\nexpect Ledger.entry count=1\r\n",
        "inject Web.order item=apple\r\nrun\r\nexpect Ledger.entry count=1",
        # As an old Mac editor saves it: a carriage return alone ends each line (it was
        # one line, refused as `expected key=value, got 'run'`).
        "inject Web.order item=apple\rrun\rexpect Ledger.entry count=1\r",
    ],
    ids=["bom-crlf", "crlf-no-final-newline", "cr"],
)
def test_a_script_saved_on_windows_or_an_old_mac_runs_as_written(
    tmp_path: Path, encoded: str
) -> None:
    demo = tmp_path / "windows.rapide"
    demo.write_bytes(encoded.encode("utf-8"))
    result = rapide("run", SHOP, "--script", demo)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "> inject Web.order item=apple"
    assert "ok: Ledger.entry: 1 match (expected exactly 1 match)" in result.stdout


def test_a_pattern_error_in_a_script_points_at_the_column(tmp_path: Path) -> None:
    demo = script(tmp_path, "watch Web.order ->\n")
    result = rapide("run", SHOP, "--script", demo)
    assert result.returncode == 2
    assert f"{demo}:1: pattern syntax error" in result.stderr
    assert "watch Web.order ->\n" in result.stderr
    assert result.stderr.rstrip().endswith("^")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("run", "--timeout", "0"), "--timeout must be more than 0 seconds, not 0"),
        # It was "argument --timeout: -1 is not at least 0", when 0 is refused too.
        (("run", "--timeout", "-1"), "--timeout must be more than 0 seconds, not -1"),
        (("run", "--bogus"), "unrecognized arguments: --bogus"),
        (("run", "--seed", "x"), "argument --seed: 'x' is not a whole number"),
        (("explore", "--workers", "0"), "argument --workers: 0 is not at least 1"),
        # It was "'9999…' is not a whole number", the 5000 digits echoed.
        (("run", "--seed", "-" + "9" * 5000),
         "argument --seed: a number of 5000 digits, longer than the 4300 Python reads"),
        (("run", "-s", "other.rapide"), "argument --script/-s: given more than once; it takes one"),
    ],
    ids=["timeout", "negative-timeout", "unknown", "seed", "workers", "seed-of-5000-digits",
         "script-twice"],
)
def test_a_usage_error_under_json_is_a_json_answer_too(
    tmp_path: Path, arguments: tuple[str, ...], message: str
) -> None:
    # As a missing file or a bad --strategy is: CI reads stdout as JSON whatever went wrong.
    demo = script(tmp_path, "run\n")
    command, *options = arguments
    result = rapide(command, SHOP, "--script", demo, "--json", *options)
    assert result.returncode == 2
    assert json.loads(result.stdout) == {
        "ok": False, "exit_status": 2, "error": {"message": message},
    }
    assert message in result.stderr


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (("run", "SHOP", "--scirpt", "SCRIPT"), "--scirpt SCRIPT (did you mean --script?)"),
        (("run", "SHOP", "--seeds", "1"), "--seeds 1 (did you mean --seed?)"),
        (("explore", "SHOP", "-s", "SCRIPT", "--stratgy=dfs"),
         "--stratgy=dfs (did you mean --strategy?)"),
        (("check", "SHOP", "--arhc", "Shop"), "--arhc Shop (did you mean --arch?)"),
    ],
    ids=["script", "seed", "strategy=", "arch"],
)
def test_a_misspelt_option_is_refused_naming_the_option_meant(
    tmp_path: Path, arguments: tuple[str, ...], said: str
) -> None:
    # argparse said "unrecognized arguments: --scirpt ..." and no more: the usage above
    # it lists every option, the one meant among them unmarked.
    demo = script(tmp_path, "run\n")
    given = [{"SHOP": str(SHOP), "SCRIPT": str(demo)}.get(word, word) for word in arguments]
    said = said.replace("SCRIPT", str(demo))
    result = rapide(*given)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        f"rapide {arguments[0]}: error: unrecognized arguments: {said}"
    )


@pytest.mark.parametrize(
    "twice",
    [["--script", "FIRST", "-s", "SECOND"], ["--script=FIRST", "--script", "SECOND"],
     ["--script", "FIRST", "-sSECOND"], ["--scr", "FIRST", "--script", "SECOND"],
     ["--script", "FIRST", "--seed", "1", "--seed", "2"]],
    ids=["script", "script=", "-sVALUE", "abbreviated", "seed"],
)
def test_an_option_given_twice_is_refused_not_half_taken(
    tmp_path: Path, twice: list[str]
) -> None:
    # argparse kept the last and dropped the first unsaid: the first script never ran,
    # its expectations unchecked, and the run passed on the second's.
    first = tmp_path / "first.rapide"
    first.write_text("expect Web.order\n")  # fails: nothing was injected
    second = script(tmp_path, "run\n")
    given = [{"FIRST": str(first), "SECOND": str(second)}.get(word, word) for word in twice]
    result = rapide("run", SHOP, *given)
    assert result.returncode == 2
    assert result.stdout == ""
    name = "--seed" if "--seed" in twice else "--script/-s"
    assert result.stderr.splitlines()[-1] == (
        f"rapide run: error: argument {name}: given more than once; it takes one"
    )


COMMANDS = [
    ("shell", "SHOP"), ("repl", "SHOP"), ("run", "SHOP"), ("check", "SHOP"), ("graph", "SHOP"),
    ("explore", "SHOP", "--script", "SCRIPT"), ("serve", "SHOP"), ("lessons",),
]
"""Each command of ``rapide``, with what it needs before any option."""


@pytest.mark.parametrize(
    ("arguments", "unknown"),
    [(arguments, "--bogus") for arguments in COMMANDS]
    + [(arguments, "--json") for arguments in COMMANDS if arguments[0] not in ("run", "explore")],
    ids=lambda value: value if isinstance(value, str) else value[0],
)
def test_an_unknown_option_of_a_command_is_refused_with_that_commands_usage(
    tmp_path: Path, arguments: tuple[str, ...], unknown: str
) -> None:
    # It was refused by `rapide` itself, whose usage names no option of the command; and
    # a --json the command does not take had a JSON answer printed after the error.
    command = arguments[0]
    demo = script(tmp_path, "run\n")
    given = [{"SHOP": str(SHOP), "SCRIPT": str(demo)}.get(word, word) for word in arguments]
    result = rapide(*given, unknown)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"usage: rapide {command} [-h]")
    assert result.stderr.splitlines()[-1] == (
        f"rapide {command}: error: unrecognized arguments: {unknown}"
    )


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (("check", ""), "FILE"),
        (("graph", ""), "FILE"),
        (("run", "SHOP", "--script", ""), "--script/-s"),
        (("run", "SHOP", "--script", "SCRIPT", "--record", ""), "--record"),
        (("explore", "SHOP", "--script", ""), "--script/-s"),
        (("explore", "SHOP", "--script", "SCRIPT", "--out", ""), "--out"),
    ],
)
def test_an_empty_path_is_named_as_the_argument_it_was(
    tmp_path: Path, arguments: tuple[str, ...], named: str
) -> None:
    # Read as ".", it was "rapide: .: is a directory", a path the user never wrote (an
    # explore --out of "" was not even refused).
    demo = script(tmp_path, "run\n")
    given = [{"SHOP": str(SHOP), "SCRIPT": str(demo)}.get(word, word) for word in arguments]
    result = rapide(*given)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].endswith(
        f": error: argument {named}: an empty path (is the shell variable set?)"
    )


@pytest.mark.parametrize(
    ("text", "status"),
    [("inject Web.order item=apple\nrun\n", 0), ("inject Web.order item=apple\nfly\n", 2),
     ("inject Web.order item=apple\nrun\nexpect Mailer.sent none\n", 1)],
    ids=["held", "script-error", "expect-failed"],
)
def test_the_exit_status_holds_with_stdout_and_stderr_closed(
    tmp_path: Path, text: str, status: int
) -> None:
    # `rapide run ... >&- 2>&-` (a cron job's): the first write to a closed stream was a
    # fault of its own, "internal error" at exit status 2, or 1 with stderr closed too.
    demo = script(tmp_path, text)

    def close_both() -> None:
        os.close(1)
        os.close(2)

    for closing in (lambda: os.close(1), close_both):
        done = subprocess.run(
            [sys.executable, "-m", "rapide_shell.cli", "run", SHOP, "--script", demo],
            cwd=REPO, timeout=60, preexec_fn=closing, check=False,
        )
        assert done.returncode == status


def test_json_output_is_one_object(tmp_path: Path) -> None:
    demo = script(tmp_path, "inject Web.order item=apple\nrun\nexpect Mailer.sent none\n")
    result = rapide("run", SHOP, "--script", demo, "--json", "--seed", "2")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["exit_status"] == 1
    assert report["seed"] == 2
    assert report["architecture"] == "Shop"
    assert [c["command"] for c in report["commands"]] == [
        "inject Web.order item=apple",
        "run",
        "expect Mailer.sent none",
    ]
    assert report["expectations"] == [
        {
            "line": 3,
            "command": "expect Mailer.sent none",
            "pattern": "Mailer.sent",
            "expected": "no match",
            "seen": 1,
            "held": False,
        }
    ]
    assert report["events"] == 4



BIG_PAYLOAD = """\
from pyrapide import action, architecture, get_context, interface, module

@interface
class Source:
    @action
    async def blob(self, note: str, rows: list) -> None: ...

@module(implements=Source)
class SourceModule:
    async def start(self):
        rows = [{"n": i} for i in range(5000)]
        await get_context(self).emit("Source.blob", note="y" * 100_000, rows=rows)

@architecture
class Big:
    src = Source
    connections = []
"""


def test_show_event_lists_a_large_payload_in_part_and_counts_the_rest(tmp_path: Path) -> None:
    # Printed whole, a payload of megabytes froze the TUI's Output for seconds (each of
    # its lines laid out) and filled a terminal; the --json answer keeps all of it.
    architecture = tmp_path / "big.py"
    architecture.write_text(BIG_PAYLOAD)
    demo = script(tmp_path, "show event e1\n")
    result = rapide("run", architecture, "--script", demo)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) < 450
    assert max(len(line) for line in lines) < 2_100
    assert any("…" in line and "yyyy" in line for line in lines)  # the long line, cut
    # The payload's lines beyond 400: its braces, the note, "rows": [ and ], 3 a row.
    hidden = 2 + 1 + 2 + 5000 * 3 - 400
    assert any(f"… {hidden:,} more lines not shown (export json FILE" in line for line in lines)
    whole = json.loads(rapide("run", architecture, "--script", demo, "--json").stdout)
    event = whole["commands"][0]["result"]["event"]
    assert len(event["payload"]["rows"]) == 5000 and len(event["payload"]["note"]) == 100_000

BROKEN_FILES = {
    "syntax": ("x = (\n", ":1: syntax error"),
    "import": ("import not_a_module_at_all\n", "cannot import 'not_a_module_at_all'"),
    "raises": ("raise RuntimeError('no database')\n", ":1: RuntimeError: no database"),
    "empty": ("x = 1\n", "no architecture found"),
}


LOAD_ERROR_RUNS = [("check", case) for case in sorted(BROKEN_FILES)] + [
    ("run", "syntax"),
    ("graph", "import"),
    ("repl", "raises"),
]


@pytest.mark.parametrize(("command", "case"), LOAD_ERROR_RUNS)
def test_load_errors_are_one_line_and_exit_2(tmp_path: Path, command: str, case: str) -> None:
    text, expected = BROKEN_FILES[case]
    broken = tmp_path / "broken.py"
    broken.write_text(text)
    extra = ["--script", script(tmp_path, "run\n")] if command == "run" else []
    result = rapide(command, broken, *extra)
    assert result.returncode == 2
    assert result.stderr.startswith(f"rapide: {broken}")
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_run_reads_the_script_from_standard_input_given_as_a_dash() -> None:
    # As a pipeline writes it: `generate-scenario | rapide run shop.py --script -`.
    lines = "inject Web.order item=apple\nrun\nexpect Mailer.sent count=2\n"
    result = run_rapide("run", SHOP, "--script", "-", stdin=lines)
    assert result.returncode == 1
    assert "> inject Web.order item=apple" in result.stdout
    assert result.stderr.startswith(
        "rapide: <stdin>:3: expect failed: Mailer.sent: expected exactly 2 matches, saw 1"
    )
    broken = run_rapide("run", SHOP, "--script", "-", stdin="run\ninject Web.ordr\n")
    assert broken.returncode == 2
    assert broken.stderr.startswith("rapide: <stdin>:2: unknown event 'Web.ordr'")


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["check", "-arch.py"], "the following arguments are required: FILE"),
        (["run", str(SHOP), "--script", "-demo.rapide"], "argument --script/-s: expected one "
                                                          "argument"),
    ],
)
def test_a_file_named_with_a_leading_dash_is_said_to_be_read_as_an_option(
    tmp_path: Path, arguments: list[str], said: str
) -> None:
    # argparse took the file for an option and said only that FILE was missing (or that
    # --script had no value), naming nothing the user had typed.
    (tmp_path / "-arch.py").write_text(SHOP.read_text())
    (tmp_path / "-demo.rapide").write_text("run\n")
    result = run_rapide(*arguments, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    dashed = arguments[-1]
    assert result.stderr.splitlines()[-1].endswith(
        f"error: {said} ({dashed} is read as an option: write ./{dashed} for the file)"
    )


def test_a_dash_script_with_the_standard_input_closed_is_one_line() -> None:
    # Started with its standard input closed (`<&-`), `--script -` was an internal error:
    # "AttributeError: 'NoneType' object has no attribute 'buffer'".
    result = subprocess.run(
        [sys.executable, "-m", "rapide_shell.cli", "run", str(SHOP), "--script", "-"],
        capture_output=True, text=True, cwd=REPO, timeout=60, stdin=None,
        preexec_fn=lambda: os.close(0),
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "rapide: <stdin>: the standard input is closed, so no script\n"


@pytest.mark.parametrize("command", ["shell", "serve", "explore"])
def test_a_dash_script_is_for_run_alone(command: str) -> None:
    # The workbench reads its keys from the standard input, and explore reads its
    # script again for each worker: neither can take the script from there.
    result = rapide(command, SHOP, "--script", "-")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "rapide: --script - (read from the standard input) is for rapide run; "
        "give a script file\n"
    )


def test_missing_script_and_missing_file(tmp_path: Path) -> None:
    no_script = rapide("run", SHOP, "--script", tmp_path / "none.rapide")
    assert no_script.returncode == 2
    assert "none.rapide: no such script" in no_script.stderr
    no_file = rapide("check", tmp_path / "none.py")
    assert no_file.returncode == 2
    assert "none.py: no such file" in no_file.stderr


def test_a_script_that_never_ends_is_refused_and_a_named_pipe_still_plays(
    tmp_path: Path,
) -> None:
    endless = rapide("run", SHOP, "--script", "/dev/zero")
    assert endless.returncode == 2
    assert "/dev/zero: more than 64 MiB, too large for a script" in endless.stderr
    fifo = tmp_path / "script.fifo"
    os.mkfifo(fifo)
    # The writer blocks until rapide opens the pipe, then closes it: the script ends.
    writer = subprocess.Popen(
        ["sh", "-c", f"printf 'inject Web.order item=pear\\nrun\\n' > '{fifo}'"]
    )
    played = rapide("run", SHOP, "--script", fifo)
    writer.wait(timeout=30)
    assert played.returncode == 0, played.stderr
    assert "inject Web.order item=pear" in played.stdout


def test_graph_formats() -> None:
    text = rapide("graph", SHOP)
    assert text.returncode == 0
    assert "#1 pipe    store ==> ledger  on Store.reserved" in text.stdout
    dot = rapide("graph", SHOP, "--format", "dot")
    assert dot.stdout.startswith('digraph "Shop" {')
    assert 'n_store -> n_mailer [label="agent: Store.reserved", style=dashed];' in dot.stdout
    mermaid = rapide("graph", SHOP, "--format", "mermaid")
    assert mermaid.stdout.startswith("flowchart LR")
    assert 'n_web -->|"connect: Web.order"| n_store' in mermaid.stdout
    bad = rapide("graph", SHOP, "--format", "svg")
    assert bad.returncode == 2
    assert "unknown format 'svg'" in bad.stderr


GUARDED = """
from pyrapide import Pattern, action, architecture, connect, interface, module, when

@interface
class Order:
    @action
    async def placed(self, total: int) -> None: ...

@interface
class Till:
    @action
    async def paid(self, total: int) -> None: ...

@module(implements=Order)
class Web:
    pass

@module(implements=Till)
class Shop:
    @when(Pattern.match("Order.placed"))
    async def on_order(self, match): ...

@architecture
class OrderSystem:
    web = Order
    till = Till
    connections = [
        connect(Pattern.match("Order.placed").where(lambda e: e.payload["total"] > 0),
                target=till),
    ]
"""


def test_graph_labels_are_escaped_for_their_format(tmp_path: Path) -> None:
    """A guard's pattern reads '<python guard ...<lambda>>': markup to Mermaid."""
    path = tmp_path / "guarded.py"
    path.write_text(GUARDED, encoding="utf-8")
    mermaid = rapide("graph", path, "--format", "mermaid")
    assert mermaid.returncode == 0, mermaid.stderr
    edge = next(line for line in mermaid.stdout.splitlines() if "-->" in line)
    assert edge == (
        '  n_web -->|"connect: Order.placed where #lt;python guard '
        'OrderSystem.#lt;lambda#gt;#gt;"| n_till'
    )
    dot = rapide("graph", path, "--format", "dot")
    assert (
        'n_web -> n_till [label="connect: Order.placed where <python guard '
        'OrderSystem.<lambda>>", style=solid];'
    ) in dot.stdout


def test_check_reports_bindings_and_warnings(tmp_path: Path) -> None:
    clean = rapide("check", SHOP)
    assert clean.returncode == 0
    assert "  store <- Warehouse" in clean.stdout
    assert "    Store.refused(item: str, reason: str)" in clean.stdout
    # web has no handler and no start hook: the place orders are injected from, no warning.
    assert "warning:" not in clean.stdout
    assert clean.stdout.rstrip().endswith("; 0 warnings")
    lonely = tmp_path / "lonely.py"
    lonely.write_text(
        SHOP.read_text()
        .replace("    mailer = Mailer\n", "    mailer = Mailer\n    spare = Spare\n")
        .replace(
            "@architecture",
            "@interface\nclass Spare:\n    @action\n    async def idle(self) -> None: ...\n\n\n"
            "@module(implements=Spare)\nclass SpareModule:\n    pass\n\n\n@architecture",
        )
        .replace(
            '        agent(Pattern.match("Store.refused"), target=mailer),\n',
            '        agent(Pattern.match("Store.refused"), target=mailer),\n'
            '        agent(Pattern.match("Audit.done"), target=mailer),\n',
        )
    )
    warned = rapide("check", lonely)
    assert warned.returncode == 0, warned.stderr
    assert "warning: component 'spare' (Spare) is not connected" in warned.stdout
    assert "warning: connection #4 (agent Audit.done): no component emits" in warned.stdout
    assert warned.stdout.rstrip().endswith("2 warnings")


def test_a_component_with_handlers_nothing_delivers_to_is_warned_of(tmp_path: Path) -> None:
    deaf = tmp_path / "deaf.py"
    deaf.write_text(SHOP.read_text().replace(
        "class WebFront:\n    pass\n",
        "class WebFront:\n    @when(Pattern.match('Store.refused'))\n"
        "    async def on_refused(self, match):\n        pass\n",
    ))
    result = rapide("check", deaf)
    assert result.returncode == 0, result.stderr
    assert (
        "warning: component 'web': WebFront has @when handlers, but no connection delivers "
        "to it, so they never run"
    ) in result.stdout


def test_in_a_narrow_terminal_check_breaks_its_lines_between_words(tmp_path: Path) -> None:
    # Printed whole, a 60-column terminal cut the warning and the last line mid-word.
    from tests.shell.terminal import printed_in_a_terminal

    lonely = tmp_path / "lonely.py"
    lonely.write_text(SHOP.read_text().replace(
        '        agent(Pattern.match("Store.refused"), target=mailer),\n',
        '        agent(Pattern.match("Store.refused"), target=mailer),\n'
        '        agent(Pattern.match("Audit.done"), target=mailer),\n',
    ))
    status, printed = printed_in_a_terminal("check", str(lonely), columns=60)
    assert status == 0
    lines = printed.splitlines()
    warning = next(index for index, line in enumerate(lines) if line.startswith("warning:"))
    assert lines[warning] == "warning: connection #4 (agent Audit.done): no component"
    assert lines[warning + 1].startswith("    emits an event its pattern can match")
    assert lines[-1].endswith("1 warning") and all(len(line) <= 60 for line in lines[-4:])


WIDE_NAMES = """\
from pyrapide import Pattern, action, agent, architecture, interface, module, pipe


@interface
class Order:
    @action
    async def placed(self, n: int) -> None: ...


@module(implements=Order)
class Orders:
    pass


@architecture
class Shop:
    counter = Order
    台所 = Order
    cook = Order
    connections = [
        pipe(Pattern.match("Order.placed", source="counter"), target="台所"),
        agent(Pattern.match("Order.placed", source="counter"), target="cook"),
    ]


system = Shop.bind(counter=Orders, 台所=Orders, cook=Orders)
"""


def test_check_keeps_its_connection_columns_beside_a_wide_component_name(
    tmp_path: Path,
) -> None:
    # Padded by characters, a name of two wide characters (four cells) pushed what
    # follows it two cells out of line.
    path = tmp_path / "wide.py"
    path.write_text(WIDE_NAMES, encoding="utf-8")
    checked = rapide("check", path)
    assert checked.returncode == 0, checked.stderr
    rows = [line for line in checked.stdout.splitlines() if line.startswith("  #")]
    assert len(rows) == 2
    assert len({_cells_before(row, " on ") for row in rows}) == 1, rows


def _cells_before(line: str, text: str) -> int:
    """The terminal cells before ``text`` in ``line`` (two for a wide character)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1
               for char in line[: line.index(text)])


def test_check_names_a_misspelt_event_in_a_connection(tmp_path: Path) -> None:
    misspelt = shop_changed(
        tmp_path, "misspelt.py",
        '        pipe(Pattern.match("Store.reserved"), target=ledger),\n',
        '        pipe(Pattern.match("Store.reservd"), target=ledger),\n',
    )
    result = checked(misspelt)
    assert (
        "only injected events can fire it; no interface declares 'Store.reservd' "
        "(did you mean 'Store.reserved' or 'Store.refused'?)"
    ) in result.stdout


def test_check_says_when_a_name_given_to_pattern_match_is_pattern_text(tmp_path: Path) -> None:
    # Pattern.match takes one name: `Pattern.match("Store.reserved(item=?i)")` waits for
    # an event of that whole name, and "did you mean 'Store.reserved'" did not say why.
    text = shop_changed(
        tmp_path, "text.py",
        '        pipe(Pattern.match("Store.reserved"), target=ledger),\n',
        '        pipe(Pattern.match("Store.reserved(item=?i)"), target=ledger),\n',
    )
    result = checked(text)
    assert (
        "no interface declares 'Store.reserved(item=?i)', which is the text of a pattern "
        "that Pattern.match takes as one name (parse_pattern('Store.reserved(item=?i)') "
        "reads it as a pattern)"
    ) in result.stdout


def test_check_names_a_misspelt_event_in_a_handler(tmp_path: Path) -> None:
    # A @when on a name no interface declares never runs, and nothing said so: the
    # connections deliver Store.reserved, and the handler waits for another name.
    misspelt = shop_changed(
        tmp_path, "misspelt.py",
        '    @when(Pattern.match("Store.reserved").or_(Pattern.match("Store.refused")))\n',
        '    @when(Pattern.match("Store.reserved").or_(Pattern.match("Store.refusd")))\n',
    )
    result = checked(misspelt)
    assert (
        "warning: component 'mailer': Postman.on_store handles Store.reserved or "
        "Store.refusd, but no interface declares 'Store.refusd' (did you mean "
        "'Store.refused' or 'Store.reserved'?), so no such event can reach it\n"
    ) in result.stdout
    assert "handles" not in rapide("check", SHOP).stdout


def test_check_says_when_the_event_named_is_a_method_not_marked_action(
    tmp_path: Path,
) -> None:
    # An interface reads only its marked members: without @action, Store.reserved is
    # no event, and check said "no interface declares 'Store.reserved'" of the very
    # method written there, with no word on the decorator left out.
    unmarked = shop_changed(
        tmp_path, "unmarked.py",
        "    @action\n    async def reserved(", "    async def reserved(",
    )
    result = checked(unmarked)
    assert (
        "no interface declares 'Store.reserved': the method Store.reserved is not marked "
        "@action (mark it to declare the event)"
    ) in result.stdout
    assert "did you mean" not in result.stdout
    # A watch on it, and an inject of it, said only "no interface declares it" (the
    # inject offering 'Store.refused' as what was meant).
    script = tmp_path / "unmarked.rapide"
    script.write_text("watch Store.reserved\ninject Store.reserved item=x\n")
    result = rapide("run", unmarked, "--script", script)
    assert result.returncode == 2
    unmarked_said = "the method Store.reserved is not marked @action (mark it to declare the event)"
    said = " ".join(result.stdout.split())  # lines wrapped at the terminal's width
    assert f"note: no interface declares 'Store.reserved': {unmarked_said}" in said
    assert (
        f"unknown event 'Store.reserved': no interface declares it: {unmarked_said}"
    ) in result.stderr
    assert "did you mean" not in result.stdout + result.stderr


def test_check_names_an_emit_not_awaited(tmp_path: Path) -> None:
    # `ctx.emit(...)` without `await` makes a coroutine and drops it: no event, the run
    # quiet, and Python's RuntimeWarning said only on stderr once the run had dropped it.
    unawaited = shop_changed(
        tmp_path, "unawaited.py",
        '        await ctx.emit("Mailer.sent", to="customer")\n',
        '        ctx.emit("Mailer.sent", to="customer")\n',
    )
    result = checked(unawaited)
    awaited = '        await ctx.emit("Mailer.sent", to="customer")'
    line = SHOP.read_text().splitlines().index(awaited)
    assert (
        f"warning: Postman.on_store (unawaited.py:{line + 1}) emits 'Mailer.sent' without "
        "await, so it records no event: `await` it\n"
    ) in result.stdout
    assert "without await" not in rapide("check", SHOP).stdout


def test_check_names_two_connections_that_deliver_one_event_to_one_target_twice(
    tmp_path: Path,
) -> None:
    # A catch-all "Store.*" beside the connection of Store.refused: every refusal reached
    # the mailer twice, two mails sent, and nothing said why until a run was read.
    twice = shop_changed(
        tmp_path, "twice.py",
        '        agent(Pattern.match("Store.refused"), target=mailer),\n',
        '        agent(Pattern.match("Store.refused"), target=mailer),\n'
        '        agent(Pattern.match("Store.*"), target=mailer),\n',
    )
    result = checked(twice)
    assert (
        "warning: connections #2 and #4 both deliver Store.reserved to 'mailer': each such "
        "event reaches it twice, and its handlers run twice\n"
        "warning: connections #3 and #4 both deliver Store.refused to 'mailer': each such "
        "event reaches it twice, and its handlers run twice\n"
    ) in result.stdout
    # One event to two targets (the ledger and the mailer) is no such thing.
    assert "both deliver" not in rapide("check", SHOP).stdout


def test_check_names_a_field_or_value_a_pattern_asks_that_its_event_never_has(
    tmp_path: Path,
) -> None:
    # A misspelt field, or a value its annotation refuses, in a connection's pattern or
    # a handler's: nothing ever fired or ran, and the check said "0 warnings".
    slips = shop_changed(
        tmp_path, "slips.py",
        '        pipe(Pattern.match("Store.reserved"), target=ledger),\n',
        '        pipe(Pattern.match("Store.reserved", quantty=2), target=ledger),\n'
        '        pipe(Pattern.match("Store.refused", item=7), target=ledger),\n',
    )
    slips.write_text(slips.read_text().replace(
        '    @when(Pattern.match("Store.reserved"))\n    async def on_reserved',
        '    @when(Pattern.match("Store.reserved", quantity="2"))\n    async def on_reserved',
    ))
    result = checked(slips)
    assert (
        "warning: connection #1 (pipe Store.reserved(quantty=2)): Store.reserved has no "
        "field 'quantty', so its pattern may never match; did you mean 'quantity'? (its "
        "fields: item, quantity)\n"
        "warning: connection #2 (pipe Store.refused(item=7)): Store.refused's item is "
        'declared str, which 7 is not, so its pattern may never match; did you mean item="7"?\n'
    ) in result.stdout
    assert (
        "warning: component 'ledger': Books.on_reserved handles Store.reserved(quantity=\"2\"), "
        "but Store.reserved's quantity is declared int, which \"2\" is not, so it may never "
        "run; did you mean quantity=2?\n"
    ) in result.stdout
    assert "may never" not in rapide("check", SHOP).stdout


def test_check_names_a_constraint_whose_pattern_asks_what_no_event_has(
    tmp_path: Path,
) -> None:
    # `never(Sensor.alrm)` held in every run, for the wrong reason, and the check said
    # "0 warnings": a constraint's pattern was not looked at as a connection's is.
    misspelt = tmp_path / "misspelt.py"
    misspelt.write_text((FIXTURES / "alarm.py").read_text().replace(
        'constraints = [never(Pattern.match("Sensor.alarm"), name="no alarms")]',
        'constraints = [never(Pattern.match("Sensor.alrm"), name="no alarms"), '
        'never(Pattern.match("Sensor.alarm", level="9"), name="no nines")]',
    ))
    result = checked(misspelt)
    assert (
        "warning: constraint 'no alarms': no interface declares 'Sensor.alrm' (did you mean "
        "'Sensor.alarm'?), so its pattern may never match\n"
        "warning: constraint 'no nines': Sensor.alarm's level is declared int, which \"9\" "
        "is not, so its pattern may never match; did you mean level=9?\n"
    ) in result.stdout
    assert "may never match" not in rapide("check", FIXTURES / "alarm.py").stdout


def test_check_names_a_handler_of_its_modules_own_events_nothing_delivers(
    tmp_path: Path,
) -> None:
    # Written for PyRapide 0.3.0, which ran a module's handlers on its own events: the
    # counter ticks itself, here once only, and check said only "not connected".
    counter = tmp_path / "counter.py"
    counter.write_text(
        "from pyrapide import Pattern, action, architecture, get_context, interface, "
        "module, when\n\n\n"
        "@interface\nclass Counter:\n    @action\n"
        "    async def tick(self, n: int) -> None: ...\n\n\n"
        "@module(implements=Counter)\nclass Ticking:\n"
        "    async def start(self):\n"
        '        await get_context(self).emit("Counter.tick", n=0)\n\n'
        '    @when(Pattern.match("Counter.tick"))\n'
        "    async def on_tick(self, match):\n"
        "        if match.payload['n'] < 3:\n"
        '            await get_context(self).emit("Counter.tick", n=match.payload["n"] + 1)\n'
        "\n\n@architecture\nclass Alone:\n    counter: Counter\n"
    )
    result = checked(counter)
    assert (
        "warning: component 'counter': Ticking.on_tick handles Counter.tick, which "
        "'counter' emits, but no connection delivers it back to 'counter', so it never "
        "runs for it: a module hears only what connections deliver to it (PyRapide 0.3.0 "
        "ran a module's handlers on its own events); to loop it back, add "
        'pipe(Pattern.match("Counter.tick"), "counter")\n'
    ) in result.stdout


def test_check_names_a_handler_its_connections_never_feed(tmp_path: Path) -> None:
    # The ledger is piped Store.reserved only: a handler of Store.refused never runs.
    unfed = shop_changed(
        tmp_path, "unfed.py",
        '    @when(Pattern.match("Store.reserved"))\n    async def on_reserved',
        '    @when(Pattern.match("Store.refused"))\n    async def on_reserved',
    )
    result = checked(unfed)
    assert (
        "warning: component 'ledger': Books.on_reserved handles Store.refused, but its "
        "connections deliver only Store.reserved to it, so it never runs\n"
    ) in result.stdout


def test_check_names_a_handler_whose_pattern_one_delivery_cannot_complete(
    tmp_path: Path,
) -> None:
    # A handler's pattern is matched among the events of one delivery: one of two
    # independent events never runs where every connection brings one event at a time,
    # and its names alone gave no sign of it.
    paired = shop_changed(
        tmp_path, "paired.py",
        '    @when(Pattern.match("Store.reserved"))\n    async def on_reserved',
        '    @when(Pattern.match("Store.reserved") | Pattern.match("Store.refused"))\n'
        "    async def on_reserved",
    )
    result = checked(paired)
    assert (
        "warning: component 'ledger': Books.on_reserved handles Store.reserved || "
        "Store.refused, which takes 2 events at least, but its connections deliver one "
        "event at a time, so it never runs\n"
    ) in result.stdout
    ran = rapide("run", paired, "--script", script(tmp_path, "inject Web.order item=apple\nrun\n"))
    assert "no handler of ledger took it (Books.on_reserved handles Store.reserved" in " ".join(
        ran.stdout.split()
    )


def test_check_shows_a_constraint_name_from_the_file_on_its_line(tmp_path: Path) -> None:
    # A name holding a line break was printed on two lines, the second one looking
    # like a line of the report of its own.
    named = tmp_path / "named.py"
    named.write_text(
        (FIXTURES / "alarm.py").read_text().replace('name="no alarms"', 'name="no\\nalarms"')
    )
    result = rapide("check", named)
    assert result.returncode == 0, result.stderr
    assert "\nconstraints: no\\nalarms\n" in result.stdout


def test_check_says_a_source_with_a_star_names_one_component_whole(tmp_path: Path) -> None:
    # from "stor*" is the component named "stor*", none here: a source is no glob.
    starred = shop_changed(
        tmp_path, "starred.py",
        'pipe(Pattern.match("Store.reserved"), target=ledger)',
        'pipe(Pattern.match("Store.reserved", source="stor*"), target=ledger)',
    )
    result = checked(starred)
    assert (
        '\nwarning: connection #1 (pipe Store.reserved from "stor*"): source "stor*" is no '
        'component (a source names one component, whole, "*" included; did you mean '
        '"store"?), so only injected events can carry it\n'
    ) in result.stdout


def test_check_warns_of_a_handler_whose_source_is_no_component(tmp_path: Path) -> None:
    # The handler reads its source in the architecture its component is in, and
    # never runs for events of a component none is (but injected ones).
    misnamed = shop_changed(
        tmp_path, "misnamed.py",
        '@when(Pattern.match("Store.reserved"))',
        '@when(Pattern.match("Store.reserved", source="stroe"))',
    )
    result = checked(misnamed)
    assert (
        'handles Store.reserved from "stroe", but source "stroe" is no component (did you '
        'mean "store"?), so only injected events can reach it\n'
    ) in result.stdout


def test_check_says_each_warning_on_one_line(tmp_path: Path) -> None:
    # A source named with a line break was quoted as it was, the warning split in two.
    named = shop_changed(
        tmp_path, "sourced.py",
        'pipe(Pattern.match("Store.reserved"), target=ledger)',
        'pipe(Pattern.match("Store.reserved", source="led\\nger"), target=ledger)',
    )
    result = checked(named)
    assert ('\nwarning: connection #1 (pipe Store.reserved from "led\\nger"): source '
            '"led\\nger" is no component (did you mean "ledger"?)') in result.stdout


def test_check_warns_of_a_source_that_is_no_component(tmp_path: Path) -> None:
    misspelt = shop_changed(
        tmp_path, "misspelt.py",
        '        pipe(Pattern.match("Store.reserved"), target=ledger),\n',
        '        pipe(Pattern.match("Store.reserved", source="stor"), target=ledger),\n'
        '        agent(Pattern.match("Web.order", source="kiosk"), target=mailer),\n',
    )
    result = checked(misspelt)
    warnings = [line for line in result.stdout.splitlines() if line.startswith("warning:")]
    assert (
        'warning: connection #1 (pipe Store.reserved from "stor"): source "stor" is no '
        'component (did you mean "store"?), so only injected events can carry it'
    ) in warnings
    assert (
        'warning: connection #2 (agent Web.order from "kiosk"): source "kiosk" is no '
        "component (components: web, store, ledger, mailer), so only injected events can "
        "carry it"
    ) in warnings
    # The misspelt source is the one thing said about each of these connections.
    assert sum("connection #1 " in line for line in warnings) == 1


def test_check_warns_of_a_synchronous_cycle(tmp_path: Path) -> None:
    # Each emit waits for the next handler, which emits and waits in turn: a run of it
    # ends only at max_connect_depth. Through agents, the same rally is no cycle.
    rally = (FIXTURES / "rally.py").read_text(encoding="utf-8")
    variants = {
        "connects": rally.replace("agent", "connect"),
        "echo": rally.replace("agent", "connect").replace(
            'source="left"), target="right"', 'source="left"), target="left"'
        ),
        "agents": rally,
    }
    said = {}
    for name, text in variants.items():
        path = tmp_path / f"{name}.py"
        path.write_text(text, encoding="utf-8")
        result = rapide("check", path)
        assert result.returncode == 0, result.stderr
        said[name] = [line for line in result.stdout.splitlines()
                      if line.startswith("warning: ") and "max_connect_depth" in line]
    nests = "so an exchange that goes on nests until max_connect_depth stops it"
    assert said == {
        "connects": [
            "warning: connections #0 and #1 make a synchronous cycle, left --> right --> "
            f"left: each emit waits until the next handler returns, {nests}"
        ],
        "echo": [
            'warning: connection #0 (connect Ball.hit from "left") delivers the events of '
            f"left back to it: each waits until its own delivery is handled, {nests}"
        ],
        "agents": [],
    }


def test_usage_errors_exit_2() -> None:
    result = rapide("run", SHOP)
    assert result.returncode == 2
    assert "--script" in result.stderr


def test_help_lists_every_command_and_each_command_has_its_own() -> None:
    top = rapide("--help")
    assert top.returncode == 0
    for command in ("run", "repl", "shell", "serve", "lessons", "graph", "check"):
        assert f"    {command} " in top.stdout
    run_help = rapide("run", "--help")
    assert run_help.returncode == 0
    assert "--script SCRIPT" in run_help.stdout and "--max-steps N" in run_help.stdout
    nothing = rapide()
    assert nothing.returncode == 2 and "COMMAND" in nothing.stderr


def test_bad_numbers_name_the_option_and_exit_2(tmp_path: Path) -> None:
    lines = script(tmp_path, "run\n")
    port = rapide("serve", SHOP, "--port", "70000")
    assert port.returncode == 2
    assert "argument --port: 70000 is not from 1 to 65535" in port.stderr
    seed = rapide("run", SHOP, "--script", lines, "--seed", "x")
    assert seed.returncode == 2
    assert "argument --seed: 'x' is not a whole number" in seed.stderr


@pytest.mark.parametrize("option", ["--timeout", "--handler-timeout"])
@pytest.mark.parametrize("value", ["nan", "NaN"])
def test_seconds_that_are_not_a_number_are_refused_as_usage(
    tmp_path: Path, option: str, value: str
) -> None:
    # float("nan") parses; it compares false with every bound, so it slipped past them.
    result = rapide("run", SHOP, "--script", script(tmp_path, "run\n"), option, value)
    assert result.returncode == 2
    assert f"argument {option}: {value!r} is not a number of seconds" in result.stderr
    assert "internal error" not in result.stderr


def test_help_and_check_import_neither_asyncio_nor_the_runtime_before_they_need_it() -> None:
    # What `rapide --help` imports is what every command pays before it starts.
    heavy = ("asyncio", "pyrapide.runtime.system", "typer", "rich", "textual", "pydantic")
    assert _modules_after(["--help"], heavy) == []


def _modules_after(argv: list[str], heavy: tuple[str, ...], stdin: str = "") -> list[str]:
    """Which of ``heavy`` are in ``sys.modules`` after ``rapide ARGV`` ran in a fresh
    process, reading ``stdin``."""
    probe = (
        "import json, sys\n"
        "from rapide_shell import cli\n"
        "try:\n"
        f"    cli.main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(json.dumps([name for name in {heavy!r} if name in sys.modules]), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=60,
        input=stdin,
    )
    return json.loads(result.stderr.strip().splitlines()[-1])


def test_check_and_graph_import_neither_asyncio_nor_rich() -> None:
    # They print plain text about a file they load but never run: asyncio and Rich are
    # some 80 ms of start-up they do not need.
    # Nor the scheduler: the System the example binds at import is never run.
    heavy = ("asyncio", "rich", "textual", "prompt_toolkit", "pyrapide.runtime.scheduler")
    seed = "examples/seed_system.py"
    assert _modules_after(["check", seed], heavy) == []
    assert _modules_after(["graph", seed, "--format", "mermaid"], heavy) == []


def test_explore_help_shows_the_explorers_own_step_bound() -> None:
    from pyrapide.exploration import DEFAULT_MAX_STEPS
    from rapide_shell import cli

    assert cli.EXPLORE_MAX_STEPS == DEFAULT_MAX_STEPS
    shown = rapide("explore", "--help")
    assert shown.returncode == 0
    assert f"(default {DEFAULT_MAX_STEPS:,})" in " ".join(shown.stdout.split())


def test_the_workbench_loads_the_exploration_machinery_only_when_asked_to_explore() -> None:
    # Every workbench registers `explore`; the search, its worker pools and reports are
    # a tenth of the shell's start, paid only by an exploration.
    probe = (
        "import sys\n"
        "import rapide_shell.tui.app, rapide_shell.repl.app\n"
        "print(sorted(name for name in sys.modules if name.startswith('pyrapide.exploration')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]"


OUTPUT_RUNS = [
    ["graph", "examples/seed_system.py", "--format", "mermaid"],
    # A transcript, printed through Rich, whose own answer to a closed pipe is exit 1:
    # the status of a failed expect, which a pipeline would take for one.
    ["run", "examples/seed_system.py", "--script", "examples/seed_system.rapide"],
    ["explore", "examples/lost_update.py", "--script", "examples/lost_update.rapide",
     "--max-schedules", "1"],
]
"""Commands that print more than a line, each of another kind."""


@pytest.mark.parametrize("args", OUTPUT_RUNS, ids=["graph", "run", "explore"])
def test_output_to_a_closed_pipe_ends_quietly_with_141(args: list[str]) -> None:
    # What reads the output has gone (``rapide graph ... | head`` once head has its line).
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "rapide_shell.cli", *args],
            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60, cwd=REPO,
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (141, "")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", OUTPUT_RUNS, ids=["graph", "run", "explore"])
def test_output_with_no_room_left_is_one_line_and_exit_2(args: list[str]) -> None:
    # A full disk under a redirected transcript is the user's to mend, not our bug; the
    # line says what could not be written ("cannot write: No space left on device" did
    # not).
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "rapide_shell.cli", *args],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=60, cwd=REPO,
        )
    assert (done.returncode, done.stderr) == (
        2, "rapide: cannot write the output: No space left on device\n"
    )


def test_a_sometimes_expect_this_run_did_not_meet_is_not_counted_as_held() -> None:
    # It fails nothing (explore judges it across schedules), but it did not hold.
    lines = (
        "inject Web.order item=apple\nrun\nexpect Ledger.entry count=1\n"
        "expect Mailer.sent count=5 sometimes\nexpect Mailer.sent sometimes\n"
    )
    result = run_rapide("run", SHOP, "--script", "-", stdin=lines)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "ok: 2 expectations held; 1 for some schedule not met in this run"
    )


def test_check_names_a_name_with_a_star_that_completes_no_declared_name(
    tmp_path: Path,
) -> None:
    starred = shop_changed(
        tmp_path, "starred.py",
        '        pipe(Pattern.match("Store.reserved"), target=ledger),\n',
        '        pipe(Pattern.match("Stor.*"), target=ledger),\n',
    )
    result = checked(starred)
    assert (
        "only injected events can fire it; no interface declares a name that 'Stor.*' matches"
    ) in result.stdout
    fed = tmp_path / "fed.py"
    fed.write_text(starred.read_text().replace('"Stor.*"', '"Store.*"'))
    assert "only injected events" not in rapide("check", fed).stdout


def test_a_script_expects_events_by_a_quoted_name_with_a_star(tmp_path: Path) -> None:
    # One order: the store reserves and the ledger writes an entry; "Store.*" sees the
    # first, "*.entry" the second.
    demo = script(
        tmp_path,
        'inject Web.order item=apple\nrun\nexpect "Store.*" count=1\n'
        'expect "*.entry" count=1\nexpect "Web.*" -> "Ledger.*"\n',
    )
    result = rapide("run", SHOP, "--script", demo)
    assert result.returncode == 0, result.stderr
    assert 'ok: "Store.*": 1 match (expected exactly 1 match)' in result.stdout
    assert 'ok: "*.entry": 1 match (expected exactly 1 match)' in result.stdout
    assert result.stdout.splitlines()[-1] == "ok: 3 expectations held"
    # Unquoted, the name is a syntax error that says to quote it, before anything runs.
    unquoted = script(tmp_path, "inject Web.order item=apple\nrun\nexpect Store.* count=1\n")
    refused = rapide("run", SHOP, "--script", unquoted)
    assert refused.returncode == 2
    assert f"{unquoted}:3:" in refused.stderr
    assert '(a name with * in it is quoted: "Store.*")' in refused.stderr


def test_a_script_whose_guard_names_a_field_is_told_how_to_write_it(tmp_path: Path) -> None:
    # A guard compares placeholders; the error said only "found 'item'".
    ordered = "inject Web.order item=apple\nrun\n"
    guarded = script(tmp_path, ordered + 'expect Web.order where item == "apple"\n')
    refused = rapide("run", SHOP, "--script", guarded)
    assert refused.returncode == 2
    first = refused.stderr.splitlines()[0]
    assert first.startswith(f"rapide: {guarded}:3: pattern syntax error: ")
    assert first.endswith(
        "(a guard compares placeholders, not fields: Web.order(item=?item) where ?item ...)"
        " (checked before running: no command was run)"
    )
    fixed = script(tmp_path, ordered + 'expect Web.order(item=?item) where ?item == "apple"\n')
    assert rapide("run", SHOP, "--script", fixed).returncode == 0


def test_check_names_a_handler_on_a_name_with_a_star_its_connections_never_feed(
    tmp_path: Path,
) -> None:
    # The ledger is piped Store.reserved only: a handler of "Web.*" never runs, and one
    # of "Store.*" does.
    unfed = shop_changed(
        tmp_path, "unfed.py",
        '    @when(Pattern.match("Store.reserved"))\n    async def on_reserved',
        '    @when(Pattern.match("Web.*"))\n    async def on_reserved',
    )
    result = checked(unfed)
    assert (
        "warning: component 'ledger': Books.on_reserved handles \"Web.*\", but its "
        "connections deliver only Store.reserved to it, so it never runs\n"
    ) in result.stdout
    fed = tmp_path / "fed.py"
    fed.write_text(unfed.read_text().replace('"Web.*"', '"Store.*"'))
    assert "Books.on_reserved" not in rapide("check", fed).stdout


SPRAY = '''
from pyrapide import Pattern, action, architecture, connect, get_context, interface, module

NAMES = ["a", "b", "c", "d", "e", "f"]


@interface
class Src:
''' + "".join(
    f"    @action\n    async def {name}(self, n: int) -> None: ...\n" for name in "abcdef"
) + '''

@interface
class Sink:
    @action
    async def got(self) -> None: ...


@architecture
class Spray:
    src = Src
    left = Sink
    right = Sink
    connections = [connect(Pattern.match("*"), target="left"),
                   connect(Pattern.match("*"), target="right")]


@module(implements=Src)
class Sprayer:
    async def start(self):
        for name in NAMES:
            for n in range(2):
                await get_context(self).emit(f"Src.{name}", n=n)


@module(implements=Sink)
class Deaf:
    pass
'''


def test_deliveries_no_handler_took_are_told_in_a_bounded_number_of_lines(
    tmp_path: Path,
) -> None:
    # One line for each event name and target: a run spraying many names at many
    # components printed hundreds of lines.
    spray = tmp_path / "spray.py"
    spray.write_text(SPRAY)
    ran = rapide("run", spray, "--script", script(tmp_path, "run\n"))
    assert ran.returncode == 0, ran.stderr
    said = " ".join(ran.stdout.split())
    assert said.count("no handler of") == 10
    assert said.count("`whynot e") == 10
    assert (
        "and 4 more deliveries that no handler took, 2 other kinds (an event name to a "
        "target); `whynot` with an event's id tells more"
    ) in said


@pytest.mark.parametrize("number", ["1_000", "+5", "٣", " 7"])
def test_a_number_option_takes_the_numbers_the_command_language_takes(
    tmp_path: Path, number: str
) -> None:
    # `rapide run --seed 1_000` ran with seed 1000 (and `--seed ٣` with seed 3), where
    # the command line `seed 1_000` is refused: int() reads more than whole numbers.
    demo = script(tmp_path, f"seed {number.strip()}\n")
    result = rapide("run", SHOP, "--script", demo, f"--seed={number}")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        f"rapide run: error: argument --seed: {number!r} is not a whole number"
    )
    if number == number.strip():  # a blank only a shell's quotes can put in a word
        in_script = rapide("run", SHOP, "--script", demo)
        assert in_script.returncode == 2
        assert "a seed is a whole number (negative ones too)" in in_script.stderr
    seeds = rapide("explore", SHOP, "--script", demo, "--strategy", "random",
                   f"--seeds={number}..9")
    assert seeds.returncode == 2
    assert "--seeds takes a range A..B of whole numbers" in seeds.stderr


def test_help_explains_a_command_of_another_front_end_and_says_where_it_works() -> None:
    # `help zoom` was a command error: `rapide run` refused the whole script before
    # running anything, and the REPL exited 2 at the end of its input.
    tui = "not a command here: it works only in the TUI (`rapide shell`, `rapide serve`)"
    script = "help zoom\nhelp screenshot\nhelp resume\nhelp explore\nhelp run\n"
    done = run_rapide("run", "examples/seed_system.py", "--script", "-", stdin=script)
    assert (done.returncode, done.stderr) == (0, "")
    shown = " ".join(done.stdout.split())
    for usage in ("zoom [PANEL]", "screenshot [FILE.svg]", "resume", "explore SCRIPT"):
        assert f"> help {usage.split()[0]} {usage}" in shown
    assert shown.count(tui) == 3
    assert (
        "not a command here: it works in the TUI and the REPL (`rapide shell`, `rapide "
        "repl`); from a terminal, `rapide explore FILE --script SCRIPT` does the same"
    ) in shown
    assert shown.count("not a command here") == 4  # not for `help run`
    # The REPL, whose own `explore` is explained as usual.
    repl = run_rapide("repl", "examples/seed_system.py", stdin="help zoom\nhelp explore\n")
    assert (repl.returncode, repl.stderr) == (0, "")
    assert " ".join(repl.stdout.split()).count("not a command here") == 1
    # The command itself is still refused where it does not work.
    refused = run_rapide("run", "examples/seed_system.py", "--script", "-", stdin="zoom\n")
    assert refused.returncode == 2
    assert "zoom works only in the TUI (rapide shell)" in refused.stderr


def test_the_repl_explains_the_tuis_commands_without_importing_textual() -> None:
    said = _modules_after(["repl", "examples/seed_system.py"], ("textual",), "help zoom\n")
    assert said == []


def test_check_strict_fails_on_a_warning_and_passes_without_one(tmp_path: Path) -> None:
    # check exited 0 whatever it warned of: a CI step could not fail on a warning.
    unmarked = shop_changed(
        tmp_path, "unmarked.py",
        "    @action\n    async def reserved(", "    async def reserved(",
    )
    warned = rapide("check", unmarked, "--strict")
    assert warned.returncode == 1
    assert "warning: " in warned.stdout
    assert warned.stderr.startswith("rapide: ") and "--strict fails on any" in warned.stderr
    assert rapide("check", unmarked).returncode == 0
    assert rapide("check", SHOP, "--strict").returncode == 0
