"""Derived indicators: a small formula language over indicator codes.

A derived indicator is a *rate of sums*: the analytics engine first aggregates every
indicator the formula refers to (over units and over time), then applies the formula
once to those totals. `100 * BC_XA_CO_DIEM / BC_TONG_XA` for a province is therefore
100 × (communes with a site, summed) / (communes, summed), never an average of the
communes' own percentages.

Grammar (whitespace is free between tokens)::

    expression := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := "-" unary | primary
    primary    := NUMBER | CODE | FUNCTION "(" expression ("," expression)* ")"
                | "(" expression ")"
    NUMBER     := [0-9]+ ("." [0-9]+)?
    CODE       := [A-Z][A-Z0-9_]*
    FUNCTION   := abs | coalesce | max | min | round

A missing input makes the result missing, except inside `coalesce`, which picks its
first non-missing argument; a division by zero is missing too, never an error.

The parser is hand-written (no `eval`, no `ast`), so a formula can never run code.
"""

from __future__ import annotations

import difflib
import heapq
import math
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import TypeAlias

from fansipan.errors import FieldError, ValidationError

# name → (fewest, most) arguments; None = no upper bound. SQLite's scalar MIN, MAX and
# COALESCE need at least two arguments (one-argument MIN/MAX is the aggregate).
FUNCTIONS: Mapping[str, tuple[int, int | None]] = {
    "abs": (1, 1),
    "coalesce": (2, None),
    "max": (2, None),
    "min": (2, None),
    "round": (1, 2),
}
# SQLite treats a negative number of places as 0, so negative rounding would disagree
# between `evaluate` and SQL; 15 is as far as a double has meaningful decimals.
MAX_ROUND_PLACES = 15
# Evaluating and printing recurse over the tree; a bound keeps them far from Python's
# recursion limit. Real formulas are a handful of levels deep.
MAX_DEPTH = 100
SQL_DIALECTS = ("duckdb", "postgresql", "sqlite")

_DIGITS = frozenset("0123456789")
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_CODE_CHARS = _UPPER | _DIGITS | {"_"}
_NAME_CHARS = _CODE_CHARS | frozenset("abcdefghijklmnopqrstuvwxyz")
_EXAMPLE = "100 * A / B"
_CHAR_HINTS = {
    "^": "there is no power operator; multiply instead, e.g. A * A",
    "%": f"there is no percent sign; write a percentage as {_EXAMPLE}",
    "×": "write multiplication as *",
    "÷": "write division as /",
    "−": "write minus as the plain '-' sign",
    "–": "write minus as the plain '-' sign",
    "=": "write only the right-hand side, without '='",
    "[": "use round parentheses ( )",
    "]": "use round parentheses ( )",
    "{": "use round parentheses ( )",
    "}": "use round parentheses ( )",
}


def is_code(text: str) -> bool:
    """Whether `text` has the shape of an indicator code: `[A-Z][A-Z0-9_]*`."""
    return bool(text) and text[0] in _UPPER and all(c in _CODE_CHARS for c in text)


