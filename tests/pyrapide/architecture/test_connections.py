"""connect, pipe and agent: building Connection objects."""

import pytest

from pyrapide import Pattern, PatternSyntaxError, agent, connect, pipe
from pyrapide.architecture import Connection
from tests.pyrapide.architecture.services import DatabaseService

REQUEST = Pattern.match("APIService.request")


def handle(match):
    return match


@pytest.mark.parametrize(("factory", "kind"), [(connect, "connect"), (pipe, "pipe"),
                                               (agent, "agent")])
def test_each_factory_makes_its_kind(factory, kind):
    connection = factory(REQUEST, "db")
    assert isinstance(connection, Connection)
    assert (connection.kind, connection.pattern, connection.target) == (kind, REQUEST, "db")
    assert connection.index is None


def test_the_target_may_be_given_in_every_accepted_way():
    assert connect(REQUEST, target=DatabaseService).target is DatabaseService
    assert connect(REQUEST, handler=handle).target is handle
    assert connect(source_pattern=REQUEST, handler=handle).pattern is REQUEST
    assert connect(REQUEST, handle).target is handle


def test_pattern_text_is_parsed():
    connection = pipe("APIService.request -> DatabaseService.result", "api")
    assert str(connection.pattern) == "APIService.request -> DatabaseService.result"
    with pytest.raises(PatternSyntaxError):
        connect("APIService.request(", "db")


def test_connections_compare_by_identity():
    assert connect(REQUEST, "db") != connect(REQUEST, "db")
    first = connect(REQUEST, "db")
    assert len({first, first}) == 1


def test_connections_are_immutable():
    connection = connect(REQUEST, "db")
    with pytest.raises(AttributeError):
        connection.target = "cache"


def test_repr_shows_kind_pattern_and_target():
    assert repr(agent(REQUEST, handle)) == "<Connection agent APIService.request -> handle>"
    assert repr(connect(REQUEST, DatabaseService)) == (
        "<Connection connect APIService.request -> DatabaseService>"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: connect(REQUEST), r"connect\(\) needs a target: a component \(target=db\)"),
        (lambda: pipe(REQUEST, None), r"pipe\(\) needs a target"),
        (lambda: agent(target="db"), r"agent\(\) needs a pattern"),
        (lambda: connect(REQUEST, "db", handler=handle), r"both a target and handler="),
        (lambda: connect(REQUEST, source_pattern=REQUEST), r"both a pattern and source_pattern="),
        (lambda: connect(42, "db"), r"connect\(\) takes a Pattern \(or pattern text\) first, "
                                    r"got int 42"),
    ],
)
def test_malformed_connections_are_refused(call, message):
    with pytest.raises(TypeError, match=message):
        call()
