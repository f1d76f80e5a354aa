"""Unit tests per kind: credit policies, tolerances, rubric matching, answer parsing."""

from __future__ import annotations

from typing import Any

import pytest

from harness.bank.variants import Variant
from harness.kinds import GradeContext, kind_registry
from harness.kinds.numeric import parse_number, round_sig
from harness.kinds.ordering import order_credit
from harness.kinds.text import cosine_similarity, normalize_text, synonym_table
from harness.results import Status


def grade(question: dict[str, Any], answer: Any, synonyms: dict[str, list[str]] | None = None, **ctx: Any):  # type: ignore[no-untyped-def]
    kind = kind_registry().get(question["kind"])
    q = kind.model.model_validate({"id": "q", "prompt": "?", **question})
    context = GradeContext(
        "s1", "b", ctx.pop("variant", Variant("b/q/s1")), synonyms=synonym_table(synonyms or {}), **ctx
    )
    return kind.grade(q, answer, context)


MANY = {
    "kind": "choice",
    "select": "many",
    "options": [
        {"id": "a", "text": "A", "correct": True},
        {"id": "b", "text": "B", "correct": True},
        {"id": "c", "text": "C"},
        {"id": "d", "text": "D", "feedback": "D is a distractor."},
    ],
}


@pytest.mark.parametrize(
    ("policy", "answer", "score"),
    [
        # right_minus_wrong: |chosen ∩ C|/|C| - |chosen ∩ W|/|W|, floored at 0
        ("right_minus_wrong", ["a", "b"], 1.0),
        ("right_minus_wrong", ["a"], 0.5),
        ("right_minus_wrong", ["a", "c"], 0.0),  # 1/2 - 1/2
        ("right_minus_wrong", ["a", "b", "c"], 0.5),  # 1 - 1/2
        ("right_minus_wrong", ["a", "b", "c", "d"], 0.0),  # choosing everything earns nothing
        ("all_or_nothing", ["a"], 0.0),
        ("all_or_nothing", ["b", "a"], 1.0),
        ("per_option", ["a"], 0.75),  # a right, b wrong, c right, d right
        ("per_option", ["c", "d"], 0.0),
    ],
)
def test_choice_partial_credit_policies(policy: str, answer: list[str], score: float) -> None:
    assert grade({**MANY, "partial_credit": policy}, answer).score == pytest.approx(score)


def test_choice_answer_forms_and_feedback() -> None:
    assert grade(MANY, "A, B").status is Status.CORRECT  # comma string, case-insensitive ids
    result = grade(MANY, ["a", "d"])
    assert "D is a distractor." in result.feedback
    assert result.evidence.model_dump()["chosen"] == ["a", "d"]
    unknown = grade(MANY, ["z"])
    assert unknown.status is Status.INVALID and "unknown option 'z'" in unknown.feedback[0]


def test_choice_one_needs_exactly_one_correct_option() -> None:
    kind = kind_registry().get("choice")
    with pytest.raises(ValueError, match="exactly one correct"):
        kind.model.model_validate({**MANY, "id": "q", "prompt": "?", "select": "one"})


def test_choice_shuffle_is_per_student_and_stable() -> None:
    kind = kind_registry().get("choice")
    options = [{"id": f"o{i}", "text": str(i), "correct": i == 0} for i in range(6)]
    q = kind.model.model_validate({"id": "q", "kind": "choice", "prompt": "?", "options": options})
    orders = [kind.option_order(q, GradeContext(s, "b", Variant(f"b/q/{s}"))) for s in ("s1", "s2", "s3", "s1")]
    assert orders[0] == orders[3]  # stable for a student
    assert len({tuple(o) for o in orders if o}) > 1  # differs between students
    assert sorted(orders[0] or []) == [o["id"] for o in options]