def _suggest(code: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(code, list(candidates), n=1)
    return close[0] if close else None


# --- The tree -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Number:
    """A literal; never negative, since `-2` is `Unary(Number(2))` as written."""

    value: float

    def __post_init__(self) -> None:
        # An int is a float to the type checker; store a float so text and maths agree.
        object.__setattr__(self, "value", float(self.value))
        if not math.isfinite(self.value) or math.copysign(1.0, self.value) < 0:
            raise ValueError(f"a Number literal must be finite and >= 0, not {self.value!r}")


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to an indicator, by code."""

    code: str

    def __post_init__(self) -> None:
        if not is_code(self.code):
            raise ValueError(f"{self.code!r} is not an indicator code")


@dataclass(frozen=True, slots=True)
class Unary:
    """Negation, the only unary operator."""

    operand: Expr


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: Expr
    right: Expr

    def __post_init__(self) -> None:
        if self.op not in ("+", "-", "*", "/"):
            raise ValueError(f"unknown operator {self.op!r}")


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Expr, ...]

    def __post_init__(self) -> None:
        problem = _call_problem(self.name, self.args)
        if problem:
            raise ValueError(problem)


Expr: TypeAlias = Number | Ref | Unary | Binary | Call


def _call_problem(name: str, args: tuple[Expr, ...]) -> str | None:
    if name not in FUNCTIONS:
        return f"unknown function {name!r}"
    fewest, most = FUNCTIONS[name]
    if len(args) < fewest or (most is not None and len(args) > most):
        if most is None:
            wanted = f"at least {fewest} arguments"
        elif fewest == most:
            wanted = f"{fewest} argument" + ("s" if fewest != 1 else "")
        else:
            wanted = f"{fewest} or {most} arguments"
        return f"function '{name}' takes {wanted}, not {len(args)}"
    if name == "round" and len(args) == 2:
        places = args[1]
        if not (
            isinstance(places, Number)
            and places.value.is_integer()
            and places.value <= MAX_ROUND_PLACES
        ):
            return (
                "the second argument of round is the number of decimal places: "
                f"a whole number from 0 to {MAX_ROUND_PLACES}, e.g. round(A, 1)"
            )
    return None


# --- Text -----------------------------------------------------------------------------

_ADD, _MUL, _UNARY, _ATOM = 1, 2, 3, 4


def _number_text(value: float) -> str:
    if value.is_integer():
        return str(int(value))
    # repr is the shortest text that reads back as the same float; 'f' drops exponents,
    # which the grammar does not have.
    return format(Decimal(repr(value)), "f")


def _wrap(rendered: tuple[str, int], needs: bool) -> str:
    return f"({rendered[0]})" if needs else rendered[0]


def _text(expr: Expr) -> tuple[str, int]:
    """Canonical text and the precedence of its outermost operator."""
    if isinstance(expr, Number):
        return _number_text(expr.value), _ATOM
    if isinstance(expr, Ref):
        return expr.code, _ATOM
    if isinstance(expr, Unary):
        inner = _text(expr.operand)
        # `-(-A)`, not `--A`, which reads like a decrement.
        return "-" + _wrap(inner, inner[1] < _ATOM), _UNARY
    if isinstance(expr, Binary):
        prec = _ADD if expr.op in "+-" else _MUL
        left, right = _text(expr.left), _text(expr.right)
        # Left-associative: only the right side needs brackets at equal precedence.
        text = f"{_wrap(left, left[1] < prec)} {expr.op} {_wrap(right, right[1] <= prec)}"
        return text, prec
    return f"{expr.name}({', '.join(_text(a)[0] for a in expr.args)})", _ATOM


# --- Tokens and parsing ---------------------------------------------------------------


class _FormulaSyntaxError(Exception):
    """Raised inside the parser; turned into a FieldError by the public functions."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "number", "name", "op", "(", ")", ",", "end"
    text: str
    pos: int  # 0-based; messages show pos + 1, as people count characters


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in _DIGITS:
            j = i
            while j < n and text[j] in _DIGITS:
                j += 1
            if j < n and text[j] == ".":
                if j + 1 < n and text[j + 1] in _DIGITS:
                    j += 1
                    while j < n and text[j] in _DIGITS:
                        j += 1
                else:
                    raise _FormulaSyntaxError(
                        f"Formula '{text}' has a decimal point at position {j + 1} "
                        f"with no digits after it; write e.g. {text[i:j]}.5"
                    )
            tokens.append(_Token("number", text[i:j], i))
            i = j
        elif c in _NAME_CHARS:
            j = i
            while j < n and text[j] in _NAME_CHARS:
                j += 1
            tokens.append(_Token("name", text[i:j], i))
            i = j
        elif c in "+-*/":
            tokens.append(_Token("op", c, i))
            i += 1
        elif c in "(),":
            tokens.append(_Token(c, c, i))
            i += 1
        elif c == ".":
            raise _FormulaSyntaxError(
                f"Formula '{text}' has a decimal point at position {i + 1} with no digit "
                "before it; write e.g. 0.5"
            )
        else:
            hint = _CHAR_HINTS.get(c)
            raise _FormulaSyntaxError(
                f"Formula '{text}' has an unexpected character '{c}' at position {i + 1}"
                + (f"; {hint}" if hint else "")
            )
    tokens.append(_Token("end", "", len(text.rstrip())))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.nesting = 0

    def parse(self) -> Expr:
        if self._peek().kind == "end":
            raise _FormulaSyntaxError(f"Formula is empty; write an expression such as '{_EXAMPLE}'")
        expr = self._expression()
        tok = self._peek()
        if tok.kind != "end":
            raise _FormulaSyntaxError(self._trailing(tok))
        depth = _depth(expr)
        if depth > MAX_DEPTH:
            raise _FormulaSyntaxError(
                f"Formula '{self.text}' is nested {depth} levels deep, more than the "
                f"{MAX_DEPTH} allowed; split it into several derived indicators"
            )
        return expr

    def _peek(self) -> _Token:
        return self.tokens[self.i]

    def _next(self) -> _Token:
        tok = self.tokens[self.i]
        if tok.kind != "end":
            self.i += 1
        return tok

    def _at_op(self, ops: str) -> bool:
        tok = self._peek()
        return tok.kind == "op" and tok.text in ops

    def _enter(self, tok: _Token) -> None:
        # Guards the parser's own recursion, before the tree exists to be measured.
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            raise _FormulaSyntaxError(
                f"Formula '{self.text}' nests more than {MAX_DEPTH} levels deep at "
                f"position {tok.pos + 1}; split it into several derived indicators"
            )

    def _expression(self) -> Expr:
        left = self._term()
        while self._at_op("+-"):
            op = self._next().text
            left = Binary(op, left, self._term())
        return left

    def _term(self) -> Expr:
        left = self._unary()
        while self._at_op("*/"):
            op = self._next().text
            left = Binary(op, left, self._unary())
        return left

    def _unary(self) -> Expr:
        if self._at_op("-"):
            tok = self._next()
            self._enter(tok)
            operand = self._unary()
            self.nesting -= 1
            return Unary(operand)
        return self._primary()

    def _primary(self) -> Expr:
        tok = self._next()
        if tok.kind == "number":
            value = float(tok.text)
            if not math.isfinite(value):
                raise _FormulaSyntaxError(
                    f"Formula '{self.text}' has a number at position {tok.pos + 1} "
                    "that is too large"
                )
            return Number(value)
        if tok.kind == "name":
            if self._peek().kind == "(":
                return self._call(tok)
            if is_code(tok.text):
                return Ref(tok.text)
            raise _FormulaSyntaxError(self._bad_name(tok))
        if tok.kind == "(":
            self._enter(tok)
            inner = self._expression()
            self._close(tok, "an operator or ')'")
            self.nesting -= 1
            return inner
        raise _FormulaSyntaxError(self._expected_operand(tok))

    def _call(self, name: _Token) -> Expr:
        if name.text not in FUNCTIONS:
            raise _FormulaSyntaxError(self._bad_function(name))
        opening = self._next()
        self._enter(opening)
        args: list[Expr] = []
        if self._peek().kind != ")":
            args.append(self._expression())
            while self._peek().kind == ",":
                self._next()
                args.append(self._expression())
        self._close(opening, "an operator, ',' or ')'")
        self.nesting -= 1
        problem = _call_problem(name.text, tuple(args))
        if problem:
            raise _FormulaSyntaxError(
                f"Formula '{self.text}' calls '{name.text}' at position {name.pos + 1}, "
                f"but {problem}"
            )
        return Call(name.text, tuple(args))

    def _close(self, opening: _Token, expected: str) -> None:
        tok = self._next()
        if tok.kind == ")":
            return
        if tok.kind == "end":
            raise _FormulaSyntaxError(
                f"Formula '{self.text}' is missing a closing parenthesis at position "
                f"{tok.pos + 1}, to match the '(' at position {opening.pos + 1}"
            )
        raise _FormulaSyntaxError(
            f"Formula '{self.text}' has an unexpected {_describe(tok)} at position "
            f"{tok.pos + 1}; expected {expected}"
        )

    def _trailing(self, tok: _Token) -> str:
        where = f"Formula '{self.text}' has"
        if tok.kind == ")":
            return (
                f"{where} a closing parenthesis at position {tok.pos + 1} "
                "without a matching opening one"
            )
        if tok.kind == ",":
            before = self.text[tok.pos - 1 : tok.pos]
            after = self.text[tok.pos + 1 : tok.pos + 2]
            hint = (
                "; write decimals with a point, e.g. 0.5"
                if before in _DIGITS and after in _DIGITS and before and after
                else "; commas only separate a function's arguments"
            )
            return f"{where} an unexpected ',' at position {tok.pos + 1}{hint}"
        return (
            f"{where} an unexpected {_describe(tok)} at position {tok.pos + 1} after a "
            "complete expression; expected an operator (+, -, *, /) or the end"
        )

    def _expected_operand(self, tok: _Token) -> str:
        wanted = "a number, an indicator code, a function or '('"
        if tok.kind == "end":
            return (
                f"Formula '{self.text}' ends too early: expected {wanted} at position {tok.pos + 1}"
            )
        return (
            f"Formula '{self.text}' has an unexpected {_describe(tok)} at position "
            f"{tok.pos + 1}; expected {wanted}"
        )

    def _bad_name(self, tok: _Token) -> str:
        where = f"Formula '{self.text}' has '{tok.text}' at position {tok.pos + 1}"
        if tok.text in FUNCTIONS:
            return f"{where}, a function without its arguments; write e.g. {tok.text}(A, B)"
        upper = tok.text.upper()
        if is_code(upper):
            return (
                f"{where}, which is not an indicator code: codes are written in capitals; "
                f"did you mean '{upper}'?"
            )
        return f"{where}, which is not an indicator code: codes start with a capital letter"

    def _bad_function(self, tok: _Token) -> str:
        known = ", ".join(sorted(FUNCTIONS))
        where = f"Formula '{self.text}' has '{tok.text}(' at position {tok.pos + 1}"
        if tok.text.lower() in FUNCTIONS:
            return f"{where}; function names are written in lower case: {tok.text.lower()}("
        if is_code(tok.text):
            return (
                f"{where}, but {tok.text} is not a function ({known}); "
                f"to multiply, write {tok.text} * (...)"
            )
        close = _suggest(tok.text, sorted(FUNCTIONS))
        suggestion = f"; did you mean '{close}'?" if close else ""
        return f"{where}, an unknown function; the functions are {known}{suggestion}"


def _describe(tok: _Token) -> str:
    if tok.kind == "name":
        return f"'{tok.text}'"
    if tok.kind == "number":
        return f"number {tok.text}"
    return f"'{tok.text}'"


def _children(expr: Expr) -> tuple[Expr, ...]:
    if isinstance(expr, Unary):
        return (expr.operand,)
    if isinstance(expr, Binary):
        return (expr.left, expr.right)
    if isinstance(expr, Call):
        return expr.args
    return ()


def _depth(expr: Expr) -> int:
    # Iterative, because a long chain `A + B + ... + Z` is as deep as it is long.
    deepest = 0
    stack = [(expr, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in _children(node))
    return deepest


def _references_in_order(expr: Expr) -> list[str]:
    """Codes in the order they are written, each once."""
    seen: dict[str, None] = {}
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Ref):
            seen.setdefault(node.code, None)
        stack.extend(reversed(_children(node)))
    return list(seen)


# --- Evaluation -----------------------------------------------------------------------

_ROUNDING = Context(prec=400)  # enough digits for any double at 15 decimal places


def _round_half_away(value: float, places: int) -> float:
    # As SQLite and DuckDB do, and as people expect: 2.5 → 3, 0.125 → 0.13 (the float's
    # shortest decimal text is rounded, not its binary approximation; Python's round()
    # would give 2 and 0.12).
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, ROUND_HALF_UP, context=_ROUNDING))


