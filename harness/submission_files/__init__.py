"""Reading the files in a student's submission folder: one safe way for every kind.

- :mod:`~harness.submission_files.safe_open`: a path inside the folder with no link on the
  way, a regular file under a size cap, or a clear one-line error.
- :mod:`~harness.submission_files.notebooks`: a Jupyter notebook's code cells as one module.
- :mod:`~harness.submission_files.source`: a program (``.py`` or ``.ipynb``) as Python source.

Outputs files (JSONL) are opened here too, then parsed by :mod:`harness.suites.outputs`; a
student's ``answers.yaml`` is read by :mod:`harness.answers_file`. Every error is an
:class:`~harness.errors.AnswerError`, so the answer is recorded as invalid and the run goes on.
"""

from harness.submission_files.notebooks import notebook_source
from harness.submission_files.safe_open import (
    SubmissionFileError,
    path_in_submission,
    read_submitted_bytes,
)
from harness.submission_files.source import MAX_SOURCE_BYTES, program_source, read_source

__all__ = [
    "MAX_SOURCE_BYTES",
    "SubmissionFileError",
    "notebook_source",
    "path_in_submission",
    "program_source",
    "read_source",
    "read_submitted_bytes",
]
