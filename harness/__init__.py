"""genai-harness: assessment and evaluation for a Generative-AI course.

The Python API lives in :mod:`harness.api`; the ``harness`` command is a thin layer over it.
"""

__version__ = "0.1.0"
