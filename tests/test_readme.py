"""The Python of README.md and CONTRIBUTING.md runs as they say, printing what they show.

Blocks with no note run in order in one namespace, as one script would. A block
that lives somewhere else says so in the note before it (``<!-- fragment: ... -->``)
and runs there: each note's context is one entry of ``FRAGMENT_CONTEXTS`` below,
and a note without one fails, so no block goes unrun. What a block prints is
checked: the plain block after it when that is marked ``<!-- output -->``, and every
``# -> TEXT`` comment, a line it prints, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import io
import itertools
import json
import re
import runpy
import tempfile
import textwrap
import types
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import Static

from rapide_shell import notices
from rapide_shell.commands.builtin import BUILTIN_PLUGINS
from rapide_shell.session import Session
from rapide_shell.tui import panels
from tests.markdown_blocks import Block, code_blocks

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
CONTRIBUTING = REPO / "CONTRIBUTING.md"
SHOWN = re.compile(r"#\s*->\s?(?P<text>.*)$")

Namespace = dict[str, Any]


def python_blocks(path: Path) -> list[Block]:
    return [block for block in code_blocks(path) if block.language == "python"]


def shown_output(block: Block) -> list[str]:
    """The lines the block's ``# -> TEXT`` comments say it prints, in order."""
    return [found["text"] for line in block.code.splitlines() if (found := SHOWN.search(line))]


def run_block(block: Block, namespace: Namespace) -> str:
    """Run ``block`` in ``namespace``; what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block.code, block.where, "exec"), namespace)
    return printed.getvalue()


def assert_shows(block: Block, printed: str) -> None:
    """Every ``# -> TEXT`` of ``block`` is a line it printed, in the order written."""
    lines = iter(printed.splitlines())
    for text in shown_output(block):
        assert any(line == text for line in lines), (
            f"{block.where}: the block shows {text!r}, but printed:\n{printed}"
        )


# -- README.md


def test_the_readme_blocks_without_a_note_run_in_order_as_one_script() -> None:
    blocks = code_blocks(README)
    namespace: Namespace = {"__name__": "readme"}
    ran = 0
    for index, block in enumerate(blocks):
        if block.language != "python" or block.note is not None:
            continue
        printed = run_block(block, namespace)
        assert_shows(block, printed)
        after = blocks[index + 1] if index + 1 < len(blocks) else None
        if after is not None and after.note == "output":
            assert printed == after.code, f"{block.where} prints:\n{printed}"
        ran += 1
    assert ran >= 2


def test_every_output_block_follows_a_python_block() -> None:
    for path in (README, CONTRIBUTING):
        blocks = code_blocks(path)
        for before, block in itertools.pairwise(blocks):
            if block.note == "output":
                assert before.language == "python" and before.note is None, block.where


def _example(name: str) -> Namespace:
    """The namespace of ``examples/NAME``, loaded as the workbench loads it (not as
    ``__main__``)."""
    return runpy.run_path(str(REPO / "examples" / name), run_name=Path(name).stem)


def _after_nested_payments() -> Namespace:
    return _example("nested_payments.py")


def _after_payments_map() -> Namespace:
    namespace = _example("payments_map.py")

    async def paid() -> Any:
        system = namespace["Shop"].bind(**namespace["SHOP_MODULES"])
        await system.start()
        for order, amount in (("a", 5), ("big", 500)):
            system.inject("Checkout.paid", {"order": order, "amount": amount})
        await system.run_until_quiet()
        await system.stop()
        return system.computation

    namespace["run"] = asyncio.run(paid())
    return namespace


def _check_nested_system(namespace: Namespace) -> None:
    """The shortened department binds and runs; its settlement comes out to shipping."""
    computation = asyncio.run(namespace["system"].run())
    names = [(event.name, event.source) for event in computation.topological_order()]
    assert ("Ledger.posted", "payments.ledger") in names
    assert ("Shipping.shipped", "shipping") in names
    assert namespace["Shop"].components["payments"] is namespace["Payments"]


def _check_plugin(namespace: Namespace) -> None:
    """The plugin of the Plugins section, installed in a session as any plugin is, in a
    folder of its own: `stats` counts by component; events.jsonl holds every event, the
    start hooks' first, then the reset, and the plugin never failed, at the close too."""
    plugin = types.ModuleType("my_package.rapide_plugin")
    vars(plugin).update(namespace)
    shop = REPO / "tests" / "shell" / "fixtures" / "shop.py"
    failures: list[Any] = []
    recorded: list[str] = []

    async def use() -> None:
        session = Session.load(shop, seed=0)
        session.plugins.register(plugin, name="my_plugin")
        session.subscribe(failures.append, (notices.PluginFailed,))
        await session.start()
        try:
            assert not (await session.execute("stats 0")).ok
            for item in ("tea", "jam"):
                await session.execute(f"inject Web.order item={item} quantity=1")
            await session.execute("run")
            counted = await session.execute("stats")
            assert counted.ok and counted.data["counts"]["env"] == 2, counted
            busiest = await session.execute("stats 1")
            assert len(busiest.data["counts"]) == 1 and len(busiest.output) == 1
            recorded.extend(event.id for event in session.computation)
            assert (await session.execute("back 2")).ok  # replayed, not heard again
            assert (await session.execute("forward 2")).ok
            await session.execute("reset")
        finally:
            await session.close()
        assert session.hook_report("start").error_texts == []

    with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder):
        asyncio.run(use())
        lines = [json.loads(line) for line in Path("events.jsonl").read_text().splitlines()]
    assert failures == []
    reset = lines.index({"reset": "reset"})
    assert [line["id"] for line in lines[:reset] if "id" in line] == recorded
    assert lines[:reset].count({"reset": "travel"}) == 2
    assert len(recorded) > 2


