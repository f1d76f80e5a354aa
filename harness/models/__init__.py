"""Model adapters: what turns rendered prompts into outputs (the ``harness.models`` plugin group).

- ``base``: :class:`ModelAdapter` (the template method every adapter fills in), the generation
  parameters and the request each call carries;
- ``spec``: ``--model hf:path`` and ``--model-option key=value`` parsed into a :class:`ModelSpec`;
- ``hf``: a local Hugging Face folder (causal LM or seq2seq) through ``generate()``, never downloaded;
  ``hf_speech``: its speech recognisers (CTC), reading each request's ``audio`` (``audio``: WAV
  files decoded and resampled);
- ``openai_api``: any OpenAI-compatible HTTP endpoint (chat or completions), over the standard library;
- ``command``: an executable that reads JSONL prompts on stdin and writes JSONL outputs;
- ``python_callable``: a ``module:function`` in this process.

Adapters import their heavy libraries when they are configured, never at import.
"""

from harness.models.base import AdapterError, GenerationParams, ModelAdapter, Request
from harness.models.spec import ModelSpec, load_adapter, parse_model_spec

__all__ = [
    "AdapterError",
    "GenerationParams",
    "ModelAdapter",
    "ModelSpec",
    "Request",
    "load_adapter",
    "parse_model_spec",
]
