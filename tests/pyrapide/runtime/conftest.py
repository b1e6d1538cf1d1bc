"""The runtime's tests: each starts and ends with the shared parts' logs empty."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pyrapide.runtime import kinds_parts, seed_parts


@pytest.fixture(autouse=True)
def fresh_logs() -> Iterator[None]:
    kinds_parts.LOG.clear()
    seed_parts.LOG.clear()
    yield
    kinds_parts.LOG.clear()
    seed_parts.LOG.clear()
