"""``nli`` (optional): ``grounded``'s interface backed by a natural-language-inference model.

The upgrade path for what word overlap cannot see (contradictions that no antonym list knows,
role reversals): each output sentence is the hypothesis, the source sentences it aligns with best
(:mod:`harness.checks.hallucination.align`) the premise, and a local sequence-classification model
with entailment / neutral / contradiction labels (``model_path``: a folder saved with
``save_pretrained``, e.g. a DeBERTa or RoBERTa MNLI model copied there by hand; never downloaded)
gives the probabilities. A sentence is flagged when P(contradiction) reaches ``contradiction`` or
P(entailment) stays below ``entailment``. torch and transformers are imported only when it runs;
the labels are read from the model's ``id2label``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field

from harness.checks.base import (
    CheckExample,
    CheckInputs,
    CheckUnavailableError,
    SampleCheck,
    SampleCheckOptions,
    SampleOutcome,
)
from harness.checks.bias.likelihood import model_hash
from harness.checks.hallucination.align import best_matches, index_sentence, index_source
from harness.checks.result import Finding
from harness.checks.text import sentences

LABELS = ("entailment", "neutral", "contradiction")


class NliOptions(SampleCheckOptions):
    model_path: str | None = None  # a local NLI model folder (save_pretrained); required
    device: str = "cpu"
    contradiction: float = Field(default=0.5, ge=0, le=1)  # flag at or above this P(contradiction)
    entailment: float = Field(default=0.0, ge=0, le=1)  # flag below this P(entailment) (0: never)
    premise_sentences: int = Field(default=2, ge=1)  # best-aligned source sentences used as the premise


@cache
def load_nli(path: str, device: str) -> tuple[Any, Any, dict[str, int]]:
    """(tokenizer, model, label -> index) of the NLI model saved in ``path``, loaded once.

    Raises:
        CheckUnavailableError: torch/transformers missing, no model there, or labels that are not
            entailment, neutral and contradiction.
    """
    try:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer
    except ImportError:
        raise CheckUnavailableError("nli needs torch and transformers: pip install 'genai-harness[ml]'") from None
    try:
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model: Any = AutoModelForSequenceClassification.from_pretrained(path, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise CheckUnavailableError(f"nli: cannot load a sequence-classification model from {path}: {exc}") from None
    labels = {str(name).lower(): int(index) for index, name in model.config.id2label.items()}
    if not set(LABELS) <= set(labels):
        raise CheckUnavailableError(f"nli: the model's labels are {sorted(labels)}; expected {', '.join(LABELS)}")
    model.to(device)
    return tokenizer, model.eval(), labels


class NliCheck(SampleCheck[NliOptions]):
    name = "nli"
    description = "Output sentences that a local NLI model finds contradicted by (or not entailed by) the source"
    options_model = NliOptions
    needs = frozenset({"sources"})
    example: ClassVar[CheckExample] = CheckExample(
        outputs=["GANs were introduced in 2014.", "Diffusion models never add noise during training."],
        sources=[
            "Generative Adversarial Networks (GANs) were introduced in 2014 by Ian Goodfellow.",
            "During training, diffusion models add Gaussian noise to real images over many steps.",
        ],
        options={"entailment": 1.0},  # random tiny weights in the tests: flag everything, test the path
    )

    def _resources(self) -> dict[str, str]:
        return {"model": model_hash(self._model_dir()) if self.options.model_path else "none"}

    def _check_sample(self, index: int, inputs: CheckInputs) -> SampleOutcome:
        assert inputs.sources is not None
        source = index_source(inputs.sources[index])
        parts = sentences(inputs.outputs[index])
        pairs = []
        for part in parts:
            matches = best_matches(index_sentence(part), source, self.options.premise_sentences)
            premise = " ".join(s.sentence.text for _, s in sorted(matches, key=lambda m: m[1].sentence.start))
            pairs.append((premise, part.text))
        probabilities = self._classify(pairs) if pairs else []
        findings = []
        for part, (premise, _), probs in zip(parts, pairs, probabilities, strict=True):
            contradicted = probs["contradiction"] >= self.options.contradiction
            unsupported = probs["entailment"] < self.options.entailment
            if contradicted or unsupported:
                findings.append(
                    Finding(
                        start=part.start,
                        end=part.end,
                        text=part.text,
                        kind="contradiction" if contradicted else "not_entailed",
                        severity="high",
                        evidence=", ".join(f"P({label}) = {probs[label]:.3f}" for label in LABELS),
                        source_sentence=premise or None,
                        note="" if premise else "the source is empty",
                    )
                )
        score = 1.0 - len(findings) / len(parts) if parts else 1.0
        return SampleOutcome(score=score, findings=findings)

    def _classify(self, pairs: list[tuple[str, str]]) -> list[dict[str, float]]:
        """P(label) for each (premise, hypothesis), in one padded batch."""
        import torch

        tokenizer, model, labels = load_nli(str(self._model_dir()), self.options.device)
        encoded = tokenizer(
            [p for p, _ in pairs], [h for _, h in pairs], padding=True, truncation=True, return_tensors="pt"
        )
        with torch.no_grad():
            logits = model(**{k: v.to(model.device) for k, v in encoded.items()}).logits.double()
        probabilities = torch.softmax(logits, dim=-1)
        return [{label: float(row[labels[label]]) for label in LABELS} for row in probabilities]

    def _model_dir(self) -> Path:
        if self.options.model_path is None:
            raise CheckUnavailableError(
                "nli needs a local NLI model: model_path=DIR, a folder saved with save_pretrained whose labels "
                "are entailment, neutral and contradiction (models are never downloaded)"
            )
        path = Path(self.options.model_path)
        if not path.is_dir():
            raise CheckUnavailableError(f"nli: model_path {path} is not a folder")
        return path
