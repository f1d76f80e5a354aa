"""The ``generation`` kind: outputs in a submission folder, scored with a suite, turned into points."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness import api
from harness.bank.variants import draw_variant
from harness.errors import BankErrors
from harness.evidence import GenerationEvidence
from harness.kinds import GradeContext, kind_registry, load_bank
from harness.kinds.generation import EXAMPLES, GenerationQuestion, SubmittedOutputs
from harness.results import QuestionResult, Status
from tests.conftest import REPO
from tests.suites.conftest import ITEMS, SUITES, jsonl

KIND = kind_registry().get("generation")


def question(**changes: Any) -> GenerationQuestion:
    return GenerationQuestion.model_validate({**KIND.example.question, **changes})


def grade(q: GenerationQuestion, raw: Any) -> QuestionResult:
    return KIND.grade(q, raw, GradeContext("student-1", "bank", draw_variant(q, "bank", "student-1")))


def submit(folder: Path, text: str | bytes, name: str = "outputs/translations.jsonl") -> SubmittedOutputs:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    found = KIND.answer_for(question(), {}, folder)
    assert isinstance(found, SubmittedOutputs)
    return found


def example_lines() -> list[str]:
    return (EXAMPLES / "right.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)


def test_scores_become_points_and_feedback_names_the_worst_samples() -> None:
    result = grade(question(), SubmittedOutputs(EXAMPLES / "wrong.jsonl"))
    assert result.status is Status.PARTIAL
    evidence = result.evidence
    assert isinstance(evidence, GenerationEvidence)
    assert evidence.suite == "example-translation v1" and evidence.samples == 4
    chrf, bleu = evidence.metrics
    assert chrf.signature.startswith("chrf|nrefs:var|bs:100|seed:0|")
    assert chrf.ci_low is not None and chrf.ci_high is not None
    assert chrf.ci_low <= chrf.score <= chrf.ci_high and chrf.passed is False
    # points: chrF's and BLEU's linear curves, equal weights
    expected = (min(1, max(0, (chrf.score - 20) / 70)) + min(1, max(0, (bleu.score - 5) / 65))) / 2
    assert result.score == pytest.approx(2 * expected, abs=1e-6)
    assert any(line.startswith("Samples that pulled chrf down most: ex-2 (") for line in result.feedback)
    assert result.feedback[0].startswith("chrf: ") and "threshold ≥ 60 not met" in result.feedback[0]


def test_missing_ids_are_scored_as_empty_and_said(tmp_path: Path) -> None:
    raw = submit(tmp_path, "".join(example_lines()[:3]))
    result = grade(question(), raw)
    assert result.status is Status.PARTIAL
    assert "No output for 1 id(s), scored as empty: ex-4." in result.feedback
    assert isinstance(result.evidence, GenerationEvidence) and result.evidence.missing == ["ex-4"]
    strict = grade(question(missing_outputs="invalid"), raw)
    assert strict.status is Status.INVALID
    assert strict.feedback[0] == "outputs/translations.jsonl: no output for 1 id(s): ex-4"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"id": "ex-1", "output": "caf\xe9"}\n', "outputs/translations.jsonl:1:30: not UTF-8 text (byte 0xe9)"),
        ('{"id": "ex-1", "output": "x"}\n\n', "outputs/translations.jsonl:2:1: empty line"),
        ("ex-1: Le modèle\n", "outputs/translations.jsonl:1:1: not JSON: Expecting value"),
        ('{"id": "ex-9", "output": "x"}\n', "outputs/translations.jsonl:1:1: id 'ex-9' is not in the data set"),
        (
            '{"id": "ex-1", "output": "a"}\n{"id": "ex-1", "output": "b"}\n',
            "outputs/translations.jsonl:2:1: duplicate id 'ex-1'",
        ),
    ],
    ids=["encoding", "empty-line", "not-json", "extra-id", "duplicate"],
)
def test_bad_outputs_files_are_invalid_with_a_located_message(
    tmp_path: Path, content: str | bytes, message: str
) -> None:
    result = grade(question(), submit(tmp_path, content))
    assert result.status is Status.INVALID
    assert result.score == 0
    assert result.feedback[0].startswith(message)


def test_an_answer_in_answers_yaml_is_refused() -> None:
    raw = KIND.answer_for(question(), {"ex-generation": "Le modèle génère du texte."}, None)
    result = grade(question(), raw)
    assert result.status is Status.INVALID
    assert result.feedback[0] == (
        "submit your outputs as outputs/translations.jsonl in your submission folder, not in answers.yaml"
    )


def test_links_inside_the_submission_are_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "translations.jsonl").write_text("".join(example_lines()), encoding="utf-8")
    student = tmp_path / "student"
    student.mkdir()
    os.symlink(elsewhere, student / "outputs")
    result = grade(question(), KIND.answer_for(question(), {}, student))
    assert result.status is Status.INVALID
    assert "outputs is a link" in result.feedback[0]


def test_the_paper_lists_inputs_never_references() -> None:
    q = question()
    lines = KIND.paper_lines(q, GradeContext("s", "bank", draw_variant(q, "bank", "s")))
    text = "\n".join(lines)
    assert "`ex-1`: Translate into French: The model generates text." in text
    assert "chrf ≥ 60" in text
    assert "Le modèle génère du texte." not in text


BANK = """\
id: gen-bank
title: Generation
version: "1"
questions:
  - id: gen-q
    kind: generation
    prompt: Translate.
    points: 3
    suite: {suite}
    file: {file}
