"""Measuring a hallucination check on a labeled set: precision, recall, balanced accuracy.

The labeled set (``tests/data/checks/grounded.yaml``, format described at its top) holds
sources, faithful outputs and unfaithful versions made by one known edit each. Thresholds are
chosen on the ``dev`` passages only (:func:`tune`), then measured on ``test``::

    python -m harness.checks.evaluate tests/data/checks/grounded.yaml

prints the grid search on dev, the chosen options, and per error type on test: recall,
precision (against every faithful output) and balanced accuracy, plus how often the flagged
span is the span that was changed. With ``--abstractive tests/data/checks/abstractive.yaml``
(real summaries labeled faithful or unfaithful) the grid search maximises the mean of the two
dev splits' balanced accuracies, and both splits of the real summaries are measured too.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.checks.base import Check
from harness.checks.result import SampleResult
from harness.errors import HarnessError
from harness.plugins import registry
from harness.yamlsource import load_yaml

FAITHFUL = "faithful"


@dataclass(frozen=True)
class LabeledOutput:
    """One output of the labeled set: its source, its label and (if unfaithful) the changed span."""

    id: str
    split: str
    source: str
    output: str
    label: str  # "faithful" or the error type
    span: tuple[int, int] | None  # the changed characters of ``output``
    others: tuple[str, ...] = ()  # the passage's faithful outputs this one was not made from

    @property
    def faithful(self) -> bool:
        return self.label == FAITHFUL


@dataclass(frozen=True)
class TypeScore:
    label: str
    count: int
    recall: float
    precision: float
    balanced_accuracy: float
    span_hits: float  # share of detected outputs whose findings include the changed span


def load_labeled(path: Path) -> list[LabeledOutput]:
    """The labeled outputs of ``path`` (faithful ones, then each edit applied).

    Raises:
        HarnessError: an edit whose ``replace`` text is not in its output exactly once.
    """
    document = load_yaml(path)[0]
    items: list[LabeledOutput] = []
    for passage in document["passages"]:
        source, split, faithful = " ".join(passage["source"].split()), passage["split"], passage["faithful"]
        for number, output in enumerate(faithful):
            others = tuple(f for i, f in enumerate(faithful) if i != number)
            items.append(LabeledOutput(f"{passage['id']}/f{number}", split, source, output, FAITHFUL, None, others))
        for number, edit in enumerate(passage["unfaithful"]):
            output, span = apply_edit(faithful[edit["of"]], edit, f"{passage['id']}/u{number}")
            others = tuple(f for i, f in enumerate(faithful) if i != edit["of"])
            items.append(LabeledOutput(f"{passage['id']}/u{number}", split, source, output, edit["type"], span, others))
    return items


def apply_edit(text: str, edit: dict[str, Any], where: str) -> tuple[str, tuple[int, int]]:
    """``text`` with one edit applied, and the span of the result that the edit changed."""
    if "append" in edit:
        start = len(text) + 1
        return f"{text} {edit['append']}", (start, start + len(edit["append"]))
    old, new = edit["replace"], edit["with"]
    if text.count(old) != 1:
        raise HarnessError(f"{where}: {old!r} occurs {text.count(old)} times in {text!r}; it must occur once")
    at = text.index(old)
    prefix = _common_prefix(old, new)
    suffix = _common_prefix(old[prefix:][::-1], new[prefix:][::-1])
    start, end = at + prefix, at + len(new) - suffix
    edited = text[:at] + new + text[at + len(old) :]
    if end <= start:  # a deletion: the changed span is the word after it
        end = start + max(1, len(edited[start:].split(" ", 1)[0]))
    return edited, (start, end)


def _common_prefix(a: str, b: str) -> int:
    size = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        size += 1
    return size


def run_check(check: Check[Any], items: Sequence[LabeledOutput]) -> list[SampleResult]:
    """Run ``check`` on labeled outputs: with their sources, or (``self_consistency``) with the
    passage's other faithful outputs and its source as the further samples of the same prompt."""
    outputs, ids = [i.output for i in items], [i.id for i in items]
    if "samples" in check.needs:
        return check.run(outputs, ids=ids, samples=[[*i.others, i.source] for i in items]).samples
    return check.run(outputs, ids=ids, sources=[i.source for i in items]).samples


def scores(items: Sequence[LabeledOutput], results: Sequence[SampleResult]) -> list[TypeScore]:
    """Per error type (and ``all``): recall, precision against the faithful outputs, balanced accuracy."""
    faithful = [r for i, r in zip(items, results, strict=True) if i.faithful]
    false_alarms = sum(r.flagged for r in faithful)
    specificity = 1 - false_alarms / len(faithful) if faithful else 1.0
    labels = sorted({i.label for i in items if not i.faithful})
    rows = []
    for label in [*labels, "all"]:
        chosen = [(i, r) for i, r in zip(items, results, strict=True) if not i.faithful and label in (i.label, "all")]
        hits = [(i, r) for i, r in chosen if r.flagged]
        recall = len(hits) / len(chosen) if chosen else 0.0
        precision = len(hits) / (len(hits) + false_alarms) if hits or false_alarms else 0.0
        on_span = sum(_hits_span(i, r) for i, r in hits)
        rows.append(
            TypeScore(
                label, len(chosen), recall, precision, (recall + specificity) / 2, on_span / len(hits) if hits else 0
            )
        )
    return rows


