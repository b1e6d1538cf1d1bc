"""The parser: text to pattern values, precedence, printing back, and syntax errors."""

from __future__ import annotations

import re
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrapide.constraints import never
from pyrapide.core import Event, Poset
from pyrapide.patterns import (
    Pattern,
    PatternSyntaxError,
    UnboundPlaceholderWarning,
    name_text,
    parse_pattern,
    placeholder,
)
from pyrapide.patterns.condition import AllOf, AnyOf, Comparison, Not
from pyrapide.patterns.parsing import _NAME_BEFORE

A, B, C, D, E = (Pattern.match(name) for name in "ABCDE")
k = placeholder("k")


def refused(text: str) -> PatternSyntaxError:
    """The error ``parse_pattern`` raises for ``text`` (the test fails if it parses)."""
    with pytest.raises(PatternSyntaxError) as caught:
        parse_pattern(text)
    return caught.value


def test_the_design_example_parses_to_the_python_pattern():
    text = 'APIService.request(type="query", key=?k) -> DatabaseService.result(key=?k)'
    expected = Pattern.match("APIService.request", type="query", key=k) >> Pattern.match(
        "DatabaseService.result", key=k
    )
    assert parse_pattern(text) == expected
    assert str(expected) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A -> B", A >> B),
        ("A >> B", A >> B),
        ("A => B", A.then_immediately(B)),
        ("A || B", A | B),
        ("A & B", A & B),
        ("A or B", A.or_(B)),
        ("A+", A.repeat()),
        ("*", Pattern.match("*")),
        ('"order-placed"', Pattern.match("order-placed")),
        ('A from "api"', Pattern.match("A", source="api")),
        ("A(x=1) from ?s", Pattern.match("A", x=1, source=placeholder("s"))),
        ('A("odd key"=1)', Pattern.match("A", **{"odd key": 1})),
        ("A()", A),
    ],
)
def test_each_operator_and_form(text, expected):
    assert parse_pattern(text) == expected


def test_json_literals_as_field_values():
    parsed = parse_pattern('E(a=-1.5e2, b=true, c=null, d=[1, "x", [false]], e={"k": {}}, f=[])')
    expected = Pattern.match("E", a=-150.0, b=True, c=None, d=[1, "x", [False]], e={"k": {}}, f=[])
    assert parsed == expected
    assert parse_pattern("E(n=7)").field_matchers["n"] == 7
    assert type(parse_pattern("E(n=7)").field_matchers["n"]) is int


def test_an_array_of_one_null_is_not_the_empty_array():
    # An optional list of items and a list holding null alone once both arrived as
    # (None,): [null] was read as [], and matched the events holding x=[].
    for text, value in [
        ("E(x=[null])", [None]),
        ("E(x=[[null]])", [[None]]),
        ("E(x=[])", []),
        ("E(x=[[]])", [[]]),
    ]:
        parsed = parse_pattern(text)
        assert parsed.field_matchers["x"] == value and str(parsed) == text
    poset = Poset()
    holding_null, empty = Event("E", {"x": [None]}), Event("E", {"x": []})
    poset.add(holding_null)
    poset.add(empty)
    assert [m.event for m in parse_pattern("E(x=[null])").match_in(poset)] == [holding_null]
    guarded = parse_pattern("E(x=?v) where ?v == [null]")
    assert [m.event for m in guarded.match_in(poset)] == [holding_null]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A -> B -> C", (A >> B) >> C),
        ("A -> (B -> C)", A >> (B >> C)),
        ("A -> B & C", (A >> B) & C),
        ("A & B -> C", A & (B >> C)),
        ("A || B & C", A | (B & C)),
        ("A or B || C", A.or_(B | C)),
        ("A -> B || C & D or E", ((A >> B) | (C & D)).or_(E)),
        ("A -> B+", A >> B.repeat()),
        ("(A -> B)+", (A >> B).repeat()),
        ("A => B -> C", A.then_immediately(B) >> C),
    ],
)
def test_precedence_and_grouping(text, expected):
    assert parse_pattern(text) == expected


