"""Every exception the library gives a program can be subclassed, raised and caught:
also in the compiled build, where a class defined in a compiled module could not."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import pyrapide
from pyrapide.architecture.errors import ArchitectureError
from pyrapide.architecture.maps import MapError
from pyrapide.core.atomic import WriteError
from pyrapide.core.errors import CausalCycleError, ComputationFileError
from pyrapide.core.json_file import JSONTextError
from pyrapide.exploration.runner import ExplorationError
from pyrapide.patterns.join import TooManyMatches
from pyrapide.patterns.operators import UnboundPlaceholderWarning
from pyrapide.patterns.syntax import PatternSyntaxError
from pyrapide.runtime.emitter import EmitError
from pyrapide.runtime.modules import ModuleBuildError, ModuleDefinitionError
from pyrapide.runtime.processes import ModuleStateError
from pyrapide.runtime.watchdog import HandlerTimeout
from pyrapide.types.payloads import PayloadError

# Each public exception class, with the arguments that build one.
BUILT = {
    ArchitectureError: (("no such component",), {"architecture": "Shop"}),
    MapError: (("no map",), {}),
    WriteError: (("out.json", "disk full"), {}),
    CausalCycleError: (("a cycle",), {}),
    ComputationFileError: (("not a computation",), {}),
    JSONTextError: (("bad JSON", "{", 1), {}),
    ExplorationError: (("cannot explore",), {}),
    PatternSyntaxError: (("unexpected )", "A -> )", 5), {}),
    UnboundPlaceholderWarning: (("nothing in A binds ?m",), {}),
    TooManyMatches: ((100_000,), {}),
    EmitError: (("cannot emit",), {}),
    ModuleDefinitionError: (("not a module",), {}),
    ModuleBuildError: (("ear", dict, ValueError("no ear today")), {}),
    ModuleStateError: (("not started",), {}),
    HandlerTimeout: ((), {}),
    PayloadError: (("Web.order has no field 'qty'",), {"field": "qty"}),
}


def public_exceptions() -> set[type]:
    found = set()
    for info in pkgutil.walk_packages(pyrapide.__path__, "pyrapide."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == info.name
                and not name.startswith("_")
                and not info.name.rsplit(".", 1)[-1].startswith("_")
            ):
                found.add(value)
    return found


def test_the_table_names_every_public_exception() -> None:
    assert public_exceptions() == set(BUILT)


@pytest.mark.parametrize("base", list(BUILT), ids=lambda cls: cls.__name__)
def test_a_program_can_subclass_it_raise_and_catch_it(base: type[BaseException]) -> None:
    class Mine(base):  # type: ignore[valid-type, misc]
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            self.mine = True

    args, kwargs = BUILT[base]
    with pytest.raises(base) as raised:
        raise Mine(*args, **kwargs)
    assert isinstance(raised.value, Mine) and raised.value.mine
    assert type("Plain", (base,), {})(*args, **kwargs) is not None
