"""Loading architecture files: what is found, and one clear line for every failure."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from rapide_shell.loader import LoadError, load_architecture
from tests.shell.cli_process import run_rapide

HEADER = """\
from pyrapide import Pattern, action, architecture, connect, interface, module, when


@interface
class Ping:
    @action
    async def ping(self, n: int) -> None: ...


@interface
class Pong:
    @action
    async def pong(self, n: int) -> None: ...
"""

ARCH = """

@architecture
class Game:
    left = Ping
    right = Pong
    connections = [connect(Pattern.match("Ping.ping"), target=right)]
"""

MODULES = """

@module(implements=Ping)
class Pinger:
    pass


@module(implements=Pong)
class Ponger:
    @when(Pattern.match("Ping.ping"))
    async def on_ping(self, match):
        pass
"""


def write(tmp_path: Path, text: str, name: str = "arch.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def load_error(path: Path, arch: str | None = None) -> str:
    with pytest.raises(LoadError) as caught:
        load_architecture(path, arch=arch)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_an_architecture_is_bound_to_the_files_modules(tmp_path: Path) -> None:
    loaded = load_architecture(write(tmp_path, HEADER + ARCH + MODULES))
    assert loaded.name == "Game"
    assert {name: cls.__name__ for name, cls in loaded.bindings.items()} == {
        "left": "Pinger",
        "right": "Ponger",
    }
    assert set(loaded.actions) == {"Ping.ping", "Pong.pong"}
    assert loaded.actions["Ping.ping"].field_names == ("n",)
    assert [c.kind for c in loaded.description.connections] == ["connect"]
    system = loaded.build_system(3)
    assert system.seed == 3


def test_a_module_level_system_is_used_as_it_is(tmp_path: Path) -> None:
    text = HEADER + ARCH + MODULES + "\nsystem = Game.bind(left=Pinger, right=Ponger)\n"
    loaded = load_architecture(write(tmp_path, text))
    assert loaded.name == "Game"
    assert loaded.build_system(0) is loaded.build_system(0)
    assert loaded.bindings["right"].__name__ == "Ponger"


def test_a_proxy_among_the_files_names_is_passed_over(tmp_path: Path) -> None:
    # Flask's `request` imported at the top: its __class__ raises outside a request, and
    # looking for Systems with isinstance() made loading the file an "internal error".
    proxy = (
        "\n\nclass Proxy:\n    @property\n    def __class__(self):\n"
        "        raise RuntimeError('working outside of request context')\n\n\n"
        "request = Proxy()\n"
    )
    path = write(tmp_path, HEADER + ARCH + MODULES + proxy)
    assert load_architecture(path).name == "Game"
    for command in ("check", "graph"):
        result = run_rapide(command, path)
        assert (result.returncode, result.stderr) == (0, ""), result.stderr


def test_the_file_is_never_run_as_main(shop_file: Path) -> None:
    # shop.py raises SystemExit under `if __name__ == "__main__":`.
    assert load_architecture(shop_file).name == "Shop"


def test_missing_file_directory_and_wrong_suffix(tmp_path: Path) -> None:
    assert load_error(tmp_path / "nothing.py").endswith("nothing.py: no such file")
    assert "is a directory" in load_error(tmp_path)
    assert "a Python file" in load_error(write(tmp_path, "x", "arch.txt"))


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "x = 1\n\ndef broken(:\n    pass\n")
    message = load_error(path)
    assert message.startswith(f"{path}:3: syntax error: ")


@pytest.mark.parametrize(
    ("operator", "written"),
    [("->", "P >> Q"), ("||", "P | Q"), ("=>", "P.then_immediately(Q)")],
)
def test_a_text_pattern_operator_in_python_says_what_python_writes(
    tmp_path: Path, operator: str, written: str
) -> None:
    # `never(Pattern.match("A.b") -> Pattern.match("C.d"))`, as the README's patterns
    # are written, was "syntax error: invalid syntax", and for => Python's own guess,
    # 'perhaps you meant "=="?'.
    path = write(
        tmp_path,
        "from pyrapide import Pattern, never\n"
        f'rules = [never(Pattern.match("A.b") {operator} Pattern.match("C.d"))]\n',
    )
    message = load_error(path)
    assert message.startswith(f"{path}:2: syntax error: ")
    assert message.endswith(
        f"(at {operator!r}: a pattern in Python writes P {operator} Q as {written}; "
        f'parse_pattern("A {operator} B") reads the text syntax)'
    )


def test_no_operator_hint_for_another_syntax_error(tmp_path: Path) -> None:
    path = write(tmp_path, 'text = "A -> B"\ndef broken(:\n    pass\n')
    assert "(at " not in load_error(path)


def test_syntax_error_names_the_file_as_the_user_wrote_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "def broken(:\n    pass\n")
    monkeypatch.chdir(tmp_path)
    assert load_error(Path("arch.py")).startswith("arch.py:1: syntax error: ")


def test_a_syntax_error_in_a_pattern_is_one_line_with_the_pattern(tmp_path: Path) -> None:
    source = HEADER + "\nfrom pyrapide import parse_pattern\n\nparse_pattern('Ping.ping(n=')\n"
    path = write(tmp_path, source)
    line = source.count("\n")
    assert load_error(path) == (
        f"{path}:{line}: pattern syntax error in 'Ping.ping(n=': Invalid pattern at column 13: "
        "expected a JSON value or a placeholder such as ?k, found the end of the pattern"
    )


def test_import_error_names_the_missing_module(tmp_path: Path) -> None:
    path = write(tmp_path, "import os\nimport no_such_module_anywhere\n")
    assert load_error(path) == (
        f"{path}:2: cannot import 'no_such_module_anywhere' "
        "(No module named 'no_such_module_anywhere')"
    )


def test_an_exception_while_importing_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "x = 1\nraise ValueError('bad configuration')\n")
    assert load_error(path) == f"{path}:2: ValueError: bad configuration"


def test_a_file_that_runs_its_system_as_a_script_is_told_what_to_write(
    tmp_path: Path,
) -> None:
    # The ending the README's first example has: fine for `python FILE`, but `rapide
    # run`, `repl` and `shell` import it inside their event loop, where asyncio.run()
    # cannot start another.
    path = write(tmp_path, HEADER + ARCH + MODULES + (
        "\nimport asyncio\n"
        "system = Game.bind(left=Pinger, right=Ponger)\n"
        "computation = asyncio.run(system.run())\n"
    ))
    line = len(path.read_text().splitlines())
    result = run_rapide("run", path, "--script", "-", stdin="run\n")
    assert result.returncode == 2
    assert result.stderr == (
        f"rapide: {path}:{line}: RuntimeError: asyncio.run() cannot be called from a "
        "running event loop: the file runs its system as it is imported, and rapide runs "
        'it itself; put that under `if __name__ == "__main__":`\n'
    )  # one line: no warning of a coroutine never awaited either
    # `rapide check` and `rapide graph` import it outside any loop, where the run at
    # import would succeed: they stop it as it starts and refuse the file all the same,
    # at the line that runs it, not call it fine.
    for command in ("check", "graph"):
        checked = run_rapide(command, path)
        assert (checked.returncode, checked.stderr) == (2, (
            f"rapide: {path}:{line}: the file runs its system as it is imported, and rapide "
            'runs it itself; put that under `if __name__ == "__main__":`\n'
        ))
    # Any other RuntimeError is the file's own, said as it is.
    plain = write(tmp_path, "raise RuntimeError('no database')\n", name="plain.py")
    refused = run_rapide("run", plain, "--script", "-", stdin="run\n")
    assert refused.stderr == f"rapide: {plain}:1: RuntimeError: no database\n"


STARTING_MODULES = """

