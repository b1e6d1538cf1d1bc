"""Writes architectures of any size: N components in a chain, connect, pipe and agent in
turn, each connection naming its source, the first event travelling ``hops`` of them; the
chain may end in a department, an architecture of two components of its own."""

from __future__ import annotations

from pathlib import Path

SOURCE = '''\
"""A generated architecture of {n} components in a chain."""
from pyrapide import (
    Pattern, action, agent, architecture, connect, get_context, interface, module, pipe, when,
)

@interface
class Stage:
    @action
    async def out(self, n: int) -> None: ...

@module(implements=Stage)
class Worker:
    @when(Pattern.match("Stage.out"))
    async def on_out(self, match):
        n = match.payload["n"]
        if n < {hops}:
            await get_context(self).emit("Stage.out", n=n + 1)

_KINDS = (connect, pipe, agent)
_ns = {{f"{name}{{i}}": Stage for i in range({n})}}
_ns["connections"] = [
    _KINDS[i % 3](Pattern.match("Stage.out", source=f"{name}{{i}}"), target=f"{name}{{i + 1}}")
    for i in range({n} - 1)
]
Chain = architecture(type("Chain", (), _ns))
'''

DEPARTMENT = '''
@architecture(implements=Stage)
class Department:
    first = Stage
    second = Stage
    connections = [connect(Pattern.match("Stage.out", source="first"), target="second")]

_ns["dept"] = Department
_ns["connections"].append(connect(Pattern.match("Stage.out", source="{name}{last}"),
                                  target="dept"))
Chain = architecture(type("Chain", (), _ns))
system = Chain.bind(
    dept={{"first": Worker, "second": Worker}}, **{{f"{name}{{i}}": Worker for i in range({n})}}
)
'''


def write_chain(
    folder: Path, components: int, hops: int, *, department: bool = False, name: str = "s"
) -> Path:
    """Writes a chain of ``components`` in ``folder``, named ``name`` and a number (and,
    with ``department``, a last one, ``dept``, that is an architecture); returns the
    file's path."""
    path = folder / f"chain_{components}.py"
    source = SOURCE.format(n=components, hops=hops, name=name)
    if department:
        source += DEPARTMENT.format(n=components, last=components - 1, name=name)
    path.write_text(source, encoding="utf-8")
    return path
