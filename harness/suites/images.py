"""Image sets of a suite: the real set (a folder, or procedural art drawn into a cache) and the
folders of generated images that students and models submit.

Only NumPy and Pillow are used here; torch comes with the FID and KID metrics when they score.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.images import procedural
from harness.suites.errors import OutputsError
from harness.suites.model import ProceduralImages

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg"})
MAX_IMAGES = 10_000
MAX_IMAGE_BYTES = 20_000_000
MIN_IMAGES = 2
IN_MEMORY_LIMIT = 256_000_000  # bytes of pixels kept in memory when the cache cannot be written


def default_cache_dir() -> Path:
    """``$HARNESS_CACHE``, else ``~/.cache/genai-harness``."""
    return Path(os.environ.get("HARNESS_CACHE") or Path.home() / ".cache" / "genai-harness")


def procedural_key(spec: ProceduralImages) -> str:
    """12 hex digits of a hash over the spec and the generator's code: the cache folder's name."""
    payload = json.dumps(spec.model_dump(mode="json"), sort_keys=True).encode()
    code = Path(procedural.__file__).read_bytes()
    return hashlib.sha256(payload + b"\0" + code).hexdigest()[:12]


def procedural_real_set(spec: ProceduralImages, cache_dir: Path | None = None) -> Path | np.ndarray:
    """The real images ``spec`` describes: a cached folder of PNGs, drawn on first use.

    The folder is written beside its final place and renamed into it, so a half-written set is
    never used. When the cache cannot be written the images come back as one array instead.

    Raises:
        OSError: the cache is not writable and the set is too large to hold in memory.
    """
    folder = (cache_dir or default_cache_dir()) / "suites" / f"procedural-{procedural_key(spec)}"
    if folder.is_dir():
        return folder
    style = spec.style.art_style()
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".procedural-", dir=folder.parent))
        procedural.write_art(work, spec.count, style, spec.seed, spec.size, procedural.REAL_SEED_STREAM)
        try:
            work.rename(folder)
        except OSError:  # another process published the same set first
            shutil.rmtree(work, ignore_errors=True)
        return folder
    except OSError:
        if spec.count * spec.size * spec.size * 3 > IN_MEMORY_LIMIT:
            raise
        return procedural.art_array(spec.count, style, spec.seed, spec.size, procedural.REAL_SEED_STREAM)


@dataclass(frozen=True)
class ImageFolder:
    """A checked folder of generated images; ``ids`` are their paths inside it, in scoring order."""

    path: Path
    ids: list[str]

    def sha256(self) -> str:
        """A hash over every image's relative path and bytes."""
        digest = hashlib.sha256()
        for name in self.ids:
            digest.update(name.encode() + b"\0" + hashlib.sha256((self.path / name).read_bytes()).digest())
        return digest.hexdigest()


def check_image_folder(path: Path, display: str) -> ImageFolder:
    """Check a submitted folder of images before any of them is decoded.

    Raises:
        OutputsError: not a folder, a link anywhere inside (links are not followed), fewer than
            two images, too many, or a file too large.
    """
    if path.is_symlink() or not path.is_dir():
        what = "a link" if path.is_symlink() else "not a folder" if path.exists() else "missing"
        raise OutputsError([f"{display}: {what}; expected a folder of PNG or JPEG images"])
    problems: list[str] = []
    files: list[Path] = []
    for root, dirs, names in os.walk(path):
        for name in sorted(dirs + names):
            entry = Path(root) / name
            shown = f"{display}/{entry.relative_to(path).as_posix()}"
            if entry.is_symlink():
                problems.append(f"{shown}: a link (links are not followed; copy the image instead)")
            elif entry.suffix.lower() in IMAGE_SUFFIXES and entry.is_file():
                if entry.stat().st_size > MAX_IMAGE_BYTES:
                    problems.append(f"{shown}: {entry.stat().st_size} bytes; the limit is {MAX_IMAGE_BYTES}")
                files.append(entry)
        dirs[:] = [d for d in dirs if not (Path(root) / d).is_symlink()]
    if len(files) < MIN_IMAGES:
        problems.append(f"{display}: {len(files)} PNG/JPEG image(s); at least {MIN_IMAGES} are needed")
    elif len(files) > MAX_IMAGES:
        problems.append(f"{display}: {len(files)} images; the limit is {MAX_IMAGES}")
    if problems:
        raise OutputsError(problems)
    # the order FolderImages reads them in: sorted paths
    return ImageFolder(path, [p.relative_to(path).as_posix() for p in sorted(files)])
