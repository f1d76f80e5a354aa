"""``grounded``: is every statement of an output supported by its source?

Each output sentence is aligned with the source sentences that share most of its content words
(:mod:`harness.checks.hallucination.align`), then explained:

- **numbers** and **dates** ("7 million" = "7,000,000" = "7M"; years): a value the aligned
  sentences do not hold is flagged, *high* when the source holds it nowhere, *medium* when it
  stands elsewhere in the source (a number moved to the wrong statement);
- **entities** (capitalised names): the same rule; an acronym and its expansion are one name
  ("GANs" = "Generative Adversarial Networks", "VAEs" = "Variational autoencoders"): the initials
  of consecutive content or capitalised words of the source (or of the output, for an acronym
  the source uses), singular or plural, plus :data:`COURSE_ACRONYMS` for the few whose letters
  are not initials;
- **negation**: the output sentence and its best source sentence disagree on negation ("not
  just X" asserts X, so it is no negation);
- **contradiction**: an output word whose antonym (the hand list ``data/antonyms.yaml`` and
  WordNet's ``data/antonyms_wordnet.txt``, :mod:`~harness.checks.hallucination.opposites`) stands
  in the aligned source sentence while the word itself does not, unless the source holds both the
  word and its opposite (a contrast the source draws: "discriminative" ... "Generative AI flips
  the job") and the aligned sentence's opposite is not in the word's own frame; or whose antonym
  stands in any source sentence beside the same word ("least likely" for "most likely"); or a
  reversed role ("speech into text" for "text into speech", "sound
  travels faster than light" for "light travels much faster than sound"); or a source word put in
  the place of another that the source lists beside it or that the output then says twice
  ("Drones collect nectar" for "Workers collect nectar", "fakes from fakes";
  :mod:`~harness.checks.hallucination.swaps`);
- **unsupported**: the share of the sentence's content words (fillers such as "basically" left
  out) found anywhere in the source is below ``support``; the words no source sentence holds are
  listed.

Only findings at ``min_severity`` or above lower the score: a sentence with a *medium*
substitution alone (mostly a synonym) counts as supported.

A finding carries the span, the aligned source sentence (or the note that nothing supports
it) and the evidence in words. Thresholds were chosen on the dev splits of the labeled sets
(``docs/checks.md``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cached_property, lru_cache
from itertools import pairwise
from typing import ClassVar

from pydantic import Field

from harness.checks.base import (
    CheckExample,
    CheckInputs,
    Computation,
    SampleCheck,
    SampleCheckOptions,
    SampleOutcome,
    file_hash,
)
from harness.checks.hallucination.align import (
    IndexedSentence,
    SourceIndex,
    best_matches,
    index_sentence,
    index_source,
)
from harness.checks.hallucination.opposites import (
    COURSE_FILE,
    WORDNET_FILE,
    Lexicon,
    Opposition,
    framed_in,
    framed_oppositions,
    neighbours,
    opposites_table,
    reversals,
)
from harness.checks.hallucination.swaps import crossed_roles, swapped_words
from harness.checks.result import NOTHING_SUPPORTS_IT, SEVERITY_RANK, Finding, Severity
from harness.checks.text import (
    Quantity,
    Sentence,
    Token,
    entity_spans,
    is_content,
    is_negation,
    sentences,
    stem,
)

MAX_SUBSTITUTION = 3  # words on either side of a replacement
# Acronyms whose letters are not the initials of their words, as the course material spells them
# out (../shared/seeds: "Variational Autoencoders (VAEs)", "Using Autoencoder (AE)"); every other
# acronym is linked to its expansion by the initials of the source's own words.
COURSE_ACRONYMS: dict[str, tuple[str, ...]] = {"vae": ("variational", "autoencoder"), "ae": ("autoencoder",)}
MAX_ACRONYM = 5  # words an acronym may stand for
# Intensifiers and hedges: they state nothing the source could fail to support.
FILLERS = frozenset(
    "basically really actually very quite just also simply truly literally essentially somewhat rather".split()
)
# "not just X": X is asserted, not denied
NOT_NEGATING = frozenset({"just", "only", "merely", "simply"})


class GroundedOptions(SampleCheckOptions):
    """Defaults chosen on the dev splits of ``tests/data/checks/grounded.yaml`` (synthetic edits) and
    ``tests/data/checks/abstractive.yaml`` (real summaries): the best mean balanced accuracy
    (docs/checks.md)."""

    min_severity: Severity = "high"  # substitutions (medium) are shown but flag nothing: synonyms look alike
    support: float = Field(default=0.2, ge=0, le=1)  # least share of a sentence's content words the source holds
    scope: int = Field(default=3, ge=1)  # source sentences an output sentence is compared with for names/numbers
    min_overlap: float = Field(default=0.3, ge=0, le=1)  # least overlap for a negation or antonym comparison
    # antonyms: the course's hand list, plus WordNet's direct pairs, plus its indirect ones (in frames only);
    # "direct" and "wordnet" tie on dev, the grid's tie goes to the first
    lexicon: Lexicon = "direct"


class GroundedCheck(SampleCheck[GroundedOptions]):
    name = "grounded"
    description = "Output against its source: unsupported or contradicted numbers, dates, names, negations, words"
    options_model = GroundedOptions
    # 2: WordNet antonyms, opposites in the same frame, reversed roles; 3: swapped source words,
    # crossed roles around any word, the contrast rule by frame, stopword opposites ("before")
    version = 3
    needs = frozenset({"sources"})
    example: ClassVar[CheckExample] = CheckExample(
        outputs=[
            "GANs were introduced in 2014. They pit a generator against a discriminator.",
            "GANs were introduced in 2016 by Yann LeCun.",
            "Diffusion models do not add noise during training.",
        ],
        sources=[
            "Generative Adversarial Networks (GANs) were introduced in 2014 by Ian Goodfellow. "
            "A GAN pits a generator against a discriminator.",
            "Generative Adversarial Networks (GANs) were introduced in 2014 by Ian Goodfellow.",
            "During training, diffusion models add Gaussian noise to real images over many steps.",
        ],
    )

    def _resources(self) -> dict[str, str]:
        return {"antonyms": file_hash(COURSE_FILE), "antonyms_wordnet": file_hash(WORDNET_FILE)}

    def _compute(self, inputs: CheckInputs) -> Computation:
        """Each distinct source is indexed once per run: many outputs are often checked against one
        source (a class summarising the same passage). Nothing is kept from one run to the next."""
        self._prepared: dict[str, _PreparedSource] = {}
        try:
            return super()._compute(inputs)
        finally:
            self._prepared = {}

    def _check_sample(self, index: int, inputs: CheckInputs) -> SampleOutcome:
        assert inputs.sources is not None
        text = inputs.sources[index]
        source = self._prepared.get(text)
        if source is None:
            source = self._prepared[text] = _PreparedSource(text)
        output = inputs.outputs[index]
        findings: list[Finding] = []
        flagged_sentences = 0
        floor = SEVERITY_RANK[self.options.min_severity]
        parts = sentences(output)
        supports = []
        for part in parts:
            found, support = self._check_sentence(part, source)
            supports.append(support)
            findings += found
            # only findings that would flag the output lower its score: a substitution (medium) is
            # mostly a synonym, and counting it marked honest paraphrases down
            flagged_sentences += any(SEVERITY_RANK[f.severity] >= floor for f in found)
        score = 1.0 - flagged_sentences / len(parts) if parts else 1.0
        details = {"sentences": float(len(parts)), "support": min(supports) if supports else 1.0}
        return SampleOutcome(score=score, findings=findings, details=details)

    def _check_sentence(self, part: Sentence, prepared: _PreparedSource) -> tuple[list[Finding], float]:
        source = _link_acronyms(part, prepared)
        sentence = index_sentence(part)
        matches = best_matches(sentence, source, self.options.scope)
        if not matches:
            return [_nothing(part, "unsupported", "high", "the source is empty")], 0.0
        best_score, best = matches[0]
        scope = [s for score, s in matches if score > 0] or [best]
        aligned = best.sentence.text if best_score > 0 else None
        findings = self._numbers(sentence, scope, source, aligned)
        named = self._entities(sentence, scope, source, aligned)
        findings += named
        covered: set[tuple[int, int]] = {(f.start, f.end) for f in findings}
        if best_score >= self.options.min_overlap:
            findings += self._negation(sentence, best)
        # before the aligned sentences' substitutions: a reversal or an opposite in the same frame
        # explains a changed word better than "the source says X here"
        found = [f for f in self._oppositions(sentence, source) if (f.start, f.end) not in covered]
        covered |= {(f.start, f.end) for f in found}
        findings += found
        supported = frozenset().union(*(s.all_stems for score, s in matches if score >= self.options.min_overlap))
        for score, candidate in matches:
            if score < self.options.min_overlap:
                continue
            found = self._contradictions(sentence, candidate, supported, source)
            found += [_opposition(sentence, o) for o in swapped_words(sentence, candidate, source)]
            found += _substitutions(sentence, candidate)
            found = [f for f in found if (f.start, f.end) not in covered]
            covered |= {(f.start, f.end) for f in found}
            findings += found
        skip = {t.stem for f in named for t in part.tokens if f.start <= t.start < f.end}
        support, found = self._unsupported(part, source, aligned, skip)
        return findings + found, support

    def _numbers(
        self, sentence: IndexedSentence, scope: list[IndexedSentence], source: SourceIndex, aligned: str | None
    ) -> list[Finding]:
        findings = []
        near = {q.value for s in scope for q in s.quantities}
        mine = {q.value for q in sentence.quantities}
        for quantity in sentence.quantities:
            if quantity.value in near:
                continue
            kind = "date" if quantity.is_year else "number"
            said = _said(quantity, scope)
            # a value of the aligned statement that the output left out: this one took its place
            swapped = any(q.value not in mine and q.is_year == quantity.is_year for s in scope for q in s.quantities)
            if quantity.value in source.values:
                evidence = f"{quantity.text!r} is in the source, but not in the statement this sentence restates{said}"
                severity: Severity = "high" if swapped else "medium"
            else:
                evidence, severity = f"the source never gives {quantity.text!r}{said}", "high"
            findings.append(_finding(quantity.start, quantity.end, quantity.text, kind, severity, evidence, aligned))
        return findings

    def _entities(
        self, sentence: IndexedSentence, scope: list[IndexedSentence], source: SourceIndex, aligned: str | None
    ) -> list[Finding]:
        findings = []
        tokens = sentence.sentence.tokens
        near_lowers = frozenset().union(*(s.lowers for s in scope))
        near_stems = frozenset().union(*(s.stems for s in scope))
        for begin, end in entity_spans(sentence.sentence, source.lowers):
            missing = [t for t in tokens[begin:end] if t.lower not in near_lowers and t.stem not in near_stems]
            if not missing:
                continue
            start, stop = missing[0].start, missing[-1].end
            text = sentence.sentence.text[start - sentence.sentence.start : stop - sentence.sentence.start]
            elsewhere = all(t.lower in source.lowers or t.stem in source.stems for t in missing)
            if elsewhere:
                replaced = _names_left_out(scope, sentence, source.lowers)
                evidence = f"{text!r} is in the source, but not in the statement this sentence restates"
                if replaced:
                    evidence += f" (which names {', '.join(repr(r) for r in replaced)})"
                severity: Severity = "high" if replaced else "medium"
                findings.append(_finding(start, stop, text, "entity", severity, evidence, aligned))
            else:
                findings.append(
                    _finding(start, stop, text, "entity", "high", f"the source never names {text!r}", aligned)
                )
        return findings

    def _negation(self, sentence: IndexedSentence, best: IndexedSentence) -> list[Finding]:
        if _negated(sentence) == _negated(best):
            return []
        part = sentence.sentence
        if sentence.negation is not None and _negated(sentence):
            cue = sentence.negation
            evidence = f"the output negates ({cue.text!r}) what the source states"
            return [_finding(cue.start, cue.end, cue.text, "negation", "high", evidence, best.sentence.text)]
        target = _after_negation(best, part)
        evidence = f"the source says {best.negation.text if best.negation else 'not'!r}; the output states the opposite"
        return [_finding(target[0], target[1], target[2], "negation", "high", evidence, best.sentence.text)]

    def _contradictions(
        self, sentence: IndexedSentence, best: IndexedSentence, supported: frozenset[str], source: SourceIndex
    ) -> list[Finding]:
        """Output words whose opposite stands in ``best`` while no aligned sentence (``supported``:
        the stems of all their words) holds the word itself, nor the output sentence the opposite
        ("the generator and discriminator compete": it names both sides). When the source holds both the word
        and its opposite it draws the contrast itself, and only an opposite of ``best`` in the
        word's own frame counts ("Discriminative models learn the whole distribution" for "A
        generative model learns the full distribution", the passage describing both kinds)."""
        said, mine = best.all_stems, sentence.all_stems
        findings = []
        tokens = sentence.sentence.tokens
        for index, token in enumerate(tokens):
            word = token.stem
            opposites = _opposites(self.options.lexicon, word)
            opposite = opposites & said
            if not opposite or token.lower in best.lowers or word in supported or opposites & mine:
                continue  # (an output that names both sides draws the contrast itself)
            if _restated_contrast(token, opposites, source):
                hit = framed_in(best, opposites, neighbours(tokens, index))
                if hit is None:
                    continue
                opposite = frozenset({stem(hit)})
            words = dict.fromkeys(t.text for t in best.sentence.tokens if t.stem in opposite)
            evidence = f"the source says {', '.join(words)!r} where the output says {token.text!r}"
            findings.append(
                _finding(token.start, token.end, token.text, "contradiction", "high", evidence, best.sentence.text)
            )
        return findings

    def _oppositions(self, sentence: IndexedSentence, source: SourceIndex) -> list[Finding]:
        """Opposites beside the same word anywhere in the source, and reversed or crossed roles."""
        found = reversals(sentence, source)
        found += [c for c in crossed_roles(sentence, source) if not any(_inside(c, r) for r in found)]
        found += framed_oppositions(sentence, source, opposites_table(self.options.lexicon, framed=True))
        return [_opposition(sentence, o) for o in found]

    def _unsupported(
        self, part: Sentence, source: SourceIndex, aligned: str | None, skip: set[str]
    ) -> tuple[float, list[Finding]]:
        content = [t for t in part.tokens if is_content(t) and t.stem not in skip and t.lower not in FILLERS]
        if not content:
            return 1.0, []
        missing = [t for t in content if t.stem not in source.stems and t.lower not in source.lowers]
        support = 1.0 - len(missing) / len(content)
        if support >= self.options.support:
            return support, []
        listed = ", ".join(dict.fromkeys(t.text for t in missing))
        evidence = f"{len(missing)} of {len(content)} content words are in no source sentence: {listed}"
        if aligned is None:
            return support, [_nothing(part, "unsupported", "high", evidence)]
        return support, [_finding(part.start, part.end, part.text, "unsupported", "high", evidence, aligned)]


