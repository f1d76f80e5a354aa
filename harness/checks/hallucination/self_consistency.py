"""``self_consistency``: the sentences of an output that the model's other samples do not support.

The SelfCheckGPT idea (Manakul et al., 2023) without a model: when a model knows a fact, its
samples for the same prompt agree on it; when it invents one, they scatter. For each sentence of
the output and each further sample, the support is the share of the sentence's content words
(stems) found in the sample's best-matching sentence; the sentence's inconsistency is one minus
the mean support over samples. Names and numbers that fewer than half of the samples mention are
flagged by themselves (high), and a sentence whose inconsistency exceeds ``max_inconsistency``
is flagged as a whole.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from harness.checks.base import CheckExample, CheckInputs, SampleCheck, SampleCheckOptions, SampleOutcome
from harness.checks.hallucination.align import SourceIndex, best_matches, index_sentence, index_source
from harness.checks.result import Finding
from harness.checks.text import Sentence, entity_spans, sentences


class SelfConsistencyOptions(SampleCheckOptions):
    max_inconsistency: float = Field(default=0.7, ge=0, le=1)  # a sentence above it is flagged (dev choice)
    min_agreement: float = Field(default=0.5, ge=0, le=1)  # share of samples that must mention a name or number


class SelfConsistencyCheck(SampleCheck[SelfConsistencyOptions]):
    name = "self_consistency"
    description = "Sentences, names and numbers of an output that the model's other samples do not support"
    options_model = SelfConsistencyOptions
    needs = frozenset({"samples"})
    example: ClassVar[CheckExample] = CheckExample(
        outputs=[
            "GANs were introduced in 2014. A generator competes with a discriminator.",
            "GANs were introduced in 2019 by Marvin Minsky. They won a Turing award for poetry.",
        ],
        samples=[
            ["GANs appeared in 2014; a generator competes with a discriminator.", "GANs were introduced in 2014."],
            [
                "GANs were introduced in 2014 by Ian Goodfellow.",
                "In 2014 Goodfellow introduced GANs, where a generator faces a discriminator.",
            ],
        ],
    )

    def _check_sample(self, index: int, inputs: CheckInputs) -> SampleOutcome:
        assert inputs.samples is not None
        others = [index_source(text) for text in inputs.samples[index]]
        parts = sentences(inputs.outputs[index])
        findings: list[Finding] = []
        scores = []
        for part in parts:
            inconsistency, found = self._check_sentence(part, others)
            scores.append(inconsistency)
            findings += found
        mean = sum(scores) / len(scores) if scores else 0.0
        return SampleOutcome(score=1.0 - mean, findings=findings, details={"inconsistency": max(scores, default=0.0)})

    def _check_sentence(self, part: Sentence, others: list[SourceIndex]) -> tuple[float, list[Finding]]:
        sentence = index_sentence(part)
        best = [best_matches(sentence, other, 1) for other in others]
        supports = [matches[0][0] if matches else 0.0 for matches in best]
        inconsistency = 1.0 - sum(supports) / len(supports)
        closest = max(((score, s.sentence.text) for matches in best for score, s in matches), default=(0.0, ""))
        aligned = closest[1] if closest[0] > 0 else None
        findings = []
        known = frozenset().union(*(o.lowers for o in others))
        for begin, end in entity_spans(part, known):
            tokens = part.tokens[begin:end]
            agree = sum(all(t.lower in o.lowers or t.stem in o.stems for t in tokens) for o in others) / len(others)
            if agree < self.options.min_agreement:
                text = part.text[tokens[0].start - part.start : tokens[-1].end - part.start]
                evidence = f"{agree:.0%} of the other samples name {text!r}"
                findings.append(_finding(tokens[0].start, tokens[-1].end, text, "entity", evidence, aligned))
        for quantity in sentence.quantities:
            agree = sum(quantity.value in o.values for o in others) / len(others)
            if agree < self.options.min_agreement:
                kind = "date" if quantity.is_year else "number"
                evidence = f"{agree:.0%} of the other samples give {quantity.text!r}"
                findings.append(_finding(quantity.start, quantity.end, quantity.text, kind, evidence, aligned))
        if inconsistency > self.options.max_inconsistency:
            evidence = f"the other samples support {1 - inconsistency:.0%} of its content words on average"
            findings.append(_finding(part.start, part.end, part.text, "unsupported", evidence, aligned))
        return inconsistency, findings


def _finding(start: int, end: int, text: str, kind: str, evidence: str, aligned: str | None) -> Finding:
    return Finding(
        start=start,
        end=end,
        text=text,
        kind=kind,
        severity="high",
        evidence=evidence,
        source_sentence=aligned,
        note="" if aligned is not None else "no other sample supports it",
    )
