"""The ``grounded`` check on real abstractive summaries: acronyms, contrasts, paraphrase.

Known answers for each fix, and the figure docs/checks.md reports for the test split of
``tests/data/checks/abstractive.yaml`` (the sample cohort's summaries, labeled by hand).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.checks.evaluate import load_abstractive, measure_abstractive
from harness.checks.hallucination.grounded import GroundedCheck

ABSTRACTIVE = Path(__file__).resolve().parents[1] / "data" / "checks" / "abstractive.yaml"
GAN = (
    "Generative Adversarial Networks pit two neural networks against each other in a continuous game. "
    "Over thousands of rounds both networks improve together."
)
VAE = (
    "Variational autoencoders learn to encode input data into a latent representation and then decode it. "
    "They encode data into a probability distribution in the latent space."
)
GENERATIVE = (
    "Most of the AI you met in earlier lessons was discriminative: it takes existing data and puts it in a box: \"that's "
    'a cat". Generative AI flips the job around. It answers what could this be? and then actually makes it.'
)


def _high(output: str, source: str) -> list[tuple[str, str]]:
    result = GroundedCheck().run([output], sources=[source])
    return [(f.kind, f.text) for f in result.samples[0].findings if f.severity == "high"]


@pytest.mark.parametrize(
    ("output", "source"),
    [
        ("A GAN pits two networks against each other.", GAN),  # initials of the source's words
        ("GANs pit two networks against each other.", GAN),  # plural acronym
        ("VAEs encode data into a latent space.", VAE),  # a course acronym: "autoencoders" is one word
        ("Large language models sample one token at a time.", "LLMs sample one token at a time."),  # the other way
    ],
)
def test_an_acronym_and_its_expansion_are_the_same_name(output: str, source: str) -> None:
    assert [f for f in _high(output, source) if f[0] == "entity"] == []


def test_an_acronym_the_source_does_not_spell_is_still_flagged() -> None:
    assert ("entity", "RNNs") in _high("RNNs pit two networks against each other.", GAN)


def test_a_contrast_the_source_draws_is_no_contradiction() -> None:
    output = "Generative AI creates new content instead of just labelling existing data the way discriminative AI does."
    found = _high(output, GENERATIVE)
    assert [f for f in found if f[0] in ("contradiction", "negation")] == [], found
    # one side of the source's encode/decode contrast
    assert _high("VAEs decode samples from the latent space.", VAE) == []


def test_an_opposite_the_source_does_not_hold_is_still_a_contradiction() -> None:
    source = "With low temperatures the output is predictable."
    assert ("contradiction", "high") in _high("With high temperatures the output is predictable.", source)


def test_not_just_asserts_and_not_still_denies() -> None:
    assert _high("Generative AI does not just label data.", GENERATIVE) == []
    assert ("negation", "not") in _high("Generative AI does not make it.", GENERATIVE)


def test_a_substitution_alone_does_not_lower_the_score() -> None:
    result = GroundedCheck().run(
        ["Variational autoencoders learn to encode input data into a latent space and then decode it."], sources=[VAE]
    )
    sample = result.samples[0]
    assert any(f.kind == "substitution" for f in sample.findings)
    assert sample.score == 1.0 and not sample.flagged


def test_the_abstractive_set_is_split_by_passage() -> None:
    rows = load_abstractive(ABSTRACTIVE)
    assert {split for split, *_ in rows} == {"dev", "test"}
    assert sum(unfaithful for *_, unfaithful in rows) >= 5


def test_measured_figures_on_real_summaries_hold() -> None:
    """docs/checks.md reports these figures for the test split; a change that lowers them fails."""
    measured = measure_abstractive(GroundedCheck(), ABSTRACTIVE, "test")
    assert measured.n == 61
    assert measured.balanced_accuracy >= 0.70
    assert measured.recall >= 0.66
