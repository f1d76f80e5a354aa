"""Text-metric benchmarks: harness ROUGE, BLEU and WER against the reference libraries, in one process.

Run from the repository root::

    .venv/bin/python bench/bench_metrics.py [--pairs 10000] [--runs 3]

The data are ``--pairs`` hypothesis/reference pairs made deterministically (fixed seed) from the
course text in ``../shared/seeds/*.txt``: each reference is a sentence of the course, its
hypothesis a noisy copy (words dropped, replaced by other course words, inserted, swapped).
Each side is timed ``--runs`` times, alternating, in this one process; the table shows the
median. Before each harness run the ROUGE stem cache is cleared and a fresh metric is built, so
no run inherits work from an earlier one. Every run also checks that the numbers are
identical: ROUGE's per-sample precision/recall/F and their means against
``rouge_score.rouge_scorer.RougeScorer.score``, BLEU against ``sacrebleu.corpus_bleu``, WER
against ``jiwer.wer``.

Targets (issue 4): ROUGE at least 1.6x faster than rouge-score; BLEU and WER at most 1.1x the
time of sacrebleu and jiwer. The harness side computes per-sample scores and the signature as
well, and no bootstrap (``bootstrap=0``), since the peers compute no interval; the rows marked
"+CI" add the default 1,000 bootstrap resamples, for information. Exit status 1 when a target is
missed or a number differs.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import jiwer  # noqa: E402
import numpy as np  # noqa: E402
import sacrebleu  # noqa: E402
from rouge_score import rouge_scorer  # noqa: E402

from harness.metrics import rouge_engine  # noqa: E402
from harness.metrics.bleu import BleuMetric  # noqa: E402
from harness.metrics.error_rates import WerMetric  # noqa: E402
from harness.metrics.rouge import RougeMetric  # noqa: E402

SEED = 20260404
SEEDS = ROOT.parent / "shared" / "seeds"
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
FALLBACK = (
    "A generator maps random noise to images. The discriminator decides whether an image is real. "
    "Attention lets every token look at every other token. Diffusion models remove noise step by step."
)


# -- data ------------------------------------------------------------------------------------


def course_sentences() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))] if SEEDS.is_dir() else []
    text = " ".join(texts) or FALLBACK
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.split()) >= 4]


def make_pairs(n: int, seed: int = SEED) -> tuple[list[str], list[str]]:
    """``n`` (hypothesis, reference) pairs: course sentences and noisy copies of them."""
    rng = random.Random(seed)
    sentences = course_sentences()
    vocabulary = " ".join(sentences).split()
    hypotheses, references = [], []
    for _ in range(n):
        reference = rng.choice(sentences)
        words: list[str] = []
        for word in reference.split():
            roll = rng.random()
            if roll < 0.1:
                continue  # dropped
            words.append(rng.choice(vocabulary) if roll < 0.2 else word)
            if roll > 0.95:
                words.append(rng.choice(vocabulary))  # inserted
        if len(words) > 3 and rng.random() < 0.2:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        hypotheses.append(" ".join(words))
        references.append(reference)
    return hypotheses, references


# -- the two sides of each comparison ----------------------------------------------------------


def rouge_direct(hyps: list[str], refs: list[str], stem: bool) -> Any:
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=stem)
    return [scorer.score(r, h) for h, r in zip(hyps, refs, strict=True)]


def rouge_harness(hyps: list[str], refs: list[str], stem: bool) -> Any:
    rouge_engine._stem.cache_clear()
    return RougeMetric(use_stemmer=stem).score(hyps, refs, bootstrap=0)


def rouge_identical(direct: Any, ours: Any) -> bool:
    for rouge_type in ROUGE_TYPES:
        for i, key in enumerate(("_precision", "_recall", "")):
            column = np.array([scores[rouge_type][i] for scores in direct])
            if float(np.mean(column)) != ours.extra[rouge_type + key]:
                return False
    return bool(ours.per_sample == [scores["rougeL"].fmeasure for scores in direct])


@dataclass
class Comparison:
    label: str
    harness: Callable[[], Any]
    peer: Callable[[], Any]
    identical: Callable[[Any, Any], bool]
    target: str  # "speedup>=1.6" or "ratio<=1.1" or "" (information only)


def comparisons(hyps: list[str], refs: list[str]) -> list[Comparison]:
    bleu_peer = lambda: sacrebleu.corpus_bleu(hyps, [refs]).score  # noqa: E731
    wer_peer = lambda: jiwer.wer(refs, hyps)  # noqa: E731
    return [
        Comparison(
            "ROUGE-1/2/L/Lsum vs rouge-score",
            lambda: rouge_harness(hyps, refs, stem=False),
            lambda: rouge_direct(hyps, refs, stem=False),
            lambda peer, ours: rouge_identical(peer, ours),
            "speedup>=1.6",
        ),
        Comparison(
            "ROUGE-1/2/L/Lsum +stemmer vs rouge-score",
            lambda: rouge_harness(hyps, refs, stem=True),
            lambda: rouge_direct(hyps, refs, stem=True),
            lambda peer, ours: rouge_identical(peer, ours),
            "speedup>=1.6",
        ),
        Comparison(
            "BLEU vs sacrebleu.corpus_bleu",
            lambda: BleuMetric().score(hyps, refs, bootstrap=0),
            bleu_peer,
            lambda peer, ours: ours.score == peer,
            "ratio<=1.1",
        ),
        Comparison(
            "BLEU +CI (1000 resamples)",
            lambda: BleuMetric().score(hyps, refs),
            bleu_peer,
            lambda peer, ours: ours.score == peer,
            "",
        ),
        Comparison(
            "WER vs jiwer.wer",
            lambda: WerMetric().score(hyps, refs, bootstrap=0),
            wer_peer,
            lambda peer, ours: ours.score == peer,
            "ratio<=1.1",
        ),
        Comparison(
            "WER +CI (1000 resamples)",
            lambda: WerMetric().score(hyps, refs),
            wer_peer,
            lambda peer, ours: ours.score == peer,
            "",
        ),
    ]


# -- timing ----------------------------------------------------------------------------------


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def run(comparison: Comparison, runs: int) -> tuple[float, float, bool]:
    """Median seconds of the harness and of the peer, and whether every run gave identical numbers."""
    ours_times, peer_times, identical = [], [], True
    for _ in range(runs):
        peer_s, peer = timed(comparison.peer)
        ours_s, ours = timed(comparison.harness)
        identical &= comparison.identical(peer, ours)
        peer_times.append(peer_s)
        ours_times.append(ours_s)
    return statistics.median(ours_times), statistics.median(peer_times), identical


def verdict(target: str, ours: float, peer: float) -> tuple[str, bool]:
    if target.startswith("speedup>="):
        needed = float(target.split(">=")[1])
        return f"{peer / ours:.2f}x faster (>= {needed}x)", peer / ours >= needed
    if target.startswith("ratio<="):
        allowed = float(target.split("<=")[1])
        return f"{ours / peer:.2f}x the time (<= {allowed}x)", ours / peer <= allowed
    return f"{ours / peer:.2f}x the time (no target)", True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    hyps, refs = make_pairs(args.pairs)
    words = sum(len(r.split()) for r in refs) / len(refs)
    print(f"{args.pairs} pairs from {SEEDS} (seed {SEED}), {words:.1f} reference words on average")
    print(f"median of {args.runs} runs; ratio = harness time / peer time")
    print(f"{'comparison':42} {'harness s':>10} {'peer s':>8}  {'identical':9}  result")
    failed = False
    for comparison in comparisons(hyps, refs):
        ours, peer, identical = run(comparison, args.runs)
        text, met = verdict(comparison.target, ours, peer)
        ok = met and identical
        failed |= not ok
        mark = "yes" if identical else "NO"
        print(f"{comparison.label:42} {ours:10.3f} {peer:8.3f}  {mark:9}  {text}{'' if ok else '  FAIL'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
