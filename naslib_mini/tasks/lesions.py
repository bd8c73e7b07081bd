"""Lesions3D: a seeded generator of lesion-like structures in textured volumes, offline.

No package on PyPI ships labelled volumetric data offline (MedMNIST, nilearn, dipy and
scikit-image's 3D samples all download on first use), so this task makes its own
volumes, in the spirit of the synthetic benchmarks of medical imaging (the blob phantoms
of MONAI's ``create_test_image_3d``; the 3D shape classes of AdrenalMNIST3D and
VesselMNIST3D, Yang et al. 2023). Each volume is a tissue texture (white noise smoothed
at a fine and a coarse scale, Gaussian filters of ``scipy.ndimage``) with one lesion
pattern of the same total volume added, as a bright soft-edged region with its own
texture. The class is the lesion's shape, so a network must see shape rather than
brightness:

* 0 ``round``: one near-spherical lesion;
* 1 ``elongated``: one prolate ellipsoid, three times longer than wide, randomly oriented
  (a vessel-like or spiculated structure);
* 2 ``multiple``: two small round lesions side by side (a satellite lesion).

Sizes (about a fifth of the side), positions and orientations are random. ``difficulty``
in [0, 1] sets the lesion's added intensity, from 3 (0) to 0.5 (1), against a tissue
texture of standard deviation 0.72. At the default 0.3, one 3x3x3 convolution stays near chance
while a three-layer network with multi-scale fusion learns the shapes within a few epochs
(``benchmarks/lesions3d_difficulty.py`` trains both at several difficulties). Every volume is standardised
(zero mean, unit variance). ``data_seed`` fixes the volumes; the test set is generated
apart from the pool that ``seed`` splits into training and validation, so it is the same
for every ``seed``. Knows nothing about networks or search.
"""
from __future__ import annotations

import numpy as np
import torch
from scipy.ndimage import gaussian_filter

from naslib_mini.seeding import default_rng, derive_seed
from naslib_mini.tasks.base import TASKS, Task, TaskSpec

__all__ = ["CLASSES", "lesion_volumes", "lesions3d"]

#: The classes, by index.
CLASSES = ("round", "elongated", "multiple")


