"""BLEU: sacrebleu's published test values, and identity with sacrebleu on random corpora."""

from __future__ import annotations

import itertools
import random

import pytest
import sacrebleu
from sacrebleu.metrics import BLEU

from harness.metrics.bleu import BleuMetric
from harness.metrics.ngrams import bleu_rows
from tests.metrics.conftest import perturbed_pairs

# sacrebleu test/test_bleu.py: the README example, references given as two streams
STREAM_REFS = [
    ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
    ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
]
HYPS = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."]
PER_SAMPLE_REFS = [list(refs) for refs in zip(*STREAM_REFS, strict=True)]


@pytest.mark.parametrize(
    ("hypotheses", "options", "expected"),
    [
        (HYPS, {}, 48.530827),  # sacrebleu test_bleu.py test_corpus_bleu_cases: default settings
        (["", "", ""], {}, 0.0),  # ... empty hypotheses are not removed
        (HYPS, {"tokenize": "none"}, 49.1919566),
        (HYPS, {"tokenize": "13a"}, 48.530827),
        (HYPS, {"tokenize": "intl"}, 43.91623493),
        (HYPS, {"smooth_method": "none"}, 48.530827),
    ],
)
def test_sacrebleu_corpus_bleu_cases(hypotheses: list[str], options: dict[str, str], expected: float) -> None:
    result = BleuMetric(**options).score(hypotheses, PER_SAMPLE_REFS, bootstrap=0)
    assert round(result.score, 6) == round(expected, 6)
    assert result.signature.nrefs == 2


RAW = {"tokenize": "none", "smooth_method": "floor", "smooth_value": 0.01, "effective_order": True}


@pytest.mark.parametrize(
    ("hypotheses", "references", "expected"),
    [
        # sacrebleu test_bleu.py test_raw_bleu_cases (raw_corpus_bleu with floor 0.01), score / 100.
        # (Its first case, 0.0038 for no matching unigram, predates the no-match early stop of
        # sacrebleu #141: 2.6.0 itself returns 0.0 there, and so does this metric.)
        (["this is a test", "another test"], ["ref1", "ref2"], 0.0),
        (["this is a test"], ["this is a test"], 1.0),
        (["this is a fest"], ["this is a test"], 0.223606797749979),
        # sacrebleu test_bleu.py test_case_effective_order
        (["test"], ["a test"], 0.3678794411714425),
        (["a test"], ["a test"], 1.0),
        (["a little test"], ["a test"], 0.03218297948685433),
    ],
)
def test_sacrebleu_raw_bleu_cases(hypotheses: list[str], references: list[str], expected: float) -> None:
    assert round(BleuMetric(**RAW).score(hypotheses, references, bootstrap=0).score / 100, 10) == round(expected, 10)


def test_sacrebleu_statistics_case() -> None:
    # sacrebleu test_bleu.py test_case_statistics: common [4, 2, 1, 0], total [6, 5, 4, 3];
    # the 4-gram precision is floor-smoothed: 100 * 0.01 / 3
    extra = BleuMetric(**RAW).score(["am I am a character sequence"], ["I am a symbol string sequence a a"]).extra
    assert [extra[f"precision_{n}"] for n in range(1, 5)] == [100 * 4 / 6, 100 * 2 / 5, 100 * 1 / 4, 100 * 0.01 / 3]


# sacrebleu test_sentence_bleu.py (issue #98 example); expected scores with EPSILON 1e-3
SENT_REF = "producţia de zahăr brut se exprimă în zahăr alb;"
SENT_SYS = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;"


@pytest.mark.parametrize(
    ("smooth_method", "smooth_value", "lowercase", "tokenize", "expected"),
    [
        ("exp", None, False, "13a", 8.493),
        ("none", None, False, "13a", 0.0),
        ("floor", None, False, "13a", 4.51688),
        ("floor", 0.1, False, "13a", 4.51688),
        ("floor", 0.5, False, "13a", 10.10),
        ("add-k", None, False, "13a", 14.882),
        ("add-k", 1, False, "13a", 14.882),
        ("add-k", 2, False, "13a", 21.389),
        ("exp", None, False, "none", 7.347),
        ("exp", None, False, "intl", 8.493),
        ("exp", None, False, "char", 40.8759),
        ("exp", None, True, "char", 42.0267),
    ],
)
def test_sacrebleu_sentence_bleu_cases(
    smooth_method: str, smooth_value: float | None, lowercase: bool, tokenize: str, expected: float
) -> None:
    metric = BleuMetric(smooth_method=smooth_method, smooth_value=smooth_value, lowercase=lowercase, tokenize=tokenize)
    per_sample = metric.score([SENT_SYS], [SENT_REF], bootstrap=0).per_sample
    assert abs(per_sample[0] - expected) < 1e-3