_ACRONYM = re.compile(rf"^[A-Z]{{2,{MAX_ACRONYM}}}s?$")


def _acronym(token: Token) -> str | None:
    """The singular, lowercase letters of an acronym-looking word ("VAEs" -> "vae"), else None."""
    if not _ACRONYM.match(token.text):
        return None
    text = token.text[:-1] if token.text.endswith("s") else token.text
    return text.lower()


def _expansions(part: Sentence) -> dict[str, list[tuple[Token, ...]]]:
    """The acronyms a sentence's own words spell: the initials of every run of two to five
    consecutive content or capitalised words ("Large language models" -> "llm"), and the course
    acronyms (:data:`COURSE_ACRONYMS`) whose words all stand in it."""
    tokens = part.tokens
    # each word's test and each gap's, once: a run ends at the first word or gap that fails
    wordy = [is_content(t) or t.text[0].isupper() for t in tokens]
    joined = [not part.text[a.end - part.start : b.start - part.start].strip(" -") for a, b in pairwise(tokens)]
    found: dict[str, list[tuple[Token, ...]]] = {}
    for begin in range(len(tokens)):
        if not wordy[begin]:
            continue
        letters = tokens[begin].lower[0]
        for end in range(begin + 2, min(begin + MAX_ACRONYM, len(tokens)) + 1):
            if not wordy[end - 1] or not joined[end - 2]:
                break
            letters += tokens[end - 1].lower[0]
            found.setdefault(letters, []).append(tokens[begin:end])
    stems = {t.stem: t for t in tokens}
    for letters, words in COURSE_ACRONYMS.items():
        if all(stem(w) in stems for w in words):
            found.setdefault(letters, []).append(tuple(stems[stem(w)] for w in words))
    return found


