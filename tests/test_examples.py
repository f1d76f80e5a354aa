"""Example answers: `harness validate` grades them with the real kind and reports mismatches.

The course banks ship examples for every `text` question (right answers, paraphrases and the
lecture's misconceptions); the last tests here hold the rubrics to them.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness.api import check_examples, load
from harness.bank.variants import draw_variant
from harness.cli import main
from harness.errors import BankErrors
from harness.grading.examples import ExampleResult
from harness.kinds import load_bank

REPO = Path(__file__).resolve().parent.parent
TEXT_BANKS = sorted((REPO / "question_bank").glob("*.yaml"))

# A keyword rubric of the kind the issue describes: it pays for the word BLEU wherever it
# appears, so "BLEU is recall based" (a misconception: BLEU is precision-based) gets full
# marks, and it knows only one wording of the right idea.
BLEU_BANK = """\
id: metrics
title: Metrics
version: "1"
questions:
  - id: bleu
    kind: text
    prompt: What does BLEU measure?
    rubric:
      design: One mark for n-gram overlap with references, one for precision.
      criteria:
        - {id: overlap, points: 1, any_of: ["n-gram overlap"]}
        - {id: precision, points: 1, any_of: [bleu, precision]}
    examples:
      - answer: BLEU measures n-gram overlap with the references; it is precision based.
        score: 2
      - answer: BLEU is recall based; it measures n-gram overlap with the references.
        score: 1
        note: "misconception: BLEU counts the candidate's n-grams found in the references"
      - answer: It counts how many of the output's word sequences also occur in the references.
        score: [1, 2]
        note: paraphrase of n-gram precision
"""


def write(tmp_path: Path, text: str, name: str = "bank.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def results_of(path: Path) -> list[ExampleResult]:
    return check_examples([load_bank(path)])


def test_a_rubric_that_rewards_a_misconception_is_reported_at_the_example(tmp_path: Path) -> None:
    path = write(tmp_path, BLEU_BANK)

    first, misconception, paraphrase = results_of(path)

    assert first.ok and first.score == 2
    assert not misconception.ok and misconception.score == 2
    assert misconception.message == (
        f"{path}:16:9: question 'bleu', example 2: scored 2/2, expected 1 (criteria met: overlap, precision)"
    )
    assert not paraphrase.ok and paraphrase.score == 0  # the rubric misses the paraphrase
    assert paraphrase.message.startswith(f"{path}:19:9: question 'bleu', example 3: scored 0/2, expected 1 to 2")


def test_validate_exits_non_zero_with_one_located_line_per_mismatch(tmp_path: Path) -> None:
    path = write(tmp_path, BLEU_BANK)

    result = CliRunner().invoke(main, ["validate", str(path)])

    assert result.exit_code != 0
    located = [line for line in result.output.splitlines() if re.match(rf"BAD {re.escape(str(path))}:\d+:\d+: ", line)]
    assert [line.split(": ")[1] for line in located] == ["question 'bleu', example 2", "question 'bleu', example 3"]
    assert "BAD examples: 1 of 3 as written" in result.output


def test_validate_passes_when_every_example_scores_as_written(tmp_path: Path) -> None:
    fixed = BLEU_BANK.replace(
        """        - {id: precision, points: 1, any_of: [bleu, precision]}""",
        """        - {id: precision, points: 1, any_of: [precision, [output, references]]}
        - {id: recall, points: -1, any_of: ["recall based", "recall oriented"]}""",
    ).replace('any_of: ["n-gram overlap"]', 'any_of: ["n-gram overlap", "word sequences"]')
    path = write(tmp_path, fixed)

    result = CliRunner().invoke(main, ["validate", str(path)])

    assert result.exit_code == 0, result.output
    assert "ok  examples: 3 of 3 as written" in result.output


KINDS_BANK = """\
id: kinds
title: Every kind that takes an answer
version: "1"
questions:
  - id: pick
    kind: choice
    select: many
    prompt: Which are generative?
    options:
      - {id: a, text: GAN, correct: true}
      - {id: b, text: VAE, correct: true}
      - {id: c, text: Logistic regression}
    examples:
      - {answer: [a, b], score: 1}
      - {answer: [a], score: 0.5}
      - {answer: [a, c], score: 0}  # right_minus_wrong: 1/2 - 1/1 < 0
  - id: tf
    kind: true_false
    prompt: A token is always one word.
    answer: false
    examples:
      - {answer: "no", score: 1}
      - {answer: true, score: 0}
  - id: num
    kind: numeric
    prompt: P(X = 1) for p = 0.3?
    answer: 0.3
    tolerance: {abs: 0.001}
    examples:
      - {answer: 30%, score: 1}
      - {answer: 3/10, score: 1}
      - {answer: 0.7, score: 0}
  - id: match
    kind: matching
    prompt: Match
    pairs: {VAE: latent, GAN: adversarial}
    examples:
      - {answer: {VAE: latent, GAN: adversarial}, score: 1}
      - {answer: {VAE: adversarial, GAN: adversarial}, score: 0.5}
  - id: order
    kind: ordering
    prompt: Order the pipeline
    items: [tokenize, embed, attend, predict]
    scoring: exact
    examples:
      - {answer: [tokenize, embed, attend, predict], score: 1}
      - {answer: [embed, tokenize, attend, predict], score: 1}