def lesion_volumes(n: int, size: int = 16, difficulty: float = 0.3, *,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` standardised volumes ``(n, size, size, size)`` (float32) and their classes ``(n,)`` (int64).

    Classes are balanced (``n // 3`` or one more each) and in random order.

    Example:
        >>> x, y = lesion_volumes(6, 12, rng=np.random.default_rng(0))
        >>> x.shape, sorted(y.tolist()), bool(abs(x.mean()) < 1e-4)
        ((6, 12, 12, 12), [0, 0, 1, 1, 2, 2], True)
    """
    if not (isinstance(size, (int, np.integer)) and size >= 8):
        raise ValueError(f"size must be an integer of at least 8 voxels per side, got {size!r}")
    if not 0 <= difficulty <= 1:
        raise ValueError(f"difficulty must lie in [0, 1] (0 easiest, 1 hardest), got {difficulty!r}")
    if not (isinstance(n, (int, np.integer)) and n >= 1):
        raise ValueError(f"n must be a positive integer, got {n!r}")
    contrast = 3.0 - 2.5 * difficulty  # the tissue's standard deviation is 0.72
    labels = rng.permutation(np.arange(n) % len(CLASSES))
    tissue = _texture(rng, n, size, 0.8) * 0.6 + _texture(rng, n, size, size / 6) * 0.4
    inner = _texture(rng, n, size, 0.8)
    grid = np.stack(np.meshgrid(*[np.arange(size, dtype=np.float64)] * 3, indexing="ij"), -1)
    x = np.empty((n, size, size, size), dtype=np.float32)
    for i, label in enumerate(labels):
        mask = _lesion(int(label), grid, size, rng)
        volume = tissue[i] + contrast * mask * (1 + 0.25 * inner[i])
        x[i] = (volume - volume.mean()) / volume.std()
    return x, labels.astype(np.int64)


def _texture(rng: np.random.Generator, n: int, size: int, sigma: float) -> np.ndarray:
    """White noise smoothed at ``sigma`` voxels, scaled to unit standard deviation."""
    field = gaussian_filter(rng.standard_normal((n, size, size, size)), sigma=(0, sigma, sigma, sigma), mode="wrap")
    return field / field.std(axis=(1, 2, 3), keepdims=True)


def _ellipsoid(grid: np.ndarray, centre: np.ndarray, axes: np.ndarray, rotation: np.ndarray) -> np.ndarray:
    """A soft-edged ellipsoid in [0, 1]: about one voxel of smooth edge around radius 1."""
    local = (grid - centre) @ rotation / axes
    radius = np.sqrt((local ** 2).sum(-1))
    return 1 / (1 + np.exp(-(1 - radius) * 2 * axes.min()))


def _lesion(label: int, grid: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """The lesion pattern of class ``label``: round, elongated or two small ones, equal total volume."""
    r = size * rng.uniform(0.18, 0.24)  # radius of the sphere of equal volume
    centre = size / 2 - 0.5 + rng.uniform(-1, 1, 3) * size * 0.1
    rotation, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    if label == 0:
        return _ellipsoid(grid, centre, r * rng.uniform(0.9, 1.1, 3), rotation)
    if label == 1:
        ratio = 4.0
        axes = r * np.array([ratio ** (2 / 3), ratio ** (-1 / 3), ratio ** (-1 / 3)])
        return _ellipsoid(grid, centre, axes, rotation)
    small = r * 2 ** (-1 / 3)
    offset = rotation[:, 0] * small * 1.3
    return np.maximum(_ellipsoid(grid, centre + offset, np.full(3, small), rotation),
                      _ellipsoid(grid, centre - offset, np.full(3, small), rotation))


@TASKS.register("lesions3d")
def lesions3d(seed: int = 0, val_fraction: float = 0.2, num_samples: int = 1200, num_test: int = 300,
              size: int = 16, difficulty: float = 0.3, data_seed: int = 0) -> Task:
    """Synthetic lesion volumes ``(1, size, size, size)`` in 3 shape classes; reports ROC AUC too.

    Args:
        seed: Seed of the train/validation split of the pool.
        val_fraction: Fraction of the pool held out for validation.
        num_samples: Volumes in the pool (training + validation).
        num_test: Volumes in the test set (the same for every ``seed``).
        size: Voxels per side.
        difficulty: In [0, 1]: the lesion's added intensity falls from 3 to 0.5 (tissue std 0.72).
        data_seed: Seed of the generator.

    Example:
        >>> t = lesions3d(num_samples=30, num_test=9, size=8)
        >>> t.spec, t.spec.report_auc, len(t.x_train), len(t.x_val), len(t.x_test)
        (TaskSpec(name='lesions3d', input_shape=(1, 8, 8, 8), num_classes=3), True, 24, 6, 9)
    """
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must lie strictly between 0 and 1, got {val_fraction!r}")
    x_pool, y_pool = lesion_volumes(num_samples, size, difficulty, rng=default_rng(derive_seed(data_seed, "pool")))
    x_test, y_test = lesion_volumes(num_test, size, difficulty, rng=default_rng(derive_seed(data_seed, "test")))
    n_val = int(round(num_samples * val_fraction))
    if not 0 < n_val < num_samples:
        raise ValueError(f"val_fraction {val_fraction!r} leaves an empty split of {num_samples} volumes")
    order = default_rng(seed).permutation(num_samples)
    train, val = order[n_val:], order[:n_val]
    spec = TaskSpec("lesions3d", (1, size, size, size), len(CLASSES), report_auc=True)

    def as_x(a: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(a)[:, None]

    def as_y(a: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(a, dtype=torch.long)

    return Task(spec, as_x(x_pool[train]), as_y(y_pool[train]), as_x(x_pool[val]), as_y(y_pool[val]),
                as_x(x_test), as_y(y_test))
