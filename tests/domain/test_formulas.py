from __future__ import annotations

import math
import sqlite3
from collections.abc import Mapping
from contextlib import closing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fansipan.domain.formulas import (
    Binary,
    Call,
    Expr,
    Formula,
    Number,
    Ref,
    Unary,
    check_formulas,
    evaluation_order,
    expand,
    parse_formula,
)
from fansipan.errors import ValidationError

A, B, C = Ref("A"), Ref("B"), Ref("C")


def n(value: float) -> Number:
    return Number(value)


def message_of(text: str) -> str:
    with pytest.raises(ValidationError) as caught:
        parse_formula(text)
    [error] = caught.value.errors
    assert error.field == "formula"
    assert error.value == text
    return error.message


def problems(formulas: Mapping[str, str], known: list[str]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        check_formulas(formulas, known)
    return [(e.field, e.message) for e in caught.value.errors]


# --- Trees from text and back ---------------------------------------------------------

codes = st.from_regex(r"[A-Z][A-Z0-9_]{0,5}", fullmatch=True)
literals = st.one_of(
    st.integers(0, 10**9).map(float),
    st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False).map(abs),
)


def _round_call(x: Expr, places: int | None) -> Call:
    return Call("round", (x,) if places is None else (x, Number(places)))


def _extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    return st.one_of(
        st.builds(Unary, children),
        st.builds(Binary, st.sampled_from(["+", "-", "*", "/"]), children, children),
        st.builds(
            lambda name, args: Call(name, tuple(args)),
            st.sampled_from(["min", "max", "coalesce"]),
            st.lists(children, min_size=2, max_size=4),
        ),
        st.builds(lambda x: Call("abs", (x,)), children),
        st.builds(_round_call, children, st.none() | st.integers(0, 15)),
    )


exprs: st.SearchStrategy[Expr] = st.recursive(
    st.one_of(literals.map(Number), codes.map(Ref)), _extend, max_leaves=12
)


@given(exprs)
def test_canonical_text_parses_back_to_the_same_tree(expr: Expr) -> None:
    formula = Formula.of(expr)
    again = parse_formula(str(formula))
    assert again.expr == expr
    assert str(again) == str(formula)


@pytest.mark.parametrize(
    ("text", "tree", "canonical"),
    [
        ("A - B - C", Binary("-", Binary("-", A, B), C), "A - B - C"),
        ("A - (B - C)", Binary("-", A, Binary("-", B, C)), "A - (B - C)"),
        ("A / B * C", Binary("*", Binary("/", A, B), C), "A / B * C"),
        ("A / (B * C)", Binary("/", A, Binary("*", B, C)), "A / (B * C)"),
        ("A / B / C", Binary("/", Binary("/", A, B), C), "A / B / C"),
        ("A + B * C", Binary("+", A, Binary("*", B, C)), "A + B * C"),
        ("(A + B) * C", Binary("*", Binary("+", A, B), C), "(A + B) * C"),
        ("((A))", A, "A"),
        ("-A * B", Binary("*", Unary(A), B), "-A * B"),
        ("-(A * B)", Unary(Binary("*", A, B)), "-(A * B)"),
        ("A * -B", Binary("*", A, Unary(B)), "A * -B"),
        ("A--B", Binary("-", A, Unary(B)), "A - -B"),
        ("--A", Unary(Unary(A)), "-(-A)"),
        ("-2", Unary(n(2)), "-2"),
        (
            "100*BC_XA_CO_DIEM/BC_TONG_XA",
            Binary("/", Binary("*", n(100), Ref("BC_XA_CO_DIEM")), Ref("BC_TONG_XA")),
            "100 * BC_XA_CO_DIEM / BC_TONG_XA",
        ),
        ("0.50 + 007", Binary("+", n(0.5), n(7)), "0.5 + 7"),
        ("min( A ,B,\t2 )", Call("min", (A, B, n(2))), "min(A, B, 2)"),
        ("round(A / B, 2)", Call("round", (Binary("/", A, B), n(2))), "round(A / B, 2)"),
        ("round(A)", Call("round", (A,)), "round(A)"),
        ("coalesce(A, 0)", Call("coalesce", (A, n(0))), "coalesce(A, 0)"),
        ("abs(-A)", Call("abs", (Unary(A),)), "abs(-A)"),
        ("-max(A, B)", Unary(Call("max", (A, B))), "-max(A, B)"),
        ("A1_B2 + X", Binary("+", Ref("A1_B2"), Ref("X")), "A1_B2 + X"),
    ],
)
def test_precedence_associativity_and_canonical_text(text: str, tree: Expr, canonical: str) -> None:
    formula = parse_formula(text)
    assert formula.expr == tree
    assert formula.text == text
    assert str(formula) == canonical


