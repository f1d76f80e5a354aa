"""Requests -> cache -> model -> outputs: the generation stage of ``harness eval``.

Identical calls (same key) are made once. Every output is cached the moment the adapter hands
it over, so an interruption loses only the calls in flight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.evaluation.cache import GenerationCache, call_key
from harness.models.base import ModelAdapter, Request
from harness.progress import Progress


@dataclass(frozen=True)
class GenerationStats:
    requests: int
    cached: int  # answered from the cache
    called: int  # model calls made now

    def summary(self) -> str:
        return f"{self.requests} outputs ({self.cached} from the cache, {self.called} model calls)"


def generate_outputs(
    adapter: ModelAdapter, requests: Sequence[Request], cache: GenerationCache, progress: Progress | None = None
) -> tuple[list[str], GenerationStats]:
    """One output per request, from the cache where it has one, else from the model.

    Raises:
        AdapterError: the model failed (every output received until then is cached).
    """
    progress = progress or Progress(quiet=True)
    keys = [call_key(adapter, r) for r in requests]
    found = cache.lookup(keys)
    first_index = {key: i for i, key in reversed(list(enumerate(keys)))}
    missing = [i for key, i in first_index.items() if key not in found]
    missing.sort()
    progress.start("generate", len(missing))
    to_ask = [requests[i] for i in missing]
    for position, text in adapter.generate(to_ask):
        index = missing[position]
        cache.store(keys[index], adapter, requests[index], text)
        found[keys[index]] = text
        progress.advance()
    stats = GenerationStats(len(requests), len(requests) - len(missing), len(missing))
    progress.finish(stats.summary())
    return [found[key] for key in keys], stats