def _evaluate(expr: Expr, values: Mapping[str, float | None]) -> float | None:
    if isinstance(expr, Number):
        return expr.value
    if isinstance(expr, Ref):
        raw = values.get(expr.code)
        if raw is None or not math.isfinite(raw):
            return None
        return float(raw)
    if isinstance(expr, Unary):
        inner = _evaluate(expr.operand, values)
        return None if inner is None else -inner
    if isinstance(expr, Binary):
        left = _evaluate(expr.left, values)
        right = _evaluate(expr.right, values)
        if left is None or right is None:
            return None
        if expr.op == "+":
            result = left + right
        elif expr.op == "-":
            result = left - right
        elif expr.op == "*":
            result = left * right
        elif right == 0:
            return None
        else:
            result = left / right
        return result if math.isfinite(result) else None
    if expr.name == "coalesce":
        for arg in expr.args:
            found = _evaluate(arg, values)
            if found is not None:
                return found
        return None
    args = [_evaluate(a, values) for a in expr.args]
    present = [a for a in args if a is not None]
    if len(present) < len(args):
        return None
    if expr.name == "min":
        return min(present)
    if expr.name == "max":
        return max(present)
    if expr.name == "abs":
        return abs(present[0])
    places = int(present[1]) if len(present) == 2 else 0
    return _round_half_away(present[0], places)


