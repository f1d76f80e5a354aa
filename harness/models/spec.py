"""Model specs: ``hf:path/to/dir``, ``openai:gpt-x`` with ``base_url=...`` options, as typed on the
command line or written in YAML, resolved through the ``harness.models`` registry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from harness.errors import UnknownPluginError
from harness.models.base import AdapterError, ModelAdapter
from harness.plugins import registry


@dataclass(frozen=True)
class ModelSpec:
    """An adapter name, its target (after the first colon) and its options."""

    adapter: str
    target: str
    options: Mapping[str, str] = field(default_factory=dict)


def parse_model_spec(text: str, options: Iterable[str] = ()) -> ModelSpec:
    """``ADAPTER:TARGET`` and ``KEY=VALUE`` options into a :class:`ModelSpec`.

    Raises:
        AdapterError: no colon, an empty part, or an option without ``=``.
    """
    adapter, colon, target = text.partition(":")
    if not colon or not adapter or not target:
        raise AdapterError(f"--model {text!r}: expected ADAPTER:TARGET, e.g. hf:path/to/model or openai:gpt-4o-mini")
    parsed: dict[str, str] = {}
    for option in options:
        key, equals, value = option.partition("=")
        if not equals or not key.strip():
            raise AdapterError(f"--model-option {option!r}: expected KEY=VALUE")
        parsed[key.strip()] = value
    return ModelSpec(adapter.strip(), target, parsed)


def load_adapter(spec: ModelSpec) -> ModelAdapter:
    """The configured adapter for ``spec``.

    Raises:
        AdapterError: an unknown adapter (the message lists the known ones) or a bad setup.
    """
    try:
        plugin = registry("models").get(spec.adapter)
    except UnknownPluginError:
        known = ", ".join(registry("models").names())
        raise AdapterError(f"unknown model adapter {spec.adapter!r} (known: {known})") from None
    if not isinstance(plugin, ModelAdapter):
        raise AdapterError(f"model adapter {spec.adapter!r} is not a harness.models.ModelAdapter")
    return plugin.configured(spec.target, spec.options)
