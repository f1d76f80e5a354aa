"""Python source as a normalised token stream: what a disguise cannot change.

Renaming a variable, reformatting a literal, adding comments or blank lines changes the
text but not this stream: every identifier becomes ``V`` (except attribute names and
builtins, which a renamer cannot change without changing the program), every number ``N``,
every string ``S``; comments, blank lines and indentation tokens are dropped. Each token
keeps the line it starts on, so matches can be shown in the original file.
"""

from __future__ import annotations

import builtins
import io
import keyword
import tokenize
from dataclasses import dataclass

_BUILTINS = frozenset(dir(builtins))
_DROPPED = {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING, tokenize.ENDMARKER}


@dataclass(frozen=True)
class Token:
    text: str  # the normalised token
    line: int  # 1-based line where it starts in the original source


def code_tokens(source: str) -> list[Token]:
    """The normalised tokens of ``source``; a file that stops tokenizing (a syntax error, an
    unclosed bracket) keeps the tokens read up to that point."""
    tokens: list[Token] = []
    previous = ""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            text = _normal(tok, previous)
            if text is not None:
                tokens.append(Token(text, tok.start[0]))
                previous = tok.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return _without_docstrings(tokens)


def _normal(tok: tokenize.TokenInfo, previous: str) -> str | None:
    if tok.type in _DROPPED:
        return None
    if tok.type == tokenize.NAME:
        if keyword.iskeyword(tok.string) or tok.string in _BUILTINS or previous == ".":
            return tok.string
        return "V"
    if tok.type == tokenize.NUMBER:
        return "N"
    if tok.type == tokenize.STRING:
        return "S"
    if tok.type == tokenize.NEWLINE:
        return ";"
    return tok.string


def _without_docstrings(tokens: list[Token]) -> list[Token]:
    """Drop statements that are a lone string (docstrings): added prose is a comment."""
    kept: list[Token] = []
    for i, token in enumerate(tokens):
        lone_string = token.text == "S" and (i == 0 or tokens[i - 1].text in (";", ":"))
        if lone_string and i + 1 < len(tokens) and tokens[i + 1].text == ";":
            continue
        if token.text == ";" and kept and kept[-1].text == ";":
            continue
        kept.append(token)
    return kept
