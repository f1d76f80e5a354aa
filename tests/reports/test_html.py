"""The HTML report: links, self-containment, escaping, and what a student must not see."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from harness.evidence import ChoiceEvidence, NumericEvidence, TextEvidence, ToleranceUsed
from harness.reports.html import HtmlReporter, question_view
from harness.reports.json_report import JsonReporter
from harness.reports.markdown import render_markdown
from harness.reports.names import safe_file_stem, student_file_stems
from harness.results import (
    BankRef,
    CohortResult,
    OptionInfo,
    Problem,
    ProblemCode,
    QuestionInfo,
    QuestionResult,
    Status,
    StudentResult,
    read_cohort,
)

BANK = BankRef(id="genai", title="GenAI basics", version="2026.1", content_hash="ab12cd34ef56" + "0" * 52)
SECRET = "31337.4242"  # the hidden question's expected answer: must never reach a student page
SCRIPT = "<script>alert('pwned')</script>"
ODD_ID = "Zoë O'Brien/../<b>"  # a folder name nobody should have chosen

QUESTIONS = [
    QuestionInfo(
        id="mc-gan",
        bank_id="genai",
        kind="choice",
        prompt="Which model is **generative**?",
        points=1,
        topic="models",
        visibility="public",
        options=[
            OptionInfo(id="a", text="Logistic regression", correct=False),
            OptionInfo(id="b", text="GAN", correct=True),
            OptionInfo(id="c", text="Decision tree", correct=False),
        ],
    ),
    QuestionInfo(
        id="num-p",
        bank_id="genai",
        kind="numeric",
        prompt="In {{ n }} flips we saw {{ k }} heads. MLE of `p`?",
        points=2,
        topic="probability",
        visibility="public",
        parameterized=True,
    ),
    QuestionInfo(
        id="text-gan",
        bank_id="genai",
        kind="text",
        prompt="Explain a GAN.",
        points=2,
        topic="models",
        visibility="public",
    ),
    QuestionInfo(
        id="hidden-num",
        bank_id="genai",
        kind="numeric",
        prompt="A hidden question.",
        points=1,
        topic="probability",
        visibility="hidden",
    ),
]


def _results(mc: str, num: float, text: str, hidden: float) -> list[QuestionResult]:
    right = mc == "b"
    return [
        QuestionResult(
            question_id="mc-gan",
            kind="choice",
            topic="models",
            score=1 if right else 0,
            max_score=1,
            status=Status.CORRECT if right else Status.INCORRECT,
            answer=mc,
            evidence=ChoiceEvidence(chosen=[mc], policy="all_or_nothing", expected=["b"]),
            option_order=["c", "b", "a"],
            feedback=[] if right else ["A GAN *generates* samples."],
        ),
        QuestionResult(
            question_id="num-p",
            kind="numeric",
            topic="probability",
            score=2 if num == 0.25 else 0,
            max_score=2,
            status=Status.CORRECT if num == 0.25 else Status.INCORRECT,
            answer=num,
            evidence=NumericEvidence(given=num, tolerance=ToleranceUsed(abs=1e-6), expected=0.25),
            variant={"n": 20, "k": 5},
            prompt="In 20 flips we saw 5 heads. MLE of `p`?",
        ),
        QuestionResult(
            question_id="text-gan",
            kind="text",
            topic="models",
            score=1,
            max_score=2,
            status=Status.PARTIAL,
            answer=text,
            feedback=["Name both networks."],
            evidence=TextEvidence(criteria_met=[], expected="A generator and a discriminator compete."),
        ),
        QuestionResult(
            question_id="hidden-num",
            kind="numeric",
            topic="probability",
            score=1 if hidden == float(SECRET) else 0,
            max_score=1,
            status=Status.CORRECT if hidden == float(SECRET) else Status.INCORRECT,
            answer=hidden,
            evidence=NumericEvidence(given=hidden, tolerance=ToleranceUsed(abs=1e-6), expected=float(SECRET)),
            feedback=[f"The answer is {SECRET}."],  # bank feedback that gives the answer away
            reveal=False,
        ),
    ]


def _student(sid: str, results: list[QuestionResult], problems: list[Problem] | None = None) -> StudentResult:
    return StudentResult(
        student_id=sid,
        banks=[BANK],
        score=sum(r.score for r in results),
        max_score=6,
        questions=results,
        problems=problems or [],
    )


def make_cohort() -> CohortResult:
    return CohortResult(
        cohort="gen-ai <2026>",
        mode="grade",
        banks=[BANK],
        questions=QUESTIONS,
        sandbox="bwrap",
        students=[
            _student("alice", _results("b", 0.25, "Generator versus discriminator.", float(SECRET))),
            _student("bob", _results("a", 0.5, f"It is {SCRIPT} a net", 1.0)),
            _student(
                "carol",
                [],
                [
                    Problem(
                        code=ProblemCode.ANSWERS_UNREADABLE,
                        message="answers.yaml: not YAML",
                        location="carol/answers.yaml:3",
                    )
                ],
            ),
            _student(ODD_ID, _results("c", 0.25, "No idea", 2.0)),
        ],
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html")
    index = HtmlReporter().write(make_cohort(), out)
    assert index == out / "index.html"
    return out


def _page(report: Path, student_id: str) -> str:
    return (report / "students" / f"{safe_file_stem(student_id)}.html").read_text(encoding="utf-8")


def _all_pages(report: Path) -> dict[str, str]:
    return {str(p.relative_to(report)): p.read_text(encoding="utf-8") for p in sorted(report.rglob("*.html"))}


def test_the_dashboard_links_every_student_page_and_a_student_page_links_only_itself(report: Path) -> None:
    index = (report / "index.html").read_text(encoding="utf-8")
    pages = sorted(p.name for p in (report / "students").iterdir())
    assert len(pages) == 4
    for name in pages:
        assert f'href="students/{name}"' in index
        hrefs = re.findall(r'href="([^"]*)"', (report / "students" / name).read_text(encoding="utf-8"))
        assert hrefs and all(h.startswith("#") for h in hrefs), (name, [h for h in hrefs if not h.startswith("#")])


def test_a_student_page_names_no_other_student(report: Path) -> None:
    others = {"alice", "bob", "carol"}
    for student_id in others:
        page = _page(report, student_id)
        for other in others - {student_id}:
            assert other not in page, (student_id, other)


def test_what_i_lost_points_on_lists_released_losses_most_first(report: Path) -> None:
    bob = _page(report, "bob")
    lost = bob.split('id="lost"')[1].split("</section>")[0]
    rows = re.findall(r'<a href="#q-([^"]+)">', lost)
    assert rows == ["num-p", "mc-gan", "text-gan"]  # 2 points, then 1 and 1 in page order
    assert "hidden-num" not in lost  # withheld: that it cost a point would give it away
    assert "A GAN <em>generates</em> samples." in lost  # the first feedback line says why
    contents = bob.split('aria-label="Contents"')[1].split("</nav>")[0]
    assert 'href="#lost"' in contents and 'href="#q-text-gan"' in contents


def test_no_external_urls_or_scripts(report: Path) -> None:
    for name, html in _all_pages(report).items():
        assert "http://" not in html and "https://" not in html, name
        assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html), name
        assert "<script" not in html.lower(), name
        assert "<link" not in html.lower(), name  # CSS is inline


def test_student_answer_is_escaped(report: Path) -> None:
    bob = _page(report, "bob")
    assert "It is &lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; a net" in bob


def test_hidden_expected_answer_is_withheld(report: Path) -> None:
    for student_id in ("bob", ODD_ID):  # both answered something else
        page = _page(report, student_id)
        assert SECRET not in page
        assert "Answer withheld" in page
    # Revealed questions do show their expected answer, so the check above can fail.
    assert "A generator and a discriminator compete." in _page(report, "bob")


def test_hidden_expected_answer_shown_only_as_the_students_own_answer(report: Path) -> None:
    # alice answered the secret herself, so it appears once, as *her* answer, never as the key.
    alice = _page(report, "alice")
    assert alice.count(SECRET) == 1
    hidden_block = alice.split('id="q-hidden-num"')[1].split("</article>")[0]
    assert SECRET in hidden_block.split("Your answer")[1].split("Answer withheld")[0]


def test_problems_listed_on_dashboard_and_student_page(report: Path) -> None:
    index = (report / "index.html").read_text(encoding="utf-8")
    problems = index.split('id="problems"')[1]
    assert "answers-unreadable" in problems
    assert "answers.yaml: not YAML" in problems
    assert "carol/answers.yaml:3" in problems
    carol = _page(report, "carol")
    assert "Problems with this submission" in carol and "answers-unreadable" in carol


def test_choice_shown_in_students_order_with_choice_marked(report: Path) -> None:
    bob = _page(report, "bob")
    block = bob.split('id="q-mc-gan"')[1].split("</article>")[0]
    texts = re.findall(r'<span class="opt-text">([^<]*)</span>', block)
    assert texts == ["Decision tree", "GAN", "Logistic regression"]  # option_order c, b, a
    chosen = re.findall(r'<li class="chosen">.*?<span class="opt-text">([^<]*)</span>', block, re.S)
    assert chosen == ["Logistic regression"]
    assert "✓ Correct" in block


def test_parameterised_prompt_shows_the_students_variant(report: Path) -> None:
    block = _page(report, "alice").split('id="q-num-p"')[1].split("</article>")[0]
    assert "In 20 flips we saw 5 heads. MLE of <code>p</code>?" in block


def test_dashboard_headline_and_question_table(report: Path) -> None:
    index = (report / "index.html").read_text(encoding="utf-8")
    assert "gen-ai &lt;2026&gt;" in index
    assert "#ab12cd34ef56" in index and "2026.1" in index and "bwrap" in index
    for qid in ("mc-gan", "num-p", "text-gan", "hidden-num"):
        assert qid in index
    assert "<svg" in index and "Cronbach" in index and "KR-20" in index


def test_odd_student_id_gets_a_safe_file_name_and_is_escaped(report: Path) -> None:
    stem = safe_file_stem(ODD_ID)
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", stem)
    assert (report / "students" / f"{stem}.html").exists()
    assert "Zoë O&#39;Brien/../&lt;b&gt;" in (report / "index.html").read_text(encoding="utf-8")


def test_safe_file_stems() -> None:
    assert safe_file_stem("s123_ab-c.d") == "s123_ab-c.d"
    assert safe_file_stem("..") != ".." and safe_file_stem("CON") != "CON"
    assert safe_file_stem("a b") != safe_file_stem("a_b")
    stems = student_file_stems(["Alice", "alice", "bob"])
    assert stems["bob"] == "bob"
    assert len({s.lower() for s in stems.values()}) == 3  # no clash on a case-insensitive disk


def test_render_markdown_is_safe_and_small() -> None:
    html = str(render_markdown("Hello **bold** and `<tag>` & *it*\n\nSecond <b>para</b>"))
    assert html == (
        "<p>Hello <strong>bold</strong> and <code>&lt;tag&gt;</code> &amp; <em>it</em></p>\n"
        "<p>Second &lt;b&gt;para&lt;/b&gt;</p>"
    )
    table = str(render_markdown("| a | b |\n|---|---|\n| 1 | **2** |"))
    assert '<th scope="col">a</th>' in table and "<td><strong>2</strong></td>" in table
    assert str(render_markdown("- one\n- two")) == "<ul><li>one</li><li>two</li></ul>"
    assert str(render_markdown("```\nx < 1\n```")) == "<pre><code>x &lt; 1</code></pre>"


def test_render_is_deterministic(tmp_path: Path) -> None:
    cohort = make_cohort()
    HtmlReporter().write(cohort, tmp_path / "one")
    HtmlReporter().write(cohort, tmp_path / "two")
    assert _all_pages(tmp_path / "one") == _all_pages(tmp_path / "two")


def test_json_report_round_trips_and_shares_file_names(tmp_path: Path) -> None:
    cohort = make_cohort()
    main = JsonReporter().write(cohort, tmp_path)
    assert read_cohort(main) == cohort
    stems = student_file_stems(s.student_id for s in cohort.students)
    for student in cohort.students:
        data = json.loads((tmp_path / "results" / f"{stems[student.student_id]}.json").read_text("utf-8"))
        assert data["student_id"] == student.student_id


def test_withheld_choice_question_marks_no_correct_option() -> None:
    hidden = _results("a", 0.25, "x", 1.0)[0].model_copy(update={"reveal": False})
    view = question_view(1, hidden, QUESTIONS[0])
    assert [o.correct for o in view.options] == [None, None, None]
    assert view.withheld and view.expected is None and view.feedback == []


def test_a_withheld_question_shows_neither_status_nor_score(report: Path) -> None:
    # alice answered the hidden question right: "Correct" or "1 / 1" would tell her the answer is hers
    alice = _page(report, "alice")
    block = alice.split('id="q-hidden-num"')[1].split("</article>")[0]
    assert "Correct" not in block and "Not released yet" in block
    assert '<span class="points">— / 1</span>' in block
    assert '<article class="question status-withheld" id="q-hidden-num"' in alice
    # the headline and the status counts leave it out too, so no subtraction gives it away
    headline = alice.split('<div class="score-hero">')[1].split("</div>")[0]
    assert '<span class="big">4 <span class="muted">/ 5</span></span>' in headline  # mc 1 + num 2 + text 1
    assert "Not in this score: 1 question (1 point) whose results are not released yet." in alice
    assert '<span class="badge badge-correct">Correct</span> ×2' in alice  # mc-gan and num-p, not hidden-num


def _generation_result() -> QuestionResult:
    from harness.checks.result import Finding, TermCount
    from harness.evidence import CheckEvidence, FlaggedSample, GenerationEvidence

    output = "The GAN was introduced in 2015 by <Goodfellow>."
    year = Finding(
        start=output.index("2015"),
        end=output.index("2015") + 4,
        text="2015",
        kind="date",
        severity="high",
        evidence="the source says 2014",
        source_sentence="GANs were introduced in 2014 by Ian Goodfellow.",
    )
    invented = Finding(
        start=0,
        end=len(output),
        text=output,
        kind="unsupported",
        severity="medium",
        evidence="no source sentence",
        note="No source sentence supports this sentence.",
    )
    checks = [
        CheckEvidence(
            check="grounded",
            score=0.5,
            gate="score >= 0.9",
            passed=False,
            flagged=1,
            samples=2,
            signature="g",
            examples=[FlaggedSample(id="s-1", findings=[year, invented], output=output)],
        ),
        CheckEvidence(
            check="representation",
            score=0.3,
            gate="score <= 0.2",
            passed=False,
            flagged=0,
            samples=2,
            signature="r",
            terms=[TermCount(term="he", group="male", count=3), TermCount(term="she", group="female", count=1)],
        ),
    ]
    return QuestionResult(
        question_id="gen-sum",
        kind="generation",
        score=0,
        max_score=1,
        status=Status.INCORRECT,
        evidence=GenerationEvidence(suite="s v1", outputs_sha256="0" * 64, samples=2, metrics=[], checks=checks),
    )


def test_flagged_spans_are_marked_in_the_output_beside_the_source_or_the_note(tmp_path: Path) -> None:
    cohort = make_cohort()
    alice = cohort.students[0]
    alice = alice.model_copy(update={"questions": [*alice.questions, _generation_result()]})
    HtmlReporter().write(cohort.model_copy(update={"students": [alice, *cohort.students[1:]]}), tmp_path)
    page = _page(tmp_path, "alice")
    block = page.split('id="q-gen-sum"')[1].split("</article>")[0]
    # the narrower span wins where spans overlap; the output is escaped around it
    assert 'The GAN was introduced in <mark class="sev-high">2015</mark> by &lt;Goodfellow&gt;.' in block
    assert "GANs were introduced in 2014 by Ian Goodfellow." in block  # what contradicts it
    assert "No source sentence supports this sentence." in block  # the note, where nothing supports it
    terms = block.split('class="terms')[1].split("</table>")[0]
    assert re.findall(r"<tr><td>(\w+)</td><td>(\w+)</td><td>—</td><td class=\"num\">(\d+)</td></tr>", terms) == [
        ("he", "male", "3"),
        ("she", "female", "1"),
    ]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    checks = index.split('id="checks"')[1].split("</section>")[0]
    assert '<mark class="sev-high">2015</mark>' in checks and 'href="students/alice.html#q-gen-sum"' in checks


def test_a_students_code_is_shown_beside_the_tests_it_failed(tmp_path: Path) -> None:
    from harness.evidence import CodeEvidence, CodeTestVerdict

    tests = [
        CodeTestVerdict(id="basic", passed=False, points=1, visibility="public", verdict="wrong"),
        CodeTestVerdict(id="empty-list-raises", passed=False, points=1, visibility="hidden", verdict="raises"),
    ]
    result = QuestionResult(
        question_id="code-mean",
        kind="code",
        score=0,
        max_score=2,
        status=Status.INCORRECT,
        answer="stats.py",
        feedback=["✗ basic: mean([1, 2]) — value: expected 1.5, got 1", "✗ hidden test 1: failed"],
        evidence=CodeEvidence(sandbox="bwrap", tests=tests, source="def mean(xs):\n    return xs[0]  # <todo>\n"),
    )
    cohort = make_cohort()
    alice = cohort.students[0].model_copy(update={"questions": [*cohort.students[0].questions, result]})
    HtmlReporter().write(cohort.model_copy(update={"students": [alice, *cohort.students[1:]]}), tmp_path)
    block = _page(tmp_path, "alice").split('id="q-code-mean"')[1].split("</article>")[0]
    beside = block.split('class="code-beside"')[1]
    assert "Your code: stats.py" in beside and "hidden test 1: failed" in beside
    assert "empty-list-raises" not in block  # a hidden test's id can describe its input
    assert '<span class="ln">2</span>    return xs[0]  # &lt;todo&gt;' in beside


def test_why_points_were_lost_names_a_failed_test_not_a_passed_one(tmp_path: Path) -> None:
    from harness.evidence import CodeEvidence

    result = QuestionResult(
        question_id="code-mean",
        kind="code",
        score=1,
        max_score=2,
        status=Status.PARTIAL,
        answer="stats.py",
        feedback=["✓ three: mean([1, 2, 6])", "✗ hidden test 1: failed"],
        evidence=CodeEvidence(sandbox="bwrap", tests=[]),
    )
    cohort = make_cohort()
    alice = cohort.students[0].model_copy(update={"questions": [result]})
    HtmlReporter().write(cohort.model_copy(update={"students": [alice]}), tmp_path)
    lost = _page(tmp_path, "alice").split('id="lost"')[1].split("</section>")[0]
    assert "hidden test 1: failed" in lost and "three" not in lost
