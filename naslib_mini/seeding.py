"""Seeds and random generators: randomness is always an argument.

Library code never touches the global ``random``, ``numpy.random`` or
``torch.manual_seed`` state; components take a seed or a generator, keep their
own generator and derive child seeds from it with ``derive_seed``.
"""
from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["default_rng", "derive_seed", "run_seeds"]


def default_rng(seed: int | np.random.Generator | None = 0) -> np.random.Generator:
    """A numpy generator from a seed (a generator is returned as it is).

    Args:
        seed: A non-negative integer, a ``numpy.random.Generator`` (or ``SeedSequence``,
            ``BitGenerator``), or ``None`` for fresh entropy.

    Raises:
        ValueError: For anything else (a negative number, a float, a bool, a string),
            naming the value.

    Example:
        >>> default_rng(-1)
        Traceback (most recent call last):
        ...
        ValueError: seed must be a non-negative integer, a numpy.random.Generator or None, got -1
    """
    if seed is None or isinstance(seed, (np.random.Generator, np.random.SeedSequence, np.random.BitGenerator)):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, a numpy.random.Generator or None, got {seed!r}")
    return np.random.default_rng(seed)


def derive_seed(seed: int, *keys: object) -> int:
    """A stable 63-bit seed for a component identified by ``keys`` under ``seed``.

    The same seed and keys give the same number in every process and Python
    version (``hash()`` of strings does not).

    Example:
        >>> derive_seed(0, "conv3x3") == derive_seed(0, "conv3x3")
        True
        >>> derive_seed(0, "a") != derive_seed(1, "a")
        True
    """
    text = repr((seed,) + keys).encode("utf-8")
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "little") >> 1


def run_seeds(name: str, runs: int, seed: int = 0) -> list[int]:
    """The seeds of runs ``0 .. runs-1`` of a component called ``name``: ``derive_seed(seed, name, i)``.

    Repeated searches (a reproduction's 500 runs of a strategy) take their seeds
    from here, so run ``i`` is the same search wherever it is run. Pass a
    strategy's canonical registered name (``STRATEGIES.canonical(name)``) so that
    its aliases share seeds.

    Example:
        >>> run_seeds("random", 2) == run_seeds("random", 2) != run_seeds("random", 2, seed=1)
        True
    """
    if not (isinstance(runs, int) and not isinstance(runs, bool) and runs >= 0):
        raise ValueError(f"runs must be an integer >= 0, got {runs!r}")
    return [derive_seed(seed, name, i) for i in range(runs)]
