"""A formula as an SQL expression computing what `evaluate` computes, in each dialect."""

from __future__ import annotations

from collections.abc import Callable

from fansipan.domain.formulas.text import ADD, ATOM, MUL, UNARY, number_text, wrap
from fansipan.domain.formulas.tree import Binary, Call, Expr, Number, Ref, Unary

SQL_DIALECTS = ("duckdb", "postgresql", "sqlite")


def sql_of(expr: Expr, column: Callable[[str], str], dialect: str) -> tuple[str, int]:
    if isinstance(expr, Number):
        return number_text(expr.value), ATOM
    if isinstance(expr, Ref):
        return column(expr.code), ATOM
    if isinstance(expr, Unary):
        inner = sql_of(expr.operand, column, dialect)
        # Brackets also keep two minus signs apart: `--` starts an SQL comment.
        bare = isinstance(expr.operand, Number | Ref | Call)
        return "-" + wrap(inner, not bare), UNARY
    if isinstance(expr, Binary):
        left = sql_of(expr.left, column, dialect)
        right = sql_of(expr.right, column, dialect)
        if expr.op == "/":
            # 1.0 * makes integer sums divide as decimals everywhere (SQLite and
            # PostgreSQL truncate 7 / 2 to 3); NULLIF turns x / 0 into NULL, as evaluate.
            numerator = wrap(left, left[1] <= MUL)
            return f"(1.0 * {numerator}) / NULLIF({right[0]}, 0)", MUL
        prec = ADD if expr.op in "+-" else MUL
        text = f"{wrap(left, left[1] < prec)} {expr.op} {wrap(right, right[1] <= prec)}"
        return text, prec
    rendered = [sql_of(a, column, dialect) for a in expr.args]
    args = [text for text, _ in rendered]
    joined = ", ".join(args)
    if expr.name == "coalesce":
        return f"COALESCE({joined})", ATOM
    if expr.name == "abs":
        return f"ABS({joined})", ATOM
    if expr.name == "round":
        if dialect == "postgresql":
            # PostgreSQL has ROUND(numeric, int) only, and ROUND(double) rounds half
            # to even; NUMERIC rounds half away from zero, as evaluate does.
            rest = f", {args[1]}" if len(args) == 2 else ""
            return f"ROUND(CAST({args[0]} AS NUMERIC){rest})", ATOM
        return f"ROUND({joined})", ATOM
    if dialect == "sqlite":
        # SQLite's scalar MIN/MAX already give NULL when any argument is NULL.
        return f"{expr.name.upper()}({joined})", ATOM
    # LEAST/GREATEST skip NULLs in DuckDB and PostgreSQL; evaluate does not, so guard.
    function = "LEAST" if expr.name == "min" else "GREATEST"
    nullable = [
        wrap(r, r[1] < ATOM)
        for a, r in zip(expr.args, rendered, strict=True)
        if not isinstance(a, Number)
    ]
    if not nullable:
        return f"{function}({joined})", ATOM
    tests = " OR ".join(f"{n} IS NULL" for n in nullable)
    return f"CASE WHEN {tests} THEN NULL ELSE {function}({joined}) END", ATOM


def normalize_dialect(dialect: str) -> str:
    name = dialect.lower()
    if name == "postgres":
        name = "postgresql"
    if name not in SQL_DIALECTS:
        raise ValueError(f"unknown SQL dialect {dialect!r}; use one of {', '.join(SQL_DIALECTS)}")
    return name
