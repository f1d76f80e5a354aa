"""Bank loading: includes, defaults, and an error at file:line:col for every mistake."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

import pytest

from harness.bank import loader
from harness.bank.expressions import ExpressionError
from harness.bank.schema import Question
from harness.bank.variants import Variant
from harness.errors import BankError, BankErrors, UnknownPluginError
from harness.kinds import load_bank, load_banks
from harness.kinds.true_false import TrueFalseQuestion

HEADER = "id: b\ntitle: T\nversion: 1\n"


def errors_of(path: Path) -> list[str]:
    with pytest.raises((BankErrors, BankError)) as info:
        load_bank(path)
    exc = info.value
    return [str(e) for e in exc.errors] if isinstance(exc, BankErrors) else [str(exc)]


def test_loads_defaults_and_includes(write_bank) -> None:  # type: ignore[no-untyped-def]
    write_bank(
        "defaults: {tags: {difficulty: hard}}\nquestions:\n  - {id: inc, kind: true_false, prompt: P, answer: true}\n",
        "_part.yaml",
    )
    path = write_bank(
        HEADER + "include: [_part.yaml]\ndefaults: {points: 2, tags: {topic: gans}}\n"
        "synonyms: {fool: [trick]}\nquestions:\n"
        "  - {id: q1, kind: true_false, prompt: P, answer: false, tags: {difficulty: easy}}\n"
    )
    bank = load_bank(path)
    q1, inc = (bq.question for bq in bank.questions)
    assert (q1.id, q1.points, q1.tags.topic, q1.tags.difficulty) == ("q1", 2, "gans", "easy")
    assert (inc.id, inc.points, inc.tags.topic, inc.tags.difficulty) == ("inc", 2, "gans", "hard")
    assert bank.synonyms == {}  # no kind of this bank matches words: nothing to index
    assert len(bank.content_hash) == 64


def test_content_hash_changes_with_content(write_bank) -> None:  # type: ignore[no-untyped-def]
    a = load_bank(write_bank(HEADER + "questions:\n  - {id: q, kind: true_false, prompt: P, answer: true}\n"))
    b = load_bank(
        write_bank(HEADER + "questions:\n  - {id: q, kind: true_false, prompt: P, answer: false}\n", "b.yaml")
    )
    assert a.content_hash != b.content_hash


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        (
            "  - id: q\n    kind: nosuch\n    prompt: P\n",
            ":6:11: unknown kind 'nosuch' (known kinds: choice, code, generation, matching, numeric",
        ),
        ("  - id: q\n    prompt: P\n", ":5:5: question has no kind"),
        (
            "  - {id: q, kind: true_false, prompt: P, answer: true}\n  - {id: q, kind: true_false, prompt: P, answer: 1}\n",
            ":6:5: duplicate question id 'q' (first at",
        ),
        (
            "  - id: q\n    kind: numeric\n    prompt: P\n    answer: 1\n    tolerance: {rel: 2}\n",
            ":9:22: tolerance.rel: Input should be less than 1",
        ),
        (
            "  - id: q\n    kind: numeric\n    prompt: P\n    answer: 1\n    tolerance: {}\n",
            ":9:16: tolerance: a tolerance needs abs, rel or sig_figs",
        ),
        (
            "  - id: q\n    kind: numeric\n    prompt: P\n    parameters: {n: {int: [1, 5]}}\n    answer: 'k / n'\n",
            ":9:13: answer: unknown name 'k' in formula 'k / n' (parameters: n)",
        ),
        (
            "  - id: q\n    kind: numeric\n    prompt: 'x is {{ y }}'\n    answer: 1\n",
            ":7:13: prompt: unknown name 'y'",
        ),
        (
            "  - id: q\n    kind: true_false\n    prompt: P\n    answer: yes please\n",
            ":8:13: answer: Input should be a valid boolean",
        ),
        (
            "  - id: q\n    kind: true_false\n    prompt: P\n    answer: true\n    points: -1\n",
            ":9:13: points: Input should be greater than 0",
        ),
        (
            "  - id: q\n    kind: true_false\n    prompt: P\n    answer: true\n    colour: red\n",
            ":9:13: unknown field 'colour' (fields of kind 'true_false'",
        ),
        ("  - id: q\n    kind: true_false\n    answer: true\n", ":5:5: missing required field 'prompt'"),
        (
            "  - id: 'bad id!'\n    kind: true_false\n    prompt: P\n    answer: true\n",
            ":5:9: id: String should match pattern",
        ),
        (
            "  - id: q\n    kind: numeric\n    prompt: P\n    parameters: {n: {int: [1, 5]}}\n    constraints: ['n > 10']\n    answer: n\n",
            "no values satisfying",
        ),
        (
            "  - id: q\n    kind: numeric\n    prompt: P\n    parameters: {n: {int: [0, 3]}}\n    answer: '1 / n'\n",
            "cannot evaluate",
        ),
        (
            "  - id: q\n    kind: text\n    prompt: P\n    rubric: {design: 'a rubric design', criteria: [{id: c, points: 1, regex: '(('}]}\n",
            "invalid regex",
        ),
        (
            "  - id: q\n    kind: matching\n    prompt: P\n    pairs: {a: x, b: y}\n    distractors: [x]\n",
            "distractor 'x' is also",
        ),
        (
            "  - id: q\n    kind: true_false\n    prompt: P\n    answer: true\n    visibility: secret\n",
            ":9:17: visibility",
        ),
    ],
)
def test_errors_are_located(write_bank, questions: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    path = write_bank(HEADER + "questions:\n" + questions)
    messages = errors_of(path)
    assert any(expected in m for m in messages), messages
    assert all(m.startswith(str(path)) for m in messages)


def test_all_errors_reported_at_once(write_bank) -> None:  # type: ignore[no-untyped-def]
    path = write_bank(
        HEADER + "questions:\n  - {id: a, kind: nosuch, prompt: P}\n  - {id: b, kind: true_false, prompt: P}\n"
    )
    assert len(errors_of(path)) == 2


def test_include_errors(write_bank) -> None:  # type: ignore[no-untyped-def]
    write_bank("include: [bank.yaml]\nquestions: []\n", "_loop.yaml")
    path = write_bank(HEADER + "include: [_loop.yaml, _missing.yaml]\nquestions: []\n")
    messages = errors_of(path)
    assert any("include cycle" in m for m in messages)
    assert any(":4:23: included file '_missing.yaml' not found" in m for m in messages)


def test_header_errors(write_bank) -> None:  # type: ignore[no-untyped-def]
    assert any("missing required field 'title'" in m for m in errors_of(write_bank("id: b\nversion: 1\n")))
    assert any("defaults may set" in m for m in errors_of(write_bank(HEADER + "defaults: {prompt: x}\n")))


def test_duplicate_ids_across_banks(write_bank) -> None:  # type: ignore[no-untyped-def]
    q = "questions:\n  - {id: q, kind: true_false, prompt: P, answer: true}\n"
    a = write_bank(HEADER + q, "a.yaml")
    b = write_bank("id: c\ntitle: T\nversion: 1\n" + q, "b.yaml")
    with pytest.raises(BankErrors, match="duplicate question id 'q'"):
        load_banks([a, b])


TEXT_3_CRITERIA = """\
  - id: t1
    kind: text
    prompt: Explain a GAN.
    rubric:
      design: One point per idea; three ideas make a full answer.
      criteria:
        - {id: a, points: 1, any_of: [generator]}
        - {id: b, points: 1, any_of: [discriminator]}
        - {id: c, points: 1, any_of: [fool]}
