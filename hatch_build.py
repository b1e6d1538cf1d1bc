"""The compiled build: with RAPIDE_COMPILE=1 a wheel carries the delivery path compiled by mypyc.

Without it (every ordinary and every editable install) this hook does nothing and
asks for nothing: the package is pure Python. With it, a wheel (never an editable
install, where an edit to a .py must take effect) gets, beside the sources, one
extension module per module listed in ``compile`` of the hook's table in
pyproject.toml, plus the shared library mypyc makes for them; Python imports an
extension module before the source beside it. The extensions are built in a
temporary directory, so none lands in the source tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

ENABLE = "RAPIDE_COMPILE"

# Run in a child process from the project's root, so that mypy reads [tool.mypy] of
# pyproject.toml; setuptools gets a bare Distribution and never reads that file.
# multi_file makes one extension of some thirty C files, which setuptools compiles one
# after the other (its `parallel` builds extensions side by side, not one's files):
# FilesInParallel compiles an extension's files on every core, then links them as usual
# (on two cores the build's compiling takes about 24 s rather than 38).
_BUILD = """
import os, sys
from concurrent.futures import ThreadPoolExecutor
from mypyc.build import mypycify
from setuptools import Distribution
from setuptools.command.build_ext import build_ext

JOBS = os.cpu_count() or 1

class FilesInParallel(build_ext):
    def build_extension(self, ext):
        compiler = self.compiler

        def compile(sources, output_dir=None, macros=None, include_dirs=None, debug=False,
                    extra_preargs=None, extra_postargs=None, depends=None):
            macros, objects, extra_postargs, pp_opts, build = compiler._setup_compile(
                output_dir, macros, include_dirs, sources, depends, extra_postargs)
            cc_args = compiler._get_cc_args(pp_opts, debug, extra_preargs)

            def one(obj):
                source, suffix = build[obj]
                compiler._compile(obj, source, suffix, cc_args, extra_postargs, pp_opts)

            with ThreadPoolExecutor(JOBS) as pool:
                list(pool.map(one, objects))
            return objects

        compiler.compile = compile
        super().build_extension(ext)

out, temp, *paths = sys.argv[1:]
extensions = mypycify(paths, opt_level="3", multi_file=True, group_name="pyrapide",
                      target_dir=os.path.join(temp, "c"))
dist = Distribution({"name": "pyrapide-compiled", "ext_modules": extensions,
                     "cmdclass": {"build_ext": FilesInParallel}})
command = dist.get_command_obj("build_ext")
command.build_lib = out
command.build_temp = os.path.join(temp, "o")
command.parallel = JOBS  # and the extensions side by side
dist.run_command("build_ext")
"""


def _enabled() -> bool:
    return os.environ.get(ENABLE, "") not in ("", "0")


class CompileHook(BuildHookInterface):
    """Compile the modules named in ``compile`` with mypyc when RAPIDE_COMPILE=1."""

    PLUGIN_NAME = "custom"

    def dependencies(self) -> list[str]:
        return ["mypy>=1.10", "setuptools>=68"] if _enabled() else []

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        self._temp: str | None = None
        if not _enabled() or self.target_name != "wheel" or version == "editable":
            return
        modules = self.config.get("compile", [])
        if not modules or not all(isinstance(m, str) and m.endswith(".py") for m in modules):
            where = "pyproject.toml, [tool.hatch.build.targets.wheel.hooks.custom]"
            raise ValueError(f"{where}: compile must list the .py files to compile")
        self._temp = tempfile.mkdtemp(prefix="rapide-compile-")
        out = Path(self._temp, "lib")
        done = subprocess.run(
            [sys.executable, "-c", _BUILD, str(out), self._temp, *modules],
            cwd=self.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if done.returncode:
            shutil.rmtree(self._temp, ignore_errors=True)
            raise RuntimeError(f"mypyc failed ({ENABLE}=1):\n{done.stdout}")
        built = sorted(out.rglob("*.so")) + sorted(out.rglob("*.pyd"))
        for path in built:
            build_data["force_include"][str(path)] = path.relative_to(out).as_posix()
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self._temp is not None:
            shutil.rmtree(self._temp, ignore_errors=True)
