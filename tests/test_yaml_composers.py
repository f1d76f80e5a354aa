"""libyaml's C composer and PyYAML's pure-Python one give the same data, positions and errors.

The C composer is the fast path (a quiz cohort spends most of its reading time there); the
pure-Python one is the fallback when libyaml is missing. Whatever the machine has installed,
a bank, an answers file or a hostile document must read the same, down to each value's
``file:line:col`` and each error's wording.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.errors import YamlError
from harness.yamlsource import FAST_LOADER, PURE_LOADER, load_yaml_text

REPO = Path(__file__).resolve().parent.parent
REPO_YAML = sorted(
    p
    for folder in ("question_bank", "metric_suites", "submissions", "tests/data")
    for p in (REPO / folder).rglob("*.y*ml")
)

pytestmark = pytest.mark.skipif(FAST_LOADER is PURE_LOADER, reason="libyaml is not installed")


def read_with(loader: Any, text: str) -> tuple[str, Any]:
    """What one composer makes of ``text``: data and marks, or the error's line."""
    try:
        data, positions = load_yaml_text(text, "doc.yaml", loader)
    except YamlError as exc:
        return "error", str(exc)
    return "ok", (repr(data), positions.marks)


@pytest.mark.parametrize("path", REPO_YAML, ids=lambda p: str(p.relative_to(REPO)))
def test_every_yaml_file_of_the_repository_reads_the_same(path: Path) -> None:
    # (a few answers files of the sample cohort are broken on purpose: their errors must match too)
    text = path.read_text(encoding="utf-8")

    assert read_with(FAST_LOADER, text) == read_with(PURE_LOADER, text)


def test_the_repository_has_banks_and_answers_to_compare() -> None:
    names = {p.name for p in REPO_YAML}
    assert "answers.yaml" in names
    assert sum(1 for p in REPO_YAML if p.parent.name == "question_bank") >= 5


HOSTILE = {
    "unclosed-flow": "a: [1, 2\nb: 3\n",
    "mapping-in-scalar": "a: b: c\n",
    "bad-indent": "a:\n  - 1\n - 2\n",
    "unterminated-quote": "'abc\n",
    "undefined-alias": "a: *x\n",
    "unclosed-mapping": "{a: 1\n",
    "tab": "\t- a\n",
    "two-documents": "a: 1\n---\nb: 2\n",
    "sequence-then-mapping": "- a\nb: 1\n",
    "unknown-escape": 'key: "\\q"\n',
    "incompatible-version": "%YAML 9.9\n--- a\n",
    "python-tag": "a: !!python/object/apply:os.system [echo hi]\n",
    "local-tag-on-map": "a: !thing {b: 1}\n",
    "set-tag-on-scalar": "a: !!set x\n",
    "duplicate-key": "a: 1\nb: 2\na: 3\n",
    "alias-bomb": "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcde", "bcdef", strict=True)),
    "complex-key": "? [a]\n: 1\n",
    "merge": "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n",
    "scalars": "a: 1\nb: 1.5\nc: true\nd: null\ne: 2026-01-01\nf: 0x1F\ng: .inf\nh: ~\ni: 'q'\nj: !!binary aGk=\n",
    "equals-key": "=: 1\n",
    "deep-short": "[" * 150 + "]" * 150,
    "deep-long": "[" * 30_000 + "]" * 30_000,
    "control-character": "a: \x07\n",
    "lone-surrogate-value": 'q1: "0.3\\ud800"\n',
    "lone-surrogate-key": '"q\\udcff": 1\n',
    "surrogate-pair-escapes": 'a: "\\ud83d\\ude00"\n',
    "astral-escape": 'a: "\\U0001F600"\n',
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_and_broken_documents_read_the_same(name: str) -> None:
    assert read_with(FAST_LOADER, HOSTILE[name]) == read_with(PURE_LOADER, HOSTILE[name])


def test_a_libyaml_error_is_reported_in_the_pure_python_wording() -> None:
    # libyaml alone would say "did not find expected key" at the same place.
    outcome = read_with(FAST_LOADER, "a:\n  - 1\n - 2\n")

    assert outcome == ("error", "doc.yaml:3:2: invalid YAML: expected <block end>, but found '<block sequence start>'")


# The same text plain and quoted, read twice: the second read finds the tags the first one
# resolved (they are remembered per text), and a quoted "1" must stay a string all the same.
TAGGED = (
    "a: 1\nb: '1'\nc: 1\nd: true\ne: 'true'\nf: ~\ng: ''\nh: 2026-01-01\ni: \"2026-01-01\"\nj: 1.5\n"
    "k: [1, '1', yes, 'yes', null]\n=: v\nm: {<<: {x: 1}, y: '1'}\nl: " + "9" * 80 + "\n"
)


@pytest.mark.parametrize("loader", [FAST_LOADER, PURE_LOADER], ids=["libyaml", "pure-python"])
def test_each_scalar_is_typed_by_its_own_text_and_quotes(loader: Any) -> None:
    expected = repr(yaml.load(TAGGED, Loader=yaml.SafeLoader))  # PyYAML's own reading (repr: 1 != True)
    for _ in range(2):
        data, _ = load_yaml_text(TAGGED, "doc.yaml", loader)

        assert repr(data) == expected
