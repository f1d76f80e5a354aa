"""ROUGE: rouge-score's published test values, and bit-for-bit identity with rouge-score."""

from __future__ import annotations

import random

import numpy as np
import pytest
from rouge_score import rouge_scorer
from rouge_score import tokenize as rouge_tokenize

from harness.metrics import rouge_engine
from harness.metrics.rouge import RougeMetric
from harness.metrics.sentences import split_sentences
from tests.metrics.conftest import course_sentences, perturbed_pairs

TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]

# rouge-score's testdata (google-research/rouge/testdata): target.txt and prediction.txt, lines 0 and 1
TARGETS = [
    "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr "
    "q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L\n",
    "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer "
    "HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion "
    "gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN\n",
]
PREDICTIONS = [
    "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi\n",
    "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed "
    "nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD\n",
]
# ... and pyrouge_files/target_multi.0.txt, prediction_multi.0.txt
TARGET_MULTI = (
    "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr "
    "q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L\n"
    "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer "
    "HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion "
    "gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN\n"
    "NhETebUbBk'er WOvoHMTjSRizKgH'vHiing Xu,hWxfs VkNE QhgKiLHE -HidivzoM.dO anhtion jbLQiSGDTCsuhREebUaKM dv J "
    "dVN tmbOT\n"
    "vMR HDm,xOAetion D,tion HJtodT.mHl UIv-p VjWH'BdyWjnfGU-OjT aEMdFICyLWfQMtion wEMfdOKing AwkeKbO 'DxqNOHBH "
    "qKtVvm OYJl mM\n"
)
PREDICTION_MULTI = (
    "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi\n"
    "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed "
    "nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD\n"
    "xfs VkJE QhgKiLHE -HidivzoM.dO anhing jbLQiSGDTCsuhREebUaKM dv J\n"
    "VjWH'BdyWjnfGU-OjTNaEMdFICyLWfQMing wEMfdOKijg AwkeKbO 'DxqNO\n"
)


def _prf(result_extra: dict[str, float], rouge_type: str) -> tuple[float, float, float]:
    return tuple(  # type: ignore[return-value]
        round(result_extra[key], 5) for key in (f"{rouge_type}_precision", f"{rouge_type}_recall", rouge_type)
    )


@pytest.mark.parametrize(
    ("rouge_type", "stem", "line", "expected"),
    [
        # rouge_scorer_test.py testRouge{1,2,L}AgainstRouge155[WithStemming]: (P, R, F) at 5 decimals
        ("rouge1", False, 0, (0.68750, 0.40741, 0.51163)),
        ("rouge1", False, 1, (0.65385, 0.40476, 0.50000)),
        ("rouge1", True, 0, (0.68750, 0.40741, 0.51163)),
        ("rouge1", True, 1, (0.69231, 0.42857, 0.52941)),
        ("rouge2", False, 0, (0.53333, 0.30769, 0.39024)),
        ("rouge2", False, 1, (0.48000, 0.29268, 0.36364)),
        ("rouge2", True, 0, (0.53333, 0.30769, 0.39024)),
        ("rouge2", True, 1, (0.48000, 0.29268, 0.36364)),
        ("rougeL", False, 0, (0.68750, 0.40741, 0.51163)),
        ("rougeL", False, 1, (0.65385, 0.40476, 0.50000)),
    ],
)
def test_rouge_score_against_rouge155(rouge_type: str, stem: bool, line: int, expected: tuple[float, ...]) -> None:
    metric = RougeMetric(rouge_types=(rouge_type,), primary=rouge_type, use_stemmer=stem)
    result = metric.score([PREDICTIONS[line]], [TARGETS[line]], bootstrap=0)
    assert _prf(result.extra, rouge_type) == expected


def test_rouge_lsum_against_rouge155_with_stemming() -> None:
    # rouge_scorer_test.py testRougeLSumAgainstRouge155WithStemming: R 0.36538, P 0.66667, F 0.47205
    metric = RougeMetric(rouge_types=("rougeLsum",), primary="rougeLsum", use_stemmer=True)
    result = metric.score([PREDICTION_MULTI], [TARGET_MULTI], bootstrap=0)
    assert _prf(result.extra, "rougeLsum") == (0.66667, 0.36538, 0.47205)


@pytest.mark.parametrize(
    ("rouge_type", "target", "prediction", "expected"),
    [
        # rouge_scorer_test.py testRouge1, testRouge2, testRougeLConsecutive, testRougeLNonConsecutive
        ("rouge1", "testing one two", "testing", (1.0, 1 / 3, 1 / 2)),
        ("rouge2", "testing one two", "testing one", (1.0, 1 / 2, 2 / 3)),
        ("rougeL", "testing one two", "testing one", (1.0, 2 / 3, 4 / 5)),
        ("rougeL", "testing one two", "testing two", (1.0, 2 / 3, 4 / 5)),
        # testRougeLsum: union LCS over two candidate sentences; R 0.8, P 0.4, F 0.5333
        ("rougeLsum", "w1 w2 w3 w4 w5", "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5", (0.4, 0.8, 0.4 * 0.8 * 2 / 1.2)),
        ("rougeLsum", "w1 w2 w3 w4 w5", "", (0.0, 0.0, 0.0)),  # testRougeLsum empty cases
        ("rougeLsum", "", "w1", (0.0, 0.0, 0.0)),
        ("rougeLsum", "w1 w2 w3 w4 w5", "/", (0.0, 0.0, 0.0)),  # summary of non-word characters
        # testRougeLSumSentenceSplitting: sentences swapped across lines, then joined on one line
        ("rougeLsum", "First sentence.\nSecond Sentence.", "Second sentence.\nFirst Sentence.", (1.0, 1.0, 1.0)),
        ("rougeLsum", "First sentence. Second Sentence.", "Second sentence. First Sentence.", (0.5, 0.5, 0.5)),
    ],
)
def test_rouge_scorer_test_cases(rouge_type: str, target: str, prediction: str, expected: tuple[float, ...]) -> None:
    metric = RougeMetric(rouge_types=(rouge_type,), primary=rouge_type, use_stemmer=rouge_type == "rougeLsum")
    result = metric.score([prediction], [target], bootstrap=0)
    assert _prf(result.extra, rouge_type) == tuple(round(x, 5) for x in expected)


