"""Addresses: a seed and its decisions packed into one word, and read back exactly."""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapide_shell.address import PREFIX, Address, AddressError
from tests.shell.cli_process import run_rapide
from tests.shell.sessions import started

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


def _packed(document: bytes) -> str:
    """``document`` packed as an address packs its lines, whatever it holds."""
    return PREFIX + base64.urlsafe_b64encode(zlib.compress(document, 9)).decode().rstrip("=")


def test_brackets_nested_deeper_than_json_reads_are_a_damaged_address() -> None:
    # A few hundred bytes unpack to brackets nested 100,000 deep: `goto` said
    # "cannot read the line: RecursionError: ..." and `--at` "internal error".
    for document in (b"[" * 100_000, b'{"seed": 1, "lines": ' + b"[" * 100_000 + b"]}"):
        with pytest.raises(AddressError, match="damaged"):
            Address.from_text(_packed(document))


_valid = Address(seed=7, lines=('inject Source.job {"n": 1}', "step #2", "step 5")).to_text()


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_mangled_address_is_refused_or_read_never_anything_else(data: st.DataObject) -> None:
    # Cut, typed into, or with bytes of its packed document changed: refused with an
    # AddressError of one line, or read as some seed and lines; no other error.
    body = bytearray(base64.urlsafe_b64decode(_valid[len(PREFIX) :] + "=" * (-len(_valid) % 4)))
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(body) - 1))
        body[at] = data.draw(st.integers(0, 255))
    text = PREFIX + base64.urlsafe_b64encode(bytes(body)).decode().rstrip("=")
    text = data.draw(
        st.sampled_from([text, text[: data.draw(st.integers(0, len(text)))], text + "A" * 9])
    )
    _read_or_refused(text)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(max_size=80),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=",
                max_size=80).map(lambda text: PREFIX + text),
        st.recursive(
            st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5)),
            lambda inner: st.lists(inner, max_size=3)
            | st.dictionaries(st.sampled_from(["seed", "lines", "x"]), inner, max_size=3),
            max_leaves=8,
        ).map(lambda value: _packed(json.dumps(value).encode())),
    )
)
def test_any_text_is_refused_as_an_address_or_read_as_one(text: str) -> None:
    _read_or_refused(text)


def _read_or_refused(text: str) -> None:
    try:
        address = Address.from_text(text)
    except AddressError as refused:
        assert "\n" not in str(refused) and len(str(refused)) < 200, str(refused)
    else:
        assert isinstance(address.seed, int)
        assert all(isinstance(line, str) for line in address.lines)


async def test_goto_and_at_refuse_a_deep_address_in_one_line(shop_file: Path) -> None:
    deep = _packed(b"[" * 100_000)
    async with started(shop_file, seed=0) as session:
        outcome = await session.execute(f"goto {deep}")
    assert not outcome.ok and outcome.error is not None
    assert "damaged" in outcome.error and "Error" not in outcome.error
    finished = run_rapide("run", shop_file, "--at", deep)
    assert finished.returncode == 2, finished.stderr
    assert "damaged" in finished.stderr and "internal error" not in finished.stderr


@pytest.mark.parametrize("start", ["x", "step #", "inject Nope.x item=", "step 5 "])
async def test_a_long_line_of_an_address_is_named_short(shop_file: Path, start: str) -> None:
    # An address packs a line of 100,000 characters into a few hundred: refusing
    # it, `--at` and `goto` wrote the line out whole, a message of 100 KB.
    address = Address(0, (start + "x" * 100_000,)).to_text()
    finished = run_rapide("run", shop_file, "--at", address)
    assert finished.returncode == 2, finished.stderr[:300]
    assert len(finished.stderr) < 400 and "…" in finished.stderr, finished.stderr[:300]
    async with started(shop_file, seed=0) as session:
        outcome = await session.execute(f"goto {address}")
    assert not outcome.ok and outcome.error is not None
    assert len(outcome.error) < 400 and "…" in outcome.error, outcome.error[:300]
