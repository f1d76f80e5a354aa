"""The ``harness`` command, driven through click's CliRunner on small banks written here.

The CLI is a thin skin over :mod:`harness.api`; these tests pin what a user sees: exit codes,
one located line per bank error (never a traceback), the files ``grade`` writes, and what a
student's self-check must never print (the answers of hidden questions).
"""

from __future__ import annotations

import json
import re
import textwrap
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from harness.cli import main
from harness.kinds import kind_registry
from harness.kinds.code import EXAMPLES
from harness.sandbox import pool
from harness.sandbox import selection as select

REPO_ROOT = Path(__file__).resolve().parents[1]
KINDS = ["choice", "code", "generation", "matching", "numeric", "ordering", "text", "true_false"]
REPORTERS = ["csv", "html", "json"]
SECRET = "0.7654"  # the expected answer of the hidden question: must never reach a student

BANK = """\
id: tiny
title: Tiny bank
version: "1"
synonyms:
  generator: [generators]
questions:
  - id: q-num
    kind: numeric
    prompt: A coin lands heads with probability 0.3. What is P(X = 1)?
    answer: 0.3
    tolerance: {abs: 0.001}
    feedback: {explanation: For a Bernoulli variable P(X = 1) = p.}
  - id: q-choice
    kind: choice
    prompt: Which model is generative?
    options:
      - {id: a, text: GAN, correct: true}
      - {id: b, text: Logistic regression}
  - id: q-tf
    kind: true_false
    prompt: A VAE has no encoder.
    answer: false
  - id: q-text
    kind: text
    prompt: Explain a GAN in one sentence.
    rubric:
      design: One point per network named; a careful grader wants both.
      criteria:
        - {id: gen, description: Names the generator, points: 1, any_of: [generator]}
        - {id: disc, description: Names the discriminator, points: 1, any_of: [discriminator]}
  - id: q-match
    kind: matching
    prompt: Match each model to its idea.
    pairs: {GAN: adversarial training, VAE: latent variables}
  - id: q-order
    kind: ordering
    prompt: Order the pipeline.
    items: [tokenize, embed, attend, predict]
  - id: q-param
    kind: numeric
    parameters:
      n: {int: [2, 9]}
    prompt: What is twice {{ n }}?
    answer: "2 * n"
  - id: q-hidden
    kind: numeric
    prompt: The exam-only question.
    answer: 0.7654
    tolerance: {abs: 0.00001}
    feedback: {explanation: "The hidden derivation gives 0.7654.", incorrect: "Hidden-incorrect."}
    visibility: hidden
  - id: q-later
    kind: true_false
    prompt: Released after the deadline.
    answer: true
    feedback: {explanation: "Released-explanation."}
    visibility: {after: 2026-06-01}
"""

GOOD_ANSWERS = """\
q-num: 0.3
q-choice: a
q-tf: false
q-text: The generator tries to fool the discriminator.
q-match: {GAN: adversarial training, VAE: latent variables}
q-order: [tokenize, embed, attend, predict]
q-hidden: 0.1
q-later: false
"""

