"""The Metric template: input checks, options, signatures, bootstrap intervals, paired tests, imports."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import sacrebleu

from harness.errors import HarnessError
from harness.metrics.base import MetricResult, PairedResult
from harness.metrics.bleu import BleuMetric
from harness.metrics.bootstrap import paired_p_value, resample_counts
from harness.metrics.error_rates import WerMetric
from harness.metrics.inputs import text_inputs
from harness.metrics.rouge import RougeMetric
from harness.plugins import registry
from tests.metrics.conftest import another_system, perturbed_pairs

HYPS = ["the cat sat on the mat", "a dog barked"]
REFS = ["the cat is on the mat", "the dog barked loudly"]


# -- inputs ----------------------------------------------------------------------------------


def test_references_are_per_sample_strings_or_lists() -> None:
    inputs = text_inputs("bleu", HYPS, ["one ref", ["two", "refs"]])
    assert inputs.references == [["one ref"], ["two", "refs"]]
    assert inputs.nrefs == "var"
    assert text_inputs("bleu", HYPS, REFS).nrefs == 1


@pytest.mark.parametrize(
    ("hypotheses", "references", "message"),
    [
        (HYPS, REFS[:1], "bleu: 2 hypotheses but 1 references"),
        ([], [], "bleu: no hypotheses to score"),
        ("a string", REFS, "hypotheses must be a list with one entry per sample, got a str"),
        (["fine", 3], REFS, "hypothesis 1 is a int, not a string"),
        (HYPS, None, "references are required"),
        (HYPS, ["ok", []], "reference 1 is an empty list"),
        (HYPS, ["ok", ["fine", None]], "reference 1, item 1 is None, not a string"),
        (HYPS, ["ok", 7], "reference 1 is a int, not a string or a list of strings"),
    ],
)
def test_bad_inputs_get_one_clear_line(hypotheses: object, references: object, message: str) -> None:
    with pytest.raises(HarnessError, match=message.replace("(", r"\(").replace("[", r"\[")):
        BleuMetric().score(hypotheses, references)


def test_sacrebleu_reference_streams_are_recognised() -> None:
    with pytest.raises(HarnessError, match="sacrebleu's reference streams"):
        BleuMetric().score(HYPS, [REFS])


def test_sources_must_match_in_length() -> None:
    with pytest.raises(HarnessError, match="2 hypotheses but 1 sources"):
        BleuMetric().score(HYPS, REFS, sources=["only one"])


def test_wer_takes_one_reference_per_sample() -> None:
    with pytest.raises(HarnessError, match="at most 1 reference"):
        WerMetric().score(HYPS, ["a", ["b", "c"]])


@pytest.mark.parametrize(
    ("settings", "message"),
    [({"seed": -1}, "seed must be"), ({"bootstrap": -5}, "bootstrap must be"), ({"confidence": 1.5}, "confidence")],
)
def test_bad_resampling_settings(settings: dict[str, float], message: str) -> None:
    with pytest.raises(HarnessError, match=message):
        BleuMetric().score(HYPS, REFS, **settings)  # type: ignore[arg-type]


# -- options ---------------------------------------------------------------------------------


def test_unknown_option_lists_the_known_ones() -> None:
    with pytest.raises(HarnessError, match=r"bleu: bad options \(tokenise: .*known options: tokenize, lowercase"):
        BleuMetric(tokenise="intl")


def test_bad_option_value_is_a_harness_error() -> None:
    with pytest.raises(HarnessError, match="smooth_method"):
        BleuMetric(smooth_method="laplace")
    with pytest.raises(HarnessError, match="primary 'rougeLsum' is not among rouge_types"):
        RougeMetric(rouge_types=("rouge1",), primary="rougeLsum")


def test_with_options_returns_a_configured_copy() -> None:
    base = registry("metrics").get("bleu")
    intl = base.with_options(tokenize="intl")
    assert intl.options.tokenize == "intl" and base.options.tokenize == "13a"
    assert intl.options.smooth_method == base.options.smooth_method


# -- signature and result --------------------------------------------------------------------


def test_signature_reads_like_sacrebleus() -> None:
    result = BleuMetric().score(HYPS, REFS, bootstrap=0)
    assert str(result.signature) == "bleu|nrefs:1|tok:13a|case:mixed|eff:no|smooth:exp|version:2.6.0|harness:0.1.0"
    seeded = BleuMetric(smooth_method="floor").score(HYPS, REFS, seed=7, bootstrap=100)
    assert str(seeded.signature).startswith("bleu|nrefs:1|bs:100|seed:7|tok:13a|case:mixed|eff:no|smooth:floor[0.10]|")


def test_result_round_trips_through_json() -> None:
    result = RougeMetric().score(HYPS, REFS, bootstrap=50)
    again = MetricResult.model_validate_json(result.to_json())
    assert again == result
    assert json.loads(result.to_json())["signature"]["library"] == "rouge-score"


# -- bootstrap -------------------------------------------------------------------------------


def test_resample_counts_draw_n_with_replacement_reproducibly() -> None:
    first = np.concatenate(list(resample_counts(50, 300, seed=3)))
    again = np.concatenate(list(resample_counts(50, 300, seed=3)))
    other = np.concatenate(list(resample_counts(50, 300, seed=4)))
    assert first.shape == (300, 50)
    assert (first.sum(axis=1) == 50).all()
    assert (first == again).all() and not (first == other).all()
    assert abs(first.mean() - 1.0) < 1e-12  # each sample is drawn once per resample on average


def test_bootstrap_interval_is_reproducible_and_seed_dependent() -> None:
    hyps, refs = perturbed_pairs(200, seed=1)
    metric = BleuMetric()
    a = metric.score(hyps, refs, seed=11, bootstrap=200)
    b = metric.score(hyps, refs, seed=11, bootstrap=200)
    c = metric.score(hyps, refs, seed=12, bootstrap=200)
    assert a.to_json() == b.to_json()
    assert (a.ci_low, a.ci_high) != (c.ci_low, c.ci_high)
    assert a.score == c.score


def test_bootstrap_recomputes_corpus_bleu_on_each_resample() -> None:
    hyps, refs = perturbed_pairs(60, seed=2)
    metric = BleuMetric()
    computed = metric._compute(metric._prepare(hyps, refs, None), seed=0)
    counts = next(resample_counts(len(hyps), 5, seed=0))
    assert computed.resample is not None
    for row, score in zip(counts, computed.resample(counts), strict=True):
        drawn = [i for i, k in enumerate(row) for _ in range(k)]
        direct = sacrebleu.corpus_bleu([hyps[i] for i in drawn], [[refs[i] for i in drawn]]).score
        assert score == direct  # the corpus statistic of the resample, not a mean of sentence scores


def test_interval_narrows_with_more_samples() -> None:
    metric = RougeMetric()
    small = metric.score(*perturbed_pairs(40, seed=5), bootstrap=300)
    large = metric.score(*perturbed_pairs(1000, seed=5), bootstrap=300)
    assert small.ci_high is not None and small.ci_low is not None
    assert large.ci_high is not None and large.ci_low is not None
    assert large.ci_high - large.ci_low < (small.ci_high - small.ci_low) / 2


def test_bootstrap_zero_gives_no_interval() -> None:
    result = BleuMetric().score(HYPS, REFS, bootstrap=0)
    assert result.ci_low is None and result.ci_high is None and result.confidence is None


# -- paired bootstrap ------------------------------------------------------------------------


def test_paired_bootstrap_finds_a_clearly_better_system() -> None:
    hyps, refs = perturbed_pairs(300, seed=8)
    garbled = [" ".join(reversed(h.split())) for h in hyps]
    paired = BleuMetric().paired_bootstrap(hyps, garbled, refs, seed=0, bootstrap=500)
    assert isinstance(paired, PairedResult)
    assert paired.difference > 10 and paired.ci_low > 0
    assert paired.p_value == pytest.approx(1 / 501)
    assert paired.a_is_better()


def test_paired_bootstrap_of_identical_systems_is_not_significant() -> None:
    hyps, refs = perturbed_pairs(300, seed=8)
    paired = BleuMetric().paired_bootstrap(hyps, list(hyps), refs, bootstrap=500)
    assert paired.difference == 0 and paired.p_value == 1.0
    assert not paired.a_is_better()


def test_paired_bootstrap_is_calibrated_for_equally_good_systems() -> None:
    # Under the null hypothesis p-values are uniform: median 0.5, p < 0.05 one time in 20
    # (2 of 40). sacrebleu's own centring of absolute differences fails this (median 0.17).
    p_values: dict[str, list[float]] = {"bleu": [], "rouge": []}
    for replicate in range(40):
        hyps, refs = perturbed_pairs(80, seed=100 + replicate)
        same_quality = another_system(refs, seed=500 + replicate)
        for metric in (BleuMetric(), RougeMetric()):
            paired = metric.paired_bootstrap(hyps, same_quality, refs, seed=replicate, bootstrap=300)
            p_values[metric.name].append(paired.p_value)
    for values in p_values.values():
        assert sum(p < 0.05 for p in values) <= 5, values
        assert 0.35 < float(np.median(values)) < 0.65, values


def test_lower_is_better_metrics_read_the_difference_the_other_way() -> None:
    hyps, refs = perturbed_pairs(200, seed=4)
    garbled = [" ".join(reversed(h.split())) for h in hyps]
    paired = WerMetric().paired_bootstrap(hyps, garbled, refs, bootstrap=200)
    assert paired.difference < 0 and paired.a_is_better()


def test_p_value_counts_ties_as_extreme() -> None:
    same = np.full(99, 3.0)
    assert paired_p_value(same, same, 0.0) == 1.0
    spread = same + np.linspace(-1, 1, 99)  # resampled differences -1..1 around a mean of 0
    assert paired_p_value(spread, same, 5.0) == pytest.approx(1 / 100)
    assert paired_p_value(spread, same, 0.5) == pytest.approx((50 + 1) / 100)  # |d - 0| >= 0.5 for 50 of 99


def test_paired_bootstrap_needs_equal_lengths() -> None:
    with pytest.raises(HarnessError, match="system A has 2 outputs but system B has 1"):
        registry("metrics").get("self_bleu").paired_bootstrap(HYPS, HYPS[:1], None)
    with pytest.raises(HarnessError, match="distinct_n has no meaningful bootstrap"):
        registry("metrics").get("distinct_n").paired_bootstrap(HYPS, HYPS, None)


# -- imports ---------------------------------------------------------------------------------


def test_base_and_text_metrics_import_no_torch() -> None:
    modules = ", ".join(
        f"harness.metrics.{m}"
        for m in (
            "base bleu bleu_nltk chrf ter rouge error_rates exact_match token_f1 distinct_n self_bleu "
            "perplexity embedding"
        ).split()
    )
    code = (
        f"import sys, importlib\nfor m in '{modules}'.split(', '): importlib.import_module(m)\n"
        "print(sorted(m for m in ('torch', 'transformers', 'torchmetrics') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