def test_formulas_are_equal_when_their_trees_are() -> None:
    assert parse_formula("A+B") == parse_formula(" A + (B) ")
    assert parse_formula("A+B") != parse_formula("B+A")
    assert hash(parse_formula("A+B")) == hash(parse_formula("A + B"))


def test_references_are_the_codes_used() -> None:
    formula = parse_formula("coalesce(B, A) + 100 * B / C2")
    assert formula.references == frozenset({"A", "B", "C2"})
    assert formula.references_in_order() == ["B", "A", "C2"]
    assert parse_formula("1 + 2").references == frozenset()


def test_tree_nodes_refuse_shapes_the_text_could_not_have() -> None:
    with pytest.raises(ValueError, match="finite"):
        Number(-1)
    with pytest.raises(ValueError, match="finite"):
        Number(math.inf)
    with pytest.raises(ValueError, match="not an indicator code"):
        Ref("abc")
    with pytest.raises(ValueError, match="operator"):
        Binary("^", A, B)
    with pytest.raises(ValueError, match="at least 2"):
        Call("min", (A,))
    with pytest.raises(ValueError, match="decimal places"):
        Call("round", (A, n(1.5)))


# --- Evaluation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("100 * BC_XA_CO_DIEM / BC_TONG_XA", {"BC_XA_CO_DIEM": 45, "BC_TONG_XA": 60}, 75.0),
        ("A - B - C", {"A": 10, "B": 3, "C": 2}, 5.0),
        ("A / B * C", {"A": 8, "B": 2, "C": 4}, 16.0),
        ("-A * B + -2", {"A": 3, "B": 4}, -14.0),
        # A missing or None input makes the result missing.
        ("A + B", {"A": 1}, None),
        ("A + B", {"A": 1, "B": None}, None),
        ("A * 0", {"A": None}, None),
        ("A + B", {"A": 1, "B": math.nan}, None),
        ("abs(A)", {}, None),
        ("min(A, B)", {"A": 1, "B": None}, None),
        ("max(A, B, 3)", {"A": 1, "B": 2}, 3.0),
        ("min(A, B, 3)", {"A": 1, "B": -2}, -2.0),
        # Division by zero is missing, not an error, also deep inside.
        ("A / B", {"A": 1, "B": 0}, None),
        ("A / (B - B)", {"A": 1, "B": 5}, None),
        ("coalesce(A / B, 0)", {"A": 1, "B": 0}, 0.0),
        ("0 / 0", {}, None),
        # coalesce: the first argument that is present.
        ("coalesce(A, B, 7)", {"B": 2}, 2.0),
        ("coalesce(A, B, 7)", {}, 7.0),
        ("coalesce(A, B)", {"A": None, "B": None}, None),
        ("coalesce(A, B)", {"A": 0, "B": 5}, 0.0),
        # Rounding is half away from zero, on the decimal value people see.
        ("round(A)", {"A": 2.5}, 3.0),
        ("round(A)", {"A": -2.5}, -3.0),
        ("round(A, 2)", {"A": 0.125}, 0.13),
        ("round(A, 2)", {"A": 2.675}, 2.68),
        ("round(A, 1)", {"A": 1234.56}, 1234.6),
        ("round(100 * A / B, 1)", {"A": 1, "B": 3}, 33.3),
        ("abs(A - B)", {"A": 2, "B": 5}, 3.0),
        # An overflow is missing too.
        ("A * A", {"A": 1e200}, None),
        ("A / B", {"A": 1e300, "B": 1e-300}, None),
    ],
)
def test_evaluate(text: str, values: dict[str, float | None], expected: float | None) -> None:
    result = parse_formula(text).evaluate(values)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


values_of_abc = st.fixed_dictionaries(
    {},
    optional={
        code: st.none()
        | st.sampled_from([0.0, 1.0, -1.0, 0.5, 3.0, -7.25])
        | st.floats(allow_nan=True, allow_infinity=True)
        for code in ("A", "B", "C")
    },
)