@pytest.mark.parametrize(
    ("tolerance", "answer", "expected_status"),
    [
        ({"abs": 0.01}, 0.305, Status.CORRECT),
        ({"abs": 0.01}, 0.32, Status.INCORRECT),
        ({"rel": 0.05}, 0.314, Status.CORRECT),  # |0.314-0.3| = 0.014 <= 0.015
        ({"rel": 0.05}, 0.316, Status.INCORRECT),
        ({"sig_figs": 2}, 0.2951, Status.CORRECT),  # 0.30 == 0.30
        ({"sig_figs": 2}, 0.31, Status.INCORRECT),
    ],
)
def test_numeric_tolerances(tolerance: dict[str, float], answer: float, expected_status: Status) -> None:
    assert grade({"kind": "numeric", "answer": 0.3, "tolerance": tolerance}, answer).status is expected_status


@pytest.mark.parametrize(("raw", "value"), [("3/10", 0.3), ("30%", 0.3), ("3e-1", 0.3), (" 0.3 ", 0.3), ("−2", -2.0)])
def test_parse_number_forms(raw: str, value: float) -> None:
    assert parse_number(raw) == pytest.approx(value)


@pytest.mark.parametrize("raw", ["abc", "1/0", "nan", "inf", True, [1], {"a": 1}])
def test_parse_number_rejects(raw: Any) -> None:
    assert grade({"kind": "numeric", "answer": 1}, raw).status is Status.INVALID


def test_round_sig() -> None:
    assert round_sig(0.012345, 3) == 0.0123
    assert round_sig(12345.0, 2) == 12000.0
    assert round_sig(0.0, 3) == 0.0


def test_numeric_formula_uses_the_students_variant() -> None:
    question = {
        "kind": "numeric",
        "parameters": {"n": {"int": [10, 40]}, "k": {"int": [1, 9]}},
        "answer": "k / n",
        "tolerance": {"abs": 0.0005},
    }
    result = grade(question, 0.25, variant=Variant("b/q/s1", {"n": 20, "k": 5}))
    assert result.status is Status.CORRECT
    assert result.variant == {"n": 20, "k": 5}
    assert grade(question, 0.25, variant=Variant("b/q/s1", {"n": 20, "k": 6})).status is Status.INCORRECT


RUBRIC = {
    "kind": "text",
    "reference": "The generator produces fake samples and tries to fool the discriminator.",
    "rubric": {
        "design": "test rubric",
        "criteria": [
            {"id": "names", "points": 1, "all_of": ["generator", "discriminator"], "description": "names both"},
            {"id": "goal", "points": 1, "any_of": ["fool", ["realistic", "real looking"]], "must_not": ["not fool"]},
            {"id": "formula", "points": 1, "regex": r"min\s*max|minimax"},
            {
                "id": "myth",
                "points": -1,
                "any_of": ["discriminative model"],
                "description": "calls a GAN discriminative",
            },
        ],
    },
}


@pytest.mark.parametrize(
    ("answer", "score", "met"),
    [
        ("The generator tries to fool the discriminator; it is a minimax game.", 3, ["names", "goal", "formula"]),
        ("GENERATORS fooling DISCRIMINATORS", 2, ["names", "goal"]),  # case and endings
        ("The generator makes real-looking images for the discriminator.", 2, ["names", "goal"]),  # phrase synonym
        ("The generator does not fool the discriminator.", 1, ["names"]),  # must_not
        ("generator vs discriminator, a discriminative model", 0, ["names", "myth"]),  # penalty
        ("discriminator only", 0, []),  # all_of needs both
        ("It's a min max game", 1, ["formula"]),
    ],
)
def test_text_rubric(answer: str, score: float, met: list[str]) -> None:
    result = grade(RUBRIC, answer)
    assert result.score == score
    assert result.evidence.model_dump()["criteria_met"] == met


def test_text_bank_synonyms_are_symmetric() -> None:
    result = grade(
        RUBRIC, "The generator tries to deceive the critic", synonyms={"fool": ["deceive"], "discriminator": ["critic"]}
    )
    assert result.evidence.model_dump()["criteria_met"] == ["names", "goal"]


def test_text_similarity_ramp() -> None:
    question = {**RUBRIC, "similarity": {"points": 1, "zero_at": 0.2, "full_at": 0.6}}
    close = grade(question, "The generator produces fake samples to fool the discriminator")
    far = grade(question, "Bananas are yellow")
    assert close.evidence.model_dump()["similarity"] > 0.6 and far.evidence.model_dump()["similarity"] == 0
    assert close.max_score == 4 and close.score == 3  # names + goal + full similarity


