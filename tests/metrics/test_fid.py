"""FID and KID: the closed form at fixed decimals, torchmetrics against it, and the streamed metrics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.linalg
import torch

from harness.errors import HarnessError
from harness.images.procedural import DEFAULT_STYLE, art_array, write_real_and_generated
from harness.metrics.image.fid import FIDMetric
from harness.metrics.image.frechet import frechet_distance, gaussian_statistics
from harness.metrics.image.inception import FID_WEIGHTS_URL, FIDWeightsError
from harness.metrics.image.kid import KIDMetric
from harness.metrics.image.offline import OfflineFeatureExtractor
from harness.plugins import registry

SIZE = 32  # small images keep the suite fast; the offline extractor resizes them anyway

# --- the closed form ----------------------------------------------------------------------


def test_one_dimensional_known_answer() -> None:
    # (m1 - m2)^2 + s1 + s2 - 2 sqrt(s1 s2) = (1 - 3)^2 + 4 + 1 - 2 sqrt(4) = 5
    assert round(frechet_distance(1.0, 4.0, 3.0, 1.0), 10) == 5.0


def test_diagonal_known_answer() -> None:
    # Diagonal covariances: |mu1 - mu2|^2 + sum_i (sqrt(s1_i) - sqrt(s2_i))^2 = (1 + 4) + (1 + 1) = 7
    value = frechet_distance([0.0, 0.0], np.diag([1.0, 4.0]), [1.0, 2.0], np.diag([4.0, 9.0]))
    assert round(value, 10) == 7.0


def test_commuting_full_covariances_known_answer() -> None:
    # S1 = R diag(1, 4) R^T and S2 = R diag(9, 16) R^T share eigenvectors, so
    # Tr((S1 S2)^(1/2)) = sqrt(9) + sqrt(64) = 11 and d^2 = 0 + (5 + 25) - 2 * 11 = 8.
    angle = 0.3
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    s1, s2 = rotation @ np.diag([1.0, 4.0]) @ rotation.T, rotation @ np.diag([9.0, 16.0]) @ rotation.T
    assert round(frechet_distance([0.0, 0.0], s1, [0.0, 0.0], s2), 10) == 8.0


def test_general_covariances_match_pytorch_fids_sqrtm_formula() -> None:
    # pytorch-fid's calculate_frechet_distance: diff.diff + Tr(S1) + Tr(S2) - 2 Tr(sqrtm(S1 S2)).
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=(5, 5)), rng.normal(size=(5, 5))
    s1, s2, mu1, mu2 = a @ a.T, b @ b.T, rng.normal(size=5), rng.normal(size=5)
    reference = (mu1 - mu2) @ (mu1 - mu2) + np.trace(s1 + s2) - 2 * np.trace(scipy.linalg.sqrtm(s1 @ s2)).real
    assert frechet_distance(mu1, s1, mu2, s2) == pytest.approx(reference, rel=1e-9)


def test_identical_gaussians_are_at_distance_zero() -> None:
    sigma = np.array([[2.0, 0.5], [0.5, 1.0]])
    assert round(frechet_distance([1.0, 2.0], sigma, [1.0, 2.0], sigma), 10) == 0.0


def test_shapes_must_agree() -> None:
    with pytest.raises(ValueError, match="shapes disagree"):
        frechet_distance([0.0, 0.0], np.eye(2), [0.0], np.eye(1))


class _Identity(torch.nn.Module):
    """Features are the input: torchmetrics' FID then sees exactly the Gaussian samples."""

    def __init__(self, dims: int) -> None:
        super().__init__()
        self.num_features = dims

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