class _PreparedSource:
    """A source indexed once per run, with what :func:`_link_acronyms` reads of each of its
    sentences: the acronyms its words are, and (only when an output has an acronym) the ones its
    words spell."""

    def __init__(self, text: str) -> None:
        self.index = index_source(text)
        self.acronyms = tuple(
            tuple(letters for token in s.sentence.tokens if (letters := _acronym(token)) is not None)
            for s in self.index.sentences
        )

    @cached_property
    def spelled(self) -> tuple[frozenset[str], ...]:
        return tuple(frozenset(_expansions(s.sentence)) for s in self.index.sentences)


def _link_acronyms(output: Sentence, prepared: _PreparedSource) -> SourceIndex:
    """``source`` with acronyms and their expansions linked both ways: a source sentence that
    spells out an acronym of the output ("Variational autoencoders" for "VAEs") holds that
    acronym, and one that holds an acronym the output spells out holds the output's words."""
    spelled = _expansions(output)
    wanted = {letters: token for token in output.tokens if (letters := _acronym(token)) is not None}
    source = prepared.index
    if not wanted and not spelled:
        return source
    linked = []
    for position, indexed in enumerate(source.sentences):
        stems, lowers = set(indexed.stems), set(indexed.lowers)
        expansions = prepared.spelled[position] if wanted else frozenset()
        for letters, token in wanted.items():
            if letters in expansions:
                stems.add(token.stem)
                lowers.add(token.lower)
        for letters in prepared.acronyms[position]:
            for run in spelled.get(letters, []):
                stems |= {t.stem for t in run if is_content(t)}
                lowers |= {t.lower for t in run}
            for word in COURSE_ACRONYMS.get(letters, ()):
                stems.add(stem(word))
                lowers.add(word)
        grown = len(stems) > len(indexed.stems) or len(lowers) > len(indexed.lowers)
        linked.append(replace(indexed, stems=frozenset(stems), lowers=frozenset(lowers)) if grown else indexed)
    if all(mine is theirs for mine, theirs in zip(linked, source.sentences, strict=True)):
        return source  # nothing linked (the common case): the index as it is
    return replace(
        source,
        sentences=tuple(linked),
        stems=frozenset().union(*(s.stems for s in linked)),
        lowers=frozenset().union(*(s.lowers for s in linked)),
    )


