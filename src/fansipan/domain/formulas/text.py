"""The canonical text of a formula: the fewest brackets that keep its meaning."""

from __future__ import annotations

from decimal import Decimal

from fansipan.domain.formulas.tree import Binary, Expr, Number, Ref, Unary

# Precedence, loosest to tightest; the SQL text brackets by the same levels.
ADD, MUL, UNARY, ATOM = 1, 2, 3, 4


def number_text(value: float) -> str:
    if value.is_integer():
        return str(int(value))
    # repr is the shortest text that reads back as the same float; 'f' drops exponents,
    # which the grammar does not have.
    return format(Decimal(repr(value)), "f")


def wrap(rendered: tuple[str, int], needs: bool) -> str:
    return f"({rendered[0]})" if needs else rendered[0]


def canonical_text(expr: Expr) -> tuple[str, int]:
    """Canonical text and the precedence of its outermost operator."""
    if isinstance(expr, Number):
        return number_text(expr.value), ATOM
    if isinstance(expr, Ref):
        return expr.code, ATOM
    if isinstance(expr, Unary):
        inner = canonical_text(expr.operand)
        # `-(-A)`, not `--A`, which reads like a decrement.
        return "-" + wrap(inner, inner[1] < ATOM), UNARY
    if isinstance(expr, Binary):
        prec = ADD if expr.op in "+-" else MUL
        left, right = canonical_text(expr.left), canonical_text(expr.right)
        # Left-associative: only the right side needs brackets at equal precedence.
        text = f"{wrap(left, left[1] < prec)} {expr.op} {wrap(right, right[1] <= prec)}"
        return text, prec
    return f"{expr.name}({', '.join(canonical_text(a)[0] for a in expr.args)})", ATOM