def test_torchmetrics_fid_agrees_with_the_closed_form() -> None:
    from torchmetrics.image.fid import FrechetInceptionDistance

    rng = np.random.default_rng(0)
    mu1, mu2 = np.array([0.0, 1.0, -1.0]), np.array([0.5, 0.0, -1.0])
    sigma1, sigma2 = np.diag([1.0, 2.0, 0.5]), np.array([[1.5, 0.3, 0.0], [0.3, 1.0, 0.2], [0.0, 0.2, 0.8]])
    real, fake = rng.multivariate_normal(mu1, sigma1, 20_000), rng.multivariate_normal(mu2, sigma2, 20_000)
    fid = FrechetInceptionDistance(feature=_Identity(3))
    for start in range(0, 20_000, 1_000):  # streamed, as the harness feeds it
        fid.update(torch.from_numpy(real[start : start + 1_000]), real=True)
        fid.update(torch.from_numpy(fake[start : start + 1_000]), real=False)
    value = float(fid.compute())
    # Same samples, same estimator: torchmetrics equals the closed form on the sample statistics.
    assert value == pytest.approx(frechet_distance(*gaussian_statistics(real), *gaussian_statistics(fake)), rel=1e-9)
    # And, up to sampling error, the population value: 0.5^2 + 1^2 + 7.8 - 2 Tr((S1 S2)^(1/2)).
    assert value == pytest.approx(frechet_distance(mu1, sigma1, mu2, sigma2), abs=0.03)


# --- the streamed metrics with the offline extractor -------------------------------------


@pytest.fixture(scope="module")
def real() -> np.ndarray:
    return art_array(64, size=SIZE)


def _generated(shift: float, count: int = 64) -> np.ndarray:
    return art_array(count, DEFAULT_STYLE.shifted(shift), size=SIZE, stream=1)


def _fid(**options: object) -> FIDMetric:
    return FIDMetric(extractor="offline", **options)


def test_fid_grows_with_the_distribution_shift(real: np.ndarray) -> None:
    scores = [_fid().score(_generated(shift), real, bootstrap=0).score for shift in (0.0, 0.5, 1.0)]
    assert scores == sorted(scores) and scores[0] < 0.1 * scores[-1]


def test_fid_of_a_set_with_itself_is_zero(real: np.ndarray) -> None:
    assert _fid().score(real, real, bootstrap=0).score == pytest.approx(0.0, abs=1e-3)


def test_folder_and_array_give_the_same_fid(tmp_path: Path) -> None:
    real_dir, generated_dir = write_real_and_generated(tmp_path, 40, shift=0.5, size=SIZE)
    from_folders = _fid(batch_size=16).score(generated_dir, real_dir, bootstrap=0)
    from_arrays = _fid().score(_generated(0.5, 40), art_array(40, size=SIZE), bootstrap=0)
    assert from_folders.score == pytest.approx(from_arrays.score, rel=1e-6)
    assert from_folders.per_sample == pytest.approx(from_arrays.per_sample, rel=1e-6)


def test_batch_size_does_not_change_the_score(real: np.ndarray) -> None:
    generated = _generated(0.5)
    small = _fid(batch_size=7).score(generated, real, bootstrap=0)
    large = _fid(batch_size=64).score(generated, real, bootstrap=0)
    assert small.score == pytest.approx(large.score, rel=1e-5)
    assert small.per_sample == pytest.approx(large.per_sample, rel=1e-5)
    assert small.signature == large.signature  # the batch size is not part of what the score is


def test_offline_result_is_labelled_not_comparable(real: np.ndarray) -> None:
    result = _fid().score(_generated(0.5), real, bootstrap=0)
    line = result.signature.format()
    assert line.startswith("fid|nrefs:64|extractor:offline-v1(") and "not comparable to published FID" in line
    assert result.signature.library == "torchmetrics" and not result.higher_is_better
    assert result.extra == {"n_real": 64.0, "n_generated": 64.0}
    assert result.n_samples == 64


def test_worst_samples_come_from_the_shifted_part(real: np.ndarray) -> None:
    generated = np.concatenate([_generated(0.0, 32), _generated(1.0, 32)])
    result = _fid().score(generated, real, bootstrap=0)
    worst = np.argsort(result.per_sample)[-10:]
    assert (worst >= 32).all()


