"""Tiny MedMNIST v2 files in the published format, for tests (the real ones are not installable offline)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from naslib_mini.tasks.medmnist import MEDMNIST3D


def write_medmnist(root, dataset: str = "organmnist3d", sizes=(12, 6, 6), side: int = 28, seed: int = 0,
                   **replace) -> Path:
    """Write ``<dataset>.npz`` (or ``_64``) with ``sizes`` train/val/test volumes: uint8 ``N x S x S x S``,
    labels ``N x 1`` covering every class; ``replace`` swaps arrays (or drops one, given ``None``)."""
    rng = np.random.default_rng(seed)
    classes = MEDMNIST3D[dataset].num_classes
    arrays = {}
    for split, n in zip(("train", "val", "test"), sizes):
        arrays[f"{split}_images"] = rng.integers(0, 256, (n, side, side, side), dtype=np.uint8)
        arrays[f"{split}_labels"] = (np.arange(n) % classes).astype(np.uint8)[:, None]
    arrays.update(replace)
    arrays = {key: value for key, value in arrays.items() if value is not None}
    path = Path(root) / (f"{dataset}.npz" if side == 28 else f"{dataset}_{side}.npz")
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)
    return path
