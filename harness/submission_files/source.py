"""A student's program as Python source: a ``.py`` file as it is, a notebook's code cells joined."""

from __future__ import annotations

import codecs
import re
import tokenize
from pathlib import Path

from harness.submission_files.notebooks import notebook_source
from harness.submission_files.safe_open import SubmissionFileError, read_submitted_bytes

MAX_SOURCE_BYTES = 1_000_000

BOM = "\ufeff"
_PEP_263 = "; a file in another encoding needs a coding line (PEP 263)"
# PEP 263: a comment in the first two lines naming the file's encoding (Python's own pattern)
_COOKIE = re.compile(r"^([ \t\f]*#.*?coding[:=][ \t]*)([-\w.]+)", re.ASCII)
# a line as Python's tokenizer splits them, at \r\n, \r or \n (str.splitlines splits at more)
_TEXT_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")


def read_source(path: Path, limit: int = MAX_SOURCE_BYTES) -> tuple[str, list[str]]:
    """The Python source of the submitted file at ``path``, and notes for the student.

    A ``.py`` file is decoded as Python decodes it: UTF-8, with or without a byte-order mark,
    or the encoding its PEP 263 line names (``# -*- coding: latin-1 -*-``), which then reads
    ``utf-8``, as the source is handed on as UTF-8. A ``.ipynb`` file (JSON, so UTF-8, a
    byte-order mark allowed) becomes its code cells (IPython-only lines removed, each with a
    note).

    Raises:
        AnswerError: a link, not a regular file, too large, not text in its encoding, NUL
            bytes, a broken notebook.
    """
    return program_source(read_submitted_bytes(path, limit), path.name)


def program_source(data: bytes, name: str) -> tuple[str, list[str]]:
    """The Python source of a file called ``name`` (``.ipynb``: a notebook) holding ``data``, and
    notes for the student, as :func:`read_source` reads it; for a bank's own programs (their
    reference), which may be links.

    Raises:
        AnswerError: not text in its encoding, NUL bytes, a broken notebook.
    """
    if name.endswith(".ipynb"):
        # Jupyter runs a cell's text as it is: a coding line copied into the first cell names
        # nothing, but the file handed on would be decoded in its encoding
        source, notes = notebook_source(_text(data, "utf-8", name).removeprefix(BOM))
        return _with_utf8_coding_line(source), notes
    return _python_text(data, name), []


def _python_text(data: bytes, shown: str) -> str:
    try:
        # Python's first two lines (bytes split at \r\n, \r and \n as Python does; tokenize's own
        # readline over a file splits at \n only, so a file saved with \r endings is one line)
        encoding, _ = tokenize.detect_encoding(iter(data.splitlines(keepends=True)[:2]).__next__)
    except SyntaxError as exc:
        raise SubmissionFileError(_why_undecodable(data, exc.msg or "", shown)) from None
    text = _text(data, encoding, shown, _PEP_263)
    if codecs.lookup(encoding).name in ("utf-8", "utf-8-sig"):
        return text.removeprefix(BOM)
    return _with_utf8_coding_line(text)


def _with_utf8_coding_line(text: str) -> str:
    """``text`` with the coding line of its first two lines naming ``utf-8``, as it is handed
    on encoded in UTF-8 (same lines, same line endings)."""
    end = 0
    for _ in range(2):
        line = _TEXT_LINE.match(text, end)
        assert line is not None
        if _COOKIE.match(line.group()):
            return text[:end] + _COOKIE.sub(r"\1utf-8", line.group(), count=1) + text[line.end() :]
        end = line.end()
    return text


def _why_undecodable(data: bytes, reason: str, shown: str) -> str:
    if reason.startswith("unknown encoding"):
        return f"{shown}: its coding line names an {reason} (see PEP 263)"
    if data.startswith(codecs.BOM_UTF8):
        return f"{shown} starts with a UTF-8 byte-order mark, but its coding line names another encoding"
    return f"{shown} is not UTF-8 text (a binary file?){_PEP_263}"


def _text(data: bytes, encoding: str, shown: str, hint: str = "") -> str:
    try:
        text = data.decode(encoding)
    except LookupError:  # a codec of bytes to bytes (hex, zlib, rot13): Python refuses it too
        raise SubmissionFileError(f"{shown}: its coding line names {encoding}, which is not a text encoding") from None
    except UnicodeError:  # bytes it cannot decode, or a codec that decodes nothing (undefined)
        if codecs.lookup(encoding).name.startswith("utf-8"):
            raise SubmissionFileError(f"{shown} is not UTF-8 text (a binary file?){hint}") from None
        raise SubmissionFileError(f"{shown} is not {encoding} text, as its coding line says") from None
    if "\x00" in text:
        raise SubmissionFileError(f"{shown} contains NUL bytes (a binary file?)")
    return text
