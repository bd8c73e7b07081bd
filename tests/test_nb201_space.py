"""The NAS-Bench-201 space: strings, official index, isomorphism classes, moves and encodings."""
from __future__ import annotations

import pickle
from collections import Counter

import numpy as np
import pytest

import naslib_mini as nm
from naslib_mini.spaces.nb201 import EDGES, OP_NAMES, PATH_ENCODING_LENGTH, TABLE_OPS, NB201Arch, NB201Space

ARCH_1 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"


@pytest.fixture(scope="module")
def space():
    return nm.SPACES.create("nb201")


@pytest.fixture(scope="module")
def table():
    return nm.load_nb201()


def test_registered_under_its_name_and_aliases():
    assert isinstance(nm.SPACES.create("nb201"), NB201Space)
    assert isinstance(nm.SPACES.create("nasbench201"), NB201Space)


def test_every_string_round_trips_and_archs_are_distinct(space):
    archs = list(space)
    assert len(archs) == len(set(archs)) == space.size() == 15625
    for arch in archs:
        text = space.to_str(arch)
        assert space.from_str(text) == arch and text == str(arch)
        assert NB201Arch(arch.ops) == arch and hash(NB201Arch(arch.ops)) == hash(arch)


def test_official_string_format(space):
    arch = space.from_str(ARCH_1)
    assert arch.ops == ("nor_conv_3x3", "nor_conv_3x3", "avg_pool_3x3", "skip_connect", "nor_conv_3x3",
                        "skip_connect")
    assert space.to_str(arch) == ARCH_1


@pytest.mark.parametrize("text, named", [
    (ARCH_1.replace("avg_pool_3x3", "max_pool_3x3"), "max_pool_3x3~1"),
    ("|nor_conv_3x3~0|+|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|", "node 2 needs 2 edges"),
    ("|nor_conv_3x3~0|+|nor_conv_3x3~1|nor_conv_3x3~0|+|none~0|none~1|none~2|", "nor_conv_3x3~1"),
    ("|nor_conv_3x3~0|+|none~0|none~1|", "3 '+'-separated"),
    ("nor_conv_3x3~0+|none~0|none~1|+|none~0|none~1|none~2|", "nor_conv_3x3~0"),
])
def test_bad_strings_name_the_problem(space, text, named):
    with pytest.raises(ValueError, match="valid choices|needs|must|separated") as error:
        space.from_str(text)
    assert named in str(error.value)
    if "max_pool" in named:
        assert "none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3" in str(error.value)


def test_bad_arch_values_are_clear_errors(space):
    with pytest.raises(ValueError, match="'conv'.*valid choices: none"):
        NB201Arch(("conv",) * 6)
    with pytest.raises(ValueError, match="6 edges"):
        NB201Arch(("none",) * 5)
    with pytest.raises(TypeError, match="NB201Arch"):
        space.to_str(("none",) * 6)
    with pytest.raises(ValueError, match="out of range"):
        space.from_decisions([0, 0, 0, 0, 0, 5])
    with pytest.raises(ValueError, match="width"):
        NB201Space(width=0)


def test_archs_are_immutable_and_pickle(space):
    arch = space.from_str(ARCH_1)
    with pytest.raises(AttributeError):
        arch.ops = ("none",) * 6
    assert pickle.loads(pickle.dumps(arch)) == arch
    assert pickle.loads(pickle.dumps(space)).to_str(arch) == ARCH_1


def test_official_index_matches_the_table_for_every_row(space, table):
    for index, text in enumerate(table["arch_str"]):
        arch = space.from_str(text)
        assert space.index(arch) == index
        assert space.from_index(index) == arch
    assert space.index(space.from_str(ARCH_1)) == 1
    with pytest.raises(ValueError, match="0..15624"):
        space.from_index(15625)


def test_official_index_is_no_formula_of_the_operations(space, table):
    """Why index() reads the table: no base-5 numbering, in any edge or operation order, gives it.

    Under such a numbering the last digit (index mod 5) would depend on one edge's operation only.
    """
    digits = np.array([space.to_decisions(space.from_str(text)) for text in table["arch_str"]])
    last_digit = table["index"].to_numpy() % 5
    for edge in range(6):
        assert any(len(set(last_digit[digits[:, edge] == op])) > 1 for op in range(5))


def test_canonical_form_gives_exactly_the_benchmarks_isomorphism_classes(space, table):
    keys = [space.canonical(space.from_str(text)) for text in table["arch_str"]]
    assert len(set(keys)) == 6466
    # equal canonical form iff equal unique_str: the two partitions are the same
    assert len(set(zip(keys, table["unique_str"]))) == 6466
    assert keys == list(table["unique_str"])


