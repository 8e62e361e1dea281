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

The package has one idea a module: `vocabulary` (functions, code shape, limits), `tree`
(the syntax tree), `lexer` and `parser` (text to tree), `text` (the canonical text),
`evaluation` (the value), `sql` (the same value in SQL), `formula` (the parsed formula),
`graph` and `catalogue` (formulas across the catalogue: checks, order, expansion).

The parser is hand-written (no `eval`, no `ast`), so a formula can never run code.
"""

from fansipan.domain.formulas.catalogue import check_formulas, evaluation_order, expand
from fansipan.domain.formulas.formula import Formula
from fansipan.domain.formulas.parser import parse_formula
from fansipan.domain.formulas.sql import SQL_DIALECTS
from fansipan.domain.formulas.tree import Binary, Call, Expr, Number, Ref, Unary
from fansipan.domain.formulas.vocabulary import FUNCTIONS, MAX_DEPTH, MAX_ROUND_PLACES, is_code

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_ROUND_PLACES",
    "SQL_DIALECTS",
    "Binary",
    "Call",
    "Expr",
    "Formula",
    "Number",
    "Ref",
    "Unary",
    "check_formulas",
    "evaluation_order",
    "expand",
    "is_code",
    "parse_formula",
]