FRAGMENT_CONTEXTS: dict[str, tuple[Callable[[], Namespace], Callable[[Namespace], None]]] = {
    "fragment: runs after examples/nested_payments.py, whose interfaces and modules it uses": (
        _after_nested_payments,
        _check_nested_system,
    ),
    "fragment: runs after examples/payments_map.py, with run a computation of its Shop "
    "that paid a (5) and big (500)": (_after_payments_map, lambda namespace: None),
    "fragment: a plugin of its own, my_package/rapide_plugin.py": (
        lambda: {"__name__": "my_package.rapide_plugin"},
        _check_plugin,
    ),
}
"""Each README note's context: what the block runs after, and what is checked after it."""


@pytest.mark.parametrize(
    "block",
    [block for block in python_blocks(README) if block.note is not None],
    ids=lambda block: block.where,
)
def test_a_readme_fragment_runs_in_the_context_its_note_names(block: Block) -> None:
    assert block.note in FRAGMENT_CONTEXTS, (
        f"{block.where}: no context for the note {block.note!r}; give it one in FRAGMENT_CONTEXTS"
    )
    context, check = FRAGMENT_CONTEXTS[block.note]
    namespace = context()
    assert_shows(block, run_block(block, namespace))
    check(namespace)


# -- CONTRIBUTING.md


def _contributing(note: str) -> Block:
    found = [block for block in python_blocks(CONTRIBUTING) if block.note == f"fragment: {note}"]
    assert len(found) == 1, f"CONTRIBUTING.md has no one block noted {note!r}"
    return found[0]


def test_every_contributing_block_is_one_of_those_run_here() -> None:
    run_here = {
        "in rapide_shell/commands/builtin/inspecting.py",
        "in rapide_shell/commands/builtin/inspecting.py, after the block above",
        "an entry of PANELS in rapide_shell/tui/panels.py, ConstraintPanel being the new widget",
        "the methods of SessionPanel in rapide_shell/tui/panels.py",
        "a member of ConnectionKind in pyrapide/architecture/connections.py",
    }
    notes = [block.note for block in python_blocks(CONTRIBUTING)]
    assert sorted(notes) == sorted(f"fragment: {note}" for note in run_here)


async def test_the_roots_command_of_contributing_works_as_written() -> None:
    inspecting = importlib.import_module("rapide_shell.commands.builtin.inspecting")
    namespace = dict(vars(inspecting))
    run_block(_contributing("in rapide_shell/commands/builtin/inspecting.py"), namespace)
    run_block(
        _contributing("in rapide_shell/commands/builtin/inspecting.py, after the block above"),
        namespace,
    )
    session = Session.load(REPO / "tests" / "shell" / "fixtures" / "shop.py", seed=0)
    namespace["rapide_add_commands"](session.catalog)
    await session.start()
    try:
        await session.execute("inject Web.order item=tea")
        await session.execute("inject Web.order item=jam")
        await session.execute("run")
        every_root = await session.execute("roots")
        assert every_root.ok and len(every_root.data["roots"]) >= 2
        first = await session.execute("roots 1")
        assert first.ok and first.data["roots"] == every_root.data["roots"][:1]
        assert len(first.output) == 1
        wrong = await session.execute("roots x")
        assert not wrong.ok
        console = Console(width=200, record=True)
        for renderable in (await session.execute("help roots")).output:
            console.print(renderable)
        assert "Lists the root events of the computation" in console.export_text()
        assert "roots" in (await session.execute("help")).data["commands"]
    finally:
        await session.close()


def test_the_panel_entry_of_contributing_makes_a_panel_with_a_free_key_and_id() -> None:
    class ConstraintPanel(Static):
        pass

    namespace = dict(vars(panels), ConstraintPanel=ConstraintPanel)
    block = _contributing(
        "an entry of PANELS in rapide_shell/tui/panels.py, ConstraintPanel being the new widget"
    )
    # It is written as an item of the list, with its comma.
    (entry,) = eval(compile(f"[{block.code}]", block.where, "eval"), namespace)
    assert isinstance(entry, panels.Panel) and entry.widget is ConstraintPanel
    assert entry.key not in {panel.key for panel in panels.PANELS}
    assert entry.id not in {panel.id for panel in panels.PANELS}