@given(exprs, values_of_abc)
def test_evaluate_never_raises(expr: Expr, values: dict[str, float | None]) -> None:
    result = Formula.of(expr).evaluate(values)
    assert result is None or math.isfinite(result)


# --- Syntax errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "Formula is empty; write an expression such as '100 * A / B'"),
        ("  \t", "Formula is empty; write an expression such as '100 * A / B'"),
        (
            "100 * (A / B",
            "Formula '100 * (A / B' is missing a closing parenthesis at position 13, "
            "to match the '(' at position 7",
        ),
        (
            "min(A, (B + C)",
            "Formula 'min(A, (B + C)' is missing a closing parenthesis at position 15, "
            "to match the '(' at position 4",
        ),
        (
            "A + B)",
            "Formula 'A + B)' has a closing parenthesis at position 6 "
            "without a matching opening one",
        ),
        (
            "A B",
            "Formula 'A B' has an unexpected 'B' at position 3 after a complete expression; "
            "expected an operator (+, -, *, /) or the end",
        ),
        (
            "100 * A / B 5",
            "Formula '100 * A / B 5' has an unexpected number 5 at position 13 after a "
            "complete expression; expected an operator (+, -, *, /) or the end",
        ),
        (
            "A +",
            "Formula 'A +' ends too early: expected a number, an indicator code, a function "
            "or '(' at position 4",
        ),
        (
            "A + * B",
            "Formula 'A + * B' has an unexpected '*' at position 5; expected a number, "
            "an indicator code, a function or '('",
        ),
        (
            "(A B)",
            "Formula '(A B)' has an unexpected 'B' at position 4; expected an operator or ')'",
        ),
        (
            "100 * 0,5",
            "Formula '100 * 0,5' has an unexpected ',' at position 8; "
            "write decimals with a point, e.g. 0.5",
        ),
        (
            "A ^ 2",
            "Formula 'A ^ 2' has an unexpected character '^' at position 3; "
            "there is no power operator; multiply instead, e.g. A * A",
        ),
        ("A + Đ", "Formula 'A + Đ' has an unexpected character 'Đ' at position 5"),
        (
            "bc_tong_xa",
            "Formula 'bc_tong_xa' has 'bc_tong_xa' at position 1, which is not an indicator "
            "code: codes are written in capitals; did you mean 'BC_TONG_XA'?",
        ),
        (
            "sum(A)",
            "Formula 'sum(A)' has 'sum(' at position 1, an unknown function; "
            "the functions are abs, coalesce, max, min, round",
        ),
        (
            "mni(A, B)",
            "Formula 'mni(A, B)' has 'mni(' at position 1, an unknown function; "
            "the functions are abs, coalesce, max, min, round; did you mean 'min'?",
        ),
        (
            "MAX(A, B)",
            "Formula 'MAX(A, B)' has 'MAX(' at position 1; "
            "function names are written in lower case: max(",
        ),
        (
            "A(B + C)",
            "Formula 'A(B + C)' has 'A(' at position 1, but A is not a function "
            "(abs, coalesce, max, min, round); to multiply, write A * (...)",
        ),
        (
            "min(A)",
            "Formula 'min(A)' calls 'min' at position 1, "
            "but function 'min' takes at least 2 arguments, not 1",
        ),
        (
            "2 * abs(A, B)",
            "Formula '2 * abs(A, B)' calls 'abs' at position 5, "
            "but function 'abs' takes 1 argument, not 2",
        ),
        (
            "round(A, B)",
            "Formula 'round(A, B)' calls 'round' at position 1, but the second argument of "
            "round is the number of decimal places: a whole number from 0 to 15, "
            "e.g. round(A, 1)",
        ),
        (
            "min + 1",
            "Formula 'min + 1' has 'min' at position 1, a function without its arguments; "
            "write e.g. min(A, B)",
        ),
        (
            "5. * A",
            "Formula '5. * A' has a decimal point at position 2 with no digits after it; "
            "write e.g. 5.5",
        ),
    ],
)
def test_syntax_errors_say_what_and_where(text: str, expected: str) -> None:
    assert message_of(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("round(A, 16)", "from 0 to 15"),
        ("round(A, -1)", "from 0 to 15"),
        ("round(A, 1, 2)", "takes 1 or 2 arguments, not 3"),
        ("coalesce()", "at least 2 arguments, not 0"),
        ("min(A B)", "expected an operator, ',' or ')'"),
        ("()", "unexpected ')' at position 2"),
        ("A , B", "commas only separate a function's arguments"),
        ("A % B", "there is no percent sign"),
        ("A × B", "write multiplication as *"),
        ("A − B", "plain '-' sign"),
        ("X = A + B", "without '='"),
        (".5", "no digit before it; write e.g. 0.5"),
        ("9" * 400, "too large"),
        ("(" * 150 + "A" + ")" * 150, "more than 100 levels deep at position 101"),
        ("-" * 150 + "A", "more than 100 levels deep"),
        (" + ".join(["A"] * 150), "nested 150 levels deep"),
    ],
)
def test_more_syntax_errors(text: str, fragment: str) -> None:
    assert fragment in message_of(text)


