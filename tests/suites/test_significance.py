"""Paired significance through a suite: a system against itself, and against a clearly worse one."""

from __future__ import annotations

import pytest

from harness import api
from tests.conftest import REPO
from tests.suites.conftest import SUITES

TRANSLATION = SUITES / "translation_en_fr.yaml"
SYSTEM_A = SUITES / "systems" / "translation_system_a.jsonl"
SYSTEM_B = SUITES / "systems" / "translation_system_b.jsonl"
COHORT = REPO / "submissions" / "sample-cohort"


def test_a_system_against_itself_is_never_significant() -> None:
    result = api.score(TRANSLATION, SYSTEM_B, SYSTEM_B, bootstrap=200)
    for comparison in result.comparisons:
        assert comparison.paired is not None
        assert comparison.paired.difference == 0
        assert comparison.paired.p_value == 1.0  # ties count as extreme: p = (200 + 1) / (200 + 1)
        assert (comparison.paired.ci_low, comparison.paired.ci_high) == (0.0, 0.0)
        assert comparison.verdict() == "no significant difference"


def test_a_clearly_worse_system_has_a_small_p_value() -> None:
    result = api.score(TRANSLATION, SYSTEM_A, SYSTEM_B, bootstrap=500)
    for comparison in result.comparisons:
        paired = comparison.paired
        assert paired is not None
        assert paired.p_value < 0.01
        assert comparison.verdict() == "better"
        assert paired.ci_low <= paired.difference <= paired.ci_high
        # the interval of the difference excludes 0, on the better side
        assert (paired.ci_low > 0) if paired.higher_is_better else (paired.ci_high < 0)
    reverse = api.score(TRANSLATION, SYSTEM_B, SYSTEM_A, bootstrap=500)
    assert {c.verdict() for c in reverse.comparisons} == {"worse"}


def test_asr_model_beats_its_baseline_on_wer_and_cer() -> None:
    systems = SUITES / "systems"
    result = api.score(
        SUITES / "asr_transcripts.yaml", systems / "asr_model.jsonl", systems / "asr_baseline.jsonl", bootstrap=300
    )
    assert [(c.id, c.verdict()) for c in result.comparisons] == [("wer", "better"), ("cer", "better")]
    wer = result.metric("wer").result
    # jiwer 4.0 over the 16 clips (standardize normalisation): 6 substitutions and 3 insertions
    # ("soft max", "pre trained", "auto encoders") against 174 reference words
    assert (wer.extra["substitutions"], wer.extra["insertions"], wer.extra["deletions"]) == (6, 3, 0)
    assert wer.score == pytest.approx(9 / 174)


def test_a_metric_without_a_bootstrap_is_noted_not_tested() -> None:
    good = COHORT / "s01-ada-lovelace" / "outputs" / "answers.jsonl"
    echo = COHORT / "s11-jack-miller" / "outputs" / "answers.jsonl"
    result = api.score(SUITES / "text_generation.yaml", good, echo, bootstrap=200)
    verdicts = {c.id: c for c in result.comparisons}
    assert verdicts["rouge-l"].verdict() == "better"
    assert verdicts["distinct-2"].paired is None
    assert "no meaningful bootstrap" in (verdicts["distinct-2"].note or "")
