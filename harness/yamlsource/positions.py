"""Where each value of a YAML document sits: ``file:line:col`` by the value's path."""

from __future__ import annotations

from dataclasses import dataclass, field

PathKey = tuple[str | int, ...]


@dataclass
class Positions:
    """Where each value of one YAML document sits in its file.

    ``marks`` maps a value's path (``("questions", 3, "answer")``) to its 1-based line and
    column, so that a pydantic error on ``questions.3.answer`` can be reported where it is.
    """

    file: str
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def at(self, path: PathKey) -> str:
        """``file:line:col`` of ``path``, or of its nearest ancestor that has a mark."""
        for end in range(len(path), -1, -1):
            mark = self.marks.get(path[:end])
            if mark is not None:
                return f"{self.file}:{mark[0]}:{mark[1]}"
        return self.file

    def child(self, prefix: PathKey) -> Positions:
        """The marks under ``prefix``, re-rooted so that ``prefix`` becomes ``()``."""
        n = len(prefix)
        marks = {k[n:]: v for k, v in self.marks.items() if k[:n] == prefix}
        return Positions(self.file, marks)
