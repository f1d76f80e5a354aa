"""Known-answer tests of the bias formulas on small cases computed by hand (each in a comment)."""

from __future__ import annotations

import pytest

from harness.checks.bias.counterfactual import sign_flip_p_value, swap_prompt
from harness.checks.bias.helm import AssociationCheck, RepresentationCheck, group_counts_to_bias
from harness.checks.bias.likelihood import wilson_interval
from harness.checks.bias.wordlists import word_lists


def test_group_counts_to_bias_by_hand() -> None:
    # counts 1 and 3 over lists of 20 words each: p = (0.25, 0.75); TV = (|0.5-0.25| + |0.5-0.75|) / 2 = 0.25
    assert group_counts_to_bias([1, 3], [20, 20]) == pytest.approx(0.25)
    # list sizes normalise: counts 2 and 4 over lists of 2 and 4 words are equal rates: TV = 0
    assert group_counts_to_bias([2, 4], [2, 4]) == pytest.approx(0.0)
    # three groups, only the first seen: p = (1, 0, 0); TV = (2/3 + 1/3 + 1/3) / 2 = 2/3
    assert group_counts_to_bias([5, 0, 0], [1, 1, 1]) == pytest.approx(2 / 3)
    assert group_counts_to_bias([0, 0], [3, 3]) is None


def test_representation_by_hand() -> None:
    # female words: "she", "her" = 2; male words: "he", "his", "him", "brother" = 4 (both lists have 20 words)
    # p = (1/3, 2/3); TV = (|1/2 - 1/3| + |1/2 - 2/3|) / 2 = 1/6
    texts = ["She said he was late.", "His brother met her.", "We thanked him."]
    result = RepresentationCheck(gate=0.3, min_count=3).run(texts)
    assert result.score == pytest.approx(1 / 6, abs=1e-6)
    assert result.extra == {"count:female": 2.0, "count:male": 4.0}
    assert {(t.term, t.group, t.count) for t in result.terms} == {
        ("she", "female", 1.0), ("her", "female", 1.0),
        ("he", "male", 1.0), ("his", "male", 1.0), ("brother", "male", 1.0), ("him", "male", 1.0),
    }  # fmt: skip
    assert result.passed  # 1/6 <= 0.3
    # text 2: 1 female, 2 male: TV 1/6 per text; text 3: only male, TV 0.5 but 1 group word < min_count 3
    assert [s.score for s in result.samples] == pytest.approx([0.0, 1 / 6, 0.5], abs=1e-6)
    assert not any(s.flagged for s in result.samples)


def test_representation_flags_a_one_sided_text_and_names_its_words() -> None:
    result = RepresentationCheck(gate=0.3, min_count=3).run(["He told his brother that he was right."])
    sample = result.samples[0]
    assert sample.flagged and result.score == 0.5 and not result.passed
    assert [f.text for f in sample.findings] == ["He", "his", "brother", "he"]


def test_association_by_hand() -> None:
    # text 1: nurse x1 with female words x2 (she, her) -> (nurse, female) += 2; male 0
    # text 2: nurse x1 with male x1 (he) -> (nurse, male) += 1; engineer x1 with male x1 -> (engineer, male) += 1
    # nurse: p = (2/3, 1/3) -> TV 1/6; engineer: p = (0, 1) -> TV 1/2; mean = (1/6 + 1/2) / 2 = 1/3
    texts = ["The nurse said she saw her notes.", "The nurse and the engineer said he agreed."]
    result = AssociationCheck().run(texts)
    assert result.score == pytest.approx(1 / 3, abs=1e-6)
    assert result.extra["tvd:nurse"] == pytest.approx(1 / 6, abs=1e-6)
    assert result.extra["tvd:engineer"] == pytest.approx(0.5)
    assert result.terms[0].term == "engineer"  # the target that drove the score comes first
    counts = {(t.term, t.group): t.count for t in result.terms}
    assert counts == {("engineer", "female"): 0, ("engineer", "male"): 1, ("nurse", "female"): 2, ("nurse", "male"): 1}


def test_association_counts_repeated_targets_as_products() -> None:
    # HELM: count(target) x count(group words): "doctor" twice, "he" three times -> 6
    result = AssociationCheck().run(["The doctor, he said, he knew; he was a doctor."])
    assert {(t.term, t.group): t.count for t in result.terms}[("doctor", "male")] == 6


def test_unknown_category_lists_the_known_ones() -> None:
    from harness.errors import HarnessError

    with pytest.raises(HarnessError, match="known: gender, gender_names, race"):
        RepresentationCheck(category="age").run(["text"])


def test_sign_flip_p_value_by_hand() -> None:
    # differences (1, 1, 1): |sum| = 3; of the 8 sign patterns only +++ and --- reach 3 -> p = 2/8
    assert sign_flip_p_value([1, 1, 1], 1000, 0) == pytest.approx(0.25)
    # (1, -1): observed 0 -> p = 1
    assert sign_flip_p_value([1, -1], 1000, 0) == 1.0
    # (2, 1): |sum| 3; patterns ++ (3), +- (1), -+ (1), -- (3) -> p = 2/4
    assert sign_flip_p_value([2, 1], 1000, 0) == pytest.approx(0.5)
    # 20 equal differences: sampled (seeded), only the observed pattern and its mirror are as extreme
    p = sign_flip_p_value([0.5] * 20, 10_000, 0)
    assert p == sign_flip_p_value([0.5] * 20, 10_000, 0) and p < 0.001


def test_wilson_interval_by_hand() -> None:
    # 5 of 10 at z = 1.96: centre 0.5, half-width 1.96 * sqrt(0.025 + 0.000960) / 1.38416 = 0.2366
    low, high = wilson_interval(5, 10)
    assert (low, high) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_swap_prompt_keeps_case_and_swaps_both_ways() -> None:
    assert swap_prompt("He told his mother that John met her.") == "She told her father that Mary met his."
    assert swap_prompt("THE KING and the Queen") == "THE QUEEN and the King"
    assert swap_prompt("The model is fine.") == "The model is fine."


def test_word_lists_are_disjoint_within_a_category() -> None:
    for category, groups in word_lists().groups.items():
        seen: set[str] = set()
        for words in groups.values():
            assert not seen & set(words), category
            seen |= set(words)
