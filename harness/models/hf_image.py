"""Image generation for the ``hf`` adapter: a local ImageGPT draws one image per request.

ImageGPT writes an image as a raster of colour-cluster ids after a start-of-image token (the
last id of its vocabulary). The clusters are read from the ``ImageGPTImageProcessor`` saved
beside the model (``preprocessor_config.json``), which turns ids back into RGB pixels. Every
request's image is returned as a PNG ``data:`` URI, a string like any other output, so the
eval cache, the result JSON and the HTML report carry images without a second code path;
:func:`decode_png` reads one back.

Sampling is the text models' per-row sampler (:class:`harness.models.hf.RowSampler`, handed in
by the adapter), so an image depends on the model, the parameters, the seed and its index only:
a batch draws what one-by-one draws. ``temperature: 0`` is greedy: every image is the same.
The request's ``max_new_tokens`` is ignored: an image is always ``height x width`` ids.

Drawing runs on one torch thread unless the adapter's ``threads`` option says otherwise: a step
of a model this small is too short to share, and on a busy two-core machine two threads made
one 16x16 image take 12 s instead of 0.8 s.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from harness.models.base import AdapterError, Request

PNG_PREFIX = "data:image/png;base64,"
PROCESSOR_FILE = "preprocessor_config.json"


class ImageGenerator:
    """A loaded ImageGPT and its colour clusters (``clusters x 3`` in ImageGPT's [-1, 1] scale)."""

    def __init__(self, folder: Path, device: str, threads: int = 1) -> None:
        from transformers import ImageGPTForCausalImageModeling

        self.folder = folder
        self.threads = threads
        self.clusters, self.height, self.width = read_clusters(folder)
        try:
            model: Any = ImageGPTForCausalImageModeling.from_pretrained(folder, local_files_only=True)
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise AdapterError(f"hf:{folder}: cannot load the image model: {str(exc).splitlines()[0]}") from None
        self.model = model.to(device).eval()
        self.start_token = int(self.model.config.vocab_size) - 1
        if self.start_token != len(self.clusters):
            raise AdapterError(
                f"hf:{folder}: {len(self.clusters)} colour clusters but a vocabulary of "
                f"{self.model.config.vocab_size} (expected clusters + 1 start token)"
            )
        if self.height * self.width >= int(self.model.config.n_positions):
            raise AdapterError(
                f"hf:{folder}: a {self.height}x{self.width} image needs more positions than the model has"
            )

    def draw(self, requests: Sequence[Request], logits_processor: Any) -> list[str]:
        """One PNG data URI per request, in one ``generate()`` call (``logits_processor``: the
        seeded per-row sampler, or ``None`` for greedy decoding)."""
        import torch

        start = torch.full((len(requests), 1), self.start_token, dtype=torch.long, device=self.model.device)
        kwargs: dict[str, Any] = {"logits_processor": logits_processor} if logits_processor is not None else {}
        before = torch.get_num_threads()
        torch.set_num_threads(self.threads)
        try:
            out = self._generate(start, kwargs)
        finally:
            torch.set_num_threads(before)
        ids = out[:, 1:].cpu().numpy()
        return [encode_png(self.pixels(row)) for row in ids]

    def _generate(self, start: Any, kwargs: dict[str, Any]) -> Any:
        import torch

        with torch.inference_mode():
            out = self.model.generate(
                input_ids=start,
                attention_mask=torch.ones_like(start),
                max_new_tokens=self.height * self.width,
                min_new_tokens=self.height * self.width,
                do_sample=False,
                num_beams=1,
                suppress_tokens=[self.start_token],  # a start token inside an image is no colour
                pad_token_id=self.start_token,
                **kwargs,
            )
        return out

    def pixels(self, ids: np.ndarray) -> np.ndarray:
        """``(height, width, 3)`` uint8 RGB of one image's cluster ids."""
        rgb = (self.clusters[ids.reshape(self.height, self.width)] + 1.0) * 127.5
        pixels: np.ndarray = np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
        return pixels


def read_clusters(folder: Path) -> tuple[np.ndarray, int, int]:
    """The colour clusters and the image size that ``preprocessor_config.json`` holds.

    Raises:
        AdapterError: the file is missing, not JSON, or has no ``clusters`` of RGB triples.
    """
    path = folder / PROCESSOR_FILE
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except OSError:
        raise AdapterError(f"hf:{path}: an ImageGPT folder needs its image processor (the colour clusters)") from None
    except ValueError as exc:
        raise AdapterError(f"hf:{path}: not JSON: {exc}") from None
    clusters = np.asarray(config.get("clusters") if isinstance(config, dict) else None, dtype=np.float64)
    if clusters.ndim != 2 or clusters.shape[1] != 3 or len(clusters) == 0:
        raise AdapterError(f"hf:{path}: `clusters` must be a list of [r, g, b] in [-1, 1]")
    size = config.get("size") or {}
    height, width = int(size.get("height", 0)), int(size.get("width", 0))
    if height <= 0 or width <= 0:
        raise AdapterError(f"hf:{path}: `size` must give a positive height and width")
    return clusters, height, width


def encode_png(pixels: np.ndarray) -> str:
    """``pixels`` as a PNG data URI (Pillow, fixed settings: the same pixels give the same bytes)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", compress_level=6)
    return PNG_PREFIX + base64.b64encode(buffer.getvalue()).decode("ascii")


def decode_png(output: str) -> bytes:
    """The PNG bytes of an output written by :func:`encode_png`.

    Raises:
        ValueError: the output is not a PNG data URI.
    """
    if not output.startswith(PNG_PREFIX):
        raise ValueError(f"not a PNG data URI: {output[:40]!r}")
    data = base64.b64decode(output[len(PNG_PREFIX) :], validate=True)
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError("the data URI does not hold a PNG")
    return data
