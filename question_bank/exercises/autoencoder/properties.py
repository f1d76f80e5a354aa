"""Instructor checks for the autoencoder exercise (run outside the sandbox, trusted).

The student returns the codes and the linear decoder; the reconstruction is recomputed here
from them, so a reported "mse" alone earns nothing. The target is relative to the best any
autoencoder with a linear decoder can do on this data: the PCA reconstruction error with
latent_dim components (Eckart-Young), computed from the data's singular values.
"""

import numpy as np

TOLERANCE = 1.10  # within 10 % of the optimum


def _matrix(spec):
    """The data the student received: the test's argument spec rebuilt the way the grader
    builds it (or the array itself, should the grader pass built values)."""
    if isinstance(spec, dict):
        from harness.grading.values import build_argument

        body = next(iter(build_argument(spec, {}).values()))
        return np.asarray(body["data"], dtype=np.float64).reshape(body["shape"])
    return np.asarray(spec, dtype=np.float64)


def best_linear_mse(data, k):
    """The smallest MSE of any reconstruction lying in a k-dimensional affine subspace."""
    centred = data - data.mean(axis=0)
    singular = np.linalg.svd(centred, compute_uv=False)
    return float(np.sum(singular[k:] ** 2) / data.size)


def reconstructs_well(value, args, kwargs):
    """codes @ W^T + b reconstructs the data within TOLERANCE of the PCA optimum."""
    if not isinstance(value, dict):
        return "return a dict with keys codes, decoder_weight, decoder_bias, mse"
    missing = {"codes", "decoder_weight", "decoder_bias", "mse"} - set(value)
    if missing:
        return f"the dict is missing {sorted(missing)}"
    data = _matrix(args[0])
    k = int(args[1] if len(args) > 1 else kwargs["latent_dim"])
    n, d = data.shape
    codes, weight, bias = (
        np.asarray(value[key], dtype=np.float64) for key in ("codes", "decoder_weight", "decoder_bias")
    )
    for name, array, shape in (
        ("codes", codes, (n, k)),
        ("decoder_weight", weight, (d, k)),
        ("decoder_bias", bias, (d,)),
    ):
        if array.shape != shape:
            return f"{name} should have shape {list(shape)}, got {list(array.shape)}"
        if not np.all(np.isfinite(array)):
            return f"{name} contains nan or inf"
    mse = float(np.mean((codes @ weight.T + bias - data) ** 2))
    target = TOLERANCE * best_linear_mse(data, k)
    claimed = value["mse"]
    if not isinstance(claimed, (int, float)) or not np.isclose(claimed, mse, rtol=1e-3, atol=1e-6):
        return f"the reported mse ({claimed}) is not the error of the returned codes and decoder ({mse:.5f})"
    if mse > target:
        return (
            f"reconstruction MSE {mse:.4f} is above the target {target:.4f} (train longer, or raise the learning rate)"
        )
    return True
