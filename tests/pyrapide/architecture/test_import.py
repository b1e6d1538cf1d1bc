"""`from pyrapide import architecture` is the decorator, whatever was imported first."""

import subprocess
import sys

import pytest

SCRIPT = """
{first}
from pyrapide import architecture, connect, Pattern, interface, action

@interface
class Api:
    @action
    def request(self): ...

@architecture
class Tiny:
    api = Api
    connections = [connect(Pattern.match("Api.request"), target=api)]

print(Tiny.connections_list[0].target)
"""


@pytest.mark.parametrize(
    "first",
    ["", "import pyrapide.architecture", "from pyrapide.architecture import connect",
     "import pyrapide.runtime"],
)
def test_the_decorator_works_in_any_import_order(first):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(first=first)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "api"
