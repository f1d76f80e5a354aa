"""Image sets for FID: streamed sources, the offline extractor and the procedural art generator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from harness.images.procedural import DEFAULT_STYLE, art_array, render_art, write_art
from harness.metrics.image.offline import NOT_COMPARABLE, OfflineFeatureExtractor
from harness.metrics.image.sources import ArrayImages, FolderImages, ImageSetError, open_images

# --- sources -------------------------------------------------------------------------------


def _write(path: Path, image: np.ndarray, mode: str | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(image, mode).save(path)


def test_folder_batches_are_uint8_nchw_in_sorted_order(tmp_path: Path) -> None:
    images = art_array(5, size=16)
    for i, image in enumerate(images):
        _write(tmp_path / f"{4 - i}.png", image)  # names in reverse
    source = FolderImages(tmp_path)
    batches = list(source.batches(2))
    assert [b.shape[0] for b in batches] == [2, 2, 1]
    assert batches[0].dtype == torch.uint8 and batches[0].shape[1:] == (3, 16, 16)
    assert torch.equal(batches[0][0], torch.from_numpy(images[4]).permute(2, 0, 1))  # "0.png" first
    assert source.ids() == ["0.png", "1.png", "2.png", "3.png", "4.png"]


def test_folder_is_read_lazily(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_art(tmp_path, 10, size=8)
    source = FolderImages(tmp_path)
    decoded: list[Path] = []
    decode = source._decode
    monkeypatch.setattr(source, "_decode", lambda path: decoded.append(path) or decode(path))
    next(source.batches(3))
    assert len(decoded) == 3  # one batch decoded, not the whole set


def test_grey_rgba_and_jpeg_become_rgb(tmp_path: Path) -> None:
    _write(tmp_path / "a.png", np.full((8, 8), 200, np.uint8), "L")
    _write(tmp_path / "b.png", np.full((8, 8, 4), 100, np.uint8), "RGBA")
    _write(tmp_path / "sub" / "c.JPG", np.full((8, 8, 3), 50, np.uint8))
    batch = next(FolderImages(tmp_path).batches(8))
    assert batch.shape == (3, 3, 8, 8)
    assert batch[0].unique().tolist() == [200]


def test_mixed_sizes_need_image_size(tmp_path: Path) -> None:
    _write(tmp_path / "a.png", np.zeros((8, 8, 3), np.uint8))
    _write(tmp_path / "b.png", np.zeros((8, 12, 3), np.uint8))
    with pytest.raises(ImageSetError, match=r"12x8 but the first image .* is 8x8; pass image_size") as caught:
        list(FolderImages(tmp_path).batches(8))
    assert caught.value.location == str(tmp_path / "b.png")
    assert next(FolderImages(tmp_path, image_size=10).batches(8)).shape == (2, 3, 10, 10)


def test_unreadable_image_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "broken.png").write_bytes(b"not a png")
    with pytest.raises(ImageSetError, match="cannot read image") as caught:
        list(FolderImages(tmp_path).batches(4))
    assert str(caught.value).startswith(str(tmp_path / "broken.png"))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing", "does not exist"),
        (lambda p: p, "no PNG or JPEG images"),
    ],
)
def test_missing_or_empty_folder(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImageSetError, match=message):
        open_images(make(tmp_path))


def test_array_layouts_agree() -> None:
    nhwc = art_array(3, size=8)
    expected = torch.from_numpy(nhwc).permute(0, 3, 1, 2)
    nchw = torch.from_numpy(nhwc).permute(0, 3, 1, 2).contiguous()
    floats = nhwc.astype(np.float32) / 255
    for images in (nhwc, nchw, floats):
        assert torch.equal(next(open_images(images).batches(8)), expected)
    grey = next(ArrayImages(nhwc[..., 0]).batches(8))
    assert torch.equal(grey[:, 1], expected[:, 0])


def test_bad_arrays_are_rejected() -> None:
    with pytest.raises(ImageSetError, match="shaped"):
        ArrayImages(np.zeros((2, 8, 8, 5), np.uint8))
    with pytest.raises(ImageSetError, match=r"\[0, 1\]"):
        list(ArrayImages(np.full((2, 8, 8, 3), 2.0)).batches(2))
    with pytest.raises(ImageSetError, match="dtype"):
        ArrayImages(np.zeros((2, 8, 8, 3), np.int64))
    with pytest.raises(ImageSetError, match="batch_size"):
        list(ArrayImages(np.zeros((2, 8, 8, 3), np.uint8)).batches(0))


# --- the offline extractor ------------------------------------------------------------------


def test_offline_features_are_deterministic_and_seeded() -> None:
    images = torch.from_numpy(art_array(4, size=24)).permute(0, 3, 1, 2)
    first, again = OfflineFeatureExtractor(seed=0)(images), OfflineFeatureExtractor(seed=0)(images)
    assert first.shape == (4, OfflineFeatureExtractor().num_features) == (4, 128)
    assert torch.equal(first, again)
    assert not torch.equal(first, OfflineFeatureExtractor(seed=1)(images))


def test_offline_features_do_not_depend_on_the_batch() -> None:
    images = torch.from_numpy(art_array(6, size=24)).permute(0, 3, 1, 2)
    extractor = OfflineFeatureExtractor()
    together = extractor(images)
    alone = torch.cat([extractor(images[i : i + 1]) for i in range(6)])
    assert torch.allclose(together, alone, atol=1e-5)


def test_offline_signature_says_not_comparable() -> None:
    extractor = OfflineFeatureExtractor(seed=3)
    assert not extractor.comparable_to_published
    assert extractor.signature == f"offline-v1(seed=3,size=64; {NOT_COMPARABLE})"
    assert NOT_COMPARABLE == "not comparable to published FID"


# --- procedural art -------------------------------------------------------------------------


def test_same_seed_same_image_other_seed_other_image() -> None:
    assert np.array_equal(render_art(5, size=16), render_art(5, size=16))
    assert not np.array_equal(render_art(5, size=16), render_art(6, size=16))
    assert render_art(5, size=16).shape == (16, 16, 3)


def test_shift_zero_is_the_same_style_and_shift_is_bounded() -> None:
    assert DEFAULT_STYLE.shifted(0.0) == DEFAULT_STYLE
    assert DEFAULT_STYLE.shifted(1.0).noise > DEFAULT_STYLE.noise
    with pytest.raises(ValueError, match="shift"):
        DEFAULT_STYLE.shifted(1.5)


def test_written_pngs_are_the_rendered_images(tmp_path: Path) -> None:
    write_art(tmp_path, 3, size=16, seed=9)
    written = np.stack([np.asarray(Image.open(tmp_path / f"{i:05d}.png")) for i in range(3)])
    assert np.array_equal(written, art_array(3, size=16, seed=9))
