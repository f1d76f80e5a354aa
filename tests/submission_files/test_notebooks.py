"""Notebooks as submissions."""

from __future__ import annotations

import json

import pytest

from harness.errors import AnswerError
from harness.submission_files import notebook_source


def notebook(*cells: tuple[str, str]) -> str:
    return json.dumps({"cells": [{"cell_type": kind, "source": source} for kind, source in cells], "nbformat": 4})


def test_code_cells_in_order_magics_removed() -> None:
    text = notebook(
        ("markdown", "# Title"),
        ("code", "import math\n%matplotlib inline\n!pip install numpy\nx = 1"),
        ("code", "%%time\ny = 2"),
        ("code", ["def f():\n", "    return x\n"]),
    )
    source, notes = notebook_source(text)
    assert "import math" in source and "def f():" in source and "x = 1" in source
    assert "%matplotlib" not in source and "pip install" not in source and "y = 2" not in source
    assert len(notes) == 3 and "cell 3" in notes[2]
    namespace: dict[str, object] = {}
    exec(compile(source, "nb", "exec"), namespace)  # plain Python now
    assert namespace["f"]() == 1  # type: ignore[operator]


@pytest.mark.parametrize("text", ["{not json", "[]", json.dumps({"cells": "nope"})])
def test_broken_notebooks(text: str) -> None:
    with pytest.raises(AnswerError):
        notebook_source(text)
