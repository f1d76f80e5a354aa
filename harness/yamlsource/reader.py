"""YAML loading that remembers where every value came from, and refuses hostile documents.

PyYAML's node graph carries line and column marks; plain ``safe_load`` throws them away.
:func:`load_yaml_text` composes the node graph and builds ordinary Python data from it *and*
a :class:`~harness.yamlsource.positions.Positions` map from each value's path to its
``file:line:col``.

Two composers give the same node graph with the same marks: libyaml's C one
(:data:`FAST_LOADER`, about 5x faster; it is the hot path of grading a quiz cohort) and
PyYAML's pure-Python one (:data:`PURE_LOADER`, used when libyaml is not installed). Their
error messages differ ("did not find expected key" against "expected <block end>, but found
'<block sequence start>'"), so a document libyaml refuses is read again by the pure-Python
parser, whose error is the one reported: both paths give identical data, positions and errors.

Defences: only YAML's safe tags are constructed, duplicate keys are an error (PyYAML silently
keeps the last one), alias expansion is capped so that a "billion laughs" document fails fast
instead of eating memory, and nesting is capped before libyaml's recursive composer sees it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from harness.errors import YamlError
from harness.yamlsource.positions import PathKey, Positions

MAX_FILE_BYTES = 2_000_000
MAX_NODES = 200_000  # values built, counting every alias expansion
MAX_ALIAS_VALUES = 10_000  # values built again because an alias points at them
PURE_LOADER: type[yaml.SafeLoader] = yaml.SafeLoader
FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", PURE_LOADER)
# libyaml's composer recurses in C: tens of thousands of nested levels (`[[[[…`, or `- - - …`,
# 60 KB) overflow the C stack and kill the whole process. So the depth is measured first
# from the parser's event stream, which is flat, and deep documents never reach the composer.
MAX_DEPTH = 100
# Each level costs at least two characters, and libyaml composes 20,000 levels safely (the
# crash needs ~30,000), so shorter texts skip the extra pass; our own builder still stops
# them with a RecursionError.
DEPTH_CHECK_FROM_CHARS = 20_000
_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_STR_TAG = "tag:yaml.org,2002:str"
# A "\ud800" escape builds a lone surrogate, which no UTF-8 report can hold; libyaml refuses it
# and PyYAML does not, so the builder refuses it for both (only double quotes have escapes).
_SURROGATE = re.compile("[\ud800-\udfff]")
_MERGE_TAG = "tag:yaml.org,2002:merge"
# keys that ``flatten_mapping`` rewrites (``<<`` merges, ``=`` is read as a string): a mapping
# without one is left as it is, so the (Python) pass over its keys is skipped
_FLATTENED_TAGS = frozenset((_MERGE_TAG, "tag:yaml.org,2002:value"))
# the tag a node gets when nothing in its text decides one (PyYAML's defaults): the only tag a
# mapping or a sequence of plain data may carry
_PLAIN_TAGS: dict[type[yaml.Node], str] = {
    yaml.ScalarNode: yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG,
    yaml.SequenceNode: yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
    yaml.MappingNode: yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
}
_Constructor = Callable[[Any, yaml.Node], Any]
# Scalar tags whose constructor is a plain function of one node, safe to call directly; any
# other tag goes through the loader's generic (slower, generator-aware) path.
_DIRECT_TAGS = tuple(f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp"))


class _Builder:
    """Python data from one composed node graph, recording each value's mark as it goes."""

    def __init__(self, loader: yaml.SafeLoader, positions: Positions, depth: int | None = None) -> None:
        self.loader = loader
        self.depth = depth  # marks are recorded for paths this long or shorter (None: every one)
        self.positions = positions
        self.marks = positions.marks
        self.direct: dict[str, _Constructor] = {tag: loader.yaml_constructors[tag] for tag in _DIRECT_TAGS}
        self.count = 0
        self.aliased = 0
        self.sizes: dict[int, int] = {}  # id(node) -> values built for it, to spot alias reuse

    def build(self, node: yaml.Node, path: PathKey | None) -> Any:
        """``node``'s value; its mark is recorded under ``path`` (None: deeper than :attr:`depth`)."""
        known = self.sizes.get(id(node))
        if known is not None:  # reached again through an alias: charge its whole size up front
            self.aliased += known
            if self.aliased > MAX_ALIAS_VALUES:
                raise self._error(f"aliases expand to more than {MAX_ALIAS_VALUES} values (an alias bomb?)", node)
        start = self.count
        self.count += 1
        if self.count > MAX_NODES:
            raise self._error(f"document expands to more than {MAX_NODES} values", node)
        if path is not None and path not in self.marks:
            self.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            value = self._scalar(node)
        elif node.tag != _PLAIN_TAGS[type(node)]:
            raise self._error(f"tag {node.tag!r} is not allowed: only plain YAML data", node)
        elif isinstance(node, yaml.MappingNode):
            value = self._mapping(node, path)
        else:
            parent = self._parent(path)
            if parent is None:
                value = [self.build(item, None) for item in node.value]
            else:
                value = [self.build(item, (*parent, i)) for i, item in enumerate(node.value)]
        self.sizes[id(node)] = self.count - start
        return value

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        """A scalar's value: strings as they are, common tags by their constructor, others generically."""
        tag = node.tag
        if tag == _STR_TAG:
            if node.style == '"' and _SURROGATE.search(node.value):
                raise self._error("invalid YAML: found invalid Unicode character escape code", node)
            return node.value
        constructor = self.direct.get(tag)
        if constructor is None:  # a rarer tag, or one that is not allowed: the loader decides
            return self.loader.construct_object(node, deep=True)
        try:
            return constructor(self.loader, node)
        except (ValueError, OverflowError):  # an int of 5,000 digits, the 31st of February
            shown = node.value if len(node.value) <= 40 else f"{node.value[:20]}… ({len(node.value)} characters)"
            kind = _KINDS.get(tag.rsplit(":", 1)[-1], "a value of its type")
            raise self._error(f"invalid YAML: cannot read {shown} as {kind}", node) from None

    def _parent(self, path: PathKey | None) -> PathKey | None:
        """``path`` when its children's marks are recorded (see :attr:`depth`), else None."""
        if path is None or (self.depth is not None and len(path) >= self.depth):
            return None
        return path

    def _mapping(self, node: yaml.MappingNode, path: PathKey | None) -> dict[Any, Any]:
        n_merged = 0
        if any(key.tag in _FLATTENED_TAGS for key, _ in node.value):
            explicit = sum(1 for key, _ in node.value if key.tag != _MERGE_TAG)
            self.loader.flatten_mapping(node)  # resolves `<<` merge keys: merged entries come first
            n_merged = len(node.value) - explicit
        parent = self._parent(path)
        explicit_keys: set[Any] = set()  # a key written twice is an error; overriding a merge is not
        result: dict[Any, Any] = {}
        for i, (key_node, value_node) in enumerate(node.value):
            if not isinstance(key_node, yaml.ScalarNode):
                raise self._error("mapping keys must be plain values", key_node)
            key = self._scalar(key_node)
            if not isinstance(key, (str, int, bool)) and key is not None:
                key = str(key)
            if key in explicit_keys:
                raise self._error(f"duplicate key {key!r}", key_node)
            if i >= n_merged:
                explicit_keys.add(key)
            if parent is None:
                result[key] = self.build(value_node, None)
            else:
                result[key] = self.build(value_node, (*parent, key if isinstance(key, (str, int)) else str(key)))
        return result

    def _error(self, message: str, node: yaml.Node) -> YamlError:
        where = f"{self.positions.file}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"
        return YamlError(message, where)