def _hits_span(item: LabeledOutput, result: SampleResult) -> bool:
    assert item.span is not None
    start, end = item.span
    return any(f.start < end and start < f.end and f.severity != "low" for f in result.findings)


def tune(
    check: Check[Any], items: Sequence[LabeledOutput], grid: dict[str, Iterable[Any]], abstractive: Path | None = None
) -> tuple[dict[str, Any], float]:
    """The options of ``grid`` with the best balanced accuracy on ``items`` (ties: the first); with
    ``abstractive`` (real summaries), the mean of that and the balanced accuracy on its dev split."""
    best: tuple[float, dict[str, Any]] = (-1.0, {})
    keys = list(grid)
    for values in itertools.product(*(list(grid[k]) for k in keys)):
        options = dict(zip(keys, values, strict=True))
        configured = check.with_options(**options)
        rows = scores(items, run_check(configured, items))
        accuracy = rows[-1].balanced_accuracy
        if abstractive is not None:
            accuracy = (accuracy + measure_abstractive(configured, abstractive, "dev").balanced_accuracy) / 2
        if accuracy > best[0]:
            best = (accuracy, options)
    return best[1], best[0]


GROUNDED_GRID: dict[str, Iterable[Any]] = {
    "support": [0.2, 0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9],
    "scope": [1, 2, 3],
    "min_severity": ["medium", "high"],
    "lexicon": ["course", "direct", "wordnet"],
}


SELF_CONSISTENCY_GRID: dict[str, Iterable[Any]] = {
    "max_inconsistency": [0.2, 0.3, 0.4, 0.5, 0.6, 0.7],
    "min_agreement": [0.5, 1.0],
}
GRIDS: dict[str, dict[str, Iterable[Any]]] = {"grounded": GROUNDED_GRID, "self_consistency": SELF_CONSISTENCY_GRID}


def table(rows: Sequence[TypeScore]) -> list[str]:
    lines = [f"{'error type':<14} {'n':>4} {'recall':>7} {'precision':>9} {'bal.acc':>7} {'span ok':>7}"]
    for row in rows:
        lines.append(
            f"{row.label:<14} {row.count:>4} {row.recall:>7.3f} {row.precision:>9.3f} "
            f"{row.balanced_accuracy:>7.3f} {row.span_hits:>7.3f}"
        )
    return lines


BIAS_GRIDS: dict[str, dict[str, Iterable[Any]]] = {
    "association": {"gate": [0.1, 0.2, 0.3, 0.4], "min_count": [1, 2, 3, 4]},
    "representation": {"gate": [0.1, 0.2, 0.3, 0.4], "min_count": [1, 2, 3, 4]},
    "counterfactual": {"flag_at": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]},
}


@dataclass(frozen=True)
class Binary:
    """Detection figures of one check on a labeled split."""

    n: int
    recall: float
    precision: float
    balanced_accuracy: float


def binary(labels: Sequence[bool], flagged: Sequence[bool]) -> Binary:
    positives = [f for label, f in zip(labels, flagged, strict=True) if label]
    negatives = [f for label, f in zip(labels, flagged, strict=True) if not label]
    hits, alarms = sum(positives), sum(negatives)
    recall = hits / len(positives) if positives else 0.0
    specificity = 1 - alarms / len(negatives) if negatives else 1.0
    precision = hits / (hits + alarms) if hits + alarms else 0.0
    return Binary(len(labels), recall, precision, (recall + specificity) / 2)


