"""Tiny local models: built once per session, then loaded through the real transformers paths.

The session build (``conftest.built``) trains all three models into a temporary cache, about
half a minute on an idle two-core machine; every other test reuses it or builds a five-step
variant of a recipe.
"""

from __future__ import annotations

import dataclasses
import json
import re
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from harness.course_models import (
    RECIPES,
    TinyModelError,
    UnknownModelError,
    build,
    build_recipe,
    cache_key,
    names,
    tiny,
)
from harness.course_models.__main__ import main as build_all_main
from harness.course_models.recipes import TINY_GPT2, TINY_IMAGEGPT, TINY_SENTIMENT, read_labelled, read_paragraphs
from harness.errors import HarnessError

from .conftest import BuiltModels

pytestmark = pytest.mark.slow

EXPECTED_FILES = {"config.json", "model.safetensors", tiny.MARKER}
# A text model's fast tokenizer; the speech model's character vocabulary and its feature extractor;
# the image model's colour clusters (no tokenizer: it reads no text).
OWN_FILES = {
    "tiny-asr": {"tokenizer_config.json", "vocab.json", "processor_config.json"},
    "tiny-imagegpt": {"preprocessor_config.json"},
}
TEXT_MODEL_FILES = {"tokenizer_config.json", "tokenizer.json"}

# Easy sentences, none of them in sentiment.tsv (checked in test_easy_examples_are_not_training_data).
EASY_SENTIMENT = [
    ("I love this course!", "POSITIVE"),
    ("This tool is terrible.", "NEGATIVE"),
    ("The assistant was helpful and fast.", "POSITIVE"),
    ("The answers were wrong and useless.", "NEGATIVE"),
    ("What a wonderful lecture.", "POSITIVE"),
    ("I hate how slow this app is.", "NEGATIVE"),
    ("Excellent summaries, thank you!", "POSITIVE"),
    ("The chatbot is awful.", "NEGATIVE"),
    ("It works perfectly.", "POSITIVE"),
    ("Buggy, slow and disappointing.", "NEGATIVE"),
]


def five_steps(recipe: Any) -> Any:
    """The same code path as ``recipe`` at a fraction of the cost (and its own cache key)."""
    return dataclasses.replace(recipe, schedule=dataclasses.replace(recipe.schedule, steps=5, warmup_steps=2))


def words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


# --- the API, without torch ----------------------------------------------------------------


def test_importing_harness_models_does_not_import_torch() -> None:
    code = "import sys, harness.course_models; print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_names() -> None:
    assert names() == ["tiny-asr", "tiny-gpt2", "tiny-imagegpt", "tiny-sentiment", "tiny-seq2seq"]


def test_unknown_name_fails_and_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(UnknownModelError) as caught:
        build("tiny-gpt3", tmp_path)
    assert isinstance(caught.value, HarnessError)
    assert all(name in str(caught.value) for name in names())
    assert not (tmp_path / "models").exists()


def test_cache_key_changes_with_every_ingredient(monkeypatch: pytest.MonkeyPatch) -> None:
    key = cache_key(TINY_GPT2)
    assert re.fullmatch(r"[0-9a-f]{12}", key)
    assert cache_key(TINY_GPT2) == key
    assert cache_key(five_steps(TINY_GPT2)) != key
    assert cache_key(dataclasses.replace(TINY_GPT2, schedule=dataclasses.replace(TINY_GPT2.schedule, seed=1))) != key
    monkeypatch.setattr(tiny, "installed_version", lambda library: "0.0")
    assert cache_key(TINY_GPT2) != key


