"""A small quiz cohort of varied answers, for the result store's tests."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.test_cli import BANK, GOOD_ANSWERS

TODAY = "2026-01-01"
VARIED = [
    GOOD_ANSWERS,
    "q-num: 0.5\nq-choice: b\n",
    "q-tf: true\nq-text: It draws pictures.\n",
    "q-num: {value: 1}\nq-order: [embed, tokenize, attend, predict]\n",
    "q-match: {GAN: latent variables, VAE: adversarial training}\nq-hidden: 0.2\n",
]


def make_cohort(root: Path, size: int, seed: int = 7) -> Path:
    """``size`` students (s000, s001, ...), each with one of a few answer sets, seeded."""
    draw = random.Random(seed)
    for index in range(size):
        folder = root / f"s{index:03d}"
        folder.mkdir(parents=True)
        (folder / "answers.yaml").write_text(draw.choice(VARIED), encoding="utf-8")
    return root


@pytest.fixture
def quiz(tmp_path: Path) -> tuple[Path, Path]:
    """(bank file, cohort folder of 12 students)."""
    bank = tmp_path / "tiny.yaml"
    bank.write_text(BANK, encoding="utf-8")
    return bank, make_cohort(tmp_path / "cohort", 12)