"""

CODE_2_TESTS = """\
  - id: c1
    kind: code
    prompt: Write add.
    file: solution.py
    reference: reference.py
    tests:
      - {id: one, call: add, args: [1, 2]}
      - {id: two, call: add, args: [2, 3]}
"""


@pytest.mark.parametrize(("question", "parts"), [(TEXT_3_CRITERIA, 3), (CODE_2_TESTS, 2)], ids=["text", "code"])
def test_points_inherited_from_defaults_that_disagree_with_the_parts_are_a_warning(  # type: ignore[no-untyped-def]
    write_bank, question: str, parts: int
) -> None:
    write_bank("def add(a, b):\n    return a + b\n", "reference.py")
    path = write_bank(HEADER + "defaults:\n  points: 1\nquestions:\n" + question)

    bank = load_bank(path)

    (warning,) = bank.warnings
    assert warning.startswith(f"{path}:7:5: question")
    assert f"gets points: 1 from the bank's defaults, but its criteria/tests add up to {parts}" in warning
    assert bank.questions[0].question.max_points == 1  # a warning: the bank still loads as written


@pytest.mark.parametrize(
    "defaults",
    ["defaults: {points: 3}\n", "defaults: {visibility: public}\n"],
    ids=["defaults-agree", "no-points-in-defaults"],
)
def test_points_that_agree_or_are_derived_give_no_warning(write_bank, defaults: str) -> None:  # type: ignore[no-untyped-def]
    bank = load_bank(write_bank(HEADER + defaults + "questions:\n" + TEXT_3_CRITERIA))

    assert bank.warnings == ()


def test_points_written_on_the_question_are_the_authors_decision(write_bank) -> None:  # type: ignore[no-untyped-def]
    question = TEXT_3_CRITERIA.replace("    kind: text\n", "    kind: text\n    points: 2\n")

    bank = load_bank(write_bank(HEADER + "defaults: {points: 1}\nquestions:\n" + question))

    assert bank.warnings == ()
    assert bank.questions[0].question.max_points == 2


def test_validate_prints_the_points_warning(write_bank) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from harness.cli import main

    path = write_bank(HEADER + "defaults:\n  points: 1\nquestions:\n" + TEXT_3_CRITERIA)

    result = CliRunner().invoke(main, ["validate", str(path)])

    assert f"warning: {path}:7:5: question 't1' gets points: 1 from the bank's defaults" in result.output


def test_the_docs_example_does_not_put_points_in_defaults() -> None:
    """The bank-format example is what people copy: `defaults: points: 1` there once turned
    every multi-criterion question of a copied bank into a 1-point one."""
    import yaml

    from tests.conftest import REPO

    text = (REPO / "docs" / "bank-format.md").read_text(encoding="utf-8")
    example = yaml.safe_load(text.split("```yaml\n", 1)[1].split("```", 1)[0])

    assert "points" not in example["defaults"]


def test_the_kinds_of_a_bank_index_its_synonyms_across_includes(write_bank) -> None:  # type: ignore[no-untyped-def]
    write_bank("synonyms: {D: [critic]}\nquestions: []\n", "_part.yaml")
    path = write_bank(HEADER + "include: [_part.yaml]\nsynonyms: {Fool: [trick]}\nquestions:\n" + TEXT_3_CRITERIA)
    synonyms = load_bank(path).synonyms  # the text kind's index: normalized, symmetric
    assert synonyms["fool"] == ("trick",) and synonyms["trick"] == ("fool",)
    assert synonyms["critic"] == ("d",)


class _Probed:
    """A kind outside the registry: the loader needs only the BankKind protocol."""

    name = "true_false"
    model = TrueFalseQuestion
    probed: ClassVar[list[dict[str, object]]] = []

    def probe(self, question: Question, variant: Variant) -> None:
        self.probed.append(dict(variant.values))
        if variant.values.get("n") == 3:
            raise ExpressionError("three is not allowed")

    def synonym_index(self, declared: Mapping[str, list[str]]) -> Mapping[str, tuple[str, ...]]:
        return {"x": ("y",)}


class _Lookup:
    def get(self, name: str) -> _Probed:
        if name != "true_false":
            raise UnknownPluginError(f"unknown kind {name!r}")
        return _Probed()

    def names(self) -> list[str]:
        return ["true_false"]


def test_the_loader_asks_the_kind_to_probe_its_formulas(write_bank) -> None:  # type: ignore[no-untyped-def]
    question = "  - {id: q, kind: true_false, prompt: 'n is {n}', answer: true, parameters: {n: {int: [3, 3]}}}\n"
    with pytest.raises(BankErrors, match="three is not allowed"):
        loader.load_bank(write_bank(HEADER + "questions:\n" + question), _Lookup())
    assert _Probed.probed and _Probed.probed[0]["n"] == 3
    plain = loader.load_bank(
        write_bank(HEADER + "questions:\n  - {id: q, kind: true_false, prompt: P, answer: true}\n"), _Lookup()
    )
    assert isinstance(plain.questions[0].kind, _Probed) and plain.synonyms == {"x": ("y",)}


def test_bank_loading_imports_no_kind() -> None:
    code = "import sys, harness.bank.loader; print(sorted(m for m in sys.modules if m.startswith('harness.kinds')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
