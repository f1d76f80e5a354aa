"""The JSON Schema of a bank file, built from the installed kinds' pydantic models."""

from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import Field, create_model

from harness.bank.schema import BankHeader
from harness.kinds import kind_registry


def bank_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for editors: ``questions`` is a union keyed on ``kind``."""
    models = tuple(kind_registry().get(name).model for name in kind_registry().names())
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
