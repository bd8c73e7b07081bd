"""Supernets: one module holding the weights of every network of a space (weight sharing).

``build_supernet(space, spec)`` picks the supernet of a space: ``CellSupernet`` for the
NAS-Bench-201 cell space, ``ChainSupernet`` for the chain space (and for a
``SubsetSpace`` of either), ``ElasticSupernet`` for Once-for-All's ``ElasticSpace`` (trained by
progressive shrinking, ``supernet/shrinking.py``). ``naslib_mini.supernet.enas`` searches with one: ENAS's
controller trained on shared-weight rewards (Pham et al. 2018).
"""
from __future__ import annotations

from naslib_mini.spaces.base import SearchSpace
from naslib_mini.spaces.chain import ChainSpace
from naslib_mini.spaces.nb201 import NB201Space
from naslib_mini.supernet.base import Supernet, base_space
from naslib_mini.supernet.cell import CellSupernet
from naslib_mini.supernet.chain import ChainSupernet
from naslib_mini.spaces.elastic import ElasticSpace
from naslib_mini.supernet.elastic import ElasticSupernet
from naslib_mini.tasks.base import TaskSpec
from naslib_mini.types import ConfigurationError

__all__ = ["CellSupernet", "ChainSupernet", "ElasticSupernet", "Supernet", "build_supernet", "has_supernet"]

_SUPERNETS = ((NB201Space, CellSupernet), (ChainSpace, ChainSupernet), (ElasticSpace, ElasticSupernet))


def has_supernet(space: SearchSpace) -> bool:
    """Whether ``build_supernet`` can build a supernet of ``space``."""
    return any(isinstance(base_space(space), kind) for kind, _ in _SUPERNETS)


def supported() -> str:
    return ", ".join(kind.__name__ for kind, _ in _SUPERNETS)


def build_supernet(space: SearchSpace, spec: TaskSpec) -> Supernet:
    """The supernet of ``space`` on a task of ``spec`` (weights from torch's current generator).

    Raises:
        ConfigurationError: ``space`` has no supernet (the message names the spaces that do).

    Example:
        >>> import naslib_mini as nm
        >>> supernet = build_supernet(nm.SPACES.create("chain-small"), nm.TaskSpec("toy", (1, 8, 8), 10))
        >>> type(supernet).__name__
        'ChainSupernet'
    """
    base = base_space(space)
    for kind, make in _SUPERNETS:
        if isinstance(base, kind):
            return make(space, spec)
    raise ConfigurationError(f"no supernet for space {getattr(space, 'name', space)!r} ({type(base).__name__}); "
                             f"supernets exist for: {supported()}")