def _random_corpus(seed: int, n: int) -> tuple[list[str], list[list[str]]]:
    """Perturbed course sentences with 1-3 references each (some references repeated or empty)."""
    rng = random.Random(seed)
    hyps, refs = perturbed_pairs(n, seed)
    _, extra_refs = perturbed_pairs(n, seed + 1)
    references = []
    for i, ref in enumerate(refs):
        sample = [ref] + [extra_refs[(i + k) % n] for k in range(rng.randint(0, 2))]
        if rng.random() < 0.02:
            sample.append("")
        references.append(sample)
    hyps = [h if rng.random() > 0.02 else "" for h in hyps]
    return hyps, references


def _streams(references: list[list[str]]) -> list[list[str | None]]:
    depth = max(map(len, references))
    return [[r[k] if k < len(r) else None for r in references] for k in range(depth)]


def test_statistics_rows_are_sacrebleus() -> None:
    hyps, refs = _random_corpus(seed=21, n=2000)
    bleu = BLEU()
    expected = bleu._extract_corpus_statistics(hyps, _streams(refs))
    tokenize = BleuMetric()._tokenizer()
    rows = bleu_rows([tokenize(h) for h in hyps], [[tokenize(r) for r in rs] for rs in refs], 4)
    assert rows == expected


def test_statistics_rows_with_repeated_references_and_pairs_are_sacrebleus() -> None:
    """Repeated lists of references are counted once and repeated pairs reuse their row; every
    sample still gets sacrebleu's row."""
    hyps, refs = _random_corpus(seed=22, n=60)
    rng = random.Random(23)
    picks = [rng.randrange(60) for _ in range(400)]
    hyps = [hyps[i] if rng.random() < 0.5 else hyps[rng.randrange(5)] for i in picks]  # repeated pairs too
    refs = [refs[i] for i in picks]
    expected = BLEU()._extract_corpus_statistics(hyps, _streams(refs))
    tokenize = BleuMetric()._tokenizer()
    assert bleu_rows([tokenize(h) for h in hyps], [[tokenize(r) for r in rs] for rs in refs], 4) == expected


OPTION_GRID = [
    dict(zip(("tokenize", "smooth_method", "lowercase", "effective_order"), values, strict=True))
    for values in itertools.product(
        ["13a", "intl", "char", "none"], ["exp", "floor", "add-k", "none"], [False, True], [False, True]
    )
]


@pytest.mark.parametrize("options", [*OPTION_GRID[::3], {"max_ngram_order": 2}, {"max_ngram_order": 6}])
def test_corpus_score_identical_to_sacrebleu(options: dict[str, object]) -> None:
    hyps, refs = _random_corpus(seed=len(str(options)), n=400)
    result = BleuMetric(**options).score(hyps, refs, bootstrap=0)
    direct = BLEU(**options).corpus_score(hyps, _streams(refs))  # type: ignore[arg-type]
    assert result.score == direct.score
    assert result.extra["bp"] == direct.bp and result.extra["ref_len"] == direct.ref_len


def test_per_sample_scores_are_sentence_bleu() -> None:
    hyps, refs = _random_corpus(seed=5, n=300)
    hyps, refs = hyps + hyps[:100], refs + refs[:100]  # repeated rows are scored once, each sample still gets its score
    result = BleuMetric().score(hyps, refs, bootstrap=0)
    assert result.per_sample == [sacrebleu.sentence_bleu(h, r).score for h, r in zip(hyps, refs, strict=True)]


def test_corpus_bleu_equals_the_compat_function() -> None:
    hyps, refs = perturbed_pairs(500, seed=3)
    assert BleuMetric().score(hyps, refs, bootstrap=0).score == sacrebleu.corpus_bleu(hyps, [refs]).score
