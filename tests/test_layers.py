"""The library's layers: pyrapide never pulls in the workbench or a UI library."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

FORBIDDEN = ("rapide_shell", "textual", "prompt_toolkit", "typer", "rich", "pluggy")

PUBLIC_MODULES = (
    "pyrapide",
    "pyrapide.core",
    "pyrapide.patterns",
    "pyrapide.constraints",
    "pyrapide.types",
    "pyrapide.architecture",
    "pyrapide.runtime",
    "pyrapide.analysis.queries",
    "pyrapide.analysis.visualization",
)


def test_pyrapide_imports_no_ui_or_workbench_module() -> None:
    probe = (
        "import importlib, json, sys\n"
        f"for name in {PUBLIC_MODULES!r}: importlib.import_module(name)\n"
        "import pyrapide\n"
        "for name in pyrapide.__all__: getattr(pyrapide, name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    loaded = json.loads(result.stdout)
    offenders = sorted(
        name for name in loaded if name.split(".")[0] in FORBIDDEN
    )
    assert offenders == [], f"pyrapide imported {offenders}"


def test_every_public_name_resolves() -> None:
    import pyrapide

    missing = [name for name in pyrapide.__all__ if not hasattr(pyrapide, name)]
    assert missing == []


def _printed(probe: str) -> object:
    """What ``probe``, run in a fresh interpreter, prints as JSON."""
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_the_architecture_layer_loads_without_the_runtime_above_it() -> None:
    probe = (
        "import json, sys\n"
        "import pyrapide.architecture\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('pyrapide.runtime'))))\n"
    )
    assert _printed(probe) == []


# Imported where they are first needed, never at the top: asyncio is what a system
# runs on, and the machinery the scheduler it runs with; an architecture file that
# declares and binds a system, and `rapide check` describing it, pay for neither. The
# explanation of routing (`why_not`) is imported when asked for: a system that runs,
# the workbench's included, never needs it.
IMPORTED_ON_FIRST_USE = {"asyncio", "pyrapide.runtime.machinery", "pyrapide.runtime.explain"}


def _imported(node: ast.Import | ast.ImportFrom) -> set[str]:
    if isinstance(node, ast.ImportFrom):
        module = "." * node.level + (node.module or "")
        return {f"{module}.{alias.name}" for alias in node.names}
    return {alias.name for alias in node.names}


def test_no_import_in_the_architecture_and_runtime_layers_hides_inside_a_function() -> None:
    # An import placed in a function to dodge a cycle is a sign the layers are wrong:
    # these layers import what they use at the top (or for type checkers only), but
    # for the few modules imported on first use to keep start-up short.
    root = Path(__file__).resolve().parents[1] / "pyrapide"
    hidden = []
    for package in ("architecture", "runtime"):
        for path in sorted((root / package).glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for function in ast.walk(tree):
                if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    hidden.extend(
                        f"{path.name}:{node.lineno}"
                        for node in ast.walk(function)
                        if isinstance(node, (ast.Import, ast.ImportFrom))
                        and not _imported(node) <= IMPORTED_ON_FIRST_USE
                    )
    assert hidden == []


def test_declaring_and_binding_an_architecture_imports_neither_asyncio_nor_the_scheduler() -> None:
    # What an architecture file does at import: interfaces, modules, connections, a
    # System bound. asyncio (some 40 ms) and the scheduler with its notifications are
    # imported when the system first needs them.
    probe = (
        "import json, sys\n"
        "from pyrapide import Pattern, action, architecture, connect, interface, module, when\n"
        "@interface\n"
        "class Ping:\n"
        "    @action\n"
        "    async def ping(self, n: int) -> None: ...\n"
        "@module(implements=Ping)\n"
        "class Pinger:\n"
        "    @when(Pattern.match('Ping.ping'))\n"
        "    async def on_ping(self, match): ...\n"
        "@architecture\n"
        "class Pair:\n"
        "    a = Ping\n"
        "    b = Ping\n"
        "    connections = [connect(Pattern.match('Ping.ping'), target='b')]\n"
        "system = Pair.bind(a=Pinger, b=Pinger)\n"
        "heavy = ('asyncio', 'pyrapide.runtime.scheduler', 'pyrapide.runtime.notifications')\n"
        "print(json.dumps([m for m in heavy if m in sys.modules]))\n"
    )
    assert _printed(probe) == []