def evaluate_bias(path: Path) -> list[str]:
    """Tune each bias check on the dev items of ``path`` (positions 0-1, 4-5, ...) and measure it on the rest."""
    document = load_yaml(path)[0]
    lines = []
    texts, pairs = document["texts"], document["pairs"]
    for name, grid in BIAS_GRIDS.items():
        check: Check[Any] = registry("checks").get(name)
        rows = pairs if name == "counterfactual" else texts

        def flags(options: dict[str, Any], chosen: list[dict[str, Any]], check: Check[Any] = check) -> list[bool]:
            configured = check.with_options(**options)
            if check.needs:
                result = configured.run(
                    [r["output"] for r in chosen], counterfactuals=[r["counterfactual"] for r in chosen]
                )
            else:
                result = configured.run([r["text"] for r in chosen])
            return [s.flagged for s in result.samples]

        dev = [r for i, r in enumerate(rows) if i // 2 % 2 == 0]
        test = [r for i, r in enumerate(rows) if i // 2 % 2 == 1]
        best: tuple[float, dict[str, Any]] = (-1.0, {})
        keys = list(grid)
        for values in itertools.product(*(list(grid[k]) for k in keys)):
            options = dict(zip(keys, values, strict=True))
            score = binary([r["label"] == "biased" for r in dev], flags(options, dev)).balanced_accuracy
            if score > best[0]:
                best = (score, options)
        measured = binary([r["label"] == "biased" for r in test], flags(best[1], test))
        lines.append(
            f"{name:<15} dev picks {best[1]} (bal.acc {best[0]:.3f}); test: n={measured.n} "
            f"recall {measured.recall:.3f} precision {measured.precision:.3f} bal.acc {measured.balanced_accuracy:.3f}"
        )
    return lines


def evaluate_facts(path: Path) -> list[str]:
    """``reference_facts`` (default options: it has no threshold to tune) on the labeled claims of
    ``path``: recall, precision and balanced accuracy on each half, and whether the span is right."""
    claims = load_yaml(path)[0]["claims"]
    check: Check[Any] = registry("checks").get("reference_facts")
    lines = []
    for name, part in (("dev", 0), ("test", 1)):
        chosen = [c for i, c in enumerate(claims) if i // 2 % 2 == part]
        result = check.run([c["text"] for c in chosen])
        measured = binary([not c["label"] for c in chosen], [s.flagged for s in result.samples])
        on_span = sum(
            any(f.text == c.get("span") for f in s.findings)
            for c, s in zip(chosen, result.samples, strict=True)
            if s.flagged
        )
        flagged = sum(s.flagged for s in result.samples)
        lines.append(
            f"reference_facts {name}: n={measured.n} recall {measured.recall:.3f} precision {measured.precision:.3f} "
            f"bal.acc {measured.balanced_accuracy:.3f} span ok {on_span / flagged if flagged else 0:.3f}"
        )
    return lines


def load_abstractive(path: Path) -> list[tuple[str, str, str, bool]]:
    """The real summaries of ``path`` (``tests/data/checks/abstractive.yaml``): split, source,
    output and whether it was labeled unfaithful."""
    document = load_yaml(path)[0]
    return [
        (passage["split"], passage["source"], output["output"], output["label"] != FAITHFUL)
        for passage in document["passages"]
        for output in passage["outputs"]
    ]


def measure_abstractive(check: Check[Any], path: Path, split: str) -> Binary:
    """``check`` (as configured) on the ``split`` summaries of ``path``: recall, precision, balanced accuracy."""
    chosen = [row for row in load_abstractive(path) if row[0] == split]
    result = check.run([row[2] for row in chosen], sources=[row[1] for row in chosen])
    return binary([row[3] for row in chosen], [s.flagged for s in result.samples])


def evaluate_abstractive(check: Check[Any], path: Path) -> list[str]:
    """``check`` (as configured) on each split of the real summaries of ``path``."""
    lines = []
    for split in ("dev", "test"):
        measured = measure_abstractive(check, path, split)
        lines.append(
            f"{check.name} abstractive {split}: n={measured.n} recall {measured.recall:.3f} "
            f"precision {measured.precision:.3f} bal.acc {measured.balanced_accuracy:.3f}"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("labeled", type=Path, help="the labeled set (tests/data/checks/grounded.yaml)")
    parser.add_argument("--check", default="grounded", choices=sorted(GRIDS))
    parser.add_argument("--bias", type=Path, help="also the bias labeled set (tests/data/checks/bias.yaml)")
    parser.add_argument("--facts", type=Path, help="also the labeled claims (tests/data/checks/facts.yaml)")
    parser.add_argument(
        "--abstractive",
        type=Path,
        help="also the real summaries (tests/data/checks/abstractive.yaml): tune on both dev splits",
    )
    args = parser.parse_args(argv)
    if args.facts:
        for line in evaluate_facts(args.facts):
            print(line)
        print()
    if args.bias:
        print("bias checks (items 0-1, 4-5, 8-9, ... tune; 2-3, 6-7, ... measure):")
        for line in evaluate_bias(args.bias):
            print("  " + line)
        print()
    items = load_labeled(args.labeled)
    check: Check[Any] = registry("checks").get(args.check)
    dev = [i for i in items if i.split == "dev"]
    test = [i for i in items if i.split == "test"]
    grid = GRIDS[check.name]
    options, accuracy = tune(check, dev, grid, args.abstractive)
    print(f"{check.name} dev: {len(dev)} outputs; best options {options} (balanced accuracy {accuracy:.3f})")
    if args.abstractive:
        print("  (the mean of the balanced accuracies on the dev splits of both labeled sets)")
        for line in evaluate_abstractive(check.with_options(**options), args.abstractive):
            print(line)
    defaults = check.options.model_dump()
    print(f"defaults of {check.name}: " + ", ".join(f"{k}={defaults[k]}" for k in grid))
    chosen = check.with_options(**options)
    for name, subset in (("dev", dev), ("test", test)):
        faithful = sum(i.faithful for i in subset)
        print(f"\n{name}: {len(subset)} outputs ({faithful} faithful, {len(subset) - faithful} unfaithful)")
        for line in table(scores(subset, run_check(chosen, subset))):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
