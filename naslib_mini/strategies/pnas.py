"""Progressive Neural Architecture Search (PNAS), Liu et al. 2018, Algorithm 1.

"Progressive Neural Architecture Search" (ECCV 2018) searches from small to
large: evaluate the architectures of one block, then repeatedly expand each of
the best ``K`` architectures of the current size by one block, rank all the
expansions with a surrogate trained on everything evaluated so far, and
evaluate only the ``K`` the surrogate ranks highest. Training a network is the
expensive step; the surrogate decides, before any is trained, which of many
expansions deserve it.

The surrogate here is BANANAS' ensemble of small neural predictors
(``bananas.MLPEnsemble``, on the space's encoding via ``surrogate_encoding``,
fitted to Gaussian rank scores like every surrogate of the library), ranking
by its mean; the paper uses an ensemble of LSTMs or MLPs on the cell's tokens.
A space offers progressive search by three methods: ``blocks(arch)`` (the size),
``grow(arch)`` (the architectures one block larger) and ``smallest_archs()``
(where growth starts). NAS-Bench-201 counts the edges that carry an operation,
NAS-Bench-Macro its non-identity layers, the chain space its layers.

Two choices the paper leaves open, since it stops at a fixed number of blocks:
where the first level has more than ``num_first`` architectures a uniform
sample of them is evaluated; and once growth stops (the largest size is
reached, or the best ``K`` have no unseen children) the search goes on at that
size, ranking the unseen neighbours (``space.neighbours``) of the best ``K``
so far with the same surrogate, so a query budget larger than the growth
needs is still spent on the surrogate's picks. Knows nothing about how scores
are produced.
"""
from __future__ import annotations

import logging
from typing import Hashable

import numpy as np

from naslib_mini.strategies.archive import Archive
from naslib_mini.strategies.bananas import MLPEnsemble
from naslib_mini.strategies.base import STRATEGIES, SearchExhausted, Strategy, require_int
from naslib_mini.strategies.model_based import encoded_rows, single_threaded, surrogate_encoding, transform_targets
from naslib_mini.types import Candidate, Trial

__all__ = ["PNAS", "GROWTH_METHODS", "supports_growth"]

log = logging.getLogger(__name__)

#: What a space must offer to be searched progressively.
GROWTH_METHODS = ("blocks", "grow", "smallest_archs")


def supports_growth(space) -> bool:
    """Whether ``space`` offers ``blocks``, ``grow`` and ``smallest_archs`` (progressive search).

    Example:
        >>> import naslib_mini as nm
        >>> supports_growth(nm.SPACES.create("nas-bench-macro")), supports_growth(object())
        (True, False)
    """
    return all(callable(getattr(space, method, None)) for method in GROWTH_METHODS)