def _finding(
    start: int, end: int, text: str, kind: str, severity: Severity, evidence: str, aligned: str | None
) -> Finding:
    return Finding(
        start=start,
        end=end,
        text=text,
        kind=kind,
        severity=severity,
        evidence=evidence,
        source_sentence=aligned,
        note="" if aligned is not None else NOTHING_SUPPORTS_IT,
    )


def _opposition(sentence: IndexedSentence, opposition: Opposition) -> Finding:
    part = sentence.sentence
    text = part.text[opposition.start - part.start : opposition.end - part.start]
    if opposition.reversed_roles:
        evidence = f"the source says {opposition.said!r}: the output reverses the roles ({text!r})"
        kind = "reversal"
    elif opposition.swapped:
        evidence = f"the source says {opposition.said!r} where the output puts {text!r}, said elsewhere in the source"
        kind = "contradiction"
    else:
        evidence, kind = f"the source says {opposition.said!r} where the output says {text!r}", "contradiction"
    aligned = opposition.source_sentence.sentence.text
    return _finding(opposition.start, opposition.end, text, kind, "high", evidence, aligned)


def _inside(inner: Opposition, outer: Opposition) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _nothing(part: Sentence, kind: str, severity: Severity, evidence: str) -> Finding:
    return _finding(part.start, part.end, part.text, kind, severity, evidence, None)


