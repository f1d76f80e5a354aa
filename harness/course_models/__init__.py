"""Tiny Hugging Face models built locally, for coding exercises and tests.

``build("tiny-gpt2")`` returns a folder that ``AutoModelForCausalLM.from_pretrained``,
``AutoTokenizer.from_pretrained`` and ``pipeline(..., model=folder)`` load with no network.
The models are trained in seconds on CPU from text shipped with the harness (``corpus.txt``,
``sentiment.tsv``), from fixed seeds, and cached by a hash of everything that decides their
bytes. Nothing heavy is imported here: torch and transformers come only with a build.

=================  ===================================================================
``tiny-gpt2``      GPT-2 (causal LM); greedy ``generate`` writes course-like sentences
``tiny-seq2seq``   BART; ``generate`` answers a course paragraph with its first sentence
``tiny-sentiment`` DistilBERT; ``pipeline("sentiment-analysis")`` says NEGATIVE/POSITIVE
``tiny-asr``       wav2vec2 CTC; transcribes tone-coded speech (``tones``), one tone a character
``tiny-imagegpt``  ImageGPT; ``generate`` draws 16x16 procedural art in 16 colours (no tokenizer)
=================  ===================================================================
"""

from harness.course_models.recipes import RECIPES, TinyModelRecipe
from harness.course_models.tiny import (
    TinyModelError,
    UnknownModelError,
    build,
    build_all,
    build_recipe,
    cache_key,
    default_cache_dir,
    names,
)

__all__ = [
    "RECIPES",
    "TinyModelError",
    "TinyModelRecipe",
    "UnknownModelError",
    "build",
    "build_all",
    "build_recipe",
    "cache_key",
    "default_cache_dir",
    "names",
]
