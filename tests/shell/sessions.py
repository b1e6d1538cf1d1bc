"""A started workbench session for a test, closed however the test ends."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from rapide_shell.session import Session


@contextlib.asynccontextmanager
async def started(path: Path, **options: Any) -> AsyncIterator[Session]:
    """``Session.load(path, **options)``, started; closed on leaving, even on a failure."""
    session = Session.load(path, **options)
    await session.start()
    try:
        yield session
    finally:
        await session.close()
