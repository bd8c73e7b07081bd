"""The ask/tell loop of model-based search, shared by GP-BO and BANANAS.

Sequential model-based optimisation (Hutter et al. 2011; Shahriari et al.
2016, "Taking the human out of the loop"): evaluate a random initial design,
then repeatedly fit a surrogate to the results, score a pool of unseen
candidates with an acquisition function and propose the best. Holds the loop
(``SurrogateSearch``), the targets a surrogate is fitted to (scores, or their
Gaussian rank scores: Salinas et al. 2020), the choice of encoding (BANANAS'
path encoding where a space offers it; White et al. 2021) and a guard that runs
the tiny linear algebra of a fit single-threaded, and ParEGO's random
scalarisations (Knowles 2006) for searching several objectives with one
surrogate. Subclasses only say which surrogate to build.

Knows nothing about how scores are produced, nor about any particular model.
"""
from __future__ import annotations

import abc
import contextlib
from typing import Hashable, Iterator, Protocol, Sequence

import numpy as np
from scipy.special import ndtri
from threadpoolctl import ThreadpoolController

from naslib_mini.objectives import Objective, augmented_tchebycheff, objective_matrix, parse_objectives
from naslib_mini.strategies.acquisition import ACQUISITIONS, AcquisitionOptimizer, acquisition_values
from naslib_mini.strategies.archive import Archive
from naslib_mini.strategies.base import SearchExhausted, Strategy, require_int
from naslib_mini.types import Candidate, Trial

__all__ = ["SCALARISATIONS", "TARGETS", "Surrogate", "average_ranks", "SurrogateSearch", "single_threaded",
           "surrogate_encoding", "transform_targets"]

#: What a surrogate is fitted to: the scores, or the normal quantiles of their ranks.
TARGETS = ("rank", "score")
#: How several objectives become the surrogate's target: not at all (the score), or ParEGO.
SCALARISATIONS = (None, "parego")


