"""The Fréchet distance between two Gaussians, in closed form (NumPy only, no torch).

``d^2 = |mu1 - mu2|^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2))`` (Dowson & Landau 1982). FID is this
distance between Gaussians fitted to Inception features of two image sets; the torchmetrics
path computes the same quantity, and this module is the reference the tests hold it to.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def _psd_sqrt(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    """The symmetric square root of a symmetric positive semi-definite matrix."""
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    root: NDArray[np.float64] = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    return root


def trace_sqrt_product(sigma1: ArrayLike, sigma2: ArrayLike) -> float:
    """``Tr((S1 S2)^(1/2))`` for covariance matrices.

    ``S1 S2`` is not symmetric, but it is similar to ``S1^(1/2) S2 S1^(1/2)``, which is
    symmetric PSD; so its eigenvalues are real and non-negative and ``eigvalsh`` is stable where
    ``scipy.linalg.sqrtm`` of the product can return complex noise for singular covariances.
    """
    root = _psd_sqrt(np.atleast_2d(np.asarray(sigma1, dtype=np.float64)))
    inner = root @ np.atleast_2d(np.asarray(sigma2, dtype=np.float64)) @ root
    return float(np.sqrt(np.clip(np.linalg.eigvalsh((inner + inner.T) / 2), 0, None)).sum())


def frechet_distance(mu1: ArrayLike, sigma1: ArrayLike, mu2: ArrayLike, sigma2: ArrayLike) -> float:
    """The squared Fréchet (2-Wasserstein) distance between ``N(mu1, sigma1)`` and ``N(mu2, sigma2)``.

    Means are vectors (or scalars in 1-D); covariances are square matrices (or variances).

    Raises:
        ValueError: the shapes do not agree.
    """
    m1, m2 = np.atleast_1d(np.asarray(mu1, dtype=np.float64)), np.atleast_1d(np.asarray(mu2, dtype=np.float64))
    s1, s2 = np.atleast_2d(np.asarray(sigma1, dtype=np.float64)), np.atleast_2d(np.asarray(sigma2, dtype=np.float64))
    if m1.shape != m2.shape or s1.shape != s2.shape or s1.shape != (m1.size, m1.size):
        raise ValueError(f"shapes disagree: mu {m1.shape} {m2.shape}, sigma {s1.shape} {s2.shape}")
    mean_term = float(np.square(m1 - m2).sum())
    return mean_term + float(np.trace(s1) + np.trace(s2)) - 2 * trace_sqrt_product(s1, s2)


def gaussian_statistics(features: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Mean and unbiased covariance of ``(N, d)`` features (N - 1 in the denominator, as FID uses)."""
    array = np.asarray(features, dtype=np.float64)
    if array.ndim != 2 or array.shape[0] < 2:
        raise ValueError(f"expected features shaped (N >= 2, d), got {array.shape}")
    return array.mean(axis=0), np.atleast_2d(np.cov(array, rowvar=False))