@module(implements=Ping)
class Pinger:
    async def start(self):
        print("the system ran")


@module(implements=Pong)
class Ponger:
    pass
"""


@pytest.mark.parametrize(
    ("ending", "placed"),
    [
        # No System is left at the top level to see: only its start shows it.
        ("asyncio.run(Game.bind(left=Pinger, right=Ponger).run())\n", True),
        # Started in a thread of the file's: refused once the import ends, no line.
        (
            "import threading\n"
            "worker = threading.Thread(\n"
            "    target=lambda: asyncio.run(Game.bind(left=Pinger, right=Ponger).run())\n"
            ")\n"
            "worker.start()\n"
            "worker.join()\n",
            False,
        ),
    ],
    ids=["inline", "in-a-thread"],
)
def test_check_refuses_a_file_that_starts_a_system_it_does_not_keep(
    tmp_path: Path, ending: str, placed: bool
) -> None:
    path = write(tmp_path, HEADER + ARCH + STARTING_MODULES + "\nimport asyncio\n\n" + ending)
    line = len(path.read_text().splitlines()) if placed else None
    where = f"{path}:{line}" if placed else str(path)
    for command in ("check", "graph"):
        checked = run_rapide(command, path)
        said = (
            f"rapide: {where}: the file runs its system as it is imported, and rapide "
            'runs it itself; put that under `if __name__ == "__main__":`\n'
        )
        assert (checked.returncode, checked.stderr.replace("the system ran\n", "")) == (2, said)
        # Stopped as it started where the file imports it: no module built, no hook run
        # (a thread's system ran before the import ended).
        assert ("the system ran" in checked.stdout + checked.stderr) is not placed


def test_system_exit_while_importing(tmp_path: Path) -> None:
    path = write(tmp_path, "raise SystemExit(3)\n")
    assert "exited while being imported" in load_error(path)


@pytest.mark.parametrize(
    ("raised", "said"),
    [
        ("class Odd(BaseException):\n    pass\n\nraise Odd('not an Exception')\n",
         "4: Odd: not an Exception"),
        ("raise GeneratorExit\n", "1: GeneratorExit"),
    ],
    ids=["its-own-class", "GeneratorExit"],
)
def test_a_base_exception_while_importing_is_one_line(
    tmp_path: Path, raised: str, said: str
) -> None:
    path = write(tmp_path, raised)
    for command in ("check", "graph"):
        result = run_rapide(command, path)
        assert (result.returncode, result.stderr) == (2, f"rapide: {path}:{said}\n")


def test_no_architecture(tmp_path: Path) -> None:
    assert "no architecture found" in load_error(write(tmp_path, HEADER))


def test_several_architectures_need_arch(tmp_path: Path) -> None:
    second = ARCH.replace("class Game", "class Rematch")
    path = write(tmp_path, HEADER + ARCH + second + MODULES)
    assert "several @architecture classes found (Game, Rematch); pick one with --arch NAME" in (
        load_error(path)
    )
    assert load_architecture(path, arch="Rematch").name == "Rematch"
    assert "no @architecture class named 'Gam' (found: Game, Rematch); did you mean 'Game'?" in (
        load_error(path, arch="Gam")
    )


def test_arch_picks_an_architecture_beside_a_module_level_system(tmp_path: Path) -> None:
    second = ARCH.replace("class Game", "class Rematch")
    system = "\nsystem = Game.bind(left=Pinger, right=Ponger)\n"
    path = write(tmp_path, HEADER + ARCH + second + MODULES + system)
    for arch in (None, "system", "Game"):
        loaded = load_architecture(path, arch=arch)  # the file's own System
        assert (loaded.name, loaded.build_system(0)) == ("Game", loaded.build_system(0))
    rematch = load_architecture(path, arch="Rematch")
    assert rematch.name == "Rematch"
    assert rematch.build_system(0) is not rematch.build_system(0)  # bound afresh each time
    assert load_error(path, arch="Remach") == (
        f"{path}: no System or @architecture class named 'Remach' "
        "(found: system, Game, Rematch); did you mean 'Rematch'?"
    )
    result = run_rapide("check", path, "--arch", "Rematch")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith(f"{path}: Rematch loads and binds")


def test_a_component_without_a_module(tmp_path: Path) -> None:
    only_pinger = MODULES.split("@module(implements=Pong)")[0]
    message = load_error(write(tmp_path, HEADER + ARCH + only_pinger))
    assert "cannot bind Game: no @module implements Pong (component 'right'): write one (an " \
        "empty `@module(implements=Pong)` class will do for a component whose events are " \
        "only injected)" in message


def test_two_modules_for_one_interface(tmp_path: Path) -> None:
    twin = "\n\n@module(implements=Pong)\nclass OtherPonger:\n    pass\n"
    message = load_error(write(tmp_path, HEADER + ARCH + MODULES + twin))
    assert "component 'right' (Pong) could be bound to Ponger, OtherPonger" in message


def test_an_architecture_refused_at_decoration(tmp_path: Path) -> None:
    bad = ARCH.replace("target=right", 'target="nobody"')
    message = load_error(write(tmp_path, HEADER + bad + MODULES))
    assert "architecture refused" in message
    assert "nobody" in message


def test_a_refused_module_level_binding(tmp_path: Path) -> None:
    text = HEADER + ARCH + MODULES + "\nsystem = Game.bind(left=Pinger)\n"
    message = load_error(write(tmp_path, text))
    assert "architecture refused" in message
    assert "right" in message


@pytest.mark.parametrize(
    ("init", "said"),
    [
        ("raise KeyError('no such setting')",
         "cannot build component 'left': Pinger() raised KeyError: 'no such setting'"),
        ("raise GeneratorExit", "cannot build component 'left': Pinger() raised GeneratorExit"),
    ],
    ids=["KeyError", "GeneratorExit"],
)
def test_a_module_raising_as_it_is_built_is_a_load_error(
    tmp_path: Path, init: str, said: str
) -> None:
    # It was an "internal error" (a traceback wall for a BaseException).
    building = MODULES.replace(
        "class Pinger:\n    pass\n", f"class Pinger:\n    def __init__(self):\n        {init}\n"
    )
    path = write(tmp_path, HEADER + ARCH + building)
    line = path.read_text().splitlines().index(f"        {init}") + 1
    ran = run_rapide("run", path, "--script", "-", stdin="run\n")
    assert (ran.returncode, ran.stdout, ran.stderr) == (2, "", f"rapide: {path}:{line}: {said}\n")
    (tmp_path / "s.rapide").write_text("run\n")
    explored = run_rapide("explore", path, "--script", tmp_path / "s.rapide")
    assert (explored.returncode, explored.stderr) == (2, f"rapide: {said}\n")


@pytest.mark.parametrize(
    "raising",
    [
        "raise ValueError('x' * 1_000_000)\n",
        "raise SystemExit('x' * 1_000_000)\n",
        "class Loud(Exception):\n    def __str__(self):\n        return 'x' * 1_000_000\n\n"
        "raise Loud()\n",
        MODULES.replace(
            "class Pinger:\n    pass\n",
            "class Pinger:\n    def __init__(self):\n        raise ValueError('x' * 1_000_000)\n",
        ),
    ],
    ids=["import", "SystemExit", "its-own-str", "module-built"],
)
def test_a_message_of_a_megabyte_is_cut_in_the_load_errors_one_line(
    tmp_path: Path, raising: str
) -> None:
    # It was written whole: a line of a megabyte on stderr, and twice more under --json.
    path = write(tmp_path, HEADER + ARCH + raising)
    ran = run_rapide("run", path, "--script", "-", stdin="run\n")
    assert (ran.returncode, ran.stdout) == (2, "")
    assert ran.stderr.startswith(f"rapide: {path}:")
    assert ran.stderr.endswith("xxxxxxxxxx…\n") or "xxxxxxxxxx…)" in ran.stderr
    assert len(ran.stderr) < 1000
    ran = run_rapide("run", path, "--script", "-", "--json", stdin="run\n")
    said = json.loads(ran.stdout)["error"]["message"]
    assert said.startswith(f"{path}:") and "xxxxxxxxxx…" in said
    assert len(ran.stdout) + len(ran.stderr) < 2000


@pytest.mark.parametrize("command", ["reset", "reload"])
def test_a_module_raising_as_it_is_built_again_is_said_as_the_load_error(
    tmp_path: Path, command: str
) -> None:
    # It was "reset failed: ModuleBuildError: cannot build ...", with no line.
    once = "import sys\n" + MODULES.replace(
        "class Pinger:\n    pass\n",
        "class Pinger:\n    def __init__(self):\n"
        "        sys.pinger_builds = getattr(sys, 'pinger_builds', 0) + 1\n"
        "        if sys.pinger_builds > 1:\n"
        "            raise ValueError('built once')\n",
    )
    path = write(tmp_path, HEADER + ARCH + once)
    line = path.read_text().splitlines().index("            raise ValueError('built once')") + 1
    said = f"{path}:{line}: cannot build component 'left': Pinger() raised ValueError: built once"
    ran = run_rapide("run", path, "--script", "-", stdin=f"{command}\n")
    assert ran.returncode == 2
    assert ran.stderr == f"rapide: <stdin>:1: {said} (the rest of the script was not run)\n"


@pytest.mark.parametrize(
    ("command", "recorded"),
    [
        ("back 1", ["seed 0", 'inject Ping.ping {"n": 2}']),
        ("reset", ["seed 0", 'inject Ping.ping {"n": 1}', "step", "reset",
                   'inject Ping.ping {"n": 2}']),
    ],
    ids=["back", "reset"],
)
def test_a_run_that_could_not_be_built_again_is_not_taken_for_the_one_left(
    tmp_path: Path, command: str, recorded: list[str]
) -> None:
    # The history stayed where the run left had got to (step 2, e1 injected), on a
    # fresh system holding nothing: the next injection went on after the old steps, and
    # the recording replayed an injection and a step the run no longer held.
    once = "import sys\n" + MODULES.replace(
        "class Pinger:\n    pass\n",
        "class Pinger:\n    def __init__(self):\n"
        "        sys.pinger_builds = getattr(sys, 'pinger_builds', 0) + 1\n"
        "        if sys.pinger_builds > 1:\n"
        "            raise ValueError('built once')\n",
    )
    path = write(tmp_path, HEADER + ARCH + once)
    record = tmp_path / "session.rapide"
    typed = ["inject Ping.ping n=1", "step", command, "inject Ping.ping n=2", "show events"]
    ran = run_rapide("repl", path, "--record", record, stdin="\n".join(typed) + "\n")
    assert "cannot build component 'left'" in ran.stdout
    assert 'e1 Ping.ping from env {"n": 2}' in ran.stdout
    lines = [line for line in record.read_text().splitlines() if not line.startswith("#")]
    assert lines == recorded


@pytest.mark.parametrize(
    ("spoiler", "said"),
    [
        ("sys.stdout.close()", "closed sys.stdout"),
        ("sys.stdout.close(); sys.stderr.close()", "closed sys.stdout and closed sys.stderr"),
        ("sys.stdout = None", "replaced sys.stdout with None"),
        ("sys.stderr = 42",
         "replaced sys.stderr with an object of type int, which cannot be written to"),
    ],
    ids=["closed", "both-closed", "None", "int"],
)
def test_a_file_that_spoils_the_standard_streams_is_a_load_error(
    tmp_path: Path, spoiler: str, said: str
) -> None:
    # It was an "internal error" as the workbench wrote its first line, or nothing at all
    # (`check` printed into None and exited 0).
    path = write(tmp_path, f"import sys\n{spoiler}\n" + HEADER + ARCH + MODULES)
    message = (f"{path}: {said} while being imported; the workbench writes its output "
               "there, so it must stay open and writable")
    checked = run_rapide("check", path)
    assert (checked.returncode, checked.stdout, checked.stderr) == (2, "", f"rapide: {message}\n")
    ran = run_rapide("run", path, "--json", "--script", "-", stdin="run\n")
    assert ran.returncode == 2 and ran.stderr == f"rapide: {message}\n"
    assert json.loads(ran.stdout)["error"]["message"] == message


def test_a_file_may_put_a_working_stream_of_its_own_in_sys_stdout(tmp_path: Path) -> None:
    # It took what `check` printed; the workbench's output goes where the user sent it.
    swapped = "import io, sys\nsys.stdout = io.StringIO()\n"
    path = write(tmp_path, swapped + HEADER + ARCH + MODULES)
    checked = run_rapide("check", path)
    assert checked.returncode == 0, checked.stderr
    assert f"{path}: Game loads and binds (2 components, 1 connection)" in checked.stdout


def test_a_handler_with_a_stray_yield_is_refused_by_check(tmp_path: Path) -> None:
    # `check` passed it, and `run` ran it without running a line of it.
    stray = MODULES.replace("        pass\n", "        yield\n")
    path = write(tmp_path, HEADER + ARCH + stray)
    result = run_rapide("check", path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"rapide: {path}:")
    assert result.stderr.endswith(
        ": module refused: Ponger.on_ping is an async generator function (it holds a "
        "`yield`), so calling it would run none of its body: a @when handler is a plain or "
        "async function\n"
    )


def test_a_module_that_does_not_conform(tmp_path: Path) -> None:
    strict = HEADER.replace(
        "class Pong:\n", "class Pong:\n    @requires\n    def serve(self) -> None: ...\n\n"
    ).replace("import Pattern,", "import Pattern, requires,")
    message = load_error(write(tmp_path, strict + ARCH + MODULES))
    assert message.startswith(f"{tmp_path / 'arch.py'}:")
    assert "module refused: module Ponger does not conform to Pong" in message
    assert "serve" in message
