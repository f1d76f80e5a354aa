"""The exports against the documented formats (docs/exports.md cites them)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from harness.cli import main
from harness.exports.canvas import canvas_csv
from harness.exports.moodle import moodle_csv, split_name
from harness.exports.roster import match_roster, read_roster
from harness.results import CohortResult, dump_json


def rows(text: str) -> list[list[str]]:
    table = list(csv.reader(io.StringIO(text, newline="")))
    assert text.count("\r\n") == len(table)  # RFC 4180 record ends (a newline inside a quoted cell is data)
    return table


def test_canvas_total_has_the_documented_columns_and_points_row(cohort: CohortResult, roster: Path) -> None:
    match = match_roster(read_roster(roster), cohort)
    table = rows(canvas_csv(cohort, match, "Unit quiz", "4711"))
    # Canvas's gradebook export: five identity columns, then "Assignment name (id)".
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Unit quiz (4711)"]
    assert table[1] == ["    Points Possible", "", "", "", "", "5"]
    assert table[2] == ["Lovelace, Ada", "101", "S1", "ada1", "A", "3.5"]
    assert table[4] == ["Hopper, Grace", "103", "S3", "grace3", "A", "1"]
    assert len(table) == 5  # alan has no results: listed, not exported


def test_canvas_per_question_leaves_a_missing_result_empty(cohort: CohortResult, roster: Path) -> None:
    match = match_roster(read_roster(roster), cohort)
    table = rows(canvas_csv(cohort, match, "Unit quiz", "4711", per_question=True))
    assert table[0][5:] == ["Unit quiz: q1", "Unit quiz: q2"]  # no id: Canvas creates these assignments
    assert table[1][5:] == ["2", "3"]
    assert table[4][5:] == ["1", ""]


def test_cells_a_spreadsheet_would_run_are_defused(cohort: CohortResult, roster: Path) -> None:
    match = match_roster(read_roster(roster), cohort)
    canvas = rows(canvas_csv(cohort, match, "=HYPERLINK(x)"))
    assert canvas[0][5] == "'=HYPERLINK(x)"
    assert canvas[3][0] == "'@Mallory"
    moodle = rows(moodle_csv(cohort, match, "Quiz", per_question=True))
    assert moodle[2][3] == "'+mal@uni.edu"
    assert moodle[2][5] == "'-1 is not it"


def test_moodle_has_user_columns_and_a_feedback_column_per_item(cohort: CohortResult, roster: Path) -> None:
    match = match_roster(read_roster(roster), cohort)
    table = rows(moodle_csv(cohort, match, "Quiz", per_question=True))
    # Moodle's export layout: "NAME (Real)" and "NAME (Feedback)" (gradeexportcolumntype).
    assert table[0] == [
        "First name", "Last name", "ID number", "Email address",
        "Quiz: q1 (Real)", "Quiz: q1 (Feedback)", "Quiz: q2 (Real)", "Quiz: q2 (Feedback)",
    ]  # fmt: skip
    # q2's result is not released: its score goes to the gradebook, its feedback does not.
    assert table[1] == ["Ada", "Lovelace", "S1", "ada@uni.edu", "2", "right", "1.5", ""]


def test_moodle_total_feedback_names_each_released_question(cohort: CohortResult, roster: Path) -> None:
    match = match_roster(read_roster(roster), cohort)
    table = rows(moodle_csv(cohort, match, "Quiz"))
    assert table[0][4:] == ["Quiz (Real)", "Quiz (Feedback)"]
    assert table[1][4:] == ["3.5", "q1: 2/2; right"]


def test_a_folder_with_a_semicolon_stays_one_cell_in_a_semicolon_locale(cohort: CohortResult, tmp_path: Path) -> None:
    # With no name in the roster, Canvas's first column is the folder a student chose; Excel in
    # a ";" locale would split an unquoted `a;=cmd...` into a cell that starts with "=".
    folder = "a;=cmd|' /C calc'!A0"
    evil = cohort.students[0].model_copy(update={"student_id": folder})
    cohort = cohort.model_copy(update={"students": [evil]})
    roster = tmp_path / "roster.csv"
    roster.write_text(f'folder,lms_id\n"{folder}",101\n', encoding="utf-8")
    text = canvas_csv(cohort, match_roster(read_roster(roster), cohort), "Quiz")
    cells = [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for cell in row]
    assert not [c for c in cells if c.startswith("=")]
    assert rows(text)[2][:2] == [folder, "101"]


def test_names_split_as_canvas_and_people_write_them() -> None:
    assert split_name("Lovelace, Ada") == ("Ada", "Lovelace")
    assert split_name("Ada King Lovelace") == ("Ada King", "Lovelace")
    assert split_name("Plato") == ("Plato", "")


def test_cli_writes_the_export_and_lists_mismatches(cohort: CohortResult, roster: Path, tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    results.write_text(dump_json(cohort), encoding="utf-8")
    out = tmp_path / "out" / "canvas.csv"
    args = ["export", "canvas", "--results", str(results), "--roster", str(roster), "-o", str(out)]
    run = CliRunner().invoke(main, [*args, "--assignment-id", "9"])
    assert run.exit_code == 1, run.output  # alan is on the roster but has no results
    assert run.stderr.startswith("error: 1 roster mismatch(es), not exported: alan (roster line 5) has no results")
    assert len(run.stderr.splitlines()) == 1
    assert rows(out.read_bytes().decode("utf-8"))[0][5] == "Unit quiz (9)"
    side = json.loads((tmp_path / "out" / "canvas.roster-mismatches.json").read_text(encoding="utf-8"))
    assert side["not_in_cohort"][0]["folder"] == "alan" and side["not_in_roster"] == []


def test_cli_exits_0_when_roster_and_results_agree(cohort: CohortResult, tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    results.write_text(dump_json(cohort), encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("folder,email\nada,a@b\n=cmd|calc,m@b\ngrace,g@b\n", encoding="utf-8")
    out = tmp_path / "moodle.csv"
    args = ["export", "moodle", "--results", str(results), "--roster", str(roster), "-o", str(out)]
    run = CliRunner().invoke(main, args)
    assert run.exit_code == 0, run.output
    assert rows(out.read_bytes().decode("utf-8"))[0][4] == "Unit quiz (Real)"
