"""The one YAML reader: plain data plus the ``file:line:col`` of every value, safe on hostile input.

Banks (:mod:`harness.bank`), metric suites (:mod:`harness.suites`) and students' answers
files (:mod:`harness.answers_file`) all read YAML through :func:`load_yaml` /
:func:`load_yaml_text`. It raises :class:`~harness.errors.YamlError` at ``file:line:col``;
each of those readers turns it into its own located error (``BankError``, ``SuiteError``, a
recorded ``Problem``).

Guarantees, whichever parser is used (libyaml's C one when installed, PyYAML's pure-Python
one otherwise, with identical data, positions and errors): only YAML's safe tags are
constructed, a duplicate key is an error, alias expansion and nesting depth are capped, and
files over :data:`MAX_FILE_BYTES` are refused before they are read.
"""

from harness.errors import YamlError
from harness.yamlsource.entries import TopEntry, top_level_entries
from harness.yamlsource.positions import PathKey, Positions
from harness.yamlsource.reader import (
    FAST_LOADER,
    MAX_ALIAS_VALUES,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NODES,
    PURE_LOADER,
    load_yaml,
    load_yaml_text,
)

__all__ = [
    "FAST_LOADER",
    "MAX_ALIAS_VALUES",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "PURE_LOADER",
    "PathKey",
    "Positions",
    "TopEntry",
    "YamlError",
    "load_yaml",
    "load_yaml_text",
    "top_level_entries",
]
