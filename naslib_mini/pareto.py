"""Pareto fronts of minimised objective vectors: non-dominated sorting, crowding distance, hypervolume.

``non_dominated_sort`` is the fast non-dominated sorting of Deb et al. 2002 ("A fast
and elitist multiobjective genetic algorithm: NSGA-II", IEEE TEC, Section III-A),
``crowding_distance`` their Section III-B; both are tested against pymoo
(Blank & Deb 2020), whose ``HV`` indicator computes ``hypervolume`` here. All
functions take rows of objective values to be *minimised* (``objectives.objective_matrix``
turns maximised metrics around). ``FrontScale`` measures a found front as a fraction of a
known (true) front's hypervolume, after normalising both by the known front's ideal and
nadir points, as multi-objective benchmarks do.

Knows nothing about trials, strategies or spaces.
"""
from __future__ import annotations

import numpy as np

__all__ = ["FrontScale", "crowding_distance", "dominates", "hypervolume", "non_dominated", "non_dominated_sort"]


def dominates(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether ``a`` is no worse than ``b`` in every objective and better in one (minimising)."""
    return bool(np.all(a <= b) and np.any(a < b))


def non_dominated_sort(values: np.ndarray) -> list[np.ndarray]:
    """Fronts of ``values`` (n, k), best first, each an array of row indices in increasing order.

    Equal rows share a front. O(k n^2) comparisons, done as array operations.

    Example:
        >>> [f.tolist() for f in non_dominated_sort(np.array([[1, 2], [2, 1], [2, 2], [3, 3]]))]
        [[0, 1], [2], [3]]
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"values must be a (n, k) array, got shape {values.shape}")
    n = len(values)
    if n == 0:
        return []
    no_worse = (values[:, None, :] <= values[None, :, :]).all(axis=2)
    better = (values[:, None, :] < values[None, :, :]).any(axis=2)
    dominates_matrix = no_worse & better  # [i, j]: i dominates j
    counts = dominates_matrix.sum(axis=0)  # how many dominate j
    fronts, current = [], np.flatnonzero(counts == 0)
    while len(current):
        fronts.append(current)
        counts = counts - dominates_matrix[current].sum(axis=0)
        counts[current] = -1  # placed
        current = np.flatnonzero(counts == 0)
    return fronts


