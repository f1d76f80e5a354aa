"""Training ``tiny-asr``: a wav2vec2 CTC recogniser of tone-coded speech (torch and transformers here).

Import lazily (``harness.course_models.tiny`` does, inside ``build``). The character vocabulary
is the characters of the shipped corpus (normalised by :func:`tones.normalize`), the space
written as wav2vec2's word delimiter ``|``. Training clips are runs of 1..``max_words``
consecutive corpus words, drawn by a seeded generator, coded by :mod:`tones` at a random
loudness with a random amount (none to a little) of white noise. Everything is seeded and runs
on one thread (see ``training.py``), so the same recipe and library versions give the same bytes.

This file, ``tones.py`` and ``training.py`` are hashed into the model's cache key.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import torch
from torch import Tensor
from transformers import (
    Wav2Vec2Config,
    Wav2Vec2CTCTokenizer,
    Wav2Vec2FeatureExtractor,
    Wav2Vec2ForCTC,
    Wav2Vec2Processor,
)

from harness.course_models import tones
from harness.course_models.recipes import PAD, SPECIAL_TOKENS, UNK, SpeechRecipe, read_paragraphs
from harness.course_models.training import TrainingReport, deterministic, fit, no_progress_bars

DELIMITER = "|"


def train(recipe: SpeechRecipe, folder: Path) -> TrainingReport:
    """Train ``recipe`` from its seed; save the model and its processor into ``folder``."""
    start, cpu_start = time.perf_counter(), time.process_time()
    with deterministic(recipe.schedule.seed):
        words = tones.normalize(" ".join(read_paragraphs())).split()
        processor = build_processor(words, folder)
        model = build_model(recipe, processor)
        rng = np.random.default_rng(recipe.schedule.seed)

        def step_loss(module: torch.nn.Module, _: torch.Generator) -> Tensor:
            phrases = [random_phrase(words, recipe.max_words, rng) for _ in range(recipe.schedule.batch_size)]
            return module(**clip_batch(phrases, processor, recipe.noise, rng)).loss  # type: ignore[no-any-return]

        loss = fit(model, step_loss, recipe.schedule)
    with no_progress_bars():
        model.save_pretrained(folder)
        processor.save_pretrained(folder)
    return TrainingReport(
        parameters=sum(p.numel() for p in model.parameters()),
        final_loss=round(loss, 4),
        seconds=round(time.perf_counter() - start, 2),
        cpu_seconds=round(time.process_time() - cpu_start, 2),
    )


def build_processor(words: list[str], folder: Path) -> Wav2Vec2Processor:
    """A character tokenizer over the corpus's characters and a 16 kHz feature extractor."""
    characters = sorted({c for word in words for c in word})
    vocab = {token: i for i, token in enumerate([*SPECIAL_TOKENS, DELIMITER, *characters])}
    vocab_file = folder / "vocab.json"
    vocab_file.write_text(json.dumps(vocab, sort_keys=True) + "\n", encoding="utf-8")
    tokenizer = Wav2Vec2CTCTokenizer(  # type: ignore[no-untyped-call]
        str(vocab_file), unk_token=UNK, pad_token=PAD, word_delimiter_token=DELIMITER
    )
    extractor = Wav2Vec2FeatureExtractor(  # type: ignore[no-untyped-call]
        feature_size=1, sampling_rate=tones.RATE, padding_value=0.0, do_normalize=True, return_attention_mask=True
    )
    return Wav2Vec2Processor(feature_extractor=extractor, tokenizer=tokenizer)  # type: ignore[no-untyped-call]


def build_model(recipe: SpeechRecipe, processor: Wav2Vec2Processor) -> Wav2Vec2ForCTC:
    tokenizer = processor.tokenizer
    config = Wav2Vec2Config(
        vocab_size=len(tokenizer),
        pad_token_id=tokenizer.pad_token_id,
        conv_dim=recipe.conv_dim,
        conv_kernel=recipe.conv_kernel,
        conv_stride=recipe.conv_stride,
    )
    config.update(dict(recipe.config))
    return Wav2Vec2ForCTC(config)


def random_phrase(words: list[str], max_words: int, rng: np.random.Generator) -> str:
    count = int(rng.integers(1, max_words + 1))
    first = int(rng.integers(0, len(words) - count + 1))
    return " ".join(words[first : first + count])


def clip_batch(
    phrases: list[str], processor: Wav2Vec2Processor, noise: float, rng: np.random.Generator
) -> dict[str, Tensor]:
    """Model inputs and CTC labels (padding as -100) for tone-coded ``phrases``."""
    clips = []
    for phrase in phrases:
        clip = tones.encode(phrase, amplitude=float(rng.uniform(0.2, 0.9)))
        # Noise from none to ``noise``: a model that only ever heard noisy silence misreads clean clips.
        level = noise * float(rng.uniform(0.0, 1.0))
        clips.append(clip + level * rng.standard_normal(len(clip)).astype(np.float32))
    inputs = processor(audio=clips, sampling_rate=tones.RATE, padding=True, return_tensors="pt")
    labels = processor.tokenizer(phrases, padding=True, return_tensors="pt")
    targets = labels["input_ids"].masked_fill(labels["attention_mask"] == 0, -100)
    return {"input_values": inputs["input_values"], "attention_mask": inputs["attention_mask"], "labels": targets}
