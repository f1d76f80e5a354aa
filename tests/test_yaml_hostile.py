"""Hostile YAML through the loader that banks and answers files share, and its positions map.

Each attack is a real document parsed by :func:`load_yaml_text` / :func:`load_yaml`; each must
end in one :class:`YamlError` with a location, quickly, and without side effects. Every test
runs twice: with libyaml's C composer and with PyYAML's pure-Python one.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from harness import yamlsource
from harness.errors import YamlError
from harness.yamlsource import FAST_LOADER, PURE_LOADER, Positions, load_yaml, load_yaml_text
from harness.yamlsource import reader as yaml_reader


@pytest.fixture(autouse=True, params=["libyaml", "pure-python"])
def composer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test with each composer as the default one."""
    if request.param == "libyaml" and yaml_reader.FAST_LOADER is yaml_reader.PURE_LOADER:
        pytest.skip("libyaml is not installed")
    if request.param == "pure-python":
        monkeypatch.setattr(yaml_reader, "FAST_LOADER", yaml_reader.PURE_LOADER)
    return str(request.param)


BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_billion_laughs_fails_fast_and_names_the_alias_bomb() -> None:
    started = time.perf_counter()
    with pytest.raises(YamlError, match="alias") as caught:
        load_yaml_text(BILLION_LAUGHS, "bomb.yaml")

    assert time.perf_counter() - started < 1.0
    assert caught.value.location is not None and caught.value.location.startswith("bomb.yaml:")


def test_alias_bomb_through_mapping_values_is_capped_too() -> None:
    lines = ["l0: &l0 {" + ", ".join(f"k{j}: lol" for j in range(10)) + "}"]
    for level in range(1, 9):
        values = ", ".join(f"x{j}: *l{level - 1}" for j in range(10))
        lines.append(f"l{level}: &l{level} {{{values}}}")

    started = time.perf_counter()
    with pytest.raises(YamlError, match="alias"):
        load_yaml_text("\n".join(lines) + "\n", "bomb.yaml")
    assert time.perf_counter() - started < 1.0


def test_aliases_below_the_cap_still_load() -> None:
    data, _ = load_yaml_text("base: &b {x: 1}\ncopy: *b\nmerged: {<<: *b, y: 2}\n", "ok.yaml")

    assert data == {"base": {"x": 1}, "copy": {"x": 1}, "merged": {"x": 1, "y": 2}}


def test_merge_key_may_be_overridden_by_an_explicit_key() -> None:
    # YAML merge semantics: keys written in the mapping win over merged ones. This is what
    # `<<` is for (shared option lists, tolerance blocks); it is not a duplicate key.
    text = "base: &b {points: 1, tolerance: {abs: 0.1}}\nq: {<<: *b, points: 2}\n"

    data, _ = load_yaml_text(text, "merge.yaml")

    assert data["q"] == {"points": 2, "tolerance": {"abs": 0.1}}


@pytest.mark.parametrize(
    "document",
    [
        '!!python/object/apply:os.system ["touch {marker}"]',
        "!!python/object/apply:os.system\n- touch {marker}\n",
        "!!python/object/apply:os.system {{args: [touch {marker}]}}",
        "x: !!python/object/apply:subprocess.call [[touch, {marker}]]",
        "!!python/name:os.system",
        "x: !!python/object/new:os.system [touch {marker}]",
    ],
    ids=["apply-flow-seq", "apply-block-seq", "apply-mapping", "nested-apply", "name", "new"],
)
def test_python_tags_are_refused_and_nothing_runs(tmp_path: Path, document: str) -> None:
    marker = tmp_path / "executed"

    with pytest.raises(YamlError, match="tag") as caught:
        load_yaml_text(document.format(marker=marker), "evil.yaml")

    assert not marker.exists()
    assert caught.value.location is not None and caught.value.location.startswith("evil.yaml:")


def test_unknown_local_tag_on_a_collection_is_an_error() -> None:
    # A tag PyYAML cannot construct must not be silently dropped, whatever node it sits on.
    with pytest.raises(YamlError, match="tag"):
        load_yaml_text("answer: !foo [1, 2]\n", "tags.yaml")


def test_duplicate_key_is_reported_at_the_second_key() -> None:
    text = "id: bank\nquestions:\n  - id: q1\n    answer: 1\n    answer: 2\n"

    with pytest.raises(YamlError, match="duplicate key 'answer'") as caught:
        load_yaml_text(text, "dup.yaml")

    assert caught.value.location == "dup.yaml:5:5"


def test_duplicate_keys_that_differ_only_in_spelling_of_the_number_are_duplicates() -> None:
    with pytest.raises(YamlError, match="duplicate key 1") as caught:
        load_yaml_text("1: a\n0x1: b\n", "dup.yaml")

    assert caught.value.location == "dup.yaml:2:1"


