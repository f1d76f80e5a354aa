"""Do the `text` rubrics agree with a careful human grader?

Two hand-scored answer sets are graded with the banks' rubrics and compared with the human
scores. Each covers every `kind: text` question in question_bank/, and every human score was
fixed before any answer was run through a rubric.

tests/data/text_agreement.yaml (in-sample: the rubrics were tuned against it) holds six answers
per question (excellent, terse, partial, misconception, keyword-stuffed, off-topic). It must meet:

(a) at least 85% of answers are within 0.25 x the question's points of the human score;
(b) no answer is more than 0.5 x the points away;
(c) over all answers, the quadratic-weighted kappa or the Pearson correlation of the
    rubric and human scores (as fractions of the points) is at least 0.85.

tests/data/text_agreement_heldout.yaml (out-of-sample: written later, without reading the
rubrics or the in-sample answers; never to be used for tuning) holds four answers per question
(strong, partial, misconception, weak/off-target). It must meet:

(a) at least 75% of answers are within 0.25 x the points of the human score;
(b) no answer is more than 0.6 x the points away;
(c) the Pearson correlation is at least 0.8.

On failure the message is a table of the disagreements.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from harness.api import load
from harness.bank.variants import draw_variant
from harness.kinds import GradeContext, LoadedBank, LoadedQuestion

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data" / "text_agreement.yaml"
HELDOUT = REPO / "tests" / "data" / "text_agreement_heldout.yaml"
STUDENT = "agreement-check"

QWK_LEVELS = 4  # kappa bins scores to quarters of the points: 0, 1/4, 1/2, 3/4, 1


@dataclass(frozen=True)
class Thresholds:
    close: float  # (a) "close" means within this fraction of the question's points ...
    close_share: float  # ... for at least this share of the answers
    far: float  # (b) further apart than this fraction of the points ...
    far_share: float  # ... for no more than this share of the answers
    correlation: float  # (c) this correlation, at least
    kappa_counts: bool  # (c) True: kappa or Pearson r may reach it; False: Pearson r must
    answers_per_question: int


IN_SAMPLE = Thresholds(
    close=0.25, close_share=0.85, far=0.5, far_share=0.0, correlation=0.85, kappa_counts=True, answers_per_question=6
)
# Out of sample, keyword rubrics cannot check that the right words are used coherently
# (an answer about the wrong kind of "sampling" can still hit its terms), so a few far
# misses are expected: at most 5% of answers, and the correlation must stay high.
HELD_OUT = Thresholds(
    close=0.25, close_share=0.75, far=0.6, far_share=0.05, correlation=0.8, kappa_counts=False, answers_per_question=4
)


@dataclass
class Graded:
    question: str
    answer: str
    points: float
    human: float
    rubric: float

    @property
    def gap(self) -> float:
        return abs(self.rubric - self.human) / self.points


def _text_questions() -> dict[str, tuple[LoadedBank, LoadedQuestion]]:
    found = {}
    for bank in load([REPO / "question_bank"]):
        for bq in bank.questions:
            if bq.question.kind == "text":
                found[bq.question.id] = (bank, bq)
    return found


def _grade_file(path: Path, answers_per_question: int) -> list[Graded]:
    questions = _text_questions()
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    listed = [case["question"] for case in cases]
    assert sorted(listed) == sorted(questions), (
        f"{path.name} must cover every text question exactly once; "
        f"missing {sorted(set(questions) - set(listed))}, unknown {sorted(set(listed) - set(questions))}"
    )
    rows = []
    for case in cases:
        bank, bq = questions[case["question"]]
        q = bq.question
        assert len(case["answers"]) == answers_per_question, f"{q.id}: expected {answers_per_question} answers"
        for answer in case["answers"]:
            human = float(answer["human"])
            assert 0 <= human <= q.max_points, f"{q.id}: human score {human} outside [0, {q.max_points}]"
            ctx = GradeContext(STUDENT, bank.id, draw_variant(q, bank.id, STUDENT), synonyms=bank.synonyms)
            result = bq.kind.grade(q, answer["text"], ctx)
            rows.append(Graded(q.id, answer["text"], q.max_points, human, result.score))
    return rows


@pytest.fixture(scope="module")
def graded() -> list[Graded]:
    return _grade_file(DATA, IN_SAMPLE.answers_per_question)


@pytest.fixture(scope="module")
def graded_heldout() -> list[Graded]:
    return _grade_file(HELDOUT, HELD_OUT.answers_per_question)


def pearson(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sx = math.sqrt(sum((x - mx) ** 2 for x in xs))
    sy = math.sqrt(sum((y - my) ** 2 for y in ys))
    return cov / (sx * sy) if sx and sy else 0.0


def quadratic_weighted_kappa(a: list[int], b: list[int], levels: int) -> float:
    """Cohen's kappa with quadratic weights for ratings in 0..levels."""
    k, n = levels + 1, len(a)
    observed = [[0.0] * k for _ in range(k)]
    for x, y in zip(a, b, strict=True):
        observed[x][y] += 1
    hist_a = [sum(row) for row in observed]
    hist_b = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            weight = (i - j) ** 2 / (k - 1) ** 2
            num += weight * observed[i][j]
            den += weight * hist_a[i] * hist_b[j] / n
    return 1.0 - num / den if den else 1.0


