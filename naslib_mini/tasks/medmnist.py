"""MedMNIST v2's six 3D datasets, read from the ``.npz`` files a user downloaded.

MedMNIST v2 (Yang et al. 2023, "MedMNIST v2 - A large-scale lightweight benchmark
for 2D and 3D biomedical image classification", Scientific Data 10:41) ships each
dataset as one ``<name>.npz`` (28^3 voxels) or ``<name>_64.npz`` (64^3, MedMNIST+)
with the keys ``train_images``, ``train_labels``, ``val_images``, ``val_labels``,
``test_images``, ``test_labels``: volumes ``N x S x S x S`` of ``uint8`` and labels
``N x 1``. The task keeps the files' own train/validation/test split (search sees
validation only; the split does not depend on ``seed``), scales voxels to [0, 1]
as MedMNIST's ``MedMNIST3D`` dataset does, adds the channel axis and reports ROC
AUC beside accuracy (``TaskSpec.report_auc``), as the paper does.

The files are not installable offline, so this module never downloads: a missing
file raises ``DataNotFound`` naming where to get it and where to put it. Files are
looked up in ``root``, else ``$NASLIB_MINI_MEDMNIST``, else ``~/.medmnist`` (where
the ``medmnist`` package itself saves them). Knows nothing about networks or search.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from naslib_mini.data import DataNotFound
from naslib_mini.tasks.base import TASKS, Task, TaskSpec, _labels
from naslib_mini.types import ConfigurationError

__all__ = ["MEDMNIST3D", "MEDMNIST_ENV", "MedMNISTInfo", "medmnist3d", "medmnist_root"]

#: Environment variable naming the folder that holds the ``.npz`` files.
MEDMNIST_ENV = "NASLIB_MINI_MEDMNIST"
#: Where the files are published: the MedMNIST v2 record (with the 64^3 MedMNIST+ files) on Zenodo.
SOURCE = "https://zenodo.org/records/10519652 (linked from https://medmnist.com)"
KEYS = ("train_images", "train_labels", "val_images", "val_labels", "test_images", "test_labels")
SIZES = (28, 64)


@dataclass(frozen=True)
class MedMNISTInfo:
    """One 3D dataset of MedMNIST v2: its label type, classes and official split sizes (Table 1 of the paper)."""

    task: str
    num_classes: int
    n_train: int
    n_val: int
    n_test: int


#: The six 3D datasets of MedMNIST v2.
MEDMNIST3D: dict[str, MedMNISTInfo] = {
    "organmnist3d": MedMNISTInfo("multi-class", 11, 971, 161, 610),
    "nodulemnist3d": MedMNISTInfo("binary-class", 2, 1158, 165, 310),
    "adrenalmnist3d": MedMNISTInfo("binary-class", 2, 1188, 98, 298),
    "fracturemnist3d": MedMNISTInfo("multi-class", 3, 1027, 103, 240),
    "vesselmnist3d": MedMNISTInfo("binary-class", 2, 1335, 191, 382),
    "synapsemnist3d": MedMNISTInfo("binary-class", 2, 1230, 177, 352),
}


def medmnist_root(root: str | os.PathLike | None = None) -> Path:
    """The folder of the ``.npz`` files: ``root``, else ``$NASLIB_MINI_MEDMNIST``, else ``~/.medmnist``.

    Example:
        >>> medmnist_root("/data/medmnist")
        PosixPath('/data/medmnist')
    """
    if root is not None:
        return Path(root).expanduser()
    env = os.environ.get(MEDMNIST_ENV)
    return Path(env).expanduser() if env else Path.home() / ".medmnist"


@TASKS.register("medmnist3d")
def medmnist3d(seed: int = 0, dataset: str = "organmnist3d", root: str | os.PathLike | None = None,
               size: int = 28) -> Task:
    """A MedMNIST v2 3D dataset: inputs ``(1, size, size, size)`` in [0, 1], its official splits.

    Args:
        seed: Accepted like every task's; the split is the files' own, so it changes nothing.
        dataset: One of ``MEDMNIST3D`` (``organmnist3d``, ``nodulemnist3d``, ``adrenalmnist3d``,
            ``fracturemnist3d``, ``vesselmnist3d``, ``synapsemnist3d``).
        root: Folder holding ``<dataset>.npz`` (28^3) or ``<dataset>_64.npz`` (64^3); see ``medmnist_root``.
        size: 28 or 64.

    Raises:
        ValueError: Unknown ``dataset`` or ``size`` (the message lists the valid ones).
        DataNotFound: The file is not there; the message says where to get it and where to put it.
        ConfigurationError: The file lacks a key, or holds volumes or labels of the wrong shape or range.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as root:
        ...     medmnist3d(dataset="vesselmnist3d", root=root)
        Traceback (most recent call last):
        ...
        naslib_mini.data.DataNotFound: MedMNIST v2 file not found: ...
    """
    if dataset not in MEDMNIST3D:
        raise ValueError(f"unknown MedMNIST 3D dataset {dataset!r}; valid choices: {', '.join(MEDMNIST3D)}")
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(map(str, SIZES))} (MedMNIST 3D volumes), got {size!r}")
    info = MEDMNIST3D[dataset]
    filename = f"{dataset}.npz" if size == 28 else f"{dataset}_{size}.npz"
    folder = medmnist_root(root)
    path = folder / filename
    if not path.is_file():
        raise DataNotFound(
            f"MedMNIST v2 file not found: {path}. naslib_mini never downloads data. Get {filename} from "
            f"{SOURCE}, or with the medmnist package (`pip install medmnist`, then "
            f"`python -m medmnist download`, which saves into ~/.medmnist), and put it in {folder}; or point "
            f"root=... (or the environment variable {MEDMNIST_ENV}) at the folder that holds it.")
    arrays = _read(path, info.num_classes, size)
    spec = TaskSpec("medmnist3d", (1, size, size, size), info.num_classes, report_auc=True)
    return Task(spec, *arrays)


# The split does not depend on the seed: the files' own split is the benchmark's (the task contract reads this).
medmnist3d.fixed_split = True


def _read(path: Path, num_classes: int, size: int) -> list[torch.Tensor]:
    """``x_train, y_train, x_val, y_val, x_test, y_test`` from one file, checked."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            missing = [key for key in KEYS if key not in stored.files]
            if missing:
                raise ConfigurationError(f"{path} lacks the key(s) {', '.join(missing)} of a MedMNIST file "
                                         f"(it holds {', '.join(stored.files) or 'none'}); expected {', '.join(KEYS)}")
            raw = {key: stored[key] for key in KEYS}
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"{path} cannot be read as a MedMNIST .npz file ({type(exc).__name__}: {exc}); "
                                 f"download it again from {SOURCE}") from exc
    out = []
    for split in ("train", "val", "test"):
        images, labels = raw[f"{split}_images"], raw[f"{split}_labels"]
        if images.ndim != 4 or images.shape[1:] != (size, size, size) or len(images) == 0:
            raise ConfigurationError(f"{path}: {split}_images must have shape (N, {size}, {size}, {size}) with "
                                     f"N >= 1, got {images.shape}")
        if images.dtype != np.uint8:
            raise ConfigurationError(f"{path}: {split}_images must be uint8 voxels in 0..255 as MedMNIST stores "
                                     f"them, got dtype {images.dtype}")
        labels = labels.reshape(len(labels), -1) if labels.ndim else labels
        if labels.shape != (len(images), 1):
            raise ConfigurationError(f"{path}: {split}_labels must have shape ({len(images)}, 1), one label per "
                                     f"volume, got {raw[f'{split}_labels'].shape}")
        y = _labels(labels[:, 0])
        if int(y.min()) < 0 or int(y.max()) >= num_classes:
            raise ConfigurationError(f"{path}: {split}_labels must lie in 0..{num_classes - 1} for this dataset, "
                                     f"got values from {int(y.min())} to {int(y.max())}")
        x = torch.as_tensor(images.astype(np.float32) / 255.0)[:, None]
        out += [x, y]
    return out
