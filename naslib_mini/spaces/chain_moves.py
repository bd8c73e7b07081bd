"""Edits of a chain of layers: the lists one edit away, a random edit, and the cuts of a crossover.

An edit changes one field of one layer, inserts a layer or removes one, within the
depth bounds of a ``ChainConfig``; a crossover joins a prefix of one parent to a
suffix of the other. These work on raw layer tuples: ``ChainSpace`` canonicalises
what they return and keeps the dead class out of its moves. Knows nothing about
canonical forms beyond the signal check, networks or scores.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Iterator, Sequence

import numpy as np

from naslib_mini.spaces.chain_canonical import Layer
from naslib_mini.spaces.chain_config import FIELDS, ChainConfig
from naslib_mini.spaces.chain_signal import has_signal_path

__all__ = ["crossover_cuts", "one_edit_away", "random_edit"]

Layers = tuple[Layer, ...]


def one_edit_away(layers: Layers, config: ChainConfig, choices: Sequence[Layer]) -> Iterator[Layers]:
    """Every layer list one edit away: one field changed, one layer removed, or one of ``choices`` inserted."""
    for i, layer in enumerate(layers):
        for field, options in FIELDS:
            for value in getattr(config, options):
                if value != getattr(layer, field):
                    yield layers[:i] + (replace(layer, **{field: value}),) + layers[i + 1:]
    if len(layers) > config.min_depth:
        yield from (layers[:i] + layers[i + 1:] for i in range(len(layers)))
    if len(layers) < config.max_depth:
        yield from (layers[:i] + (new,) + layers[i:] for i in range(len(layers) + 1) for new in choices)


def random_edit(layers: Layers, config: ChainConfig, choices: Sequence[Layer],
                rng: np.random.Generator) -> Layers | None:
    """One random edit (change a field, insert one of ``choices`` or remove a layer, each kind equally
    likely, at a uniform position), or ``None`` when the drawn edit is not allowed at that depth."""
    edit, i = int(rng.integers(3)), int(rng.integers(len(layers) + 1))
    if edit == 0 and i < len(layers):
        field, options = FIELDS[int(rng.integers(len(FIELDS)))]
        value = getattr(config, options)[int(rng.integers(len(getattr(config, options))))]
        return layers[:i] + (replace(layers[i], **{field: value}),) + layers[i + 1:]
    if edit == 1 and len(layers) < config.max_depth:
        return layers[:i] + (choices[int(rng.integers(len(choices)))],) + layers[i:]
    if edit == 2 and i < len(layers) and len(layers) > config.min_depth:
        return layers[:i] + layers[i + 1:]
    return None


def crossover_cuts(first: Layers, second: Layers, config: ChainConfig) -> list[tuple[int, int]]:
    """Cuts ``(i, j)`` such that ``first[:i] + second[j:]`` has a valid depth, keeping only those whose
    child carries signal when any does (a dead child teaches nothing)."""
    cuts = [(i, j) for i in range(len(first) + 1) for j in range(len(second) + 1)
            if config.min_depth <= i + len(second) - j <= config.max_depth]
    return [(i, j) for i, j in cuts if has_signal_path(first[:i] + second[j:])] or cuts
