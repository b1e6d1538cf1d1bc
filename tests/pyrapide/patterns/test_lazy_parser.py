"""The pattern parser loads Lark on the first parse only."""

import subprocess
import sys

SCRIPT = """
import sys
import pyrapide.architecture
from pyrapide.patterns import Pattern, parse_pattern, placeholder

pattern = Pattern.match("A.b", source=placeholder("who"), k=1) >> Pattern.match("*")
assert str(pattern) == 'A.b(k=1) from ?who -> *', str(pattern)
print("before parsing:", "lark" in sys.modules)

from pyrapide.patterns import parsing
first = parse_pattern(str(pattern))
assert first == pattern and parse_pattern('C.d from "api"').event_names() == {"C.d"}
print("after parsing:", "lark" in sys.modules)
print("parsers built:", parsing._parser.cache_info().currsize)
"""


def test_importing_and_printing_patterns_does_not_load_lark_and_one_parser_serves_all():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "before parsing: False",
        "after parsing: True",
        "parsers built: 1",
    ]
