"""Plugins: found through the ``rapide`` entry point group, adding commands, told of a start."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from rapide_shell import hookspecs, plugins
from rapide_shell.loader import LoadError
from rapide_shell.session import Session
from tests.shell.fixtures import greeter_plugin


@pytest.fixture
def installed(monkeypatch):
    """Makes ``entry_points(group="rapide")`` find the given entry points."""

    def install(*entries: EntryPoint) -> None:
        def entry_points(group: str) -> tuple[EntryPoint, ...]:
            return entries if group == hookspecs.PROJECT else ()

        monkeypatch.setattr(plugins, "entry_points", entry_points)
        plugins.installed_plugins.cache_clear()

    yield install
    plugins.installed_plugins.cache_clear()


def _entry(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=hookspecs.PROJECT)


async def test_an_installed_plugin_adds_a_command_and_hears_the_start(
    installed, shop_file: Path
) -> None:
    installed(_entry("greeter", "tests.shell.fixtures.greeter_plugin"))
    greeter_plugin.started_sessions.clear()
    session = Session.load(shop_file)
    session.plugins.check_pending()
    assert session.catalog.lookup("greet") is not None
    assert greeter_plugin.started_sessions == []
    await session.start()
    try:
        assert greeter_plugin.started_sessions == [session]
        outcome = await session.execute("greet")
        assert outcome.ok and outcome.data == {"to": "Shop"}
        assert "greet" in (await session.execute("help")).data["commands"]
        await session.execute("reset")
        assert greeter_plugin.started_sessions == [session]  # once per session, not per system
    finally:
        await session.close()


def test_a_plugin_that_cannot_be_loaded_is_one_line_naming_it(installed, shop_file) -> None:
    installed(_entry("broken", "tests.shell.fixtures.no_such_plugin"))
    with pytest.raises(LoadError) as caught:
        Session.load(shop_file)
    message = str(caught.value)
    assert message.startswith("plugin 'broken' (tests.shell.fixtures.no_such_plugin) cannot")
    assert "ModuleNotFoundError" in message and "\n" not in message


def test_with_no_plugin_installed_only_the_built_in_commands_exist(installed, shop_file) -> None:
    installed()
    session = Session.load(shop_file)
    session.plugins.check_pending()
    assert session.catalog.lookup("greet") is None


def test_every_hook_is_prefixed_and_documented() -> None:
    hooks = [name for name in vars(hookspecs) if name.startswith("rapide_")]
    assert hooks == ["rapide_add_commands", "rapide_session_started"]
    for name in hooks:
        assert getattr(hookspecs, name).__doc__.strip()
