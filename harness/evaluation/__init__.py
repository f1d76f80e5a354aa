"""Evaluating a model with a metric suite (``harness eval``): the CI gate.

The stages, one module each:

- ``task``: a suite's ``task:`` section (prompt template, few-shot examples, generation
  parameters, samples per item) and the requests it renders, in a sandboxed Jinja2 environment;
- ``cache``: every model call kept in SQLite, so a rerun makes no call and a killed run resumes;
- ``runner``: requests -> cache -> model adapter (:mod:`harness.models`) -> outputs, with progress;
- ``progress``: a live line on a terminal, one quiet line per stage in CI logs;
- ``baseline``: paired bootstrap against a previous run, Holm-corrected over the metrics;
- ``gate``: score, compare and decide pass/fail, shared with ``harness score``;
- ``result``: the typed, versioned record (``harness schema --result`` publishes its schema);
- ``pipeline``: generate, write the outputs JSONL, score, check, compare, gate;
- ``gate_report``: what a CI report says, built from an eval result or a ``harness score`` result;
- ``junit``, ``markdown``, ``html``: reports rendered from a gate report alone, written by
  ``reports`` for both commands.

Nothing heavy is imported here: a model's libraries come with its adapter.
"""
