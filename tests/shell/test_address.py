"""Addresses: a seed and its decisions packed into one word, and read back exactly."""

from __future__ import annotations

import base64
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rapide_shell.address import PREFIX, Address, AddressError

lines = st.text(min_size=1).filter(lambda text: text.strip() and "\n" not in text)


@given(st.integers(), st.lists(lines, max_size=30))
def test_an_address_reads_back_as_written(seed: int, written: list[str]) -> None:
    address = Address.of(seed, written)
    text = address.to_text()
    assert Address.from_text(text) == address
    assert Address.from_text(f"  {text}\n") == address  # as pasted


@given(st.integers(), st.lists(lines, max_size=30))
def test_an_address_is_one_word_safe_in_a_shell_and_a_url(seed: int, written: list[str]) -> None:
    text = Address.of(seed, written).to_text()
    assert text.startswith(PREFIX)
    assert all(char.isalnum() or char in "-_" for char in text)


def test_a_long_run_packs_small() -> None:
    run = ["inject Source.job {\"n\": 1}", *(f"step #{n}" for n in range(2, 400))]
    assert len(Address.of(0, run).to_text()) < 1500


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is not an address"),
        ("step #3", "is not an address"),
        # Another format's: said so, not "not an address" (a newer rapide printed it)
        ("r2-eJyrVg", "is an address of format 2; this version of rapide reads format 1"),
        (PREFIX + "!!!!", "damaged"),
        (PREFIX + "eJyrVg", "damaged"),  # cut short
        (PREFIX + base64.urlsafe_b64encode(zlib.compress(b"[1, 2]")).decode(), "seed and"),
        (PREFIX + base64.urlsafe_b64encode(zlib.compress(b'{"seed": "x", "lines": []}')).decode(),
         "whole number"),
        (PREFIX + base64.urlsafe_b64encode(zlib.compress(b'{"seed": 1, "lines": [""]}')).decode(),
         "non-blank line"),
    ],
)
def test_what_is_not_an_address_is_refused_in_one_line(text: str, message: str) -> None:
    with pytest.raises(AddressError, match=message) as refused:
        Address.from_text(text)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("tail", ["x", "AAAA", ".", ")", "\u00e9"])
def test_an_address_with_something_stuck_to_its_end_is_refused(tail: str) -> None:
    # Pasted with the next character of a sentence, or typed into: it is not the
    # address `where` printed, so it must not quietly mean that one.
    text = Address(seed=3, lines=("inject Source.job {\"n\": 1}", "step #2")).to_text()
    with pytest.raises(AddressError, match="damaged"):
        Address.from_text(text + tail)


def test_a_bomb_is_refused_before_it_is_inflated() -> None:
    bomb = zlib.compress(b'{"seed":1,"lines":["' + b"a" * (20 << 20) + b'"]}', 9)
    with pytest.raises(AddressError, match="more than it may hold"):
        Address.from_text(PREFIX + base64.urlsafe_b64encode(bomb).decode())