WRONG_TYPES = """\
q-num: {value: 0.3}
q-choice: {a: yes}
q-tf: [true]
q-match: [GAN, VAE]
q-order: tokenize
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(BANK, encoding="utf-8")
    return path


@pytest.fixture
def cohort(tmp_path: Path) -> Path:
    root = tmp_path / "cohort"
    for student, text in {"alice": GOOD_ANSWERS, "bob": "q-num: 0.5\nq-tf: true\n"}.items():
        (root / student).mkdir(parents=True)
        (root / student / "answers.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(GOOD_ANSWERS, encoding="utf-8")
    return path


def located_lines(output: str, bank: Path) -> list[str]:
    return [line for line in output.splitlines() if re.match(rf"{re.escape(str(bank))}:\d+:\d+: \S", line)]


# --- validate -------------------------------------------------------------------------------


def test_validate_ok_prints_the_question_count(bank: Path) -> None:
    result = run("validate", str(bank))

    assert result.exit_code == 0, result.output
    assert result.output == f"ok  {bank}: bank 'tiny' v1, 9 questions\n"


def test_validate_a_folder_of_banks(bank: Path, tmp_path: Path) -> None:
    (tmp_path / "_part.yaml").write_text("questions: []\n", encoding="utf-8")  # an include, not a bank

    result = run("validate", str(tmp_path))

    assert result.exit_code == 0, result.output
    assert result.output.count("ok  ") == 1


def test_invalid_bank_exits_2_with_one_located_line_per_error(tmp_path: Path) -> None:
    bank = tmp_path / "broken.yaml"
    bank.write_text(
        textwrap.dedent(
            """\
            id: broken
            title: Broken
            version: "1"
            questions:
              - id: q1
                kind: numeric
                prompt: No answer here.
              - id: q2
                kind: choice
                prompt: Nothing is correct.
                options:
                  - {id: a, text: A}
                  - {id: b, text: B}
              - id: q3
                kind: true_false
                prompt: A typo in a field name.
                answr: true
                answer: true
              - id: q4
                kind: numeric
                prompt: Unknown name in a formula.
                answer: "undefined_thing * 2"
            """
        ),
        encoding="utf-8",
    )

    result = run("validate", str(bank))

    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 4, result.output
    assert located_lines(result.output, bank) == lines
    by_line = {int(line.split(":")[1]): line for line in lines}
    assert "answer" in by_line[5]  # the question without an answer, at its own line
    assert "answr" in by_line[17]
    assert "undefined_thing" in by_line[22]


def test_yaml_syntax_error_is_one_located_line(tmp_path: Path) -> None:
    bank = tmp_path / "syntax.yaml"
    bank.write_text('id: s\ntitle: "unterminated\nversion: 1\n', encoding="utf-8")

    result = run("validate", str(bank))

    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert re.search(rf"{re.escape(str(bank))}:\d+:\d+: invalid YAML", result.output)


def test_unknown_kind_lists_the_known_kinds(tmp_path: Path) -> None:
    bank = tmp_path / "essay.yaml"
    bank.write_text(
        'id: e\ntitle: E\nversion: "1"\nquestions:\n  - id: q1\n    kind: essay\n    prompt: Write.\n',
        encoding="utf-8",
    )

    result = run("validate", str(bank))

    assert result.exit_code == 2
    assert f"{bank}:6:11: unknown kind 'essay'" in result.output
    assert f"(known kinds: {', '.join(KINDS)})" in result.output


def test_missing_bank_path_is_a_clean_error(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nosuch.yaml"))

    assert result.exit_code == 2  # bad input; 1 is for a verdict that failed
    assert "Traceback" not in result.output
    assert result.output == f"error: {tmp_path / 'nosuch.yaml'}: no such file or folder\n"


# --- grade ----------------------------------------------------------------------------------


def test_grade_writes_the_reports_and_prints_the_cohort_report_path(bank: Path, cohort: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"

    result = run("grade", str(bank), "-s", str(cohort), "-o", str(out), "--today", "2026-01-01")

    assert result.exit_code == 0, result.output
    for name in ["results.json", "gradebook.csv", "index.html"]:
        assert (out / name).is_file(), name
    assert result.output.splitlines()[-1] == f"cohort report: {out / 'index.html'}"
    assert "graded 2 students on 9 questions" in result.output
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert [s["student_id"] for s in results["students"]] == ["alice", "bob"]
    alice = {q["question_id"]: q for q in results["students"][0]["questions"]}
    assert alice["q-num"]["status"] == "correct"
    assert alice["q-hidden"]["status"] == "incorrect"  # hidden questions are graded by `grade`
    assert alice["q-hidden"]["reveal"] is False
    assert alice["q-later"]["reveal"] is False  # 2026-01-01 is before its release date
    gradebook = (out / "gradebook.csv").read_text(encoding="utf-8").splitlines()
    assert [row.split(",")[0] for row in gradebook if not row.startswith("Points Possible")] == [
        "student_id",
        "alice",
        "bob",
    ]


def test_grade_never_prints_a_terminal_control_from_a_folder_name(bank: Path, tmp_path: Path) -> None:
    # A student's folder name that would retitle the window, clear the screen and reverse the line.
    evil = "eve\x1b]0;pwned\x07\x1b[2J\u202eevil"
    (tmp_path / "cohort" / evil).mkdir(parents=True)
    (tmp_path / "cohort" / evil / "answers.yaml").write_text("q-num: 0.3\n", encoding="utf-8")

    result = run("grade", str(bank), "-s", str(tmp_path / "cohort"), "-o", str(tmp_path / "out"), "--format", "json")

    assert result.exit_code == 0, result.output
    assert not re.search("[\x1b\x07\u202e]", result.output)
    assert "eve\\u001b]0;pwned\\u0007\\u001b[2J\\u202eevil" in result.output


def test_grade_refuses_an_out_inside_the_cohort_folder(bank: Path, cohort: Path) -> None:
    # Written there, the reports folder would be graded as a student "out" by every later run.
    result = run("grade", str(bank), "-s", str(cohort), "-o", str(cohort / "out"), "--format", "json")

    assert result.exit_code == 2, result.output
    assert "inside the cohort folder" in result.output
    assert sorted(p.name for p in cohort.iterdir()) == ["alice", "bob"]  # nothing written


def test_files_handed_back_to_students_never_hold_a_hidden_answer(bank: Path, cohort: Path, tmp_path: Path) -> None:
    # results/<id>.json and students/<id>.html are what an instructor hands back to each
    # student; results.json (the instructor's log) may keep the expected answer.
    out = tmp_path / "out"

    result = run("grade", str(bank), "-s", str(cohort), "-o", str(out), "--today", "2026-01-01")

    assert result.exit_code == 0, result.output
    handed_back = sorted((out / "results").glob("*.json")) + sorted((out / "students").glob("*.html"))
    assert len(handed_back) == 4  # two students, JSON and HTML each
    leaking = [p.relative_to(out).as_posix() for p in handed_back if SECRET in p.read_text(encoding="utf-8")]
    assert leaking == []


def test_grading_twice_gives_byte_identical_results(bank: Path, cohort: Path, tmp_path: Path) -> None:
    (cohort / "carol").mkdir()  # problems with locations are part of the bytes too
    (cohort / "dave").mkdir()
    (cohort / "dave" / "answers.yaml").write_text("q-num: [1\n", encoding="utf-8")
    outputs = []
    for i in range(2):
        out = tmp_path / f"out{i}"
        result = run("grade", str(bank), "-s", str(cohort), "-o", str(out), "--today", "2026-01-01")
        assert result.exit_code == 0, result.output
        outputs.append(out)

    assert (outputs[0] / "results.json").read_bytes() == (outputs[1] / "results.json").read_bytes()
    assert (outputs[0] / "gradebook.csv").read_bytes() == (outputs[1] / "gradebook.csv").read_bytes()


def test_grading_a_zip_twice_gives_byte_identical_results(bank: Path, cohort: Path, tmp_path: Path) -> None:
    (cohort / "carol").mkdir()  # no answers file: a problem whose location names the folder
    (cohort / "dave").mkdir()
    (cohort / "dave" / "answers.yaml").write_text("q-num: [1\n", encoding="utf-8")
    archive = tmp_path / "week1.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(cohort.rglob("*")):
            zf.write(path, path.relative_to(cohort).as_posix())
    texts = []
    for i in range(2):
        out = tmp_path / f"out{i}"
        result = run("grade", str(bank), "-s", str(archive), "-o", str(out), "--format", "json")
        assert result.exit_code == 0, result.output
        texts.append((out / "results.json").read_text(encoding="utf-8"))

    # Locations must not name the throw-away folder the zip was extracted into.
    assert "harness-" not in texts[0]
    assert texts[0] == texts[1]


def test_grade_records_unreadable_and_wrongly_typed_answers_and_still_exits_0(
    bank: Path, cohort: Path, tmp_path: Path
) -> None:
    (cohort / "mallory").mkdir()
    (cohort / "mallory" / "answers.yaml").write_text("q-num: 0.3\nq-tf: [unclosed\n", encoding="utf-8")
    (cohort / "trudy").mkdir()
    (cohort / "trudy" / "answers.yaml").write_text(WRONG_TYPES + "q-nosuch: 1\n", encoding="utf-8")
    out = tmp_path / "out"

    result = run("grade", str(bank), "-s", str(cohort), "-o", str(out), "--today", "2026-01-01")

    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    students = {s["student_id"]: s for s in json.loads((out / "results.json").read_text())["students"]}
    assert list(students) == ["alice", "bob", "mallory", "trudy"]
    mallory = students["mallory"]
    assert [p["code"] for p in mallory["problems"]] == ["answers-unreadable"]
    assert re.fullmatch(r".*answers\.yaml:\d+:\d+", mallory["problems"][0]["location"])
    assert {q["status"] for q in mallory["questions"]} == {"missing"}
    assert mallory["score"] == 0
    trudy = {q["question_id"]: q["status"] for q in students["trudy"]["questions"]}
    for qid in ["q-num", "q-choice", "q-tf", "q-match", "q-order"]:
        assert trudy[qid] == "invalid", qid
    assert [p["code"] for p in students["trudy"]["problems"]] == ["unknown-question"]
    assert re.search(r"mallory\s.*\(1 problem\(s\)\)", result.output)


def test_unknown_format_fails_before_grading_and_lists_the_reporters(bank: Path, cohort: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"

    result = run("grade", str(bank), "-s", str(cohort), "-o", str(out), "--format", "json,nosuch")

    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "'nosuch'" in result.output
    assert f"(known: {', '.join(REPORTERS)})" in result.output
    assert not out.exists()
    assert "alice" not in result.output  # no student was graded


def test_grade_with_a_missing_cohort_is_a_clean_error(bank: Path, tmp_path: Path) -> None:
    result = run("grade", str(bank), "-s", str(tmp_path / "nosuch"), "-o", str(tmp_path / "out"))

    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "not a folder of submissions" in result.output


def test_grade_with_a_missing_bank_is_a_clean_error(cohort: Path, tmp_path: Path) -> None:
    result = run("grade", str(tmp_path / "nosuch.yaml"), "-s", str(cohort), "-o", str(tmp_path / "out"))

    assert result.exit_code == 2
    assert result.output == f"error: {tmp_path / 'nosuch.yaml'}: no such file or folder\n"
    assert not (tmp_path / "out").exists()


def test_bad_today_is_a_usage_error(bank: Path, cohort: Path, tmp_path: Path) -> None:
    result = run("grade", str(bank), "-s", str(cohort), "-o", str(tmp_path / "o"), "--today", "31/12/2026")

    assert result.exit_code == 2
    assert "is not a date (YYYY-MM-DD)" in result.output


# --- check ----------------------------------------------------------------------------------


def check_lines(result: Result) -> dict[str, str]:
    """question id -> its status, from the text output of `harness check`."""
    rows = [line.split() for line in result.output.splitlines() if re.match(r"\s*\w+\s+[\d.]+/[\d.]+\s", line)]
    return {row[2]: row[0] for row in rows}


def test_check_grades_only_public_questions(bank: Path, answers: Path) -> None:
    result = run("check", str(bank), "--answers", str(answers), "--today", "2026-01-01")

    assert result.exit_code == 0, result.output
    assert check_lines(result) == {
        "q-num": "correct",
        "q-choice": "correct",
        "q-tf": "correct",
        "q-text": "correct",
        "q-match": "correct",
        "q-order": "correct",
        "q-param": "missing",
    }
    # q-text is worth the sum of its criteria (2); q-param is unanswered
    assert result.output.splitlines()[-1] == "total: 7/8 (88%) on public questions"


def test_check_never_prints_a_hidden_answer(bank: Path, answers: Path) -> None:
    text = run("check", str(bank), "-a", str(answers), "--today", "2030-01-01")
    as_json = run("check", str(bank), "-a", str(answers), "--today", "2030-01-01", "--json")

    for result in (text, as_json):
        assert result.exit_code == 0, result.output
        assert SECRET not in result.output
        assert "q-hidden" not in result.output
        assert "Hidden-incorrect." not in result.output
    data = json.loads(as_json.output)
    assert "q-hidden" not in [q["question_id"] for q in data["questions"]]


def test_check_respects_release_dates(bank: Path, answers: Path) -> None:
    before = run("check", str(bank), "-a", str(answers), "--today", "2026-05-31", "--json")
    on_the_day = run("check", str(bank), "-a", str(answers), "--today", "2026-06-01", "--json")

    assert before.exit_code == 0 and on_the_day.exit_code == 0
    assert "q-later" not in before.output
    assert "Released-explanation." not in before.output
    later = {q["question_id"]: q for q in json.loads(on_the_day.output)["questions"]}["q-later"]
    assert later["status"] == "incorrect"
    assert later["reveal"] is True
    assert later["evidence"]["expected"] is True
    assert "Released-explanation." in later["feedback"]


def test_check_json_is_a_student_result_named_after_the_answers_folder(bank: Path, answers: Path) -> None:
    result = run("check", str(bank), "-a", str(answers), "--today", "2026-01-01", "--json")

    data = json.loads(result.output)
    assert data["student_id"] == answers.parent.name
    assert data["score"] == 7.0 and data["max_score"] == 8.0
    assert data["schema_version"] == 2


def test_check_student_option_picks_the_variant_a_cohort_grade_would_use(
    bank: Path, cohort: Path, tmp_path: Path
) -> None:
    graded = run("grade", str(bank), "-s", str(cohort), "-o", str(tmp_path / "out"), "--format", "json")
    assert graded.exit_code == 0, graded.output
    alice = json.loads((tmp_path / "out" / "results" / "alice.json").read_text(encoding="utf-8"))
    n = {q["question_id"]: q for q in alice["questions"]}["q-param"]["variant"]["n"]
    answers = tmp_path / "mine.yaml"
    answers.write_text(f"q-param: {2 * n}\n", encoding="utf-8")

    as_alice = run("check", str(bank), "-a", str(answers), "--student", "alice", "--json")

    questions = {q["question_id"]: q for q in json.loads(as_alice.output)["questions"]}
    assert questions["q-param"]["variant"] == {"n": n}
    assert questions["q-param"]["status"] == "correct"


def test_check_with_unreadable_answers_reports_the_problem(bank: Path, tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("q-num: 0.3\n  q-tf: true\n", encoding="utf-8")

    result = run("check", str(bank), "-a", str(path), "--today", "2026-01-01")

    assert result.exit_code == 0
    assert re.search(rf"problem: {re.escape(str(path))}:2:\d+: invalid YAML", result.output)


def test_check_with_a_missing_answers_file_is_a_clean_error(bank: Path, tmp_path: Path) -> None:
    result = run("check", str(bank), "-a", str(tmp_path / "nosuch.yaml"))

    assert result.exit_code == 2
    assert result.output == f"error: {tmp_path / 'nosuch.yaml'}: no such answers file\n"


def test_check_says_which_student_id_it_used(bank: Path, answers: Path) -> None:
    # a file in Downloads/ would silently get the numbers of a student called "Downloads"
    default = run("check", str(bank), "-a", str(answers), "--today", "2026-01-01")
    chosen = run("check", str(bank), "-a", str(answers), "--today", "2026-01-01", "--student", "alice")

    assert default.output.splitlines()[0] == (
        f"student: {answers.parent.name} (the answers file's folder name; use --student ID if it is not yours)"
    )
    assert chosen.output.splitlines()[0] == "student: alice (given with --student)"


CODE_BANK = f"""\
id: code
title: Code
version: "1"
questions:
  - id: q-mean
    kind: code
    prompt: Write `mean(values)`.
    file: stats.py
    reference: {EXAMPLES / "mean_reference.py"}
    tests:
      - {{id: three, call: mean, args: [[1.0, 2.0, 6.0]]}}
      - {{id: one, call: mean, args: [[5.0]]}}
      - {{id: empty, call: mean, args: [[]], raises: ValueError, visibility: hidden}}
      - {{id: two, call: mean, args: [[1.0, 3.0]], visibility: hidden}}
      - {{id: negative, call: mean, args: [[-1.0, -3.0]], visibility: hidden}}
