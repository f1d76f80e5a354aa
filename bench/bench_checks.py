"""Checks benchmark: ``grounded`` on 10,000 outputs with sources, against an entity-overlap peer.

Run from the repository root::

    .venv/bin/python bench/bench_checks.py [--outputs 10000] [--runs 3]

The data are ``--outputs`` source/output pairs made deterministically (fixed seed) from the
course text in ``../shared/seeds/*.txt``: each source is four consecutive sentences of the
course, its output two of them, one in three edited (a number changed, a name swapped, a word
dropped). Each side is timed ``--runs`` times in this one process, alternating, and the median
is shown; before every harness run the stem cache is cleared and a fresh check is built, so no
run inherits work from an earlier one. ``harness audit`` is timed too, end to end (reading the
JSONL, the check, writing the JSON).

The peer is the lexical baseline the literature reports (entity overlap: an output is flagged when
a name or number in it is not in its source). Both are also scored on the test split of the
labeled set (``tests/data/checks/grounded.yaml``), so the table shows what the extra time buys.

Target (issue 10): 10,000 outputs checked in under 30 s, importing no torch. Exit status 1 when
it is missed or torch was imported.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.checks import text  # noqa: E402
from harness.checks.audit import read_outputs, run_audit  # noqa: E402
from harness.checks.evaluate import LabeledOutput, load_labeled  # noqa: E402
from harness.checks.hallucination import grounded, swaps  # noqa: E402
from harness.checks.hallucination.grounded import GroundedCheck  # noqa: E402
from harness.checks.text import sentences, stem  # noqa: E402

SEED = 20261203
SEEDS = ROOT.parent / "shared" / "seeds"
LABELED = ROOT / "tests" / "data" / "checks" / "grounded.yaml"
TARGET_SECONDS = 30.0
NAMES = ["OpenAI", "Google", "Meta", "Stanford", "DeepMind", "Anthropic", "Hugging Face", "Microsoft"]


def course_sentences() -> list[str]:
    """Prose sentences of the course (8 to 60 words), in file order."""
    found: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.count("|") > 1 or line.lstrip().startswith(("#", "-", "*", "`")):
                continue
            found += [s.text for s in sentences(line) if 8 <= len(s.text.split()) <= 60]
    return found


def make_pairs(count: int, seed: int) -> tuple[list[str], list[str]]:
    """``count`` (output, source) pairs; one output in three edited (see the module docstring)."""
    pool = course_sentences()
    if len(pool) < 8:
        pool = [i.source for i in load_labeled(LABELED)]
    rng = random.Random(seed)
    outputs, sources = [], []
    for _ in range(count):
        start = rng.randrange(0, len(pool) - 4)
        window = pool[start : start + 4]
        output = " ".join(rng.sample(window, 2))
        if rng.random() < 1 / 3:
            output = _edit(output, rng)
        outputs.append(output)
        sources.append(" ".join(window))
    return outputs, sources


def _edit(text: str, rng: random.Random) -> str:
    choice = rng.randrange(3)
    if choice == 0 and re.search(r"\d+", text):
        return re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), text, count=1)
    if choice == 1:
        return text.replace(".", f" by {rng.choice(NAMES)}.", 1)
    words = text.split()
    del words[rng.randrange(len(words))]
    return " ".join(words)


def entity_overlap(outputs: Sequence[str], sources: Sequence[str]) -> list[bool]:
    """The peer: flag an output when one of its names or numbers is not in the source."""
    flagged = []
    for output, source in zip(outputs, sources, strict=True):
        known = {w.lower() for w in re.findall(r"[\w.,-]+", source)}
        names = [w for w in re.findall(r"\b(?:[A-Z][\w-]*|\d[\d.,]*)", output[1:])]
        flagged.append(any(w.rstrip(".,").lower() not in known for w in names))
    return flagged


def cold() -> None:
    """Empty the word and source caches, so no run inherits another's work."""
    for cached in (stem, text._is_content_word, text._number, grounded._opposites, swaps._places, swaps._coordinated):
        cached.cache_clear()


