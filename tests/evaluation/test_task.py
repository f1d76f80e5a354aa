"""Prompt templates (sandboxed Jinja2), few-shot examples drawn deterministically, samples per item."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from harness.evaluation.task import FewShot, TaskError, TaskItem, TaskSpec, fewshot_examples, render_task

ITEMS = [TaskItem(f"i{n}", f"question {n}", [f"answer {n}", f"other {n}"], None) for n in range(10)]


def test_the_template_sees_the_item_and_its_examples() -> None:
    spec = TaskSpec(
        prompt="{% for e in examples %}Q: {{ e.input }} A: {{ e.reference }}\n{% endfor %}Q: {{ input }} [{{ id }}] A:",
        fewshot=FewShot(count=2, seed=3),
        samples=3,
    )
    rendered = render_task(spec, ITEMS)
    first = rendered.prompts[0]
    assert first.endswith("Q: question 0 [i0] A:") and first.count("Q: ") == 3
    assert "question 0 A" not in first  # an item is never its own example
    assert len(rendered.requests) == 30 and [r.sample for r in rendered.requests[:3]] == [0, 1, 2]
    assert rendered.outputs_by_item([str(n) for n in range(30)])[1] == ["3", "4", "5"]


def test_fewshot_draws_depend_on_the_seed_and_the_item_only() -> None:
    fewshot = FewShot(count=3, seed=0)
    drawn = fewshot_examples(fewshot, ITEMS, 4)
    assert drawn == fewshot_examples(fewshot, ITEMS, 4)
    assert drawn == fewshot_examples(fewshot, [*ITEMS[:4], ITEMS[4], *ITEMS[5:]], 4)
    shuffled = ITEMS[::-1]
    assert {e.id for e in fewshot_examples(fewshot, shuffled, shuffled.index(ITEMS[4]))} == {e.id for e in drawn}
    seeds = {tuple(e.id for e in fewshot_examples(FewShot(count=3, seed=s), ITEMS, 4)) for s in range(8)}
    assert len(seeds) > 1


def test_the_sandbox_refuses_python_internals() -> None:
    spec = TaskSpec(prompt="{{ input.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TaskError, match="fails on item 'i0'"):
        render_task(spec, ITEMS)


def test_a_misspelt_field_is_an_error_not_an_empty_string() -> None:
    with pytest.raises(TaskError, match="'inptu' is undefined"):
        render_task(TaskSpec(prompt="{{ inptu }}"), ITEMS)


def test_a_template_that_does_not_compile_is_refused_at_load() -> None:
    with pytest.raises(ValidationError, match=r"does not compile \(line 1\)"):
        TaskSpec(prompt="{% for x in %}")


def test_too_many_fewshot_examples() -> None:
    with pytest.raises(TaskError, match="fewshot count 10 needs more"):
        render_task(TaskSpec(fewshot=FewShot(count=10)), ITEMS)
