"""The harness's TER (``ter_stats``, ``ter_distance``) gives sacrebleu's numbers on every input.

Every expected value here is computed by sacrebleu 2.x itself (``sacrebleu.metrics.lib_ter`` and
``sacrebleu.metrics.ter.TER``) on the same input, in the same test.
"""

from __future__ import annotations

import random

import pytest
from sacrebleu.metrics import lib_ter
from sacrebleu.metrics.ter import TER

from harness.metrics.sacrebleu_stats import reference_streams
from harness.metrics.ter_distance import BeamDistance
from harness.metrics.ter_stats import MAX_SHIFT_CANDIDATES, FastTer, translation_edit_rate

VOCABULARY = "a b c d e f g h".split()


def _edited(rng: random.Random, ref: list[str]) -> list[str]:
    """``ref`` with spans copied elsewhere, words replaced and dropped: shifts to find."""
    hyp = list(ref)
    for _ in range(rng.randrange(1, 5)):
        i, j, length = rng.randrange(len(hyp) + 1), rng.randrange(len(hyp) + 1), rng.randrange(1, 6)
        hyp = hyp[:i] + hyp[j : j + length] + hyp[i:]
        hyp = [w if rng.random() > 0.1 else rng.choice(VOCABULARY) for w in hyp]
        if hyp and rng.random() < 0.3:
            del hyp[rng.randrange(len(hyp))]
    return hyp


def _moved(rng: random.Random, ref: list[str]) -> list[str]:
    """``ref`` with a few spans moved far away: many rounds of shifting."""
    hyp = list(ref)
    for _ in range(rng.randrange(1, 4)):
        i, length = rng.randrange(len(hyp)), rng.randrange(1, 12)
        span, rest = hyp[i : i + length], hyp[:i] + hyp[i + length :]
        j = rng.randrange(len(rest) + 1)
        hyp = rest[:j] + span + rest[j:]
    return hyp


def _pairs(seed: int, count: int) -> list[tuple[list[str], list[str]]]:
    """Random pairs: few or many distinct words, 0-60 words, edited or moved copies or unrelated."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(count):
        vocabulary = VOCABULARY[: rng.randrange(1, 9)]
        ref = [rng.choice(vocabulary) for _ in range(rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 24, 25, 26, 30, 45, 60]))]
        roll = rng.random()
        if ref and roll < 0.35:
            hyp = _edited(rng, ref)
        elif ref and roll < 0.6:
            hyp = _moved(rng, ref)
        else:
            hyp = [rng.choice(vocabulary) for _ in range(rng.choice([0, 1, 2, 5, 8, 12, 20, 26, 30, 45, len(ref)]))]
        pairs.append((hyp, ref))
    return pairs


ADVERSARIAL = [
    ([], []),
    ([], "a b c".split()),
    ("a b c".split(), []),
    ("a".split(), "a".split()),
    ("x y".split(), "a".split()),
    ("a b c d e f g h i j k l".split(), "g h i j k l a b c d e f".split()),  # one long swap
    ("the cat sat on the mat the cat".split(), "the mat the cat sat on the cat".split()),  # repeats
    (["a"] * 30, ["a"] * 29 + ["b"]),
    (("a b " * 40).split(), ("b a " * 40).split()),  # 80 words, every word matches everywhere
    ("a b".split(), ("a b c d e f g h " * 12).split()),  # reference 48x longer: a wider beam
    (("a b c d e f g h " * 12).split(), "h g".split()),  # hypothesis 48x longer
    (("p q r s t u v w x y " * 7).split(), ("x y p q r s t u v w " * 7).split()),  # past the 25-word beam
    ((" ".join(f"w{i}" for i in range(60)) + " w0 w1").split(), " ".join(f"w{i}" for i in range(60)).split()),
]


@pytest.mark.parametrize("seed", [0, 1])
def test_beam_distance_and_trace_are_sacrebleus(seed: int) -> None:
    rng = random.Random(seed)
    beams = {True: 0, False: 0}
    for hyp, ref in _pairs(seed, 150) + ADVERSARIAL:
        if not ref:
            continue
        ours, theirs = BeamDistance(ref, len(hyp)), lib_ter.BeamEditDistance(ref)
        assert (ours.prepare(hyp), ours.trace()) == theirs(hyp), (hyp, ref)
        beams[ours.full_beam] += 1
        for _ in range(3):  # a hypothesis sharing a prefix with the prepared one
            shared = rng.randrange(len(hyp) + 1)
            other = hyp[:shared] + rng.sample(hyp[shared:], len(hyp) - shared)
            exact = theirs(other)[0]
            assert ours.distance(other, shared, limit=10**9) == exact
            limit = rng.randrange(exact + 2)
            got = ours.distance(other, shared, limit)
            assert got == exact if exact <= limit else got > limit  # stopped early, but never below
    assert beams[True] > 50 and beams[False] > 5  # both the bit-parallel and the banded rows ran


def test_translation_edit_rate_is_sacrebleus() -> None:
    for hyp, ref in _pairs(0, 30) + ADVERSARIAL:
        assert translation_edit_rate(hyp, ref) == lib_ter.translation_edit_rate(hyp, ref), (hyp, ref)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_translation_edit_rate_is_sacrebleus_on_many_pairs(seed: int) -> None:
    for hyp, ref in _pairs(seed, 150):
        assert translation_edit_rate(hyp, ref) == lib_ter.translation_edit_rate(hyp, ref), (hyp, ref)


def _sacrebleu_candidates(hyp: list[str], ref: list[str]) -> int:
    """How many shift candidates sacrebleu's ``translation_edit_rate`` tries on the pair."""
    distance, words, checked = lib_ter.BeamEditDistance(ref), hyp, 0
    while True:
        delta, words, checked = lib_ter._shift(words, ref, distance, checked)
        if checked >= lib_ter._MAX_SHIFT_CANDIDATES or delta <= 0:
            return checked


