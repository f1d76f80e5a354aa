"""``shouting``: flags words written in capitals (a tone problem in a generated answer)."""

from __future__ import annotations

import re
from typing import ClassVar

from harness.checks.base import CheckExample, CheckInputs, SampleCheck, SampleCheckOptions, SampleOutcome
from harness.checks.result import Finding

SHOUTED = re.compile(r"\b[A-Z]{4,}\b")  # four capitals or more: acronyms (GAN, BLEU) pass


class ShoutingCheck(SampleCheck[SampleCheckOptions]):
    """One finding per shouted word; an output's score is the share of its words not shouted."""

    name: ClassVar[str] = "shouting"
    description: ClassVar[str] = "words in capitals (four letters or more) in an output"
    example: ClassVar[CheckExample] = CheckExample(
        outputs=["A GAN has a generator and a discriminator.", "This is NEVER wrong, TRUST me."]
    )

    def _check_sample(self, index: int, inputs: CheckInputs) -> SampleOutcome:
        output = inputs.outputs[index]
        findings = [
            Finding(
                start=match.start(),
                end=match.end(),
                text=match.group(),
                kind="shouting",
                severity="medium",
                evidence=f"{match.group()!r} is written in capitals",
                note="a word in capitals reads as shouting",
            )
            for match in SHOUTED.finditer(output)
        ]
        words = max(1, len(output.split()))
        return SampleOutcome(score=1 - len(findings) / words, findings=findings)
