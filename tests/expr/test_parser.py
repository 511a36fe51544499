"""The lexer, parser and canonical printer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.errors import FormulaError
from crmkit.expr import FieldType, compile
from crmkit.expr._ast import Binary, Call, Field, Literal, Node, Unary
from crmkit.expr._parser import MAX_DEPTH, MAX_NESTING, parse
from crmkit.expr._printer import to_source


def test_precedence_of_arithmetic() -> None:
    """Multiplication binds tighter than addition, which binds tighter than comparison."""
    tree = parse("1 + 2 * 3 > 4")

    assert (
        Binary(
            ">",
            Binary("+", Literal(Decimal(1)), Binary("*", Literal(Decimal(2)), Literal(Decimal(3)))),
            Literal(Decimal(4)),
        )
        == tree
    )


def test_power_is_right_associative_and_beats_sign() -> None:
    """2^3^2 is 2^(3^2) and -2^2 is -(2^2)."""
    two, three = Literal(Decimal(2)), Literal(Decimal(3))

    assert Binary("^", two, Binary("^", three, two)) == parse("2^3^2")
    assert Unary("-", Binary("^", two, two)) == parse("-2^2")


def test_operator_spellings_share_one_tree() -> None:
    """== and =, != and <>, && and AND, || and OR, ! and NOT parse alike."""
    assert parse("a = b && c <> d || !e") == parse("a == b AND c != d OR NOT e")


def test_not_binds_looser_than_comparison() -> None:
    """NOT a = b negates the comparison."""
    assert Call("NOT", (Binary("=", Field(("a",)), Field(("b",))),)) == parse("NOT a = b")


def test_keywords_and_functions_are_case_insensitive() -> None:
    """true, Null and if() are the same as TRUE, NULL and IF()."""
    assert parse("IF(TRUE, NULL, a)") == parse("if(true, Null, a)")


def test_field_names_in_braces_and_related_paths() -> None:
    """Braces hold spaces and any letters; dots walk into related records."""
    assert Field(("Lead Source",)) == parse("{Lead Source}")
    assert Field(("company", "منبع")) == parse("company.{منبع}")
    assert Field(("منبع",)) == parse("منبع")


def test_string_escapes() -> None:
    """Both quote styles read escapes for quotes, backslash, newline and tab."""
    assert Literal('it\'s "x"\n\t\\') == parse(r"'it\'s \"x\"\n\t\\'")
    assert Literal("it's") == parse('"it\'s"')


def test_comments_are_ignored() -> None:
    """/* ... */ comments may appear between tokens."""
    assert parse("1 + 2") == parse("1 /* one */ + /* two */ 2")


def test_number_literals_are_exact_decimals() -> None:
    """0.1 is Decimal('0.1'), and exponents are read."""
    assert Literal(Decimal("0.1")) == parse("0.1")
    assert Literal(Decimal("1000")) == parse("1e3")


@pytest.mark.parametrize(
    ("source", "message", "column"),
    [
        ("1 +", "expected a value, found end of formula", 4),
        ("(1 + 2", r"expected '\)'", 7),
        ("IF(a, b", "expected ',' or '\\)'", 8),
        ("1 $ 2", "unexpected character '\\$'", 3),
        ("'abc", "unterminated text literal", 1),
        ("{abc", "unterminated \\{field name\\}", 1),
        ("1 /* x", "unterminated comment", 3),
        ("'a\\q'", "unknown escape", 3),
        ("a b", "expected an operator or the end of the formula, found 'b'", 3),
        ("a.", "expected a field name after '.'", 3),
        ("{ }", "empty", 1),
    ],
)
def test_syntax_errors_are_located(source: str, message: str, column: int) -> None:
    """A syntax error says what was expected, where, with a caret line."""
    with pytest.raises(FormulaError, match=message) as info:
        parse(source)

    assert (1, column) == (info.value.line, info.value.column)
    assert "^" in str(info.value)


def test_errors_on_later_lines_give_the_line() -> None:
    """Line and column count from the start of the offending line."""
    with pytest.raises(FormulaError, match="line 2, column 5") as info:
        parse("1 +\n2 + )")

    assert info.value.line == 2


def test_limits() -> None:
    """Length, nesting, tree depth and number size all have a clear error."""
    with pytest.raises(FormulaError, match="longer than 10000 characters"):
        parse("1" + " + 1" * 5000)
    with pytest.raises(FormulaError, match=f"nested deeper than {MAX_NESTING}"):
        parse("(" * 60 + "1" + ")" * 60)
    with pytest.raises(FormulaError, match=f"nested deeper than {MAX_DEPTH}"):
        parse(" + ".join(["a"] * (MAX_DEPTH + 5)))
    with pytest.raises(FormulaError, match="number literal longer than"):
        parse("1" * 50)
    with pytest.raises(FormulaError, match="beyond 10\\^100"):
        parse("1e500")


def test_parse_refuses_non_text() -> None:
    """A formula must be a str."""
    with pytest.raises(FormulaError, match="a formula must be text, not int"):
        parse(42)  # type: ignore[arg-type]


_TOKENS = st.sampled_from(
    [
        "1", "2.5", "'x'", '"y"', "a", "{b c}", "x.y", "(", ")", ",", "+", "-", "*", "/", "^",
        "&", "=", "==", "!=", "<>", "<", "<=", ">", ">=", "AND", "OR", "NOT", "&&", "||", "!",
        "IF", "TRUE", "NULL", "CASE", ".", "{", "}", "'", "/*", "*/", "1e", "é", "\n", "$",
    ]
)  # fmt: skip


@given(st.lists(_TOKENS, max_size=25), st.booleans())
def test_token_soup_only_raises_formula_error(tokens: list[str], spaced: bool) -> None:
    """Random token sequences either parse or raise FormulaError, never anything else."""
    source = (" " if spaced else "").join(tokens)
    try:
        tree = parse(source)
    except FormulaError:
        return
    assert parse(to_source(tree)) == tree


_NAMES = st.sampled_from(["a", "amount", "Lead Source", "منبع", "and", "x}y", "b\\"])
_LEAVES: st.SearchStrategy[Node] = st.one_of(
    st.decimals(min_value=0, max_value=10**6, places=3).map(Literal),
    st.text(max_size=5).map(Literal),
    st.sampled_from([True, False, None]).map(Literal),
    st.lists(_NAMES, min_size=1, max_size=3).map(lambda p: Field(tuple(p))),
)
_BINARY_OPS = ["+", "-", "*", "/", "^", "&", "=", "<>", "<", "<=", ">", ">=", "AND", "OR"]


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    return st.one_of(
        st.builds(Binary, st.sampled_from(_BINARY_OPS), children, children),
        st.builds(Unary, st.sampled_from(["-", "+"]), children),
        st.builds(
            Call,
            st.sampled_from(["IF", "NOT", "LEN", "MYFN"]),
            st.lists(children, max_size=3).map(tuple),
        ),
    )


@given(st.recursive(_LEAVES, _extend, max_leaves=12))
def test_printing_then_parsing_gives_the_same_tree(tree: Node) -> None:
    """The canonical printer's output parses back to an equal tree."""
    assert tree == parse(to_source(tree))


def test_str_of_expression_is_canonical() -> None:
    """str(Expression) normalizes spelling and spacing."""
    expr = compile("a==1&&!(b<>2)", {"a": FieldType.NUMBER, "b": "number"})

    assert str(expr) == "a = 1 AND NOT(b <> 2)"