"""


def test_every_kind_that_takes_an_answer_grades_its_examples(tmp_path: Path) -> None:
    results = results_of(write(tmp_path, KINDS_BANK))

    wrong = [(r.question_id, r.number, r.score) for r in results if not r.ok]
    assert wrong == [("order", 2, 0.0)]  # `scoring: exact` gives a swapped pair nothing
    assert len(results) == 12


PARAMETERISED = """\
id: params
title: Parameters
version: "1"
questions:
  - id: mle
    kind: numeric
    parameters: {n: {int: [10, 40]}, k: {int: [1, 9]}}
    prompt: "{{ k }} heads in {{ n }} flips: the MLE of p?"
    answer: "k / n"
    tolerance: {abs: 0.001}
    examples:
      - {answer: 0.5, score: 0}
      - {answer: ANSWER, score: 1, student: s042}
      - {answer: ANSWER, score: 1, student: s043}
"""


def test_parameterised_examples_name_the_student_whose_variant_they_answer(tmp_path: Path) -> None:
    bank = load_bank(write(tmp_path, PARAMETERISED.replace("ANSWER", "0")))
    values = draw_variant(bank.questions[0].question, "params", "s042").values
    path = write(tmp_path, PARAMETERISED.replace("ANSWER", str(values["k"] / values["n"])))

    unnamed, right, other_student = results_of(path)

    assert unnamed.problem is not None and "student: ID" in unnamed.problem
    assert unnamed.location == f"{path}:12:9"
    assert right.ok
    other = draw_variant(bank.questions[0].question, "params", "s043").values
    assert other_student.ok is (abs(other["k"] / other["n"] - values["k"] / values["n"]) <= 0.001)


def test_unusable_examples_are_reported_not_graded(tmp_path: Path) -> None:
    reference = REPO / "harness" / "kinds" / "examples" / "mean_reference.py"
    path = write(
        tmp_path,
        f"""\
        id: odd
        title: Odd examples
        version: "1"
        questions:
          - id: tf
            kind: true_false
            prompt: P
            answer: true
            examples:
              - {{answer: true, score: 2}}
          - id: code
            kind: code
            prompt: Write mean
            file: stats.py
            reference: {reference}
            tests: [{{id: t, call: mean, args: [[1.0]]}}]
            examples:
              - {{answer: stats.py, score: 1}}
        """,
    )

    too_many, code = results_of(path)

    assert too_many.problem == "score 2 is more than the question's 1 points"
    assert code.problem is not None and "validate --solutions" in code.problem
    assert not too_many.ok and not code.ok


def test_a_score_range_must_be_ordered_and_not_negative(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        id: bad
        title: Bad
        version: "1"
        questions:
          - {id: tf, kind: true_false, prompt: P, answer: true, examples: [{answer: true, score: [1, 0]}]}
        """,
    )
    with pytest.raises(BankErrors) as info:
        load_bank(path)
    assert "score [1, 0] is not a range of points >= 0" in str(info.value)


def test_examples_do_not_change_the_bank_hash(tmp_path: Path) -> None:
    plain = load_bank(write(tmp_path, BLEU_BANK.split("    examples:")[0], "plain.yaml"))
    with_examples = load_bank(write(tmp_path, BLEU_BANK))
    assert plain.content_hash == with_examples.content_hash


# --- the course banks --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def course_results() -> list[ExampleResult]:
    banks = [path for path in TEXT_BANKS if "kind: text" in path.read_text(encoding="utf-8")]
    return check_examples(load(banks))


def test_every_course_example_scores_as_written(course_results: list[ExampleResult]) -> None:
    wrong = [r.message for r in course_results if not r.ok]
    assert not wrong, "\n".join(wrong)


def test_every_course_text_question_has_right_paraphrased_and_wrong_examples(
    course_results: list[ExampleResult],
) -> None:
    banks = load([path for path in TEXT_BANKS if "kind: text" in path.read_text(encoding="utf-8")])
    for bank in banks:
        for bq in bank.questions:
            if bq.kind.name != "text":
                continue
            question = bq.question
            scores = [(e.score if isinstance(e.score, tuple) else (e.score, e.score)) for e in question.examples]
            assert sum(low >= question.max_points for low, _ in scores) >= 2, f"{question.id}: two full-marks answers"
            assert any(high < question.max_points for _, high in scores), f"{question.id}: a wrong answer"
            notes = " ".join(e.note or "" for e in question.examples)
            assert "misconception" in notes, f"{question.id}: an example of a misconception from the lectures"


def test_examples_of_an_included_part_are_located_in_that_part(tmp_path: Path) -> None:
    part = write(
        tmp_path,
        "questions:\n  - id: b\n    kind: true_false\n    prompt: P\n    answer: false\n"
        "    examples:\n      - {answer: true, score: 0}\n      - {answer: true, score: 1}\n",
        "_part.yaml",
    )
    path = write(tmp_path, 'id: inc\ntitle: T\nversion: "1"\ninclude: [_part.yaml]\n')

    right, wrong = results_of(path)

    assert right.ok and not wrong.ok
    assert wrong.location.endswith(f"{part.name}:8:9") and Path(wrong.location.rsplit(":", 2)[0]).resolve() == part
