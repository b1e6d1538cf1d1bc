"""describe(): components and connections as plain data for graph views."""

import json

import pytest

from pyrapide import Pattern, agent, architecture, connect, pipe, placeholder
from pyrapide.architecture import (
    ArchitectureDescription,
    ComponentDescription,
    ConnectionDescription,
    PatternPart,
)
from tests.pyrapide.architecture.services import (
    APIService,
    CacheService,
    DatabaseService,
    NotificationService,
)


def audit(match):
    return match


@architecture
class Shop:
    api = APIService
    db = DatabaseService
    cache = CacheService
    notifications = NotificationService

    connections = [
        connect(Pattern.match("APIService.request"), target=db),
        pipe(Pattern.match("DatabaseService.result"), target=api),
        agent(Pattern.match("DatabaseService.error"), target=notifications),
        connect(
            Pattern.match("APIService.request").where(lambda e: e.payload.get("type") == "q"),
            target=cache,
        ),
        agent(Pattern.match("*"), audit),
        pipe(Pattern.match("CacheService.miss") >> Pattern.match("DatabaseService.result"), "api"),
        connect(Pattern.match("Outside.event"), target=db),
    ]


def test_components_carry_interface_names_and_event_alphabets():
    description = Shop.describe()
    assert isinstance(description, ArchitectureDescription)
    assert description.name == "Shop"
    assert description.components == (
        ComponentDescription("api", "APIService", ("APIService.request", "APIService.response")),
        ComponentDescription("db", "DatabaseService", ("DatabaseService.result",
                                                       "DatabaseService.error")),
        ComponentDescription("cache", "CacheService", ("CacheService.hit", "CacheService.miss")),
        ComponentDescription("notifications", "NotificationService",
                             ("NotificationService.sent",)),
    )


def test_connections_name_their_sources_and_targets():
    connections = Shop.describe().connections
    assert connections[:3] == (
        ConnectionDescription(0, "connect", "APIService.request", ("api",), "db", True,
                              parts=(PatternPart("APIService.request"),)),
        ConnectionDescription(1, "pipe", "DatabaseService.result", ("db",), "api", True,
                              parts=(PatternPart("DatabaseService.result"),)),
        ConnectionDescription(2, "agent", "DatabaseService.error", ("db",), "notifications",
                              True, parts=(PatternPart("DatabaseService.error"),)),
    )


def test_a_connection_says_what_its_pattern_can_take():
    # Each basic part of the pattern, with the source it names; a guard (in Python
    # here: no text says what it names) takes nothing away from what its part names.
    connections = Shop.describe().connections
    assert connections[3].parts == (PatternPart("APIService.request"),)
    assert connections[5].parts == (
        PatternPart("CacheService.miss"), PatternPart("DatabaseService.result")
    )
    assert connections[4].may_take("Anything.at_all", "anywhere")
    assert connections[5].may_take("DatabaseService.result", "db")
    assert not connections[5].may_take("DatabaseService.error", "db")


def test_a_part_takes_its_name_and_its_source():
    part = PatternPart("Sensor.*", "plant.boiler")
    assert part.takes("Sensor.reading", "plant.boiler")
    assert part.takes("Sensor.reading", "plant.boiler.gauge")  # inside it
    assert not part.takes("Sensor.reading", "plant.boilerroom")
    assert not part.takes("Valve.shut", "plant.boiler")
    assert PatternPart("*").takes("Valve.shut", "")


def test_a_guarded_pattern_reads_as_text_not_as_an_object():
    guarded = Shop.describe().connections[3]
    assert guarded.pattern.startswith("APIService.request where")
    assert "object at 0x" not in guarded.pattern
    assert guarded.sources == ("api",)


def test_a_wildcard_pattern_can_come_from_any_source():
    wildcard = Shop.describe().connections[4]
    assert wildcard.sources is None
    assert (wildcard.target, wildcard.target_is_component) == ("audit", False)