def test_where_conditions_apply_to_everything_before_them():
    n = placeholder("n")
    assert parse_pattern("A(n=?n) -> B where ?n > 5") == (Pattern.match("A", n=n) >> B).where(
        Comparison(n, ">", 5)
    )
    parsed = parse_pattern('A(n=?n) where not ?n == "x" and (?n < 3 or ?n >= [1])')
    condition = AllOf(
        Not(Comparison(n, "==", "x")), AnyOf(Comparison(n, "<", 3), Comparison(n, ">=", [1]))
    )
    an_a = Pattern.match("A", n=n)
    assert parsed == an_a.where(condition)
    assert parse_pattern("(A(n=?n) where ?n != 1) -> B") == an_a.where(Comparison(n, "!=", 1)) >> B


@pytest.mark.parametrize(
    "text",
    [
        'APIService.request(type="query", key=?k) -> DatabaseService.result(key=?k)',
        "A -> (B -> C)",
        "(A or B) -> C",
        "A || (B || C)",
        "(A(x=?x) where ?x == 1) or B",
        "A(x=?x, y=?y) where ?x < 1 or ?y > 2 and not (?x == ?y or ?y == null)",
        '"and"(x=1) from "src"',
        '"true"("from"=1)',
        "(A from ?s)+",
        "((A+)+ => *)+",
    ],
)
def test_printing_round_trips(text):
    assert str(parse_pattern(text)) == text
    assert parse_pattern(str(parse_pattern(text))) == parse_pattern(text)


def test_patterns_with_python_guards_or_timing_say_so_and_do_not_parse():
    def is_query(event):
        return event.payload.get("type") == "query"

    text = str(A.where(is_query) >> B)
    assert text.startswith("(A where <python guard ") and text.endswith("is_query>) -> B")
    with pytest.raises(PatternSyntaxError):
        parse_pattern(text)
    timed = str(A.timed(None, max_duration=5))
    assert "within" in timed and "max_duration=5" in timed
    with pytest.raises(PatternSyntaxError):
        parse_pattern(timed)


@pytest.mark.parametrize(
    ("text", "column", "expected_word"),
    [
        ("A -> -> B", 6, "an event name"),
        ("A -> ", 5, "an event name"),
        ("A(k=)", 5, "a JSON value"),
        ("A(k 1)", 5, "'='"),
        ("(A -> B", 8, "')'"),
        ("A where B", 9, "a placeholder such as ?k"),
        ('A(k="abc)', 5, "a JSON value"),
        ("A $ B", 3, "'->'"),
        ("A(k=?)", 5, "a placeholder such as ?k"),
    ],
)
def test_syntax_errors_name_the_column_and_what_was_expected(text, column, expected_word):
    error = refused(text)
    assert error.column == column
    assert error.text == text
    assert expected_word in error.expected
    assert f"column {column}" in str(error)
    # The text is shown with a caret under the column.
    lines = str(error).splitlines()
    assert lines[1].strip() == text.strip()
    assert lines[2].index("^") == lines[1].index(text[:1]) + column - 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # After a whole pattern: its operators, fields, a source, a guard or the end;
        # never a ")" with none open (LALR's shared states listed one).
        ("A B", ("'&'", "'('", "'+'", "'->'", "'=>'", "'>>'", "'from'", "'or'", "'where'",
                 "'||'", "the end of the pattern")),
        # The parser had reduced past everything but the end before it failed.
        ("A )", ("'&'", "'('", "'+'", "'->'", "'=>'", "'>>'", "'from'", "'or'", "'where'",
                 "'||'", "the end of the pattern")),
        ("(A", ("'&'", "'('", "')'", "'+'", "'->'", "'=>'", "'>>'", "'from'", "'or'",
                "'where'", "'||'")),
        ("A from \"s\" B", ("'&'", "'+'", "'->'", "'=>'", "'>>'", "'or'", "'where'", "'||'",
                            "the end of the pattern")),
        # Inside fields only "," or ")" may follow a value; after a guard, only more guard.
        ("A(x=1 y=2)", ("')'", "','")),
        ("A where ?x == 1 B", ("'and'", "'or'", "the end of the pattern")),
        ("A where ?x = 1", ("a comparison (== != < <= > >=)",)),
        ("A(x=[1 2]", ("','", "']'")),
        # A name is said as what it would be there: a field's, an event's, a key.
        ("A(", ("')'", "a field name")),
        ("A(x=1,", ("a field name",)),
        ("A -> ", ("'('", "'*'", "an event name")),
        ("A(x={", ("'}'", "a key (a quoted string)")),
    ],
)
def test_a_syntax_error_expects_only_what_could_be_typed_there(text, expected):
    error = refused(text)
    assert error.expected == expected
    words = ", ".join(expected[:-1]) + " or " + expected[-1] if len(expected) > 1 else expected[0]
    assert f": expected {words}, found " in error.message


