"""The hallucination checks: what they flag, where the span is, and their measured accuracy."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from harness.checks.evaluate import apply_edit, load_labeled, run_check, scores
from harness.checks.hallucination.grounded import COURSE_ACRONYMS, MAX_ACRONYM, GroundedCheck, _expansions
from harness.checks.hallucination.reference_facts import ReferenceFactsCheck
from harness.checks.hallucination.self_consistency import SelfConsistencyCheck
from harness.checks.text import Sentence, Token, is_content, quantities, sentences, stem

LABELED = Path(__file__).resolve().parents[1] / "data" / "checks" / "grounded.yaml"
SOURCE = (
    "BERT was released in 2018 by Google. It was trained on 3.3 billion tokens and has 340 million parameters. "
    "Unlike GANs, diffusion models do not need an adversary."
)


def _one(output: str, source: str = SOURCE) -> list[tuple[str, str, str]]:
    result = GroundedCheck().run([output], sources=[source])
    return [(f.kind, f.text, f.severity) for f in result.samples[0].findings if f.severity == "high"]


def test_normalised_numbers_are_supported() -> None:
    source = "The model has 7,000,000 parameters and 12% of them are frozen; it has 1.5 billion tokens."
    for output in ("It has 7 million parameters.", "It has 7M parameters.", "12 percent are frozen.",
                   "It has 1,500,000,000 tokens."):  # fmt: skip
        assert _one(output, source) == [], output


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("BERT was released in 2019 by Google.", [("date", "2019", "high")]),
        ("BERT was released in 2018 by Meta.", [("entity", "Meta", "high")]),
        ("It was trained on 33 billion tokens.", [("number", "33 billion", "high")]),
        ("Unlike GANs, diffusion models need an adversary.", [("negation", "need", "high")]),
        ("BERT was not released by Google.", [("negation", "not", "high")]),
    ],
)
def test_the_changed_span_is_flagged(output: str, expected: list[tuple[str, str, str]]) -> None:
    assert _one(output) == expected


def test_every_finding_names_its_source_sentence_or_says_nothing_supports_it() -> None:
    result = GroundedCheck().run(["BERT was released in 2019. Penguins can fly to the Moon."], sources=[SOURCE])
    findings = result.samples[0].findings
    date = next(f for f in findings if f.kind == "date")
    assert date.source_sentence == "BERT was released in 2018 by Google." and "'2018'" in date.evidence
    invented = next(f for f in findings if f.kind == "unsupported")
    assert invented.text == "Penguins can fly to the Moon." and invented.source_sentence is None
    assert invented.note == "nothing in the source supports it"


def test_spans_of_the_labeled_set_are_the_changed_spans() -> None:
    """For every unfaithful output that is flagged, a flagging finding overlaps the edited span."""
    items = [i for i in load_labeled(LABELED) if not i.faithful]
    results = run_check(GroundedCheck(), items)
    misplaced = []
    for item, result in zip(items, results, strict=True):
        if result.flagged:
            assert item.span is not None
            start, end = item.span
            if not any(f.start < end and start < f.end and f.severity == "high" for f in result.findings):
                misplaced.append((item.id, item.output[start:end], [f.text for f in result.findings]))
    assert len(misplaced) <= 0.05 * len(items), misplaced


def test_measured_accuracy_on_the_test_split_holds() -> None:
    """docs/checks.md reports these figures; a change to the rules that lowers them fails here."""
    test = [i for i in load_labeled(LABELED) if i.split == "test"]
    rows = {row.label: row for row in scores(test, run_check(GroundedCheck(), test))}
    assert rows["all"].balanced_accuracy >= 0.85
    # contradictions: 0.200 with the hand list alone, 0.400 with WordNet, frames and reversals; on the
    # enlarged set (26 on test), 0.385 before and 0.731 after swapped words, crossed roles and frames
    assert rows["contradiction"].count == 26
    for label in ("contradiction", "date", "entity", "invented", "negation", "number"):
        assert rows[label].recall >= 0.70, label


def test_wordnet_antonyms_find_opposites_the_hand_list_lacks() -> None:
    source = "The internet is older than the web. Foundation models have broad capabilities."
    assert _one("The internet is younger than the web.", source) == [("contradiction", "younger", "high")]
    course = GroundedCheck(lexicon="course").run(["The internet is younger than the web."], sources=[source])
    assert not course.samples[0].flagged  # young/old is WordNet's (direct), not the hand list's


def test_an_indirect_opposite_counts_only_in_the_same_frame() -> None:
    source = "Foundation models are trained on large datasets. Small teams adapt them."
    # "tiny" is large's indirect antonym (WordNet: tiny is similar to small, small's antonym is large)
    check = GroundedCheck(lexicon="wordnet")
    found = check.run(["Foundation models are trained on tiny datasets."], sources=[source]).samples[0]
    assert [(f.kind, f.text) for f in found.findings] == [("contradiction", "tiny")]
    # beside other words it is no contradiction of "large datasets"; "direct" leaves indirect pairs out
    assert (
        not check.run(["Foundation models are trained on datasets; tiny teams adapt them."], sources=[source])
        .samples[0]
        .flagged
    )
    assert (
        not GroundedCheck()
        .run(["Foundation models are trained on tiny datasets."], sources=[source])
        .samples[0]
        .flagged
    )


def test_a_reversed_role_is_flagged_with_both_sides() -> None:
    source = "Text-to-speech turns written text into natural speech. Translation from English to French is common."
    found = GroundedCheck().run(
        ["Text-to-speech turns natural speech into written text.", "Translation from French to English is common."],
        sources=[source, source],
    )
    first, second = (s.findings for s in found.samples)
    assert [(f.kind, f.text) for f in first] == [("reversal", "turns natural speech into written text")]
    assert first[0].source_sentence == "Text-to-speech turns written text into natural speech."
    assert [(f.kind, f.text) for f in second] == [("reversal", "French to English")]
    # the source's own direction, in the other spelling ("from A ... into B" = "A into B"), is not reversed
    assert _one("Text-to-speech turns written text into natural speech.", source) == []


def test_the_shipped_wordnet_lexicon_is_what_the_generator_makes(tmp_path: Path) -> None:
    from harness.checks.hallucination.opposites import WORDNET_FILE

    wordnet = Path("/usr/share/wordnet")
    if not (wordnet / "data.adj").exists():
        pytest.skip("WordNet's database is not installed (apt-get install wordnet-base)")
    from harness.checks.make_antonyms import main

    assert main([str(wordnet), str(tmp_path / "antonyms.txt")]) == 0
    assert (tmp_path / "antonyms.txt").read_bytes() == WORDNET_FILE.read_bytes()


def test_the_wordnet_lexicon_carries_its_license_and_known_pairs() -> None:
    from harness.checks.hallucination.opposites import WORDNET_FILE, opposites_table

    text = WORDNET_FILE.read_text(encoding="utf-8")
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in text
    for line in ("a narrow wide", "v add subtract", "a maximum minimum", "s large tiny", "= a younger young"):
        assert f"\n{line}\n" in text, line
    direct, framed = opposites_table("wordnet"), opposites_table("wordnet", framed=True)
    assert "larg" in framed["tiny"] and "tiny" not in direct  # indirect pairs only in the same frame
    assert "older" in direct["young"] and stem("bigger") in direct["small"]  # "old", "big": 3 letters, unstemmed


def test_apply_edit_records_the_changed_span() -> None:
    text = "GANs were introduced in 2014 by Ian Goodfellow."
    edited, (start, end) = apply_edit(text, {"replace": "2014", "with": "2017"}, "t")
    assert edited[start:end] == "7"  # the common prefix "201" is not part of the change
    edited, (start, end) = apply_edit(text, {"append": "It won."}, "t")
    assert edited[start:end] == "It won."


def test_sentences_and_quantities_keep_offsets() -> None:
    text = "GPT-3 has 175 billion parameters, e.g. many.  It came in 2020!"
    parts = sentences(text)
    assert [p.text for p in parts] == ["GPT-3 has 175 billion parameters, e.g. many.", "It came in 2020!"]
    for part in parts:
        assert text[part.start : part.end] == part.text
        for q in quantities(part.tokens, part.text, part.start):
            assert text[q.start : q.end] == q.text
    first = quantities(parts[0].tokens, parts[0].text, parts[0].start)[0]
    assert (first.value, first.unit, first.is_year) == (175e9, "paramet", False)


def test_abbreviations_do_not_end_a_sentence_wherever_they_sit() -> None:
    text = 'Use a GAN, e.g.) Then stop. See "Goodfellow et al." Next one.\nNew line, i.e. Done.'
    assert [s.text for s in sentences(text)] == [
        "Use a GAN, e.g.) Then stop.",
        'See "Goodfellow et al." Next one.',
        "New line, i.e. Done.",
    ]


def test_self_consistency_flags_what_other_samples_do_not_say() -> None:
    samples = [["GANs were introduced in 2014 by Ian Goodfellow.", "In 2014 Goodfellow proposed GANs."]]
    good = SelfConsistencyCheck().run(["GANs were introduced in 2014."], samples=samples)
    bad = SelfConsistencyCheck().run(["GANs were introduced in 2016 by Yann LeCun."], samples=samples)
    assert not good.samples[0].flagged
    assert {(f.kind, f.text) for f in bad.samples[0].findings} >= {("date", "2016"), ("entity", "Yann LeCun")}


def test_reference_facts_cite_the_fact() -> None:
    result = ReferenceFactsCheck().run(
        ["GPT-3 has 175 billion parameters.", "BLOOM was developed in 2019.", "BERT has 3.4 billion parameters."]
    )
    assert [s.flagged for s in result.samples] == [False, True, True]
    date = result.samples[1].findings[0]
    assert (
        (date.kind, date.text) == ("date", "2019") and "bloom-origin" in date.evidence and "seeds/001" in date.evidence
    )
    assert (
        result.samples[2].findings[0].text == "3.4 billion" and "340 million" in result.samples[2].findings[0].evidence
    )


def test_reference_facts_reads_another_knowledge_file(tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_text(
        "about_year: [founded]\nfacts:\n  - {id: acme, subject: [Acme], statement: Acme was founded in 1990., "
        "cite: the charter, year: 1990}\n",
        encoding="utf-8",
    )
    result = ReferenceFactsCheck(facts=str(facts)).run(["Acme was founded in 1991."])
    assert result.samples[0].findings[0].evidence == "contradicts fact acme: the fact gives 1990 (the charter)"
    assert result.signature.resources["facts"] != ReferenceFactsCheck().signature().resources["facts"]


def test_reference_facts_measured_figures_hold() -> None:
    """docs/checks.md reports these figures on tests/data/checks/facts.yaml."""
    from harness.checks.evaluate import evaluate_facts

    lines = evaluate_facts(LABELED.with_name("facts.yaml"))
    assert [line.split()[1] for line in lines] == ["dev:", "test:"]
    for line in lines:
        assert float(line.split("bal.acc ")[1].split()[0]) >= 0.9, line


def test_a_capitalised_alias_names_only_the_proper_noun() -> None:
    result = ReferenceFactsCheck().run(
        ["OpenAI built GPT-1 in 2018 as a transformer decoder.", "The Transformer was introduced in 2015."]
    )
    assert [s.flagged for s in result.samples] == [False, True]


def test_outputs_sharing_a_source_get_what_each_gets_alone() -> None:
    """A source is prepared once per run (acronyms linked per output sentence on top of it): an
    output's findings must not depend on the outputs checked before it against that source."""
    items = load_labeled(LABELED)[:40]
    outputs = [i.output for i in items] + [i.output for i in reversed(items)]
    sources = [i.source for i in items] + [i.source for i in reversed(items)]
    together = GroundedCheck().run(outputs, sources=sources).samples
    for output, source, sample in zip(outputs, sources, together, strict=True):
        alone = GroundedCheck().run([output], sources=[source]).samples[0]
        assert sample.model_dump(exclude={"id"}) == alone.model_dump(exclude={"id"}), output