def test_a_composite_pattern_has_every_source_it_names():
    composite = Shop.describe().connections[5]
    assert composite.sources == ("db", "cache")
    assert composite.pattern == "CacheService.miss -> DatabaseService.result"


def test_a_pattern_no_component_emits_has_no_sources():
    assert Shop.describe().connections[6].sources == ()


def test_lookups_by_component():
    description = Shop.describe()
    assert description.component("db").interface == "DatabaseService"
    assert [c.index for c in description.connections_into("api")] == [1, 5]
    assert [c.index for c in description.connections_from("cache")] == [4, 5]
    with pytest.raises(KeyError, match="Shop has no component 'dbb'"):
        description.component("dbb")


def test_the_description_is_json_safe():
    data = json.loads(json.dumps(Shop.describe().to_dict()))
    assert data["name"] == "Shop"
    assert data["components"][0] == {
        "name": "api",
        "interface": "APIService",
        "actions": ["APIService.request", "APIService.response"],
    }
    assert data["connections"][4]["sources"] is None
    assert data["connections"][0] == {
        "index": 0,
        "kind": "connect",
        "pattern": "APIService.request",
        "sources": ["api"],
        "target": "db",
        "target_is_component": True,
        "unknown_sources": [],
    }


def test_the_description_prints_as_a_readable_outline():
    text = str(Shop.describe())
    assert text.splitlines()[:3] == ["architecture Shop", "  api: APIService",
                                     "  db: DatabaseService"]
    assert "  #1 pipe DatabaseService.result: db -> api" in text
    assert "  #4 agent *: * -> audit" in text
    assert "  #6 connect Outside.event: - -> db" in text


def test_describe_is_computed_once_and_works_from_instances():
    assert Shop.describe() is Shop.describe()
    assert Shop().describe() is Shop.describe()


@architecture
class Replicas:
    """Two components of one interface, told apart by the sources patterns name."""

    east = APIService
    west = APIService
    db = DatabaseService

    connections = [
        connect(Pattern.match("APIService.request", source="east"), target=db),
        connect('APIService.request(type="q") from "west"', target=db),
        pipe(Pattern.match("APIService.request", source=placeholder("who")), target=db),
        pipe(Pattern.match("*", source="west"), target=db),
        agent(Pattern.match("APIService.request", source="east")
              >> Pattern.match("DatabaseService.result"), target="west"),
        agent(Pattern.match("APIService.request", source="db"), target="east"),
        agent(Pattern.match("APIService.request", source="central"), target=db),
        agent(Pattern.match("*", source="central").or_(Pattern.match("*", source="edge"))
              .or_(Pattern.match("*")), target=db),
    ]


def test_a_pattern_that_names_its_source_comes_from_that_component_only():
    connections = Replicas.describe().connections
    assert connections[0].sources == ("east",)
    assert connections[1].pattern == 'APIService.request(type="q") from "west"'
    assert connections[1].sources == ("west",)
    assert connections[3].sources == ("west",)  # any name, but from west only
    assert connections[0].unknown_sources == connections[3].unknown_sources == ()


def test_a_placeholder_source_does_not_narrow():
    assert Replicas.describe().connections[2].sources == ("east", "west")


def test_a_composite_pattern_has_the_union_of_its_parts_sources():
    assert Replicas.describe().connections[4].sources == ("east", "db")


def test_a_named_source_that_cannot_emit_the_event_feeds_nothing():
    connection = Replicas.describe().connections[5]
    assert (connection.sources, connection.unknown_sources) == ((), ())


def test_sources_that_are_no_component_are_reported():
    description = Replicas.describe()
    unknown = description.connections[6]
    assert (unknown.sources, unknown.unknown_sources) == ((), ("central",))
    assert unknown.to_dict()["unknown_sources"] == ["central"]
    anything = description.connections[7]
    assert anything.sources is None
    assert anything.unknown_sources == ("central", "edge")
