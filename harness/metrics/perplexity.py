"""Perplexity of each output under a local causal language model (transformers); lower is better.

The model is a folder saved with ``save_pretrained`` (weights, config and tokenizer) given as
``model_path``; it is loaded with ``local_files_only=True`` and never downloaded. Each text is
tokenized on its own, the tokenizer's BOS token put in front when it has one (``add_bos``, so
the first word is scored too, as HF evaluate's perplexity does), cut to the model's context
size, and scored in batches (right padding, attention mask). The sufficient statistics of a
sample are its summed negative log-likelihood (nats, float64) and its number of predicted
tokens; the corpus perplexity is ``exp(total NLL / total tokens)`` (token-weighted, so a
bootstrap resample re-computes it from the sums) and a sample's is ``exp(NLL / tokens)``.
References are not used. torch and transformers are imported only when a score is computed.
"""

from __future__ import annotations

import math
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from pydantic import Field

from harness.metrics.base import (
    TEXT_EXAMPLE,
    CorpusMetric,
    FloatArray,
    MetricExample,
    MetricOptions,
    MetricUnavailableError,
)
from harness.metrics.inputs import TextInputs
from harness.metrics.result import OptionValue

ML_EXTRA = "pip install genai-harness[ml]"


class PerplexityOptions(MetricOptions):
    model_path: str | None = None  # a local folder; required to score
    batch_size: int = Field(default=8, ge=1)
    max_length: int | None = Field(default=None, ge=2)  # tokens per text; None: the model's context size
    add_bos: bool = True
    device: str = "cpu"


class PerplexityMetric(CorpusMetric[PerplexityOptions]):
    """Token-weighted perplexity of the hypotheses under a local causal LM."""

    name: ClassVar[str] = "perplexity"
    description: ClassVar[str] = "perplexity under a local causal language model (transformers); lower is better"
    library: ClassVar[str] = "transformers"
    options_model: ClassVar[type[MetricOptions]] = PerplexityOptions
    higher_is_better: ClassVar[bool] = False
    needs_references: ClassVar[bool] = False
    example: ClassVar[MetricExample] = MetricExample(TEXT_EXAMPLE.hypotheses, None)

    @property
    def tokenizer(self) -> str:
        return "model"

    def _signature_options(self) -> dict[str, OptionValue]:
        path = self.options.model_path
        return {
            "model": Path(path).name if path else None,
            "bos": self.options.add_bos,
            "max_len": self._context_size if path else self.options.max_length,
            "batch": self.options.batch_size,
        }

    def _sufficient_stats(self, inputs: TextInputs) -> FloatArray:
        sequences = [self._encode(text) for text in inputs.hypotheses]
        for i, ids in enumerate(sequences):
            if len(ids) < 2:
                raise MetricUnavailableError(
                    f"{self.name}: sample {i} has {len(ids)} token(s); at least 2 are needed to predict one "
                    "(an empty text with a tokenizer that has no BOS token?)"
                )
        size = self.options.batch_size
        rows = [
            row
            for start in range(0, len(sequences), size)
            for row in self._score_batch(sequences[start : start + size])
        ]
        return np.array(rows, dtype=np.float64)

    def _from_stats(self, totals: FloatArray) -> float:
        nll, tokens = float(totals[0]), float(totals[1])
        return math.exp(nll / tokens)

    def _extra_from_stats(self, totals: FloatArray) -> dict[str, float]:
        return {
            "nll": float(totals[0]),
            "tokens": float(totals[1]),
            "bits_per_token": float(totals[0] / totals[1] / math.log(2)),
        }

    # -- the model ---------------------------------------------------------------------------

    def _encode(self, text: str) -> list[int]:
        tokenizer = self._loaded[0]
        ids: list[int] = tokenizer(text, add_special_tokens=False)["input_ids"]
        if self.options.add_bos and tokenizer.bos_token_id is not None:
            ids = [tokenizer.bos_token_id, *ids]
        return ids[: self._context_size]

    def _score_batch(self, batch: list[list[int]]) -> list[tuple[float, int]]:
        """(summed NLL, predicted tokens) of each sequence."""
        import torch

        _, model = self._loaded
        width = max(len(ids) for ids in batch)
        input_ids = torch.zeros((len(batch), width), dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = torch.tensor(ids)
            mask[row, : len(ids)] = 1
        with torch.no_grad():
            logits = model(input_ids=input_ids.to(model.device), attention_mask=mask.to(model.device)).logits
        log_probs = torch.log_softmax(logits[:, :-1].double(), dim=-1)
        targets = input_ids[:, 1:].to(model.device)
        token_nll = -log_probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1) * mask[:, 1:].to(model.device)
        return [(float(token_nll[row].sum()), len(ids) - 1) for row, ids in enumerate(batch)]

    @cached_property
    def _loaded(self) -> tuple[Any, Any]:
        """(tokenizer, model), loaded once per metric instance."""
        path = self._model_dir()
        try:
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError:
            raise MetricUnavailableError(f"{self.name} needs torch and transformers: {ML_EXTRA}") from None
        try:
            tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            model: Any = AutoModelForCausalLM.from_pretrained(path, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise MetricUnavailableError(f"{self.name}: cannot load a causal LM from {path}: {exc}") from None
        model.to(self.options.device)
        return tokenizer, model.eval()

    @cached_property
    def _context_size(self) -> int:
        config = self._loaded[1].config
        limit = getattr(config, "n_positions", None) or getattr(config, "max_position_embeddings", None)
        sizes = [s for s in (self.options.max_length, limit) if s]
        return int(min(sizes)) if sizes else 1024

    def _model_dir(self) -> Path:
        if self.options.model_path is None:
            raise MetricUnavailableError(
                f"{self.name} needs a local causal language model: give model_path=DIR, a folder saved with "
                "save_pretrained (models are never downloaded)"
            )
        path = Path(self.options.model_path)
        if not path.is_dir():
            raise MetricUnavailableError(f"{self.name}: model_path {path} is not a folder")
        return path
