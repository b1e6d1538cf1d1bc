"""Fixtures for the workbench's command-line tests: architecture files and sessions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def shop_file() -> Path:
    """A four-component shop: connect web->store, pipe store->ledger, agents to the mailer."""
    return FIXTURES / "shop.py"


@pytest.fixture
async def shop_session(shop_file: Path) -> AsyncIterator[object]:
    """A started session on the shop, seed 0, closed after the test."""
    from rapide_shell.session import Session

    session = Session.load(shop_file, seed=0)
    await session.start()
    yield session
    await session.close()