def test_semantic_errors_are_syntax_errors_with_a_column():
    with pytest.raises(PatternSyntaxError, match="field 'k' is given twice") as caught:
        parse_pattern("A(k=1, k=2)")
    assert caught.value.column == 8
    with pytest.raises(PatternSyntaxError, match="source is a string or a placeholder") as caught:
        parse_pattern("A from 5")
    assert caught.value.column == 3


def test_an_object_giving_a_key_twice_is_refused_at_the_second():
    # JSON keeps the last value in silence: A(k={"a": 1, "a": 2}) used to be read as
    # A(k={"a": 2}), a pattern other than the one written, in a guard as in a field.
    for text, column in (
        ('A(k={"a": 1, "a": 2})', 14),
        ('A(k=[{"a": {"b": 1, "b": 1}}])', 21),
        ('A(k=?x) where ?x == {"q": 1, "q": 2}', 30),
    ):
        with pytest.raises(PatternSyntaxError, match=r'key "[abq]" is given twice') as caught:
            parse_pattern(text)
        assert caught.value.column == column
    assert str(parse_pattern('A(k={"a": 1, "b": {}})')) == 'A(k={"a": 1, "b": {}})'


def test_empty_text_and_non_strings():
    with pytest.raises(PatternSyntaxError, match="Empty pattern"):
        parse_pattern("   ")
    with pytest.raises(TypeError, match="needs a string"):
        parse_pattern(None)  # type: ignore[arg-type]


def test_errors_in_a_text_of_several_lines_show_the_offending_line():
    text = "A ->\n  B ||\n  -> C"
    error = refused(text)
    assert (error.line, error.column) == (3, 3)
    assert "line 3, column 3" in str(error)
    assert str(error).splitlines()[1] == "    -> C"


def test_an_unclosed_string_is_named_as_such():
    with pytest.raises(PatternSyntaxError, match="a string with no closing quote"):
        parse_pattern('A(k="abc)')


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("A(k=1e999)", 5, "1e999 is not a finite number"),
        ("A(k=-1e400)", 5, "-1e400 is not a finite number"),
        ("A where ?k == 1e999", 15, "1e999 is not a finite number"),
        ("A(k=[1, 2e308])", 9, "2e308 is not a finite number"),
        ("A(k=" + "9" * 5000 + ")", 5, "a number of 5000 digits"),
    ],
)
def test_a_number_no_json_file_can_hold_is_refused_where_it_is(text, column, words):
    # Printed back, such a number would not parse again (inf, or an integer Python
    # refuses to read), so it is a syntax error at the number, not a pattern.
    with pytest.raises(PatternSyntaxError, match=words) as caught:
        parse_pattern(text)
    assert caught.value.column == column
    assert "sys.set_int_max_str_digits" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ('A(k="tab\there")', 9, "invalid control character in a quoted string"),
        ('A(k="\\q")', 6, "invalid \\escape in a quoted string"),
        ('A(k={"a\\z": 1})', 8, "invalid \\escape in a quoted string"),
        ('"Caf\\é"(k=1)', 5, "invalid \\escape in a quoted string"),
        ('A("a\tb"=1)', 5, "invalid control character in a quoted string"),
    ],
)
def test_a_quoted_string_json_refuses_is_refused_at_its_character(text, column, words):
    # The grammar takes any escape and any character but a line break between quotes;
    # what JSON then refuses is a syntax error at that character, not at column 1 with
    # JSON's own "line 1 column 5 (char 4)", which counts inside the string.
    error = refused(text)
    assert error.column == column
    assert f"column {column}: {words}" in str(error)
    assert "(char" not in str(error)


