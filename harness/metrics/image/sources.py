"""Image sets for FID and KID: a folder of PNG/JPEG files or an array, streamed in batches.

A source knows how many images it has and their ids up front (file names, or indices) but
decodes only one batch at a time, so scoring 2,000 or 200,000 images takes the same memory.
Every batch is a ``uint8`` tensor ``(B, 3, H, W)`` with values in [0, 255], the input the
feature extractors (and torch-fidelity's Inception) expect.

torch is imported when the first batch is made, Pillow when the first file is decoded.
"""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard, cast

import numpy as np

from harness.errors import HarnessError

if TYPE_CHECKING:
    from torch import Tensor

    ImageInput = str | Path | np.ndarray | Tensor | list[np.ndarray]

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg"})


def __getattr__(name: str) -> Any:
    # ImageInput names torch's Tensor, so the runtime alias is built (importing torch) on first use.
    if name == "ImageInput":
        from torch import Tensor

        return str | Path | np.ndarray | Tensor | list[np.ndarray]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _is_tensor(value: object) -> TypeGuard[Tensor]:
    """Whether ``value`` is a torch tensor, without importing torch (no torch loaded, no tensors)."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


class ImageSetError(HarnessError):
    """An image set that cannot be read: no images, an unreadable file, mixed sizes, a bad array."""

    exit_code = 2


class ImageSource(ABC):
    """A set of RGB images, read batch by batch."""

    def __init__(self, image_size: int | None = None) -> None:
        if image_size is not None and image_size < 1:
            raise ImageSetError(f"image_size must be a positive number of pixels, got {image_size}")
        self.image_size = image_size

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def ids(self) -> list[str]:
        """One id per image, in batch order (relative file paths, or array indices)."""

    @abstractmethod
    def describe(self) -> str:
        """A short description for errors and signatures."""

    @abstractmethod
    def _read(self, start: int, stop: int) -> np.ndarray:
        """Images ``start:stop`` as a ``uint8`` array ``(B, H, W, 3)``."""

    def batches(self, batch_size: int) -> Iterator[Tensor]:
        """``uint8`` tensors ``(B, 3, H, W)``; only one batch is alive at a time."""
        if batch_size < 1:
            raise ImageSetError(f"batch_size must be at least 1, got {batch_size}")
        import torch

        for start in range(0, len(self), batch_size):
            batch = self._read(start, min(start + batch_size, len(self)))
            yield torch.from_numpy(batch).permute(0, 3, 1, 2).contiguous()


def _resize(image: np.ndarray, size: int) -> np.ndarray:
    """Resize an ``(H, W, 3)`` uint8 image to ``size x size`` with Pillow's bicubic filter."""
    from PIL import Image

    if image.shape[:2] == (size, size):
        return image
    return np.asarray(Image.fromarray(image).resize((size, size), Image.Resampling.BICUBIC))