def test_the_session_panel_methods_of_contributing_are_the_protocols() -> None:
    block = _contributing("the methods of SessionPanel in rapide_shell/tui/panels.py")
    source = "class Written:\n" + textwrap.indent(block.code, "    ")
    namespace = dict(vars(panels))
    exec(compile(source, block.where, "exec"), namespace)
    written = namespace["Written"]
    for name in ("show_session", "show_batch"):
        assert inspect.signature(getattr(written, name)) == inspect.signature(
            getattr(panels.SessionPanel, name)
        ), name
    assert {name for name in vars(written) if not name.startswith("_")} == {
        "show_session",
        "show_batch",
    }


def test_the_connection_kind_of_contributing_is_a_member_as_the_others_are() -> None:
    from pyrapide.architecture.connections import ConnectionKind, Delivery

    block = _contributing("a member of ConnectionKind in pyrapide/architecture/connections.py")
    members = "".join(
        f"    {kind.name} = {kind.value!r}, Delivery.{kind.delivery.name}, {kind.legacy_name!r}\n"
        for kind in ConnectionKind
    )
    source = (
        "class Kinds(StrEnum):\n    __new__ = new_member\n"
        + members
        + textwrap.indent(block.code, "    ")
    )
    namespace: Namespace = {
        "StrEnum": StrEnum,
        "Delivery": Delivery,
        "new_member": ConnectionKind._new_member_,  # type: ignore[attr-defined]
    }
    exec(compile(source, block.where, "exec"), namespace)
    kinds = namespace["Kinds"]
    assert kinds.BROADCAST == "broadcast" and kinds("broadcast") is kinds.BROADCAST
    assert kinds.BROADCAST.delivery is Delivery.INDEPENDENT
    assert [kind.value for kind in kinds][:-1] == [kind.value for kind in ConnectionKind]


def test_the_command_table_of_contributing_is_the_built_in_groups() -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)\.py` \| (.+) \|$", text, re.MULTILINE)
    written = [(module, re.findall(r"`([\w-]+)`", names)) for module, names in rows]
    actual = []
    for plugin in BUILTIN_PLUGINS:
        registered = re.findall(r"catalog\.register\((\w+),", inspect.getsource(plugin))
        names = [getattr(plugin, spec).name for spec in registered]
        actual.append((plugin.__name__.rsplit(".", 1)[-1], names))
    assert written == actual


# -- names and tables of the prose


def _resolve(dotted: str) -> object:
    """The module, or the attribute of the longest importable module, ``dotted`` names."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:end]))
        except ImportError:
            continue
        for part in parts[end:]:
            found = getattr(found, part)
        return found
    raise ImportError(dotted)


def test_every_dotted_name_of_the_readme_and_contributing_resolves() -> None:
    from pyrapide import System

    text = README.read_text(encoding="utf-8") + CONTRIBUTING.read_text(encoding="utf-8")
    dotted = set(re.findall(r"`((?:pyrapide|rapide_shell)(?:\.\w+)+)", text))
    assert len(dotted) > 10
    for name in sorted(dotted):
        _resolve(name)
    methods = set(re.findall(r"\bsystem\.(\w+)\(", text, re.IGNORECASE))
    assert {"pending", "step", "why_not", "choices"} <= methods
    assert [name for name in sorted(methods) if not hasattr(System, name)] == []


def test_each_row_of_the_pattern_table_means_the_same_in_text_and_python() -> None:
    from pyrapide import Computation, Pattern, placeholder
    from pyrapide.patterns.syntax import parse_pattern

    run = Computation()
    first = run.new_event("A", {"n": 7}, source="x")
    run.new_event("B", {}, source="x", caused_by=[first])
    low = run.new_event("A", {"n": 1}, source="y")
    answer = run.new_event("B", {}, source="y", caused_by=[low])
    run.new_event("B", {}, source="z", caused_by=[answer])
    root = run.new_event("B", {}, source="w")
    run.new_event("B", {}, source="w", caused_by=[root])
    run.new_event("A", {"n": 9}, source="w", caused_by=[root])

    def matches(pattern: Any) -> list[list[str]]:
        return sorted(sorted(event.id for event in match.events) for match in pattern.match_in(run))

    table = README.read_text(encoding="utf-8").split("| text | Python | meaning |")[1]
    rows = re.findall(
        r"^\| `(.+?)`(?: \(or `(.+?)`\))? \| (.+?) \| .+ \|$", table.split("\n\n")[0], re.MULTILINE
    )
    assert len(rows) == 7
    names = {
        "P": Pattern.match("A", n=placeholder("n")),
        "Q": Pattern.match("B"),
        "predicate": lambda match: match.bindings["n"] > 5,
    }
    for text, other_arrow, python in rows:
        texts = [text.replace("\\|", "|")]
        if other_arrow:
            texts.append(texts[0].replace("->", other_arrow))
        for written in texts:
            expected = matches(parse_pattern(written.replace("P", "A(n=?n)").replace("Q", "B")))
            assert expected, written
            for code in re.findall(r"`([^`]+)`", python):
                assert matches(eval(code.replace("\\|", "|"), names)) == expected, (written, code)
