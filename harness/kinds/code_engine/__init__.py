"""The engine of the ``code`` kind, one job per module.

- ``runner``: :class:`CodeRunner`, the run scope the kind opens (warm sandbox pools, the
  student's and the reference's jobs, tiny-model folders);
- ``grouping``: a student's questions that share a file, run as one job, and its report split;
- ``reference_cache``: the reference's reports, cached in memory and on disk;
- ``channel`` and ``values``: the wire protocol from the sandbox stub, and its value codec (and the
  checks of a test's arguments when a bank is loaded);
- ``module_names``: the names a reference defines, read without running it (a test's ``call``
  is checked against them when a bank is loaded);
- ``judge``: the verdict on one test; ``sample_tests``: the statistical comparison of draws;
- ``sequential``: when a statistical test stops (its looks, levels and futility bounds), with
  the boundaries of ``group_sequential`` (numerical integration of the canonical process);
- ``feedback``: what a student reads and what the result records of each test;
- ``solution_check``: proving reference and known-wrong solutions right and wrong (``harness
  validate --solutions``).
"""
