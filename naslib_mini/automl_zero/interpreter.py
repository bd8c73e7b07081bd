"""Running an AutoML-Zero program on tasks, and its fitness (1 - RMS error, squashed as the paper's code).

The execution of Real et al. 2020 ("AutoML-Zero", ICML): memory starts at zero, setup
runs once; for each training example (one epoch) the features go into ``v0``, ``s0``
is zeroed, predict runs, ``s1`` is the prediction, the label goes into ``s0`` and learn
runs; then predict runs on each validation example. Tasks are independent, so every
memory cell holds one value per task and each instruction is one numpy operation over
all tasks at once: exactly the sequential semantics, one task per row. Training
examples stay sequential because predict and learn may carry state from one example
to the next. Validation examples run as one batch (one row per task and example)
when predict reads nothing it wrote itself on an earlier example (``_stateless``),
which gives the same predictions as the sequential run.

Fitness per task is ``1 - (2/pi) * arctan(rms)`` of the validation predictions: the
paper's code (``FlipAndSquash``), which is ``1 - 0.64 * rms`` for small errors and
stays above 0 (so early programs are still ranked) for large ones; a NaN or infinite
error scores 0. The target 0.9999 means ``rms < 1.6e-4``. The fitness of a program is
the mean over tasks.

Knows nothing about search.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from naslib_mini.automl_zero.instruction import MEMORY, Instruction
from naslib_mini.automl_zero.program import Program
from naslib_mini.automl_zero.tasks import LinearTasks

__all__ = ["execute", "fitness", "squash", "task_fitness"]


def squash(rms: np.ndarray) -> np.ndarray:
    """``1 - (2/pi) arctan(rms)``, with NaN and infinity scored 0 (the paper's ``FlipAndSquash``).

    Example:
        >>> float(squash(np.array(0.0))), round(float(squash(np.array(1e-4))), 6)
        (1.0, 0.999936)
    """
    rms = np.asarray(rms, dtype=float)
    with np.errstate(invalid="ignore"):
        out = 1.0 - (2.0 / np.pi) * np.arctan(rms)
    return np.where(np.isfinite(rms), out, 0.0)


class _Memory:
    """Scalars (4, T), vectors (3, T, F) and the matrix (1, T, F, F) of T tasks at once."""

    def __init__(self, n_tasks: int, n_features: int):
        self.s = np.zeros((MEMORY["s"], n_tasks))
        self.v = np.zeros((MEMORY["v"], n_tasks, n_features))
        self.m = np.zeros((MEMORY["m"], n_tasks, n_features, n_features))

    def cell(self, kind: str, index: int) -> np.ndarray:
        return getattr(self, kind)[index]


def _compile(instruction: Instruction, memory: _Memory) -> Callable[[], object]:
    """A closure that runs ``instruction`` in place on ``memory`` (views stay bound to its arrays)."""
    op, out = instruction.op, memory.cell(instruction.spec.output, instruction.out)
    ins = [memory.cell(kind, i) for kind, i in zip(instruction.spec.inputs, instruction.inputs)]
    if op == "scalar_const":
        value = instruction.value
        return lambda: out.fill(value)
    a = ins[0]
    b = ins[1]
    if op == "scalar_sum" or op == "vector_sum":
        return lambda: np.add(a, b, out=out)
    if op == "scalar_diff":
        return lambda: np.subtract(a, b, out=out)
    if op == "scalar_product":
        return lambda: np.multiply(a, b, out=out)
    if op == "scalar_vector_product":
        column = a[:, None]
        return lambda: np.multiply(column, b, out=out)
    if op == "vector_inner_product":
        return lambda: np.vecdot(a, b, out=out)
    if op == "matrix_vector_product":
        def run():
            out[...] = np.einsum("tij,tj->ti", a, b)
        return run
    raise AssertionError(f"no implementation for operation {op!r}")  # the table and this function disagree


def _stateless(predict: tuple[Instruction, ...]) -> bool:
    """Whether every run of ``predict`` reads only values it did not leave behind on an earlier run.

    True when no address that ``predict`` writes is read before being written within
    ``predict`` (``s0`` and ``v0`` are reset by the evaluator before every run): then each
    validation example sees the memory left by training, whatever came before it.
    """
    written: set[str] = set()
    carried = {i.writes for i in predict} - {"s0", "v0"}
    for instruction in predict:
        if any(r in carried and r not in written for r in instruction.reads):
            return False
        written.add(instruction.writes)
    return True


def execute(program: Program, tasks: LinearTasks) -> tuple[np.ndarray, np.ndarray]:
    """The predictions of ``program`` on every training and validation example, task first.

    Returns:
        ``(train_predictions, valid_predictions)`` of shapes (tasks, n_train) and (tasks, n_valid);
        values may be NaN or infinite where the program's arithmetic overflows.

    Example:
        >>> from naslib_mini.automl_zero.program import sgd_linear_regression
        >>> from naslib_mini.automl_zero.tasks import linear_regression_tasks
        >>> train, valid = execute(sgd_linear_regression(), linear_regression_tasks(2, seed=0))
        >>> train.shape, valid.shape
        ((2, 100), (2, 100))
    """
    memory = _Memory(tasks.n_tasks, tasks.n_features)
    setup = [_compile(i, memory) for i in program.setup]
    predict = [_compile(i, memory) for i in program.predict]
    learn = [_compile(i, memory) for i in program.learn]
    s0, s1, v0 = memory.s[0], memory.s[1], memory.v[0]
    train = np.empty(tasks.y_train.shape)
    valid = np.empty(tasks.y_valid.shape)
    x_train, y_train, x_valid = tasks.x_train, tasks.y_train, tasks.x_valid
    with np.errstate(all="ignore"):
        for step in setup:
            step()
        for k in range(train.shape[1]):
            v0[...] = x_train[:, k]
            s0.fill(0.0)
            for step in predict:
                step()
            train[:, k] = s1
            s0[...] = y_train[:, k]
            for step in learn:
                step()
        if _stateless(program.predict):
            n_valid = valid.shape[1]
            batch = _Memory(tasks.n_tasks * n_valid, tasks.n_features)
            for kind in ("s", "v", "m"):  # every validation example starts from the memory training left
                getattr(batch, kind)[...] = np.repeat(getattr(memory, kind), n_valid, axis=1)
            batch.v[0][...] = x_valid.reshape(-1, tasks.n_features)
            batch.s[0].fill(0.0)
            for step in [_compile(i, batch) for i in program.predict]:
                step()
            valid[...] = batch.s[1].reshape(valid.shape)
        else:
            for k in range(valid.shape[1]):
                v0[...] = x_valid[:, k]
                s0.fill(0.0)
                for step in predict:
                    step()
                valid[:, k] = s1
    return train, valid


def task_fitness(program: Program, tasks: LinearTasks) -> np.ndarray:
    """The fitness of ``program`` on each task: the squashed RMS error of its validation predictions."""
    _, valid = execute(program, tasks)
    with np.errstate(all="ignore"):
        rms = np.sqrt(np.mean((valid - tasks.y_valid) ** 2, axis=1))
    return squash(rms)


def fitness(program: Program, tasks: LinearTasks) -> float:
    """The mean fitness of ``program`` over ``tasks``, in [0, 1], higher is better.

    Example:
        >>> from naslib_mini.automl_zero.program import Program, sgd_linear_regression
        >>> from naslib_mini.automl_zero.tasks import linear_regression_tasks
        >>> tasks = linear_regression_tasks(5, seed=1)
        >>> fitness(sgd_linear_regression(), tasks) > 0.9999 > fitness(Program(), tasks)
        True
    """
    return float(np.mean(task_fitness(program, tasks)))
