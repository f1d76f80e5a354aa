"""Fixtures for the metric tests: seeded text pairs and a tiny causal LM built on the spot."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from tests.conftest import build_tiny_gpt2

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"

# Course-flavoured sentences, used when the shared seed texts are not beside the repository.
FALLBACK_TEXT = """A generator maps random noise to images. The discriminator decides whether an image is real.
Attention lets every token look at every other token. Diffusion models remove noise step by step.
Tokens are the pieces of text a model reads. Fine-tuning adapts a pre-trained model to a domain.
Perplexity measures how surprised a language model is. BLEU counts matching n-grams with a brevity penalty.
ROUGE measures the overlap between a summary and its reference. The encoder turns a sentence into vectors."""

TINY_LM_SENTENCES = [
    "a generator maps random noise to images",
    "the discriminator decides whether an image is real or fake",
    "attention lets every token look at every other token",
    "diffusion models remove noise step by step",
]


def course_sentences() -> list[str]:
    """Sentences of the course material (or the fallback), in a fixed order."""
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    text = " ".join(p.read_text(encoding="utf-8") for p in files) or FALLBACK_TEXT
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.split()) >= 3]


def perturb(reference: str, rng: random.Random, vocabulary: list[str]) -> str:
    """A noisy copy of ``reference``: words dropped, replaced and swapped; newlines kept."""
    words = []
    for word in reference.replace("\n", " \n ").split(" "):
        roll = rng.random()
        if roll < 0.1:
            continue
        words.append(rng.choice(vocabulary) if roll < 0.2 and word != "\n" else word)
    if len(words) > 3 and rng.random() < 0.3:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words).replace(" \n ", "\n")


def perturbed_pairs(n: int, seed: int, multiline: bool = False) -> tuple[list[str], list[str]]:
    """``n`` (hypothesis, reference) pairs: course sentences and noisy copies of them."""
    rng = random.Random(seed)
    sentences = course_sentences()
    vocabulary = " ".join(sentences).split()
    references = [
        "\n".join(rng.choice(sentences) for _ in range(rng.randint(1, 3) if multiline else 1)) for _ in range(n)
    ]
    return [perturb(r, rng, vocabulary) for r in references], references


def another_system(references: list[str], seed: int) -> list[str]:
    """Noisy copies of ``references`` made with another seed: a system of the same quality."""
    rng = random.Random(seed)
    vocabulary = " ".join(course_sentences()).split()
    return [perturb(r, rng, vocabulary) for r in references]


@pytest.fixture(scope="session")
def tiny_lm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer GPT-2 with a word-level tokenizer trained on four sentences (never downloaded)."""
    return build_tiny_gpt2(tmp_path_factory.mktemp("tiny-gpt2"), TINY_LM_SENTENCES)
