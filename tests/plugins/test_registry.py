"""The registry checks what each entry point loads and reports a bad plugin by name, without
stopping the rest of its group."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness import plugins
from harness.errors import PluginError, UnknownPluginError
from harness.plugins import GROUPS, PluginGroup, Registry, registry
from harness.reports import Reporter
from tests.plugins.distributions import BROKEN_REPORTERS, write_broken_distribution, write_distribution

BUILTIN_REPORTERS = {"csv", "html", "json"}


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``tmp_path`` on sys.path, as a folder that pip installs into; entry points re-read."""
    monkeypatch.syspath_prepend(str(tmp_path))
    plugins.forget_entry_points()
    before = set(sys.modules)
    yield tmp_path
    plugins.forget_entry_points()
    for name in set(sys.modules) - before:  # the plugins' modules, imported from tmp_path
        if getattr(sys.modules[name], "__file__", "") and str(tmp_path) in str(sys.modules[name].__file__):
            del sys.modules[name]


@pytest.fixture
def reporters(installed: Path) -> Registry[Reporter]:
    write_broken_distribution(installed)
    return Registry(GROUPS["reporters"])


REASONS = {
    "missing_attribute": "cannot import broken_plugins:MissingReporter: AttributeError",
    "missing_module": "cannot import no_such_module_anywhere:Reporter: ModuleNotFoundError: No module named 'no_such_module_anywhere'",
    "import_fails": "cannot import broken_at_import:Reporter: ModuleNotFoundError: No module named 'a_dependency_never_installed'",
    "not_a_reporter": "broken_plugins.NotAReporter is not a subclass of harness.reports.Reporter",
    "an_instance": "loads an instance of broken_plugins.NotAReporter, not a class (it must name a subclass of harness.reports.Reporter)",
    "abstract": "broken_plugins.AbstractReporter is abstract (it does not implement _write)",
    "fails_to_start": "broken_plugins.FailingReporter() failed: RuntimeError: no licence key",
}


@pytest.mark.parametrize("name", sorted(REASONS))
def test_a_broken_plugin_is_named_with_its_reason(reporters: Registry[Reporter], name: str) -> None:
    with pytest.raises(PluginError) as caught:
        reporters.get(name)
    message = str(caught.value)
    assert message.startswith(f"harness.reporters plugin {name!r} (broken-plugins 0.1) cannot be used: ")
    assert REASONS[name] in message
    assert "\n" not in message
    assert reporters.error(name) == message.split("cannot be used: ", 1)[1]


def test_the_rest_of_the_group_still_loads(reporters: Registry[Reporter]) -> None:
    for name in REASONS:  # the broken ones first: they must not spoil what follows
        with pytest.raises(PluginError):
            reporters.get(name)
    assert set(reporters.names()) == BUILTIN_REPORTERS | set(BROKEN_REPORTERS)
    for name in [*BUILTIN_REPORTERS, "fine"]:
        assert isinstance(reporters.get(name), Reporter)
        assert reporters.error(name) is None


def test_info_lists_every_plugin_with_its_source_and_state(reporters: Registry[Reporter]) -> None:
    rows = {info.name: info for info in reporters.info()}
    assert set(rows) == BUILTIN_REPORTERS | set(BROKEN_REPORTERS)
    assert (rows["fine"].distribution, rows["fine"].version, rows["fine"].error) == ("broken-plugins", "0.1", None)
    assert rows["csv"].distribution == "genai-harness" and rows["csv"].error is None
    assert {name for name, info in rows.items() if info.error} == set(REASONS)
    assert REASONS["abstract"] in (rows["abstract"].error or "")


def test_a_broken_plugin_is_still_an_unknown_plugin_to_old_handlers(reporters: Registry[Reporter]) -> None:
    with pytest.raises(UnknownPluginError):
        reporters.get("not_a_reporter")


def test_an_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(UnknownPluginError, match=r"unknown harness.reporters plugin 'pdf' \(known: csv, html, json"):
        Registry(GROUPS["reporters"]).get("pdf")
    with pytest.raises(UnknownPluginError, match="known: kinds, reporters"):
        registry("widgets")


def test_a_name_declared_by_two_distributions_is_refused(installed: Path) -> None:
    module = "from harness.reports.csv_gradebook import CsvReporter as Shadow\n"
    write_distribution(
        installed, "shadowing-csv", {"harness.reporters": {"csv": "shadow:Shadow"}}, {"shadow.py": module}
    )
    with pytest.raises(PluginError, match=r"'csv' is declared again by .*; uninstall one of them"):
        Registry(GROUPS["reporters"]).get("csv")


def test_in_process_plugins_are_checked_too() -> None:
    widgets: Registry[Any] = Registry(PluginGroup("harness.test-widgets", "harness.reports:Reporter"))
    widgets.register("text", str)
    with pytest.raises(PluginError, match=r"'text' \(in-process\) cannot be used: builtins.str is not a subclass"):
        widgets.get("text")
    widgets.unregister("text")
    assert widgets.names() == []


def test_every_builtin_loads_the_base_of_its_group() -> None:
    for short, group in GROUPS.items():
        base = group.base_class()
        for name in registry(short).names():
            assert isinstance(registry(short).get(name), base), (short, name)


def test_declaring_a_group_imports_nothing() -> None:
    group = PluginGroup("harness.test-widgets", "no_such_module:Base")
    assert Registry(group).names() == []
    with pytest.raises(ModuleNotFoundError):
        group.base_class()


def test_a_bank_naming_a_broken_kind_says_why_at_its_line(installed: Path) -> None:
    from harness import api
    from harness.errors import BankErrors

    module = "raise ImportError('needs the spacy model en_core_web_sm')\n"
    write_distribution(
        installed, "broken-kind", {"harness.kinds": {"parsed": "parsed_kind:Kind"}}, {"parsed_kind.py": module}
    )
    bank = installed / "bank.yaml"
    bank.write_text('id: b\ntitle: B\nversion: "1"\nquestions:\n  - id: q\n    kind: parsed\n    prompt: Why?\n')
    with pytest.raises(BankErrors) as caught:
        api.load([bank])
    assert str(caught.value) == (
        f"{bank}:6:11: harness.kinds plugin 'parsed' (broken-kind 0.1) cannot be used: "
        "cannot import parsed_kind:Kind: ImportError: needs the spacy model en_core_web_sm"
    )