def _bin(score: float, points: float) -> int:
    return round(QWK_LEVELS * score / points)


def _table(rows: list[Graded]) -> str:
    lines = [f"{'question':<30} {'human':>5} {'rubric':>6} {'gap':>5}  answer"]
    for r in sorted(rows, key=lambda r: (r.question, -r.gap)):
        text = " ".join(r.answer.split())
        text = text if len(text) <= 90 else text[:87] + "..."
        lines.append(f"{r.question:<30} {r.human:>5.2f} {r.rubric:>6.2f} {r.gap:>5.0%}  {text}")
    return "\n".join(lines)


def _check_agreement(graded: list[Graded], t: Thresholds) -> None:
    n = len(graded)
    close = sum(r.gap <= t.close + 1e-9 for r in graded)
    far = [r for r in graded if r.gap > t.far + 1e-9]
    human = [r.human / r.points for r in graded]
    rubric = [r.rubric / r.points for r in graded]
    r_value = pearson(human, rubric)
    kappa = quadratic_weighted_kappa(
        [_bin(r.human, r.points) for r in graded], [_bin(r.rubric, r.points) for r in graded], QWK_LEVELS
    )
    need = f"need either >= {t.correlation}" if t.kappa_counts else f"need Pearson r >= {t.correlation}"
    summary = (
        f"{n} answers over {len({r.question for r in graded})} questions: "
        f"{close}/{n} ({close / n:.1%}) within {t.close:.0%} of points (need {t.close_share:.0%}); "
        f"{len(far)} more than {t.far:.0%} apart (need at most {t.far_share:.0%} of answers); "
        f"Pearson r = {r_value:.3f}, quadratic-weighted kappa = {kappa:.3f} ({need})"
    )
    print(summary)
    failures = []
    if close / n < t.close_share:
        failures.append("(a) too few answers close to the human score")
    if len(far) > t.far_share * n:
        failures.append("(b) some answers far from the human score")
    if (max(r_value, kappa) if t.kappa_counts else r_value) < t.correlation:
        failures.append("(c) rubric and human scores correlate too weakly")
    disagreements = [r for r in graded if r.gap > t.close + 1e-9]
    assert not failures, (
        f"{'; '.join(failures)}\n{summary}\n\nDisagreements (gap > {t.close:.0%} of points):\n{_table(disagreements)}"
    )


def test_rubrics_agree_with_human_grader(graded: list[Graded]) -> None:
    _check_agreement(graded, IN_SAMPLE)


def test_rubrics_agree_on_heldout_answers(graded_heldout: list[Graded]) -> None:
    """Out-of-sample: never tune rubrics on tests/data/text_agreement_heldout.yaml."""
    _check_agreement(graded_heldout, HELD_OUT)
