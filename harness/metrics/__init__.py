"""Metrics for generated outputs, each a plugin in the ``harness.metrics`` entry-point group.

:mod:`harness.metrics.base` holds the contract (:class:`~harness.metrics.base.Metric` and the
shapes to fill in); each metric is one small module registered in ``pyproject.toml``. Get one
through the registry, which lists the known names when a name is unknown::

    from harness.plugins import registry

    bleu = registry("metrics").get("bleu").with_options(tokenize="intl")
    result = bleu.score(hypotheses, references, seed=0)
    print(result.score, result.ci_low, result.ci_high, result.signature)

Nothing heavy is imported here: torch and transformers come only with the metrics that need
them, when they compute.
"""