@pytest.mark.parametrize(
    ("text", "before_caret"),
    [
        ('"日本語".b(k=) -> B', '  "日本語"'),  # wide: two terminal cells each
        ('"🙂"(k=1) -> (', '  "🙂"(k=1) -> ('),
        ('"e\u0301".b(k=)', '  "e\u0301"'),  # a combining accent takes no cell
        ('A(k=1,\tj=)', '  A(k=1,\tj='),  # a tab stays a tab
    ],
)
def test_the_caret_stands_under_the_column_on_a_terminal(text, before_caret):
    error = refused(text)
    shown, caret = str(error).splitlines()[1:3]
    # The caret line is as wide as the shown line up to the column.
    assert caret == "".join(
        "\t" if char == "\t" else "" if char == "\u0301" else
        "  " if char in "日本語🙂" else " "
        for char in before_caret
    ) + "^"
    assert shown.startswith(before_caret)


@pytest.mark.parametrize(
    ("text", "where", "found", "shown"),
    [
        # The parser counts lines at "\n" only; the message split the text as
        # str.splitlines does, at "\r", a form feed or U+2028 too, and so showed
        # another line than the one the column is on, and said "the end of the line".
        ("A ->\r  B(k=)", "column 12", "found ')'", "A ->   B(k=)"),
        ("A ->\f B(k=)", "column 11", "found ')'", "A ->  B(k=)"),
        ("A ->\r\n  B(k=)", "line 2, column 7", "found ')'", "  B(k=)"),
        ("A ->\u2028 B", "column 5", "found the character U+2028 (LINE SEPARATOR)", "A ->  B"),
        ("A ->\u00a0B", "column 5", "found the character U+00A0 (NO-BREAK SPACE)", "A ->\u00a0B"),
        # Leading blank lines are counted: the error is on line 3.
        ("\n\nA(", "line 3, column 3", "found the end of the pattern", "A("),
    ],
)
def test_an_error_is_shown_on_the_line_the_parser_counts(text, where, found, shown):
    error = refused(text)
    message, line, caret = str(error).splitlines()
    assert message.startswith(f"Invalid pattern at {where}: expected ")
    assert message.endswith(found)
    assert line == f"  {shown}"
    assert len(caret) == 2 + error.column  # under the column: one cell a character


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("A(k=007)", 5, 'write 7, or "007" for text'),
        ("A(k=+1)", 5, 'write 1, or "+1" for text'),
        ("A(k=.5)", 5, 'write 0.5, or ".5" for text'),
        ("A(k=[1, 2.])", 9, 'write 2.0, or "2." for text'),
        ("A where 1 < -01", 13, 'write -1, or "-01" for text'),
    ],
)
def test_a_number_json_does_not_write_is_refused_where_it_is(text, column, words):
    # The grammar's number takes them, and 007 became 7; the workbench's inject reads
    # key=007 as the text "007", so a watch on it matched something else.
    error = refused(text)
    assert error.column == column
    assert "is not a number as JSON writes it: " + words in str(error)


def test_a_long_line_is_shown_around_the_column():
    # The whole line was shown, and a caret after as many blanks: a 5000-character
    # value made a message of 10,000 characters, its caret wrapped off the terminal.
    text = 'A(k="' + "x" * 5000 + '") -> B(k=)'
    error = refused(text)
    assert error.column == 5016
    _, shown, caret = str(error).splitlines()
    assert shown == "  …" + "x" * 65 + '") -> B(k=)'
    assert caret == " " * len(shown[:-1]) + "^"  # under the last ")"
    assert shown[len(caret) - 1] == ")"


def test_a_semantic_error_on_a_later_line_names_the_line():
    error = refused("A(k=1,\n  k=2)")
    assert (error.line, error.column) == (2, 3)
    assert "line 2, column 3: field 'k' is given twice" in str(error)
    assert str(error).splitlines()[1] == "    k=2)"


