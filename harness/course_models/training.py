"""Training the tiny models from their recipes: torch, tokenizers and transformers live here.

Import this module lazily (``harness.course_models.tiny`` does, inside ``build``). Everything is
seeded and runs on one CPU thread, so the same recipe and library versions give the same
bytes of ``model.safetensors`` on every run: one thread fixes the order of every floating-point
reduction, and it is no slower for models this small on a busy two-core machine.

The source of this file is hashed into every cache key: edit it and every model rebuilds.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
from torch import Tensor
from torch.nn import functional
from transformers import (
    BartConfig,
    BartForConditionalGeneration,
    DistilBertConfig,
    DistilBertForSequenceClassification,
    GenerationConfig,
    GPT2Config,
    GPT2LMHeadModel,
    PreTrainedModel,
    PreTrainedTokenizerFast,
)
from transformers.utils import logging as hf_logging

from harness.course_models.recipes import (
    BOS,
    EOS,
    PAD,
    SPECIAL_TOKENS,
    UNK,
    CausalLMRecipe,
    Schedule,
    SentimentRecipe,
    Seq2SeqRecipe,
    TinyModelRecipe,
    TokenizerRecipe,
    read_labelled,
    read_paragraphs,
    read_texts,
)

PAD_ID, BOS_ID, EOS_ID = (SPECIAL_TOKENS.index(token) for token in (PAD, BOS, EOS))
FIRST_SENTENCE = re.compile(r"^.+?[.!?](?=\s|$)")

StepLoss = Callable[[torch.nn.Module, torch.Generator], Tensor]


@dataclass(frozen=True)
class TrainingReport:
    """What one build measured; recorded in the model folder's ``harness-model.json``."""

    parameters: int
    final_loss: float
    seconds: float  # wall clock
    cpu_seconds: float  # this process's CPU time: what the build costs on a machine others share


def train(recipe: TinyModelRecipe, folder: Path) -> TrainingReport:
    """Train ``recipe`` from its seed and save the model and its tokenizer into ``folder``.

    Raises:
        TypeError: a recipe class this module does not know how to train.
    """
    start, cpu_start = time.perf_counter(), time.process_time()
    with deterministic(recipe.schedule.seed):
        texts = [text for name in recipe.tokenizer.learn_from for text in read_texts(name)]
        backend = train_tokenizer(recipe.tokenizer, texts)
        model: PreTrainedModel
        match recipe:
            case CausalLMRecipe():
                model, tokenizer, loss = train_causal_lm(recipe, backend)
            case Seq2SeqRecipe():
                model, tokenizer, loss = train_seq2seq(recipe, backend)
            case SentimentRecipe():
                model, tokenizer, loss = train_sentiment(recipe, backend)
            case _:
                raise TypeError(f"no trainer for {type(recipe).__name__}")
    with no_progress_bars():
        model.save_pretrained(folder)
        tokenizer.save_pretrained(folder)
    parameters = sum(p.numel() for p in model.parameters())
    return TrainingReport(
        parameters=parameters,
        final_loss=round(loss, 4),
        seconds=round(time.perf_counter() - start, 2),
        cpu_seconds=round(time.process_time() - cpu_start, 2),
    )


@contextmanager
def deterministic(seed: int) -> Iterator[None]:
    """One thread and a seeded RNG inside; the caller's thread count and RNG state after."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            yield
    finally:
        torch.set_num_threads(threads)


@contextmanager
def no_progress_bars() -> Iterator[None]:
    """transformers' progress bars off inside (a build is not a download), as before after."""
    enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    try:
        yield
    finally:
        if enabled:
            hf_logging.enable_progress_bar()  # type: ignore[no-untyped-call]


# --- tokenizers --------------------------------------------------------------------------


def train_tokenizer(recipe: TokenizerRecipe, texts: list[str]) -> Tokenizer:
    """A byte-level BPE tokenizer learnt from ``texts``; ids 0-3 are the special tokens."""
    tokenizer = Tokenizer(models.BPE())
    if recipe.lowercase:
        tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=recipe.add_prefix_space)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=recipe.vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),  # every byte: no text is unknown
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer)
    return tokenizer


