"""The estimator interface: architecture (and budget) in, measurement out.

An estimator knows nothing about strategies. It raises on failure (a NaN loss,
an exception in the network, a timeout); the loop records that as a failed trial
and the search goes on.
"""
from __future__ import annotations

import abc
from typing import Hashable

from naslib_mini.registry import Registry
from naslib_mini.types import ConfigurationError, Measurement

__all__ = ["CandidateFailed", "Estimator", "ESTIMATORS", "SpaceMismatch", "arch_key"]

ESTIMATORS: Registry["Estimator"] = Registry("estimator")


class CandidateFailed(RuntimeError):
    """A candidate could not be evaluated (NaN loss, timeout); the loop records a failed trial."""


class SpaceMismatch(ConfigurationError, TypeError):
    """The estimator was given an architecture of another space: no trial of this search can be scored."""


def arch_key(space, arch: Hashable, estimator: str) -> str:
    """``space.to_str(arch)``, the key that seeds a candidate's weights; a ``SpaceMismatch`` when
    ``arch`` is not an architecture of ``space`` (the strategy searches another space)."""
    try:
        return space.to_str(arch)
    except (TypeError, ValueError) as exc:
        raise SpaceMismatch(f"the {estimator} estimator's space {space.name!r} cannot hold this architecture ({exc}); "
                            "create the strategy and the estimator with the same space") from exc


class Estimator(abc.ABC):
    """Base class of performance estimators.

    Subclasses implement ``estimate``. ``budget`` is the fidelity (epochs, for
    training and for tables of training curves); ``None`` means the estimator's
    default.
    """

    name: str = ""

    @abc.abstractmethod
    def estimate(self, arch: Hashable, budget: float | None = None) -> Measurement:
        """Evaluate ``arch`` and return its measurement; raise to fail the trial."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
