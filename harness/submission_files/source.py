"""A student's program as Python source: a ``.py`` file as it is, a notebook's code cells joined."""

from __future__ import annotations

from pathlib import Path

from harness.submission_files.notebooks import notebook_source
from harness.submission_files.safe_open import read_submitted_text

MAX_SOURCE_BYTES = 1_000_000


def read_source(path: Path, limit: int = MAX_SOURCE_BYTES) -> tuple[str, list[str]]:
    """The Python source of the submitted file at ``path``, and notes for the student.

    A ``.ipynb`` file becomes its code cells (IPython-only lines removed, each with a note).

    Raises:
        AnswerError: a link, not a regular file, too large, not UTF-8 text, a broken notebook.
    """
    text = read_submitted_text(path, limit)
    if path.suffix == ".ipynb":
        return notebook_source(text)
    return text, []
