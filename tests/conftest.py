"""The suite's order: the tests marked slow first, every test still run."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Puts the tests marked ``slow`` first (each group in its usual order): under
    ``-n 2`` the two workers share the long tests while many short ones are left to
    even out their ends, rather than one worker finishing a long test alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
