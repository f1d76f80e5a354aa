"""The model adapter contract: requests in, one output per request out, as they complete.

:meth:`ModelAdapter.configured` validates the options of a model spec and returns a ready
adapter (loading a model, checking an endpoint's options); :meth:`ModelAdapter.generate` is the
template method: it checks the requests, calls the subclass's ``_generate`` (which yields
``(index, text)`` pairs in any order, so a concurrent adapter hands each output over as soon as
it arrives and the cache can keep it), cuts every output at its first stop string, and checks
that every request was answered exactly once.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from harness.errors import HarnessError

if TYPE_CHECKING:  # numpy comes with audio only
    from harness.models.audio import AudioClip

N = TypeVar("N", int, float)


class AdapterError(HarnessError):
    """A model cannot be reached, loaded or asked (bad setup): one line, exit code 2."""

    exit_code = 2


class GenerationParams(BaseModel):
    """How to generate: the same names for every adapter (an adapter ignores what it cannot use).

    ``temperature`` 0 means greedy decoding. ``seed`` makes sampling reproducible: the hf adapter
    seeds each request from it and the request's sample index; HTTP endpoints get it as ``seed``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_new_tokens: int = Field(default=64, ge=1, le=4096)
    temperature: float = Field(default=0.0, ge=0.0, le=5.0)
    top_k: int | None = Field(default=None, ge=1)
    top_p: float | None = Field(default=None, gt=0.0, le=1.0)
    stop: list[str] = Field(default_factory=list, description="cut the output before the first of these")
    seed: int = Field(default=0, ge=0)

    @property
    def greedy(self) -> bool:
        return self.temperature == 0.0

    def canonical(self) -> str:
        """Sorted-key JSON: part of every cache key."""
        return json.dumps(self.model_dump(), sort_keys=True)


@dataclass(frozen=True)
class Request:
    """One model call: a rendered prompt, how to generate, which sample of its item this is, and
    the item's audio for a speech model (its sha256 is part of the cache key)."""

    prompt: str
    params: GenerationParams
    sample: int = 0  # 0..samples-1: with a seed, sample i of an item draws differently from sample j
    audio: AudioClip | None = None

    def request_seed(self) -> int:
        """A seed for this request alone, so an output never depends on what else shares its batch."""
        digest = hashlib.sha256(f"{self.params.seed}\0{self.sample}\0{self.prompt}".encode()).digest()
        return int.from_bytes(digest[:4], "big")


def cut_at_stop(text: str, stop: Sequence[str]) -> str:
    """``text`` up to (not including) the earliest stop string."""
    cut = min((i for s in stop if s and (i := text.find(s)) >= 0), default=len(text))
    return text[:cut]


class ModelAdapter(ABC):
    """Base of every adapter. Subclasses set ``name`` and fill in ``_configure``, ``identity`` and ``_generate``."""

    name: ClassVar[str] = ""
    secret_options: ClassVar[frozenset[str]] = frozenset()  # never written to results or logs

    def __init__(self) -> None:
        self.target = ""
        self.options: dict[str, str] = {}

    def configured(self, target: str, options: Mapping[str, str]) -> Self:
        """A copy of this adapter for ``target`` (a folder, a model name, a command) and ``options``.

        Raises:
            AdapterError: an unknown option, a bad value, a model that cannot be found.
        """
        adapter = type(self)()
        adapter.target = target
        adapter.options = dict(options)
        unknown = sorted(set(options) - set(self.known_options()))
        if unknown:
            known = ", ".join(sorted(self.known_options())) or "none"
            raise AdapterError(f"{self.name}: unknown model option(s) {', '.join(unknown)} (known: {known})")
        adapter._configure()
        return adapter

    def known_options(self) -> Sequence[str]:
        """The ``--model-option`` names this adapter accepts."""
        return ()

    @abstractmethod
    def _configure(self) -> None:
        """Check ``self.target`` and ``self.options``; load or prepare what generation needs."""

    @abstractmethod
    def identity(self) -> str:
        """What decides the outputs besides the prompt: a hash of the model's files, or endpoint + name.
        Part of every cache key, so a changed model never answers from an old model's cache."""

    def describe(self) -> dict[str, Any]:
        """What the result records about the model: no secret option, ever."""
        shown = {k: v for k, v in sorted(self.options.items()) if k not in self.secret_options}
        return {"adapter": self.name, "target": self.target, "options": shown, "identity": self.identity()}

    @property
    def batch_size(self) -> int:
        """Requests the runner hands over at once (an adapter batches or parallelises inside)."""
        return 64

    @property
    def reads_audio(self) -> bool:
        """Whether this model reads a request's audio (a speech recogniser); others refuse audio."""
        return False

    @property
    def makes_images(self) -> bool:
        """Whether this model draws images (each output a PNG ``data:`` URI) instead of writing text."""
        return False

    def generate(self, requests: Sequence[Request]) -> Iterator[tuple[int, str]]:
        """Yield ``(index into requests, output)`` once per request, in any order.

        Raises:
            AdapterError: the model failed in a way a retry does not fix, or it was given audio
                it cannot read (answering the prompt alone would score a model that never heard it).
        """
        if not self.reads_audio and any(r.audio is not None for r in requests):
            raise AdapterError(f"{self.name}:{self.target}: the items carry audio, which this model cannot read")
        seen: set[int] = set()
        for index, text in self._generate(requests):
            if index in seen or not 0 <= index < len(requests):
                raise AdapterError(f"{self.name}: answered request {index} twice or out of range")
            seen.add(index)
            yield index, cut_at_stop(text, requests[index].params.stop)
        if len(seen) != len(requests):
            raise AdapterError(f"{self.name}: answered {len(seen)} of {len(requests)} requests")

    @abstractmethod
    def _generate(self, requests: Sequence[Request]) -> Iterator[tuple[int, str]]:
        """Yield ``(index, raw output)`` for every request."""

    def close(self) -> None:  # noqa: B027 - a hook with a default, not an abstract method
        """Release what the adapter holds (threads, processes); the default holds nothing."""


def option_int(adapter: ModelAdapter, key: str, default: int, low: int, high: int) -> int:
    """An integer option within ``[low, high]``, or :class:`AdapterError` saying which option is wrong."""
    return _option(adapter, key, default, low, high, int, "an integer")


def option_float(adapter: ModelAdapter, key: str, default: float, low: float, high: float) -> float:
    """A number option within ``[low, high]`` (see :func:`option_int`)."""
    return _option(adapter, key, default, low, high, float, "a number")


def _option(adapter: ModelAdapter, key: str, default: N, low: N, high: N, parse: Callable[[Any], N], noun: str) -> N:
    raw = adapter.options.get(key)
    if raw is None:
        return default
    try:
        value = parse(raw)
    except ValueError:
        raise AdapterError(f"{adapter.name}: option {key}={raw!r} is not {noun}") from None
    if not low <= value <= high:
        raise AdapterError(f"{adapter.name}: option {key}={value} must lie between {low} and {high}")
    return value
