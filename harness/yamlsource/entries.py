"""The top-level entries of a YAML mapping, located by line, for a document the strict reader refuses.

A student's answers file with one bad answer should lose only that answer; to blank it out,
the answers reader needs the first and last line of each top-level ``key: value`` entry even
when :func:`~harness.yamlsource.load_yaml_text` rejects the whole document (a duplicate key,
an unsafe tag in one value).
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml


@dataclass(frozen=True)
class TopEntry:
    """One top-level ``key: value`` entry: its key as written and its lines (1-based)."""

    key: str
    first: int
    last: int
    column: int


def top_level_entries(text: str) -> list[TopEntry] | None:
    """The top-level entries of ``text`` in order, or None when it is not a mapping of plain keys.

    Composed with PyYAML's pure-Python loader: a document nested too deeply stops with a
    RecursionError here, where libyaml's C composer could overflow the C stack. Nothing is
    constructed, so no tag is ever acted on.
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None
    if not isinstance(node, yaml.MappingNode):
        return None
    entries = []
    pairs = node.value
    for i, (key, _) in enumerate(pairs):
        if not isinstance(key, yaml.ScalarNode):
            return None
        last = pairs[i + 1][0].start_mark.line if i + 1 < len(pairs) else text.count("\n") + 1
        first = key.start_mark.line + 1
        entries.append(TopEntry(key.value, first, max(first, last), key.start_mark.column + 1))
    return entries
