"""Installing a plugin distribution by hand into a test's folder: a ``*.dist-info`` with its
entry points beside the plugin's modules, just what ``pip install --target`` leaves behind."""

from __future__ import annotations

import textwrap
from pathlib import Path


def write_distribution(
    folder: Path, name: str, entry_points: dict[str, dict[str, str]], modules: dict[str, str]
) -> Path:
    """Write distribution ``name`` 0.1 into ``folder``: ``entry_points`` is group -> name ->
    ``module:attribute``, ``modules`` is file name -> source. Returns ``folder``."""
    info = folder / f"{name.replace('-', '_')}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n", encoding="utf-8")
    sections = [
        f"[{group}]\n" + "".join(f"{ep} = {target}\n" for ep, target in eps.items())
        for group, eps in entry_points.items()
    ]
    (info / "entry_points.txt").write_text("\n".join(sections), encoding="utf-8")
    for file, source in modules.items():
        (folder / file).write_text(textwrap.dedent(source), encoding="utf-8")
    return folder


# Reporters that cannot be used, each for a different reason, and one that works.
BROKEN_REPORTERS = {
    "missing_attribute": "broken_plugins:MissingReporter",
    "not_a_reporter": "broken_plugins:NotAReporter",
    "an_instance": "broken_plugins:AN_INSTANCE",
    "abstract": "broken_plugins:AbstractReporter",
    "fails_to_start": "broken_plugins:FailingReporter",
    "missing_module": "no_such_module_anywhere:Reporter",
    "import_fails": "broken_at_import:Reporter",
    "fine": "broken_plugins:FineReporter",
}
BROKEN_MODULE = """
    from pathlib import Path

    from harness.reports import Reporter


    class NotAReporter:
        name = "not_a_reporter"


    AN_INSTANCE = NotAReporter()


    class AbstractReporter(Reporter):
        name = "abstract"


    class FailingReporter(Reporter):
        name = "fails_to_start"

        def __init__(self) -> None:
            raise RuntimeError("no licence key\\nsecond line never shown")

        def _write(self, cohort, out_dir):
            raise AssertionError


    class FineReporter(Reporter):
        name = "fine"

        def _write(self, cohort, out_dir: Path) -> Path:
            path = out_dir / "fine.txt"
            path.write_text(str(len(cohort.students)))
            return path
"""


def write_broken_distribution(folder: Path) -> Path:
    """``broken-plugins``: reporters broken in every way a plugin can be, and one fine one."""
    return write_distribution(
        folder,
        "broken-plugins",
        {"harness.reporters": BROKEN_REPORTERS},
        {"broken_plugins.py": BROKEN_MODULE, "broken_at_import.py": "import a_dependency_never_installed\n"},
    )