def test_a_long_but_shallow_formula_is_fine() -> None:
    text = " + ".join(f"min(A{i}, B{i})" for i in range(90))
    formula = parse_formula(text)
    assert len(formula.references) == 180
    assert formula.evaluate({f"{p}{i}": i for i in range(90) for p in "AB"}) == sum(range(90))


# --- Catalogue checks -----------------------------------------------------------------


def test_check_formulas_returns_every_parsed_formula() -> None:
    parsed = check_formulas(
        {"TY_LE_XA_CO_DIEM": "100 * BC_XA_CO_DIEM / BC_TONG_XA", "GAP_DOI": "2 * TY_LE_XA_CO_DIEM"},
        ["BC_XA_CO_DIEM", "BC_TONG_XA"],
    )
    assert set(parsed) == {"TY_LE_XA_CO_DIEM", "GAP_DOI"}
    assert parsed["GAP_DOI"].references == {"TY_LE_XA_CO_DIEM"}
    assert check_formulas({}, ["A"]) == {}


def test_unknown_code_gets_a_suggestion() -> None:
    found = problems({"TY_LE": "100 * BC_XA_CO_DEIM / BC_TONG_XA"}, ["BC_XA_CO_DIEM", "BC_TONG_XA"])
    assert found == [
        (
            "TY_LE",
            "Unknown indicator code 'BC_XA_CO_DEIM' in formula; did you mean 'BC_XA_CO_DIEM'?",
        )
    ]
    assert problems({"TY_LE": "A / ZZZZZZ"}, ["A", "BC_TONG_XA"]) == [
        ("TY_LE", "Unknown indicator code 'ZZZZZZ' in formula")
    ]


def test_cycles_are_named_by_their_path() -> None:
    assert problems({"A": "B + 1", "B": "A * 2"}, []) == [
        ("A", "Derived indicators form a cycle: A → B → A")
    ]
    assert problems({"X": "Y", "Y": "Z / 2", "Z": "X + BASE"}, ["BASE"]) == [
        ("X", "Derived indicators form a cycle: X → Y → Z → X")
    ]
    assert problems({"G": "H", "H": "G + I", "I": "G"}, []) == [
        ("G", "Derived indicators form a cycle: G → H → G (also caught in it: I)")
    ]


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        check_formulas(
            {
                "TY_LE": "100 * BC_XA_CO_DEIM / BC_TONG_XA",
                "SELF": "SELF + 1",
                "BROKEN": "100 * (A / B",
                "EMPTY": " ",
                "P": "Q + BASE",
                "Q": "2 * P",
                "AFTER_CYCLE": "P + 1",  # fine once the cycle is cut, so not reported
                "FINE": "BASE / 2",
            },
            ["BC_XA_CO_DIEM", "BC_TONG_XA", "BASE", "A", "B"],
        )
    error = caught.value
    assert error.message == "5 problems in the formulas of derived indicators"
    assert [(e.field, e.message, e.value) for e in error.errors] == [
        (
            "TY_LE",
            "Unknown indicator code 'BC_XA_CO_DEIM' in formula; did you mean 'BC_XA_CO_DIEM'?",
            "100 * BC_XA_CO_DEIM / BC_TONG_XA",
        ),
        (
            "SELF",
            "The formula of SELF uses SELF itself; a derived indicator cannot be computed "
            "from its own value",
            "SELF + 1",
        ),
        (
            "BROKEN",
            "Formula '100 * (A / B' is missing a closing parenthesis at position 13, "
            "to match the '(' at position 7",
            "100 * (A / B",
        ),
        ("EMPTY", "Formula is empty; write an expression such as '100 * A / B'", " "),
        ("P", "Derived indicators form a cycle: P → Q → P", "Q + BASE"),
    ]