"""


def test_bank_errors_point_at_the_question_fields(write_bank: Callable[..., Path], tmp_path: Path) -> None:
    path = write_bank(BANK.format(suite="nowhere.yaml", file="outputs/t.jsonl"))
    with pytest.raises(BankErrors) as caught:
        load_bank(path)
    [error] = caught.value.errors
    assert error.location == f"{path}:9:12"
    assert (
        "suite: suite" in error.message
        and "nowhere.yaml is invalid" in error.message
        and "cannot read" in error.message
    )
    suite = str(SUITES / "translation_en_fr.yaml")
    with pytest.raises(BankErrors) as caught:
        load_bank(write_bank(BANK.format(suite=suite, file="outputs/t.txt")))
    [error] = caught.value.errors
    assert error.location.endswith(":10:11")
    assert error.message == "file: suite 'translation-en-fr' scores text: the outputs file must end in .jsonl"
    with pytest.raises(BankErrors, match="String should match pattern"):
        load_bank(write_bank(BANK.format(suite=suite, file="../../etc/passwd.jsonl")))


def test_a_bank_hash_covers_the_suite_and_its_data(write_bank: Callable[..., Path], tmp_path: Path) -> None:
    suite_dir = tmp_path / "suite"
    suite_dir.mkdir()
    for name in ("suite.yaml", "data.jsonl"):
        (suite_dir / name).write_bytes((EXAMPLES / name).read_bytes())
    path = write_bank(BANK.format(suite="suite/suite.yaml", file="outputs/t.jsonl"))
    before = load_bank(path).content_hash
    (suite_dir / "data.jsonl").write_text(jsonl(ITEMS), encoding="utf-8")
    assert load_bank(path).content_hash != before


def test_grading_a_cohort_without_importing_torch(tmp_path: Path) -> None:
    bank = tmp_path / "bank.yaml"
    bank.write_text(
        BANK.format(suite=SUITES / "translation_en_fr.yaml", file="outputs/translations.jsonl"), encoding="utf-8"
    )
    cohort = tmp_path / "cohort"
    for student, system in (("good", "translation_system_a"), ("weak", "translation_system_b")):
        (cohort / student / "outputs").mkdir(parents=True)
        (cohort / student / "answers.yaml").write_text("{}\n", encoding="utf-8")
        (cohort / student / "outputs" / "translations.jsonl").write_bytes(
            (SUITES / "systems" / f"{system}.jsonl").read_bytes()
        )
    code = textwrap.dedent(
        f"""
        import sys, datetime
        from harness import api
        run = api.grade([{str(bank)!r}], {str(cohort)!r}, {str(tmp_path / "out")!r}, ["json", "html"], datetime.date(2026, 1, 1))
        print([(s.student_id, s.score) for s in run.cohort.students])
        print("torch imported:", "torch" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "torch imported: False" in done.stdout
    assert "[('good', 3.0), ('weak', 1.802266)]" in done.stdout  # 60.08% of 3 points, as harness score says
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert results["students"][1]["questions"][0]["evidence"]["metrics"][0]["id"] == "bleu"


@pytest.mark.usefixtures("image_cache")
def test_image_questions_score_a_folder_and_refuse_a_broken_image(tmp_path: Path) -> None:
    from harness.images.procedural import DEFAULT_STYLE, write_art

    suite = tmp_path / "art.yaml"
    suite.write_text(
        (SUITES / "procedural_art.yaml")
        .read_text(encoding="utf-8")
        .replace("count: 64", "count: 12")
        .replace("bootstrap: 200", "bootstrap: 10"),
        encoding="utf-8",
    )
    q = question(suite=str(suite), file="outputs/art/")
    student = tmp_path / "student"
    write_art(student / "outputs" / "art", 6, DEFAULT_STYLE.shifted(0.1), seed=9, size=20, stream=1)
    result = grade(q, KIND.answer_for(q, {}, student))
    assert result.status in (Status.CORRECT, Status.PARTIAL), result.feedback
    assert isinstance(result.evidence, GenerationEvidence)
    fid, kid = result.evidence.model_dump()["metrics"]
    assert kid["metric"] == "kid" and kid["fraction"] is None  # reported, no points
    assert fid["metric"] == "fid" and "not comparable to published FID" in fid["signature"]
    assert fid["worst"][0]["id"].endswith(".png")
    # 4 significant digits: float32 features differ in the 8th digit from one CPU to another
    for value in (fid["score"], fid["ci_low"], fid["ci_high"], kid["score"], fid["worst"][0]["score"]):
        assert value == float(f"{value:.4g}")
    assert fid["fraction"] == pytest.approx(min(1, max(0, (1.6 - fid["score"]) / 1.3)), abs=1e-6)
    (student / "outputs" / "art" / "00003.png").write_bytes(b"not a png")
    broken = grade(q, KIND.answer_for(q, {}, student))
    assert broken.status is Status.INVALID
    assert "cannot read image" in broken.feedback[0]
    with pytest.raises(ValueError, match="scores images: name a folder of images"):
        question(suite=str(suite), file="outputs/art.jsonl")


def test_sample_cohort_outputs_of_varied_quality() -> None:
    banks = REPO / "question_bank" / "generation.yaml"
    result = api.check([banks], REPO / "submissions" / "sample-cohort" / "s05-ravi-patel" / "answers.yaml")
    by_id = {q.question_id: q for q in result.questions}
    assert by_id["gen-translate-fr"].status is Status.PARTIAL
    assert by_id["gen-summaries"].evidence.model_dump()["metrics"][0]["id"] == "rouge-l"
