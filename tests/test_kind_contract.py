"""The common contract: every registered question kind, built-in or third-party, must pass."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from harness.bank.variants import draw_variant
from harness.evidence import UngradedEvidence
from harness.kinds import MISSING, GradeContext, QuestionKind, kind_registry
from harness.kinds.lifecycle import RunOptions, RunResources, RunScope
from harness.results import QuestionResult, Status

GROUP = "kinds"  # tests/plugins/test_contract_modules.py finds this module by it
KINDS = kind_registry().names()
NOT_AN_ANSWER = {"__not_an_answer__": [[1]]}


@pytest.fixture(scope="module")
def resources(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunResources]:
    """Every kind opens its run scope for its example, as in a grading run (a kind that runs
    code gets a real sandbox, the default one)."""
    options = RunOptions("grade", cache_dir=tmp_path_factory.mktemp("cache"))
    scopes: list[RunScope] = []
    try:
        for name in KINDS:
            kind = kind_registry().get(name)
            scope = kind.open_run([kind.model.model_validate(kind.example.question)], options)
            if scope is not None:
                scopes.append(scope)
        yield RunResources(scopes)
    finally:
        for scope in scopes:
            scope.close()


@pytest.fixture
def setup(resources: RunResources):  # type: ignore[no-untyped-def]
    def make(name: str) -> tuple[QuestionKind[Any], Any, GradeContext]:
        kind = kind_registry().get(name)
        question = kind.model.model_validate(kind.example.question)
        variant = draw_variant(question, "bank", "student-1")
        return kind, question, GradeContext("student-1", "bank", variant, resources=resources)

    return make


def test_all_builtin_kinds_are_registered() -> None:
    assert {"choice", "true_false", "numeric", "text", "matching", "ordering"} <= set(KINDS)


@pytest.mark.parametrize("name", KINDS)
def test_model_declares_its_kind_name(name: str) -> None:
    kind = kind_registry().get(name)
    assert kind.name == name
    assert kind.model.model_fields["kind"].default == name
    assert kind.model.model_json_schema()["properties"]["kind"]


@pytest.mark.parametrize("name", KINDS)
def test_right_answer_earns_full_points(setup, name: str) -> None:  # type: ignore[no-untyped-def]
    kind, question, ctx = setup(name)
    result = kind.grade(question, kind.example.right, ctx)
    assert result.status is Status.CORRECT, result.feedback
    assert result.score == result.max_score == question.max_points


@pytest.mark.parametrize("name", KINDS)
def test_wrong_answer_earns_less(setup, name: str) -> None:  # type: ignore[no-untyped-def]
    kind, question, ctx = setup(name)
    result = kind.grade(question, kind.example.wrong, ctx)
    assert result.status in (Status.INCORRECT, Status.PARTIAL)
    assert 0 <= result.score < result.max_score


@pytest.mark.parametrize("name", KINDS)
@pytest.mark.parametrize("raw", [MISSING, None, ""])
def test_missing_answer(setup, name: str, raw: Any) -> None:  # type: ignore[no-untyped-def]
    kind, question, ctx = setup(name)
    result = kind.grade(question, raw, ctx)
    assert result.status is Status.MISSING
    assert result.score == 0


@pytest.mark.parametrize("name", KINDS)
def test_wrong_shape_is_invalid_with_a_message(setup, name: str) -> None:  # type: ignore[no-untyped-def]
    kind, question, ctx = setup(name)
    result = kind.grade(question, NOT_AN_ANSWER, ctx)
    assert result.status is Status.INVALID
    assert result.score == 0
    assert result.feedback and result.feedback[0]


@pytest.mark.parametrize("name", KINDS)
def test_grading_is_deterministic_and_json_safe(setup, name: str) -> None:  # type: ignore[no-untyped-def]
    kind, question, ctx = setup(name)
    first = kind.grade(question, kind.example.wrong, ctx).model_dump(mode="json")
    second = kind.grade(question, kind.example.wrong, ctx).model_dump(mode="json")
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert "expected" in first["evidence"]


@pytest.mark.parametrize("name", KINDS)
def test_evidence_is_the_kinds_model_and_reads_back_as_it(setup, name: str) -> None:  # type: ignore[no-untyped-def]
    kind, question, ctx = setup(name)
    for raw in (kind.example.right, kind.example.wrong):
        result = kind.grade(question, raw, ctx)
        assert type(result.evidence) is kind.evidence_model, result.feedback
        again = QuestionResult.model_validate_json(result.model_dump_json())
        assert type(again.evidence) is kind.evidence_model and again == result
    ungraded = kind.grade(question, NOT_AN_ANSWER, ctx).evidence
    assert isinstance(ungraded, UngradedEvidence)


@pytest.mark.parametrize("name", KINDS)
def test_unknown_fields_are_rejected(name: str) -> None:
    kind = kind_registry().get(name)
    with pytest.raises(ValueError, match="colour"):
        kind.model.model_validate({**kind.example.question, "colour": "red"})
