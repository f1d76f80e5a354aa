"""Grades out to the learning-management systems: Canvas, Moodle and Gradescope.

Every export reads the result log through its public records (scores, maxima, status,
feedback; never the ``evidence`` of a question) and matches students to the LMS through a
roster (:mod:`harness.exports.roster`). A student the roster does not know, or a roster
entry with no results, is listed, never dropped silently. See ``docs/exports.md``.
"""

from harness.exports.roster import Roster, RosterEntry, RosterMatch, match_roster, read_roster

__all__ = ["Roster", "RosterEntry", "RosterMatch", "match_roster", "read_roster"]
