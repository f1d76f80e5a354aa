"""Perplexity with a tiny GPT-2 built in the test session (nothing is downloaded)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from harness.metrics.base import MetricUnavailableError
from harness.metrics.perplexity import PerplexityMetric
from tests.metrics.conftest import TINY_LM_SENTENCES

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

TEXTS = [*TINY_LM_SENTENCES, "noise maps to every image", "unknown words only"]


@pytest.fixture(scope="module")
def uniform_lm(tiny_lm: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny GPT-2 with every weight zero: its logits are all 0, so every token has p = 1/V."""
    folder = tmp_path_factory.mktemp("uniform-gpt2")
    model = transformers.AutoModelForCausalLM.from_pretrained(tiny_lm)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.zero_()
    model.save_pretrained(folder)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(tiny_lm / name, folder / name)
    return folder


def test_uniform_model_has_perplexity_equal_to_the_vocabulary_size(uniform_lm: Path) -> None:
    vocabulary = transformers.AutoConfig.from_pretrained(uniform_lm).vocab_size
    result = PerplexityMetric(model_path=str(uniform_lm)).score(TEXTS, None, bootstrap=0)
    assert result.score == pytest.approx(vocabulary, rel=1e-6)  # exp(log V), closed form
    assert all(p == pytest.approx(vocabulary, rel=1e-6) for p in result.per_sample)


def test_per_sample_equals_the_models_own_loss(tiny_lm: Path) -> None:
    tokenizer = transformers.AutoTokenizer.from_pretrained(tiny_lm)
    model = transformers.AutoModelForCausalLM.from_pretrained(tiny_lm).eval()
    result = PerplexityMetric(model_path=str(tiny_lm)).score(TEXTS, None, bootstrap=0)
    for text, perplexity in zip(TEXTS, result.per_sample, strict=True):
        ids = torch.tensor([[tokenizer.bos_token_id, *tokenizer(text, add_special_tokens=False)["input_ids"]]])
        with torch.no_grad():
            loss = model(ids, labels=ids).loss  # mean NLL of the predicted tokens
        assert perplexity == pytest.approx(math.exp(float(loss)), rel=1e-5)


def test_corpus_perplexity_is_token_weighted(tiny_lm: Path) -> None:
    result = PerplexityMetric(model_path=str(tiny_lm)).score(TEXTS, None, bootstrap=100)
    tokenizer = transformers.AutoTokenizer.from_pretrained(tiny_lm)
    counts = [len(tokenizer(t, add_special_tokens=False)["input_ids"]) for t in TEXTS]  # + BOS - first
    nll = sum(math.log(p) * n for p, n in zip(result.per_sample, counts, strict=True))
    assert result.extra["tokens"] == sum(counts)
    assert result.score == pytest.approx(math.exp(nll / sum(counts)), rel=1e-9)
    assert result.higher_is_better is False
    assert result.ci_low is not None and result.ci_high is not None
    assert result.ci_low <= result.score <= result.ci_high


def test_batching_does_not_change_the_numbers(tiny_lm: Path) -> None:
    one = PerplexityMetric(model_path=str(tiny_lm), batch_size=1).score(TEXTS, None, bootstrap=0)
    all_at_once = PerplexityMetric(model_path=str(tiny_lm), batch_size=8).score(TEXTS, None, bootstrap=0)
    assert all_at_once.per_sample == pytest.approx(one.per_sample, rel=1e-5)


def test_signature_names_the_model_and_transformers(tiny_lm: Path) -> None:
    signature = str(PerplexityMetric(model_path=str(tiny_lm)).score(TEXTS[:2], None, bootstrap=0).signature)
    assert f"model:{tiny_lm.name}|bos:yes|max_len:64|" in signature
    assert f"version:{transformers.__version__}|" in signature


def test_missing_model_says_how_to_provide_one(tmp_path: Path) -> None:
    with pytest.raises(MetricUnavailableError, match="give model_path=DIR"):
        PerplexityMetric().score(TEXTS, None)
    with pytest.raises(MetricUnavailableError, match="is not a folder"):
        PerplexityMetric(model_path=str(tmp_path / "nowhere")).score(TEXTS, None)
    with pytest.raises(MetricUnavailableError, match="cannot load a causal LM"):
        PerplexityMetric(model_path=str(tmp_path)).score(TEXTS, None)


def test_a_text_too_short_to_score_is_named(tiny_lm: Path) -> None:
    with pytest.raises(MetricUnavailableError, match="sample 1 has 1 token"):
        PerplexityMetric(model_path=str(tiny_lm), add_bos=False).score(["two words", "word"], None)
