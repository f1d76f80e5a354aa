"""Exceptions that carry a user-facing message and an exit code.

The CLI prints ``str(error)`` as one line (``file:line:col: what is wrong``) and exits with
``error.exit_code``; nobody sees a traceback for a mistake in their input. Exit codes: 0
success, 1 a verdict that failed (:class:`CheckFailed`), 2 bad input or setup (every other
error).
"""

from __future__ import annotations


class HarnessError(Exception):
    """An error the user can fix (bad input or setup). ``str()`` is the one line to show."""

    exit_code = 2

    def __init__(self, message: str, location: str | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class CheckFailed(HarnessError):
    """Not a mistake in the input but a verdict: a threshold missed, a check that did not hold."""

    exit_code = 1


class BankError(HarnessError):
    """A question bank is invalid. One error per problem; see :class:`BankErrors`."""

    exit_code = 2


class BankErrors(HarnessError):
    """Several bank errors found in one pass, so the author can fix them all at once."""

    exit_code = 2

    def __init__(self, errors: list[BankError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class AnswerError(HarnessError):
    """A student's answer has the wrong type or shape. Recorded as status `invalid`."""


class UnknownPluginError(HarnessError):
    """A name that no installed plugin answers to."""

    exit_code = 2


class PluginError(UnknownPluginError):
    """An installed plugin that cannot be used: its module fails to import, it loads the wrong
    type, or it cannot be built. The message names it (entry point, distribution) and says why.
    A subclass of :class:`UnknownPluginError`, so whoever reports an unusable name reports it too.
    """


class SubmissionError(HarnessError):
    """A cohort or archive cannot be read at all (a single bad student is recorded instead)."""

    exit_code = 2


class YamlError(HarnessError):
    """A YAML file cannot be read as plain data: a syntax error, an unsafe tag, a duplicate
    key, an alias bomb, nesting too deep, too large, not UTF-8. ``location`` is its
    ``file:line:col`` (or just the file when no position applies).

    Readers of a particular kind of file (banks, suites, answers) turn it into their own
    located error; the message and location carry over unchanged.
    """

    exit_code = 2
