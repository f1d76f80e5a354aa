"""One computation per metric and system, one bootstrap pass: the numbers of the metrics' own methods."""

from __future__ import annotations

import pytest

from harness.suites import load_suite, read_system
from harness.suites.scoring import ScoreSettings, score_and_compare
from tests.suites.conftest import SUITES

CASES = [
    ("translation_en_fr.yaml", "translation_system_b.jsonl", "translation_system_a.jsonl"),
    ("asr_transcripts.yaml", "asr_model.jsonl", "asr_baseline.jsonl"),
]


@pytest.mark.parametrize(("suite_file", "system_file", "baseline_file"), CASES)
def test_shared_pass_gives_each_metrics_own_numbers(suite_file: str, system_file: str, baseline_file: str) -> None:
    suite = load_suite(SUITES / suite_file)
    system = read_system(suite, SUITES / "systems" / system_file)
    baseline = read_system(suite, SUITES / "systems" / baseline_file)
    assert suite.dataset is not None
    references, sources = suite.dataset.references, suite.dataset.sources
    scored = score_and_compare(suite, system, baseline, ScoreSettings(seed=3, bootstrap=200))
    for metric, score, comparison in zip(suite.metrics, scored.score.metrics, scored.comparisons, strict=True):
        alone = metric.metric.score(system.hypotheses, references, sources=sources, seed=3, bootstrap=200)
        paired = metric.metric.paired_bootstrap(
            system.hypotheses, baseline.hypotheses, references, sources=sources, seed=3, bootstrap=200
        )
        assert score.result == alone  # score, interval, per-sample scores, signature: all of it
        assert comparison.paired == paired
        theirs = metric.metric.score(baseline.hypotheses, references, sources=sources, bootstrap=0)
        assert scored.baseline_per_sample[metric.label] == theirs.per_sample


def test_without_a_baseline_nothing_is_compared() -> None:
    suite = load_suite(SUITES / "translation_en_fr.yaml")
    system = read_system(suite, SUITES / "systems" / "translation_system_a.jsonl")
    scored = score_and_compare(suite, system, None, ScoreSettings(bootstrap=50))
    assert scored.comparisons == [] and scored.baseline_per_sample == {}
    assert scored.score.baseline is None and scored.score.metrics[0].result.ci_low is not None
