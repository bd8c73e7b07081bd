"""What a one-shot search did, epoch by epoch: alphas, derived cells and collapse diagnostics.

``naslib_mini.one_shot.search`` (DARTS, GDAS; Liu et al. 2019, Dong & Yang 2019) records one
``Trial`` per epoch: its candidate is the derived cell, its ``info`` the softmax of alpha
(6 edges x 5 operations) and, for GDAS, the temperature, its metrics the diagnostics of
Zela et al. (ICLR 2020): the share of parameter-free operations in the derived cell and the
dominant eigenvalue of the validation loss's Hessian w.r.t. alpha, beside the validation
accuracy of the derived cell and of the relaxed supernet (their difference is the
discretisation gap). ``OneShotTrace.from_history`` gathers them into arrays for the plots
(``naslib_mini.viz.one_shot``) and the epoch scrubber widget; ``describe`` says what one
epoch shows. Knows nothing about how the search ran.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from naslib_mini.history import History
from naslib_mini.spaces.nb201_cell import EDGES, N_EDGES, N_OPS, OP_NAMES, NB201Arch

__all__ = ["OneShotTrace"]


@dataclass(frozen=True)
class OneShotTrace:
    """A one-shot search's records, one entry per epoch (epoch ``e`` at index ``e - 1``).

    Attributes:
        method: The method's name (``darts-1``, ``darts-2``, ``gdas``).
        cells: The cell derived after each epoch (argmax of alpha per edge).
        alphas: softmax(alpha) after each epoch, shape ``(epochs, 6, 5)`` (edges in NB201's
            order, operations in ``OP_NAMES`` order).
        val_accuracy: Validation accuracy of each derived cell with the supernet's weights.
        relaxed_val_accuracy: Validation accuracy of the relaxed supernet (softmax weights).
        parameter_free_share: Share of the derived cell's edges without weights.
        eigenvalue: Dominant Hessian eigenvalue of the validation loss w.r.t. alpha (NaN
            where the search did not compute it).
        tau: GDAS's temperature per epoch (NaN for DARTS).
        result_epoch: The epoch whose cell the search returns (the last, or DARTS-ES's).
    """

    method: str
    cells: tuple[NB201Arch, ...]
    alphas: np.ndarray
    val_accuracy: np.ndarray
    relaxed_val_accuracy: np.ndarray
    parameter_free_share: np.ndarray
    eigenvalue: np.ndarray
    tau: np.ndarray
    result_epoch: int

    @classmethod
    def from_history(cls, history: History) -> "OneShotTrace":
        """The trace of the history that ``one_shot.search`` returned (or a journal of it read back).

        Raises:
            ValueError: The history is empty, or a trial lacks the one-shot records (alphas,
                diagnostics), e.g. a black-box search's history.

        Example:
            >>> import naslib_mini as nm
            >>> space = nm.SPACES.create("nb201", width=4, cells_per_stage=1)
            >>> history = nm.one_shot.search("gdas", "digits", space, nm.TrainingConfig(epochs=2, threads=1),
            ...                              eigen_iterations=2)
            >>> trace = OneShotTrace.from_history(history)
            >>> trace.epochs, trace.alphas.shape, trace.tau.round(2).tolist()
            (2, (2, 6, 5), [10.0, 0.1])
        """
        trials = list(history)
        if not trials:
            raise ValueError("the history holds no trials: run nm.one_shot.search(...) first")
        missing = [t.number for t in trials
                   if "alphas" not in t.candidate.info or "parameter_free_share" not in t.measurement.metrics]
        if missing:
            raise ValueError(f"trials {missing} lack the one-shot records (info 'alphas', metric "
                             "'parameter_free_share'): pass the history that nm.one_shot.search returned")
        alphas = np.array([t.candidate.info["alphas"] for t in trials], dtype=float)
        if alphas.shape[1:] != (N_EDGES, N_OPS):
            raise ValueError(f"alphas must be ({N_EDGES}, {N_OPS}) per epoch, got {alphas.shape[1:]}")
        metric = lambda name: np.array([t.measurement.metrics.get(name, np.nan) for t in trials], dtype=float)
        early = trials[-1].candidate.info.get("early_stop")
        return cls(method=str(trials[0].candidate.info.get("method", "one-shot")),
                   cells=tuple(t.arch for t in trials), alphas=alphas,
                   val_accuracy=metric("val_accuracy"), relaxed_val_accuracy=metric("relaxed_val_accuracy"),
                   parameter_free_share=metric("parameter_free_share"), eigenvalue=metric("eigenvalue"),
                   tau=np.array([t.candidate.info.get("tau", np.nan) for t in trials], dtype=float),
                   result_epoch=int(early["result_epoch"]) if early else len(trials))

    @property
    def epochs(self) -> int:
        """The number of epochs recorded."""
        return len(self.cells)

    @property
    def discretization_gap(self) -> np.ndarray:
        """Relaxed supernet's validation accuracy minus the derived cell's, per epoch."""
        return self.relaxed_val_accuracy - self.val_accuracy

    def check_epoch(self, epoch: int) -> int:
        """``epoch`` if it is a recorded epoch (1 to ``epochs``); else a ``ValueError`` naming the range."""
        if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) or not 1 <= epoch <= self.epochs:
            raise ValueError(f"epoch must be an integer from 1 to {self.epochs}, got {epoch!r}")
        return int(epoch)

    def describe(self, epoch: int) -> str:
        """What epoch ``epoch`` (from 1) shows, in a few lines: the cell, the strongest weights, the diagnostics.

        Example:
            >>> a = np.full((1, 6, 5), 0.2); a[0, :, 1] = 0.6
            >>> cell = NB201Arch(("skip_connect",) * 6)
            >>> trace = OneShotTrace("darts-1", (cell,), a, np.array([0.5]), np.array([0.9]), np.array([1.0]),
            ...                      np.array([0.25]), np.array([np.nan]), 1)
            >>> print(trace.describe(1).splitlines()[0])
            darts-1, epoch 1 of 1: derived cell |skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|
        """
        i = self.check_epoch(epoch) - 1
        cell = self.cells[i]
        strongest = ", ".join(f"{a}->{b} {OP_NAMES[int(k)]} {p[int(k)]:.3f}"
                              for (a, b), p, k in zip(EDGES, self.alphas[i], self.alphas[i].argmax(1)))
        lines = [f"{self.method}, epoch {i + 1} of {self.epochs}: derived cell {cell}",
                 f"largest softmax(alpha) per edge: {strongest}",
                 f"parameter-free share {self.parameter_free_share[i]:.2f}"
                 + ("" if np.isnan(self.eigenvalue[i]) else f", dominant Hessian eigenvalue {self.eigenvalue[i]:.4g}")
                 + ("" if np.isnan(self.tau[i]) else f", Gumbel temperature {self.tau[i]:.3g}"),
                 f"validation accuracy with the shared weights: derived cell {self.val_accuracy[i]:.3f}, "
                 f"relaxed supernet {self.relaxed_val_accuracy[i]:.3f} (discretisation gap "
                 f"{self.discretization_gap[i]:+.3f})"]
        if self.result_epoch != self.epochs:
            lines.append(f"DARTS-ES stopped the search; its result is the cell of epoch {self.result_epoch}")
        return "\n".join(lines)
