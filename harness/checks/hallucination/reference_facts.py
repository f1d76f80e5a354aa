"""``reference_facts``: claims about the course's subjects checked against a knowledge file.

The knowledge file (``data/facts.yaml`` by default; ``facts=PATH`` for another) lists facts with
the subject they are about, a statement, a citation and the values that can be checked: a year,
counted quantities and the people or organisations behind it (the file's header says exactly how
each is matched). A sentence that names a fact's subject and gives a different year, number or
agent is flagged, the fact cited; statements the file says nothing about are not judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from harness.checks.base import CheckExample, CheckInputs, SampleCheck, SampleCheckOptions, SampleOutcome, file_hash
from harness.checks.result import Finding
from harness.checks.text import Sentence, Token, entity_spans, quantities, sentences, stem
from harness.errors import HarnessError, YamlError
from harness.yamlsource import load_yaml

FACTS_FILE = Path(__file__).resolve().parent.parent / "data" / "facts.yaml"
AGENT_MARKERS = frozenset({"by", "at", "from"})


class ReferenceFactsOptions(SampleCheckOptions):
    facts: str | None = None  # a knowledge file; None: the one shipped with harness


@dataclass(frozen=True)
class Fact:
    id: str
    subject: tuple[tuple[str, ...], ...]  # each alias as words, case kept
    statement: str
    cite: str
    year: int | None
    agents: tuple[tuple[str, ...], ...]
    quantities: tuple[tuple[float, str], ...]  # (value, unit stem)


@dataclass(frozen=True)
class Knowledge:
    about_year: frozenset[str]
    facts: tuple[Fact, ...]


@cache
def load_knowledge(path: Path) -> Knowledge:
    """The facts of a knowledge file.

    Raises:
        HarnessError: the file cannot be read or a fact lacks ``id``, ``subject``, ``statement`` or ``cite``.
    """
    try:
        document, _ = load_yaml(path)
        facts = tuple(_fact(entry) for entry in document["facts"])
        about = frozenset(stem(word) for word in document.get("about_year", []))
    except (YamlError, KeyError, TypeError, ValueError) as exc:
        raise HarnessError(f"reference_facts: cannot read the knowledge file {path}: {exc}") from None
    return Knowledge(about, facts)


def _fact(entry: dict[str, Any]) -> Fact:
    return Fact(
        id=str(entry["id"]),
        subject=tuple(tuple(str(alias).split()) for alias in entry["subject"]),
        statement=str(entry["statement"]),
        cite=str(entry["cite"]),
        year=int(entry["year"]) if entry.get("year") is not None else None,
        agents=tuple(_words(agent) for agent in entry.get("agents", [])),
        quantities=tuple(
            (float(q["value"]), stem(str(q["unit"])) if q["unit"] else "") for q in entry.get("quantities", [])
        ),
    )


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in str(text).replace(".", " ").split())


class ReferenceFactsCheck(SampleCheck[ReferenceFactsOptions]):
    name = "reference_facts"
    description = "Years, numbers and names that contradict the course's knowledge file, the fact cited"
    options_model = ReferenceFactsOptions
    example: ClassVar[CheckExample] = CheckExample(
        outputs=[
            "GANs were introduced in 2014 by Ian Goodfellow.",
            "GANs were introduced in 2016 by Yann LeCun. GPT-3 has 17 billion parameters.",
            "Diffusion models remove noise step by step.",
        ]
    )

    @property
    def _path(self) -> Path:
        return Path(self.options.facts) if self.options.facts else FACTS_FILE

    def _resources(self) -> dict[str, str]:
        return {"facts": file_hash(self._path)}

    def _check_sample(self, index: int, inputs: CheckInputs) -> SampleOutcome:
        knowledge = load_knowledge(self._path)
        parts = sentences(inputs.outputs[index])
        findings: list[Finding] = []
        contradicted = 0
        for part in parts:
            found = [
                f for fact in knowledge.facts if _mentions(part, fact.subject) for f in _check(part, fact, knowledge)
            ]
            contradicted += bool(found)
            findings += found
        score = 1.0 - contradicted / len(parts) if parts else 1.0
        return SampleOutcome(score=score, findings=findings)


def _mentions(part: Sentence, aliases: tuple[tuple[str, ...], ...]) -> bool:
    """Whether the sentence names one of the aliases: word by word, by stem ("GANs" names "GAN"),
    and with the alias's capitals where it has any ("Transformer" is named, "transformer decoder" is not)."""
    tokens = part.tokens
    for alias in aliases:
        size = len(alias)
        for i in range(len(tokens) - size + 1):
            if all(_same_word(token, word) for token, word in zip(tokens[i : i + size], alias, strict=True)):
                return True
    return False


def _same_word(token: Token, word: str) -> bool:
    if token.stem != stem(word) and token.lower != word.lower():
        return False
    return not any(c.isupper() for c in word) or token.text[0].isupper()


def _check(part: Sentence, fact: Fact, knowledge: Knowledge) -> list[Finding]:
    findings = []
    about_origin = any(t.stem in knowledge.about_year for t in part.tokens)
    found = quantities(part.tokens, part.text, part.start)
    if fact.year is not None and about_origin:
        years = [q for q in found if q.is_year]
        if years and all(int(q.value) != fact.year for q in years):
            q = years[0]
            findings.append(_finding(q.start, q.end, q.text, "date", f"the fact gives {fact.year}", fact))
    for value, unit in fact.quantities:
        for q in found:
            if not q.is_year and (q.unit == unit or (not unit and not q.unit)) and abs(q.value - value) > 1e-9 * value:
                findings.append(_finding(q.start, q.end, q.text, "number", f"the fact gives {_spoken(value)}", fact))
    if fact.agents and about_origin:
        for token_run in _agents(part):
            words = tuple(t.lower for t in token_run)
            if not any(set(agent) & set(words) for agent in fact.agents) and not _is_subject(words, fact):
                start, end = token_run[0].start, token_run[-1].end
                text = part.text[start - part.start : end - part.start]
                findings.append(_finding(start, end, text, "entity", "the fact names " + _agents_text(fact), fact))
    return findings


def _spoken(value: float) -> str:
    """175000000000.0 -> "175 billion"."""
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if value >= size:
            return f"{value / size:g} {word}"
    return f"{value:g}"


def _agents(part: Sentence) -> list[tuple[Token, ...]]:
    """Name runs that follow "by", "at" or "from": who made something, or where."""
    runs = []
    for begin, end in entity_spans(part, frozenset()):
        if begin > 0 and part.tokens[begin - 1].lower in AGENT_MARKERS:
            runs.append(part.tokens[begin:end])
    return runs


def _is_subject(words: tuple[str, ...], fact: Fact) -> bool:
    return any({w.lower() for w in alias} <= set(words) for alias in fact.subject)


def _agents_text(fact: Fact) -> str:
    return " or ".join(repr(" ".join(agent)) for agent in fact.agents)


def _finding(start: int, end: int, text: str, kind: str, what: str, fact: Fact) -> Finding:
    return Finding(
        start=start,
        end=end,
        text=text,
        kind=kind,
        severity="high",
        evidence=f"contradicts fact {fact.id}: {what} ({fact.cite})",
        source_sentence=fact.statement,
    )
