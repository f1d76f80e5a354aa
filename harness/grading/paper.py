"""A student's quiz paper: the questions as that student sees them.

Parameterised prompts are rendered with the student's values and choice options appear in
the student's shuffled order, so the paper and the grading agree by construction (both use
:func:`~harness.bank.variants.draw_variant` and the kind's ``option_order``).
"""

from __future__ import annotations

from harness.bank.variants import draw_variant
from harness.grading.runner import GradingPlan
from harness.kinds import GradeContext


def render_paper(plan: GradingPlan, student_id: str) -> str:
    """Markdown with one section per question of ``plan``; no answers, no feedback.

    A ``check`` plan holds the questions public on its date (the student's paper); a
    ``grade`` plan holds every question, and hidden or not-yet-released ones say so in their
    heading (the instructor's copy).
    """
    title = f"# Quiz for {student_id}" + (" (instructor's copy: every question)" if plan.mode == "grade" else "")
    lines = [title, ""]
    for bank, bq in plan.questions():
        question = bq.question
        variant = draw_variant(question, bank.id, student_id)
        ctx = GradeContext(student_id, bank.id, variant)
        visibility = question.visibility_label()
        shown = "" if question.is_public_on(plan.today) else f", {visibility}"
        lines += [
            f"## {question.id} ({question.max_points:g} pt, {bq.kind.name}{shown})",
            "",
            variant.render(question.prompt),
            "",
        ]
        extra = bq.kind.paper_lines(question, ctx)
        lines += [*extra, ""] if extra else []
    return "\n".join(lines)
