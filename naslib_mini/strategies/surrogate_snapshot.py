"""Surrogate snapshots: what a model-based search's surrogate believed after its first results.

Bayesian optimisation (Jones et al. 1998; for architectures White, Neiswanger & Savani
2021, BANANAS) fits a surrogate to the results so far and picks the next architecture
where an acquisition function of the surrogate's mean and standard deviation is largest.
``surrogate_snapshot`` refits a surrogate (by default the GP of
``naslib_mini.strategies.bayesopt``, whose fit is deterministic, so for a ``bo`` search it
gives the strategy's model up to the kernel hyperparameters, which ``bo`` re-tunes only
every few fits) on the first ``iteration`` results of a finished search, predicts a
reference set of architectures whose true scores are known (a tabular benchmark), and
reports the next trial the search made; ``snapshot_text`` says it in a few lines. The
drawing is ``naslib_mini.viz.surrogate.plot_snapshot``.

Knows nothing about how the search chose its candidates or how the true scores were
produced: ``truth`` is any ``arch -> float`` (a table look-up, never a training run).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Hashable, Sequence

import numpy as np

from naslib_mini.spaces.base import SearchSpace
from naslib_mini.strategies.acquisition import ACQUISITIONS, acquisition_values
from naslib_mini.strategies.bayesopt import GaussianProcess
from naslib_mini.strategies.model_based import single_threaded, surrogate_encoding, transform_targets

if TYPE_CHECKING:
    from naslib_mini.history import History

__all__ = ["snapshot_text", "surrogate_snapshot"]

def _kendall_tau(x: np.ndarray, y: np.ndarray) -> float:
    from scipy.stats import kendalltau

    if len(x) < 2:
        return float("nan")
    return float(kendalltau(x, y)[0])


def surrogate_snapshot(space: SearchSpace, history: History, iteration: int, reference: Sequence[Hashable],
                       truth: Callable[[Hashable], float], *, encoding: str | None = None,
                       surrogate: Callable[[], Any] | None = None, acquisition: str = "ei",
                       kappa: float = 1.96, targets: str = "score") -> dict[str, Any]:
    """The surrogate fit on a search's first ``iteration`` results, and the search's next pick.

    Args:
        space: The space of the search.
        history: A finished search (failed trials are skipped).
        iteration: How many complete results the surrogate sees, from 1 to the number of
            complete trials minus one (the next trial must exist).
        reference: Architectures to predict, whose true scores ``truth`` gives.
        truth: ``arch -> float``: the true score (e.g. the tabular validation accuracy).
        encoding: The encoding the surrogate reads (``None``: ``"path"`` where offered).
        surrogate: A factory of unfitted surrogates with ``fit(X, y)`` and
            ``predict(X) -> (mean, std)``; a Matern GP by default.
        acquisition: ``"ei"``, ``"ucb"`` or ``"its"``, evaluated at the next pick and the reference.
        kappa: UCB's exploration weight.
        targets: What the surrogate is fit to, as in the strategies: ``"score"`` or
            ``"rank"`` (Gaussian rank scores; predictions are then in those units).

    Returns:
        A dict with ``iteration``, ``incumbent`` (best score seen), ``reference_true``,
        ``reference_mean``, ``reference_std``, ``reference_acquisition`` (arrays),
        ``kendall_tau`` (rank correlation of mean and truth on the reference),
        ``coverage`` (fraction of true scores within mean ± 2 std), and ``next``:
        the next trial's ``number``, ``arch`` (string), ``mean``, ``std``, ``true`` score,
        ``acquisition`` value and ``acquisition_rank`` among the reference (1 = highest).

    Example:
        >>> import naslib_mini as nm
        >>> space, table = nm.SPACES.create("nb201"), nm.ESTIMATORS.create("nb201")
        >>> history = nm.run(nm.STRATEGIES.create("random", space=space, seed=0), table, nm.Budget(trials=12))
        >>> reference = [space.sample(nm.default_rng(1)) for _ in range(30)]
        >>> snap = surrogate_snapshot(space, history, 10, reference, lambda a: table.estimate(a).score)
        >>> snap["next"]["number"], snap["reference_mean"].shape, round(snap["next"]["true"], 2) == round(
        ...     history.trials[10].score, 2)
        (10, (30,), True)
    """
    if acquisition not in ACQUISITIONS:
        raise ValueError(f"unknown acquisition {acquisition!r}; valid choices: {', '.join(ACQUISITIONS)}")
    complete = history.completed()
    if not (isinstance(iteration, (int, np.integer)) and 1 <= iteration <= len(complete) - 1):
        raise ValueError(f"iteration must be an integer in 1..{len(complete) - 1} (the search has "
                         f"{len(complete)} complete trials), got {iteration!r}")
    if len(reference) == 0:
        raise ValueError("reference must hold at least one architecture to predict")
    encoding = surrogate_encoding(space, encoding)
    seen, upcoming = complete[:iteration], complete[iteration]

    def features(archs: Sequence[Hashable]) -> np.ndarray:
        return np.stack([np.asarray(space.encode(a, encoding), dtype=float) for a in archs])

    scores = np.array([t.score for t in seen], dtype=float)
    y = transform_targets(scores, targets)
    model = (surrogate or GaussianProcess)()
    with single_threaded():
        model.fit(features([t.arch for t in seen]), y)
        mean, std = model.predict(features([upcoming.arch, *reference]))
    rng = np.random.default_rng(iteration)  # only Thompson sampling draws
    values = acquisition_values(acquisition, mean, std, best=float(y.max()), rng=rng, kappa=kappa)
    true = np.array([float(truth(a)) for a in reference])
    reference_mean, reference_std = mean[1:], std[1:]
    return {
        "iteration": int(iteration),
        "acquisition_name": acquisition,
        "targets": targets,
        "incumbent": float(scores.max()),
        "reference_true": true,
        "reference_mean": reference_mean,
        "reference_std": reference_std,
        "reference_acquisition": values[1:],
        "kendall_tau": _kendall_tau(reference_mean, true),
        "coverage": (float(np.mean(np.abs(true - reference_mean) <= 2 * reference_std)) if targets == "score"
                     else float("nan")),
        "next": {"number": upcoming.number, "arch": space.to_str(upcoming.arch), "mean": float(mean[0]),
                 "std": float(std[0]), "true": float(upcoming.score), "acquisition": float(values[0]),
                 "acquisition_rank": int(1 + np.sum(values[1:] > values[0]))},
    }


def snapshot_text(snapshot: dict[str, Any]) -> str:
    """``surrogate_snapshot``'s dict as a few lines of text.

    Example:
        >>> snap = {"iteration": 5, "incumbent": 90.0, "kendall_tau": 0.5, "coverage": 0.9,
        ...         "reference_true": [1, 2], "acquisition_name": "ei",
        ...         "next": {"number": 5, "arch": "a", "mean": 91.0, "std": 1.0, "true": 92.0,
        ...                  "acquisition": 1.2, "acquisition_rank": 1}}
        >>> print(snapshot_text(snap))
        after 5 results: best so far 90.00
        on 2 reference architectures: Kendall tau 0.50, 90% of true scores within mean ± 2 std
        next pick (trial 5): a
          predicted 91.00 ± 1.00, true 92.00, ei 1.2 (rank 1 among the reference)
    """
    nxt = snapshot["next"]
    return "\n".join([
        f"after {snapshot['iteration']} results: best so far {snapshot['incumbent']:.2f}",
        f"on {len(snapshot['reference_true'])} reference architectures: Kendall tau {snapshot['kendall_tau']:.2f}"
        + ("" if np.isnan(snapshot["coverage"]) else
           f", {100 * snapshot['coverage']:.0f}% of true scores within mean ± 2 std"),
        f"next pick (trial {nxt['number']}): {nxt['arch']}",
        f"  predicted {nxt['mean']:.2f} ± {nxt['std']:.2f}, true {nxt['true']:.2f}, "
        f"{snapshot['acquisition_name']} {nxt['acquisition']:.3g} (rank {nxt['acquisition_rank']} among the reference)",
    ])
