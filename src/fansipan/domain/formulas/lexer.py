"""Formula text into tokens, with messages that point at the offending character."""

from __future__ import annotations

from dataclasses import dataclass

from fansipan.domain.formulas.vocabulary import CODE_CHARS, DIGITS, EXAMPLE
from fansipan.errors import msg

_NAME_CHARS = CODE_CHARS | frozenset("abcdefghijklmnopqrstuvwxyz")
_CHAR_HINTS = {
    "^": "there is no power operator; multiply instead, e.g. A * A",
    "%": f"there is no percent sign; write a percentage as {EXAMPLE}",
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


class FormulaSyntaxError(Exception):
    """Raised inside the parser; turned into a FieldError by the public functions."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "number", "name", "op", "(", ")", ",", "end"
    text: str
    pos: int  # 0-based; messages show pos + 1, as people count characters


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in DIGITS:
            j = i
            while j < n and text[j] in DIGITS:
                j += 1
            if j < n and text[j] == ".":
                if j + 1 < n and text[j + 1] in DIGITS:
                    j += 1
                    while j < n and text[j] in DIGITS:
                        j += 1
                else:
                    raise FormulaSyntaxError(
                        msg("Formula '{text}' has a decimal point at position {value} with no "
                            "digits after it; write e.g. {text2}.5", text=text, value=j + 1,
                            text2=text[i:j])
                    )
            tokens.append(Token("number", text[i:j], i))
            i = j
        elif c in _NAME_CHARS:
            j = i
            while j < n and text[j] in _NAME_CHARS:
                j += 1
            tokens.append(Token("name", text[i:j], i))
            i = j
        elif c in "+-*/":
            tokens.append(Token("op", c, i))
            i += 1
        elif c in "(),":
            tokens.append(Token(c, c, i))
            i += 1
        elif c == ".":
            raise FormulaSyntaxError(
                msg("Formula '{text}' has a decimal point at position {value} with no digit before "
                    "it; write e.g. 0.5", text=text, value=i + 1)
            )
        else:
            hint = _CHAR_HINTS.get(c)
            raise FormulaSyntaxError(
                msg("Formula '{text}' has an unexpected character '{c}' at position {value}",
                    text=text, c=c, value=i + 1)
                + (f"; {hint}" if hint else "")
            )
    tokens.append(Token("end", "", len(text.rstrip())))
    return tokens


def describe(tok: Token) -> str:
    if tok.kind == "name":
        return f"'{tok.text}'"
    if tok.kind == "number":
        return f"number {tok.text}"
    return f"'{tok.text}'"
