"""Speed of ``harness similarity``: 1,000 submissions of one file compared all against all.

Run from the repository root::

    .venv/bin/python bench/bench_similarity.py [--submissions 1000] [--peer-sample 60]

The submissions are made deterministically (fixed seeds) from the labeled set's 20
independent originals (tests/data/similarity/originals): each is one original under a
fresh disguise (tests/data/similarity/make_set.py's ``light`` or ``heavy``, own seed), so
the cohort is full of near-copies: every original has about 50 disguised copies, the worst
case for the inverted index (many shared fingerprints). Timed: tokenizing, fingerprinting
and comparing every pair (499,500 pairs for 1,000), as :func:`compare_documents` does it.

The peer is the obvious approach: ``difflib.SequenceMatcher(...).ratio()`` on the same
normalised token lists for every pair. It is far too slow to run on all pairs, so it is
timed on the pairs of ``--peer-sample`` submissions and EXTRAPOLATED linearly to all pairs
(labelled as such in the output).

Times are CPU seconds of this process (``time.process_time``), with the wall clock of the
harness run beside them: on a shared machine the wall clock also counts other programs.
Target (issue 13): 1,000 submissions compared in under 10 s of wall clock. Exit status 1
when missed.
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import random
import sys
import time
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harness.similarity.code import code_document  # noqa: E402
from harness.similarity.pairs import SimilaritySettings, compare_documents  # noqa: E402
from harness.similarity.tokens import code_tokens  # noqa: E402

DATA = REPO / "tests" / "data" / "similarity"
TARGET_S = 10.0


def _make_set() -> object:
    spec = importlib.util.spec_from_file_location("make_set", DATA / "make_set.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def submissions(count: int) -> list[str]:
    make_set = _make_set()
    originals = sorted((DATA / "originals").glob("*/*.py"))
    sources = []
    for number in range(count):
        rng = random.Random(f"bench/{number}")
        source = originals[number % len(originals)].read_text(encoding="utf-8")
        disguise = make_set.light if rng.random() < 0.5 else make_set.heavy  # type: ignore[attr-defined]
        sources.append(disguise(source, rng))
    return sources


def harness_seconds(sources: list[str]) -> tuple[float, float, int]:
    """Wall-clock and CPU seconds of fingerprinting and comparing, and the pairs reported."""
    settings = SimilaritySettings()
    started, cpu = time.perf_counter(), time.process_time()
    documents = [code_document(f"s{i:04d}", "file.py", s, settings) for i, s in enumerate(sources)]
    matches = compare_documents(documents, set(), settings)
    return time.perf_counter() - started, time.process_time() - cpu, len(matches)


def peer_seconds(sources: list[str]) -> float:
    """CPU seconds of the peer on every pair of ``sources``."""
    started = time.process_time()
    tokens = [[t.text for t in code_tokens(s)] for s in sources]
    for a, b in combinations(tokens, 2):
        difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    return time.process_time() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--peer-sample", type=int, default=60)
    args = parser.parse_args()
    sources = submissions(args.submissions)
    pairs = args.submissions * (args.submissions - 1) // 2
    wall, ours, reported = harness_seconds(sources)
    sample = args.peer_sample
    peer = peer_seconds(sources[:sample])
    peer_all = peer * pairs / (sample * (sample - 1) // 2)
    print(f"submissions {args.submissions}, pairs {pairs}, pairs reported {reported}")
    print(f"harness (winnowing + inverted index), all pairs: {ours:8.2f} s CPU ({wall:.2f} s wall)")
    print(f"peer (difflib on token lists), {sample} submissions: {peer:8.2f} s CPU")
    print(f"peer EXTRAPOLATED to all {pairs} pairs (not measured): {peer_all:8.0f} s CPU")
    print(f"ratio peer/harness (CPU, extrapolated): {peer_all / ours:.0f}x")
    ok = wall < TARGET_S
    print(f"target (< {TARGET_S:g} s for 1,000): {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
