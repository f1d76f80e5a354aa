"""Metric suites: a data set, the metrics that score outputs against it, thresholds and points.

The stages, one module each:

- ``model``: the pydantic models of a suite file (``metric_suites/*.yaml``; docs/metric-suites.md);
- ``loader``: YAML with positions -> :class:`~harness.suites.model.Suite` -> metric plugins and
  data set, every problem at ``file:line:col``;
- ``dataset`` and ``jsonl``: the JSONL data set of a text suite;
- ``images``: the real image set of an image suite (procedural art drawn into a cache) and
  checks on submitted image folders;
- ``outputs``: a system's JSONL outputs file, every mistake located;
- ``scoring``: scoring one system, and comparing two by paired bootstrap;
- ``result``: the typed, versioned record that ``harness score --json`` writes.

Only the metrics a suite names are imported, so scoring a text suite never imports torch.
"""

from harness.suites.errors import OutputsError, SuiteError, SuiteErrors
from harness.suites.loader import LoadedSuite, SuiteMetric, load_suite
from harness.suites.result import MetricComparison, MetricScore, SuiteScore
from harness.suites.scoring import ScoreSettings, SystemOutputs, compare_systems, read_system, score_system

__all__ = [
    "LoadedSuite",
    "MetricComparison",
    "MetricScore",
    "OutputsError",
    "ScoreSettings",
    "SuiteError",
    "SuiteErrors",
    "SuiteMetric",
    "SuiteScore",
    "SystemOutputs",
    "compare_systems",
    "load_suite",
    "read_system",
    "score_system",
]
