"""The linear-regression tasks of the AutoML-Zero demo: random weights per task, Gaussian features.

Each task of Real et al. 2020 ("AutoML-Zero", ICML; ``scalar_linear_regression_task``
of its demo) draws a weight vector ``w`` and features ``x`` from a standard normal
and labels ``y = w . x`` exactly; the demo searches on 10 tasks of 4 features with
100 training and 100 validation examples each. Tasks are stacked in arrays with the
task as the first axis, so the interpreter can run one program on all of them at once.

Knows nothing about programs or fitness.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from naslib_mini.seeding import default_rng
from naslib_mini.types import ConfigurationError

__all__ = ["LinearTasks", "linear_regression_tasks"]


@dataclass(frozen=True, eq=False)
class LinearTasks:
    """A stack of regression tasks: ``x_train`` (tasks, examples, features), ``y_train`` (tasks, examples), ...

    Attributes:
        x_train, y_train, x_valid, y_valid: The examples, task first.
        weights: The true weight vector of each task (tasks, features).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_valid: np.ndarray
    y_valid: np.ndarray
    weights: np.ndarray

    @property
    def n_tasks(self) -> int:
        """Number of tasks."""
        return self.x_train.shape[0]

    @property
    def n_features(self) -> int:
        """Number of features (the size of every vector in memory)."""
        return self.x_train.shape[2]

    def head(self, n_tasks: int, n_train: int, n_valid: int) -> "LinearTasks":
        """The first ``n_tasks`` tasks cut to their first examples (the probe set of FEC)."""
        return LinearTasks(self.x_train[:n_tasks, :n_train], self.y_train[:n_tasks, :n_train],
                           self.x_valid[:n_tasks, :n_valid], self.y_valid[:n_tasks, :n_valid],
                           self.weights[:n_tasks])


def linear_regression_tasks(n_tasks: int = 10, *, seed: int = 0, features: int = 4, n_train: int = 100,
                            n_valid: int = 100) -> LinearTasks:
    """``n_tasks`` seeded linear-regression tasks with the demo's sizes by default.

    Raises:
        ConfigurationError: For a count below 1, naming it.

    Example:
        >>> tasks = linear_regression_tasks(3, seed=0)
        >>> tasks.x_train.shape, tasks.y_valid.shape
        ((3, 100, 4), (3, 100))
        >>> bool(np.allclose(tasks.y_train[0], tasks.x_train[0] @ tasks.weights[0]))
        True
    """
    for name, value in (("n_tasks", n_tasks), ("features", features), ("n_train", n_train), ("n_valid", n_valid)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ConfigurationError(f"{name} must be a positive integer, got {value!r}")
    rng = default_rng(seed)
    weights = rng.standard_normal((n_tasks, features))
    x_train = rng.standard_normal((n_tasks, n_train, features))
    x_valid = rng.standard_normal((n_tasks, n_valid, features))
    y_train = np.einsum("tnf,tf->tn", x_train, weights)
    y_valid = np.einsum("tnf,tf->tn", x_valid, weights)
    return LinearTasks(x_train, y_train, x_valid, y_valid, weights)