def average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, ties sharing their mean rank (``scipy.stats.rankdata``, five times faster).

    Example:
        >>> average_ranks(np.array([3.0, 1.0, 3.0, 2.0])).tolist()
        [3.5, 1.0, 3.5, 2.0]
    """
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(ordered)]
    ranks = np.empty(len(values))
    ranks[order] = np.repeat((starts + ends + 1) / 2.0, ends - starts)
    return ranks


def transform_targets(scores: np.ndarray, kind: str = "rank") -> np.ndarray:
    """The regression targets of a surrogate: Gaussian rank scores, or the scores as they are.

    ``"rank"`` replaces each score by the standard-normal quantile of its rank (a
    Gaussian copula; Salinas et al. 2020): the surrogate then models the order of
    architectures, so a few very bad ones (scores near chance) no longer dominate
    its fit and the small differences among the best ones become visible. Ties
    share their mean rank.

    Example:
        >>> import numpy as np
        >>> transform_targets(np.array([10.0, 90.0, 91.0])).round(2).tolist()
        [-0.97, 0.0, 0.97]
        >>> transform_targets(np.array([1.0, 2.0]), "score").tolist()
        [1.0, 2.0]
    """
    scores = np.asarray(scores, dtype=float)
    if kind == "score":
        return scores
    if kind == "rank":
        return ndtri((average_ranks(scores) - 0.5) / len(scores))
    raise ValueError(f"unknown targets {kind!r}; valid choices: {', '.join(TARGETS)}")


_CONTROLLER: list[ThreadpoolController] = []


@contextlib.contextmanager
def single_threaded() -> Iterator[None]:
    """Run the block with BLAS limited to one thread, restoring the setting afterwards.

    Surrogates fit a few hundred points at most: matrices that small gain nothing
    from BLAS threads, and on a busy 2-core machine thread hand-offs made a
    150x84 by 84x80 product a hundred times slower (20 ms instead of 0.2 ms) in
    our measurements.
    """
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    with _CONTROLLER[0].limit(limits=1, user_api="blas"):
        yield


def surrogate_encoding(space, encoding: str | None = None) -> str:
    """The encoding a surrogate reads: ``encoding`` if given (validated), else ``"path"``
    where the space offers it (BANANAS' path encoding), else the space's default.

    Example:
        >>> import naslib_mini as nm
        >>> surrogate_encoding(nm.SPACES.create("nb201")), surrogate_encoding(nm.SPACES.create("chain"))
        ('path', 'onehot')
    """
    offered = tuple(space.encodings)
    if encoding is None:
        return "path" if "path" in offered else offered[0]
    if encoding not in offered:
        raise ValueError(f"unknown encoding {encoding!r} for space {space.name!r}; "
                         f"valid choices: {', '.join(offered)}")
    return encoding


def encoded_rows(space, encoding: str, cache: dict, archs: Sequence[Hashable]) -> np.ndarray:
    """The encodings of ``archs`` in ``space`` as the rows of a matrix, memoised per architecture in ``cache``."""
    rows = []
    for arch in archs:
        row = cache.get(arch)
        if row is None:
            row = cache[arch] = np.asarray(space.encode(arch, encoding), dtype=float)
        rows.append(row)
    return np.stack(rows)


class Surrogate(Protocol):
    """What model-based search needs from a model: fit on encodings, predict mean and std."""

    def fit(self, X: np.ndarray, y: np.ndarray) -> "Surrogate": ...

    def predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...


class SurrogateSearch(Strategy):
    """Random initial design, then a surrogate's acquisition maximised over a candidate pool.

    ``ask`` proposes uniform random architectures until ``num_init`` results are in.
    Then it fits the surrogate, scores the pool of an ``AcquisitionOptimizer`` once
    and proposes the ``refit_every`` best candidates of that pool, one per ``ask``
    (a greedy batch: BANANAS proposes k=10 per fit), refitting when ``refit_every``
    new results have arrived or the batch is used up. Subclasses implement
    ``new_surrogate``.

    Several candidates may be pending (asynchronous evaluation): pending architectures
    are never proposed again, and a fit made while some are pending follows the
    constant liar rule (CL-min; Ginsbourger, Le Riche & Carraro 2010): each pending
    architecture joins the fit with the worst target seen so far as a fake result, so
    the acquisition steers away from what is already being evaluated. With nothing
    pending (one worker) the fit is the plain one.

    Args:
        space: The search space.
        seed: Seed of the strategy's generator.
        num_init: Random architectures evaluated before the model is used.
        refit_every: Results between two fits of the surrogate, and the size of the
            batch proposed from one fit (1 refits on every result).
        acquisition: ``"ei"``, ``"ucb"`` or ``"its"``; ``None`` is the subclass default.
        encoding: The space encoding the surrogate reads; ``None`` picks ``"path"``
            where offered.
        targets: ``"rank"`` (Gaussian rank scores, default) or ``"score"``.
        num_parents: Best architectures whose mutations (or neighbours) enter the pool.
        mutations_per_parent: Mutations drawn per parent.
        num_random: Uniform random samples in the pool.
        neighbours: Pool whole neighbourhoods instead of random mutations.
        kappa: Exploration weight of UCB.
        scalarisation: ``None`` fits the surrogate to the scores; ``"parego"`` fits it to
            ParEGO's augmented Tchebycheff scalarisation of ``objectives`` (Knowles 2006)
            under a weight vector drawn uniformly from the simplex at every fit, so each
            fit (each ``ask`` when ``refit_every=1``, each batch otherwise) aims at another
            part of the Pareto front. Objectives are normalised by the range seen so far.
        objectives: Objectives (or metric names) for ``"parego"``; by default the score
            (maximised) and ``params`` (minimised).
        rho: ParEGO's augmentation weight (0.05 in the paper).
    """

    default_acquisition = "ei"

    def __init__(self, space, seed=0, num_init: int = 10, refit_every: int = 1,
                 acquisition: str | None = None, encoding: str | None = None, targets: str = "rank",
                 num_parents: int = 10, mutations_per_parent: int = 10, num_random: int = 50,
                 neighbours: bool = False, kappa: float = 1.96, scalarisation: str | None = None,
                 objectives: Sequence[Objective | str] = ("score", "params"), rho: float = 0.05) -> None:
        super().__init__(space, seed)
        for label, value in (("num_init", num_init), ("refit_every", refit_every)):
            require_int(label, value, 1)
        acquisition = self.default_acquisition if acquisition is None else acquisition
        if acquisition not in ACQUISITIONS:
            raise ValueError(f"unknown acquisition {acquisition!r}; valid choices: {', '.join(ACQUISITIONS)}")
        if targets not in TARGETS:
            raise ValueError(f"unknown targets {targets!r}; valid choices: {', '.join(TARGETS)}")
        if not (np.isfinite(kappa) and kappa >= 0):
            raise ValueError(f"kappa must be a finite number >= 0, got {kappa!r}")
        self.num_init = int(num_init)
        self.refit_every = int(refit_every)
        self.acquisition = acquisition
        self.encoding = surrogate_encoding(space, encoding)
        self.targets = targets
        self.optimizer = AcquisitionOptimizer(num_parents, mutations_per_parent, num_random, neighbours)
        self.kappa = float(kappa)
        if scalarisation not in SCALARISATIONS:
            raise ValueError(f"unknown scalarisation {scalarisation!r}; valid choices: "
                             f"{', '.join(map(repr, SCALARISATIONS))}")
        if not (np.isfinite(rho) and rho >= 0):
            raise ValueError(f"rho must be a finite number >= 0, got {rho!r}")
        self.scalarisation = scalarisation
        self.objectives = parse_objectives(objectives)
        self.rho = float(rho)
        self._objective_rows: list[np.ndarray] = []  # minimised objectives of archive.archs, for ParEGO
        self.weights_: np.ndarray | None = None
        self.archive = Archive(space)
        self.model_: Surrogate | None = None
        self._fitted_on = 0
        self._best_target = 0.0
        self._batch: list[Hashable] = []
        self._features: dict[Hashable, np.ndarray] = {}
        self._archive_features = np.zeros((0, 0))  # rows: encodings of archive.archs, grown as results arrive
        self._pending: dict[Hashable, Hashable] = {}  # isomorphism key -> architecture, asked and not told
        self._fitted_pending: frozenset = frozenset()

    @abc.abstractmethod
    def new_surrogate(self) -> Surrogate:
        """A fresh, unfitted surrogate (seeded from the strategy's generator if it is random)."""

    def features(self, archs: list[Hashable]) -> np.ndarray:
        """The encodings of ``archs`` as the rows of a matrix (cached per architecture)."""
        return encoded_rows(self.space, self.encoding, self._features, archs)

    def evaluated_features(self) -> np.ndarray:
        """The encodings of every evaluated architecture (``archive.archs``), one row each;
        only the rows of new results are encoded."""
        done = len(self._archive_features)
        if done < len(self.archive):
            new = self.features(self.archive.archs[done:])
            self._archive_features = new if done == 0 else np.concatenate([self._archive_features, new])
        return self._archive_features

    def ask(self) -> Candidate:
        if len(self.archive) >= self.num_init:
            if not self._batch or len(self.archive) - self._fitted_on >= self.refit_every:
                self._next_batch()
            while self._batch:
                arch = self._batch.pop(0)
                if not self.archive.seen(arch):
                    return self._propose(arch, "model")
        arch = self.archive.sample_unseen(self.rng)  # initial design, or an empty pool
        if arch is None:
            raise SearchExhausted(f"{self.name} found no unseen architecture in {self.space.name!r}")
        return self._propose(arch, "random")

    def _propose(self, arch: Hashable, role: str) -> Candidate:
        self.archive.propose(arch)
        self._pending[self.archive.key(arch)] = arch
        return Candidate(arch, info={"role": role})

    def _next_batch(self) -> None:
        """Refit on new results (and pending lies), then queue the ``refit_every`` best candidates of a fresh pool."""
        with single_threaded():
            pending = frozenset(self._pending)
            if self.model_ is None or len(self.archive) > self._fitted_on or pending != self._fitted_pending:
                targets = transform_targets(self._fit_values(), self.targets)
                features = self.evaluated_features()
                self._fitted_on, self._best_target = len(self.archive), float(targets.max())
                if pending:  # constant liar: each pending architecture "scored" the worst target so far
                    lies = list(self._pending.values())
                    features = np.concatenate([features, self.features(lies)])
                    targets = np.concatenate([targets, np.full(len(lies), targets.min())])
                self.model_ = self.new_surrogate().fit(features, targets)
                self._fitted_pending = pending
            pool = self.optimizer.candidates(self.archive, self.rng)
            if not pool:
                self._batch = []
                return
            mean, std = self.model_.predict(self.features(pool))
        values = acquisition_values(self.acquisition, mean, std, best=self._best_target,
                                    rng=self.rng, kappa=self.kappa)
        order = np.argsort(-values, kind="stable")[: self.refit_every]
        self._batch = [pool[i] for i in order]

    def _fit_values(self) -> np.ndarray:
        """What the surrogate models, higher is better: the scores, or minus ParEGO's
        Tchebycheff cost under a fresh random weight vector."""
        if self.scalarisation is None:
            return np.asarray(self.archive.scores)
        values = np.stack(self._objective_rows)
        self.weights_ = self.rng.dirichlet(np.ones(values.shape[1]))
        return -augmented_tchebycheff(values, self.weights_, values.min(axis=0), values.max(axis=0), self.rho)

    def tell(self, trial: Trial) -> None:
        self._pending.pop(self.archive.key(trial.arch), None)
        if self.archive.record(trial) and self.scalarisation is not None:
            self._objective_rows.append(objective_matrix([trial], self.objectives)[0])