def test_is_isomorphic_on_known_pairs(space):
    def arch(*ops):
        return NB201Arch(ops)

    conv, skip, pool, none = "nor_conv_3x3", "skip_connect", "avg_pool_3x3", "none"
    # the summed inputs of node 3 commute
    assert space.is_isomorphic(arch(pool, none, none, conv, skip, none),
                               arch(conv, none, none, pool, skip, none))
    # the benchmark's key keeps a summed input as one nested term, so this algebraically equal pair differs
    assert not space.is_isomorphic(arch(conv, pool, none, none, skip, skip),
                                   arch(pool, conv, none, none, skip, skip))
    # an edge out of a node that nothing reaches is dead
    assert space.is_isomorphic(arch(none, none, conv, none, none, skip),
                               arch(none, none, pool, none, none, skip))
    # ... but a convolution on a live path matters
    assert not space.is_isomorphic(arch(conv, conv, conv, skip, skip, skip),
                                   arch(conv, conv, pool, skip, skip, skip))


def test_decisions_and_moves(space):
    decisions = space.decisions()
    assert len(decisions) == 6 and all(d.choices == OP_NAMES for d in decisions)
    rng = nm.default_rng(0)
    arch = space.sample(rng)
    neighbours = space.neighbours(arch)
    assert len(neighbours) == len(set(neighbours)) == 24
    assert all(sum(a != b for a, b in zip(n.ops, arch.ops)) == 1 for n in neighbours)
    counts = Counter(space.mutate(arch, rng) for _ in range(4800))
    assert set(counts) == set(neighbours) and min(counts.values()) > 120  # uniform: 200 expected each
    first, second = space.sample(rng), space.sample(rng)
    for _ in range(20):
        child = space.crossover(first, second, rng)
        assert all(c in (a, b) for c, a, b in zip(child.ops, first.ops, second.ops))


def test_sampling_is_uniform_and_seeded(space):
    draws = [space.sample(nm.default_rng(3)) for _ in range(2)]
    assert draws[0] == draws[1]
    rng = nm.default_rng(0)
    ops = np.array([space.to_decisions(space.sample(rng)) for _ in range(10000)])
    frequencies = np.stack([(ops == k).mean(axis=0) for k in range(5)])
    assert np.abs(frequencies - 0.2).max() < 0.02


def test_op_mapping_uses_the_operations_table():
    assert {name: op.name for name, op in TABLE_OPS.items()} == {
        "none": "zero", "skip_connect": "identity", "nor_conv_1x1": "conv1x1",
        "nor_conv_3x3": "conv3x3", "avg_pool_3x3": "avgpool3x3"}


def _paths_by_search(arch: NB201Arch) -> set[tuple[str, ...]]:
    """Op sequences of every input->output path, found by walking the DAG (independent of the module)."""
    found = set()

    def walk(node, sequence):
        if node == 3:
            found.add(sequence)
        for (source, target), op in zip(EDGES, arch.ops):
            if source == node and op != "none":
                walk(target, sequence + (op,))

    walk(0, ())
    return found


def test_path_encoding_marks_exactly_the_paths_that_exist(space):
    assert PATH_ENCODING_LENGTH == 84 and space.encodings == ("onehot", "path")
    real = [op for op in OP_NAMES if op != "none"]
    features = [(a,) for a in real] + [(a, b) for a in real for b in real] + \
               [(a, b, c) for a in real for b in real for c in real]
    for arch in space:
        vector = space.encode(arch, "path")
        assert vector.shape == (84,)
        assert {features[i] for i in np.flatnonzero(vector)} == _paths_by_search(arch)


def test_onehot_encoding(space):
    arch = space.from_str(ARCH_1)
    vector = space.encode(arch)
    assert vector.shape == (30,) and vector.sum() == 6
    assert list(np.flatnonzero(vector)) == [5 * e + i for e, i in enumerate(space.to_decisions(arch))]
    with pytest.raises(ValueError):
        vector[0] = 1.0  # a shared read-only table row
    with pytest.raises(ValueError, match="valid choices: onehot, path"):
        space.encode(arch, "adjacency")


def test_dead_cells_are_those_without_an_input_output_path():
    """is_dead, from the operations table, agrees with the path encoding (White et al. 2021),
    which counts the input->output paths of non-none operations."""
    space = nm.SPACES.create("nb201")
    dead = [arch for arch in space if space.is_dead(arch)]
    assert all(space.encode(arch, "path").sum() == 0 for arch in dead)
    assert sum(space.encode(arch, "path").sum() == 0 for arch in space) == len(dead) == 341
