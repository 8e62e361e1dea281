"""The value of a formula from the aggregated values of the indicators it uses."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Context, Decimal

from fansipan.domain.formulas.tree import Binary, Expr, Number, Ref, Unary

_ROUNDING = Context(prec=400)  # enough digits for any double at 15 decimal places


def _round_half_away(value: float, places: int) -> float:
    # As SQLite and DuckDB do, and as people expect: 2.5 → 3, 0.125 → 0.13 (the float's
    # shortest decimal text is rounded, not its binary approximation; Python's round()
    # would give 2 and 0.12).
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, ROUND_HALF_UP, context=_ROUNDING))


def value_of(expr: Expr, values: Mapping[str, float | None]) -> float | None:
    if isinstance(expr, Number):
        return expr.value
    if isinstance(expr, Ref):
        raw = values.get(expr.code)
        if raw is None or not math.isfinite(raw):
            return None
        return float(raw)
    if isinstance(expr, Unary):
        inner = value_of(expr.operand, values)
        return None if inner is None else -inner
    if isinstance(expr, Binary):
        left = value_of(expr.left, values)
        right = value_of(expr.right, values)
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
            found = value_of(arg, values)
            if found is not None:
                return found
        return None
    args = [value_of(a, values) for a in expr.args]
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
