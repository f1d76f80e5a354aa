"""Models for the ``python`` adapter in the tests: ``python:tests.evaluation.fake_models:NAME``."""

from __future__ import annotations

import os
import time


def echo(prompt: str, params: dict[str, object]) -> str:
    """Answers with the prompt: a perfect model on a suite whose references are its inputs."""
    return prompt


def wrong(prompt: str, params: dict[str, object]) -> str:
    return "nothing to do with it"


def half_right(prompt: str, params: dict[str, object]) -> str:
    """Right on items whose prompt ends with an even digit."""
    return prompt if prompt[-1] in "02468" else "nothing to do with it"


def logged(prompt: str, params: dict[str, object]) -> str:
    """Appends the prompt to $EVAL_CALL_LOG (flushed before returning) and takes $EVAL_CALL_DELAY s."""
    with open(os.environ["EVAL_CALL_LOG"], "a", encoding="utf-8") as log:
        log.write(prompt + "\n")
    time.sleep(float(os.environ.get("EVAL_CALL_DELAY", "0")))
    return prompt
