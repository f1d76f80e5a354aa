"""A lone command's start-up: what it skips must stay skipped, and give the same answers.

The cyclic garbage collector pauses while a fresh ``harness`` process imports (the objects
imports make live until exit), then runs as usual; installed versions are read from the
metadata's header alone, and the installed entry points are scanned once per process.
"""

from __future__ import annotations

import gc
import importlib.metadata
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from harness import plugins
from harness.cli import _collector_paused
from harness.versions import _header_version, installed_version

REPO_ROOT = Path(__file__).resolve().parents[1]


def _fresh_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_fresh_process_imports_the_api_without_collecting_then_collects_again() -> None:
    out = _fresh_python(
        """
        import gc
        from harness.cli import _collector_paused
        with _collector_paused() as imports_done:
            before = sum(s["collections"] for s in gc.get_stats())
            from harness import api
            after = sum(s["collections"] for s in gc.get_stats())
            enabled_while_importing = gc.isenabled()
            imports_done()
            print(after - before, enabled_while_importing, gc.isenabled(), gc.get_freeze_count() > 10_000)
        print(gc.isenabled())
        """
    )
    assert out.split() == ["0", "False", "True", "True", "True"]


def test_the_collector_runs_again_when_the_body_fails_before_its_imports_are_done() -> None:
    out = _fresh_python(
        """
        import gc
        from harness.cli import _collector_paused
        try:
            with _collector_paused():
                raise ValueError("a bank could not be read")
        except ValueError:
            pass
        print(gc.isenabled())
        """
    )
    assert out == "True"


def test_a_second_command_in_the_same_process_leaves_the_collector_alone() -> None:
    import harness.api  # noqa: F401  (imported: nothing left to pause for)

    frozen = gc.get_freeze_count()
    with _collector_paused() as imports_done:
        assert gc.isenabled()
        imports_done()
    assert gc.get_freeze_count() == frozen  # a test process's objects are not pinned


@pytest.mark.parametrize("name", ["numpy", "pydantic", "pyyaml", "click", "jinja2"])
def test_installed_version_is_the_metadata_version(name: str) -> None:
    assert installed_version(name) == importlib.metadata.version(name)


def test_a_distribution_that_is_not_installed_has_no_version() -> None:
    assert installed_version("surely-no-such-distribution-here") is None


def test_the_version_is_read_from_the_header_only() -> None:
    text = "Metadata-Version: 2.1\nName: x\nSummary: a\n  Version: 9 (a folded line)\nversion:  1.2.3 \n\nVersion: 4\n"
    assert _header_version(text) == "1.2.3"
    assert _header_version("Name: x\n\nVersion: 4\n") is None  # in the body: not a field


def test_every_group_gets_the_entry_points_a_scan_of_its_own_would() -> None:
    for group in ("harness.kinds", "harness.reporters", "harness.sandboxes", "console_scripts", "pydantic"):
        assert plugins._group_entry_points(group) == tuple(importlib.metadata.entry_points(group=group))


def test_a_grade_imports_no_code_it_does_not_run_and_builds_no_model_it_does_not_use() -> None:
    """What a lone grade's imports skip (docs/architecture.md, "Where a lone grade's time goes"):
    the comparison code behind the similarity records, the checks' machinery behind their
    findings, and the validators of record models nothing has used yet."""
    out = _fresh_python(
        """
        import sys
        import harness.cli
        from harness import api
        from harness.results import CohortResult, Problem
        skipped = [m for m in ("harness.similarity.pairs", "harness.checks.base", "jinja2") if m in sys.modules]
        built_before = CohortResult.__pydantic_complete__, Problem.__pydantic_complete__
        Problem(code="no-answers", message="m")
        print(skipped, built_before, Problem.__pydantic_complete__)
        """
    )
    assert out == "[] (False, False) True"


def test_the_lazy_packages_still_export_their_names() -> None:
    from harness import checks, similarity
    from harness.checks.base import Check
    from harness.similarity.pairs import compare_documents

    assert checks.Check is Check and similarity.compare_documents is compare_documents
    assert all(getattr(checks, name) is not None for name in checks.__all__)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        similarity.nothing  # noqa: B018
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        checks.nothing  # noqa: B018