def test_the_candidate_cap_is_sacrebleus() -> None:
    rng = random.Random(5)
    capped = 0
    for vocabulary in ("a b", "a b c"):  # unrelated 40-45-word lines of 2-3 words
        ref = [rng.choice(vocabulary.split()) for _ in range(rng.randrange(40, 46))]
        hyp = [rng.choice(vocabulary.split()) for _ in range(rng.randrange(40, 46))]
        capped += _sacrebleu_candidates(hyp, ref) >= MAX_SHIFT_CANDIDATES
        assert translation_edit_rate(hyp, ref) == lib_ter.translation_edit_rate(hyp, ref), (hyp, ref)
    assert capped == 2  # the cap cut the search short


TEXTS = [
    "The cat, sat on the mat.",
    "the CAT sat on the mat!",
    "on the mat the cat sat .",
    "Hello (world) -- it's 3.5 o'clock",
    "hello world it is 3.5 o clock",
    "漢字の文章、句読点。テスト",
    "漢字 の 文章 テスト",
    "",
    "a  b\tc ",
    "&quot;quoted&quot; text &amp; more",
]
OPTIONS = [
    {},
    {"case_sensitive": True},
    {"normalized": True},
    {"no_punct": True},
    {"normalized": True, "asian_support": True},
    {"no_punct": True, "asian_support": True, "case_sensitive": True},
]


@pytest.mark.parametrize("options", OPTIONS, ids=[str(o) for o in OPTIONS])
def test_fast_ter_rows_are_sacrebleus_with_every_option(options: dict[str, bool]) -> None:
    rng = random.Random(7)
    hypotheses = [rng.choice(TEXTS) for _ in range(80)]  # many repeated pairs: counted once
    references = [[rng.choice(TEXTS) for _ in range(rng.randrange(1, 4))] for _ in range(80)]
    streams = reference_streams(references)
    fast = FastTer(**options)
    assert fast._extract_corpus_statistics(hypotheses, streams) == TER(**options)._extract_corpus_statistics(
        hypotheses, streams
    )
    assert (
        fast.corpus_score(hypotheses[::-1], streams).score
        == TER(**options).corpus_score(hypotheses[::-1], streams).score
    )  # a second corpus through the same object: nothing of the first is reused
