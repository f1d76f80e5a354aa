"""Similar pairs in the cohort report: computed by `harness grade --similarity` only, kept in
the result log, listed with a link to each pair's side-by-side view."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from harness import api
from harness.results import read_cohort

BANK = """\
id: sim
title: Similarity bank
version: "1"
questions:
  - id: q-essay
    kind: text
    prompt: Explain what a GAN is.
    rubric:
      design: One point for naming the discriminator.
      criteria:
        - {id: disc, description: Names the discriminator, points: 1, any_of: [discriminator]}
"""
COPIED = (
    "A generative adversarial network trains a generator that forges images against a discriminator "
    "that learns to tell real pictures from forged ones, until the forgeries fool it most of the time."
)
OWN = "Two networks compete: one makes samples and a discriminator judges them, and both improve together."


def _cohort(root: Path) -> Path:
    answers = {"s1-ann": COPIED, "s2-ben": COPIED.replace("images", "pictures"), "s3-cid": OWN}
    for student, text in answers.items():
        (root / student).mkdir(parents=True)
        (root / student / "answers.yaml").write_text(f"q-essay: {text!r}\n", encoding="utf-8")
    return root


def test_grade_with_similarity_lists_the_pair_and_shows_it_side_by_side(tmp_path: Path) -> None:
    bank = tmp_path / "bank.yaml"
    bank.write_text(BANK, encoding="utf-8")
    cohort = _cohort(tmp_path / "cohort")
    run = api.grade([bank], cohort, tmp_path / "out", ["json", "html"], dt.date(2026, 1, 1), similarity=True)
    similarity = run.cohort.similarity
    assert similarity is not None
    assert [(p.item, p.a, p.b) for p in similarity.pairs] == [("q-essay", "s1-ann", "s2-ben")]
    assert set(similarity.sources["q-essay"]) == {"s1-ann", "s2-ben"}  # only the paired students' texts
    assert read_cohort(tmp_path / "out" / "results.json").similarity == similarity  # kept in the log

    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    section = index.split('id="similarity"')[1].split("</section>")[0]
    assert 'href="#pair-1"' in section and 'id="pair-1"' in section
    assert re.search(r"<mark>forges</mark>", section)  # shared words marked in the side-by-side view
    for page in (tmp_path / "out" / "students").glob("*.html"):  # a student's page says nothing of it
        assert "s2-ben" not in page.read_text(encoding="utf-8") or page.stem == "s2-ben"


def test_grade_without_similarity_records_none_and_writes_no_key(tmp_path: Path) -> None:
    bank = tmp_path / "bank.yaml"
    bank.write_text(BANK, encoding="utf-8")
    run = api.grade([bank], _cohort(tmp_path / "cohort"), tmp_path / "out", ["json", "html"], dt.date(2026, 1, 1))
    assert run.cohort.similarity is None
    assert "similarity" not in json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert 'id="similarity"' not in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