class FolderImages(ImageSource):
    """The PNG and JPEG files under ``root`` (recursively), in sorted path order.

    Images are converted to RGB. All must have the size of the first image unless
    ``image_size`` is given, in which case each is resized to ``image_size`` squared.
    """

    def __init__(self, root: Path | str, image_size: int | None = None) -> None:
        super().__init__(image_size)
        self.root = Path(root)
        if not self.root.is_dir():
            raise ImageSetError(f"image folder {self.root} does not exist or is not a folder")
        self.files = sorted(p for p in self.root.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
        if not self.files:
            raise ImageSetError(f"no PNG or JPEG images in {self.root}")
        self._size: tuple[int, int] | None = None  # (H, W) of the first image read

    def __len__(self) -> int:
        return len(self.files)

    def ids(self) -> list[str]:
        return [p.relative_to(self.root).as_posix() for p in self.files]

    def describe(self) -> str:
        return f"folder {self.root} ({len(self)} images)"

    def _read(self, start: int, stop: int) -> np.ndarray:
        return np.stack([self._decode(path) for path in self.files[start:stop]])

    def _decode(self, path: Path) -> np.ndarray:
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(path) as opened:
                image = np.asarray(opened.convert("RGB"))
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise ImageSetError(f"cannot read image: {exc}", location=str(path)) from exc
        if self.image_size is not None:
            return _resize(image, self.image_size)
        if self._size is None:
            self._size = image.shape[:2]
        elif image.shape[:2] != self._size:
            (h, w), (h0, w0) = image.shape[:2], self._size
            raise ImageSetError(
                f"image is {w}x{h} but the first image of {self.root} is {w0}x{h0}; "
                "pass image_size to resize every image to one size",
                location=str(path),
            )
        return image


class ArrayImages(ImageSource):
    """Images in an array or tensor: ``(N, H, W, 3)``, ``(N, 3, H, W)`` or grey ``(N, H, W)``.

    ``uint8`` values are used as they are; floating-point values must lie in [0, 1] and are
    rounded to ``uint8``. A ``np.memmap`` is read batch by batch like a folder.
    """

    def __init__(self, images: np.ndarray | Tensor, image_size: int | None = None) -> None:
        super().__init__(image_size)
        self.images = images.detach().cpu().numpy() if _is_tensor(images) else cast(np.ndarray, images)
        shape = self.images.shape
        if len(shape) not in (3, 4) or (len(shape) == 4 and 3 not in (shape[1], shape[3])) or shape[0] == 0:
            raise ImageSetError(f"expected images shaped (N, H, W, 3), (N, 3, H, W) or (N, H, W); got {shape}")
        if not (self.images.dtype == np.uint8 or np.issubdtype(self.images.dtype, np.floating)):
            raise ImageSetError(f"expected uint8 images or floats in [0, 1], got dtype {self.images.dtype}")
        self.channels_first = len(shape) == 4 and shape[1] == 3

    def __len__(self) -> int:
        return int(self.images.shape[0])

    def ids(self) -> list[str]:
        return [str(i) for i in range(len(self))]

    def describe(self) -> str:
        return f"array {tuple(self.images.shape)} {self.images.dtype}"

    def _read(self, start: int, stop: int) -> np.ndarray:
        batch = np.asarray(self.images[start:stop])
        if batch.ndim == 3:
            batch = np.repeat(batch[..., None], 3, axis=3)
        elif self.channels_first:
            batch = batch.transpose(0, 2, 3, 1)
        batch = self._to_uint8(batch, start)
        if self.image_size is not None:
            batch = np.stack([_resize(image, self.image_size) for image in batch])
        return np.ascontiguousarray(batch)

    def _to_uint8(self, batch: np.ndarray, start: int) -> np.ndarray:
        if batch.dtype == np.uint8:
            return batch
        if not np.isfinite(batch).all() or batch.min() < 0 or batch.max() > 1:
            raise ImageSetError(f"float images must lie in [0, 1] (batch starting at image {start} does not)")
        rounded: np.ndarray = np.rint(batch * 255).astype(np.uint8)
        return rounded


def open_images(images: ImageInput | ImageSource, image_size: int | None = None) -> ImageSource:
    """An :class:`ImageSource` for a folder path, an array or tensor, a list of same-shaped arrays,
    or a source (returned as is).

    Raises:
        ImageSetError: the folder is missing or has no images, or the array has the wrong shape.
    """
    if isinstance(images, ImageSource):
        return images
    if isinstance(images, str | Path):
        return FolderImages(images, image_size)
    if isinstance(images, np.ndarray) or _is_tensor(images):
        return ArrayImages(images, image_size)
    if isinstance(images, list | tuple) and images and all(isinstance(i, np.ndarray) or _is_tensor(i) for i in images):
        shapes = {tuple(i.shape) for i in images}
        if len(shapes) > 1:
            raise ImageSetError(f"images in a list must have one shape, got {sorted(shapes)}")
        return ArrayImages(np.stack([np.asarray(i) for i in images]), image_size)
    raise ImageSetError(f"expected an image folder or an array of images, got {type(images).__name__}")
