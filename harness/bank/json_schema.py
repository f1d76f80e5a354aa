"""The JSON Schema of a bank file, built from the question kinds' pydantic models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Union

from pydantic import Field, create_model

from harness.bank.schema import BankHeader, Question


def bank_schema(question_models: Sequence[type[Question]]) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for editors: ``questions`` is a union keyed on ``kind``,
    one branch per model in ``question_models`` (the installed kinds', passed in from above)."""
    models = tuple(question_models)
    question = Annotated[Union[models], Field(discriminator="kind")]  # type: ignore[valid-type]  # noqa: UP007
    bank = create_model(
        "QuestionBank",
        __base__=BankHeader,
        questions=(list[question], Field(default_factory=list)),
    )
    schema = bank.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "genai-harness question bank"
    return schema