def wrap_tokenizer(backend: Tokenizer, max_length: int, padding_side: str = "right") -> PreTrainedTokenizerFast:
    """The transformers tokenizer around ``backend``, with the special tokens named."""
    return PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=backend,
        bos_token=BOS,
        eos_token=EOS,
        pad_token=PAD,
        unk_token=UNK,
        cls_token=BOS,
        sep_token=EOS,
        model_max_length=max_length,
        padding_side=padding_side,
    )


# --- the three tasks ---------------------------------------------------------------------


def train_causal_lm(
    recipe: CausalLMRecipe, backend: Tokenizer
) -> tuple[PreTrainedModel, PreTrainedTokenizerFast, float]:
    """GPT-2 on random windows of the corpus, read as one stream of paragraphs."""
    backend.post_processor = processors.ByteLevel(trim_offsets=False)
    # Left padding: batched generation must end every prompt at the same position.
    tokenizer = wrap_tokenizer(backend, int(recipe.config["n_positions"]), padding_side="left")
    # Encoded by the backend: the stream is far longer than one context, which is fine here.
    stream = torch.tensor(backend.encode("\n".join(read_paragraphs())).ids)
    config = GPT2Config(vocab_size=len(tokenizer), bos_token_id=BOS_ID, eos_token_id=EOS_ID, pad_token_id=PAD_ID)
    config.update(dict(recipe.config))
    model = GPT2LMHeadModel(config)
    window = recipe.block_size + 1

    def step_loss(module: torch.nn.Module, generator: torch.Generator) -> Tensor:
        starts = torch.randint(0, len(stream) - window, (recipe.schedule.batch_size,), generator=generator)
        batch = torch.stack([stream[s : s + window] for s in starts.tolist()])
        logits = module(input_ids=batch[:, :-1]).logits
        return functional.cross_entropy(logits.flatten(0, 1), batch[:, 1:].flatten())

    loss = fit(model, step_loss, recipe.schedule)
    model.generation_config = GenerationConfig(  # type: ignore[no-untyped-call]
        bos_token_id=BOS_ID,
        eos_token_id=EOS_ID,
        pad_token_id=PAD_ID,
        do_sample=False,
        max_new_tokens=recipe.max_new_tokens,
    )
    return model, tokenizer, loss


def train_seq2seq(recipe: Seq2SeqRecipe, backend: Tokenizer) -> tuple[PreTrainedModel, PreTrainedTokenizerFast, float]:
    """BART mapping each corpus paragraph to its first sentence."""
    backend.post_processor = processors.TemplateProcessing(
        single=f"$A {EOS}", pair=f"$A {EOS} $B {EOS}", special_tokens=[(EOS, EOS_ID)]
    )
    tokenizer = wrap_tokenizer(backend, int(recipe.config["max_position_embeddings"]))
    paragraphs = read_paragraphs()
    sources = tokenizer(
        paragraphs, truncation=True, max_length=recipe.source_max_tokens, padding=True, return_tensors="pt"
    )
    targets = tokenizer(
        [first_sentence(p) for p in paragraphs],
        truncation=True,
        max_length=recipe.target_max_tokens,
        padding=True,
        return_tensors="pt",
    )
    labels: Tensor = targets["input_ids"].masked_fill(targets["attention_mask"] == 0, -100)
    config = BartConfig(
        vocab_size=len(tokenizer),
        pad_token_id=PAD_ID,
        bos_token_id=BOS_ID,
        eos_token_id=EOS_ID,
        decoder_start_token_id=EOS_ID,
        forced_eos_token_id=EOS_ID,
    )
    config.update(dict(recipe.config))
    model = BartForConditionalGeneration(config)
    weights = torch.ones(labels.shape[1])
    weights[: recipe.weighted_target_tokens] = recipe.target_token_weight

    def step_loss(module: torch.nn.Module, generator: torch.Generator) -> Tensor:
        rows = torch.randint(0, len(paragraphs), (recipe.schedule.batch_size,), generator=generator)
        # Cut the padding that no row of this batch needs: a third of the work, for nothing.
        source_mask = sources["attention_mask"][rows]
        source_width = int(source_mask.sum(dim=1).max())
        batch_labels = labels[rows]
        target_width = int((batch_labels != -100).sum(dim=1).max())
        batch_labels = batch_labels[:, :target_width]
        logits = module(
            input_ids=sources["input_ids"][rows, :source_width],
            attention_mask=source_mask[:, :source_width],
            decoder_input_ids=model.prepare_decoder_input_ids_from_labels(labels=batch_labels),
        ).logits
        per_token = functional.cross_entropy(logits.transpose(1, 2), batch_labels, ignore_index=-100, reduction="none")
        weight = weights[:target_width] * (batch_labels != -100)
        return (per_token * weight).sum() / weight.sum()

    loss = fit(model, step_loss, recipe.schedule)
    model.generation_config = GenerationConfig(  # type: ignore[no-untyped-call]
        bos_token_id=BOS_ID,
        eos_token_id=EOS_ID,
        pad_token_id=PAD_ID,
        decoder_start_token_id=EOS_ID,
        forced_eos_token_id=EOS_ID,
        do_sample=False,
        num_beams=1,
        max_new_tokens=recipe.target_max_tokens,
    )
    return model, tokenizer, loss


