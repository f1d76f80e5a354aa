"""Collecting a cohort: student folders, hostile answers files and hostile zip exports.

Every zip here is built in ``tmp_path`` with :mod:`zipfile`; the attacks are real archives run
through the real extractor, and each test asserts on the file system, not only on the
recorded problems.
"""

from __future__ import annotations

import io
import json
import os
import re
import struct
import subprocess
import sys
import time
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest

from harness.errors import SubmissionError
from harness.results import Problem
from harness.submissions import (
    MAX_ANSWERS_BYTES,
    ZipLimits,
    collect_cohort,
    extract_zip,
    read_submission,
)

SMALL = ZipLimits(max_members=50, max_file_bytes=10_000, max_total_bytes=100_000)


def write_student(root: Path, student: str, text: str = "q1: 0.3\n", name: str = "answers.yaml") -> Path:
    folder = root / student
    folder.mkdir(parents=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def make_zip(path: Path, members: Mapping[str, bytes | str], compression: int = zipfile.ZIP_STORED) -> Path:
    """A zip whose member names are written exactly as given (no normalisation by zipfile)."""
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return path


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink()}


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


# --- cohort folders -------------------------------------------------------------------------


def test_cohort_folder_students_come_out_sorted_with_their_answers(tmp_path: Path) -> None:
    for student in ["zoe", "alice", "Mika", "bob"]:
        write_student(tmp_path / "cohort", student, f"q1: {student}\n")

    cohort = collect_cohort(tmp_path / "cohort")

    assert cohort.name == "cohort"
    assert [s.student_id for s in cohort.submissions] == ["Mika", "alice", "bob", "zoe"]
    assert [s.answers for s in cohort.submissions] == [{"q1": n} for n in ["Mika", "alice", "bob", "zoe"]]
    assert all(s.problems == [] for s in cohort.submissions)
    assert cohort.problems == []


def test_hidden_and_macosx_folders_and_stray_files_are_not_students(tmp_path: Path) -> None:
    root = tmp_path / "cohort"
    write_student(root, "alice")
    write_student(root, ".git")
    write_student(root, "__MACOSX")
    (root / "README.txt").write_text("not a student", encoding="utf-8")

    cohort = collect_cohort(root)

    assert [s.student_id for s in cohort.submissions] == ["alice"]


def test_symlinked_student_folder_is_skipped_and_recorded(tmp_path: Path) -> None:
    root = tmp_path / "cohort"
    write_student(root, "alice")
    elsewhere = write_student(tmp_path / "outside", "mallory", "q1: stolen\n")
    (root / "mallory").symlink_to(elsewhere, target_is_directory=True)

    cohort = collect_cohort(root)

    assert [s.student_id for s in cohort.submissions] == ["alice"]
    assert codes(cohort.problems) == ["skipped-link"]
    assert cohort.problems[0].location == "cohort/mallory"  # relative: no machine paths in results


def test_student_folder_without_answers_is_recorded_as_no_answers(tmp_path: Path) -> None:
    folder = tmp_path / "alice"
    folder.mkdir()
    (folder / "notes.txt").write_text("q1: 0.3\n", encoding="utf-8")

    submission = read_submission(folder)

    assert submission.student_id == "alice"
    assert submission.answers == {}
    assert codes(submission.problems) == ["no-answers"]
    assert submission.problems[0].location == str(folder)


def test_answers_yml_spelling_is_accepted(tmp_path: Path) -> None:
    folder = write_student(tmp_path, "alice", "q1: 0.3\n", name="answers.yml")

    assert read_submission(folder).answers == {"q1": 0.3}


def test_malformed_yaml_is_recorded_with_file_line_column(tmp_path: Path) -> None:
    folder = write_student(tmp_path, "alice", "q1: 0.3\nq2: [a, b\nq3: 1\n")

    submission = read_submission(folder)

    assert submission.answers == {}
    assert codes(submission.problems) == ["answers-unreadable"]
    location = submission.problems[0].location
    assert location is not None
    file, line, col = location.rsplit(":", 2)
    assert file == str(folder / "answers.yaml")
    assert int(line) >= 2 and int(col) >= 1  # the error is past the first, valid line


