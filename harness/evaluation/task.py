"""A suite's ``task:`` section: how to prompt a model for each item of the data set.

::

    task:
      prompt: |
        {% for ex in examples %}Q: {{ ex.input }}
        A: {{ ex.reference }}
        {% endfor %}Q: {{ input }}
        A:
      fewshot: {count: 2, seed: 0}
      generation: {max_new_tokens: 32, temperature: 0, stop: ["\\n"]}
      samples: 1

The template sees ``id``, ``input``, ``source``, ``audio`` (the item's WAV file as the data set
names it, or none), ``references``, ``reference`` (the first) and ``examples`` (the few-shot
items, each with the same fields). An item's audio is read when the task is rendered, so a
missing or corrupt file stops the run (exit 2, at the data set's ``file:line``) before any
model is loaded; each request carries its item's clip. It is rendered in Jinja2's
sandboxed environment with strict undefined names, so a template can neither reach Python
internals nor misspell a field silently. Few-shot examples are other items of the data set,
drawn by a generator seeded by the few-shot seed and the item's id from the other items in id
order: the same item always gets the same examples, whatever else runs and however the data
set's lines are ordered.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, field_validator

from harness.errors import HarnessError
from harness.models.base import GenerationParams, Request

if TYPE_CHECKING:  # numpy comes with audio only
    from harness.models.audio import AudioClip

DEFAULT_PROMPT = "{{ input }}"


class TaskError(HarnessError):
    """A task cannot be rendered (a template that fails on an item): bad input, exit code 2."""

    exit_code = 2


class FewShot(BaseModel):
    """How many examples to show before each item, and the seed that picks them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    count: int = Field(ge=1, le=32)
    seed: int = Field(default=0, ge=0)


class TaskSpec(BaseModel):
    """The ``task:`` section of a text suite (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prompt: str = Field(default=DEFAULT_PROMPT, min_length=1, description="Jinja2 template of the prompt")
    fewshot: FewShot | None = Field(default=None, description="examples drawn from the other items")
    generation: GenerationParams = Field(default_factory=GenerationParams)
    samples: int = Field(default=1, ge=1, le=100, description="outputs per item (self-consistency, pass@k)")
    images: int | None = Field(
        default=None, ge=2, le=10_000, description="images to draw for an image suite (default: the suite's count)"
    )

    @field_validator("prompt")
    @classmethod
    def _compiles(cls, prompt: str) -> str:
        try:
            _environment().from_string(prompt)
        except TemplateError as exc:
            line = getattr(exc, "lineno", None)
            raise ValueError(
                f"the prompt template does not compile{f' (line {line})' if line else ''}: {exc}"
            ) from None
        return prompt

    def prompt_sha256(self) -> str:
        return hashlib.sha256(self.prompt.encode()).hexdigest()


@dataclass(frozen=True)
class TaskItem:
    """What the template sees of one data-set item."""

    id: str
    input: str
    references: list[str]
    source: str | None
    audio: str | None = None  # as the data set names it (relative: prompts never hold a checkout's path)
    audio_path: Path | None = None  # where it is read from
    where: str = ""  # the item's file:line, for messages

    def context(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "input": self.input,
            "references": self.references,
            "reference": self.references[0] if self.references else "",
            "source": self.source,
            "audio": self.audio,
        }

    def read_audio(self) -> AudioClip | None:
        """The item's clip, or ``None`` when it names none.

        Raises:
            AudioError: the file is missing, corrupt or unsupported (one line: file:line, item, why).
        """
        if self.audio is None:
            return None
        from harness.models.audio import read_wav

        path = self.audio_path or Path(self.audio)
        return read_wav(path, f"{self.where or '?'}: item {self.id!r}: audio {self.audio}")


@dataclass(frozen=True)
class RenderedTask:
    """Every request of a task: ``samples`` requests per item, in data-set order."""

    spec: TaskSpec
    ids: list[str]
    prompts: list[str]  # one per item
    audio: list[AudioClip | None] = field(default_factory=list)  # one per item, or none at all

    @cached_property
    def requests(self) -> list[Request]:
        params = self.spec.generation
        clips = self.audio or [None] * len(self.prompts)
        return [
            Request(prompt, params, s, clip)
            for prompt, clip in zip(self.prompts, clips, strict=True)
            for s in range(self.spec.samples)
        ]

    def outputs_by_item(self, outputs: list[str]) -> list[list[str]]:
        """The flat outputs of :attr:`requests` grouped per item."""
        k = self.spec.samples
        return [outputs[i * k : (i + 1) * k] for i in range(len(self.ids))]


def render_task(spec: TaskSpec, items: list[TaskItem]) -> RenderedTask:
    """Render the prompt of every item.

    Raises:
        TaskError: the template fails on an item (an undefined name, a sandbox refusal),
            few-shot asks for more examples than the other items can give, or the task sets
            ``images`` (an image suite's field).
        AudioError: an item's audio cannot be read.
    """
    if spec.images is not None:
        raise TaskError("the task sets `images`, which only an image suite's task may set")
    template = _environment().from_string(spec.prompt)
    if spec.fewshot is not None and spec.fewshot.count >= len(items):
        raise TaskError(f"fewshot count {spec.fewshot.count} needs more than the {len(items)} items of the data set")
    prompts = []
    for index, item in enumerate(items):
        examples = [e.context() for e in fewshot_examples(spec.fewshot, items, index)]
        try:
            prompts.append(template.render(**item.context(), examples=examples))
        except TemplateError as exc:
            raise TaskError(f"the prompt template fails on item {item.id!r}: {exc}") from None
    audio = [item.read_audio() for item in items] if any(item.audio for item in items) else []
    return RenderedTask(spec, [item.id for item in items], prompts, audio)


def fewshot_examples(fewshot: FewShot | None, items: list[TaskItem], index: int) -> list[TaskItem]:
    """The examples shown before ``items[index]``: other items, seeded by the item's id."""
    if fewshot is None:
        return []
    digest = hashlib.sha256(f"{fewshot.seed}\0{items[index].id}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    others = sorted((i for i in range(len(items)) if i != index), key=lambda i: items[i].id)  # not file order
    return [items[i] for i in sorted(rng.sample(others, fewshot.count))]


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=False, autoescape=False)
