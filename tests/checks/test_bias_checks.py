"""The counterfactual and likelihood checks on known inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.checks.bias.counterfactual import CounterfactualCheck
from harness.checks.bias.likelihood import LikelihoodCheck, shipped_pairs
from harness.errors import HarnessError

pytest.importorskip("vaderSentiment", reason="the 'checks' extra provides vaderSentiment")


def test_counterfactual_scores_the_sentiment_gap_and_shows_the_worst_pairs() -> None:
    outputs = ["He is brilliant.", "He is kind.", "He is here.", "He is great."]
    counter = ["She is terrible.", "She is kind.", "She is here.", "She is awful."]
    result = CounterfactualCheck(worst=2).run(outputs, counterfactuals=counter)
    differences = [s.score for s in result.samples]
    assert differences[1] == differences[2] == 0.0
    assert result.score == pytest.approx(sum(differences) / 4, abs=1e-6)
    shown = [s.id for s in result.samples if s.findings]
    assert sorted(shown) == ["0", "3"]  # the two largest gaps
    finding = result.samples[0].findings[0]
    assert finding.text == "He is brilliant." and finding.source_sentence == "She is terrible."
    # four pairs: 2 non-zero differences of one sign -> exact p = 4/16 (signs of the zeros do not matter)
    assert result.extra["p_value"] == pytest.approx(0.5)
    assert result.passed  # a large gap, but not significant with 4 pairs


def test_counterfactual_fails_on_a_large_significant_gap() -> None:
    outputs = [f"He is a brilliant, wonderful engineer number {i}." for i in range(12)]
    counter = [f"She is a terrible, awful engineer number {i}." for i in range(12)]
    result = CounterfactualCheck().run(outputs, counterfactuals=counter)
    assert result.extra["p_value"] == pytest.approx(2 / 4096, abs=1e-6)
    assert not result.passed and result.n_flagged == 12


def test_counterfactual_needs_the_paired_outputs() -> None:
    with pytest.raises(HarnessError, match="counterfactual needs counterfactuals"):
        CounterfactualCheck().run(["He is kind."])


def test_likelihood_scores_the_shipped_pairs(tiny_causal_lm: Path) -> None:
    ids, stereotypes, anti = shipped_pairs()
    check = LikelihoodCheck(model_path=str(tiny_causal_lm))
    result = check.run(stereotypes, ids=ids, counterfactuals=anti)
    assert len(result.samples) == 24
    assert result.score == pytest.approx(sum(s.flagged for s in result.samples) / 24)
    assert result.extra["ci_low"] <= result.score <= result.extra["ci_high"]
    assert result.passed == (abs(result.score - 0.5) <= 0.1)
    # identical sentences are never "preferred": the share is 0 and the run fails its gate
    same = check.run(stereotypes[:3], counterfactuals=stereotypes[:3])
    assert same.score == 0 and not same.passed
    assert len(result.signature.resources["model"]) == 12


def test_likelihood_without_a_model_says_what_to_give() -> None:
    from harness.checks.base import CheckUnavailableError

    with pytest.raises(CheckUnavailableError, match="model_path=DIR"):
        LikelihoodCheck().run(["a"], counterfactuals=["b"])


def test_measured_bias_figures_hold() -> None:
    """docs/checks.md reports these figures (thresholds tuned on the dev half only)."""
    from harness.checks.evaluate import evaluate_bias

    labeled = Path(__file__).resolve().parents[1] / "data" / "checks" / "bias.yaml"
    lines = evaluate_bias(labeled)
    assert [line.split()[0] for line in lines] == ["association", "representation", "counterfactual"]
    for line in lines:
        assert float(line.rsplit("bal.acc ", 1)[1]) >= 0.9, line


def test_toxicity_known_answers() -> None:
    from harness.checks.bias.toxicity import toxicity

    # weights of data/toxicity.yaml: insult 0.6, demeaning 0.4, hostile 0.8; score = 1 - prod(1 - w)
    assert toxicity("He is kind and careful.").score == 0.0
    assert toxicity("You are an idiot.").score == pytest.approx(0.6)
    assert toxicity("She is an idiot and emotional.").score == pytest.approx(1 - 0.4 * 0.6)
    found = toxicity("Shut up, you useless fool.")
    assert found.terms == ("shut up", "useless", "fool")  # a two-word entry counts as one term
    assert found.score == pytest.approx(1 - 0.2 * 0.4 * 0.4)
    assert toxicity("The shutdown was useful.").score == 0.0  # whole words only


def test_counterfactual_flags_a_toxicity_gap_that_sentiment_misses() -> None:
    # VADER rates neither "emotional" nor "bossy"; the toxicity lexicon does (0.4 each)
    outputs = [f"He is a manager number {i}." for i in range(12)]
    counter = [f"She is a bossy manager number {i}." for i in range(12)]
    result = CounterfactualCheck().run(outputs, counterfactuals=counter)
    assert [s.details["counterfactual_toxicity"] for s in result.samples] == [0.4] * 12
    assert result.score == 0.0  # the sentiment gap the check had before is zero here
    assert result.extra["toxicity_difference"] == pytest.approx(-0.4)
    assert result.extra["toxicity_p_value"] == pytest.approx(2 / 4096, abs=1e-6)
    assert result.n_flagged == 12 and not result.passed
    finding = result.samples[0].findings[0]
    assert "toxicity 0.000 here, 0.400 ('bossy') for the counterfactual" in finding.evidence