def test_a_name_python_allows_but_not_ascii_is_written_quoted():
    # `class Café` with `async def crème` is Python; the syntax's bare names are ASCII.
    crème = Pattern.match("Café.crème", größe=3)
    assert name_text("Café.crème") == '"Café.crème"'
    assert name_text("größe", field=True) == '"größe"'
    assert name_text("Web.order") == "Web.order"
    assert name_text("where") == '"where"'
    assert name_text("a.b", field=True) == '"a.b"'
    assert str(crème) == '"Café.crème"("größe"=3)'
    assert parse_pattern(str(crème)) == crème


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("Café.crème -> B", '"Café.crème"'),
        ('"Café.crème"(größe=1)', '"größe"'),
        ("A -> Bar.ö", '"Bar.ö"'),
    ],
)
def test_an_error_in_a_name_that_is_not_ascii_says_to_quote_it(text, quoted):
    error = refused(text)
    assert f"(a name that is not ASCII is quoted: {quoted})" in str(error)


@pytest.mark.parametrize(
    ("text", "whole"),
    [
        ('"Café".crème(größe=1)', '"Café.crème"'),
        ('A -> "Shop".order.placed', "Shop.order.placed"),
    ],
)
def test_quotes_around_part_of_a_name_say_they_hold_the_whole(text, whole):
    # Quoting only the part that is not ASCII is the natural slip; the error said only
    # what it expected after the quoted part.
    error = refused(text)
    assert str(error).splitlines()[0].endswith(f"(the quotes hold the whole name: {whole})")


def test_an_unexpected_string_that_is_closed_is_not_called_unclosed():
    error = refused('A "b" -> C')
    assert "found '\"b\"'" in str(error)
    assert "no closing quote" not in str(error)


def test_other_errors_say_nothing_of_quoting():
    error = refused("A -> -> B")
    assert "not ASCII" not in str(error)


@pytest.mark.parametrize(
    ("text", "unbound"),
    [
        ("A where ?m > 1", ["?m > 1"]),
        ("A(k=?k) -> B where ?k > 1 and not ?n == 2", ["?n == 2"]),
        ("(A where ?x == ?y) -> B(x=?x, y=?y)", ["?x == ?y", "?x == ?y"]),
    ],
)
def test_a_guard_on_a_placeholder_nothing_binds_is_warned_where_it_is_parsed(text, unbound):
    # Such a comparison reads no binding: it is false for every match, silently.
    with pytest.warns(UnboundPlaceholderWarning) as caught:
        pattern = parse_pattern(text)
    assert [str(w.message).split("`")[1] for w in caught] == unbound
    assert all(w.filename == __file__ for w in caught)  # the line that parsed it
    assert "(bind it with a field: " in str(caught[0].message)
    with pytest.warns(UnboundPlaceholderWarning, match=r"nothing in A binds \?m") as caught:
        Pattern.match("A").where(Comparison(placeholder("m"), ">", 1))
        never("A where ?m > 1")  # built inside the library: the warning names this line
    assert [w.filename for w in caught] == [__file__] * 2
    assert pattern.match_in(Poset()) == []


def test_a_guard_on_placeholders_its_pattern_binds_is_not_warned() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        parse_pattern("A(k=?k) -> B(n=?n) where ?k > 1 and not ?n == 2")
        parse_pattern("A(k=?k) where ?k > 1")
        Pattern.match("A", k=placeholder("k")).where(Comparison(placeholder("k"), ">", 1))
        Pattern.match("A").where(lambda match: match.bindings.get("m", 0) > 1)


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("Sensor.* -> B", '"Sensor.*"'),
        ("A -> *.error", '"*.error"'),
        ("A -> Sensor.*(level=1)", '"Sensor.*"'),
    ],
)
def test_an_error_in_a_name_with_a_star_says_to_quote_it(text, quoted):
    error = refused(text)
    assert f"(a name with * in it is quoted: {quoted})" in str(error).splitlines()[0]


def test_a_quoted_name_with_a_star_is_the_python_glob_and_prints_back():
    pattern = parse_pattern('"Sensor.*"(level=?n) -> "*.error"')
    assert pattern == Pattern.match("Sensor.*", level=placeholder("n")) >> Pattern.match(
        "*.error"
    )
    assert parse_pattern(str(pattern)) == pattern


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("Ledger.booked amount=12", "Ledger.booked(amount=12)"),
        ('Ledger.booked amount=12 who=bob', 'Ledger.booked(amount=12, who="bob")'),
        ("A.b x = 1", "A.b(x=1)"),
        ("A -> C.d n=1 m=2 k=3 j=4", "C.d(n=1, m=2, k=3, ...)"),
        ('"Sensor.*" level=5', '"Sensor.*"(level=5)'),
    ],
)
def test_fields_written_as_inject_takes_them_say_they_go_in_parentheses(text, written):
    """``inject A.b x=1`` takes fields so; a pattern (``expect``, ``watch``) takes them in
    parentheses, their values JSON, and the error says what to write."""
    error = refused(text)
    first = str(error).splitlines()[0]
    assert first.endswith(f"(a pattern's fields go in parentheses: {written})")