"""
PUBLIC_TESTS_ONLY = """\
def mean(values):
    if len(values) in (1, 3):  # exactly the public tests' inputs
        return sum(values) / len(values)
    return 0.0
"""


def _self_check(tmp_path: Path) -> tuple[Path, Path]:
    """The code bank and a student's folder (their stats.py passes the public tests only)."""
    bank = tmp_path / "code.yaml"
    bank.write_text(CODE_BANK, encoding="utf-8")
    (tmp_path / "me").mkdir()
    (tmp_path / "me" / "stats.py").write_text(PUBLIC_TESTS_ONLY, encoding="utf-8")
    answers = tmp_path / "me" / "answers.yaml"
    answers.write_text("{}\n", encoding="utf-8")
    return bank, answers


def test_check_scores_a_code_question_on_the_points_its_public_tests_hold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The process backend: a student's self-check runs their own code on their own machine.
    monkeypatch.setattr(select, "default_sandbox", lambda: select.sandbox_named("process"))
    bank, answers = _self_check(tmp_path)

    text = run("check", str(bank), "-a", str(answers))
    as_json = run("check", str(bank), "-a", str(answers), "--json")

    assert text.exit_code == 0, text.output
    assert "  correct  2/2  q-mean  (+3 in hidden tests, not checked)" in text.output.splitlines()
    assert "5/5" not in text.output  # what it said before: the public tests scaled up to the question
    assert text.output.splitlines()[-1] == (
        "total: 2/2 (100%) on public questions and public tests; 3 more point(s) in hidden tests are graded later"
    )
    [question] = json.loads(as_json.output)["questions"]
    assert (question["score"], question["max_score"], question["hidden_points"]) == (2, 2, 3)
    assert [t["id"] for t in question["evidence"]["tests"]] == ["three", "one"]  # hidden tests never ran


