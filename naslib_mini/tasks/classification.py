"""Classification tasks: scikit-learn digits, MNIST-1D, and the user's own tensors.

Each factory returns a ``Task`` whose train/validation/test splits are fixed by
``seed``. ``digits`` is scikit-learn's copy of the UCI optical digits (1,797 real
8x8 images, Alpaydin & Kaynak 1998). ``mnist1d`` is MNIST-1D (Greydanus &
Kobak 2024, "Scaling down deep learning with MNIST-1D"), generated offline with
the ``mnist1d`` package's own generator under the official arguments and cached
as an ``.npz`` outside the working tree (``$NASLIB_MINI_CACHE`` or
``~/.cache/naslib_mini``); the official test set stays the test split and the
validation split is carved from the official training set. Knows nothing about
networks, training or search.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import random
import tempfile
from pathlib import Path
from typing import Iterator

import numpy as np
import torch

from naslib_mini.tasks.base import TASKS, Task, TaskSpec

__all__ = ["cache_dir", "digits", "mnist1d", "tensors"]

log = logging.getLogger(__name__)

#: The official MNIST-1D generation arguments (``mnist1d.data.get_dataset_args``)
#: that ``mnist1d`` exposes as parameters; the rest are kept at the package's values.
MNIST1D_SAMPLES = 5000
MNIST1D_SEED = 42


def cache_dir() -> Path:
    """Where generated data is cached: ``$NASLIB_MINI_CACHE`` or ``~/.cache/naslib_mini``."""
    env = os.environ.get("NASLIB_MINI_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "naslib_mini"


@TASKS.register("digits")
def digits(seed: int = 0, val_fraction: float = 0.2, test_fraction: float = 0.2) -> Task:
    """scikit-learn's 8x8 handwritten digits: inputs ``(1, 8, 8)`` in [0, 1], 10 classes.

    Args:
        seed: Seed of the train/validation/test split.
        val_fraction, test_fraction: Sizes of the validation and test splits.

    Example:
        >>> t = digits(seed=0)
        >>> t.spec, len(t.x_train), len(t.x_val), len(t.x_test)
        (TaskSpec(name='digits', input_shape=(1, 8, 8), num_classes=10), 1079, 359, 359)
    """
    from sklearn.datasets import load_digits  # shipped with scikit-learn, no download

    data = load_digits()
    x = (data.images / 16.0).astype(np.float32)[:, None]
    return Task.from_tensors(x, data.target, name="digits", val_fraction=val_fraction,
                             test_fraction=test_fraction, seed=seed, num_classes=10)


@TASKS.register("mnist1d")
def mnist1d(seed: int = 0, val_fraction: float = 0.2, num_samples: int = MNIST1D_SAMPLES,
            data_seed: int = MNIST1D_SEED) -> Task:
    """MNIST-1D: 1D signals of length 40 (input ``(1, 40)``), 10 classes.

    The generator makes ``num_samples`` signals (the standard 5,000) and cuts
    them 80/20 into the official train and test sets (4,000 and 1,000). The
    validation split is ``val_fraction`` of the official train set, chosen by
    ``seed``; the test split is the official test set for every seed.

    Args:
        seed: Seed of the train/validation split.
        val_fraction: Fraction of the official train set held out for validation.
        num_samples: Signals to generate (a multiple of 10 keeps classes balanced).
        data_seed: Seed of the generator itself (the official 42 by default).

    Example:
        >>> t = mnist1d(seed=0, num_samples=500)
        >>> t.spec, len(t.x_train), len(t.x_val), len(t.x_test)
        (TaskSpec(name='mnist1d', input_shape=(1, 40), num_classes=10), 320, 80, 100)
    """
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must lie strictly between 0 and 1, got {val_fraction!r}")
    if int(num_samples) != num_samples or num_samples < 10:
        raise ValueError(f"num_samples must be an integer of at least 10, got {num_samples!r}")
    arrays = _mnist1d_arrays(int(num_samples), int(data_seed))
    x_pool, y_pool = arrays["x"], arrays["y"]
    n_val = int(round(len(x_pool) * val_fraction))
    if not 0 < n_val < len(x_pool):
        raise ValueError(f"val_fraction {val_fraction!r} leaves an empty split of {len(x_pool)} samples")
    order = np.random.default_rng(seed).permutation(len(x_pool))
    train, val = order[n_val:], order[:n_val]

    def as_x(a: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(a, dtype=torch.float32)[:, None]

    def as_y(a: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(a, dtype=torch.long)

    spec = TaskSpec("mnist1d", (1, x_pool.shape[1]), 10)
    return Task(spec, as_x(x_pool[train]), as_y(y_pool[train]), as_x(x_pool[val]), as_y(y_pool[val]),
                as_x(arrays["x_test"]), as_y(arrays["y_test"]))


@TASKS.register("tensors")
def tensors(x, y, seed: int = 0, val_fraction: float = 0.2, test_fraction: float = 0.2,
            name: str = "tensors", num_classes: int | None = None) -> Task:
    """A task from your own inputs ``(n, channels, *spatial)`` and integer labels ``(n,)``.

    Example:
        >>> t = tensors(torch.randn(50, 2, 16), torch.arange(50) % 5, seed=1)
        >>> t.spec.input_shape, t.spec.num_classes, len(t.x_val)
        ((2, 16), 5, 10)
    """
    return Task.from_tensors(x, y, name=name, val_fraction=val_fraction, test_fraction=test_fraction,
                             seed=seed, num_classes=num_classes)


def _mnist1d_arrays(num_samples: int, data_seed: int) -> dict[str, np.ndarray]:
    """The generated arrays, from the cache or made now (seconds) and cached."""
    from mnist1d.data import get_dataset_args  # imported late: mnist1d pulls in matplotlib

    args = get_dataset_args(as_dict=True)
    args.pop("url")  # never download: the generator is used instead
    args.update(num_samples=num_samples, seed=data_seed)
    key = hashlib.sha256(json.dumps(args, sort_keys=True).encode()).hexdigest()[:16]
    path = cache_dir() / f"mnist1d-{key}.npz"
    if path.exists():
        with np.load(path) as stored:
            return {name: stored[name] for name in ("x", "y", "x_test", "y_test")}
    log.info("generating MNIST-1D (%d samples, seed %d) into %s", num_samples, data_seed, path)
    arrays = _generate_mnist1d(args)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as handle:
        np.savez(handle, **arrays)
    os.replace(handle.name, path)  # atomic: a concurrent reader never sees half a file
    return arrays


def _generate_mnist1d(args: dict) -> dict[str, np.ndarray]:
    from mnist1d.data import make_dataset
    from mnist1d.utils import ObjectView

    with _global_rng_preserved():  # make_dataset seeds and draws from the global RNGs
        data = make_dataset(ObjectView(dict(args)))
    return {"x": data["x"].astype(np.float32), "y": data["y"].astype(np.int64),
            "x_test": data["x_test"].astype(np.float32), "y_test": data["y_test"].astype(np.int64)}


@contextlib.contextmanager
def _global_rng_preserved() -> Iterator[None]:
    """Restore Python's and numpy's global random state after third-party code seeds them."""
    py_state, np_state = random.getstate(), np.random.get_state()
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