def test_a_quiz_self_check_imports_neither_the_sandbox_nor_the_store_nor_the_reports(tmp_path: Path) -> None:
    """A student's ``harness check`` of a quiz bank: no code question, so no sandbox module (no
    head start was ever kept for these banks), no result store, no report rendering."""
    answers = REPO_ROOT / "submissions" / "sample-cohort" / "s01-ada-lovelace" / "answers.yaml"
    out = _fresh_python(
        f"""
        import os, sys
        os.environ["HARNESS_CACHE"] = {str(tmp_path)!r}
        from harness.cli import main
        try:
            main(["check", "question_bank/probability.yaml", "-a", {str(answers)!r}], prog_name="harness")
        except SystemExit as exc:
            assert exc.code in (0, 1, None), exc.code
        heavy = ("harness.sandbox.base", "harness.store", "harness.reports.output", "jinja2", "numpy")
        print("imported:", [m for m in heavy if m in sys.modules])
        """
    )
    assert out.splitlines()[-1] == "imported: []"
    assert "total:" in out  # it did check the answers


def test_models_built_on_first_use_validate_alike_from_many_threads_at_once() -> None:
    """A cohort's grading threads may each be the first to use a record model: the validator is
    built once under pydantic's rebuild lock and every thread gets the model's own."""
    out = _fresh_python(
        """
        import threading
        from harness.results import Problem, QuestionResult
        from harness.evidence import UngradedEvidence
        start, made, errors = threading.Barrier(8), [], []

        def first_use() -> None:
            start.wait()
            try:
                made.append(Problem(code="no-answers", message="m"))
                QuestionResult.model_fields  # noqa: B018  (collected at import, built or not)
                made.append(UngradedEvidence())
            except Exception as exc:
                errors.append(repr(exc))

        assert not Problem.__pydantic_complete__
        threads = [threading.Thread(target=first_use) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(len(made), errors, {p.message for p in made if isinstance(p, Problem)})
        """
    )
    assert out == "16 [] {'m'}"


def test_an_html_report_without_checks_or_similar_pairs_imports_neither_view(tmp_path: Path) -> None:
    """The views of generation checks and of similar pairs are imported for a cohort that has
    them (tests/reports/test_html.py and test_similarity_section.py render those)."""
    out = _fresh_python(
        f"""
        import os, sys
        os.environ["HARNESS_CACHE"] = {str(tmp_path / "cache")!r}
        from harness import api
        api.grade(["question_bank/probability.yaml"], "submissions/sample-cohort", {str(tmp_path / "out")!r}, ["html"])
        views = ("harness.reports.check_views", "harness.reports.similarity_views")
        print("harness.reports.html" in sys.modules, [m for m in views if m in sys.modules])
        """
    )
    assert out.splitlines()[-1] == "True []"
    assert (tmp_path / "out" / "index.html").is_file()


def test_pydantic_is_told_it_has_no_plugins_without_a_scan_of_its_own() -> None:
    """This environment installs no pydantic plugin: after harness's own scan, pydantic's first
    validator must not scan the distributions again (its scan here would fail loudly)."""
    out = _fresh_python(
        """
        from pydantic.plugin import _loader

        def scanned_again(**kwargs):
            raise AssertionError("pydantic scanned the entry points again")

        _loader.entry_points = scanned_again
        from harness.plugins import spare_pydantic_its_scan
        spare_pydantic_its_scan()
        from harness.results import Problem
        Problem(code="no-answers", message="m")
        print(_loader._plugins, list(_loader.get_plugins()))
        """
    )
    assert out == "{} []"


def test_pydantic_loads_its_plugins_itself_when_one_is_installed() -> None:
    out = _fresh_python(
        """
        from importlib.metadata import EntryPoint
        from harness import plugins
        from pydantic.plugin import _loader

        plugin = EntryPoint(name="p", value="json:dumps", group="pydantic")
        plugins._group_entry_points = lambda group: (plugin,) if group == "pydantic" else ()
        plugins.spare_pydantic_its_scan()
        print(_loader._plugins)
        """
    )
    assert out == "None"  # left for pydantic's own loader, which reads and loads it


def test_loading_a_code_bank_without_statistical_tests_imports_no_numpy(tmp_path: Path) -> None:
    """An unchanged cohort's re-grade loads the banks and reads the store: numpy (a tenth of
    a second) is for running and judging code, and for statistical tests' plans."""
    (tmp_path / "reference.py").write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    (tmp_path / "bank.yaml").write_text(
        "id: b\ntitle: T\nversion: 1\nquestions:\n"
        "  - {id: q, kind: code, prompt: P, file: add.py, reference: reference.py,\n"
        "     tests: [{id: t, call: add, args: [1, 2]}]}\n",
        encoding="utf-8",
    )
    out = _fresh_python(
        f"""
        import sys
        from harness import api
        [bank] = api.load([{str(tmp_path / "bank.yaml")!r}])
        print("questions:", len(bank.questions), "numpy:", "numpy" in sys.modules)
        """
    )
    assert out.splitlines()[-1] == "questions: 1 numpy: False"
