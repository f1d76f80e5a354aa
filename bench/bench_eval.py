"""Eval benchmark: the hf adapter against ``generate()`` called by hand, and the openai adapter
against the OpenAI-compatible test server (50 ms per request), then a rerun from the cache.

Run from the repository root::

    HARNESS_CACHE=/tmp/hc .venv/bin/python bench/bench_eval.py [--prompts 1000] [--runs 3]

- **hf**: the course's tiny GPT-2 on ``--prompts`` prompts (the course corpus's sentences cut
  to their first four words, numbered so none repeat), greedy, 16 new tokens, batches of 32. The
  peer tokenizes each batch, calls ``model.generate`` and decodes, exactly what the adapter
  does for a batch; both use the same loaded model and batches, alternate ``--runs`` times, and
  the median is shown. Target: adapter / peer at most 1.1.
- **openai**: ``--prompts`` requests to ``tests/evaluation/openai_server.py`` answering after
  50 ms each (an echo backend, so the server's own compute does not hide the adapter's), 16
  requests in flight, every output cached in a fresh SQLite file; then the same requests again,
  all answered from the cache. Targets: under 8 s, and the rerun under 1 s.

Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.course_models import build  # noqa: E402
from harness.evaluation.cache import GenerationCache  # noqa: E402
from harness.evaluation.runner import generate_outputs  # noqa: E402
from harness.models import GenerationParams, Request, load_adapter, parse_model_spec  # noqa: E402
from harness.models.hf import HfAdapter  # noqa: E402
from tests.evaluation.openai_server import ServerState, echo_backend, openai_server  # noqa: E402

BATCH = 32
CONCURRENCY = 16
LATENCY_S = 0.05
HF_TARGET_RATIO = 1.1
OPENAI_TARGET_S = 8.0
CACHED_TARGET_S = 1.0


def prompts(count: int) -> list[str]:
    corpus = (ROOT / "harness" / "course_models" / "corpus.txt").read_text(encoding="utf-8").split(".")
    starts = [" ".join(s.split()[:4]) for s in corpus if len(s.split()) >= 4]
    return [f"{starts[i % len(starts)]} {i}" for i in range(count)]


def median_time(run: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def bench_hf(texts: list[str], runs: int) -> bool:
    import torch

    folder = build("tiny-gpt2")
    adapter = load_adapter(parse_model_spec(f"hf:{folder}", [f"batch_size={BATCH}"]))
    assert isinstance(adapter, HfAdapter)
    params = GenerationParams(max_new_tokens=16)
    requests = [Request(t, params) for t in texts]
    model, tokenizer = adapter._model, adapter._tokenizer  # the same loaded model for both sides

    def by_hand() -> list[str]:
        out: list[str] = []
        for start in range(0, len(texts), BATCH):
            encoded = tokenizer(texts[start : start + BATCH], return_tensors="pt", padding=True)
            with torch.inference_mode():
                ids = model.generate(**encoded, max_new_tokens=16, do_sample=False, pad_token_id=tokenizer.pad_token_id)
            out += tokenizer.batch_decode(ids[:, encoded["input_ids"].shape[1] :], skip_special_tokens=True)
        return out

    def through_adapter() -> list[str]:
        answered = dict(adapter.generate(requests))
        return [answered[i] for i in range(len(requests))]

    assert by_hand() == through_adapter(), "the adapter and generate() disagree"
    peer_times, adapter_times = [], []
    for _ in range(runs):  # alternate, so both sides see the same machine load
        peer_times += median_time(by_hand, 1)
        adapter_times += median_time(through_adapter, 1)
    peer, ours = statistics.median(peer_times), statistics.median(adapter_times)
    ratio = ours / peer
    print(f"hf      {len(texts)} prompts, batches of {BATCH}: generate() by hand {peer:.2f} s, adapter {ours:.2f} s")
    print(f"        ratio {ratio:.3f} (target <= {HF_TARGET_RATIO})   runs: peer {peer_times}, adapter {adapter_times}")
    return ratio <= HF_TARGET_RATIO


def bench_openai(texts: list[str]) -> bool:
    state = ServerState(echo_backend, latency=LATENCY_S, models={"echo"})
    params = GenerationParams(max_new_tokens=16)
    requests = [Request(t, params) for t in texts]
    with openai_server(state) as url, tempfile.TemporaryDirectory() as tmp:
        adapter = load_adapter(parse_model_spec("openai:echo", [f"base_url={url}", f"concurrency={CONCURRENCY}"]))
        cache = GenerationCache(Path(tmp) / "cache.sqlite3")
        start = time.perf_counter()
        first, stats = generate_outputs(adapter, requests, cache)
        cold = time.perf_counter() - start
        assert stats.called == len(texts)
        start = time.perf_counter()
        again, stats = generate_outputs(adapter, requests, cache)
        warm = time.perf_counter() - start
        assert again == first and stats.called == 0
        cache.close()
    serial = len(texts) * LATENCY_S
    print(f"openai  {len(texts)} prompts, {LATENCY_S * 1000:.0f} ms each, {CONCURRENCY} in flight: {cold:.2f} s")
    print(f"        (one at a time would take at least {serial:.0f} s; target < {OPENAI_TARGET_S} s)")
    print(f"        rerun from the cache: {warm:.3f} s (target < {CACHED_TARGET_S} s)")
    return cold < OPENAI_TARGET_S and warm < CACHED_TARGET_S


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prompts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["hf", "openai"])
    args = parser.parse_args()
    texts = prompts(args.prompts)
    ok = True
    if args.only in (None, "openai"):
        ok &= bench_openai(texts)
    if args.only in (None, "hf"):
        ok &= bench_hf(texts, args.runs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
