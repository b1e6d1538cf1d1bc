"""The seed page's architecture code, unchanged: class attributes and `target=db`."""

import pytest

from pyrapide import Pattern, agent, architecture, connect, pipe
from pyrapide.architecture import Connection
from tests.pyrapide.architecture.services import (
    APIService,
    CacheService,
    DatabaseService,
    NotificationService,
)


@architecture
class MySystem:
    api = APIService
    db = DatabaseService
    cache = CacheService
    notifications = NotificationService

    connections = [
        connect(Pattern.match("APIService.request"), target=db),
        connect(Pattern.match("APIService.request"), target=cache),
        pipe(Pattern.match("DatabaseService.result"), target=api),
        agent(Pattern.match("DatabaseService.error"), target=notifications),
    ]


@architecture
class RoutedSystem:
    api = APIService
    db = DatabaseService
    cache = CacheService

    connections = [
        # Route queries to the database
        connect(Pattern.match("APIService.request")
                .where(lambda e: e.payload.get("type") == "query"),
                target=db),

        # Route cache lookups to the cache
        connect(Pattern.match("APIService.request")
                .where(lambda e: e.payload.get("type") == "cache"),
                target=cache),
    ]


def test_class_attributes_holding_interfaces_are_the_components():
    assert dict(MySystem.components) == {
        "api": APIService,
        "db": DatabaseService,
        "cache": CacheService,
        "notifications": NotificationService,
    }
    assert list(MySystem.components) == ["api", "db", "cache", "notifications"]


def test_targets_given_as_interfaces_resolve_to_the_component_holding_them():
    resolved = MySystem.connections_list
    assert [(c.index, c.kind, c.target) for c in resolved] == [
        (0, "connect", "db"),
        (1, "connect", "cache"),
        (2, "pipe", "api"),
        (3, "agent", "notifications"),
    ]
    assert all(isinstance(c, Connection) and c.targets_component for c in resolved)


def test_resolved_connections_keep_the_declared_patterns():
    declared = MySystem.connections
    for original, resolved in zip(declared, MySystem.connections_list, strict=True):
        assert resolved.pattern is original.pattern
        assert original.index is None  # the class body's list is left as written
    assert declared[0].target is DatabaseService


def test_guarded_patterns_are_kept_with_their_guards():
    query, lookup = RoutedSystem.connections_list
    assert (query.target, lookup.target) == ("db", "cache")
    assert query.pattern is RoutedSystem.connections[0].pattern
    assert query.pattern is not lookup.pattern


def test_the_architecture_stays_an_ordinary_class():
    assert MySystem.api is APIService
    assert MySystem.__name__ == "MySystem"
    instance = MySystem()
    assert instance.components is MySystem.components
    assert instance.connections_list is MySystem.connections_list


def test_components_cannot_be_changed_by_accident():
    with pytest.raises(TypeError):
        MySystem.components["rogue"] = CacheService  # type: ignore[index]
    assert "rogue" not in MySystem.components
