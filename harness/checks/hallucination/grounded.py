"""``grounded``: is every statement of an output supported by its source?

Each output sentence is aligned with the source sentences that share most of its content words
(:mod:`harness.checks.hallucination.align`), then explained:

- **numbers** and **dates** ("7 million" = "7,000,000" = "7M"; years): a value the aligned
  sentences do not hold is flagged, *high* when the source holds it nowhere, *medium* when it
  stands elsewhere in the source (a number moved to the wrong statement);
- **entities** (capitalised names): the same rule;
- **negation**: the output sentence and its best source sentence disagree on negation;
- **contradiction**: an output word whose antonym (``data/antonyms.yaml``) stands in the aligned
  source sentence while the word itself does not;
- **unsupported**: the share of the sentence's content words found anywhere in the source is
  below ``support``; the words no source sentence holds are listed.

A finding carries the span, the aligned source sentence (or the note that nothing supports
it) and the evidence in words. Thresholds were chosen on the dev split of the labeled set
(``docs/checks.md``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import ClassVar

import yaml
from pydantic import Field

from harness.checks.base import CheckExample, CheckInputs, SampleCheck, SampleCheckOptions, SampleOutcome, file_hash
from harness.checks.hallucination.align import (
    IndexedSentence,
    SourceIndex,
    best_matches,
    index_sentence,
    index_source,
)
from harness.checks.result import NOTHING_SUPPORTS_IT, Finding, Severity
from harness.checks.text import Quantity, Sentence, Token, entity_spans, is_content, sentences, stem

MAX_SUBSTITUTION = 3  # words on either side of a replacement
ANTONYMS_FILE = Path(__file__).resolve().parent.parent / "data" / "antonyms.yaml"


class GroundedOptions(SampleCheckOptions):
    """Defaults chosen on the dev split of ``tests/data/checks/grounded.yaml`` (docs/checks.md)."""

    min_severity: Severity = "high"  # substitutions (medium) are shown but flag nothing: synonyms look alike
    support: float = Field(default=0.75, ge=0, le=1)  # least share of a sentence's content words the source holds
    scope: int = Field(default=2, ge=1)  # source sentences an output sentence is compared with for names/numbers
    min_overlap: float = Field(default=0.3, ge=0, le=1)  # least overlap for a negation or antonym comparison


@cache
def antonyms() -> dict[str, frozenset[str]]:
    """Each word's antonyms, by stem (both directions of every pair in ``data/antonyms.yaml``)."""
    pairs = yaml.safe_load(ANTONYMS_FILE.read_text(encoding="utf-8"))["pairs"]
    table: dict[str, set[str]] = {}
    for left, right in pairs:
        table.setdefault(stem(left), set()).add(stem(right))
        table.setdefault(stem(right), set()).add(stem(left))
    return {word: frozenset(others) for word, others in table.items()}


class GroundedCheck(SampleCheck[GroundedOptions]):
    name = "grounded"
    description = "Output against its source: unsupported or contradicted numbers, dates, names, negations, words"
    options_model = GroundedOptions
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
        return {"antonyms": file_hash(ANTONYMS_FILE)}

    def _check_sample(self, index: int, inputs: CheckInputs) -> SampleOutcome:
        assert inputs.sources is not None
        source = index_source(inputs.sources[index])
        output = inputs.outputs[index]
        findings: list[Finding] = []
        flagged_sentences = 0
        parts = sentences(output)
        supports = []
        for part in parts:
            found, support = self._check_sentence(part, source)
            supports.append(support)
            findings += found
            flagged_sentences += any(f.severity != "low" for f in found)
        score = 1.0 - flagged_sentences / len(parts) if parts else 1.0
        details = {"sentences": float(len(parts)), "support": min(supports) if supports else 1.0}
        return SampleOutcome(score=score, findings=findings, details=details)

    def _check_sentence(self, part: Sentence, source: SourceIndex) -> tuple[list[Finding], float]:
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
        supported = frozenset().union(*(s.stems for score, s in matches if score >= self.options.min_overlap))
        for score, candidate in matches:
            if score < self.options.min_overlap:
                continue
            found = self._contradictions(sentence, candidate, supported) + _substitutions(sentence, candidate)
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
        if sentence.negated == best.negated:
            return []
        part = sentence.sentence
        if sentence.negation is not None and sentence.negated:
            cue = sentence.negation
            evidence = f"the output negates ({cue.text!r}) what the source states"
            return [_finding(cue.start, cue.end, cue.text, "negation", "high", evidence, best.sentence.text)]
        target = _after_negation(best, part)
        evidence = f"the source says {best.negation.text if best.negation else 'not'!r}; the output states the opposite"
        return [_finding(target[0], target[1], target[2], "negation", "high", evidence, best.sentence.text)]

    def _contradictions(
        self, sentence: IndexedSentence, best: IndexedSentence, supported: frozenset[str]
    ) -> list[Finding]:
        """Output words whose opposite stands in ``best`` while no aligned sentence (``supported``:
        their stems) holds the word itself."""
        table = antonyms()
        findings = []
        for token in sentence.sentence.tokens:
            word = token.stem
            opposite = (table.get(word, frozenset()) | _negative_prefixed(word)) & best.stems
            if opposite and word not in supported:
                evidence = f"the source says {', '.join(sorted(opposite))!r} where the output says {token.text!r}"
                findings.append(
                    _finding(token.start, token.end, token.text, "contradiction", "high", evidence, best.sentence.text)
                )
        return findings

    def _unsupported(
        self, part: Sentence, source: SourceIndex, aligned: str | None, skip: set[str]
    ) -> tuple[float, list[Finding]]:
        content = [t for t in part.tokens if is_content(t) and t.stem not in skip]
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


def _nothing(part: Sentence, kind: str, severity: Severity, evidence: str) -> Finding:
    return _finding(part.start, part.end, part.text, kind, severity, evidence, None)


NEGATIVE_PREFIXES = ("un", "in", "im", "ir", "il", "dis", "non")


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
