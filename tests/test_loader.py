"""Bank loading: includes, defaults, and an error at file:line:col for every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.bank.loader import load_bank, load_banks
from harness.errors import BankError, BankErrors

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
    assert bank.synonyms["fool"] == ("trick",) and bank.synonyms["trick"] == ("fool",)
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
