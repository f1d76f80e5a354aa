"""File names for students' pages and files: safe on every file system, unique per student.

Shared by the reporters (HTML pages, JSON per-student files) so each report links the others.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable

HASH_PREFIX = 12  # hex digits of a hash used in hashed file names (and shown in report headers)

_SAFE_STEM = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9_-]+")
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)


def safe_file_stem(student_id: str) -> str:
    """A file name stem for ``student_id``: the id itself when it is plainly safe, else hashed.

    Safe means 1-64 characters of ``[A-Za-z0-9_.-]``, not starting with a dot and not a
    Windows device name. Anything else becomes its safe characters plus 12 hex digits of
    its SHA-256, so two ids never share a file.
    """
    plain = (
        _SAFE_STEM.fullmatch(student_id) is not None
        and not student_id.startswith(".")
        and student_id.split(".")[0].lower() not in _WINDOWS_RESERVED
    )
    return student_id if plain else _hashed_stem(student_id)


def _hashed_stem(student_id: str) -> str:
    kept = _UNSAFE_RUN.sub("_", student_id).strip("_")[:40]
    digest = hashlib.sha256(student_id.encode("utf-8")).hexdigest()[:HASH_PREFIX]
    return f"{kept}-{digest}" if kept else digest


def student_file_stems(student_ids: Iterable[str]) -> dict[str, str]:
    """Stems for every id, unique even on a case-insensitive file system (clashes are hashed)."""
    stems = {sid: safe_file_stem(sid) for sid in student_ids}
    folded = Counter(stem.lower() for stem in stems.values())
    return {sid: _hashed_stem(sid) if folded[stem.lower()] > 1 else stem for sid, stem in stems.items()}
