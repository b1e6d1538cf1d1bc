"""Writes architectures of any size: N components in a chain, connect, pipe and agent in
turn, each connection naming its source, the first event travelling ``hops`` of them."""

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
_ns = {{f"s{{i}}": Stage for i in range({n})}}
_ns["connections"] = [
    _KINDS[i % 3](Pattern.match("Stage.out", source=f"s{{i}}"), target=f"s{{i + 1}}")
    for i in range({n} - 1)
]
Chain = architecture(type("Chain", (), _ns))
'''


def write_chain(folder: Path, components: int, hops: int) -> Path:
    """Writes a chain of ``components`` in ``folder``; returns the file's path."""
    path = folder / f"chain_{components}.py"
    path.write_text(SOURCE.format(n=components, hops=hops), encoding="utf-8")
    return path