@STRATEGIES.register("pnas", aliases=("progressive",))
class PNAS(Strategy):
    """Progressive search: grow the best ``beam`` architectures one block at a time, surrogate-ranked.

    Each round proposes up to ``beam`` architectures, one per ``ask``. Round 1
    proposes the smallest architectures (a uniform sample of ``num_first`` if there
    are more). A later round starts when the previous one is used up: the best
    ``beam`` evaluated architectures of the largest size evaluated so far are the
    parents, their unseen children (``space.grow``) are ranked by the surrogate's
    mean, and the ``beam`` best are proposed. Every proposal carries
    ``info={"role", "blocks", "round", "predicted", "parent"}`` (``predicted`` is
    the surrogate's mean rank score and ``parent`` the string of the architecture it
    grew from; both absent where no surrogate ranked it).

    Sequential (``sequential = True``): a round is chosen from every result of the
    round before, so proposing while some are still out would grow the beam from a
    partial round; with several workers the loop keeps one PNAS candidate in flight.

    Args:
        space: A space offering ``blocks``, ``grow`` and ``smallest_archs``.
        seed: Seed of the strategy's generator (the first-level sample and the
            ensemble's weights derive from it).
        beam: Architectures expanded and evaluated per round (the paper's ``K``).
        num_first: Most architectures evaluated in round 1.
        num_members: Networks in the surrogate ensemble.
        hidden: Hidden layer widths of each network.
        steps: Full-batch Adam steps per fit.
        learning_rate: Adam's step size.
        encoding: The space encoding the surrogate reads; ``None`` picks ``"path"`` where offered.

    Attributes:
        rounds_: One record per surrogate-ranked round: ``round``, ``role`` (``"grow"`` or
            ``"refine"``), ``parents``, every unseen ``children`` (architectures), their
            ``predicted`` rank scores and the indices of the ``chosen`` ones, best first;
            what a notebook draws to show the surrogate at work.

    Raises:
        ValueError: The space cannot grow, or has no architecture to start from
            (a sparse sample such as the chain ground-truth set holds no one-layer chain).

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("nas-bench-macro")
        >>> history = nm.run(nm.STRATEGIES.create("pnas", space=space, seed=0),
        ...                  nm.ESTIMATORS.create("nas-bench-macro"), nm.Budget(trials=20))
        >>> [t.candidate.info["blocks"] for t in history][10:]
        [1, 1, 2, 2, 2, 2, 3, 3, 3, 3]

    The default beam of 4 is the best of 4, 8 and 12 on NAS-Bench-Macro (40 runs at
    25, 50 and 100 queries; our measurement): a wider beam spends more of a small
    budget on small networks, while the best networks there have 6 to 8 blocks.
    """

    name = "pnas"
    sequential = True

    def __init__(self, space, seed=0, beam: int = 4, num_first: int = 16, num_members: int = 5,
                 hidden: tuple[int, ...] = (16,), steps: int = 10, learning_rate: float = 0.12,
                 encoding: str | None = None) -> None:
        super().__init__(space, seed)
        if not supports_growth(space):
            raise ValueError(f"pnas cannot search space {space.name!r}: it grows architectures block by block and "
                             f"needs the space methods {', '.join(GROWTH_METHODS)} (offered by nb201, "
                             f"nas-bench-macro, chain and chain-small, and subsets of them)")
        self.beam = require_int("beam", beam, 1)
        self.num_first = require_int("num_first", num_first, 1)
        MLPEnsemble(num_members, tuple(hidden), steps, learning_rate)  # validates the arguments
        self.num_members, self.hidden = int(num_members), tuple(int(h) for h in hidden)
        self.steps, self.learning_rate = int(steps), float(learning_rate)
        self.encoding = surrogate_encoding(space, encoding)
        self._smallest = list(space.smallest_archs())
        if not self._smallest:
            raise ValueError(f"pnas cannot search {space!r}: it holds none of the smallest architectures "
                             f"of {space.name!r}, so growth has nowhere to start")
        self.archive = Archive(space)
        self.round_ = 0
        self._queue: list[Candidate] = []
        self.rounds_: list[dict] = []
        self._features: dict[Hashable, np.ndarray] = {}

    def ask(self) -> Candidate:
        while True:
            while self._queue:
                candidate = self._queue.pop(0)
                if not self.archive.seen(candidate.arch):
                    self.archive.propose(candidate.arch)
                    return candidate
            if not self._next_round():
                break
        arch = self.archive.sample_unseen(self.rng)  # nothing left to grow or refine: a random unseen one
        if arch is None:
            raise SearchExhausted(f"pnas found no unseen architecture in {self.space.name!r}")
        self.archive.propose(arch)
        return Candidate(arch, info={"role": "random", "blocks": self.space.blocks(arch), "round": self.round_})

    def tell(self, trial: Trial) -> None:
        self.archive.record(trial)

    # -- rounds ----------------------------------------------------------------------------
    def _next_round(self) -> bool:
        """Queue the next round's proposals; ``False`` if there is nothing new to propose."""
        self.round_ += 1
        if self.round_ == 1:
            first = self.archive.unseen(self._smallest)
            if len(first) > self.num_first:
                picks = np.sort(self.rng.choice(len(first), size=self.num_first, replace=False))
                first = [first[i] for i in picks]
            self._queue = [self._candidate(a, "first") for a in first]
            return bool(self._queue)
        if not self.archive.archs:  # nothing evaluated yet (results pending or failed): no parents
            return False
        blocks = [self.space.blocks(a) for a in self.archive.archs]
        size = max(blocks)
        parents = self._best([a for a, b in zip(self.archive.archs, blocks) if b == size],
                             [s for s, b in zip(self.archive.scores, blocks) if b == size])
        role, moves = "grow", self.space.grow
        children = self._children(parents, moves)
        if not children:
            parents = self.archive.top(self.beam)
            role, moves = "refine", self.space.neighbours
            children = self._children(parents, moves)
        if not children:
            return False
        archs = list(children)
        predicted = self._predict(archs)
        order = np.argsort(-predicted, kind="stable")[: self.beam]
        self._queue = [self._candidate(archs[i], role, float(predicted[i]), children[archs[i]]) for i in order]
        self.rounds_.append({"round": self.round_, "role": role, "parents": parents, "children": archs,
                             "predicted": predicted, "chosen": [int(i) for i in order]})
        log.debug("pnas round %d (%s): %d children of %d parents, %d proposed", self.round_, role,
                  len(children), len(parents), len(self._queue))
        return True

    def _children(self, parents: list[Hashable], moves) -> dict[Hashable, Hashable]:
        """Unseen results of ``moves`` on ``parents``, each with the first parent that gives it."""
        children: dict[Hashable, Hashable] = {}
        keys: set[Hashable] = set()
        for parent in parents:
            for child in self.archive.unseen(moves(parent)):
                if self.archive.key(child) not in keys:
                    keys.add(self.archive.key(child))
                    children[child] = parent
        return children

    def _best(self, archs: list[Hashable], scores: list[float]) -> list[Hashable]:
        order = np.argsort(-np.asarray(scores), kind="stable")[: self.beam]
        return [archs[i] for i in order]

    def _candidate(self, arch: Hashable, role: str, predicted: float | None = None,
                   parent: Hashable | None = None) -> Candidate:
        info = {"role": role, "blocks": self.space.blocks(arch), "round": self.round_}
        if predicted is not None:
            info["predicted"] = round(predicted, 6)
        if parent is not None:
            info["parent"] = self.space.to_str(parent)
        return Candidate(arch, info=info)

    # -- the surrogate ---------------------------------------------------------------------
    def surrogate(self) -> MLPEnsemble:
        """A fresh ensemble fitted to the rank scores of every evaluated architecture."""
        ensemble = MLPEnsemble(self.num_members, self.hidden, self.steps, self.learning_rate,
                               seed=int(self.rng.integers(2**63)))
        targets = transform_targets(np.asarray(self.archive.scores), "rank")
        with single_threaded():
            return ensemble.fit(self.features(self.archive.archs), targets)

    def _predict(self, archs: list[Hashable]) -> np.ndarray:
        model = self.surrogate()
        with single_threaded():
            return model.predict(self.features(archs))[0]

    def features(self, archs: list[Hashable]) -> np.ndarray:
        """The encodings of ``archs`` as the rows of a matrix (cached per architecture)."""
        return encoded_rows(self.space, self.encoding, self._features, archs)
