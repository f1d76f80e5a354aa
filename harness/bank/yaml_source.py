"""YAML loading that remembers where every value came from.

PyYAML's node graph carries line and column marks; plain ``safe_load`` throws them away.
:func:`load_yaml` builds ordinary Python data *and* a :class:`Positions` map from each value's
path (``("questions", 3, "answer")``) to its ``file:line:column``, so a pydantic error on
``questions.3.answer`` can be reported at the right place.

It also defends against hostile input: only YAML's safe tags are constructed, duplicate keys
are an error (PyYAML silently keeps the last one), and alias expansion is capped so that a
"billion laughs" document fails fast instead of eating memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness.errors import BankError

MAX_FILE_BYTES = 2_000_000
MAX_NODES = 200_000  # values built, counting every alias expansion
MAX_ALIAS_VALUES = 10_000  # values built again because an alias points at them
# libyaml's parser is ~10x faster than the pure-Python one and gives the same marks, but
# its composer recurses in C: tens of thousands of nested levels (`[[[[…`, or `- - - …`,
# 60 KB) overflow the C stack and kill the whole process. So the depth is measured first
# from libyaml's event stream, which is flat, and deep documents never reach the composer.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 100
# Each level costs at least two characters, and libyaml composes 20,000 levels safely (the
# crash needs ~30,000), so shorter texts skip the extra pass; our own builder still stops
# them with a RecursionError.
DEPTH_CHECK_FROM_CHARS = 20_000
_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_TAGS: dict[type[yaml.Node], str] = {
    yaml.MappingNode: "tag:yaml.org,2002:map",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
}

PathKey = tuple[str | int, ...]


@dataclass
class Positions:
    """Where each value of one YAML document sits in its file."""

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


class _Builder:
    def __init__(self, loader: Any, positions: Positions) -> None:
        self.loader = loader
        self.positions = positions
        self.count = 0
        self.aliased = 0
        self.sizes: dict[int, int] = {}  # id(node) -> values built for it, to spot alias reuse

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        known = self.sizes.get(id(node))
        if known is not None:  # reached again through an alias: charge its whole size up front
            self.aliased += known
            if self.aliased > MAX_ALIAS_VALUES:
                raise BankError(
                    f"aliases expand to more than {MAX_ALIAS_VALUES} values (an alias bomb?)", self._where(node)
                )
        start = self.count
        self.count += 1
        if self.count > MAX_NODES:
            raise BankError(f"document expands to more than {MAX_NODES} values", self._where(node))
        self.positions.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if type(node) in _PLAIN_TAGS and node.tag != _PLAIN_TAGS[type(node)]:
            raise BankError(f"tag {node.tag!r} is not allowed: only plain YAML data", self._where(node))
        if isinstance(node, yaml.MappingNode):
            value: Any = self._mapping(node, path)
        elif isinstance(node, yaml.SequenceNode):
            value = [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        elif node.tag == _STR_TAG:
            value = node.value  # most scalars: skip the generic constructor's bookkeeping
        else:
            value = self.loader.construct_object(node, deep=True)
        self.sizes[id(node)] = self.count - start
        return value

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[Any, Any]:
        explicit = sum(1 for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge")
        self.loader.flatten_mapping(node)  # resolves `<<` merge keys: merged entries come first
        n_merged = len(node.value) - explicit
        explicit_keys: set[Any] = set()  # a key written twice is an error; overriding a merge is not
        result: dict[Any, Any] = {}
        for i, (key_node, value_node) in enumerate(node.value):
            if not isinstance(key_node, yaml.ScalarNode):
                raise BankError("mapping keys must be plain values", self._where(key_node))
            key = self.loader.construct_object(key_node)
            if not isinstance(key, (str, int, bool)) and key is not None:
                key = str(key)
            if key in explicit_keys:
                raise BankError(f"duplicate key {key!r}", self._where(key_node))
            if i >= n_merged:
                explicit_keys.add(key)
            result[key] = self.build(value_node, (*path, key if isinstance(key, (str, int)) else str(key)))
        return result

    def _where(self, node: yaml.Node) -> str:
        return f"{self.positions.file}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"


def load_yaml_text(text: str, file: str) -> tuple[Any, Positions]:
    """Parse one YAML document from ``text``; ``file`` names it in errors.

    Returns:
        The data (dicts, lists, scalars) and the positions of its values.
    Raises:
        BankError: a syntax error, an unsafe tag, a duplicate key or an alias bomb,
            located at file:line:column.
    """
    positions = Positions(file)
    loader = _Loader(text)
    try:
        if len(text) >= DEPTH_CHECK_FROM_CHARS:
            _check_depth(text, file)
        node = loader.get_single_node()
        if node is None:
            return None, positions
        return _Builder(loader, positions).build(node, ()), positions
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{file}:{mark.line + 1}:{mark.column + 1}" if mark else file
        problem = exc.problem or exc.context or "invalid YAML"
        raise BankError(f"invalid YAML: {problem}", where) from None
    except yaml.YAMLError as exc:
        raise BankError(f"invalid YAML: {exc}", file) from None
    except RecursionError:
        raise BankError("document nested too deeply", file) from None
    finally:
        loader.dispose()


def _check_depth(text: str, file: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, _OPEN):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                where = f"{file}:{mark.line + 1}:{mark.column + 1}" if mark else file
                raise BankError(f"document nested too deeply (more than {MAX_DEPTH} levels)", where)
        elif isinstance(event, _CLOSE):
            depth -= 1


def load_yaml(path: Path, display: str | None = None) -> tuple[Any, Positions]:
    """Read and parse the YAML file at ``path`` (see :func:`load_yaml_text`).

    ``display`` is the name used in error locations (default: ``path`` as given).

    Raises:
        BankError: the file is unreadable, too large, not UTF-8 or not valid YAML.
    """
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise BankError(f"file is {size} bytes; the limit is {MAX_FILE_BYTES}", name)
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BankError(f"not UTF-8 text (byte {exc.start})", name) from None
    except OSError as exc:
        raise BankError(f"cannot read: {exc.strerror or exc}", name) from None
    return load_yaml_text(text, name)