def test_top_level_list_is_not_an_answers_mapping(tmp_path: Path) -> None:
    folder = write_student(tmp_path, "alice", "- q1\n- 0.3\n")

    submission = read_submission(folder)

    assert submission.answers == {}
    assert codes(submission.problems) == ["answers-unreadable"]
    assert submission.problems[0].location == f"{folder / 'answers.yaml'}:1:1"
    assert "mapping" in submission.problems[0].message


def test_empty_answers_file_is_no_answers_given_not_a_problem(tmp_path: Path) -> None:
    folder = write_student(tmp_path, "alice", "")

    submission = read_submission(folder)

    assert submission.answers == {}
    assert submission.problems == []


def test_answer_positions_point_into_the_answers_file(tmp_path: Path) -> None:
    folder = write_student(tmp_path, "alice", "q1: 0.3\nq2:\n  - a\n  - b\n")

    submission = read_submission(folder)

    assert submission.answers == {"q1": 0.3, "q2": ["a", "b"]}
    assert submission.answer_location("q2") == f"{folder / 'answers.yaml'}:3:3"
    assert submission.answer_location("nosuch") == f"{folder / 'answers.yaml'}:1:1"


def test_oversized_answers_file_is_not_parsed(tmp_path: Path) -> None:
    folder = tmp_path / "alice"
    folder.mkdir()
    line = "q: " + "x" * 96 + "\n"  # 100 bytes; a duplicate key, so a parse would fail differently
    (folder / "answers.yaml").write_text(line * (MAX_ANSWERS_BYTES // 100 + 1), encoding="utf-8")

    submission = read_submission(folder)

    assert submission.answers == {}
    assert codes(submission.problems) == ["answers-unreadable"]
    assert "larger than" in submission.problems[0].message


def test_answers_file_symlinked_to_etc_passwd_is_not_read(tmp_path: Path) -> None:
    if not Path("/etc/passwd").is_file():
        pytest.skip("needs /etc/passwd")
    folder = tmp_path / "mallory"
    folder.mkdir()
    (folder / "answers.yaml").symlink_to("/etc/passwd")

    submission = read_submission(folder)

    assert submission.answers == {}
    assert codes(submission.problems) == ["answers-unreadable"]
    assert "root" not in submission.problems[0].message
    assert submission.positions is None


# --- zip exports ----------------------------------------------------------------------------


def test_zip_export_without_wrapper_folder(tmp_path: Path) -> None:
    archive = make_zip(
        tmp_path / "week3.zip",
        {"bob/answers.yaml": "q1: 2\n", "alice/answers.yaml": "q1: 1\n", "__MACOSX/alice/._x": "junk"},
    )

    cohort = collect_cohort(archive, tmp_path / "work")

    assert cohort.name == "week3"
    assert [(s.student_id, s.answers) for s in cohort.submissions] == [("alice", {"q1": 1}), ("bob", {"q1": 2})]
    assert cohort.problems == []


def test_zip_export_with_a_single_wrapper_folder_is_stepped_into(tmp_path: Path) -> None:
    archive = make_zip(
        tmp_path / "export.zip",
        {
            "Week 3 - Quiz/": b"",
            "Week 3 - Quiz/alice/answers.yaml": "q1: 1\n",
            "Week 3 - Quiz/bob/answers.yaml": "q1: 2\n",
        },
    )

    cohort = collect_cohort(archive, tmp_path / "work")

    assert [(s.student_id, s.answers) for s in cohort.submissions] == [("alice", {"q1": 1}), ("bob", {"q1": 2})]


def test_zip_with_one_student_is_not_mistaken_for_a_wrapper(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "one.zip", {"alice/answers.yaml": "q1: 1\n"})

    cohort = collect_cohort(archive, tmp_path / "work")

    assert [(s.student_id, s.answers) for s in cohort.submissions] == [("alice", {"q1": 1})]


def test_zip_cohort_needs_a_work_folder(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "c.zip", {"alice/answers.yaml": "q1: 1\n"})

    with pytest.raises(SubmissionError, match="work folder"):
        collect_cohort(archive)


@pytest.mark.parametrize(
    "name",
    ["../evil.txt", "/abs.txt", "a/../../x.txt", "C:\\x.txt", "C:/x.txt", "..\\x.txt", "alice\\..\\..\\y.txt"],
)
def test_path_traversal_entry_is_skipped_and_nothing_leaves_the_destination(tmp_path: Path, name: str) -> None:
    sandbox = tmp_path / "sandbox"  # dest lives two levels down, so "../.." still lands in here
    dest = sandbox / "work" / "dest"
    archive = make_zip(tmp_path / "evil.zip", {name: "pwned", "alice/answers.yaml": "q1: 1\n"})
    with zipfile.ZipFile(archive) as zf:
        assert zf.namelist()[0] == name  # zipfile kept the hostile name as written
    problems: list[Problem] = []

    root = extract_zip(archive, dest, problems, SMALL)

    assert root == dest
    assert files_under(sandbox) == {"work/dest/alice/answers.yaml"}
    assert not Path("/abs.txt").exists()
    assert files_under(tmp_path) == {"evil.zip", "sandbox/work/dest/alice/answers.yaml"}
    assert codes(problems) == ["zip-unsafe-entry"]
    assert problems[0].location == f"evil.zip!{name}"


def test_symlink_entry_is_skipped_and_no_link_is_created(tmp_path: Path) -> None:
    info = zipfile.ZipInfo("alice/answers.yaml")
    info.external_attr = 0o120777 << 16  # S_IFLNK: the member's data is the link target
    archive = tmp_path / "links.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(info, "/etc/passwd")
        zf.writestr("bob/answers.yaml", "q1: 2\n")
    problems: list[Problem] = []

    dest = tmp_path / "dest"
    extract_zip(archive, dest, problems, SMALL)

    assert files_under(dest) == {"bob/answers.yaml"}
    assert not any(p.is_symlink() for p in dest.rglob("*"))
    assert codes(problems) == ["zip-unsafe-entry"]
    assert "link" in problems[0].message


def test_member_over_max_file_bytes_is_skipped_and_the_rest_extracted(tmp_path: Path) -> None:
    archive = make_zip(
        tmp_path / "big.zip",
        {"alice/answers.yaml": "q1: 1\n", "alice/video.mp4": b"\0" * (SMALL.max_file_bytes + 1)},
        zipfile.ZIP_DEFLATED,
    )
    problems: list[Problem] = []

    dest = tmp_path / "dest"
    extract_zip(archive, dest, problems, SMALL)

    assert files_under(dest) == {"alice/answers.yaml"}
    assert codes(problems) == ["zip-oversized-entry"]
    assert problems[0].location == "big.zip!alice/video.mp4"


def test_member_of_exactly_max_file_bytes_is_kept(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "edge.zip", {"alice/data.bin": b"\1" * SMALL.max_file_bytes})
    problems: list[Problem] = []

    extract_zip(archive, tmp_path / "dest", problems, SMALL)

    assert (tmp_path / "dest" / "alice" / "data.bin").stat().st_size == SMALL.max_file_bytes
    assert problems == []


def test_zip_bomb_stops_at_the_total_limit_without_unpacking_it_all(tmp_path: Path) -> None:
    # 30 MB of zeros deflates to ~30 KB: the archive is small, what it unpacks to is not.
    archive = make_zip(tmp_path / "bomb.zip", {"alice/bomb.bin": b"\0" * 30_000_000}, zipfile.ZIP_DEFLATED)
    assert archive.stat().st_size < 100_000
    limits = ZipLimits(max_members=10, max_file_bytes=100_000_000, max_total_bytes=1_000_000)
    dest = tmp_path / "dest"

    started = time.perf_counter()
    with pytest.raises(SubmissionError, match="more than 1000000 bytes"):
        extract_zip(archive, dest, [], limits)

    assert time.perf_counter() - started < 2.0
    assert sum(p.stat().st_size for p in dest.rglob("*") if p.is_file()) <= limits.max_total_bytes


def test_zip_bomb_member_stops_reading_at_the_file_limit(tmp_path: Path) -> None:
    archive = make_zip(
        tmp_path / "bomb.zip",
        {"alice/answers.yaml": "q1: 1\n", "alice/bomb.bin": b"\0" * 30_000_000},
        zipfile.ZIP_DEFLATED,
    )
    problems: list[Problem] = []

    started = time.perf_counter()
    extract_zip(archive, tmp_path / "dest", problems, SMALL)

    assert time.perf_counter() - started < 1.0  # 10 KB read, not 30 MB
    assert files_under(tmp_path / "dest") == {"alice/answers.yaml"}
    assert codes(problems) == ["zip-oversized-entry"]


def test_total_limit_counts_bytes_across_members(tmp_path: Path) -> None:
    members = {f"s{i:02d}/answers.yaml": b"#" * 9_000 for i in range(12)}  # each under the file limit
    archive = make_zip(tmp_path / "many.zip", members)

    with pytest.raises(SubmissionError, match="unpacks to more than"):
        extract_zip(archive, tmp_path / "dest", [], SMALL)


def test_header_that_understates_the_size_does_not_let_more_bytes_out(tmp_path: Path) -> None:
    data = b"q1: 1\n" * 20_000  # 120 KB
    archive = make_zip(
        tmp_path / "liar.zip", {"alice/answers.yaml": data, "bob/answers.yaml": "q1: 2\n"}, zipfile.ZIP_DEFLATED
    )
    raw = bytearray(archive.read_bytes())
    raw[22:26] = struct.pack("<I", 10)  # first local header: uncompressed size 10
    central = raw.find(b"PK\x01\x02")
    raw[central + 24 : central + 28] = struct.pack("<I", 10)  # central directory: the same lie
    archive.write_bytes(bytes(raw))
    dest = tmp_path / "dest"
    problems: list[Problem] = []

    extract_zip(archive, dest, problems, ZipLimits(max_file_bytes=1_000_000))

    assert files_under(dest) == {"bob/answers.yaml"}  # the liar is dropped, not truncated
    assert codes(problems) == ["zip-unreadable-entry"]
    assert problems[0].location == "liar.zip!alice/answers.yaml"


def test_garbage_file_is_not_a_cohort(tmp_path: Path) -> None:
    junk = tmp_path / "cohort.zip"
    junk.write_bytes(b"PK\x03\x04" + os.urandom(200))

    with pytest.raises(SubmissionError):
        collect_cohort(junk, tmp_path / "work")
    with pytest.raises(SubmissionError, match="cannot read zip"):
        extract_zip(junk, tmp_path / "dest", [], SMALL)


def test_truncated_zip_raises_submission_error(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "c.zip", {"alice/answers.yaml": "q1: 1\n" * 100}, zipfile.ZIP_DEFLATED)
    archive.write_bytes(archive.read_bytes()[:-30])  # cut into the end-of-central-directory record

    with pytest.raises(SubmissionError, match="cannot read zip"):
        extract_zip(archive, tmp_path / "dest", [], SMALL)


def _first_local_header_data_offset(raw: bytes) -> int:
    name_len, extra_len = struct.unpack("<HH", raw[26:30])
    return 30 + int(name_len) + int(extra_len)


def test_corrupt_compressed_member_is_skipped_and_recorded(tmp_path: Path) -> None:
    archive = make_zip(
        tmp_path / "c.zip",
        {"alice/answers.yaml": b"x: 1\n" * 20_000, "bob/answers.yaml": "q1: 2\n"},
        zipfile.ZIP_DEFLATED,
    )
    raw = bytearray(archive.read_bytes())
    start = _first_local_header_data_offset(bytes(raw))
    for i in range(start, start + 8):
        raw[i] ^= 0xFF  # the deflate stream no longer decodes (zlib.error inside zipfile)
    archive.write_bytes(bytes(raw))
    problems: list[Problem] = []

    extract_zip(archive, tmp_path / "dest", problems, ZipLimits(max_file_bytes=1_000_000))

    assert files_under(tmp_path / "dest") == {"bob/answers.yaml"}
    assert codes(problems) == ["zip-unreadable-entry"]


def _set_member_flags(archive: Path, flag_bit: int = 0, method: int | None = None) -> None:
    raw = bytearray(archive.read_bytes())
    central = raw.find(b"PK\x01\x02")
    raw[6] |= flag_bit
    raw[central + 8] |= flag_bit
    if method is not None:
        raw[8:10] = struct.pack("<H", method)
        raw[central + 10 : central + 12] = struct.pack("<H", method)
    archive.write_bytes(bytes(raw))


def _assert_entry_skipped(archive: Path, dest: Path) -> None:
    problems: list[Problem] = []

    extract_zip(archive, dest, problems, SMALL)

    assert files_under(dest) == {"bob/answers.yaml"}
    assert codes(problems) == ["zip-unreadable-entry"]
    assert problems[0].location == f"{archive.name}!alice/answers.yaml"


def test_encrypted_member_is_skipped_and_recorded(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "c.zip", {"alice/answers.yaml": "q1: 1\n", "bob/answers.yaml": "q1: 2\n"})
    _set_member_flags(archive, flag_bit=0x1)  # "encrypted": zipfile wants a password

    _assert_entry_skipped(archive, tmp_path / "dest")


def test_unsupported_compression_method_is_skipped_and_recorded(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "c.zip", {"alice/answers.yaml": "q1: 1\n", "bob/answers.yaml": "q1: 2\n"})
    _set_member_flags(archive, method=99)  # AES / unknown: zipfile raises NotImplementedError

    _assert_entry_skipped(archive, tmp_path / "dest")


def test_too_many_members_is_refused_before_extracting_any(tmp_path: Path) -> None:
    members = {f"s{i:02d}/answers.yaml": "q1: 1\n" for i in range(SMALL.max_members + 1)}
    archive = make_zip(tmp_path / "many.zip", members)
    dest = tmp_path / "dest"

    with pytest.raises(SubmissionError, match=f"{SMALL.max_members + 1} entries"):
        extract_zip(archive, dest, [], SMALL)

    assert files_under(dest) == set()


def test_extracting_replaces_a_stale_destination(tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    write_student(dest, "ghost")
    archive = make_zip(tmp_path / "c.zip", {"alice/answers.yaml": "q1: 1\n"})

    extract_zip(archive, dest, [], SMALL)

    assert files_under(dest) == {"alice/answers.yaml"}


def test_missing_source_raises_submission_error(tmp_path: Path) -> None:
    with pytest.raises(SubmissionError, match="not a folder of submissions"):
        collect_cohort(tmp_path / "nosuch")


def test_zip_built_in_memory_round_trips_student_answers(tmp_path: Path) -> None:
    # A Windows LMS writes backslashes in the *safe* direction too: "alice\answers.yaml".
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(zipfile.ZipInfo("alice\\answers.yaml"), "q1: 1\n")
    (tmp_path / "win.zip").write_bytes(buffer.getvalue())

    cohort = collect_cohort(tmp_path / "win.zip", tmp_path / "work")

    assert [(s.student_id, s.answers) for s in cohort.submissions] == [("alice", {"q1": 1})]


def test_zip_cohort_problems_name_the_cohort_not_the_work_folder(tmp_path: Path) -> None:
    archive = make_zip(
        tmp_path / "week3.zip",
        {"alice/answers.yaml": "q1: [1\n", "carol/notes.txt": "forgot the answers"},
    )
    work = tmp_path / "work-f81d4fae"

    cohort = collect_cohort(archive, work)

    problems = {s.student_id: s.problems for s in cohort.submissions}
    assert [(p.code, p.location) for p in problems["carol"]] == [("no-answers", "week3/carol")]
    assert [p.code for p in problems["alice"]] == ["answers-unreadable"]
    assert re.fullmatch(r"week3/alice/answers\.yaml:\d+:\d+", problems["alice"][0].location or "")


@pytest.mark.parametrize("text", ["[" * 30_000 + "]" * 30_000, "- " * 30_000 + "x\n"], ids=["flow", "compact-block"])
def test_deeply_nested_answers_file_is_recorded_not_a_crash(tmp_path: Path, text: str) -> None:
    # 30,000 levels is a 60 KB answers file. A stack overflow in the YAML composer would kill
    # the grading of the whole cohort, so the cohort is collected in a child process.
    root = tmp_path / "cohort"
    write_student(root, "alice")
    write_student(root, "mallory", text)
    probe = (
        "import sys, pathlib\n"
        "from harness.submissions import collect_cohort\n"
        "cohort = collect_cohort(pathlib.Path(sys.argv[1]))\n"
        "print([(s.student_id, [p.code.value for p in s.problems]) for s in cohort.submissions])\n"
    )

    child = subprocess.run(
        [sys.executable, "-c", probe, str(root)], capture_output=True, text=True, timeout=60, check=False
    )

    assert child.returncode == 0, f"exit {child.returncode}: {child.stderr[-500:]}"
    assert child.stdout.strip() == "[('alice', []), ('mallory', ['answers-unreadable'])]"


# --- nothing lost without a word: answers files -----------------------------------------------


def test_a_duplicate_key_loses_only_that_answer_with_both_lines(tmp_path: Path) -> None:
    folder = write_student(tmp_path, "alice", "q1: 0.3\nq2: first\nq3: [a, b]\nq2: second\nq4: 7\n")

    submission = read_submission(folder, "c/alice")

    assert submission.answers == {"q1": 0.3, "q3": ["a", "b"], "q4": 7}
    assert codes(submission.problems) == ["answer-unreadable"]
    assert set(submission.unreadable) == {"q2"}
    assert "answered 2 times (lines 2, 4)" in submission.unreadable["q2"].message
    assert submission.unreadable["q2"].location == "c/alice/answers.yaml:2:1"
    assert submission.answer_location("q4") == "c/alice/answers.yaml:5:5"  # line numbers are kept


def test_a_duplicate_key_inside_one_answer_loses_only_that_answer(tmp_path: Path) -> None:
    text = "q1: 0.3\nmatch:\n  VAE: a\n  VAE: b\nq3: |\n  some text\n"
    folder = write_student(tmp_path, "alice", text)

    submission = read_submission(folder, "c/alice")

    assert submission.answers == {"q1": 0.3, "q3": "some text\n"}
    assert set(submission.unreadable) == {"match"}
    assert "duplicate key 'VAE'" in submission.unreadable["match"].message
    assert submission.unreadable["match"].location == "c/alice/answers.yaml:2:1"


def test_a_byte_that_is_not_utf8_loses_only_the_answer_on_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "alice"
    folder.mkdir()
    (folder / "answers.yaml").write_bytes(b"q1: 0.3\nq2: caf\xe9 au lait\nq3: |\n  fine\n  na\xefve\nq4: 7\n")

    submission = read_submission(folder, "c/alice")

    assert submission.answers == {"q1": 0.3, "q4": 7}
    assert set(submission.unreadable) == {"q2", "q3"}
    assert "line 2 is not UTF-8 text (byte 0xe9)" in submission.unreadable["q2"].message
    assert "line 5 is not UTF-8 text (byte 0xef)" in submission.unreadable["q3"].message
    assert submission.unreadable["q3"].location == "c/alice/answers.yaml:3:1"


def test_a_file_of_unreadable_answers_is_given_up_after_a_cap_not_parsed_once_per_answer(tmp_path: Path) -> None:
    from harness.answers_file import MAX_LOST_ANSWERS

    text = "".join(f"q{i}:\n  a: 1\n  a: 2\n" for i in range(MAX_LOST_ANSWERS + 10))  # each answer lost alone
    folder = write_student(tmp_path, "mallory", text + "q-last: 1\n")

    started = time.perf_counter()
    submission = read_submission(folder)

    assert time.perf_counter() - started < 5
    assert codes(submission.problems) == ["answers-unreadable"]
    assert submission.answers == {}


QUIZ = """\
id: quiz
title: Quiz
version: "1"
questions:
  - id: q1
    kind: numeric
    prompt: 0.1 + 0.2?
    answer: 0.3
  - id: q2
    kind: numeric
    prompt: 1 + 1?
    answer: 2
"""


def test_an_unreadable_answer_is_graded_invalid_with_its_line_and_the_rest_are_graded(tmp_path: Path) -> None:
    from harness import api

    (tmp_path / "quiz.yaml").write_text(QUIZ, encoding="utf-8")
    write_student(tmp_path / "cohort", "alice", "q1: 0.3\nq2: 2\nq2: 3\n")

    run = api.grade([tmp_path / "quiz.yaml"], tmp_path / "cohort", tmp_path / "out", formats=("json",))

    (alice,) = run.cohort.students
    q1, q2 = alice.questions
    assert (q1.status, q1.score) == ("correct", 1.0)
    assert q2.status == "invalid"
    assert "answered 2 times (lines 2, 3)" in q2.feedback[0]
    assert "cohort/alice/answers.yaml:2:1" in q2.feedback[0]


# --- nothing lost without a word: the cohort --------------------------------------------------


def test_empty_cohort_folder_is_an_error_saying_it_is_empty(tmp_path: Path) -> None:
    (tmp_path / "cohort").mkdir()

    with pytest.raises(SubmissionError, match="no student folders: the folder is empty"):
        collect_cohort(tmp_path / "cohort")


def test_cohort_folder_of_files_only_is_an_error_naming_them(tmp_path: Path) -> None:
    (tmp_path / "cohort").mkdir()
    (tmp_path / "cohort" / "alice.yaml").write_text("q1: 1\n", encoding="utf-8")

    with pytest.raises(
        SubmissionError, match=r"no student folders; found 1 item\(s\) that are not student folders \(alice\.yaml\)"
    ):
        collect_cohort(tmp_path / "cohort")


def test_one_students_folder_given_as_the_cohort_is_an_error_saying_so(tmp_path: Path) -> None:
    folder = write_student(tmp_path, "alice")
    (folder / "outputs").mkdir()  # a generation question's outputs: not a student

    with pytest.raises(SubmissionError, match="this is one student's folder"):
        collect_cohort(folder)


def test_empty_zip_is_an_error_saying_it_is_empty(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "empty.zip", {})

    with pytest.raises(SubmissionError, match="no student folders: the zip is empty"):
        collect_cohort(archive, tmp_path / "work")


def test_zip_with_answers_at_its_root_is_an_error_saying_so(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "alice.zip", {"answers.yaml": "q1: 1\n", "solution.py": "x = 1\n"})

    with pytest.raises(SubmissionError, match=r"answers\.yaml is at the root of the zip"):
        collect_cohort(archive, tmp_path / "work")


def test_zip_whose_every_entry_was_skipped_is_an_error_naming_the_first(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "abs.zip", {"/alice/answers.yaml": "q1: 1\n", "/bob/answers.yaml": "q1: 2\n"})

    with pytest.raises(
        SubmissionError, match=r"2 zip entries skipped \(first: abs.zip!/alice/answers.yaml: path leaves the archive"
    ):
        collect_cohort(archive, tmp_path / "work")


def test_student_whose_every_zip_entry_was_skipped_is_a_cohort_problem(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("bob/answers.yaml")
    link.external_attr = (0o120777 << 16) | 0x20  # a symbolic link
    archive = tmp_path / "week3.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("alice/answers.yaml", "q1: 1\n")
        zf.writestr(link, "/etc/passwd")
        zf.writestr("/carol/answers.yaml", "q1: 3\n")

    cohort = collect_cohort(archive, tmp_path / "work")

    assert [s.student_id for s in cohort.submissions] == ["alice"]
    assert codes(cohort.problems) == ["zip-unsafe-entry", "zip-unsafe-entry", "student-dropped", "student-dropped"]
    dropped = [p for p in cohort.problems if p.code == "student-dropped"]
    assert [p.location for p in dropped] == ["week3/bob", "week3/carol"]
    assert "all 1 of this student's zip entries were skipped" in dropped[0].message


def test_duplicate_zip_entry_keeps_the_first_and_is_recorded_on_the_student(tmp_path: Path) -> None:
    archive = tmp_path / "dup.zip"
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("alice/answers.yaml", "q1: 1\n")
        zf.writestr("bob/answers.yaml", "q1: first\n")
        zf.writestr("bob/answers.yaml", "q1: second\n")

    cohort = collect_cohort(archive, tmp_path / "work")

    alice, bob = cohort.submissions
    assert bob.answers == {"q1": "first"}
    assert codes(bob.problems) == ["zip-duplicate-entry"]
    assert bob.problems[0].location == "dup.zip!bob/answers.yaml"
    assert alice.problems == [] and cohort.problems == []


@pytest.mark.parametrize(
    ("first", "second"),
    [("zo\u00eb", "zoe\u0308"), ("Bob", "bob")],
    ids=["nfc-nfd", "case"],
)
def test_student_ids_that_differ_only_by_case_or_normalisation_are_a_cohort_problem(
    tmp_path: Path, first: str, second: str
) -> None:
    root = tmp_path / "cohort"
    for student in (first, second, "alice"):
        write_student(root, student)

    cohort = collect_cohort(root)

    assert len(cohort.submissions) == 3  # both graded: which one is right is for a person to say
    assert codes(cohort.problems) == ["lookalike-students"]
    assert ascii(first) in cohort.problems[0].message and ascii(second) in cohort.problems[0].message


def test_cohort_problems_reach_the_console_the_results_and_the_report(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from harness.cli import main

    (tmp_path / "quiz.yaml").write_text(QUIZ, encoding="utf-8")
    for student in ("zo\u00eb", "zoe\u0308"):
        write_student(tmp_path / "cohort", student)
    out = tmp_path / "out"

    result = CliRunner().invoke(
        main, ["grade", str(tmp_path / "quiz.yaml"), "-s", str(tmp_path / "cohort"), "-o", str(out)]
    )

    assert result.exit_code == 1  # the reports are written, but a person must look
    assert "cohort problem: lookalike-students" in result.output
    assert "1 cohort problem(s) above" in result.output
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert [p["code"] for p in results["problems"]] == ["lookalike-students"]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Problems with this cohort" in page
    assert "differ only by case or Unicode normalisation" in page


def test_text_answer_over_the_limit_is_graded_on_its_start_and_says_so(tmp_path: Path) -> None:
    from harness import api

    bank = tmp_path / "essay.yaml"
    bank.write_text(
        """\
id: essay
title: Essay
version: "1"
questions:
  - id: t1
    kind: text
    prompt: Explain.
    rubric:
      design: One point for the right conclusion, wherever it is written.
      criteria:
        - {id: end, points: 1, any_of: [discriminator]}
""",
        encoding="utf-8",
    )
    answer = "The generator learns. " * 300 + "It tries to fool the discriminator."  # 6,635 characters
    write_student(tmp_path / "cohort", "alice", json.dumps({"t1": answer}))

    run = api.grade([bank], tmp_path / "cohort", tmp_path / "out", formats=("json",))

    (result,) = run.cohort.students[0].questions
    assert result.score == 0.0  # the limit stands: only the start is graded...
    assert result.feedback[0].startswith(f"Your answer is {len(answer):,} characters long; only the first 5,000")
    assert result.evidence.model_dump()["answer_cut"] == {
        "length": len(answer),
        "graded": 5000,
    }  # ...but nobody misses it


def test_an_answer_python_cannot_read_is_that_students_problem_and_the_run_goes_on(tmp_path: Path) -> None:
    """A 5,000-digit integer (Python refuses to read more than 4,300 digits) or a NUL in one
    student's answers.yaml ended the whole run with an internal error."""
    import datetime as dt

    from harness import api
    from tests.test_cli import BANK, GOOD_ANSWERS

    bank = tmp_path / "bank.yaml"
    bank.write_text(BANK, encoding="utf-8")
    answers = {"good": GOOD_ANSWERS, "huge": "q-num: " + "9" * 5000 + "\n", "nul": "q-num: 0.5\nq-tf: tr\0ue\n"}
    for student, text in answers.items():
        (tmp_path / "cohort" / student).mkdir(parents=True)
        (tmp_path / "cohort" / student / "answers.yaml").write_text(text, encoding="utf-8")
    run = api.grade([bank], tmp_path / "cohort", tmp_path / "out", ["json"], dt.date(2026, 1, 1))
    students = {s.student_id: s for s in run.cohort.students}
    assert students["good"].score > 0
    for student, where, says in (("huge", "answers.yaml:1:", "as an integer"), ("nul", "answers.yaml:2:", "U+0000")):
        (problem,) = students[student].problems
        assert problem.location is not None and where in problem.location and says in problem.message, problem


@pytest.mark.parametrize("name", ["bob", "bob.zip", "bob.ipynb", "answers-carol.YAML"])
def test_a_students_work_at_the_cohort_top_level_is_recorded_not_lost(tmp_path: Path, name: str) -> None:
    root = tmp_path / "cohort"
    write_student(root, "alice")
    (root / name).write_bytes(b"q1: b\n")
    (root / "roster.csv").write_text("alice\nbob\n", encoding="utf-8")  # the cohort's own notes

    cohort = collect_cohort(root)

    assert [s.student_id for s in cohort.submissions] == ["alice"]
    assert codes(cohort.problems) == ["skipped-file"]
    assert cohort.problems[0].location == f"cohort/{name}"
    assert "not a student folder" in cohort.problems[0].message