def non_dominated(values: np.ndarray) -> np.ndarray:
    """Row indices of the first front of ``values`` (the non-dominated rows), in increasing order.

    Rows are visited in lexicographic order, where a row can only be dominated by rows
    before it, and each is compared with the front kept so far: O(n f) for a front of
    ``f`` rows, so the front of a whole benchmark table (15,625 rows) takes milliseconds
    where ``non_dominated_sort`` would compare every pair.

    Example:
        >>> non_dominated(np.array([[1, 2], [2, 1], [2, 2], [1, 2]])).tolist()
        [0, 1, 3]
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"values must be a (n, k) array, got shape {values.shape}")
    kept: list[int] = []
    front = np.zeros((0, values.shape[1]))
    for i in np.lexsort(values.T[::-1]):
        row = values[i]
        if not ((front <= row).all(axis=1) & (front < row).any(axis=1)).any():
            kept.append(int(i))
            front = np.vstack([front, row])
    return np.sort(np.array(kept, dtype=int))


def crowding_distance(values: np.ndarray) -> np.ndarray:
    """Crowding distance of each row of one front (Deb et al. 2002, Section III-B).

    Per objective, rows are sorted; the two extremes get infinity and every other row
    adds the gap between its neighbours divided by the objective's range. Fronts of
    one or two rows are all extremes.

    Example:
        >>> crowding_distance(np.array([[0.0, 4.0], [1.0, 2.0], [3.0, 1.0], [4.0, 0.0]])).tolist()
        [inf, 1.5, 1.25, inf]
    """
    values = np.asarray(values, dtype=float)
    n = len(values)
    distance = np.zeros(n)
    if n <= 2:
        return np.full(n, np.inf)
    for column in values.T:
        order = np.argsort(column, kind="stable")
        ordered = column[order]
        span = ordered[-1] - ordered[0]
        distance[order[0]] = distance[order[-1]] = np.inf
        if span > 0:
            distance[order[1:-1]] += (ordered[2:] - ordered[:-2]) / span
    return distance


def hypervolume(values: np.ndarray, reference: np.ndarray) -> float:
    """The volume dominated by ``values`` (minimised) and bounded by ``reference`` (pymoo's ``HV``).

    Points not strictly better than ``reference`` in every objective add nothing.

    Example:
        >>> hypervolume(np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([2.0, 2.0]))
        3.0
    """
    from pymoo.indicators.hv import HV

    values, reference = np.atleast_2d(np.asarray(values, dtype=float)), np.asarray(reference, dtype=float)
    if reference.shape != (values.shape[1],):
        raise ValueError(f"reference must have one value per objective ({values.shape[1]}), got {reference.tolist()}")
    inside = values[(values < reference).all(axis=1)]
    if len(inside) == 0:
        return 0.0
    return float(HV(ref_point=reference)(inside))


class FrontScale:
    """A known front's scale: normalise minimised rows by its ideal and nadir, and score fronts against it.

    Hypervolume depends on the units and the reference point. Both objectives are
    scaled so that the known front spans [0, 1] in each (its ideal point, the best value
    of each objective on it, goes to 0; its nadir, the worst, to 1), and the reference
    point sits ``margin`` beyond ``bound`` in every normalised objective (by default
    ``bound`` is the nadir itself, so the reference is 1.1: the usual 10% margin).

    Args:
        values: Rows of minimised objective values; their non-dominated rows are the front
            (pass a whole benchmark table to get its true front).
        bound: A raw point the reference lies beyond (default: the front's nadir).
        margin: How far beyond ``bound`` the reference lies, in normalised units.

    Example:
        >>> scale = FrontScale(np.array([[0.0, 4.0], [1.0, 2.0], [2.0, 0.0], [2.0, 4.0]]))
        >>> scale.front.tolist(), scale.reference.tolist()
        ([[0.0, 4.0], [1.0, 2.0], [2.0, 0.0]], [1.1, 1.1])
        >>> scale.ratio(scale.front), round(scale.ratio(np.array([[1.0, 2.0]])), 4)
        (1.0, 0.7826)
    """

    def __init__(self, values: np.ndarray, *, bound: np.ndarray | None = None, margin: float = 0.1) -> None:
        values = np.atleast_2d(np.asarray(values, dtype=float))
        if len(values) < 2:
            raise ValueError(f"a front to scale by needs at least two rows, got {len(values)}")
        self.front = values[non_dominated(values)]
        self.ideal, self.nadir = self.front.min(axis=0), self.front.max(axis=0)
        if not (self.nadir > self.ideal).all():
            raise ValueError(f"the front has no extent in some objective (ideal {self.ideal.tolist()}, "
                             f"nadir {self.nadir.tolist()}): nothing to normalise by")
        corner = self.nadir if bound is None else np.asarray(bound, dtype=float)
        self.reference = self.normalise(corner[None])[0] + margin
        self.hypervolume = hypervolume(self.normalise(self.front), self.reference)

    def normalise(self, values: np.ndarray) -> np.ndarray:
        """Raw minimised rows in the front's units (ideal 0, nadir 1)."""
        return (np.asarray(values, dtype=float) - self.ideal) / (self.nadir - self.ideal)

    def raw(self, point: np.ndarray) -> np.ndarray:
        """A normalised point back in raw units."""
        return np.asarray(point, dtype=float) * (self.nadir - self.ideal) + self.ideal

    def ratio(self, values: np.ndarray) -> float:
        """Hypervolume of raw minimised ``values`` over the known front's (1 for the front itself)."""
        values = np.atleast_2d(np.asarray(values, dtype=float))
        if values.size == 0:
            return 0.0
        return hypervolume(self.normalise(values), self.reference) / self.hypervolume

