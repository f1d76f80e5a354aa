"""Plugin discovery: one registry per entry-point group, built-ins included.

Built-in kinds, metrics, checks, sandboxes and reporters are declared in ``pyproject.toml``
under ``[project.entry-points."harness.<group>"]`` exactly as a third-party package declares
its own, so there is a single way in (``docs/plugins.md``). Each group says which base class
its entry points must load (:data:`GROUPS`); a new group is one more line there.

A plugin is imported only when it is first asked for, so listing names imports nothing heavy.
A plugin that cannot be used (its module fails to import, it loads the wrong type, it cannot
be constructed) is recorded by name with a one-line reason and never stops the others: asking
for it raises :class:`~harness.errors.PluginError` with that reason, the rest of its group
loads as usual, and ``harness plugins`` lists it among the broken ones.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from importlib.metadata import EntryPoint, EntryPoints, entry_points
from typing import Any, Generic, Protocol, TypeVar, cast

from harness.errors import PluginError, UnknownPluginError

T = TypeVar("T")


@dataclass(frozen=True)
class PluginGroup:
    """An entry-point group and the base class each of its entry points must load.

    ``base`` is ``"module:Class"`` and is imported only when a plugin of the group loads, so
    declaring a group costs nothing at start-up. Every entry point names a concrete subclass
    of ``base``; the registry builds one instance of it with no arguments, on first use.
    """

    entry_points: str
    base: str

    def base_class(self) -> type:
        module, _, qualname = self.base.partition(":")
        found: Any = import_module(module)
        for part in qualname.split("."):
            found = getattr(found, part)
        if not isinstance(found, type):
            raise TypeError(f"{self.base} is not a class")
        return found


# short name -> group; one line per group (the base is imported lazily)
GROUPS: dict[str, PluginGroup] = {
    "kinds": PluginGroup("harness.kinds", "harness.kinds.base:QuestionKind"),
    "reporters": PluginGroup("harness.reporters", "harness.reports:Reporter"),
    "metrics": PluginGroup("harness.metrics", "harness.metrics.base:Metric"),
    "sandboxes": PluginGroup("harness.sandboxes", "harness.sandbox.base:Sandbox"),
    "checks": PluginGroup("harness.checks", "harness.checks.base:Check"),
    "models": PluginGroup("harness.models", "harness.models.base:ModelAdapter"),
    "executors": PluginGroup("harness.executors", "harness.executors.base:Executor"),
}


@dataclass(frozen=True)
class PluginInfo:
    """One row of ``harness plugins``: where a plugin comes from and whether it loads."""

    group: str  # the entry-point group, "harness.kinds"
    name: str
    target: str  # "module:attribute"
    distribution: str | None  # None: registered in-process
    version: str | None
    error: str | None = None  # why it cannot be used; None when it loads

    def describe(self) -> str:
        """``name (distribution version)``, how an error message names the plugin."""
        source = " ".join(part for part in (self.distribution, self.version) if part) or "in-process"
        return f"{self.group} plugin {self.name!r} ({source})"


class Registry(Generic[T]):
    """The plugins of one entry-point group, each checked and instantiated on first use."""

    def __init__(self, group: PluginGroup) -> None:
        self.spec = group
        self.group = group.entry_points
        self._extra: dict[str, type[T]] = {}
        self._instances: dict[str, T] = {}
        self._errors: dict[str, str] = {}

    def _entry_points(self) -> dict[str, EntryPoint]:
        found: dict[str, EntryPoint] = {}
        for ep in _group_entry_points(self.group):
            found.setdefault(ep.name, ep)  # the first on sys.path, as importlib finds modules
        return found

    def _rivals(self, name: str) -> list[str]:
        """The other distributions that declare ``name`` in this group (a clash to refuse)."""
        first = self._entry_points().get(name)
        return [
            f"{ep.dist.name if ep.dist else '?'} ({ep.value})"
            for ep in _group_entry_points(self.group)
            if ep.name == name and ep is not first
        ]

    def names(self) -> list[str]:
        """Every name installed in this group, usable or not (nothing is imported)."""
        return sorted({*self._entry_points(), *self._extra})

    def get(self, name: str) -> T:
        """The plugin called ``name``, built on first use.

        Raises:
            UnknownPluginError: no such plugin; the message lists the known names.
            PluginError: it is installed but cannot be used; the message names it and says why.
        """
        if name in self._instances:
            return self._instances[name]
        if name not in self._errors:
            try:
                self._instances[name] = self._build(name)
                return self._instances[name]
            except _Unusable as exc:
                self._errors[name] = str(exc)
        raise PluginError(f"{self._info(name).describe()} cannot be used: {self._errors[name]}")

    def error(self, name: str) -> str | None:
        """Why ``name`` cannot be used (loading it if not done yet), or None when it can."""
        try:
            self.get(name)
        except PluginError:
            return self._errors[name]
        return None

    def register(self, name: str, plugin: type[T]) -> None:
        """Add a plugin in-process (tests, notebooks); packages use entry points instead."""
        self._extra[name] = plugin
        self._instances.pop(name, None)
        self._errors.pop(name, None)

    def unregister(self, name: str) -> None:
        self._extra.pop(name, None)
        self._instances.pop(name, None)
        self._errors.pop(name, None)

    def info(self) -> list[PluginInfo]:
        """One row per plugin, each loaded so that a broken one shows its reason."""
        return [_with_error(self._info(name), self.error(name)) for name in self.names()]

    def _info(self, name: str) -> PluginInfo:
        if name in self._extra:
            cls = self._extra[name]
            return PluginInfo(self.group, name, f"{cls.__module__}:{cls.__qualname__}", None, None)
        entry = self._entry_points().get(name)
        if entry is None:
            raise self._unknown(name)
        dist = entry.dist
        return PluginInfo(self.group, name, entry.value, dist.name if dist else None, dist.version if dist else None)

    def _unknown(self, name: str) -> UnknownPluginError:
        known = ", ".join(self.names()) or "none installed"
        return UnknownPluginError(f"unknown {self.group} plugin {name!r} (known: {known})")

    def _build(self, name: str) -> T:
        """Import, check and instantiate ``name``; :class:`_Unusable` says why it cannot be."""
        if name not in self._extra and (rivals := self._rivals(name)):
            raise _Unusable(f"{name!r} is declared again by {', '.join(rivals)}; uninstall one of them")
        plugin: Any = self._extra[name] if name in self._extra else self._import(name)
        base = self.spec.base_class()
        if not isinstance(plugin, type):
            raise _Unusable(f"loads {_describe(plugin)}, not a class (it must name a subclass of {_name(base)})")
        if not issubclass(plugin, base):
            raise _Unusable(f"{_name(plugin)} is not a subclass of {_name(base)}")
        if inspect.isabstract(plugin):
            missing = ", ".join(sorted(getattr(plugin, "__abstractmethods__", ())))
            raise _Unusable(f"{_name(plugin)} is abstract (it does not implement {missing})")
        try:
            instance = plugin()
        except Exception as exc:  # a third party's constructor: record whatever it raises
            raise _Unusable(f"{_name(plugin)}() failed: {_one_line(exc)}") from exc
        return cast(T, instance)

    def _import(self, name: str) -> Any:
        entry = self._entry_points().get(name)
        if entry is None:
            raise self._unknown(name)
        try:
            return entry.load()
        except Exception as exc:  # a third party's module: record whatever its import raises
            raise _Unusable(f"cannot import {entry.value}: {_one_line(exc)}") from exc


class _Unusable(Exception):
    """Internal: why a plugin cannot be used (becomes a PluginError naming the plugin)."""


def _with_error(info: PluginInfo, error: str | None) -> PluginInfo:
    return PluginInfo(info.group, info.name, info.target, info.distribution, info.version, error)


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _describe(value: object) -> str:
    return f"an instance of {_name(type(value))}"


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


@cache
def _group_entry_points(group: str) -> tuple[EntryPoint, ...]:
    return tuple(_every_entry_point().select(group=group))


class _EntryPointIndex(Protocol):
    def select(self, *, group: str) -> EntryPoints: ...


@cache
def _every_entry_point() -> _EntryPointIndex:
    """Every installed entry point, read once: a scan opens each distribution's files, and a
    run asks for three groups (kinds, sandboxes, reporters) before its first grade."""
    return entry_points()  # Python 3.11: grouped, 3.12 on: a flat list; either selects by group


PYDANTIC_GROUP = "pydantic"  # pydantic's own plugins, read by pydantic.plugin._loader


def spare_pydantic_its_scan() -> None:
    """Tell pydantic that no plugin of its own is installed when this process's scan found
    none, so that its first validator does not scan every installed distribution again
    (about as long as harness's own scan: some 10 ms of a lone grade's start).

    Pydantic reads its entry points when it builds its first validator and keeps what it
    loaded in ``pydantic.plugin._loader._plugins``: with none installed, an empty dict. That
    is all this sets, and only while pydantic has not read them yet; with any installed it
    loads them itself, as it always does. Call it before a command's first model is built.
    """
    if _group_entry_points(PYDANTIC_GROUP):
        return
    from pydantic.plugin import _loader

    if _loader._plugins is None and not _loader._loading_plugins:
        _loader._plugins = {}


def forget_entry_points() -> None:
    """Read the installed entry points again on next use (after installing a distribution)."""
    _every_entry_point.cache_clear()
    _group_entry_points.cache_clear()


@cache
def registry(short_group: str) -> Registry[Any]:
    """The registry of ``short_group`` ("kinds", "reporters", ...).

    Raises:
        UnknownPluginError: no such group; the message lists the known ones.
    """
    if short_group not in GROUPS:
        raise UnknownPluginError(f"unknown plugin group {short_group!r} (known: {', '.join(GROUPS)})")
    return Registry(GROUPS[short_group])