# --- SQL ------------------------------------------------------------------------------


def _sql(expr: Expr, column: Callable[[str], str], dialect: str) -> tuple[str, int]:
    if isinstance(expr, Number):
        return _number_text(expr.value), _ATOM
    if isinstance(expr, Ref):
        return column(expr.code), _ATOM
    if isinstance(expr, Unary):
        inner = _sql(expr.operand, column, dialect)
        # Brackets also keep two minus signs apart: `--` starts an SQL comment.
        bare = isinstance(expr.operand, Number | Ref | Call)
        return "-" + _wrap(inner, not bare), _UNARY
    if isinstance(expr, Binary):
        left = _sql(expr.left, column, dialect)
        right = _sql(expr.right, column, dialect)
        if expr.op == "/":
            # 1.0 * makes integer sums divide as decimals everywhere (SQLite and
            # PostgreSQL truncate 7 / 2 to 3); NULLIF turns x / 0 into NULL, as evaluate.
            numerator = _wrap(left, left[1] <= _MUL)
            return f"(1.0 * {numerator}) / NULLIF({right[0]}, 0)", _MUL
        prec = _ADD if expr.op in "+-" else _MUL
        text = f"{_wrap(left, left[1] < prec)} {expr.op} {_wrap(right, right[1] <= prec)}"
        return text, prec
    rendered = [_sql(a, column, dialect) for a in expr.args]
    args = [text for text, _ in rendered]
    joined = ", ".join(args)
    if expr.name == "coalesce":
        return f"COALESCE({joined})", _ATOM
    if expr.name == "abs":
        return f"ABS({joined})", _ATOM
    if expr.name == "round":
        if dialect == "postgresql":
            # PostgreSQL has ROUND(numeric, int) only, and ROUND(double) rounds half
            # to even; NUMERIC rounds half away from zero, as evaluate does.
            rest = f", {args[1]}" if len(args) == 2 else ""
            return f"ROUND(CAST({args[0]} AS NUMERIC){rest})", _ATOM
        return f"ROUND({joined})", _ATOM
    if dialect == "sqlite":
        # SQLite's scalar MIN/MAX already give NULL when any argument is NULL.
        return f"{expr.name.upper()}({joined})", _ATOM
    # LEAST/GREATEST skip NULLs in DuckDB and PostgreSQL; evaluate does not, so guard.
    function = "LEAST" if expr.name == "min" else "GREATEST"
    nullable = [
        _wrap(r, r[1] < _ATOM)
        for a, r in zip(expr.args, rendered, strict=True)
        if not isinstance(a, Number)
    ]
    if not nullable:
        return f"{function}({joined})", _ATOM
    tests = " OR ".join(f"{n} IS NULL" for n in nullable)
    return f"CASE WHEN {tests} THEN NULL ELSE {function}({joined}) END", _ATOM


