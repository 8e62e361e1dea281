"""The parsed formula: its tree, the codes it uses, its text, its value and its SQL."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from fansipan.domain.formulas.evaluation import value_of
from fansipan.domain.formulas.sql import normalize_dialect, sql_of
from fansipan.domain.formulas.text import canonical_text
from fansipan.domain.formulas.tree import Expr, ordered_references


@dataclass(frozen=True)
class Formula:
    """A parsed formula: from `parse_formula`, or `Formula.of` for a tree built in code.

    Two formulas are equal when their trees are, whatever the spacing of their text.
    """

    text: str = field(compare=False)
    expr: Expr
    references: frozenset[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "references", frozenset(ordered_references(self.expr)))

    @classmethod
    def of(cls, expr: Expr) -> Formula:
        """A formula built in code, with its canonical text."""
        return cls(canonical_text(expr)[0], expr)

    def __str__(self) -> str:
        return canonical_text(self.expr)[0]

    def references_in_order(self) -> list[str]:
        """The referenced codes as written, left to right, each once."""
        return ordered_references(self.expr)

    def evaluate(self, values: Mapping[str, float | None]) -> float | None:
        """The value from the (already aggregated) values of the referenced indicators.

        An absent, None, NaN or infinite input is missing and makes the result None,
        except inside `coalesce`; so do a division by zero and an overflow.
        """
        return value_of(self.expr, values)

    def to_sql(self, column: Callable[[str], str], dialect: str = "duckdb") -> str:
        """An SQL expression computing the same value as `evaluate`, NULL for None.

        `column(code)` must return a self-contained SQL expression for the aggregated
        value of that indicator (a quoted column, `SUM(...)`, a scalar subquery); it may
        be repeated in the output. The caller picks the dialect of the database it
        runs on: "duckdb" (the default), "postgresql" (or "postgres") or "sqlite".
        They differ in min/max (LEAST/GREATEST, guarded so a NULL argument gives NULL,
        versus SQLite's scalar MIN/MAX) and in round (PostgreSQL casts to NUMERIC).
        """
        return sql_of(self.expr, column, normalize_dialect(dialect))[0]
