"""``grounded``'s contradiction rules of version 3: each flags the span that was changed, and
each keeps quiet on the faithful statement beside it (sentences written for these tests, not
taken from the labeled sets)."""

from __future__ import annotations

import pytest

from harness.checks.hallucination.grounded import GroundedCheck

WATER = (
    "At higher altitudes the air pressure is lower, so water boils at a lower temperature. "
    "Adding salt raises the boiling point slightly."
)
FINAL = "In the 2014 final, Germany defeated Argentina after extra time."
BEES = "A colony has one queen, many female workers and a few hundred male drones. Workers collect nectar."
KINDS = (
    "A discriminative model maps an input to a label. "
    "A generative model learns the full data distribution and can create new examples."
)


def _high(output: str, source: str) -> list[tuple[str, str, str]]:
    result = GroundedCheck().run([output], sources=[source])
    return [(f.kind, f.text, output[f.start : f.end]) for f in result.samples[0].findings if f.severity == "high"]


@pytest.mark.parametrize(
    ("output", "source", "expected"),
    [
        # an opposite in the same frame, although the source uses the word elsewhere ("higher altitudes")
        ("Water boils at a higher temperature up a mountain.", WATER, ("contradiction", "higher")),
        ("Adding salt lowers the boiling point slightly.", WATER, ("contradiction", "lowers")),
        # the source describes both kinds; the aligned statement has the other in this frame
        (
            "A discriminative model learns the full data distribution and can create new examples.",
            KINDS,
            ("contradiction", "discriminative"),
        ),
        # stopwords have opposites too
        (
            "You hear the thunder after you see the lightning.",
            "You see lightning before you hear the thunder.",
            ("contradiction", "after"),
        ),
        # an exclusive group, in the frame
        (
            "Chloroplasts hold the red pigment chlorophyll.",
            "Chloroplasts hold the green pigment chlorophyll.",
            ("contradiction", "red"),
        ),
        # crossed roles around the shared verb
        (
            "In the 2014 final, Argentina defeated Germany after extra time.",
            FINAL,
            ("reversal", "Argentina defeated Germany"),
        ),
        # a word the source lists beside the one replaced
        ("Drones collect nectar.", BEES, ("contradiction", "Drones")),
        # a word copied into the place of another
        (
            "The discriminator tells fakes from fakes.",
            "The discriminator tells real data from fakes.",
            ("contradiction", "fakes"),
        ),
    ],
)
def test_the_changed_words_are_the_span(output: str, source: str, expected: tuple[str, str]) -> None:
    found = _high(output, source)
    assert [(kind, text) for kind, text, _ in found] == [expected], found
    assert all(text == at for _, text, at in found)


def test_a_word_copied_into_another_place_points_at_the_copy() -> None:
    output = "The discriminator tells fakes from fakes."
    [(_, _, _)] = _high(output, "The discriminator tells real data from fakes.")
    finding = GroundedCheck().run([output], sources=["The discriminator tells real data from fakes."])
    assert finding.samples[0].findings[0].start == output.index("fakes")  # the first, where "real data" was
    assert "'real data'" in finding.samples[0].findings[0].evidence


@pytest.mark.parametrize(
    ("output", "source"),
    [
        # the source's own contrast, restated beside the same words
        ("At higher altitudes, water boils at a lower temperature.", WATER),
        ("Generative models create new examples, while discriminative models map inputs to labels.", KINDS),
        # an output that names both sides draws the contrast itself
        (
            "The generator and discriminator compete.",
            "Two networks compete: the generator makes fakes and a detective spots them.",
        ),
        # a word said twice, but nowhere in the aligned statement: a metaphor reused, not a copy
        (
            "A forger trains against a detective until the forger's images look like photographs.",
            "The detective spots fakes, so the forger has to get better. "
            "When well-trained, the generator can produce images indistinguishable from photographs.",
        ),
        # a passive says the same roles the other way round
        ("In the 2014 final, Argentina was defeated by Germany after extra time.", FINAL),
        # two words of the source, not listed together and not repeated: a synonym, not a swap
        ("The generator produces samples.", "The generator creates samples. It can produce images too."),
        # one word in two forms
        ("Models are trained on diverse data.", "Models are trained on diverse datasets and data from the web."),
        # "times" is a noun too: the arithmetic pair counts only beside the same word
        (
            "At generation time the logits are divided by the temperature.",
            "The logits are divided by the temperature, each time a token is generated.",
        ),
    ],
)
def test_faithful_restatements_are_not_contradictions(output: str, source: str) -> None:
    assert [f for f in _high(output, source) if f[0] in ("contradiction", "reversal")] == []


def test_the_findings_are_the_same_on_every_run() -> None:
    outputs = ["Drones collect nectar.", "In the 2014 final, Argentina defeated Germany after extra time."]
    runs = [GroundedCheck().run(outputs, sources=[BEES, FINAL]).to_json() for _ in range(2)]
    assert runs[0] == runs[1]
