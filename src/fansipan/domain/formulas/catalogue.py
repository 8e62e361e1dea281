"""Formulas across the catalogue: cross-checked, put in order, expanded to base codes."""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Mapping

from fansipan.domain.formulas.formula import Formula
from fansipan.domain.formulas.graph import cycles, topological_order
from fansipan.domain.formulas.parser import parse_formula
from fansipan.domain.formulas.tree import Binary, Call, Expr, Ref, Unary
from fansipan.domain.formulas.vocabulary import suggest
from fansipan.errors import FieldError, ValidationError, msg


def _cycle_message(cycle: list[str], members: list[str]) -> str:
    path = " → ".join(cycle)
    others = [m for m in members if m not in cycle]
    if others:
        return msg("Derived indicators form a cycle: {path} (also caught in it: {others})",
                   path=path, others=", ".join(others))
    return msg("Derived indicators form a cycle: {path}", path=path)


def _cycle_errors(
    graph: Mapping[str, Collection[str]], texts: Mapping[str, str]
) -> list[FieldError]:
    return [
        FieldError(field=cycle[0], message=_cycle_message(cycle, members), value=texts[cycle[0]])
        for cycle, members in cycles(graph)
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
                        message=msg("The formula of {code} uses {code2} itself; a derived "
                                    "indicator cannot be computed from its own value", code=code,
                                    code2=code),
                        value=text,
                    )
                )
            elif ref not in known:
                close = suggest(ref, candidates)
                errors.append(
                    FieldError(
                        field=code,
                        message=msg("Unknown indicator code '{ref}' in formula; did you mean "
                                    "'{close}'?", ref=ref, close=close) if close else
                        msg("Unknown indicator code '{ref}' in formula", ref=ref),
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
            msg("{count} problems in the formulas of derived indicators", count=count)
            if count != 1 else msg("1 problem in the formulas of derived indicators"),
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
    order = topological_order(graph)
    if len(order) < len(graph):
        texts = {c: f.text for c, f in formulas.items()}
        errors = _cycle_errors(graph, texts)
        raise ValidationError(msg("The derived indicators cannot be ordered"), errors)
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
