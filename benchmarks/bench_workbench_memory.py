"""Peak memory of a headless workbench ``run`` beside the library's own run of the same system.

Usage:  python benchmarks/bench_workbench_memory.py [--events N] [--keep DIR]

The system (written to a temporary architecture file): a source emits N/2 items
in its ``start`` hook, each caused by the one before; a ``pipe`` carries each to a
sink, which answers it (N events in all). Each side runs in a fresh process:

* library: the file is imported and its ``system.run()`` awaited;
* workbench: ``rapide run FILE --script S`` with the one-line script ``run``
  (the command's transcript goes to /dev/null).

Printed: the peak resident set of each process (``ru_maxrss``), of an interpreter
that only imports what each side imports (so that the run's own share can be read),
and the ratio of the two peaks.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ARCHITECTURE = '''
"""A source piping items to a sink that answers each."""

from pyrapide import Pattern, action, architecture, get_context, interface, module, pipe, when

COUNT = {count}


@interface
class Source:
    @action
    async def item(self, n: int) -> None: ...


@interface
class Sink:
    @action
    async def answer(self, n: int) -> None: ...


@module(implements=Source)
class Emitter:
    async def start(self):
        ctx = get_context(self)
        for n in range(COUNT):
            await ctx.emit("Source.item", n=n)


@module(implements=Sink)
class Answerer:
    @when(Pattern.match("Source.item"))
    async def on_item(self, match):
        await get_context(self).emit("Sink.answer", n=match.payload["n"])


@architecture
class Piped:
    source = Source
    sink = Sink
    connections = [pipe(Pattern.match("Source.item"), target=sink)]


system = Piped.bind(source=Emitter, sink=Answerer)
'''

LIBRARY = """
import asyncio, importlib.util, sys
spec = importlib.util.spec_from_file_location("piped", sys.argv[1])
piped = importlib.util.module_from_spec(spec)
spec.loader.exec_module(piped)
computation = asyncio.run(piped.system.run())
assert len(computation) == 2 * piped.COUNT, len(computation)
"""


def peak_of(command: list[str]) -> int:
    """Peak resident set of ``command`` run to its end, in bytes (read by a fresh
    interpreter that runs only it, so that no other child's peak is mixed in)."""
    probe = [sys.executable, "-c", _ALONE, *command]
    done = subprocess.run(probe, check=True, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    return int(done.stdout)


_ALONE = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
"""


def measure(events: int, directory: Path) -> None:
    file = directory / "piped.py"
    file.write_text(ARCHITECTURE.format(count=events // 2))
    script = directory / "run.rapide"
    script.write_text("run\n")
    python = sys.executable
    sides = {
        "library: system.run()": [python, "-c", LIBRARY, str(file)],
        "workbench: rapide run --script": [
            python, "-m", "rapide_shell.cli", "run", str(file), "--script", str(script),
        ],
        "library imports only": [python, "-c", LIBRARY.replace("asyncio.run(", "(")
                                 .split("computation =")[0], str(file)],
        "workbench imports only": [python, "-c", "import rapide_shell.headless, rapide_shell.cli",
                                   str(file)],
    }
    peaks = {name: peak_of(command) for name, command in sides.items()}
    print(f"{events:,} events; peak resident set (MB)")
    for name, peak in peaks.items():
        print(f"  {name:<34} {peak / 2**20:>8.0f}")
    library, workbench = peaks["library: system.run()"], peaks["workbench: rapide run --script"]
    print(f"  workbench / library peak: {workbench / library:.2f}x")
    print(
        "  per event beyond the imports (bytes): library "
        f"{(library - peaks['library imports only']) / events:.0f}, workbench "
        f"{(workbench - peaks['workbench imports only']) / events:.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    options = parser.parse_args()
    if options.keep:
        options.keep.mkdir(parents=True, exist_ok=True)
        measure(options.events, options.keep)
    else:
        with tempfile.TemporaryDirectory() as directory:
            measure(options.events, Path(directory))


if __name__ == "__main__":
    main()