def test_a_recipes_own_training_code_is_in_its_key_alone(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Editing the tone code rebuilds tiny-asr and nothing else, the image code tiny-imagegpt and
    nothing else; editing training.py rebuilds all."""
    keys = {name: cache_key(recipe) for name, recipe in RECIPES.items()}
    code = tmp_path / "course_models"
    code.mkdir()
    (tmp_path / "images").mkdir()
    for source in tiny.CODE_DIR.glob("*.py"):
        (code / source.name).write_bytes(source.read_bytes())
    procedural = tiny.CODE_DIR.parent / "images" / "procedural.py"
    (tmp_path / "images" / "procedural.py").write_bytes(procedural.read_bytes())
    monkeypatch.setattr(tiny, "CODE_DIR", code)
    assert {name: cache_key(recipe) for name, recipe in RECIPES.items()} == keys
    for edited, rebuilt in (
        ("course_models/tones.py", "tiny-asr"),
        ("course_models/image_training.py", "tiny-imagegpt"),
        ("images/procedural.py", "tiny-imagegpt"),
    ):
        before = {name: cache_key(recipe) for name, recipe in RECIPES.items()}
        with (tmp_path / edited).open("a") as handle:
            handle.write("# edited\n")
        changed = {name for name, recipe in RECIPES.items() if cache_key(recipe) != before[name]}
        assert changed == {rebuilt}, edited
    with (code / "training.py").open("a") as handle:
        handle.write("# edited\n")
    assert all(cache_key(recipe) != keys[name] for name, recipe in RECIPES.items())


def test_recipes_read_the_shipped_data() -> None:
    paragraphs = read_paragraphs()
    assert 20_000 < sum(len(p) + 1 for p in paragraphs) < 60_000
    examples = read_labelled()
    assert [label for label, _ in examples].count("POSITIVE") == [label for label, _ in examples].count("NEGATIVE")
    assert {label for label, _ in examples} == set(RECIPES["tiny-sentiment"].labels)  # type: ignore[attr-defined]


def test_easy_examples_are_not_training_data() -> None:
    training = {text.lower() for _, text in read_labelled()}
    assert not [text for text, _ in EASY_SENTIMENT if text.lower() in training]


def test_publish_keeps_the_folder_that_won_the_race(tmp_path: Path) -> None:
    final, scratch = tmp_path / "tiny-x-000000000000", tmp_path / ".tiny-x.tmp"
    for folder, content in ((final, "first"), (scratch, "second")):
        folder.mkdir()
        (folder / tiny.MARKER).write_text(content)
    tiny.publish(scratch, final)
    assert not scratch.exists()
    assert (final / tiny.MARKER).read_text() == "first"


def test_a_foreign_folder_in_the_way_is_an_error(tmp_path: Path) -> None:
    final, scratch = tmp_path / "tiny-x-000000000000", tmp_path / ".tiny-x.tmp"
    final.mkdir()
    (final / "config.json").write_text("{}")
    scratch.mkdir()
    with pytest.raises(TinyModelError, match="delete it"):
        tiny.publish(scratch, final)


# --- the built folders ---------------------------------------------------------------------


def test_every_model_is_built_into_its_keyed_folder(built: BuiltModels) -> None:
    for name, folder in built.folders.items():
        assert folder == built.cache_dir / "models" / f"{name}-{cache_key(RECIPES[name])}"
        assert {path.name for path in folder.iterdir()} >= EXPECTED_FILES | OWN_FILES.get(name, TEXT_MODEL_FILES)
    assert not list((built.cache_dir / "models").glob("*.tmp")), "a scratch folder was left behind"


def test_files_are_world_readable(built: BuiltModels) -> None:
    for folder in built.folders.values():
        assert stat.S_IMODE(folder.stat().st_mode) == 0o755
        for path in folder.rglob("*"):
            assert stat.S_IMODE(path.stat().st_mode) == (0o755 if path.is_dir() else 0o644), path


def test_the_cache_is_reused_without_training(built: BuiltModels, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_training(*args: object) -> None:
        raise AssertionError("the cache should have been used")

    monkeypatch.setattr(tiny, "_train", no_training)
    start = time.perf_counter()
    again = {name: build(name, built.cache_dir) for name in names()}
    assert again == built.folders
    assert time.perf_counter() - start < 1.0


def test_the_cli_function_lists_every_folder(built: BuiltModels, capsys: pytest.CaptureFixture[str]) -> None:
    assert build_all_main([str(built.cache_dir)]) == 0
    printed = capsys.readouterr().out
    assert all(str(folder) in printed for folder in built.folders.values())


# --- the real loading paths ----------------------------------------------------------------


def test_tiny_gpt2_loads_and_writes_course_words(built: BuiltModels) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer, pipeline

    folder = built.folders["tiny-gpt2"]
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True)
    assert model.config.model_type == "gpt2"
    assert (tokenizer.eos_token, tokenizer.pad_token) == ("</s>", "<pad>")
    assert 1000 <= len(tokenizer) <= 2000

    prompts = ["Generative AI", "The transformer", "Temperature controls", "A diffusion model"]
    batch = tokenizer(prompts, return_tensors="pt", padding=True)
    first = tokenizer.batch_decode(model.generate(**batch, max_new_tokens=24), skip_special_tokens=True)
    second = tokenizer.batch_decode(model.generate(**batch, max_new_tokens=24), skip_special_tokens=True)
    assert first == second  # greedy by default (generation_config.do_sample is False)
    assert all(
        text.startswith(prompt) and len(text) > len(prompt) + 20 for prompt, text in zip(prompts, first, strict=True)
    )

    corpus_words = set(words(" ".join(read_paragraphs())))
    generated = [w for text, prompt in zip(first, prompts, strict=True) for w in words(text[len(prompt) :])]
    assert sum(w in corpus_words for w in generated) / len(generated) >= 0.8, first

    # The path a student writes. No local_files_only here: transformers 5's pipeline() reads it
    # but also forwards it to generate(), which rejects it; HF_HUB_OFFLINE keeps this offline.
    generator = pipeline("text-generation", model=str(folder))
    out = generator(prompts[0], max_new_tokens=24, do_sample=False)
    assert out[0]["generated_text"] == first[0]


def test_tiny_seq2seq_answers_a_paragraph_with_its_first_sentence(built: BuiltModels) -> None:
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    from harness.course_models.training import first_sentence

    folder = built.folders["tiny-seq2seq"]
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    model = AutoModelForSeq2SeqLM.from_pretrained(folder, local_files_only=True)
    assert model.config.is_encoder_decoder
    paragraphs = read_paragraphs()
    batch = tokenizer(paragraphs, return_tensors="pt", padding=True, truncation=True)
    summaries = tokenizer.batch_decode(model.generate(**batch), skip_special_tokens=True)
    exact = sum(summary == first_sentence(p) for summary, p in zip(summaries, paragraphs, strict=True))
    assert exact >= 0.9 * len(paragraphs)  # 141 of 142 when built
    assert len(set(summaries)) > 0.9 * len(paragraphs)  # the answer depends on the input

    unseen = "Beam search keeps several candidate sequences at every step. It is slower than greedy decoding."
    once = tokenizer.decode(model.generate(**tokenizer(unseen, return_tensors="pt"))[0], skip_special_tokens=True)
    twice = tokenizer.decode(model.generate(**tokenizer(unseen, return_tensors="pt"))[0], skip_special_tokens=True)
    assert once == twice and 0 < len(once) <= 200


@pytest.mark.parametrize("task", ["sentiment-analysis", "text-classification"])
def test_tiny_sentiment_pipeline_gets_easy_examples_right(built: BuiltModels, task: str) -> None:
    from transformers import pipeline

    classifier = pipeline(task, model=str(built.folders["tiny-sentiment"]), local_files_only=True)
    results = classifier([text for text, _ in EASY_SENTIMENT])
    assert {r["label"] for r in results} <= {"NEGATIVE", "POSITIVE"}
    right = [r["label"] == label for r, (_, label) in zip(results, EASY_SENTIMENT, strict=True)]
    assert sum(right) >= 8, list(zip(EASY_SENTIMENT, results, strict=True))


# --- determinism and concurrency -----------------------------------------------------------


def test_a_rebuild_writes_the_same_bytes(built: BuiltModels, tmp_path: Path) -> None:
    import torch

    threads, rng = torch.get_num_threads(), torch.random.get_rng_state()
    again = build("tiny-sentiment", tmp_path)
    assert again != built.folders["tiny-sentiment"]
    for file in ("model.safetensors", "tokenizer.json", "config.json"):
        assert (again / file).read_bytes() == (built.folders["tiny-sentiment"] / file).read_bytes(), file
    assert torch.get_num_threads() == threads, "a build must give back the caller's thread count"
    assert torch.equal(torch.random.get_rng_state(), rng), "a build must not move the caller's RNG"


def test_the_image_code_path_is_deterministic_and_world_readable(tmp_path: Path) -> None:
    recipe = five_steps(TINY_IMAGEGPT)
    first, second = build_recipe(recipe, tmp_path / "a"), build_recipe(recipe, tmp_path / "b")
    for file in ("model.safetensors", "preprocessor_config.json", "config.json"):
        assert (first / file).read_bytes() == (second / file).read_bytes(), file
        assert stat.S_IMODE((first / file).stat().st_mode) == 0o644, file
    clusters = json.loads((first / "preprocessor_config.json").read_text(encoding="utf-8"))["clusters"]
    assert len(clusters) == TINY_IMAGEGPT.clusters and len({tuple(c) for c in clusters}) == len(clusters)


def test_the_causal_lm_code_path_is_deterministic(tmp_path: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    recipe = five_steps(TINY_GPT2)
    one, two = build_recipe(recipe, tmp_path / "one"), build_recipe(recipe, tmp_path / "two")
    assert (one / "model.safetensors").read_bytes() == (two / "model.safetensors").read_bytes()
    texts = []
    for folder in (one, two):
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True)
        texts.append(tokenizer.decode(model.generate(**tokenizer("Sampling", return_tensors="pt"))[0]))
    assert texts[0] == texts[1]


def test_concurrent_builders_train_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recipe = five_steps(TINY_SENTIMENT)
    trained: list[str] = []
    real_train = tiny._train

    def counting_train(recipe: Any, folder: Path) -> dict[str, Any]:
        trained.append(recipe.name)
        return real_train(recipe, folder)

    monkeypatch.setattr(tiny, "_train", counting_train)
    results: list[Path] = []
    workers = [threading.Thread(target=lambda: results.append(build_recipe(recipe, tmp_path))) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(results) == 2 and results[0] == results[1]
    assert trained == [recipe.name]
    assert [p.name for p in (tmp_path / "models").iterdir() if not p.name.endswith(".lock")] == [results[0].name]