def _normalize_dialect(dialect: str) -> str:
    name = dialect.lower()
    if name == "postgres":
        name = "postgresql"
    if name not in SQL_DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}; use one of {', '.join(SQL_DIALECTS)}")
    return name


# --- Formula --------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A parsed formula: from `parse_formula`, or `Formula.of` for a tree built in code.

    Two formulas are equal when their trees are, whatever the spacing of their text.
    """

    text: str = field(compare=False)
    expr: Expr
    references: frozenset[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "references", frozenset(_references_in_order(self.expr)))

    @classmethod
    def of(cls, expr: Expr) -> Formula:
        """A formula built in code, with its canonical text."""
        return cls(_text(expr)[0], expr)

    def __str__(self) -> str:
        return _text(self.expr)[0]

    def references_in_order(self) -> list[str]:
        """The referenced codes as written, left to right, each once."""
        return _references_in_order(self.expr)

    def evaluate(self, values: Mapping[str, float | None]) -> float | None:
        """The value from the (already aggregated) values of the referenced indicators.

        An absent, None, NaN or infinite input is missing and makes the result None,
        except inside `coalesce`; so do a division by zero and an overflow.
        """
        return _evaluate(self.expr, values)

    def to_sql(self, column: Callable[[str], str], dialect: str = "duckdb") -> str:
        """An SQL expression computing the same value as `evaluate`, NULL for None.

        `column(code)` must return a self-contained SQL expression for the aggregated
        value of that indicator (a quoted column, `SUM(...)`, a scalar subquery); it may
        be repeated in the output. The caller picks the dialect of the database it
        runs on: "duckdb" (the default), "postgresql" (or "postgres") or "sqlite".
        They differ in min/max (LEAST/GREATEST, guarded so a NULL argument gives NULL,
        versus SQLite's scalar MIN/MAX) and in round (PostgreSQL casts to NUMERIC).
        """
        return _sql(self.expr, column, _normalize_dialect(dialect))[0]


def parse_formula(text: str) -> Formula:
    """Parse `text`, or raise a ValidationError saying what is wrong and where."""
    try:
        return Formula(text, _Parser(text).parse())
    except _FormulaSyntaxError as problem:
        raise ValidationError(
            "The formula cannot be used",
            [FieldError(field="formula", message=problem.message, value=text)],
        ) from None


# --- Catalogue checks -----------------------------------------------------------------


def _cycles(graph: Mapping[str, Collection[str]]) -> list[tuple[list[str], list[str]]]:
    """Each knot of mutually dependent codes: (one cycle through it, everything in it).

    `graph[code]` is what `code` uses. Codes that merely depend on a knot are left out:
    they will be fine once the knot is cut.
    """
    stuck = _stuck(graph)
    reach: dict[str, set[str]] = {}
    for start in stuck:
        seen: set[str] = set()
        queue = deque(d for d in graph[start] if d in stuck)
        while queue:
            node = queue.popleft()
            if node not in seen:
                seen.add(node)
                queue.extend(d for d in graph[node] if d in stuck)
        reach[start] = seen
    knots: list[tuple[list[str], list[str]]] = []
    placed: set[str] = set()
    for start in sorted(stuck):
        if start in placed or start not in reach[start]:
            continue
        members = sorted(n for n in reach[start] if start in reach[n])
        placed.update(members)
        knots.append((_shortest_cycle(graph, start, set(members)), members))
    return knots


def _stuck(graph: Mapping[str, Collection[str]]) -> set[str]:
    """The codes that a topological sort cannot place: in or behind a cycle."""
    placed = set(_topological_order(graph))
    return set(graph) - placed


def _shortest_cycle(
    graph: Mapping[str, Collection[str]], start: str, within: set[str]
) -> list[str]:
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for dep in sorted(graph[node]):
            if dep == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if dep in within and dep not in previous:
                previous[dep] = node
                queue.append(dep)
    raise AssertionError("a knot has a cycle through each of its members")


def _topological_order(graph: Mapping[str, Collection[str]]) -> list[str]:
    """Codes of `graph` so that each comes after the codes it uses; cycles are left out.

    Edges to codes outside `graph` (base indicators) are ignored. Among codes that are
    ready together the alphabetically first goes first, so the order is stable.
    """
    waiting = {code: {d for d in deps if d in graph} for code, deps in graph.items()}
    users: dict[str, list[str]] = {code: [] for code in graph}
    for code, deps in waiting.items():
        for dep in deps:
            users[dep].append(code)
    ready = [code for code, deps in waiting.items() if not deps]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        code = heapq.heappop(ready)
        order.append(code)
        for user in users[code]:
            waiting[user].discard(code)
            if not waiting[user]:
                heapq.heappush(ready, user)
    return order


def _cycle_message(cycle: list[str], members: list[str]) -> str:
    text = "Derived indicators form a cycle: " + " → ".join(cycle)
    others = [m for m in members if m not in cycle]
    if others:
        text += f" (also caught in it: {', '.join(others)})"
    return text


def _cycle_errors(
    graph: Mapping[str, Collection[str]], texts: Mapping[str, str]
) -> list[FieldError]:
    return [
        FieldError(field=cycle[0], message=_cycle_message(cycle, members), value=texts[cycle[0]])
        for cycle, members in _cycles(graph)
    ]


def check_formulas(formulas: Mapping[str, str], known_codes: Collection[str]) -> dict[str, Formula]:
    """Parse and cross-check every derived indicator's formula, keyed by its code.

    Reports every problem at once, as one ValidationError with a FieldError per problem
    (field = the derived indicator's code): bad syntax, unknown codes (with a suggestion),
    a formula using its own code, and cycles through other derived indicators. The codes
    of the derived indicators themselves count as known.
    """
    known = set(known_codes) | set(formulas)
    candidates = sorted(known)
    errors: list[FieldError] = []
    parsed: dict[str, Formula] = {}
    for code, text in formulas.items():
        try:
            formula = parse_formula(text)
        except ValidationError as error:
            errors.extend(
                FieldError(field=code, message=e.message, value=text) for e in error.errors
            )
            continue
        parsed[code] = formula
        for ref in formula.references_in_order():
            if ref == code:
                errors.append(
                    FieldError(
                        field=code,
                        message=f"The formula of {code} uses {code} itself; a derived indicator "
                        "cannot be computed from its own value",
                        value=text,
                    )
                )
            elif ref not in known:
                close = _suggest(ref, candidates)
                hint = f"; did you mean '{close}'?" if close else ""
                errors.append(
                    FieldError(
                        field=code,
                        message=f"Unknown indicator code '{ref}' in formula{hint}",
                        value=text,
                    )
                )
    # Self references are reported above; leaving them out keeps them from also
    # showing up as one-member cycles.
    graph = {c: f.references & parsed.keys() - {c} for c, f in parsed.items()}
    errors.extend(_cycle_errors(graph, formulas))
    if errors:
        count = len(errors)
        raise ValidationError(
            f"{count} problem{'s' if count != 1 else ''} in the formulas of derived indicators",
            errors,
        )
    return parsed


def _graph(formulas: Mapping[str, Formula]) -> dict[str, frozenset[str]]:
    return {c: f.references & formulas.keys() for c, f in formulas.items()}


def evaluation_order(formulas: Mapping[str, Formula]) -> list[str]:
    """The derived codes, each after the derived codes its formula uses.

    Codes ready at the same time come alphabetically, so the order is stable. Raises a
    ValidationError naming the cycle if there is one (check_formulas reports it first).
    """
    graph = _graph(formulas)
    order = _topological_order(graph)
    if len(order) < len(graph):
        texts = {c: f.text for c, f in formulas.items()}
        errors = _cycle_errors(graph, texts)
        raise ValidationError("The derived indicators cannot be ordered", errors)
    return order


def _substitute(expr: Expr, inline: Mapping[str, Expr]) -> Expr:
    if isinstance(expr, Ref):
        return inline.get(expr.code, expr)
    if isinstance(expr, Unary):
        return Unary(_substitute(expr.operand, inline))
    if isinstance(expr, Binary):
        return Binary(expr.op, _substitute(expr.left, inline), _substitute(expr.right, inline))
    if isinstance(expr, Call):
        return Call(expr.name, tuple(_substitute(a, inline) for a in expr.args))
    return expr


def expand(code: str, formulas: Mapping[str, Formula]) -> Formula:
    """`code`'s formula over base indicators only, derived references inlined.

    Inlining keeps the rate-of-sums meaning: the inner formula is applied to the same
    aggregated inputs the engine would have used for it. A base code gives `Ref(code)`,
    so the engine can treat every indicator alike. Raises a ValidationError on a cycle.
    """
    if code not in formulas:
        return Formula.of(Ref(code))
    needed: dict[str, Formula] = {}
    queue = deque([code])
    while queue:
        current = queue.popleft()
        if current not in needed:
            needed[current] = formulas[current]
            queue.extend(r for r in formulas[current].references if r in formulas)
    inline: dict[str, Expr] = {}
    for derived in evaluation_order(needed):
        inline[derived] = _substitute(needed[derived].expr, inline)
    return Formula.of(inline[code])
