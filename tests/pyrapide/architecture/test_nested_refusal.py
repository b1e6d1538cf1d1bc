"""An @architecture used as a component of another is refused by name, never dropped."""

# No `from __future__ import annotations`: the annotations below are evaluated as written.
import pytest

from pyrapide import ArchitectureError, action, architecture, interface


@interface
class Ledger:
    @action
    async def posted(self, amount: int) -> None: ...


@architecture
class Payments:
    ledger = Ledger


def test_an_architecture_as_a_class_attribute_is_refused() -> None:
    with pytest.raises(ArchitectureError, match=r"Shop\.payments: Payments is an @architecture, "
                                                r"which cannot be a component"):
        @architecture
        class Shop:
            ledger = Ledger
            payments = Payments


def test_an_architecture_as_an_annotation_is_refused() -> None:
    with pytest.raises(ArchitectureError, match=r"Shop\.payments: Payments is an @architecture"):
        @architecture
        class Shop:
            ledger: Ledger
            payments: Payments