_KINDS = {"int": "an integer", "float": "a number", "timestamp": "a date", "bool": "true or false"}


def load_yaml_text(
    text: str, file: str, loader: type[yaml.SafeLoader] | None = None, marks_depth: int | None = None
) -> tuple[Any, Positions]:
    """Parse one YAML document from ``text``; ``file`` names it in errors.

    ``loader`` picks the parser (default :data:`FAST_LOADER`; or :data:`PURE_LOADER`); the
    result does not depend on it. ``marks_depth`` keeps the positions of values at most that
    deep only (a student's answers file: 1, its answers; None: every value); errors are
    located the same either way.

    Returns:
        The data (dicts, lists, scalars) and the positions of its values.
    Raises:
        YamlError: a syntax error, an unsafe tag, a duplicate key, an alias bomb or nesting
            too deep, located at file:line:column.
    """
    chosen = loader or FAST_LOADER
    try:
        return _load(text, file, chosen, marks_depth)
    except _SyntaxError as exc:
        if chosen is PURE_LOADER:
            raise exc.error from None
    # libyaml words its errors (and places a few) differently: the pure-Python parser has the last word.
    try:
        return _load(text, file, PURE_LOADER, marks_depth)
    except _SyntaxError as exc:
        raise exc.error from None


class _SyntaxError(Exception):
    """The parser refused the document (as opposed to our own checks on the data)."""

    def __init__(self, error: YamlError) -> None:
        self.error = error


