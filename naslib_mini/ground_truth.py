"""The ground-truth set of the estimator study: its records as a table, and an estimator that looks them up.

``benchmarks/ground_truth.py`` trains architectures of the NAS-Bench-201 cell space (built for
1D input) and of the chain space stand-alone on MNIST-1D with one recipe and writes one JSON
object per training to a gzip-compressed JSON-lines file (by default
``benchmarks/results/ground_truth.jsonl.gz``): ``space``, ``arch`` (the space's string),
``seed``, ``seconds`` and the metrics (``val_accuracy``, ``test_accuracy``, the per-epoch curves,
``params``, ``flops``, ``latency_ms`` ...). ``load_ground_truth`` reads it into a pandas table;
``GroundTruthEstimator`` (``ESTIMATORS.create("ground-truth", ...)``) answers a search's queries
from it like the NAS-Bench-201 table does: the score is the final validation accuracy, the cost
the recorded wall time of the training. The set is a sample of each space, not all of it, so a
search over it runs in ``ground_truth_space(name)``, the recipe's space restricted to the trained
architectures (``SubsetSpace``), where every strategy stays inside the set; an architecture
outside the set is a configuration error. ``RECIPE_SPACES`` holds the two spaces' settings of
the recipe. Knows nothing about how the set was trained or about strategies.

Example:
    >>> import naslib_mini as nm
    >>> space = ground_truth_space("nb201")                      # doctest: +SKIP
    >>> history = nm.run(nm.STRATEGIES.create("rea", space=space, seed=0),
    ...                  nm.ESTIMATORS.create("ground-truth", space=space), nm.Budget(trials=50))  # doctest: +SKIP
"""
from __future__ import annotations

import gzip
import json
import os
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Hashable

from naslib_mini.estimators.base import ESTIMATORS, Estimator
from naslib_mini.spaces.base import SPACES, SearchSpace
from naslib_mini.spaces.subset import SubsetSpace
from naslib_mini.types import ConfigurationError, Measurement

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["GROUND_TRUTH_FILE", "RECIPE_SPACES", "GroundTruthEstimator", "ground_truth_space", "load_ground_truth"]

#: Where ``benchmarks/ground_truth.py`` writes the set by default.
GROUND_TRUTH_FILE = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "ground_truth.jsonl.gz"

#: The settings of the two spaces the set was trained in (``SPACES.create(name, **settings)``): the
#: NB201 cell network at width 16 with one cell per stage; chain networks of narrow layers, up to six.
RECIPE_SPACES = {"nb201": {"width": 16, "cells_per_stage": 1},
                 "chain": {"channels": (16, 32, 64), "max_depth": 6}}

#: Fields of every record besides the metrics.
KEYS = ("space", "arch", "seed", "seconds")


def load_ground_truth(path: str | os.PathLike | None = None) -> "pd.DataFrame":
    """The records of the set at ``path`` (``GROUND_TRUTH_FILE`` by default), one row per training.

    Raises:
        ConfigurationError: The file does not exist, cannot be read, or a record lacks one of
            ``space``, ``arch``, ``seed``, ``seconds``, ``val_accuracy``; the message names the file.
    """
    import pandas as pd

    file = Path(path) if path is not None else GROUND_TRUTH_FILE
    if not file.exists():
        raise ConfigurationError(f"no ground-truth set at {file}; build it with "
                                 f"'python benchmarks/ground_truth.py --out {file}'")
    try:
        with gzip.open(file, "rt", encoding="utf-8") as handle:
            records = [json.loads(line) for line in handle if line.strip()]
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        raise ConfigurationError(f"{file} cannot be read as a ground-truth set "
                                 f"({type(exc).__name__}: {exc})") from exc
    for number, record in enumerate(records, start=1):
        missing = [key for key in (*KEYS, "val_accuracy") if key not in record]
        if missing:
            raise ConfigurationError(f"record {number} of {file} lacks {', '.join(missing)}")
    return pd.DataFrame.from_records(records)


