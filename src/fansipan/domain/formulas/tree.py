"""The syntax tree of a formula, and the walks over it that need no evaluation."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeAlias

from fansipan.domain.formulas.vocabulary import FUNCTIONS, MAX_ROUND_PLACES, is_code


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
        problem = call_problem(self.name, self.args)
        if problem:
            raise ValueError(problem)


Expr: TypeAlias = Number | Ref | Unary | Binary | Call


def call_problem(name: str, args: tuple[Expr, ...]) -> str | None:
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


def children(expr: Expr) -> tuple[Expr, ...]:
    if isinstance(expr, Unary):
        return (expr.operand,)
    if isinstance(expr, Binary):
        return (expr.left, expr.right)
    if isinstance(expr, Call):
        return expr.args
    return ()


def depth_of(expr: Expr) -> int:
    # Iterative, because a long chain `A + B + ... + Z` is as deep as it is long.
    deepest = 0
    stack = [(expr, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children(node))
    return deepest


def ordered_references(expr: Expr) -> list[str]:
    """Codes in the order they are written, each once."""
    seen: dict[str, None] = {}
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Ref):
            seen.setdefault(node.code, None)
        stack.extend(reversed(children(node)))
    return list(seen)