def _load(text: str, file: str, loader_class: type[yaml.SafeLoader], depth: int | None) -> tuple[Any, Positions]:
    positions = Positions(file)
    loader: yaml.SafeLoader | None = None
    try:
        loader = _remembering(loader_class)(text)  # the pure-Python reader refuses control characters here
        if len(text) >= DEPTH_CHECK_FROM_CHARS:
            _check_depth(text, file, loader_class)
        node = loader.get_single_node()
        if node is None:
            return None, positions
        return _Builder(loader, positions, depth).build(node, ()), positions
    except yaml.reader.ReaderError as exc:  # a control character: placed by its offset in the text
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        character = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        problem = f"invalid YAML: the character U+{character:04X} is not allowed (a control character)"
        raise _SyntaxError(YamlError(problem, f"{file}:{line}:{column}")) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{file}:{mark.line + 1}:{mark.column + 1}" if mark else file
        problem = exc.problem or exc.context or "invalid YAML"
        raise _SyntaxError(YamlError(f"invalid YAML: {problem}", where)) from None
    except yaml.YAMLError as exc:
        raise _SyntaxError(YamlError(f"invalid YAML: {exc}", file)) from None
    except RecursionError:
        raise YamlError("document nested too deeply", file) from None
    finally:
        if loader is not None:
            loader.dispose()


MAX_TAGS_REMEMBERED = 10_000  # plain scalars whose resolved tag is kept, per loader class
MAX_TAG_KEY_CHARS = 64  # longer plain scalars (prose) are rarely written twice: resolved each time
_REMEMBERING: dict[type[yaml.SafeLoader], type[yaml.SafeLoader]] = {}


def _remembering(loader_class: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    """``loader_class``, resolving each plain scalar's implicit tag once per process.

    Both composers ask the Python resolver for the tag of every scalar: a string of regular
    expressions tried one by one, a tenth of reading a quiz cohort, for values (question ids,
    option ids, ``true``) that every answers file repeats. Without path resolvers (none are
    registered on the safe loaders) a plain scalar's tag depends on its text alone, and a
    quoted scalar's, a sequence's or a mapping's on nothing: the same tags, found faster.
    """
    if loader_class.yaml_path_resolvers:  # a tag may then depend on where the value is
        return loader_class
    found = _REMEMBERING.get(loader_class)
    if found is None:
        resolve = _remembered_resolve(loader_class.resolve)
        methods = {"resolve": resolve, "descend_resolver": _no_path, "ascend_resolver": _no_path}
        found = type(f"Remembering{loader_class.__name__}", (loader_class,), methods)
        _REMEMBERING[loader_class] = found
    return found


_Resolve = Callable[[Any, type[yaml.Node], Any, tuple[bool, bool]], str]


def _remembered_resolve(resolve: _Resolve) -> _Resolve:
    """``resolve`` (:meth:`yaml.resolver.BaseResolver.resolve`, for a loader without path
    resolvers), remembering the tags of short plain scalars."""
    tags: dict[str, str] = {}

    def remembered(loader: Any, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            tag = tags.get(value)
            if tag is None:
                tag = resolve(loader, kind, value, implicit)
                if len(value) <= MAX_TAG_KEY_CHARS and len(tags) < MAX_TAGS_REMEMBERED:
                    tags[value] = tag
            return tag
        return _PLAIN_TAGS[kind]

    return remembered


def _no_path(loader: Any, *args: Any) -> None:
    """What ``descend_resolver`` and ``ascend_resolver`` do without path resolvers: nothing
    (both composers call them around every node)."""


def _check_depth(text: str, file: str, loader_class: type[yaml.SafeLoader]) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=loader_class):
        if isinstance(event, _OPEN):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                where = f"{file}:{mark.line + 1}:{mark.column + 1}" if mark else file
                raise YamlError(f"document nested too deeply (more than {MAX_DEPTH} levels)", where)
        elif isinstance(event, _CLOSE):
            depth -= 1


def load_yaml(
    path: Path, display: str | None = None, loader: type[yaml.SafeLoader] | None = None
) -> tuple[Any, Positions]:
    """Read and parse the YAML file at ``path`` (see :func:`load_yaml_text`).

    ``display`` is the name used in error locations (default: ``path`` as given).

    Raises:
        YamlError: the file is unreadable, too large, not UTF-8 or not valid YAML.
    """
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise YamlError(f"file is {size} bytes; the limit is {MAX_FILE_BYTES}", name)
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(f"not UTF-8 text (byte {exc.start})", name) from None
    except OSError as exc:
        raise YamlError(f"cannot read: {exc.strerror or exc}", name) from None
    return load_yaml_text(text, name, loader)