def _negated(sentence: IndexedSentence) -> bool:
    """Whether the sentence denies what it says: an odd number of negations, leaving out "not"
    before "just", "only", "merely", "simply" ("not just labelling" asserts the labelling)."""
    if sentence.negation is None:
        return False  # no negation word at all (the common case)
    tokens = sentence.sentence.tokens
    cues = [
        i
        for i, t in enumerate(tokens)
        if is_negation(t) and not (t.lower == "not" and i + 1 < len(tokens) and tokens[i + 1].lower in NOT_NEGATING)
    ]
    return len(cues) % 2 == 1


def _restated_contrast(token: Token, opposites: frozenset[str], source: SourceIndex) -> bool:
    """Whether the source holds the word as well as its opposite: it draws the contrast itself
    ("generative AI flips the job around" after "discriminative"; "encode ... then decode"),
    so an output that names one side restates that contrast rather than contradicting it."""
    # stopwords ("before", "after") are only in ``lowers``
    holds_word = token.stem in source.stems or token.lower in source.lowers
    return holds_word and not (opposites.isdisjoint(source.stems) and opposites.isdisjoint(source.lowers))


NEGATIVE_PREFIXES = ("un", "in", "im", "ir", "il", "dis", "non")


@lru_cache(maxsize=65536)
def _opposites(lexicon: Lexicon, word: str) -> frozenset[str]:
    """A word's opposites: the lexicon's, and its forms with a negative prefix added or removed."""
    return opposites_table(lexicon).get(word, frozenset()) | _negative_prefixed(word)


