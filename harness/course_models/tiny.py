"""Build the tiny local models on first use and reuse them from the cache after.

A model folder is ``<cache>/models/<name>-<key>``, where ``<key>`` is the first 12 hex digits
of a SHA-256 over the recipe, the shipped data files, the training code and the versions of
torch, transformers, tokenizers and safetensors. It holds what ``save_pretrained`` writes for
the model and its tokenizer, plus ``harness-model.json`` (the key's inputs and what the build
measured), which is written last: a folder is published complete or not at all.

Concurrent builders are safe: each builds into its own temporary folder beside the final one
and renames it into place (atomic on one file system), and a lock file makes a second builder
of the same model wait for the first instead of training it again. Every file is made 0644 and
every folder 0755, because ``save_pretrained`` writes 0600 files that a sandbox user (another
uid) could not read.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, fields, is_dataclass
from pathlib import Path
from typing import Any

from harness.course_models.recipes import RECIPES, ImageRecipe, SpeechRecipe, TinyModelRecipe
from harness.errors import HarnessError, UnknownPluginError
from harness.kept import make_folder, why_not_ours, why_not_ours_tree, why_not_safe_parent
from harness.versions import installed_version

MARKER = "harness-model.json"
CODE_DIR = Path(__file__).resolve().parent
LIBRARIES = ("torch", "transformers", "tokenizers", "safetensors")
ML_EXTRA = "pip install 'genai-harness[ml]'"


class TinyModelError(HarnessError):
    """A tiny model cannot be built or its cache folder is not what the harness wrote."""


class UnknownModelError(UnknownPluginError):
    """A model name that no recipe answers to."""


def names() -> list[str]:
    """The names that :func:`build` accepts, sorted."""
    return sorted(RECIPES)


def default_cache_dir() -> Path:
    """``$HARNESS_CACHE``, else ``~/.cache/genai-harness``."""
    return Path(os.environ.get("HARNESS_CACHE") or Path.home() / ".cache" / "genai-harness")


def build(name: str, cache_dir: Path | None = None) -> Path:
    """The folder of the tiny model ``name``, built now unless the cache already has it.

    Args:
        name: one of :func:`names`.
        cache_dir: the cache root (default :func:`default_cache_dir`); models go in ``models/``.

    Returns:
        A folder that ``from_pretrained`` and ``pipeline(model=...)`` load offline.

    Raises:
        UnknownModelError: ``name`` is not a known model (the message lists the known ones).
        TinyModelError: torch or transformers is missing, or the cache folder is damaged.
    """
    if name not in RECIPES:
        raise UnknownModelError(f"unknown tiny model {name!r}; known models: {', '.join(names())}")
    return build_recipe(RECIPES[name], cache_dir)


def build_all(cache_dir: Path | None = None) -> dict[str, Path]:
    """Build (or find in the cache) every tiny model; returns ``{name: folder}``."""
    return {name: build(name, cache_dir) for name in names()}


def build_recipe(recipe: TinyModelRecipe, cache_dir: Path | None = None) -> Path:
    """Like :func:`build`, for any recipe: a variant of a shipped one, or one of your own."""
    models_dir = (cache_dir or default_cache_dir()) / "models"
    make_folder(models_dir)
    _check_ours(models_dir)
    key = cache_key(recipe)
    final = models_dir / f"{recipe.name}-{key}"
    if _is_complete(final):
        return final
    with _lock(models_dir / f".{final.name}.lock"):
        if _is_complete(final):  # another process built it while we waited for the lock
            return final
        scratch = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=models_dir))
        try:
            report = _train(recipe, scratch)
            marker = {"name": recipe.name, "key": key, **key_inputs(recipe), **report}
            (scratch / MARKER).write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            make_world_readable(scratch)
            publish(scratch, final)
        finally:
            if scratch.exists():
                shutil.rmtree(scratch)
    return final


def cache_key(recipe: TinyModelRecipe) -> str:
    """12 hex digits that change whenever anything that decides the model's bytes changes."""
    canonical = json.dumps(key_inputs(recipe), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def key_inputs(recipe: TinyModelRecipe) -> dict[str, Any]:
    """Everything the cache key hashes, as JSON-ready data (also written into the folder)."""
    return {
        "recipe": {"class": type(recipe).__name__, **_plain(recipe)},
        "data_sha256": {path.name: _sha256(path) for path in recipe.data_paths()},
        "training_code_sha256": training_code_sha256(recipe),
        "versions": {library: installed_version(library) for library in LIBRARIES},
    }


def training_code_sha256(recipe: TinyModelRecipe) -> str:
    """sha256 over the source of the recipe's training modules, in order (one module: its file's hash)."""
    digest = hashlib.sha256()
    for name in recipe.training_code:
        digest.update((CODE_DIR / name).read_bytes())
    return digest.hexdigest()


def publish(scratch: Path, final: Path) -> None:
    """Rename the finished ``scratch`` folder to ``final``; if a complete ``final`` won the
    race, drop ``scratch`` instead.

    Raises:
        TinyModelError: ``final`` exists but is not a complete model folder.
    """
    try:
        scratch.rename(final)
    except OSError as error:
        if error.errno not in (errno.EEXIST, errno.ENOTEMPTY) or not _is_complete(final):
            raise
        shutil.rmtree(scratch)


def make_world_readable(folder: Path) -> None:
    """Folders 0755 and files 0644 under (and including) ``folder``."""
    folder.chmod(0o755)
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            Path(root, name).chmod(0o755)
        for name in files:
            Path(root, name).chmod(0o644)


def _train(recipe: TinyModelRecipe, folder: Path) -> dict[str, Any]:
    try:
        from harness.course_models import image_training, speech_training, training
    except ImportError as error:
        raise TinyModelError(f"building {recipe.name} needs torch and transformers ({error}): {ML_EXTRA}") from error
    if isinstance(recipe, ImageRecipe):
        return asdict(image_training.train(recipe, folder))
    if isinstance(recipe, SpeechRecipe):
        return asdict(speech_training.train(recipe, folder))
    return asdict(training.train(recipe, folder))


def _is_complete(folder: Path) -> bool:
    """True for a published model folder, False for none; a folder without a marker, or with
    anything in it another user wrote or could write, is an error."""
    if (folder / MARKER).is_file():
        why = why_not_ours_tree(folder)
        if why is not None:
            raise TinyModelError(
                f"{why}: a model decides the expected values and the students' results alike, so its folder must "
                f"be this user's alone; delete {folder} and build again"
            )
        return True
    if folder.exists():
        raise TinyModelError(f"{folder} has no {MARKER}: it was not written by the harness; delete it and build again")
    return False


def _check_ours(models_dir: Path) -> None:
    """The models folder, and the cache folder holding it, keep everyone else out.

    Raises:
        TinyModelError: another user could put a model there, or rename one into place.
    """
    with contextlib.suppress(OSError):
        if models_dir.lstat().st_uid == os.geteuid():
            models_dir.chmod(0o755)  # ours: made group-writable by an earlier version under umask 002
    why = why_not_ours(models_dir, folder=True) or why_not_safe_parent(models_dir.parent)
    if why is not None:
        raise TinyModelError(
            f"{why}: the course's models decide grades and must be kept where no one else can write; "
            "set HARNESS_CACHE to a folder of your own"
        )


@contextmanager
def _lock(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        yield


def _plain(value: Any) -> Any:
    """Recipe values as JSON data: dataclasses and mappings become dicts, tuples lists."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
