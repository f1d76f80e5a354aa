"""Checking what a text metric is given, with messages a student can act on.

Layout: ``hypotheses[i]`` is one output; ``references[i]`` is its reference, either a string or
a list of strings (several references for that sample; the count may vary from sample to
sample). This is the transpose of sacrebleu's "reference streams" (``[[ref_1, ref_2, ...]]``);
a call in sacrebleu's layout is recognised and the error says how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from harness.errors import HarnessError


@dataclass(frozen=True)
class TextInputs:
    """Validated inputs of a text metric, one entry per sample."""

    hypotheses: list[str]
    references: list[list[str]]  # [] per sample when the metric takes no references and none came
    sources: list[str] | None = None

    @property
    def size(self) -> int:
        return len(self.hypotheses)

    @property
    def nrefs(self) -> int | str:
        """References per sample: a number, or ``"var"`` when samples have different counts."""
        counts = {len(refs) for refs in self.references}
        if not counts:
            return 0
        return counts.pop() if len(counts) == 1 else "var"


def text_inputs(
    metric: str,
    hypotheses: Any,
    references: Any,
    sources: Any = None,
    *,
    needs_references: bool = True,
    max_references: int | None = None,
) -> TextInputs:
    """Check and normalise a metric's inputs.

    Raises:
        HarnessError: wrong types, empty input, lengths that do not match, or more references
            per sample than the metric takes; the message names the metric and the sample.
    """
    hyps = _strings(metric, "hypotheses", "hypothesis", hypotheses)
    if not hyps:
        raise HarnessError(f"{metric}: no hypotheses to score")
    if references is None:
        if needs_references:
            raise HarnessError(f"{metric}: references are required (one reference, or a list of them, per hypothesis)")
        refs: list[list[str]] = [[] for _ in hyps]
    else:
        refs = _references(metric, references, len(hyps), max_references)
    srcs = None
    if sources is not None:
        srcs = _strings(metric, "sources", "source", sources)
        if len(srcs) != len(hyps):
            raise HarnessError(
                f"{metric}: {len(hyps)} hypotheses but {len(srcs)} sources; give one source per hypothesis"
            )
    return TextInputs(hyps, refs, srcs)


def _as_list(metric: str, what: str, value: Any) -> list[Any]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        got = type(value).__name__
        raise HarnessError(f"{metric}: {what} must be a list with one entry per sample, got a {got}")
    return list(value)


def _strings(metric: str, what: str, one: str, value: Any) -> list[str]:
    items = _as_list(metric, what, value)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise HarnessError(f"{metric}: {one} {i} is {_describe(item)}, not a string")
    return items


def _references(metric: str, references: Any, n: int, max_references: int | None) -> list[list[str]]:
    items = _as_list(metric, "references", references)
    if len(items) != n:
        raise HarnessError(_length_message(metric, n, items))
    refs = [_sample_references(metric, i, item) for i, item in enumerate(items)]
    if max_references is not None:
        for i, sample in enumerate(refs):
            if len(sample) > max_references:
                raise HarnessError(
                    f"{metric} takes at most {max_references} reference(s) per sample; reference {i} has {len(sample)}"
                )
    return refs


def _sample_references(metric: str, index: int, item: Any) -> list[str]:
    if isinstance(item, str):
        return [item]
    if not isinstance(item, (list, tuple)):
        raise HarnessError(f"{metric}: reference {index} is {_describe(item)}, not a string or a list of strings")
    if not item:
        raise HarnessError(f"{metric}: reference {index} is an empty list; give at least one reference string")
    for j, ref in enumerate(item):
        if not isinstance(ref, str):
            raise HarnessError(f"{metric}: reference {index}, item {j} is {_describe(ref)}, not a string")
    return list(item)


def _length_message(metric: str, n: int, items: list[Any]) -> str:
    message = (
        f"{metric}: {n} hypotheses but {len(items)} references; "
        "references[i] must be the reference (or list of references) of hypotheses[i]"
    )
    streams = items and all(isinstance(s, (list, tuple)) and len(s) == n for s in items)
    if streams:
        message += " (this looks like sacrebleu's reference streams [[ref_1, ref_2, ...]]: pass [ref_1, ref_2, ...])"
    return message


def _describe(value: Any) -> str:
    return "None" if value is None else f"a {type(value).__name__}"
