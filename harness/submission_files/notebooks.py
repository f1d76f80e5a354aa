"""Jupyter notebooks as submissions: code cells in order, IPython-only syntax removed."""

from __future__ import annotations

import json
import re

from harness.errors import AnswerError
from harness.records import printable

_MAGIC = re.compile(r"^\s*(%|!)")


def notebook_source(text: str) -> tuple[str, list[str]]:
    """The notebook's code cells joined into one module, and notes for the student.

    Line magics (``%timeit``), cell magics (``%%time``: the whole cell) and shell escapes
    (``!pip``) are removed, each with a note, because plain Python cannot run them.

    Raises:
        AnswerError: the file is not a notebook (bad JSON, no cells).
    """
    try:
        notebook = json.loads(text)
    except ValueError as exc:
        raise AnswerError(f"the notebook is not valid JSON: {exc}") from None
    except RecursionError:
        raise AnswerError("the notebook's JSON is nested too deeply") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise AnswerError("the notebook has no cells (is it a .ipynb file?)")
    lines: list[str] = []
    notes: list[str] = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(part, str) for part in source):
            text_of_cell = "".join(source)
        elif isinstance(source, str):
            text_of_cell = source
        else:
            raise AnswerError(f"cell {number} of the notebook has a malformed source")
        if text_of_cell.lstrip().startswith("%%"):
            notes.append(f"cell {number}: a cell magic ({printable(text_of_cell.split()[0][:60])}) was skipped")
            continue
        for line in text_of_cell.splitlines():
            if _MAGIC.match(line):
                notes.append(f"cell {number}: removed {line.strip()[:60]!r} (IPython only)")
                line = ""
            elif printable(line) != line:  # JSON can hold a lone "\ud800"; a .py file cannot
                raise AnswerError(f"cell {number} holds a lone surrogate character, which no Python file can hold")
            lines.append(line)
        lines.append("")
    return "\n".join(lines), notes
