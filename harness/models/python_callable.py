"""``python``: a ``module:function`` called in this process, once per request.

The function takes the rendered prompt and the request's parameters (the generation
parameters, plus ``sample`` and a per-request ``seed``) and returns the output text::

    def answer(prompt: str, params: dict[str, object]) -> str: ...

Modules are looked up in the current folder first, then among installed packages.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from harness.models.base import AdapterError, ModelAdapter, Request


class PythonAdapter(ModelAdapter):
    """``python:package.module:function``."""

    name = "python"

    def __init__(self) -> None:
        super().__init__()
        self._function: Callable[[str, dict[str, Any]], Any] | None = None
        self._identity = ""

    def _configure(self) -> None:
        module_name, colon, attribute = self.target.rpartition(":")
        if not colon or not module_name or not attribute:
            raise AdapterError(f"python:{self.target}: expected MODULE:FUNCTION, e.g. python:my_model:answer")
        if os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise AdapterError(f"python:{self.target}: cannot import {module_name!r}: {exc}") from None
        function = getattr(module, attribute, None)
        if not callable(function):
            raise AdapterError(f"python:{self.target}: {module_name} has no function {attribute!r}")
        self._function = function
        try:
            source = inspect.getsource(module)
        except (OSError, TypeError):
            source = ""
        self._identity = f"{self.target}|{hashlib.sha256(source.encode()).hexdigest()[:16]}"

    def identity(self) -> str:
        return self._identity

    def _generate(self, requests: Sequence[Request]) -> Iterator[tuple[int, str]]:
        assert self._function is not None  # configured() sets it
        for index, request in enumerate(requests):
            params = {**request.params.model_dump(), "sample": request.sample, "seed": request.request_seed()}
            output = self._function(request.prompt, params)
            if not isinstance(output, str):
                raise AdapterError(f"python:{self.target}: returned {type(output).__name__}, expected str")
            yield index, output
