"""Architectures in modules with postponed annotations (annotations are strings)."""

from __future__ import annotations

import re

import pytest

from pyrapide import Pattern, architecture, connect
from pyrapide.architecture import ArchitectureError
from tests.pyrapide.architecture.services import APIService, DatabaseService


@architecture
class Postponed:
    api: APIService
    db: DatabaseService
    retries: int

    def connections(self):
        return [connect(Pattern.match("APIService.request"), "db")]


def test_string_annotations_are_resolved_in_the_defining_module():
    assert dict(Postponed.components) == {"api": APIService, "db": DatabaseService}
    assert Postponed.connections_list[0].target == "db"


def test_an_annotation_naming_nothing_is_refused_with_a_suggestion():
    message = (
        "Misspelt.db: annotation 'DatabaseServce' names nothing defined in "
        "tests.pyrapide.architecture.test_postponed_annotations (did you mean "
        "'DatabaseService'?); interfaces there: 'APIService' and 'DatabaseService'"
    )
    with pytest.raises(ArchitectureError, match=re.escape(message)):

        @architecture
        class Misspelt:
            api: APIService
            db: DatabaseServce  # type: ignore[name-defined]  # noqa: F821


def test_an_annotation_that_fails_to_evaluate_is_refused():
    message = "Broken.db: cannot evaluate annotation '1 / 0': division by zero"
    with pytest.raises(ArchitectureError, match=re.escape(message)):

        @architecture
        class Broken:
            db: 1/0  # type: ignore[valid-type]