def test_tab_indentation_is_an_error_with_its_line() -> None:
    with pytest.raises(YamlError, match="invalid YAML") as caught:
        load_yaml_text("id: bank\nquestions:\n\t- id: q1\n", "tabs.yaml")

    assert caught.value.location is not None
    assert caught.value.location.startswith("tabs.yaml:3:")


def test_bad_indentation_is_an_error_with_its_line() -> None:
    with pytest.raises(YamlError, match="invalid YAML") as caught:
        load_yaml_text("id: bank\ntitle: T\n  version: 1\n", "indent.yaml")

    assert caught.value.location is not None
    assert caught.value.location.startswith("indent.yaml:3:")


def test_non_utf8_file_is_a_yaml_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: caf\u00e9\n".encode("latin-1"))

    with pytest.raises(YamlError, match="not UTF-8") as caught:
        load_yaml(path)

    assert caught.value.location == str(path)


@pytest.mark.parametrize("opener, closer", [("[", "]"), ("{a: ", "}")], ids=["lists", "mappings"])
def test_ten_thousand_levels_of_nesting_is_a_yaml_error_not_a_crash(opener: str, closer: str) -> None:
    # Either our own depth check or PyYAML's (6.0.4 has one of its own, with its own wording)
    # may stop it first: what matters is a located, one-line YAML error, never a crash.
    depth = 10_000

    with pytest.raises(YamlError) as caught:
        load_yaml_text(opener * depth + "1" + closer * depth, "deep.yaml")

    assert (caught.value.location or "").startswith("deep.yaml")
    assert "\n" not in str(caught.value)
    assert "Traceback" not in str(caught.value)


DEEP_DOCUMENTS = {
    "flow-30k": "[" * 30_000 + "]" * 30_000,
    "flow-200k": "[" * 200_000 + "]" * 200_000,
    "flow-mappings-30k": "{a: " * 30_000 + "1" + "}" * 30_000,
    # Compact block sequences nest one level per "- ": no brackets, no indentation to pay.
    "block-compact-30k": "- " * 30_000 + "x\n",
    "block-compact-200k": "- " * 200_000 + "x\n",
}


