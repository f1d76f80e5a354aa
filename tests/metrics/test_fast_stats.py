"""The faster chrF and TER rows are sacrebleu's exactly."""

from __future__ import annotations

import random
from typing import Literal

import numpy as np
import pytest
from sacrebleu.metrics.chrf import CHRF
from sacrebleu.metrics.ter import TER

from harness.metrics.chrf_stats import FastChrf
from harness.metrics.sacrebleu_stats import reference_streams, statistics_rows
from harness.metrics.ter_stats import FastTer

WORDS = "the cat sat on a mat , ( hi ) attention token model noise images real fake ! Étape déjà".split()


def _corpus(n: int, seed: int = 0) -> tuple[list[str], list[list[str]]]:
    """Random sentences with punctuation, accents, repeats, empty lines and 1-3 references."""
    rng = random.Random(seed)

    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randrange(0, 14)))

    hypotheses = [sentence() for _ in range(n)]
    references = [[sentence() or "x" for _ in range(rng.randrange(1, 4))] for _ in range(n)]
    return hypotheses, references


OPTIONS = [
    {},
    {"word_order": 2},
    {"lowercase": True, "whitespace": True},
    {"char_order": 3, "beta": 1, "eps_smoothing": True},
]


@pytest.mark.parametrize("options", OPTIONS, ids=[str(o) for o in OPTIONS])
def test_fast_chrf_rows_are_sacrebleus(options: dict[str, object]) -> None:
    hypotheses, references = _corpus(300)
    theirs = CHRF(**options)._extract_corpus_statistics(hypotheses, reference_streams(references))
    fast = FastChrf(**options)
    assert fast.statistics(hypotheses, references) == theirs
    assert fast.statistics(hypotheses[::-1], references) == CHRF(**options)._extract_corpus_statistics(
        hypotheses[::-1], reference_streams(references)
    )  # the references prepared for the first system serve the second one


TER_OPTIONS = [{}, {"normalized": True, "case_sensitive": True}, {"no_punct": True}]


@pytest.mark.parametrize("options", TER_OPTIONS, ids=[str(o) for o in TER_OPTIONS])
def test_fast_ter_rows_are_sacrebleus(options: dict[str, object]) -> None:
    hypotheses, references = _corpus(60, seed=2)
    rng = random.Random(4)
    # shuffled references force shifts; long ones (30-40 words) reach past the 25-word beam
    hypotheses += [" ".join(rng.sample(refs[0].split(), len(refs[0].split()))) for refs in references]
    long = [" ".join(rng.choice(WORDS) for _ in range(rng.randrange(30, 40))) for _ in range(4)]
    hypotheses += [" ".join(line.split()[5:] + line.split()[:5]) for line in long] + long[::-1]
    references = references + references + [[line] for line in long] * 2
    theirs = TER(**options)._extract_corpus_statistics(hypotheses, reference_streams(references))
    assert FastTer(**options)._extract_corpus_statistics(hypotheses, reference_streams(references)) == theirs
    assert any(row[0] > 0 for row in theirs) and any(row[0] == 0 for row in theirs)


@pytest.mark.parametrize("kind", ["chrf", "ter"])
def test_statistics_rows_are_sacrebleus(kind: Literal["chrf", "ter"]) -> None:
    hypotheses, references = _corpus(120, seed=1)
    rows = statistics_rows(kind, {}, hypotheses, references)
    sacrebleu = CHRF() if kind == "chrf" else TER()
    theirs = sacrebleu._extract_corpus_statistics(hypotheses, reference_streams(references))
    assert np.array_equal(rows, np.array(theirs, dtype=np.float64))


@pytest.mark.parametrize("options", OPTIONS, ids=[str(o) for o in OPTIONS])
def test_fast_chrf_rows_with_repeated_lines_are_sacrebleus(options: dict[str, object]) -> None:
    """Repeated reference lines, hypotheses equal to a reference line and repeated pairs are
    counted once; their rows must still be sacrebleu's, in every sample's place."""
    hypotheses, references = _corpus(40, seed=3)
    rng = random.Random(6)
    references = [rng.choice(references) for _ in range(120)]  # each list of references thrice or so
    # half equal to one of their references, half one of five lines: repeated pairs
    hypotheses = [rng.choice(refs) if rng.random() < 0.5 else rng.choice(hypotheses[:5]) for refs in references]
    theirs = CHRF(**options)._extract_corpus_statistics(hypotheses, reference_streams(references))
    assert FastChrf(**options).statistics(hypotheses, references) == theirs
    assert sum(h in refs for h, refs in zip(hypotheses, references, strict=True)) >= 40
