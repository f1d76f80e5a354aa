"""Plugin discovery: one registry per entry-point group, built-ins included.

Built-in kinds, reporters (and later metrics, checks, sandboxes, ...) are declared in
``pyproject.toml`` under ``[project.entry-points."harness.<group>"]`` exactly as a third-party
package would declare its own, so there is a single way in. A plugin is loaded only when it
is first asked for, so listing names never imports heavy modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Generic, TypeVar

from harness.errors import UnknownPluginError

T = TypeVar("T")

GROUPS = {
    "kinds": "harness.kinds",
    "reporters": "harness.reporters",
    "metrics": "harness.metrics",
    "sandboxes": "harness.sandboxes",
    "checks": "harness.checks",
    "models": "harness.models",
}


@dataclass(frozen=True)
class PluginInfo:
    group: str
    name: str
    target: str  # "module:attribute"
    distribution: str | None


class Registry(Generic[T]):
    """The plugins of one entry-point group, instantiated on first use."""

    def __init__(self, group: str) -> None:
        self.group = group
        self._extra: dict[str, type[T]] = {}
        self._instances: dict[str, T] = {}

    def _entry_points(self) -> dict[str, EntryPoint]:
        return {ep.name: ep for ep in _group_entry_points(self.group)}

    def names(self) -> list[str]:
        return sorted({*self._entry_points(), *self._extra})

    def get(self, name: str) -> T:
        """The plugin called ``name``.

        Raises:
            UnknownPluginError: no such plugin; the message lists the known names.
        """
        if name not in self._instances:
            self._instances[name] = self._load(name)()
        return self._instances[name]

    def _load(self, name: str) -> type[T]:
        if name in self._extra:
            return self._extra[name]
        entry = self._entry_points().get(name)
        if entry is None:
            known = ", ".join(self.names()) or "none installed"
            raise UnknownPluginError(f"unknown {self.group} plugin {name!r} (known: {known})")
        plugin: type[T] = entry.load()
        return plugin

    def register(self, name: str, plugin: type[T]) -> None:
        """Add a plugin in-process (tests, notebooks); packages use entry points instead."""
        self._extra[name] = plugin
        self._instances.pop(name, None)

    def unregister(self, name: str) -> None:
        self._extra.pop(name, None)
        self._instances.pop(name, None)

    def info(self) -> list[PluginInfo]:
        rows = [
            PluginInfo(self.group, ep.name, ep.value, ep.dist.name if ep.dist else None)
            for ep in self._entry_points().values()
        ]
        rows += [
            PluginInfo(self.group, name, f"{cls.__module__}:{cls.__qualname__}", None)
            for name, cls in self._extra.items()
        ]
        return sorted(rows, key=lambda r: r.name)


@cache
def _group_entry_points(group: str) -> tuple[EntryPoint, ...]:
    return tuple(entry_points(group=group))


@cache
def registry(short_group: str) -> Registry[Any]:
    """The registry of ``short_group`` ("kinds", "reporters", ...)."""
    if short_group not in GROUPS:
        raise UnknownPluginError(f"unknown plugin group {short_group!r} (known: {', '.join(GROUPS)})")
    return Registry(GROUPS[short_group])
