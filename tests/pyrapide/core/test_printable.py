"""printable(): text from data shown without a single control or invisible character."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyrapide import (
    ArchitectureMap,
    Computation,
    Event,
    MapRule,
    Pattern,
    Poset,
    architecture,
    connect,
)
from pyrapide.architecture import ArchitectureError
from pyrapide.constraints import ConstraintMonitor, never
from pyrapide.core.printable import (
    DESCRIBED_WIDTH,
    briefly_described,
    counted,
    described,
    described_by_name,
    kind_named,
    printable,
)
from pyrapide.runtime import StreamProcessor, System

# One of each kind of sequence a terminal acts on, and what the reader sees instead.
SEQUENCES = {
    "C0 bell, backspace, carriage return": ("a\x07b\x08c\rd\x00", "a\\u0007b\\u0008c\\rd\\u0000"),
    "DEL": ("x\x7fy", "x\\u007fy"),
    "C1 next line and 8-bit CSI": ("a\x85b\x9b2J", "a\\u0085b\\u009b2J"),
    "CSI clear screen": ("\x1b[2J\x1b[31mred", "\\u001b[2J\\u001b[31mred"),
    "OSC window title": ("\x1b]0;TITLE\x1b\\", "\\u001b]0;TITLE\\u001b\\"),
    "OSC 52 clipboard write": ("\x1b]52;c;cHduZWQ=\x07", "\\u001b]52;c;cHduZWQ=\\u0007"),
    "DCS": ("\x1bPq#0;2;0;0;0\x1b\\", "\\u001bPq#0;2;0;0;0\\u001b\\"),
    "8-bit OSC and DCS": ("\x9d0;T\x9c\x90q\x9c", "\\u009d0;T\\u009c\\u0090q\\u009c"),
    "bidi override": ("abc\u202edcba", "abc\\u202edcba"),
    "zero-width space and byte order mark": ("Web\u200b.order\ufeff", "Web\\u200b.order\\ufeff"),
    "line and paragraph separators": ("a\u2028b\u2029", "a\\u2028b\\u2029"),
    "lone surrogate": ("x\ud800", "x\\ud800"),
    "newline and tab": ("a\nb\tc", "a\\nb\\tc"),
}


@pytest.mark.parametrize("raw, shown", SEQUENCES.values(), ids=SEQUENCES.keys())
def test_every_kind_of_escape_sequence_is_written_out(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_plain_and_international_text_is_left_as_it_is() -> None:
    for text in ("Web.order", "e12", "café 中文 😀", "👨\u200d👩\u200d👧", "a b\xa0c", ""):
        assert printable(text) == text
    word = "APIService.request"
    assert printable(word) is word  # nothing copied when nothing needs escaping


def test_several_lines_keep_their_line_breaks_but_nothing_else() -> None:
    text = 'Traceback:\n\tFile "x\x1b[2J.py"\r\n'
    assert printable(text, keep_newlines=True) == 'Traceback:\n\tFile "x\\u001b[2J.py"\\r\n'


def test_the_escapes_are_json_escapes() -> None:
    text = "\x1b]0;T\x07 \x9b \u202e \U000e0001 \ud800 \n"
    assert json.loads(f'"{printable(text)}"') == text
    assert printable("\U000e0001") == "\\udb40\\udc01"


def _dangerous(char: str) -> bool:
    category = unicodedata.category(char)
    return category in ("Cc", "Cs", "Zl", "Zp") or (
        category == "Cf" and char not in "\u200c\u200d" and not 0xE0020 <= ord(char) < 0xE0080
    )


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_no_dangerous_character_survives_and_safe_ones_all_do(text: str) -> None:
    shown = printable(text)
    assert not any(_dangerous(char) for char in shown)
    # Every safe character is still there, in order: nothing is dropped.
    assert [c for c in shown if not c.isascii()] == [
        c for c in text if not c.isascii() and not _dangerous(c)
    ]


# -- what was given, as a refusal names it


class _ReprRaises:
    def __repr__(self) -> str:
        raise RuntimeError("a repr of the user's that fails")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "None"),
        (5, "int 5"),
        ("B", "str 'B'"),
        (int, "the class int"),
        (list(range(100_000)), "list [0, 1, 2, 3, 4, 5, ...]"),
        (10**5000, "int <int of more than 4300 digits>"),
    ],
    ids=["None", "int", "str", "class", "long list", "too long int"],
)
def test_a_value_given_is_described_short(value: object, shown: str) -> None:
    assert described(value) == shown


def test_a_described_value_is_never_longer_than_its_width() -> None:
    for value in ("x" * 10_000, {"k" * 500: "v" * 500}, b"\0" * 10_000, object()):
        assert len(described(value)) <= DESCRIBED_WIDTH


def test_a_value_whose_repr_raises_is_named_by_its_type() -> None:
    assert described(_ReprRaises()).startswith("_ReprRaises ")


def test_a_named_value_is_described_by_its_kind_and_name() -> None:
    def service() -> None: ...

    assert described_by_name(service) == "function 'service'"
    assert described_by_name(len) == "function 'len'"
    assert described_by_name([1]) == "list [1]"


@pytest.mark.parametrize(
    "refused",
    [
        lambda value: System(architecture(type("Empty", (), {})), value),
        lambda value: Poset().ancestors(value),
        lambda value: connect(value, target="x"),
        lambda value: architecture(type("Wired", (), {"connections": [value]})),
    ],
    ids=["System modules", "Poset.ancestors", "connect", "connections"],
)
def test_a_refusal_names_a_huge_or_unprintable_value_briefly(refused: Any) -> None:
    # The value given was written whole into the message (689,000 characters for a
    # list of 100,000 numbers), and one whose repr raised replaced the refusal.
    for value in (list(range(100_000)), _ReprRaises()):
        with pytest.raises((TypeError, ArchitectureError)) as caught:
            refused(value)
        said = str(caught.value)
        assert len(said) < 400
        # (The compiled build refuses a list where a string is typed in its own words.)
        assert "list [0, 1, 2" in said or "_ReprRaises" in said or "expected; got" in said


def test_counts_in_words_read_as_english_at_every_count() -> None:
    assert [counted(n, "event") for n in (0, 1, 2)] == ["0 events", "1 event", "2 events"]
    assert counted(12345, "match", "matches", grouped=True) == "12,345 matches"
    assert counted(1, "match", "matches", grouped=True) == "1 match"
    poset, computation = Poset(), Computation()
    assert repr(poset) == "<Poset of 0 events>"
    poset.add(Event("A"))
    computation.record(Event("A"))
    assert repr(poset) == "<Poset of 1 event>"
    assert repr(computation) == "<Computation of 1 event>"
    monitor = ConstraintMonitor([never(Pattern.match("A"))])
    assert repr(monitor) == "<ConstraintMonitor 1 constraint, 0 events>"
    assert repr(StreamProcessor()) == "<StreamProcessor idle, 0 sources, 0 events>"
    one_rule = ArchitectureMap("Detailed", "Abstract", [MapRule(Pattern.match("A"), "B")], name="m")
    assert repr(one_rule) == "<ArchitectureMap m: 1 rule>"


def test_a_kind_of_the_users_is_named_without_guessing_its_article() -> None:
    class S:
        pass

    class User:
        pass

    assert kind_named(S()) == "an instance of S"
    assert kind_named(User()) == "an instance of User"
    assert [kind_named(v) for v in (1, [], Computation(), Event("A"))] == [
        "an int", "a list", "a Computation", "an Event",
    ]
    with pytest.raises(TypeError, match=r"takes an Event, got an instance of S\Z"):
        ConstraintMonitor().observe(S(), Computation())  # type: ignore[arg-type]


class _Proxy:
    """A stand-in for a remote object: every attribute it lacks is asked of a server
    that is not there, and calling it would do the same."""

    def __getattr__(self, name: str) -> Any:
        raise ConnectionError(f"no server to ask for {name}")

    def __call__(self, *args: Any) -> Any:
        raise ConnectionError("no server to call")


class _ClassRaises:
    @property  # type: ignore[misc]
    def __class__(self) -> type:
        raise RuntimeError("a __class__ of the user's that fails")


def test_a_refusal_names_a_value_whose_attributes_raise_by_its_type() -> None:
    # The refusal asked the value for its __name__ or __class__, whose error replaced it.
    with pytest.raises(TypeError, match=r"was given _Proxy <[^>]* at 0x\w+> as the value"):
        Pattern.match("Sensor.reading", value=_Proxy())
    with pytest.raises(TypeError, match=r"decorates a class, got _Proxy <[^>]* at 0x\w+>\Z"):
        architecture(_Proxy())  # type: ignore[call-overload]
    assert described(_ClassRaises()).startswith("_ClassRaises <")
    assert kind_named(_ClassRaises()) == "an instance of _ClassRaises"
    assert briefly_described(_ClassRaises()) == "an instance of _ClassRaises"
    assert described_by_name(_ClassRaises()).startswith("_ClassRaises <")


def test_a_payload_key_is_named_briefly_however_long_or_unprintable() -> None:
    # Written by its repr, whole: a message of 689,000 characters for a tuple of 100,000
    # numbers, and a repr that raised replaced the refusal.
    for payload in ({tuple(range(100_000)): 1}, {"a": {tuple(range(100_000)): 1}}):
        with pytest.raises(TypeError, match=r"key \(0, 1, 2, 3, 4, 5, \.\.\.\)") as caught:
            Event("A.b", payload=payload).model_dump_json()
        assert len(str(caught.value)) < 300
    with pytest.raises(TypeError, match="payload key <_ReprRaisesHashed instance at 0x"):
        Event("A.b", payload={_ReprRaisesHashed(): 1}).model_dump_json()
    # A field's name is a string, though it may be a long one.
    for payload in ({"f" * 100_000: object()}, {"a": {"f" * 100_000: object()}}):
        with pytest.raises(TypeError, match=r"'fff+\.\.\.fff+'\]? is an object") as caught:
            Event("A.b", payload=payload).model_dump_json()
        assert len(str(caught.value)) < 300


@pytest.mark.parametrize(
    "refused",
    [
        lambda value: Pattern.match(value),
        lambda value: Pattern.match("A", source=value),
        lambda value: Pattern.match("A").where(value),
        lambda value: System(architecture(type("Empty", (), {})), {}, seed=value),
        lambda value: StreamProcessor().add_source(value, iter(())),
    ],
    ids=["event name", "source", "where", "seed", "add_source"],
)
def test_every_got_names_what_was_given_briefly(refused: Any) -> None:
    # "got {value!r}": 689,000 characters for a list of 100,000 numbers, and a value
    # whose repr raised replaced the refusal with its own error.
    for value in (list(range(100_000)), _ReprRaises()):
        with pytest.raises((TypeError, ValueError)) as caught:
            refused(value)
        said = str(caught.value)
        assert len(said) < 300
        assert "[0, 1, 2, 3, 4, 5, ...]" in said or "_ReprRaises" in said or "expected; got" in said


class _ReprRaisesHashed(_ReprRaises):
    def __hash__(self) -> int:
        return 1