@pytest.mark.parametrize("name", list(DEEP_DOCUMENTS))
def test_deep_nesting_never_crashes_the_interpreter(tmp_path: Path, name: str) -> None:
    # A C-level stack overflow (segfault) would take the whole grading run down with it, so
    # the attack runs in a child process. Every document here is under 500 KB: under both
    # MAX_FILE_BYTES and the answers-file limit.
    path = tmp_path / "deep.yaml"
    path.write_text(DEEP_DOCUMENTS[name], encoding="utf-8")
    assert path.stat().st_size < 500_000
    probe = (
        "import sys\n"
        "from harness.yamlsource import load_yaml\n"
        "from harness.errors import YamlError\n"
        "try:\n"
        "    load_yaml(__import__('pathlib').Path(sys.argv[1]))\n"
        "except YamlError as exc:\n"
        "    print('YamlError:', exc)\n"
    )

    child = subprocess.run(
        [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, timeout=60, check=False
    )

    assert child.returncode == 0, f"exit {child.returncode}: {child.stderr[-500:]}"
    assert child.stdout.startswith(f"YamlError: {path}")


def test_ordinary_nesting_depth_still_loads() -> None:
    depth = 50
    data, _ = load_yaml_text("[" * depth + "1" + "]" * depth, "ok.yaml")

    for _ in range(depth):
        data = data[0]
    assert data == 1


def test_file_over_max_file_bytes_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# " + b"x" * yamlsource.MAX_FILE_BYTES + b"\n")

    with pytest.raises(YamlError, match="limit is") as caught:
        load_yaml(path)

    assert caught.value.location == str(path)


def test_missing_file_is_a_yaml_error(tmp_path: Path) -> None:
    with pytest.raises(YamlError, match="cannot read"):
        load_yaml(tmp_path / "nosuch.yaml")


def test_empty_document_is_none() -> None:
    assert load_yaml_text("# only a comment\n", "empty.yaml") == (None, Positions("empty.yaml"))


# --- positions ------------------------------------------------------------------------------

BANK = """\
id: demo
title: Demo
questions:
  - id: q1
    kind: numeric
    answer: 0.3
  - id: q2
    kind: choice
    options:
      - {id: a, text: A}
      - id: b
        text: B
"""


@pytest.fixture
def positions() -> Positions:
    return load_yaml_text(BANK, "demo.yaml")[1]


@pytest.mark.parametrize(
    "path, expected",
    [
        ((), "demo.yaml:1:1"),
        (("title",), "demo.yaml:2:8"),
        (("questions",), "demo.yaml:4:3"),
        (("questions", 0), "demo.yaml:4:5"),
        (("questions", 0, "answer"), "demo.yaml:6:13"),
        (("questions", 1, "kind"), "demo.yaml:8:11"),
        (("questions", 1, "options", 0), "demo.yaml:10:9"),
        (("questions", 1, "options", 0, "text"), "demo.yaml:10:23"),
        (("questions", 1, "options", 1), "demo.yaml:11:9"),
        (("questions", 1, "options", 1, "text"), "demo.yaml:12:15"),
    ],
)
def test_positions_give_the_line_and_column_of_each_value(
    positions: Positions, path: tuple[str | int, ...], expected: str
) -> None:
    assert positions.at(path) == expected


@pytest.mark.parametrize(
    "path, nearest",
    [
        (("questions", 0, "tolerance"), ("questions", 0)),  # a field the author left out
        (("questions", 1, "options", 1, "correct"), ("questions", 1, "options", 1)),
        (("questions", 7, "id"), ("questions",)),  # an index that does not exist
        (("nosuch", "deeper", 3), ()),
    ],
)
def test_positions_fall_back_to_the_nearest_ancestor(
    positions: Positions, path: tuple[str | int, ...], nearest: tuple[str | int, ...]
) -> None:
    assert positions.at(path) == positions.at(nearest)
    assert positions.at(path) != "demo.yaml"


def test_positions_without_any_mark_name_the_file() -> None:
    assert Positions("x.yaml").at(("a", 1)) == "x.yaml"


def test_child_positions_are_re_rooted(positions: Positions) -> None:
    question = positions.child(("questions", 1))

    assert question.at(()) == "demo.yaml:7:5"
    assert question.at(("options", 1, "text")) == "demo.yaml:12:15"
    assert question.at(("options", 9)) == "demo.yaml:10:7"


ANSWERS = """\
q1:
  pairs: {a: 1, b: [2, 3]}
q2: [x, y]
q3: plain
"""


@pytest.mark.parametrize("loader", [PURE_LOADER, FAST_LOADER])
def test_marks_kept_to_a_depth_give_the_same_data_and_those_marks(loader: Any) -> None:
    """A student's answers keep the positions of their answers only (marks_depth=1): the data
    and the marks of that depth are those of a full read; deeper values have none."""
    full, everywhere = load_yaml_text(ANSWERS, "answers.yaml", loader)
    data, shallow = load_yaml_text(ANSWERS, "answers.yaml", loader, marks_depth=1)
    assert data == full
    assert shallow.marks == {path: mark for path, mark in everywhere.marks.items() if len(path) <= 1}
    assert shallow.marks[("q3",)] == (4, 5)
    assert shallow.at(("q1", "pairs", "b", 1)) == "answers.yaml:2:3"  # where its answer starts
    assert everywhere.at(("q1", "pairs", "b", 1)) == "answers.yaml:2:24"


@pytest.mark.parametrize("loader", [PURE_LOADER, FAST_LOADER])
def test_an_error_deeper_than_the_marks_kept_is_still_located(loader: Any) -> None:
    text = ANSWERS.replace("{a: 1, b: [2, 3]}", "{a: 1, a: [2, !!python/name:os.system 3]}")
    with pytest.raises(YamlError) as shallow:
        load_yaml_text(text, "answers.yaml", loader, marks_depth=1)
    with pytest.raises(YamlError) as full:
        load_yaml_text(text, "answers.yaml", loader)
    assert str(shallow.value) == str(full.value)
    assert str(shallow.value).startswith("answers.yaml:2:")


@pytest.mark.parametrize(
    ("document", "where", "says"),
    [
        ("a: 1\nb: " + "9" * 5000 + "\n", "2:4", "cannot read 99999999999999999999… (5000 characters) as an integer"),
        ("when: 2026-02-31\n", "1:7", "cannot read 2026-02-31 as a date"),
        ("a: 1\nb: x\x00y\n", "2:5", "the character U+0000 is not allowed"),
        ("a: 1\nb: x\x7fy\n", "2:5", "the character U+007F is not allowed"),
    ],
    ids=["a 5,000-digit integer", "no such date", "NUL", "DEL"],
)
def test_a_value_the_parser_cannot_read_is_one_located_error(document: str, where: str, says: str) -> None:
    """Python refuses to read an int of more than 4,300 digits (ValueError), a date that does
    not exist likewise; PyYAML's reader names a control character by its offset in the text,
    on two lines. Each is one YAML error at file:line:column, never an internal error."""
    with pytest.raises(YamlError) as caught:
        load_yaml_text(document, "answers.yaml")
    assert caught.value.location == f"answers.yaml:{where}"
    assert says in str(caught.value) and "\n" not in str(caught.value)