def test_evaluation_order_puts_dependencies_first() -> None:
    formulas = check_formulas(
        {
            "TOP": "MID_A + MID_B",
            "MID_B": "LOW / 2",
            "MID_A": "LOW * BASE",
            "LOW": "BASE + 1",
            "OTHER": "BASE",
        },
        ["BASE"],
    )
    assert evaluation_order(formulas) == ["LOW", "MID_A", "MID_B", "OTHER", "TOP"]
    assert evaluation_order({}) == []


def test_evaluation_order_refuses_a_cycle() -> None:
    formulas = {"A": parse_formula("B"), "B": parse_formula("A + 1"), "C": parse_formula("C")}
    with pytest.raises(ValidationError) as caught:
        evaluation_order(formulas)
    assert [(e.field, e.message) for e in caught.value.errors] == [
        ("A", "Derived indicators form a cycle: A → B → A"),
        ("C", "Derived indicators form a cycle: C → C"),
    ]


def test_expand_inlines_derived_indicators_down_to_base_ones() -> None:
    formulas = check_formulas(
        {"RATE": "A / B", "PCT": "100 * RATE", "GAP": "PCT - round(RATE, 2)"}, ["A", "B"]
    )
    expanded = expand("GAP", formulas)
    assert str(expanded) == "100 * (A / B) - round(A / B, 2)"
    assert expanded.references == {"A", "B"}
    values = {"A": 1.0, "B": 8.0}
    by_steps: dict[str, float | None] = dict(values)
    for code in evaluation_order(formulas):
        by_steps[code] = formulas[code].evaluate(by_steps)
    assert expanded.evaluate(values) == by_steps["GAP"]
    assert expand("A", formulas) == Formula.of(A)
    with pytest.raises(ValidationError, match="cycle: X → Y → X"):
        expand("X", {"X": parse_formula("Y"), "Y": parse_formula("X")})


# --- SQL ------------------------------------------------------------------------------


def quoted(code: str) -> str:
    return f'"{code}"'


@pytest.mark.parametrize(
    ("text", "dialect", "sql"),
    [
        (
            "100 * BC_XA_CO_DIEM / BC_TONG_XA",
            "duckdb",
            '(1.0 * (100 * "BC_XA_CO_DIEM")) / NULLIF("BC_TONG_XA", 0)',
        ),
        ("A - (B - C)", "duckdb", '"A" - ("B" - "C")'),
        ("A / B * C", "sqlite", '(1.0 * "A") / NULLIF("B", 0) * "C"'),
        ("C * (A / B)", "sqlite", '"C" * ((1.0 * "A") / NULLIF("B", 0))'),
        ("(A + B) / (C - 1)", "sqlite", '(1.0 * ("A" + "B")) / NULLIF("C" - 1, 0)'),
        ("--A", "sqlite", '-(-"A")'),
        ("A - -B", "sqlite", '"A" - -"B"'),
        ("coalesce(A, 0) + abs(B)", "postgresql", 'COALESCE("A", 0) + ABS("B")'),
        ("min(A, 2)", "sqlite", 'MIN("A", 2)'),
        ("max(A, B + 1)", "sqlite", 'MAX("A", "B" + 1)'),
        (
            "min(A, 2)",
            "duckdb",
            'CASE WHEN "A" IS NULL THEN NULL ELSE LEAST("A", 2) END',
        ),
        (
            "max(A, B + 1)",
            "postgres",
            'CASE WHEN "A" IS NULL OR ("B" + 1) IS NULL THEN NULL ELSE GREATEST("A", "B" + 1) END',
        ),
        ("max(1, 2)", "duckdb", "GREATEST(1, 2)"),
        ("round(A / B, 1)", "duckdb", 'ROUND((1.0 * "A") / NULLIF("B", 0), 1)'),
        ("round(A, 1)", "sqlite", 'ROUND("A", 1)'),
        ("round(A, 1)", "postgresql", 'ROUND(CAST("A" AS NUMERIC), 1)'),
        ("round(A)", "postgresql", 'ROUND(CAST("A" AS NUMERIC))'),
        ("0.25 * A", "duckdb", '0.25 * "A"'),
    ],
)
def test_to_sql(text: str, dialect: str, sql: str) -> None:
    assert parse_formula(text).to_sql(quoted, dialect=dialect) == sql


