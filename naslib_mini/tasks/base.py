"""Tasks: a dataset with fixed train/validation/test splits and the spec a network needs.

A ``TaskSpec`` is the data that makes networks differ between tasks (input
shape, dimensionality, number of classes), so there is one network builder. A
``Task`` adds the tensors, split once by a seed: search sees validation scores
only; the test split is for the final report. Knows nothing about search.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from naslib_mini.registry import Registry
from naslib_mini.seeding import default_rng

__all__ = ["TASKS", "Task", "TaskSpec", "split_indices"]

TASKS: Registry["Task"] = Registry("task")


@dataclass(frozen=True)
class TaskSpec:
    """What a network must know about its task.

    Attributes:
        name: Task name.
        input_shape: ``(channels, *spatial)``: ``(1, 40)`` for MNIST-1D,
            ``(1, 8, 8)`` for digits, ``(3, 32, 32)`` for CIFAR-10.
        num_classes: Number of classes of the classification head.
        report_auc: Whether estimators add the ROC AUC (``val_auc``, ``test_auc``) to the
            accuracy they report, as medical imaging tasks do (``estimators/auc.py``).
    """

    name: str
    input_shape: tuple[int, ...]
    num_classes: int
    report_auc: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.input_shape) not in (2, 3, 4):
            raise ValueError(f"input_shape must be (channels, *spatial) with 1-3 spatial dims, "
                             f"got {self.input_shape!r}")
        if self.num_classes < 2:
            raise ValueError(f"num_classes must be at least 2, got {self.num_classes!r}")

    @property
    def ndim(self) -> int:
        """Number of spatial dimensions."""
        return len(self.input_shape) - 1


def split_indices(n: int, val_fraction: float, test_fraction: float, seed: int) -> tuple[np.ndarray, ...]:
    """Shuffle ``range(n)`` with ``seed`` and cut it into train, validation and test indices."""
    for name, value in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not 0 < value < 1:
            raise ValueError(f"{name} must lie strictly between 0 and 1, got {value!r}")
    if val_fraction + test_fraction >= 1:
        raise ValueError(f"val_fraction + test_fraction must be below 1, got {val_fraction + test_fraction!r}")
    n_test, n_val = int(round(n * test_fraction)), int(round(n * val_fraction))
    if min(n_test, n_val, n - n_test - n_val) < 1:
        raise ValueError(f"{n} examples are too few for val_fraction={val_fraction!r} and "
                         f"test_fraction={test_fraction!r}: the splits would hold {n - n_test - n_val} training, "
                         f"{n_val} validation and {n_test} test examples, and each needs at least one")
    order = default_rng(seed).permutation(n)
    return order[n_test + n_val:], order[n_test:n_test + n_val], order[:n_test]


def _labels(y: object) -> torch.Tensor:
    """Labels as a long tensor; whole numbers stored as floats are accepted, fractions are not."""
    if not isinstance(y, torch.Tensor):
        y = np.asarray(y)
        if y.dtype.kind not in "iuf":
            raise ValueError(f"labels must be integer class indices, got dtype {y.dtype}")
    y = torch.as_tensor(y)
    if y.dtype == torch.bool or y.is_complex():
        raise ValueError(f"labels must be integer class indices, got dtype {y.dtype}")
    if y.is_floating_point():
        fractional = ~torch.isfinite(y) | (y != torch.round(y))
        if fractional.any():
            raise ValueError(f"labels must be whole class indices, got {int(fractional.sum())} that are not "
                             f"(the first {y[fractional][0].item()!r})")
    return y.long()


@dataclass(frozen=True)
class Task:
    """A classification dataset with fixed splits.

    Attributes:
        spec: Input shape and number of classes.
        x_train, y_train, x_val, y_val, x_test, y_test: Float inputs of shape
            ``(n, *spec.input_shape)`` and integer labels.
    """

    spec: TaskSpec
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor

    @classmethod
    def from_tensors(cls, x, y, *, name: str = "tensors", val_fraction: float = 0.2,
                     test_fraction: float = 0.2, seed: int = 0, num_classes: int | None = None) -> "Task":
        """A task from the user's own tensors, split by ``seed``.

        Args:
            x: Inputs of shape ``(n, channels, *spatial)`` (numpy or torch).
            y: Integer class labels of shape ``(n,)``.
            name: Task name.
            val_fraction, test_fraction: Sizes of the validation and test splits.
            seed: Seed of the split.
            num_classes: Number of classes; by default ``max(y) + 1``.

        Raises:
            ValueError: Naming the problem, for inputs of the wrong shape, empty, or holding
                NaN or infinite values (a network cannot learn from them; clean or impute
                them first); labels that are not whole numbers, negative, or not below
                ``num_classes``; or so few examples that a split would be empty.

        Example:
            >>> t = Task.from_tensors(torch.randn(100, 1, 8), torch.arange(100) % 3, seed=0)
            >>> t.spec, len(t.x_train), len(t.x_val), len(t.x_test)
            (TaskSpec(name='tensors', input_shape=(1, 8), num_classes=3), 60, 20, 20)
        """
        x = torch.as_tensor(np.asarray(x) if not isinstance(x, torch.Tensor) else x, dtype=torch.float32)
        y = _labels(y)
        if x.ndim not in (3, 4, 5):
            raise ValueError(f"x must have shape (n, channels, *spatial) with 1-3 spatial dims, "
                             f"got {tuple(x.shape)}")
        if x.numel() == 0:
            raise ValueError(f"x holds no values (shape {tuple(x.shape)}); a task needs examples to learn from")
        if y.shape != (len(x),):
            raise ValueError(f"y must have shape ({len(x)},) to match x, got {tuple(y.shape)}")
        bad = ~torch.isfinite(x)
        if bad.any():
            first = int(bad.flatten(1).any(1).nonzero()[0])
            raise ValueError(f"x holds {int(torch.isnan(x).sum())} NaN and {int(torch.isinf(x).sum())} infinite "
                             f"values (the first in example {first}); a network cannot learn from them, so "
                             "remove or impute them first")
        if int(y.min()) < 0:
            raise ValueError(f"labels must be class indices >= 0, got {int((y < 0).sum())} negative ones "
                             f"(the smallest {int(y.min())})")
        classes = int(y.max()) + 1 if num_classes is None else num_classes
        if isinstance(classes, bool) or not isinstance(classes, (int, np.integer)) or classes < 2:
            raise ValueError(f"num_classes must be an integer of at least 2, got {classes!r}")
        if int(y.max()) >= classes:
            raise ValueError(f"labels must lie in 0..{classes - 1} for num_classes={classes}, got "
                             f"{int((y >= classes).sum())} outside (the largest {int(y.max())})")
        train, val, test = split_indices(len(x), val_fraction, test_fraction, seed)
        spec = TaskSpec(name, tuple(x.shape[1:]), classes)
        return cls(spec, x[train], y[train], x[val], y[val], x[test], y[test])

    def folds(self, count: int) -> tuple["Task", ...]:
        """``count`` tasks that validate on disjoint blocks of the training and validation data (k-fold).

        Training and validation data are pooled, validation last; fold ``i`` validates on
        the ``i``-th block of ``len(x_val)`` examples counted from the end of the pool and
        trains on the rest, so fold 0 is this task itself (same examples, same order). When
        ``count * len(x_val)`` is the whole pool (``val_fraction`` 0.2 and 5 folds) every
        example is validated exactly once. The test split is the same in every fold.

        Raises:
            ValueError: ``count`` is below 1 or needs more blocks than the pool holds, or the
                task has no validation split.

        Example:
            >>> t = Task.from_tensors(torch.randn(100, 1, 8), torch.arange(100) % 3, seed=0)
            >>> [(len(f.x_train), len(f.x_val)) for f in t.folds(4)]
            [(60, 20), (60, 20), (60, 20), (60, 20)]
        """
        n_val, pool = len(self.x_val), len(self.x_train) + len(self.x_val)
        if n_val == 0:
            raise ValueError("this task has no validation examples, so there is nothing to fold")
        if int(count) != count or count < 1 or count * n_val > pool:
            raise ValueError(f"count must be an integer from 1 to {pool // max(n_val, 1)} (blocks of "
                             f"{n_val} validation examples in a pool of {pool}), got {count!r}")
        x, y = torch.cat([self.x_train, self.x_val]), torch.cat([self.y_train, self.y_val])
        tasks = []
        for fold in range(int(count)):
            start, stop = pool - (fold + 1) * n_val, pool - fold * n_val
            keep = torch.cat([torch.arange(start), torch.arange(stop, pool)])
            tasks.append(Task(self.spec, x[keep], y[keep], x[start:stop], y[start:stop], self.x_test, self.y_test))
        return tuple(tasks)