def ground_truth_space(name: str, path: str | os.PathLike | None = None, seed: int = 0) -> SubsetSpace:
    """The space ``name`` of the recipe (``RECIPE_SPACES``) restricted to the architectures trained with ``seed``.

    Raises:
        ConfigurationError: ``name`` is not a space of the set, the set cannot be loaded, or it
            holds no record of that space and seed.
    """
    if name not in RECIPE_SPACES:
        raise ConfigurationError(f"the ground-truth set has no space {name!r}; valid choices: "
                                 f"{', '.join(RECIPE_SPACES)}")
    space = SPACES.create(name, **RECIPE_SPACES[name])
    return SubsetSpace(space, _rows(load_ground_truth(path), space, seed)["arch"].map(space.from_str))


def _rows(table: "pd.DataFrame", space: SearchSpace, seed: int) -> "pd.DataFrame":
    """The records of ``space`` (by name) trained with ``seed``; ``ConfigurationError`` if there are none."""
    rows = table[(table["space"] == space.name) & (table["seed"] == seed)]
    if rows.empty:
        spaces = sorted({(name, int(s)) for name, s in zip(table["space"], table["seed"])})
        raise ConfigurationError(f"the ground-truth set holds no record of space {space.name!r} with seed "
                                 f"{seed}; it holds (space, seed): {spaces}")
    return rows


@ESTIMATORS.register("ground-truth", aliases=("ground_truth",))
class GroundTruthEstimator(Estimator):
    """Scores an architecture of the set by looking up its stand-alone training.

    Args:
        space: The space the architectures come from (its ``name``, ``"nb201"`` or
            ``"chain"``, selects the records); NB201 cells are matched by isomorphism class
            (``space.canonical``), so any cell of a trained class is found.
        path: The set (``GROUND_TRUTH_FILE`` by default).
        seed: Which training seed's records answer (0; 1 holds the second-seed subset).

    The measurement's score is the final validation accuracy, its cost the recorded
    ``seconds``; its metrics are the record's (``test_accuracy``, the curves, ``params``,
    ``flops``, ``latency_ms``, ``epochs`` ...). The only budget is the recorded epochs.

    Raises:
        ConfigurationError: The set cannot be loaded or holds no record of this space and
            seed; later, an architecture that is not in the set or another budget.
    """

    name = "ground-truth"

    def __init__(self, space: SearchSpace, path: str | os.PathLike | None = None, seed: int = 0) -> None:
        rows = _rows(load_ground_truth(path), space, seed)
        self.space, self.seed = space, seed
        self._identity = getattr(space, "canonical", lambda arch: arch)
        self._records: dict[Hashable, Measurement] = {}
        self._archs: list[Hashable] = []
        for record in rows.to_dict("records"):
            metrics = {key: float(value) for key, value in record.items()
                       if key not in KEYS and isinstance(value, (int, float)) and value == value}
            arch = space.from_str(record["arch"])
            self._archs.append(arch)
            key = self._identity(arch)
            self._records[key] = Measurement(score=metrics["val_accuracy"], cost=float(record["seconds"]),
                                             metrics=metrics)

    def archs(self) -> list[Hashable]:
        """The trained architectures, in the set's order: what a search over the set may ask for."""
        return list(self._archs)

    def estimate(self, arch: Hashable, budget: float | None = None) -> Measurement:
        measurement = self._records.get(self._identity(arch))
        if measurement is None:
            raise ConfigurationError(f"{self.space.to_str(arch)} is not in the ground-truth set of space "
                                     f"{self.space.name!r} (seed {self.seed}, {len(self._records)} architectures); "
                                     "search in ground_truth_space(name), which holds only those")
        epochs = measurement.metrics.get("epochs")
        if budget is not None and budget != epochs:
            raise ConfigurationError(f"the ground-truth set was trained for {epochs:g} epochs; budget {budget!r} "
                                     "cannot be looked up (pass no budget)")
        return measurement

    def __repr__(self) -> str:
        return f"GroundTruthEstimator(space={self.space.name!r}, seed={self.seed}, archs={len(self._records)})"