def test_a_second_check_adopts_the_sandbox_its_first_one_started_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second run starts the zygote the first prewarmed before it imports the harness
    (harness.sandbox.head_start), and its pool takes that one instead of starting another."""
    monkeypatch.setenv("HARNESS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(select, "default_sandbox", lambda: select.sandbox_named("process"))
    bank, answers = _self_check(tmp_path)
    adopted: list[object] = []
    adopt = pool._adopt_head_start
    monkeypatch.setattr(pool, "_adopt_head_start", lambda *args: adopted.append(adopt(*args)) or adopted[-1])

    first = run("check", str(bank), "-a", str(answers), "--json")
    second = run("check", str(bank), "-a", str(answers), "--json")

    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert first.output == second.output
    assert adopted[0] is None and isinstance(adopted[1], pool.WarmWorker)
    assert not pool._head_starts


HIDDEN_RUBRIC_BANK = """\
id: rubric
title: Rubric
version: "1"
questions:
  - id: q-open
    kind: text
    prompt: What does the discriminator do?
    rubric:
      design: One point for the one thing it does.
      criteria:
        - {id: mentions-real-versus-fake, points: 1, any_of: [real]}
  - id: q-exam
    kind: text
    prompt: Which loss does the original GAN minimise?
    visibility: hidden
    rubric:
      design: One point for the divergence, one for the game.
      criteria:
        - {id: answer-is-jensen-shannon, points: 1, any_of: [jensen]}
        - {id: names-the-minimax-game, points: 1, any_of: [minimax]}
  - id: q-later
    kind: true_false
    prompt: A VAE maximises a lower bound on the likelihood.
    answer: true
    visibility: {after: 2026-06-01}
