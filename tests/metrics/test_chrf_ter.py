"""chrF and TER: sacrebleu's published test values, and identity with sacrebleu on random corpora."""

from __future__ import annotations

import pytest
import sacrebleu

from harness.metrics.chrf import ChrfMetric
from harness.metrics.ter import TerMetric
from tests.metrics.conftest import perturbed_pairs

CHRF3 = {"char_order": 6, "word_order": 0, "beta": 3}


@pytest.mark.parametrize(
    ("hypotheses", "references", "expected"),
    [
        # sacrebleu test/test_chrf.py test_cases (eps_smoothing=True), EPSILON 1e-4
        (["abcdefg"], ["hijklmnop"], 0.0),
        (["a"], ["b"], 0.0),
        ([""], ["b"], 0.0),
        ([""], ["ref"], 0.0),
        ([""], ["reference"], 0.0),
        (["aa"], ["ab"], 8.3333),
        (["a", "b"], ["a", "c"], 8.3333),
        (["a"], ["a"], 16.6667),
        (["a b c"], ["a b c"], 50.0),
        (["a b c"], ["abc"], 50.0),
        (
            [
                " risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."
            ],
            [
                "risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."
            ],
            63.361730,
        ),
        (
            [" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "],
            ["Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."],
            64.1302698,
        ),
        (
            ["Niemand hat die Absicht, eine Mauer zu errichten"],
            ["Niemand hat die Absicht, eine Mauer zu errichten"],
            100.0,
        ),
    ],
)
def test_sacrebleu_chrf_cases(hypotheses: list[str], references: list[str], expected: float) -> None:
    score = ChrfMetric(**CHRF3, eps_smoothing=True).score(hypotheses, references, bootstrap=0).score
    assert abs(score - expected) < 1e-4  # sacrebleu's EPSILON for these cases


@pytest.mark.parametrize(
    ("hypotheses", "references", "expected"),
    [
        # sacrebleu test/test_chrf.py test_cases_effective_order (sacreBLEU < 2.0.0 mode)
        (["a"], ["a"], 100.0),
        ([""], ["reference"], 0.0),
        (["a b c"], ["a b c"], 100.0),
        (["a b c"], ["abc"], 100.0),
        ([""], ["c"], 0.0),
        (["a", "b"], ["a", "c"], 50.0),
        (["aa"], ["ab"], 25.0),
    ],
)
def test_sacrebleu_chrf_effective_order_cases(hypotheses: list[str], references: list[str], expected: float) -> None:
    assert round(ChrfMetric(**CHRF3).score(hypotheses, references, bootstrap=0).score, 4) == expected


@pytest.mark.parametrize(
    ("hypothesis", "reference", "expected"),
    [
        # sacrebleu test/test_chrf.py test_cases_keep_whitespace (whitespace kept), EPSILON 1e-4
        (
            "Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich.",
            "Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.",
            67.3481606,
        ),
        (
            "risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .",
            "risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .",
            65.2414427,
        ),
    ],
)
def test_sacrebleu_chrf_whitespace_cases(hypothesis: str, reference: str, expected: float) -> None:
    score = ChrfMetric(**CHRF3, whitespace=True).score([hypothesis], [reference], bootstrap=0).score
    assert abs(score - expected) < 1e-4


@pytest.mark.parametrize(
    ("hypothesis", "reference", "expected"),
    [
        # sacrebleu test/test_chrf.py test_sentence_level_chrf (eps_smoothing=True, default orders)
        (
            "Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.",
            "Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.",
            39.14078509,
        ),
        (
            "Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.",
            "A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.",
            31.22557079,
        ),
        (
            "Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.",
            "Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.",
            57.15704367,
        ),
    ],
)
def test_sacrebleu_sentence_chrf_cases(hypothesis: str, reference: str, expected: float) -> None:
    result = ChrfMetric(eps_smoothing=True).score([hypothesis], [reference], bootstrap=0)
    assert abs(result.per_sample[0] - expected) < 1e-4