def test_fid_bootstrap_resampler_recomputes_the_corpus_fid(real: np.ndarray) -> None:
    metric = _fid()
    computed = metric._compute(metric._prepare(_generated(0.5), real, None), seed=0)
    everyone_once = np.ones((1, 64), dtype=np.int64)
    # Drawing every image once is the original set; torchmetrics takes eigvals of the (non-symmetric)
    # product S_r S_g where the resampler takes eigvalsh of a symmetric matrix, hence 1e-7, not 1e-12.
    assert computed.resample(everyone_once)[0] == pytest.approx(computed.score, rel=1e-7)


def test_fid_interval_brackets_the_score_and_is_seeded(real: np.ndarray) -> None:
    result = _fid().score(_generated(0.5), real, bootstrap=100, seed=3)
    assert result.ci_low is not None and result.ci_high is not None
    assert result.ci_low < result.score < result.ci_high
    assert _fid().score(_generated(0.5), real, bootstrap=100, seed=3).to_json() == result.to_json()
    assert "bs:100|seed:3" in result.signature.format()


def test_paired_bootstrap_prefers_the_closer_generator(real: np.ndarray) -> None:
    paired = _fid().paired_bootstrap(_generated(0.1), _generated(1.0), real, bootstrap=100)
    assert paired.difference < 0 and paired.a_is_better()


def test_kid_is_seeded_and_grows_with_the_shift(real: np.ndarray) -> None:
    metric = KIDMetric(extractor="offline", subsets=10, subset_size=500)
    near, far = metric.score(_generated(0.1), real, bootstrap=0), metric.score(_generated(1.0), real, bootstrap=0)
    assert near.score < far.score and far.extra["kid_std"] > 0
    assert far.extra["subset_size"] == 64  # clamped to the set size
    assert metric.score(_generated(1.0), real, bootstrap=0).score == far.score  # same seed, same subsets
    assert "seed:0" in far.signature.format()  # KID's score itself depends on the seed


def test_kid_resampler_is_the_unbiased_mmd_of_the_whole_sets(real: np.ndarray) -> None:
    from torchmetrics.image.kid import poly_mmd

    metric = KIDMetric(extractor="offline")
    inputs = metric._prepare(_generated(0.5), real, None)
    computed = metric._compute(inputs, seed=0)
    extractor = OfflineFeatureExtractor()
    features = [extractor(next(s.batches(64))).double() for s in (inputs.real, inputs.generated)]
    # torchmetrics' own estimator on one "subset" that is the whole of both (equal) sets.
    expected = float(poly_mmd(features[0], features[1]))
    assert computed.resample(np.ones((1, 64), dtype=np.int64))[0] == pytest.approx(expected, rel=1e-6)


def test_kid_options_are_checked() -> None:
    with pytest.raises(HarnessError, match="subset_size"):
        KIDMetric(subset_size=1)


def test_too_few_images_is_a_clear_error(real: np.ndarray) -> None:
    with pytest.raises(HarnessError, match="at least 2 generated images"):
        _fid().score(real[:1], real)


def test_missing_real_images_is_a_clear_error(real: np.ndarray) -> None:
    with pytest.raises(HarnessError, match="needs real images"):
        _fid().score(real, None)


def test_bad_weights_hash_option_is_rejected() -> None:
    with pytest.raises(HarnessError, match="weights_sha256"):
        FIDMetric(weights_sha256="abc")


def test_default_extractor_without_weights_says_how_to_get_them(
    real: np.ndarray, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HARNESS_CACHE", str(tmp_path))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    monkeypatch.delenv("HARNESS_FID_WEIGHTS", raising=False)
    with pytest.raises(FIDWeightsError, match=FID_WEIGHTS_URL):
        FIDMetric().score(real, real)


@pytest.mark.parametrize("name", ["fid", "kid"])
def test_registered_plugin_scores_its_example(name: str) -> None:
    metric = registry("metrics").get(name)
    assert isinstance(metric, FIDMetric if name == "fid" else KIDMetric)
    example = metric.example
    result = metric.with_options(**example.options).score(example.hypotheses, example.references, bootstrap=50)
    assert np.isfinite(result.score) and len(result.per_sample) == len(example.hypotheses)