def test_rouge_multi_reference_takes_the_best() -> None:
    # rouge_scorer_test.py testRouge1Multi / testRougeAllMulti
    metric = RougeMetric(rouge_types=("rouge1", "rouge2", "rougeL"), primary="rouge1")
    result = metric.score(["testing"], [["testing one two", "This is a test"]], bootstrap=0)
    assert _prf(result.extra, "rouge1") == (1.0, round(1 / 3, 5), 0.5)
    both = metric.score(["first text"], [["first text", "first or second"]], bootstrap=0)
    assert (both.extra["rouge1"], both.extra["rouge2"], both.extra["rougeL"]) == (1.0, 1.0, 1.0)


def test_split_summaries_uses_the_offline_splitter() -> None:
    # rouge-score with split_summaries=True (NLTK Punkt) gives 1.0 here; the regex splitter agrees
    metric = RougeMetric(rouge_types=("rougeLsum",), primary="rougeLsum", use_stemmer=True, split_summaries=True)
    result = metric.score(["Second sentence. First Sentence."], ["First sentence. Second Sentence."], bootstrap=0)
    assert result.score == 1.0
    assert "split:regex" in str(result.signature)


def test_tokenizer_patterns_are_rouge_scores() -> None:
    assert rouge_engine.NON_ALPHANUM_RE.pattern == rouge_tokenize.NON_ALPHANUM_PATTERN
    assert rouge_engine.VALID_TOKEN_RE.pattern == rouge_tokenize.VALID_TOKEN_PATTERN


def _random_text(rng: random.Random, words: list[str]) -> str:
    lines = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 14))) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
    text = "\n".join(lines)
    return text + rng.choice(["", "", " 3.14 km/h!", " naïve café — ÉLAN", "\n\n", " don't stop"])


@pytest.mark.parametrize("stem", [False, True])
def test_identical_to_rouge_score_on_random_pairs(stem: bool) -> None:
    rng = random.Random(int(stem))
    words = [*" ".join(course_sentences()).split(), "running", "runs", "ran", "generative", "generated", "a", "A"]
    pairs = [(_random_text(rng, words), _random_text(rng, words)) for _ in range(2500)]
    reference = rouge_scorer.RougeScorer(TYPES, use_stemmer=stem)
    ours = rouge_engine.RougeScorer(TYPES, use_stemmer=stem)
    for target, prediction in pairs:
        expected = reference.score(target, prediction)
        got = ours.score(target, prediction)
        for rouge_type in TYPES:
            assert tuple(expected[rouge_type]) == (
                got[rouge_type].precision,
                got[rouge_type].recall,
                got[rouge_type].fmeasure,
            ), (target, prediction, rouge_type)


def test_metric_per_sample_and_mean_match_rouge_score() -> None:
    hyps, refs = perturbed_pairs(800, seed=4, multiline=True)
    result = RougeMetric(use_stemmer=True).score(hyps, refs, bootstrap=0)
    reference = rouge_scorer.RougeScorer(TYPES, use_stemmer=True)
    expected = [reference.score(r, h) for h, r in zip(hyps, refs, strict=True)]
    assert result.per_sample == [e["rougeL"].fmeasure for e in expected]
    for rouge_type in TYPES:
        assert result.extra[rouge_type] == float(np.mean([e[rouge_type].fmeasure for e in expected]))


def test_multi_reference_matches_score_multi() -> None:
    hyps, refs = perturbed_pairs(300, seed=6)
    _, others = perturbed_pairs(300, seed=7)
    multi = [[r, o] for r, o in zip(refs, others, strict=True)]
    result = RougeMetric().score(hyps, multi, bootstrap=0)
    reference = rouge_scorer.RougeScorer(TYPES)
    expected = [reference.score_multi(m, h)["rougeL"].fmeasure for h, m in zip(hyps, multi, strict=True)]
    assert result.per_sample == expected


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One. Two! Three? four", ["One.", "Two!", "Three? four"]),
        (
            "Models, e.g. GPT-2, generate text. Then we score it.",
            ["Models, e.g. GPT-2, generate text.", "Then we score it."],
        ),
        ("Dr. Smith met J. Doe. They talked.", ["Dr. Smith met J. Doe.", "They talked."]),
        ('He said "stop." Then left. Pi is 3.14 today.', ['He said "stop."', "Then left.", "Pi is 3.14 today."]),
        ("line one\nline two. Still two\n\n", ["line one", "line two.", "Still two"]),
        ("", []),
    ],
)
def test_sentence_splitter(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences
