"""Tokens into a tree: a recursive-descent parser that explains every refusal."""

from __future__ import annotations

import math

from fansipan.domain.formulas.formula import Formula
from fansipan.domain.formulas.lexer import FormulaSyntaxError, Token, describe, tokenize
from fansipan.domain.formulas.tree import (
    Binary,
    Call,
    Expr,
    Number,
    Ref,
    Unary,
    call_problem,
    depth_of,
)
from fansipan.domain.formulas.vocabulary import (
    DIGITS,
    EXAMPLE,
    FUNCTIONS,
    MAX_DEPTH,
    is_code,
    suggest,
)
from fansipan.errors import FieldError, ValidationError, msg


class Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.nesting = 0

    def parse(self) -> Expr:
        if self._peek().kind == "end":
            raise FormulaSyntaxError(msg(
                "Formula is empty; write an expression such as '{example}'", example=EXAMPLE))
        expr = self._expression()
        tok = self._peek()
        if tok.kind != "end":
            raise FormulaSyntaxError(self._trailing(tok))
        depth = depth_of(expr)
        if depth > MAX_DEPTH:
            raise FormulaSyntaxError(
                msg("Formula '{text}' is nested {depth} levels deep, more than the {most} "
                    "allowed; split it into several derived indicators", text=self.text,
                    depth=depth, most=MAX_DEPTH)
            )
        return expr

    def _peek(self) -> Token:
        return self.tokens[self.i]

    def _next(self) -> Token:
        tok = self.tokens[self.i]
        if tok.kind != "end":
            self.i += 1
        return tok

    def _at_op(self, ops: str) -> bool:
        tok = self._peek()
        return tok.kind == "op" and tok.text in ops

    def _enter(self, tok: Token) -> None:
        # Guards the parser's own recursion, before the tree exists to be measured.
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            raise FormulaSyntaxError(
                msg("Formula '{text}' nests more than {most} levels deep at position {value}; "
                    "split it into several derived indicators", text=self.text, most=MAX_DEPTH,
                    value=tok.pos + 1)
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
                raise FormulaSyntaxError(
                    msg("Formula '{text}' has a number at position {value} that is too large",
                        text=self.text, value=tok.pos + 1)
                )
            return Number(value)
        if tok.kind == "name":
            if self._peek().kind == "(":
                return self._call(tok)
            if is_code(tok.text):
                return Ref(tok.text)
            raise FormulaSyntaxError(self._bad_name(tok))
        if tok.kind == "(":
            self._enter(tok)
            inner = self._expression()
            self._close(tok, "an operator or ')'")
            self.nesting -= 1
            return inner
        raise FormulaSyntaxError(self._expected_operand(tok))

    def _call(self, name: Token) -> Expr:
        if name.text not in FUNCTIONS:
            raise FormulaSyntaxError(self._bad_function(name))
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
        problem = call_problem(name.text, tuple(args))
        if problem:
            raise FormulaSyntaxError(
                msg("Formula '{text}' calls '{text2}' at position {value}, but {problem}",
                    text=self.text, text2=name.text, value=name.pos + 1, problem=problem)
            )
        return Call(name.text, tuple(args))

    def _close(self, opening: Token, expected: str) -> None:
        tok = self._next()
        if tok.kind == ")":
            return
        if tok.kind == "end":
            raise FormulaSyntaxError(
                msg("Formula '{text}' is missing a closing parenthesis at position {value}, to "
                    "match the '(' at position {value2}", text=self.text, value=tok.pos + 1,
                    value2=opening.pos + 1)
            )
        raise FormulaSyntaxError(
            msg("Formula '{text}' has an unexpected {describe} at position {value}; expected "
                "{expected}", text=self.text, describe=describe(tok), value=tok.pos + 1,
                expected=expected)
        )

    def _trailing(self, tok: Token) -> str:
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
                if before in DIGITS and after in DIGITS and before and after
                else "; commas only separate a function's arguments"
            )
            return f"{where} an unexpected ',' at position {tok.pos + 1}{hint}"
        return (
            f"{where} an unexpected {describe(tok)} at position {tok.pos + 1} after a "
            "complete expression; expected an operator (+, -, *, /) or the end"
        )

    def _expected_operand(self, tok: Token) -> str:
        wanted = "a number, an indicator code, a function or '('"
        if tok.kind == "end":
            return (
                f"Formula '{self.text}' ends too early: expected {wanted} at position {tok.pos + 1}"
            )
        return (
            f"Formula '{self.text}' has an unexpected {describe(tok)} at position "
            f"{tok.pos + 1}; expected {wanted}"
        )

    def _bad_name(self, tok: Token) -> str:
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

    def _bad_function(self, tok: Token) -> str:
        known = ", ".join(sorted(FUNCTIONS))
        where = f"Formula '{self.text}' has '{tok.text}(' at position {tok.pos + 1}"
        if tok.text.lower() in FUNCTIONS:
            return f"{where}; function names are written in lower case: {tok.text.lower()}("
        if is_code(tok.text):
            return (
                f"{where}, but {tok.text} is not a function ({known}); "
                f"to multiply, write {tok.text} * (...)"
            )
        close = suggest(tok.text, sorted(FUNCTIONS))
        suggestion = f"; did you mean '{close}'?" if close else ""
        return f"{where}, an unknown function; the functions are {known}{suggestion}"


def parse_formula(text: str) -> Formula:
    """Parse `text`, or raise a ValidationError saying what is wrong and where."""
    try:
        return Formula(text, Parser(text).parse())
    except FormulaSyntaxError as problem:
        raise ValidationError(
            msg("The formula cannot be used"),
            [FieldError(field="formula", message=problem.message, value=text)],
        ) from None