def test_text_hidden_rubric_does_not_list_missing_criteria() -> None:
    assert not any("Missing" in line for line in grade(RUBRIC, "generator", reveal=False).feedback)
    assert any("Missing: names both" in line for line in grade(RUBRIC, "generator").feedback)


def test_normalize_and_similarity() -> None:
    assert normalize_text("Don't  STOP—the GAN's loss!") == "dont stop the gans loss"
    assert cosine_similarity("the cat sat", "the cat sat") == pytest.approx(1.0)
    assert cosine_similarity("", "anything") == 0.0


MATCHING = {
    "kind": "matching",
    "pairs": {"GAN": "adversarial", "VAE": "latent", "Transformer": "attention"},
    "distractors": ["trees"],
}


def test_matching_partial_credit() -> None:
    result = grade(MATCHING, {"gan": "Adversarial", "VAE": "trees"})
    assert result.score == pytest.approx(1 / 3)
    assert result.evidence.model_dump()["right"] == ["GAN"] and result.evidence.model_dump()["wrong"] == ["VAE"]
    assert grade(MATCHING, {"GAN": "nonsense"}).status is Status.INVALID
    assert grade(MATCHING, ["GAN"]).status is Status.INVALID


@pytest.mark.parametrize(
    ("given", "scoring", "credit"),
    [
        (["a", "b", "c", "d"], "pairs", 1.0),
        (["d", "c", "b", "a"], "pairs", 0.0),
        (["b", "a", "c", "d"], "pairs", 5 / 6),  # one of six pairs inverted
        (["b", "a", "c", "d"], "position", 0.5),
        (["b", "a", "c", "d"], "exact", 0.0),
    ],
)
def test_order_credit(given: list[str], scoring: str, credit: float) -> None:
    assert order_credit(["a", "b", "c", "d"], given, scoring) == pytest.approx(credit)


def test_ordering_requires_a_permutation() -> None:
    question = {"kind": "ordering", "items": ["a", "b", "c"]}
    assert grade(question, ["a", "b"]).status is Status.INVALID
    assert grade(question, ["a", "a", "b"]).status is Status.INVALID
    assert grade(question, ["A", "b", "c"]).status is Status.CORRECT


@pytest.mark.parametrize(
    ("raw", "status"), [(True, Status.CORRECT), ("yes", Status.CORRECT), ("F", Status.INCORRECT), (1, Status.INVALID)]
)
def test_true_false_answers(raw: Any, status: Status) -> None:
    assert grade({"kind": "true_false", "answer": True}, raw).status is status


def test_grader_bug_is_recorded_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    kind = kind_registry().get("true_false")

    def broken(*args: Any) -> Any:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(kind, "_grade", broken)
    result = grade({"kind": "true_false", "answer": True}, True)
    assert result.status is Status.ERROR and "ZeroDivisionError: boom" in result.feedback[0]


@pytest.mark.parametrize(
    ("answer", "bare"),
    [
        ("generator, discriminator, adversarial, real, fake, minimax", True),
        ("generator discriminator adversarial minimax fake real loss gradient", True),
        ("The generator tries to fool the discriminator, which learns to spot fakes.", False),
        ("generator, discriminator", False),  # short lists are judged by the rubric
        ("GANs: generator, discriminator, adversarial loss, minimax game, fake, real data.", False),
    ],
)
def test_keyword_stuffing_is_caught(answer: str, bare: bool) -> None:
    result = grade(RUBRIC, answer)
    assert result.evidence.model_dump().get("bare_list", False) is bare
    if bare:
        assert result.score == 0 and "list of terms" in result.feedback[0]


def test_lists_can_be_allowed() -> None:
    question = {**RUBRIC, "rubric": {**RUBRIC["rubric"], "allow_lists": True}}  # type: ignore[dict-item]
    assert grade(question, "generator, discriminator, adversarial, real, fake, minimax").score == 2