def test_to_sql_defaults_to_duckdb_and_refuses_unknown_dialects() -> None:
    formula = parse_formula("min(A, B)")
    assert formula.to_sql(quoted) == formula.to_sql(quoted, dialect="duckdb")
    with pytest.raises(ValueError, match="unknown SQL dialect 'oracle'"):
        formula.to_sql(quoted, dialect="oracle")


# Small exact values keep SQLite's integer arithmetic and Python's floats in step.
sql_literals = st.sampled_from([0.0, 1.0, 2.0, 3.0, 7.0, 20.0, 0.5, 2.25])
sql_inputs = st.none() | st.sampled_from([0.0, 1.0, -1.0, 0.5, 4.0, -7.25, 13.0])


def _extend_for_sql(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    # round is left out: ties after float arithmetic may round differently in SQL.
    return st.one_of(
        st.builds(Unary, children),
        st.builds(Binary, st.sampled_from(["+", "-", "*", "/"]), children, children),
        st.builds(
            lambda name, args: Call(name, tuple(args)),
            st.sampled_from(["min", "max", "coalesce"]),
            st.lists(children, min_size=2, max_size=3),
        ),
        st.builds(lambda x: Call("abs", (x,)), children),
    )


sql_exprs: st.SearchStrategy[Expr] = st.recursive(
    st.one_of(sql_literals.map(Number), st.sampled_from([A, B, C])), _extend_for_sql, max_leaves=6
)
sql_values = st.fixed_dictionaries({"A": sql_inputs, "B": sql_inputs, "C": sql_inputs})


def same(sql_result: object, python_result: float | None) -> bool:
    if python_result is None or sql_result is None:
        return sql_result is None and python_result is None
    assert isinstance(sql_result, int | float)
    return math.isclose(sql_result, python_result, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=300)
@given(sql_exprs, sql_values)
def test_sqlite_computes_what_evaluate_computes(
    expr: Expr, values: dict[str, float | None]
) -> None:
    formula = Formula.of(expr)
    with closing(sqlite3.connect(":memory:")) as db:
        [(result,)] = db.execute(
            "SELECT " + formula.to_sql(lambda code: f":{code}", dialect="sqlite"), values
        ).fetchall()
    assert same(result, formula.evaluate(values)), formula.to_sql(quoted, dialect="sqlite")


SQL_CHECKS = [
    "100 * A / B",
    "A / B / C",
    "(A + B) / (C - 1)",
    "min(A, B) - max(B, C, 2)",
    "coalesce(A / B, C, 0)",
    "round(100 * A / B, 1)",
    "round(A)",
    "abs(A - B) * -C",
    "A - -B",
]
SQL_VALUES: list[dict[str, float | None]] = [
    {"A": 7.0, "B": 2.0, "C": 3.0},
    {"A": 1.0, "B": 3.0, "C": -4.0},
    {"A": 2.5, "B": 0.0, "C": 1.0},
    {"A": None, "B": 4.0, "C": 5.0},
    {"A": 5.0, "B": None, "C": None},
    {"A": -2.5, "B": 8.0, "C": 0.0},
]


def test_duckdb_computes_what_evaluate_computes() -> None:
    duckdb = pytest.importorskip("duckdb")
    db = duckdb.connect()
    try:
        for text in SQL_CHECKS:
            formula = parse_formula(text)
            sql = formula.to_sql(lambda code: f"CAST(${code} AS DOUBLE)")
            for values in SQL_VALUES:
                used = {c: v for c, v in values.items() if c in formula.references}
                (result,) = db.execute("SELECT " + sql, used).fetchone()
                result = None if result is None else float(result)
                assert same(result, formula.evaluate(values)), (text, values, sql)
    finally:
        db.close()


@pytest.mark.postgres
def test_postgresql_computes_what_evaluate_computes(pg_base_url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(f"{pg_base_url}/postgres")
    try:
        with engine.connect() as db:
            for source in SQL_CHECKS:
                formula = parse_formula(source)
                sql = formula.to_sql(
                    lambda code: f"CAST(:{code} AS DOUBLE PRECISION)", dialect="postgresql"
                )
                for values in SQL_VALUES:
                    used = {c: v for c, v in values.items() if c in formula.references}
                    result = db.execute(text("SELECT " + sql), used).scalar()
                    result = None if result is None else float(result)
                    assert same(result, formula.evaluate(values)), (source, values, sql)
    finally:
        engine.dispose()
