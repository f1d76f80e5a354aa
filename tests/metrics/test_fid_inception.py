"""The FID Inception network in plain torch: architecture, TF-compatible resize, weight loading."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from harness.metrics.image.inception import (
    FID_WEIGHTS_SHA256,
    FID_WEIGHTS_URL,
    FIDInceptionV3,
    FIDWeightsError,
    Preprocess,
    find_weights,
    load_fid_inception,
    preprocess_images,
    resize_bilinear_tf1,
    sha256_of,
)
from harness.metrics.image.metric import torch_threads

# torchvision documents 27,161,264 parameters for inception_v3 (aux logits, 1000 classes).
# FID's network drops AuxLogits (3,326,696 parameters: 98,560 + 2,459,136 + 769,000) and has a
# 1008-class head (+8 x 2048 + 8 = 16,392), which also matches the published file's size:
# (parameters + batch-norm statistics) x 4 bytes + pickle overhead = 95,628,359 bytes.
FID_INCEPTION_PARAMETERS = 27_161_264 - 3_326_696 + 16_392


@pytest.fixture(scope="module", autouse=True)
def one_thread() -> Iterator[None]:
    """Inception on a shared CI machine: OpenMP barriers make two threads far slower than one."""
    with torch_threads(1):
        yield


@pytest.fixture(scope="module")
def network() -> FIDInceptionV3:
    torch.manual_seed(0)
    return FIDInceptionV3()


@pytest.fixture(scope="module")
def saved_weights(network: FIDInceptionV3, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("weights") / "fid_inception.pt"
    torch.save(network.state_dict(), path)
    return path


@pytest.fixture
def no_cached_weights(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point every place the weights are looked for at an empty folder."""
    monkeypatch.setenv("HARNESS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.delenv("HARNESS_FID_WEIGHTS", raising=False)
    yield tmp_path / "cache"


def _features(model: FIDInceptionV3, images: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return model(images)


@pytest.mark.parametrize("shape", [(2, 3, 32, 32), (1, 3, 75, 299)])
def test_any_image_size_gives_2048_features(network: FIDInceptionV3, shape: tuple[int, ...]) -> None:
    images = torch.randint(0, 256, shape, dtype=torch.uint8)
    features = _features(network, images)
    assert features.shape == (shape[0], 2048)
    assert torch.isfinite(features).all()
    assert (features >= 0).all()  # a ReLU network's average pool


def test_parameter_count_is_the_fid_inception(network: FIDInceptionV3) -> None:
    assert sum(p.numel() for p in network.parameters()) == FID_INCEPTION_PARAMETERS


def test_state_dict_has_the_published_key_layout(network: FIDInceptionV3) -> None:
    state = network.state_dict()
    assert state["Conv2d_1a_3x3.conv.weight"].shape == (32, 3, 3, 3)
    assert state["Mixed_7c.branch3x3dbl_3b.conv.weight"].shape == (384, 384, 3, 1)
    assert state["fc.weight"].shape == (1008, 2048)
    assert not [key for key in state if key.startswith("AuxLogits")]


def test_network_stays_in_eval_mode(network: FIDInceptionV3) -> None:
    network.train()
    assert not network.training and not network.Mixed_5b.branch1x1.bn.training


def test_tf1_resize_known_answer() -> None:
    # TF 1.x resize_bilinear(align_corners=False) samples source pixel i * in / out and repeats the
    # last row and column when upsampling: 2x2 -> 4x4 of [[0, 1], [2, 3]] (as torch-fidelity's
    # interpolate_bilinear_2d_like_tensorflow1x gives; torch's half-pixel bilinear does not).
    image = torch.tensor([[[[0.0, 1.0], [2.0, 3.0]]]])
    expected = torch.tensor([[0.0, 0.5, 1.0, 1.0], [1.0, 1.5, 2.0, 2.0], [2.0, 2.5, 3.0, 3.0], [2.0, 2.5, 3.0, 3.0]])
    assert torch.equal(resize_bilinear_tf1(image, 4)[0, 0], expected)


def test_tf1_resize_of_a_299_image_is_the_identity() -> None:
    image = torch.rand(1, 3, 299, 299) * 255
    assert torch.equal(resize_bilinear_tf1(image, 299), image)


@pytest.mark.parametrize(("mode", "value"), [("tf1", (255 - 128) / 128), ("pytorch-fid", 1.0)])
def test_preprocessing_scales_to_minus_one_one(mode: Preprocess, value: float) -> None:
    white = torch.full((1, 3, 10, 10), 255, dtype=torch.uint8)
    black = torch.zeros((1, 3, 10, 10), dtype=torch.uint8)
    assert preprocess_images(white, mode).shape == (1, 3, 299, 299)
    assert preprocess_images(white, mode).max().item() == pytest.approx(value)
    assert preprocess_images(black, mode).min().item() == -1.0


def test_saved_weights_round_trip(network: FIDInceptionV3, saved_weights: Path) -> None:
    loaded = load_fid_inception(saved_weights, sha256=sha256_of(saved_weights))
    images = torch.randint(0, 256, (1, 3, 40, 40), dtype=torch.uint8)
    assert torch.equal(_features(loaded, images), _features(network, images))
    assert not loaded.comparable_to_published
    assert "not comparable to published FID" in loaded.signature


def test_weights_without_batch_norm_counters_load(network: FIDInceptionV3, tmp_path: Path) -> None:
    # Files saved before torch 0.4.1 (as the TF conversion may be) have no num_batches_tracked.
    state = {k: v for k, v in network.state_dict().items() if not k.endswith("num_batches_tracked")}
    path = tmp_path / "old.pth"
    torch.save(state, path)
    loaded = load_fid_inception(path, sha256=sha256_of(path))
    assert torch.equal(loaded.fc.weight, network.fc.weight)


def test_sha256_mismatch_is_a_clear_error(saved_weights: Path) -> None:
    with pytest.raises(FIDWeightsError) as caught:
        load_fid_inception(saved_weights)  # the published hash, which a random init cannot have
    message = str(caught.value)
    assert f"expected {FID_WEIGHTS_SHA256}" in message
    assert sha256_of(saved_weights) in message and "--fid-weights-sha256" in message


def test_missing_weights_say_where_to_get_them(no_cached_weights: Path) -> None:
    with pytest.raises(FIDWeightsError) as caught:
        load_fid_inception()
    message = str(caught.value)
    assert FID_WEIGHTS_URL in message and FID_WEIGHTS_SHA256 in message
    assert str(no_cached_weights / "pt_inception-2015-12-05-6726825d.pth") in message
    assert "HARNESS_FID_WEIGHTS" in message and "offline" in message
    assert "\n" not in message  # one line for the CLI


def test_missing_explicit_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(FIDWeightsError, match=r"nowhere\.pth"):
        load_fid_inception(tmp_path / "nowhere.pth")


def test_weights_are_found_in_the_cache(no_cached_weights: Path, saved_weights: Path) -> None:
    no_cached_weights.mkdir(parents=True)
    cached = no_cached_weights / "pt_inception-2015-12-05-6726825d.pth"
    cached.symlink_to(saved_weights)
    assert find_weights() == cached


def test_another_network_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "other.pth"
    torch.save(torch.nn.Linear(3, 2).state_dict(), path)
    with pytest.raises(FIDWeightsError, match="not a state dict of the FID Inception network"):
        load_fid_inception(path, sha256=sha256_of(path))


def test_published_hash_matches_the_file_name() -> None:
    # torch.hub's convention: the 8 hex digits in the file name begin the file's sha256.
    assert FID_WEIGHTS_SHA256.startswith(FID_WEIGHTS_URL.rsplit("-", 1)[1].removesuffix(".pth"))