TER_WMT_HYPS = [
    'wählen Sie " Bild neu berechnen , " um beim Ändern der Bildgröße Pixel hinzuzufügen oder zu entfernen , damit das Bild ungefähr dieselbe Größe aufweist wie die andere Größe .',
    'wenn Sie alle Aufgaben im aktuellen Dokument aktualisieren möchten , wählen Sie im Menü des Aufgabenbedienfelds die Option " Alle Aufgaben aktualisieren . "',
    'klicken Sie auf der Registerkarte " Optionen " auf die Schaltfläche " Benutzerdefiniert " und geben Sie Werte für " Fehlerkorrektur-Level " und " Y / X-Verhältnis " ein .',
    "Sie können beispielsweise ein Dokument erstellen , das ein Auto über die Bühne enthält .",
    'wählen Sie im Dialogfeld " Neu aus Vorlage " eine Vorlage aus und klicken Sie auf " Neu . "',
]
TER_WMT_REFS = [
    'wählen Sie " Bild neu berechnen , " um beim Ändern der Bildgröße Pixel hinzuzufügen oder zu entfernen , damit die Darstellung des Bildes in einer anderen Größe beibehalten wird .',
    'wenn Sie alle Aufgaben im aktuellen Dokument aktualisieren möchten , wählen Sie im Menü des Aufgabenbedienfelds die Option " Alle Aufgaben aktualisieren . "',
    'klicken Sie auf der Registerkarte " Optionen " auf die Schaltfläche " Benutzerdefiniert " und geben Sie für " Fehlerkorrektur-Level " und " Y / X-Verhältnis " niedrigere Werte ein .',
    "Sie können beispielsweise ein Dokument erstellen , das ein Auto enthalt , das sich über die Bühne bewegt .",
    'wählen Sie im Dialogfeld " Neu aus Vorlage " eine Vorlage aus und klicken Sie auf " Neu . "',
]


@pytest.mark.parametrize(
    ("hypotheses", "references", "expected"),
    [
        # sacrebleu test/test_ter.py test_cases (TER as a fraction; the metric reports x100), EPSILON 1e-3
        (["aaaa bbbb cccc dddd"], ["aaaa bbbb cccc dddd"], 0),
        (["dddd eeee ffff"], ["aaaa bbbb cccc"], 1),
        ([""], ["a"], 1),
        (["d e f g h a b c"], ["a b c d e f g h"], 1 / 8),
        (TER_WMT_HYPS, TER_WMT_REFS, 0.136),  # realistic example from WMT dev data (2019)
    ],
)
def test_sacrebleu_ter_cases(hypotheses: list[str], references: list[str], expected: float) -> None:
    result = TerMetric().score(hypotheses, references, bootstrap=0)
    assert abs(result.score - 100 * expected) < 1e-3
    assert result.higher_is_better is False


def _two_references(n: int, seed: int) -> tuple[list[str], list[list[str]]]:
    hyps, refs = perturbed_pairs(n, seed)
    _, others = perturbed_pairs(n, seed + 7)
    return hyps, [[r, o] if i % 3 else [r] for i, (r, o) in enumerate(zip(refs, others, strict=True))]


@pytest.mark.parametrize("options", [{}, {"word_order": 2}, {"lowercase": True, "whitespace": True}, {"beta": 1}])
def test_chrf_identical_to_sacrebleu(options: dict[str, object]) -> None:
    hyps, refs = perturbed_pairs(300, seed=11)
    result = ChrfMetric(**options).score(hyps, refs, bootstrap=0)
    chrf = sacrebleu.metrics.CHRF(**options)  # type: ignore[arg-type]
    assert result.score == chrf.corpus_score(hyps, [refs]).score
    sentence = [chrf.sentence_score(h, [r]).score for h, r in zip(hyps[:50], refs[:50], strict=True)]
    assert result.per_sample[:50] == sentence


@pytest.mark.parametrize("options", [{}, {"normalized": True, "case_sensitive": True}, {"no_punct": True}])
def test_ter_identical_to_sacrebleu_with_several_references(options: dict[str, bool]) -> None:
    hyps, refs = _two_references(150, seed=12)
    streams = [[r[0] for r in refs], [r[1] if len(r) > 1 else None for r in refs]]
    result = TerMetric(**options).score(hyps, refs, bootstrap=0)
    assert result.score == sacrebleu.metrics.TER(**options).corpus_score(hyps, streams).score  # type: ignore[arg-type]
    assert result.signature.nrefs == "var"
