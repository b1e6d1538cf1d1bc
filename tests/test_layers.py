"""The library's layers: pyrapide never pulls in the workbench or a UI library."""

from __future__ import annotations

import json
import subprocess
import sys

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
