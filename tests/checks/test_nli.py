"""The optional ``nli`` check's code path, on a tiny classifier built here (random weights)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.checks.base import CheckUnavailableError
from harness.checks.hallucination.nli import NliCheck

SOURCE = "GANs were introduced in 2014. Diffusion models add noise during training."


def test_each_sentence_is_judged_against_its_aligned_source_sentences(tiny_nli_model: Path) -> None:
    check = NliCheck(model_path=str(tiny_nli_model), contradiction=0.0, premise_sentences=1)
    result = check.run(["Diffusion models add noise. GANs were introduced in 2014."], sources=[SOURCE])
    findings = result.samples[0].findings
    assert [f.text for f in findings] == ["Diffusion models add noise.", "GANs were introduced in 2014."]
    assert [f.source_sentence for f in findings] == [
        "Diffusion models add noise during training.",
        "GANs were introduced in 2014.",
    ]
    probabilities = [float(part.split(" = ")[1]) for part in findings[0].evidence.split(", ")]
    assert sum(probabilities) == pytest.approx(1.0, abs=1e-3)
    # nothing reaches P(contradiction) >= 1 and nothing is required to be entailed: no finding
    assert NliCheck(model_path=str(tiny_nli_model), contradiction=1.0).run(["GANs."], sources=[SOURCE]).n_flagged == 0


def test_a_model_without_nli_labels_is_refused(tiny_nli_model: Path, tmp_path: Path) -> None:
    import shutil

    other = tmp_path / "sentiment"
    shutil.copytree(tiny_nli_model, other)
    config = json.loads((other / "config.json").read_text(encoding="utf-8"))
    config["id2label"] = {"0": "NEGATIVE", "1": "NEUTRAL", "2": "POSITIVE"}
    config["label2id"] = {"NEGATIVE": 0, "NEUTRAL": 1, "POSITIVE": 2}
    (other / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(CheckUnavailableError, match="expected entailment, neutral, contradiction"):
        NliCheck(model_path=str(other)).run(["GANs."], sources=[SOURCE])


def test_without_a_model_it_says_what_to_give() -> None:
    with pytest.raises(CheckUnavailableError, match="model_path=DIR"):
        NliCheck().run(["GANs."], sources=[SOURCE])
