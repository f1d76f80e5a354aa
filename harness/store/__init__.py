"""The result store: graded (student, question) pairs kept by content, for resumes and regrades.

See :mod:`harness.store.sqlite` (the file), :mod:`harness.store.keys` (what decides a grade)
and :mod:`harness.store.ledger` (grading a cohort through it).
"""

from harness.store.ledger import Regrade, StoreLedger
from harness.store.sqlite import STORE_FOLDER, ResultStore, open_store, store_path

__all__ = ["STORE_FOLDER", "Regrade", "ResultStore", "StoreLedger", "open_store", "store_path"]