def _expansions_by_definition(part: Sentence) -> dict[str, list[tuple[Token, ...]]]:
    """Every run of two to five content or capitalised words joined by spaces or hyphens, by its initials."""
    tokens, found = part.tokens, {}
    for begin in range(len(tokens)):
        for end in range(begin + 2, min(begin + MAX_ACRONYM, len(tokens)) + 1):
            run = tokens[begin:end]
            joined = all(not part.text[a.end - part.start : b.start - part.start].strip(" -") for a, b in pairwise(run))
            if all(is_content(t) or t.text[0].isupper() for t in run) and joined:
                found.setdefault("".join(t.lower[0] for t in run), []).append(run)
    return found


def test_acronym_expansions_are_every_run_of_initials() -> None:
    texts = [text for i in load_labeled(LABELED) for text in (i.output, i.source)]
    texts.append("Large language models (LLMs), e.g. GPT - and text-to-image Diffusion Models, use Deep Learning.")
    for part in (p for text in texts for p in sentences(text)):
        expected, by_stem = _expansions_by_definition(part), {t.stem: t for t in part.tokens}
        for letters, words in COURSE_ACRONYMS.items():  # spelled out whatever their initials
            if all(stem(w) in by_stem for w in words):
                expected.setdefault(letters, []).append(tuple(by_stem[stem(w)] for w in words))
        assert _expansions(part) == expected, part.text
