from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.exports.roster import match_roster, read_roster
from harness.results import CohortResult


def test_a_roster_is_read_with_its_bom_and_lines(roster: Path) -> None:
    entries = read_roster(roster).entries
    assert [e.folder for e in entries] == ["ada", "=cmd|calc", "grace", "alan"]
    assert (entries[0].name, entries[0].lms_id, entries[0].line) == ("Lovelace, Ada", "101", 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("folder,emial\nada,a@b\n", "roster.csv:1: unknown column(s) 'emial'"),
        ("name,email\nAda,a@b\n", "roster.csv:1: no 'folder' column"),
        ("folder,email\nada,a@b\nada,c@d\n", "roster.csv:3: ada is already on line 2"),
        ("folder,name\nada,Ada\n", "roster.csv:2: ada: nothing an LMS can match on"),
        ("folder,email\n,a@b\n", "roster.csv:2: no folder name"),
        ("folder,email\nada,a@b,extra\n", "roster.csv:2: 3 cells but the header names 2 columns"),
    ],
)
def test_a_bad_roster_fails_at_its_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HarnessError) as caught:
        read_roster(path)
    assert str(caught.value).startswith(f"{path.parent}/{message}")


def test_mismatches_in_both_directions_are_listed(cohort: CohortResult, tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("folder,email\nada,a@b\nnobody,n@b\n", encoding="utf-8")
    match = match_roster(read_roster(path), cohort)
    assert [e.folder for e, _ in match.matched] == ["ada"]
    assert match.not_in_roster == ["=cmd|calc", "grace"]
    assert [e.folder for e in match.not_in_cohort] == ["nobody"]
    assert not match.complete
    assert match.mismatches() == [
        "=cmd|calc is not in the roster",
        "grace is not in the roster",
        "nobody (roster line 3) has no results",
    ]
    assert match.summary(shown=2) == "=cmd|calc is not in the roster; grace is not in the roster; and 1 more"
    side = json.loads(match.to_json())
    assert side == {
        "matched": 1,
        "not_in_cohort": [{"email": "n@b", "folder": "nobody", "line": 3}],
        "not_in_roster": ["=cmd|calc", "grace"],
    }


def test_folder_names_match_across_unicode_normalisation(cohort: CohortResult, tmp_path: Path) -> None:
    from harness.results import StudentResult

    decomposed = cohort.model_copy(
        update={"students": [StudentResult(student_id="jose\u0301", banks=[], score=0, max_score=0, questions=[])]}
    )
    path = tmp_path / "roster.csv"
    path.write_text("folder,email\njos\u00e9,j@b\n", encoding="utf-8")
    assert match_roster(read_roster(path), decomposed).complete