@pytest.mark.parametrize("text", ["A.b(x=1) y=2", "A.b x == 1", "A.b " + "x" * 50 + "=1"])
def test_no_fields_hint_where_parentheses_would_not_do(text):
    error = refused(text)
    assert "go in parentheses" not in str(error)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("A from api", 'from "api"'),
        ("A(x=1) from payments.ledger -> B", 'from "payments.ledger"'),
        ("A from\tapi or B", 'from "api"'),
    ],
)
def test_a_source_written_unquoted_says_to_quote_it(text, written):
    error = refused(text)
    assert str(error).splitlines()[0].endswith(f"(a source is quoted: {written})")


@pytest.mark.parametrize("text", ['A from "api" x', "A.from api", "A from 3", "A from ?"])
def test_no_source_hint_where_no_source_is_written_unquoted(text):
    error = refused(text)
    assert "a source is quoted" not in str(error)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("A.b where n > 1", "A.b(n=?n) where ?n ..."),
        ("A.b(m=1) where n > 1", "A.b(m=1, n=?n) where ?n ..."),
        ('A.b from "src" where (n == 1)', 'A.b(n=?n) from "src" where ?n ...'),
        ('"Café.crème" where n > 1', '"Café.crème"(n=?n) where ?n ...'),
        ("A.b where notes == 1", "A.b(notes=?notes) where ?notes ..."),
        ("A -> B where n == 1", "bind the field in its event's fields, as n=?n, and compare ?n"),
        ("A(x=?x) where ?x == 1 and n > 2", "bind the field in its event's fields, as n=?n, "
         "and compare ?n"),
    ],
)
def test_a_guard_naming_a_field_says_to_bind_it_to_a_placeholder(text, hint):
    """A guard compares placeholders: ``where n > 1`` was refused at ``n`` with no word
    of what to write instead."""
    error = refused(text)
    first = str(error).splitlines()[0]
    assert first.endswith(f"(a guard compares placeholders, not fields: {hint})")


@pytest.mark.parametrize(
    ("text", "column", "found"),
    [
        ("A where notes == 1", 9, "'notes'"),
        ("A where nullable == 1", 9, "'nullable'"),
        ("A(x=?x) where ?x == 1 andy", 23, "'andy'"),
        ("A(x=trueish)", 5, "'trueish)'"),
    ],
)
def test_a_word_that_begins_with_a_keyword_is_found_whole(text, column, found):
    """``notes`` was read as ``not`` and ``es``: the error said "found 'es'", pointing
    inside the word the user wrote."""
    error = refused(text)
    assert error.column == column
    assert f", found {found}" in str(error).splitlines()[0]


@pytest.mark.parametrize(
    "text", ["A(n=?n) where ?n > 1 x", "A.b(s=\"where \") n", "A b"]
)
def test_no_guard_hint_where_no_guard_operand_was_expected(text):
    error = refused(text)
    assert "a guard compares" not in str(error)


# The name before the error, as a plain search would read it: every start, every length.
_PLAIN_NAME_BEFORE = re.compile(r'(?:[\w.*]+|"(?:[^"\\]|\\.)*")[ \t]*$')


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='ab.*"\\ \t=-', max_size=14))
def test_the_name_before_an_error_is_the_one_a_plain_search_finds(before: str) -> None:
    found, plain = _NAME_BEFORE.search(before), _PLAIN_NAME_BEFORE.search(before)
    assert (found and found.span()) == (plain and plain.span())


