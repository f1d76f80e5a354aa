"""Training ``tiny-imagegpt``: an ImageGPT that draws the course's procedural art (torch and transformers here).

Import lazily (``harness.course_models.tiny`` does, inside ``build``). The training images are
:func:`harness.images.procedural.art_array` at the recipe's size and seed; their colours are
quantised to ``clusters`` colours by seeded k-means (:func:`kmeans`), which become the
vocabulary, and the model learns each image as a raster of colour ids after a start-of-image
token (the last id, as ImageGPT expects). The clusters are saved in an ``ImageGPTImageProcessor``
beside the model, which the hf adapter loads to turn generated ids back into pixels.
Everything is seeded and runs on one thread (see ``training.py``).

This file, ``training.py`` and ``procedural.py`` are hashed into the model's cache key.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch
from numpy.typing import NDArray
from torch import Tensor
from transformers import ImageGPTConfig, ImageGPTForCausalImageModeling, ImageGPTImageProcessorPil

from harness.course_models.recipes import ImageRecipe
from harness.course_models.training import TrainingReport, deterministic, fit, no_progress_bars
from harness.images import procedural


def train(recipe: ImageRecipe, folder: Path) -> TrainingReport:
    """Train ``recipe`` from its seed; save the model and its image processor into ``folder``."""
    start, cpu_start = time.perf_counter(), time.process_time()
    with deterministic(recipe.schedule.seed):
        images = procedural.art_array(recipe.images, seed=recipe.image_seed, size=recipe.image_size)
        pixels = images.reshape(-1, 3).astype(np.float64) / 127.5 - 1.0  # ImageGPT's [-1, 1] scale
        clusters = kmeans(pixels, recipe.clusters, recipe.kmeans_iterations, recipe.schedule.seed)
        ids = torch.from_numpy(nearest(pixels, clusters).reshape(len(images), -1))
        model = build_model(recipe)
        start_token = torch.full((recipe.schedule.batch_size, 1), recipe.clusters, dtype=torch.long)

        def step_loss(module: torch.nn.Module, generator: torch.Generator) -> Tensor:
            rows = torch.randint(0, len(images), (recipe.schedule.batch_size,), generator=generator)
            batch = torch.cat([start_token, ids[rows]], dim=1)
            return module(input_ids=batch, labels=batch).loss  # type: ignore[no-any-return]

        loss = fit(model, step_loss, recipe.schedule)
    processor = ImageGPTImageProcessorPil(
        clusters=clusters.astype(np.float32), size={"height": recipe.image_size, "width": recipe.image_size}
    )
    with no_progress_bars():
        model.save_pretrained(folder)
        processor.save_pretrained(folder)
    return TrainingReport(
        parameters=sum(p.numel() for p in model.parameters()),
        final_loss=round(loss, 4),
        seconds=round(time.perf_counter() - start, 2),
        cpu_seconds=round(time.process_time() - cpu_start, 2),
    )


def build_model(recipe: ImageRecipe) -> ImageGPTForCausalImageModeling:
    """ImageGPT over ``clusters`` colours plus the start token, one position per pixel after it."""
    config = ImageGPTConfig(vocab_size=recipe.clusters + 1, n_positions=recipe.image_size**2 + 1)
    config.update(dict(recipe.config))
    return ImageGPTForCausalImageModeling(config)


def kmeans(points: NDArray[np.float64], k: int, iterations: int, seed: int) -> NDArray[np.float64]:
    """``k`` centres of ``points`` by Lloyd's algorithm, started from ``k`` distinct points drawn
    with ``seed``; an emptied cluster keeps its centre. Sorted by brightness, so ids read in order."""
    rng = np.random.default_rng(seed)
    distinct = np.unique(points, axis=0)
    centres = distinct[rng.choice(len(distinct), size=min(k, len(distinct)), replace=False)]
    for _ in range(iterations):
        labels = nearest(points, centres)
        for c in range(len(centres)):
            members = points[labels == c]
            if len(members):
                centres[c] = members.mean(axis=0)
    return centres[np.argsort(centres.sum(axis=1), kind="stable")]


def nearest(points: NDArray[np.float64], centres: NDArray[np.float64]) -> NDArray[np.int64]:
    """The index of each point's nearest centre (squared Euclidean distance)."""
    distances = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=-1)
    labels: NDArray[np.int64] = distances.argmin(axis=1).astype(np.int64)
    return labels