def harness_grounded(outputs: Sequence[str], sources: Sequence[str]) -> list[bool]:
    cold()
    result = GroundedCheck().run(list(outputs), sources=list(sources))
    return [s.flagged for s in result.samples]


def timed(func: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``runs`` calls (CPU time is steadier on a shared machine)."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def balanced_accuracy(items: Sequence[LabeledOutput], flagged: Sequence[bool]) -> float:
    positives = [f for i, f in zip(items, flagged, strict=True) if not i.faithful]
    negatives = [f for i, f in zip(items, flagged, strict=True) if i.faithful]
    recall = sum(positives) / len(positives)
    specificity = 1 - sum(negatives) / len(negatives)
    return (recall + specificity) / 2


def runaway_split(runs: int) -> None:
    """One runaway output (a model that never stops) split into sentences, as every text check
    does first, at two sizes: the time must grow as the text does (a split that copied the
    text before each boundary grew with its square), against a bare regex split of it."""
    print()
    times = {}
    for count in (50_000, 200_000):
        output = "GANs were introduced in 2014 by Goodfellow et al. and others. " * count
        ours = timed(lambda output=output: text.sentences(output), runs)[0]
        peer = timed(lambda output=output: re.split(r"(?<=[.!?])\s+", output), runs)[0]
        times[count] = ours
        size = f"{len(output) / 1e6:.1f} MB"
        print(f"one output of {count:,} sentences ({size}): split in {ours:.2f} s, the peer in {peer:.2f} s")
    growth = times[200_000] / times[50_000]
    print(f"4x the sentences take {growth:.1f}x the time (linear: 4; quadratic: 16)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--outputs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    outputs, sources = make_pairs(args.outputs, SEED)
    words = sum(len(o.split()) + len(s.split()) for o, s in zip(outputs, sources, strict=True))
    print(f"{args.outputs} outputs with sources from the course text ({words:,} words), median of {args.runs} runs")

    ours = timed(lambda: harness_grounded(outputs, sources), args.runs)
    peer = timed(lambda: entity_overlap(outputs, sources), args.runs)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "outputs.jsonl"
        path.write_text(
            "".join(json.dumps({"id": f"o{i}", "output": o, "source": s}) + "\n"
                    for i, (o, s) in enumerate(zip(outputs, sources, strict=True))),
            encoding="utf-8",
        )  # fmt: skip
        assert len(read_outputs(path).ids) == args.outputs
        json_out = str(Path(folder) / "r.json")
        audit = timed(lambda: (cold(), run_audit("grounded", str(path), json_out=json_out)), args.runs)

    test = [i for i in load_labeled(LABELED) if i.split == "test"]
    ours_accuracy = balanced_accuracy(test, harness_grounded([i.output for i in test], [i.source for i in test]))
    peer_accuracy = balanced_accuracy(test, entity_overlap([i.output for i in test], [i.source for i in test]))

    print(f"\n{'':<32} {'wall s':>7} {'cpu s':>7} {'outputs/s':>10} {'bal.acc (test)':>15}")
    rows = [("harness grounded", ours, f"{ours_accuracy:.3f}"), ("harness audit --check grounded", audit, "")]
    rows.append(("peer: entity overlap", peer, f"{peer_accuracy:.3f}"))
    for name, (wall, cpu), accuracy in rows:
        print(f"{name:<32} {wall:>7.2f} {cpu:>7.2f} {args.outputs / wall:>10,.0f} {accuracy:>15}")
    ratio = ours[1] / peer[1]
    print(
        f"\ngrounded takes {ratio:.1f}x the peer CPU time; balanced accuracy {ours_accuracy:.3f} vs {peer_accuracy:.3f}"
    )
    runaway_split(args.runs)
    torch_loaded = "torch" in sys.modules
    print(f"torch imported: {'YES' if torch_loaded else 'no'}")
    scaled = ours[0] * 10_000 / args.outputs
    verdict = scaled < TARGET_SECONDS and not torch_loaded
    print(f"target: 10,000 outputs in under {TARGET_SECONDS:.0f} s -> {scaled:.1f} s: {'met' if verdict else 'MISSED'}")
    return 0 if verdict else 1


if __name__ == "__main__":
    raise SystemExit(main())