"""


def _graded_student_outputs(tmp_path: Path, today: str) -> tuple[str, str, str]:
    """(instructor's results.json, the student's results/<id>.json, the student's page) for alice."""
    bank = tmp_path / "rubric.yaml"
    bank.write_text(HIDDEN_RUBRIC_BANK, encoding="utf-8")
    (tmp_path / "cohort" / "alice").mkdir(parents=True)
    (tmp_path / "cohort" / "alice" / "answers.yaml").write_text(
        "q-open: It tells real from fake.\nq-exam: Jensen-Shannon, in a minimax game.\nq-later: true\n",
        encoding="utf-8",
    )
    out = tmp_path / f"out-{today}"
    result = run("grade", str(bank), "-s", str(tmp_path / "cohort"), "-o", str(out), "--today", today)
    assert result.exit_code == 0, result.output
    return tuple(  # type: ignore[return-value]
        (out / name).read_text(encoding="utf-8")
        for name in ("results.json", "results/alice.json", "students/alice.html")
    )


def test_student_outputs_never_name_the_criteria_of_a_hidden_question(tmp_path: Path) -> None:
    instructor, student_json, page = _graded_student_outputs(tmp_path, "2026-01-01")

    assert "answer-is-jensen-shannon" in instructor  # the instructor's log keeps the evidence ...
    for handed_back in (student_json, page):  # ... what goes back to the student does not
        assert "answer-is-jensen-shannon" not in handed_back
        assert "names-the-minimax-game" not in handed_back
    assert "mentions-real-versus-fake" in student_json  # a public question's evidence stays


def test_a_dated_question_is_not_shown_correct_before_its_date(tmp_path: Path) -> None:
    _, student_json, page = _graded_student_outputs(tmp_path, "2026-01-01")

    assert "q-later" not in [q["question_id"] for q in json.loads(student_json)["questions"]]
    assert (json.loads(student_json)["score"], json.loads(student_json)["max_score"]) == (1, 1)  # q-open only
    later = page.split('id="q-q-later"')[1].split("</article>")[0]
    assert "Correct" not in later and "status-correct" not in page.split('id="q-q-later"')[0][-80:]
    assert '<span class="points">— / 1</span>' in later
    assert "Not in this score: 2 questions (3 points) whose results are not released yet." in page
    headline = page.split('<div class="score-hero">')[1].split("</div>")[0]
    assert '<span class="big">1 <span class="muted">/ 1</span></span>' in headline  # no total to subtract from


def test_a_dated_question_shows_its_result_once_its_date_has_passed(tmp_path: Path) -> None:
    _, student_json, page = _graded_student_outputs(tmp_path, "2026-06-01")

    later = {q["question_id"]: q for q in json.loads(student_json)["questions"]}["q-later"]
    assert later["status"] == "correct"
    assert "Correct" in page.split('id="q-q-later"')[1].split("</article>")[0]


# --- schema, plugins, demo ------------------------------------------------------------------


def test_schema_is_json_with_a_model_per_kind() -> None:
    result = run("schema")

    assert result.exit_code == 0
    schema = json.loads(result.output)
    for name in KINDS:
        assert kind_registry().get(name).model.__name__ in schema["$defs"], name


def test_plugins_lists_every_kind_and_reporter() -> None:
    result = run("plugins")

    assert result.exit_code == 0
    rows = [line.split()[:2] for line in result.output.splitlines()]
    assert sorted(name for group, name in rows if group == "harness.kinds") == KINDS
    assert sorted(name for group, name in rows if group == "harness.reporters") == REPORTERS