def train_sentiment(
    recipe: SentimentRecipe, backend: Tokenizer
) -> tuple[PreTrainedModel, PreTrainedTokenizerFast, float]:
    """DistilBERT classifying the shipped sentences; ``id2label`` names the classes."""
    backend.post_processor = processors.TemplateProcessing(
        single=f"{BOS} $A {EOS}",
        pair=f"{BOS} $A {EOS} {EOS} $B {EOS}",
        special_tokens=[(BOS, BOS_ID), (EOS, EOS_ID)],
    )
    tokenizer = wrap_tokenizer(backend, int(recipe.config["max_position_embeddings"]))
    examples = read_labelled(recipe.data[0])
    unknown = sorted({label for label, _ in examples} - set(recipe.labels))
    if unknown:
        raise ValueError(f"{recipe.data[0]}: labels {unknown} are not among {list(recipe.labels)}")
    encoded = tokenizer(
        [text for _, text in examples], truncation=True, max_length=recipe.max_tokens, padding=True, return_tensors="pt"
    )
    classes = torch.tensor([recipe.labels.index(label) for label, _ in examples])
    config = DistilBertConfig(
        vocab_size=len(tokenizer),
        pad_token_id=PAD_ID,
        id2label=dict(enumerate(recipe.labels)),
        label2id={label: i for i, label in enumerate(recipe.labels)},
    )
    config.update(dict(recipe.config))
    model = DistilBertForSequenceClassification(config)

    def step_loss(module: torch.nn.Module, generator: torch.Generator) -> Tensor:
        rows = torch.randint(0, len(examples), (recipe.schedule.batch_size,), generator=generator)
        logits = module(input_ids=encoded["input_ids"][rows], attention_mask=encoded["attention_mask"][rows]).logits
        return functional.cross_entropy(logits, classes[rows])

    return model, tokenizer, fit(model, step_loss, recipe.schedule)


def first_sentence(paragraph: str) -> str:
    """The paragraph up to its first full stop, question or exclamation mark."""
    match = FIRST_SENTENCE.match(paragraph)
    return match.group(0) if match else paragraph


# --- the training loop -------------------------------------------------------------------


def fit(model: torch.nn.Module, step_loss: StepLoss, schedule: Schedule) -> float:
    """Run ``schedule.steps`` optimiser steps on ``step_loss``; return the last loss."""
    generator = torch.Generator().manual_seed(schedule.seed)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=schedule.learning_rate, betas=(0.9, 0.98), weight_decay=schedule.weight_decay
    )
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: learning_rate_factor(schedule, step))
    model.train()
    loss = torch.tensor(math.nan)
    for _ in range(schedule.steps):
        loss = step_loss(model, generator)
        optimizer.zero_grad()
        loss.backward()  # type: ignore[no-untyped-call]
        torch.nn.utils.clip_grad_norm_(model.parameters(), schedule.clip_norm)
        optimizer.step()
        scheduler.step()
    model.eval()
    return float(loss.item())


def learning_rate_factor(schedule: Schedule, step: int) -> float:
    """Linear warm-up to 1, then cosine decay to 0.1 at the last step."""
    warm = min(1.0, (step + 1) / schedule.warmup_steps) if schedule.warmup_steps else 1.0
    return warm * (0.1 + 0.45 * (1 + math.cos(math.pi * step / schedule.steps)))
