"""A name with * in it, as a test of names: what a plain reading of the glob says, in
time that grows with the name, not exponentially with the *."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from pyrapide.patterns.algebra import name_glob

# Few letters, so that globs and names often nearly meet: where a reading goes wrong.
letters = st.text(alphabet="ab.*", max_size=8)
names = st.text(alphabet="ab.", max_size=12)


def backtracking(glob: str, name: str) -> bool:
    """The oracle: the glob as a regular expression (right, and slow on some inputs)."""
    body = ".*".join(re.escape(part) for part in glob.split("*"))
    return re.fullmatch(body, name, re.DOTALL) is not None


@given(letters, names)
def test_a_glob_matches_the_names_a_regular_expression_of_it_matches(glob, name):
    test = name_glob(glob)
    if test is None:  # no *, or * alone: no test needed
        assert glob == "*" or "*" not in glob
        return
    assert test.matches(name) == backtracking(glob, name)


def test_a_glob_of_many_stars_reads_a_near_miss():
    # As a regular expression this glob backtracks without end on these names (eight
    # "*a" took a second on forty letters, twelve did not end in a minute): a pattern
    # typed at the workbench would have hung every route it was offered.
    glob = name_glob("*a" * 40 + "*b")
    assert not glob.matches("a" * 2000)
    assert glob.matches("a" * 2000 + "b")
    assert not glob.matches("a" * 39 + "b")
