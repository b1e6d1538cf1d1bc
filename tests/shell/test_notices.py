"""Session notices: frozen, built with keywords only, holding no UI object."""

from __future__ import annotations

import dataclasses

import pytest

from rapide_shell import notices


def test_every_notice_is_built_with_keywords_only() -> None:
    kinds = [
        value
        for value in vars(notices).values()
        if isinstance(value, type) and issubclass(value, notices.SessionNotice)
    ]
    assert len(kinds) == 17
    for kind in kinds:
        assert all(field.kw_only for field in dataclasses.fields(kind)), kind.__name__
    with pytest.raises(TypeError):
        notices.RunEnded(None)  # type: ignore[misc]
    assert notices.RunEnded(stopped_by=None).stopped_by is None