def _negative_prefixed(word: str) -> frozenset[str]:
    """The word with a negative prefix removed or each one added: "unreliable" <-> "reliable"."""
    forms = {prefix + word for prefix in NEGATIVE_PREFIXES}
    forms |= {word[len(p) :] for p in NEGATIVE_PREFIXES if word.startswith(p) and len(word) - len(p) >= 4}
    return frozenset(forms)


def _names_left_out(scope: list[IndexedSentence], sentence: IndexedSentence, known: frozenset[str]) -> list[str]:
    """Names of the aligned source sentences that the output sentence does not mention."""
    left_out = []
    for candidate in scope:
        for begin, end in entity_spans(candidate.sentence, known):
            tokens = candidate.sentence.tokens[begin:end]
            if not any(t.lower in sentence.lowers or t.stem in sentence.stems for t in tokens):
                left_out.append(" ".join(t.text for t in tokens))
    return list(dict.fromkeys(left_out))


def _substitutions(sentence: IndexedSentence, best: IndexedSentence) -> list[Finding]:
    """Words that replace a few words of the aligned source sentence between the same neighbours
    ("produce abrupt variations" for "producing smooth variations"): a statement copied with its
    meaning changed. A run of at most three output words that the source sentence lacks, holding
    a content word, is flagged when the words just before and after it stand in the source
    sentence with one to three other words between them. Synonyms are not known, so a paraphrase
    that swaps one word is flagged too: the severity is medium."""
    tokens, source = sentence.sentence.tokens, best.sentence.tokens
    positions: dict[str, list[int]] = {}
    for index, token in enumerate(source):
        positions.setdefault(token.stem, []).append(index)
    findings = []
    index = 1
    while index < len(tokens) - 1:
        if tokens[index].stem in best.stems or tokens[index].lower in best.lowers:
            index += 1
            continue
        end = index
        while end < len(tokens) and end - index < MAX_SUBSTITUTION and tokens[end].lower not in best.lowers:
            end += 1
        new = [t for t in tokens[index:end] if is_content(t) and t.stem not in best.stems]
        said = _between(positions, tokens[index - 1].stem, tokens[end].stem if end < len(tokens) else None, source)
        if new and said:
            start, stop = new[0].start, new[-1].end
            text = sentence.sentence.text[start - sentence.sentence.start : stop - sentence.sentence.start]
            evidence = f"the source says {said!r} where the output says {text!r}"
            findings.append(_finding(start, stop, text, "substitution", "medium", evidence, best.sentence.text))
        index = end + 1
    return findings


def _between(positions: dict[str, list[int]], left: str, right: str | None, source: tuple[Token, ...]) -> str:
    """The source words between ``left`` and ``right`` when they stand 2 to 4 words apart ("" if not)."""
    if right is None:
        return ""
    for i in positions.get(left, []):
        for j in positions.get(right, []):
            if 1 <= j - i - 1 <= MAX_SUBSTITUTION:
                return " ".join(t.text for t in source[i + 1 : j])
    return ""


def _said(quantity: Quantity, scope: list[IndexedSentence]) -> str:
    same_kind = [q.text for s in scope for q in s.quantities if q.is_year == quantity.is_year]
    return f" (the source says {', '.join(repr(t) for t in dict.fromkeys(same_kind))})" if same_kind else ""


def _after_negation(best: IndexedSentence, part: Sentence) -> tuple[int, int, str]:
    """The output word standing for the source's negated word (the first content word after the
    source's negation that the output also has); the whole sentence when there is none."""
    cue = best.negation
    if cue is not None:
        after = [t for t in best.sentence.tokens if t.start > cue.start and is_content(t)]
        by_stem = {t.stem: t for t in reversed(part.tokens)}
        for token in after:
            match = by_stem.get(token.stem)
            if match is not None:
                return match.start, match.end, match.text
    return part.start, part.end, part.text