_PATTERN_CHARACTERS = 'AB.*()?xk=,"\\ -><|+&!{}[]:01e\n\té'
_PATTERN_WORDS = ["where", "and", "or", "not", "from", "null", "true", " -> ", " || ", "?k"]


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(alphabet=_PATTERN_CHARACTERS, max_size=30),
        st.lists(st.sampled_from([*_PATTERN_CHARACTERS, *_PATTERN_WORDS]), max_size=15).map(
            "".join
        ),
        st.text(max_size=20),
    )
)
@pytest.mark.filterwarnings("ignore::pyrapide.patterns.UnboundPlaceholderWarning")
def test_any_text_parses_and_prints_back_or_is_refused_at_a_column(text: str) -> None:
    try:
        pattern = parse_pattern(text)
    except PatternSyntaxError as error:
        assert error.column is not None and error.column >= 1, str(error)
        assert str(error).startswith("Invalid pattern at ") or "Empty pattern" in str(error)
        return
    assert parse_pattern(str(pattern)) == pattern, str(pattern)


_LONG_WORDS = [
    "x" * 3000,
    "9" * 3000,
    "é" * 3000,
    "x*" + "x" * 3000,
    "1." + "5" * 3000,
    "1e" + "9" * 3000,
    "+" + "9" * 3000,
    "[" + ",".join(["1"] * 1500) + "]",
]
_AROUND = [
    "{}",
    "A {}",
    "A -> {}",
    "A({}=1, {}=2)",
    'A("{}"=1, "{}"=2)',
    'A(k={{"{}": 1, "{}": 2}})',
    "A(k={})",
    "A from {}",
    "A(k=?x) where ?x == {}",
    "A(k=?x) where not {}",
]


@pytest.mark.parametrize("around", _AROUND)
def test_a_long_word_is_quoted_short_in_the_message(around: str) -> None:
    # A number of 3,000 digits or a pasted field name given twice was written out
    # whole in the message (or in its hint), a first line of kilobytes; the caret
    # shows where it is, and the message quotes its start.
    for word in _LONG_WORDS:
        try:
            parse_pattern(around.replace("{}", word))
        except PatternSyntaxError as error:
            first = str(error).splitlines()[0]
            assert len(first) < 300, (around, word[:12], first[:200])


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=200, deadline=None)
@given(
    name=st.one_of(
        st.text(min_size=1, max_size=8),
        st.sampled_from(["A.b", "where", "A.*", "Café.crème", "a b", 'q"q', "x\\y", "null"]),
    ),
    fields=st.dictionaries(
        st.one_of(st.text(min_size=1, max_size=5), st.sampled_from(["where", "a.b", "1"])),
        _JSON_VALUES | st.just(placeholder("x")),
        max_size=2,
    ),
    source=st.one_of(st.none(), st.text(max_size=5), st.just(placeholder("s"))),
)
def test_any_name_fields_and_source_print_as_text_that_parses_back(name, fields, source):
    # Names that need quoting, keys that are keywords, strings with quotes and
    # escapes, floats and nested JSON: what str() writes, parse_pattern reads back.
    try:
        pattern = Pattern.match(name, source=source, **fields)
    except (TypeError, ValueError):
        return  # refused where it is made, with its own message
    assert parse_pattern(str(pattern)) == pattern, str(pattern)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("Room.deliver(to=bob)", '(a string value is quoted: "bob")'),
        ("A.b(x=1, to = bob) -> C.d", '(a string value is quoted: "bob")'),
        ('A.b("größe"=big)', '(a string value is quoted: "big")'),
        ("A.b(x=True)", '(a value is JSON: true, or "True" for the string)'),
        ("A.b(x=None)", '(a value is JSON: null, or "None" for the string)'),
    ],
)
def test_a_field_value_written_unquoted_says_to_quote_it(text, hint):
    """``inject A.b to=bob`` takes the word as a string; a pattern takes JSON values, and
    it said only "expected a JSON value ..., found 'bob)'", not what to write."""
    error = refused(text)
    assert str(error).splitlines()[0].endswith(hint)


@pytest.mark.parametrize(
    "text", ["A.b(n=?n) where ?n == bob", "A.b(x=bob.c)", "A.b(x=1) where ?x >= bob"]
)
def test_no_value_hint_outside_an_events_fields(text):
    error = refused(text)
    assert "value is" not in str(error)
