"""The chain space: exact counting, canonical form, uniform sampling, moves, strings and networks."""
from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest
import torch
from scipy.stats import chisquare

import naslib_mini as nm
from naslib_mini.spaces import OPS, ChainArch, ChainSpace, Layer


pytestmark = pytest.mark.usefixtures("one_torch_thread")


#: Small configurations whose every raw layer list can be enumerated (about 34,000 at most).
TINY = {
    "conv-pool": dict(ops=("conv3x3", "maxpool3x3"), channels=(4, 8), max_depth=3, stem_channels=4),
    "identity-zero": dict(ops=("identity", "zero"), channels=(4, 8), max_depth=3, stem_channels=4),
    "conv-identity-zero": dict(ops=("conv3x3", "identity", "zero"), channels=(4,), max_depth=3,
                               stem_channels=4),
    "no-skip": dict(ops=("avgpool3x3", "identity", "zero"), channels=(4, 8), strides=(1,),
                    connections=("series", "dense", "parallel"), max_depth=3, stem_channels=4),
}


def raw_archs(space):
    """Every layer list of every depth, canonical or not."""
    cfg = space.config
    layers = [Layer(*v) for v in itertools.product(cfg.ops, cfg.channels, cfg.strides, cfg.connections)]
    for depth in range(cfg.min_depth, cfg.max_depth + 1):
        for combo in itertools.product(layers, repeat=depth):
            yield ChainArch(combo)


def meaning(space, arch):
    """What each layer computes, symbolically: maps as sums of terms, written independently of the rules.

    A map is (channels, level, terms); an operation applied to a map is a term, except
    that zero gives no term, a shape-keeping identity gives its input's terms, and an
    operation without weights that keeps the channels of an all-zero map gives no term.
    """
    def apply(name, channels, stride, source):
        if OPS[name].is_zero or (not source[2] and not OPS[name].has_weights and source[0] == channels):
            return Counter()  # zero, or identity/pooling of all-zero maps
        if OPS[name].kind == "identity" and source[0] == channels and stride == 1:
            return Counter(dict(source[2]))
        return Counter({(name, channels, stride, source): 1})

    maps = [(space.stem_channels, 0, frozenset({("input",): 1}.items()))]
    for i, layer in enumerate(arch.layers):
        x = maps[-1]
        source = x
        if layer.connection == "dense":
            run = tuple(m for m in maps if m[1] == x[1])
            if len(run) > 1:
                value = frozenset({("cat", run): 1}.items()) if any(m[2] for m in run) else frozenset()
                source = (sum(m[0] for m in run), x[1], value)
        value = apply(layer.op, layer.channels, layer.stride, source)
        if layer.connection == "skip":
            keeps_shape = x[0] == layer.channels and layer.stride == 1
            value += Counter(dict(x[2])) if keeps_shape else Counter({("proj", layer.channels, layer.stride, x): 1})
        if layer.connection == "parallel" and i > 0:
            value += apply(arch.layers[i - 1].op, layer.channels, layer.stride, x)
        maps.append((layer.channels, x[1] + (layer.stride == 2), frozenset(value.items())))
    return tuple(maps[1:])


def carries_input(value) -> bool:
    """Whether a symbolic map of ``meaning`` depends on the input, found by walking its terms."""
    if value == ("input",):
        return True
    return isinstance(value, (tuple, frozenset)) and any(carries_input(part) for part in value)


def meaning_class(space, arch):
    """``meaning``, with every network whose output does not depend on the input as one class."""
    maps = meaning(space, arch)
    return maps if carries_input(maps[-1]) else "dead"


# -- counting and the canonical form -------------------------------------------------------
@pytest.mark.parametrize("name", list(TINY))
def test_size_is_exact_and_canonical_forms_are_exactly_the_distinct_networks(name):
    """Brute force over every raw layer list: canonicalising keeps the meaning (every network
    whose output ignores the input being one class), ``is_dead`` finds exactly those, and the
    distinct canonical forms, the enumeration, the distinct meanings and size() agree."""
    space = ChainSpace(**TINY[name])
    canonical, meanings = {}, set()
    for raw in raw_archs(space):
        arch = space.canonicalize(raw)
        if arch not in canonical:
            canonical[arch] = meaning_class(space, arch)
        meanings.add(meaning_class(space, raw))
        assert canonical[arch] == meaning_class(space, raw), space.to_str(raw)
        assert space.is_dead(raw) == (canonical[arch] == "dead") == (arch == space.dead_arch)
    enumerated = list(space)
    assert len(enumerated) == len(set(enumerated)) == len(canonical) == len(meanings) == space.size()
    assert set(enumerated) == set(canonical)
    assert all(space.canonicalize(arch) == arch for arch in enumerated)


def test_default_size_is_an_exact_int_below_the_naive_count():
    space = ChainSpace()
    per_layer = 9 * 6 * 2 * 4
    assert isinstance(space.size(), int)
    assert 10 ** 25 < space.size() < sum(per_layer ** d for d in range(1, 11))


def test_first_layer_connects_only_in_series_or_skip():
    space = ChainSpace(channels=(8, 16), max_depth=2)
    assert {a.layers[0].connection for a in space} == {"series", "skip"}
    rng = nm.default_rng(0)
    assert all(space.sample(rng).layers[0].connection in ("series", "skip") for _ in range(200))


def raw_layers(text):
    """The layer list a string spells, not canonicalised."""
    return ChainArch(tuple(Layer(op, int(c), int(s[1:]), conn)
                           for op, c, s, conn in (token.split("-") for token in text.split("|"))))


@pytest.mark.parametrize("raw, expected", [
    ("conv3x3-16-s1-dense", "conv3x3-16-s1-series"),
    ("conv3x3-16-s1-parallel", "conv3x3-16-s1-series"),
    ("conv3x3-16-s2-series|conv5x5-16-s1-dense", "conv3x3-16-s2-series|conv5x5-16-s1-series"),
    ("conv3x3-16-s1-series|zero-16-s1-dense", "conv3x3-16-s1-series|zero-16-s1-series"),
    ("zero-16-s1-series|conv3x3-16-s1-parallel", "zero-16-s1-series|conv3x3-16-s1-series"),
    ("conv5x5-16-s1-series|zero-32-s2-parallel", "conv5x5-16-s1-series|conv5x5-32-s2-series"),
    ("zero-16-s1-skip", "identity-16-s1-series"),
    ("identity-16-s1-series|conv3x3-16-s1-parallel", "identity-16-s1-series|conv3x3-16-s1-skip"),
    ("maxpool3x3-32-s1-series|identity-32-s1-parallel", "maxpool3x3-32-s1-series|maxpool3x3-32-s1-skip"),
    # the next layer is parallel, so the identity must stay: it is what that layer adds
    ("maxpool3x3-32-s1-series|identity-32-s1-parallel|conv3x3-64-s1-parallel",
     "maxpool3x3-32-s1-series|identity-32-s1-parallel|conv3x3-64-s1-parallel"),
    ("conv3x3-32-s1-series|zero-32-s1-parallel|conv5x5-32-s1-parallel",
     "conv3x3-32-s1-series|conv3x3-32-s1-series|conv5x5-32-s1-series"),
])
def test_documented_rewrites(raw, expected):
    """The grammar's rules (some of these lists are dead, which the space then merges)."""
    space = ChainSpace()
    assert space.to_str(ChainArch(space._grammar.canonicalize(raw_layers(raw).layers))) == expected


def test_meaningful_choices_are_kept():
    space = ChainSpace()
    for text in ("conv3x3-16-s1-series|conv3x3-16-s1-dense", "zero-32-s1-skip", "zero-16-s2-skip",
                 "conv3x3-16-s1-series|identity-32-s1-parallel", "identity-16-s1-skip"):
        assert space.to_str(space.from_str(text)) == text


def test_rewrites_need_their_target_among_the_choices():
    no_identity = ChainSpace(ops=("conv3x3", "zero"))
    assert no_identity.to_str(no_identity.from_str("zero-16-s1-skip")) == "zero-16-s1-skip"
    no_skip = ChainSpace(connections=("series", "parallel"))
    text = "identity-16-s1-series|conv3x3-16-s1-parallel"
    assert no_skip.to_str(no_skip.from_str(text)) == text


def test_iteration_goes_depth_by_depth():
    space = ChainSpace(ops=("conv3x3", "zero"), channels=(8,), strides=(1,), min_depth=2, max_depth=3)
    archs = list(space)
    depths = [arch.depth for arch in archs[:-1]]
    assert depths == sorted(depths) and set(depths) == {2, 3}
    assert archs[-1] == space.dead_arch and archs.count(space.dead_arch) == 1  # the dead class last, once


# -- sampling --------------------------------------------------------------------------
def test_sampling_is_uniform_over_distinct_architectures():
    space = ChainSpace(ops=("conv3x3", "identity", "zero"), channels=(4, 8), strides=(1,),
                       max_depth=2, stem_channels=4)
    archs = list(space)
    assert len(archs) == space.size() == 155  # 154 that carry signal and the dead class
    rng = nm.default_rng(0)
    draws = Counter(space.sample(rng) for _ in range(60 * len(archs)))
    assert set(draws) == set(archs)
    assert chisquare([draws[a] for a in archs]).pvalue > 1e-3


def test_sampling_is_seeded_and_canonical():
    space = ChainSpace()
    first = [space.sample(nm.default_rng(3)) for _ in range(3)]
    assert first[0] == first[1] == first[2]
    rng = nm.default_rng(4)
    for _ in range(100):
        arch = space.sample(rng)
        assert space.canonicalize(arch) == arch
        space.validate(arch)


# -- decisions, strings ------------------------------------------------------------------
def test_decision_view_has_fixed_length_and_pads_unused_layers():
    space = ChainSpace(max_depth=4)
    decisions = space.decisions()
    assert len(decisions) == 1 + 4 * 4 and decisions[0].name == "depth"
    arch = space.from_str("conv5x5-64-s2-skip")
    indices = space.to_decisions(arch)
    assert indices[:5] == (0, 1, 2, 1, 1) and set(indices[5:]) == {0}
    assert space.from_decisions(indices) == arch
    dense_first = list(indices)
    dense_first[4] = space.config.connections.index("dense")
    assert space.from_decisions(dense_first).layers[0].connection == "series"
    assert len({space.encode(space.sample(nm.default_rng(s))).shape for s in range(10)}) == 1
    with pytest.raises(ValueError, match="out of range"):
        space.from_decisions([0] * 16 + [99])


def test_strings_round_trip():
    space = ChainSpace()
    rng = nm.default_rng(1)
    for _ in range(300):
        arch = space.sample(rng)
        text = space.to_str(arch)
        assert space.from_str(text) == arch


@pytest.mark.parametrize("text, pattern", [
    ("conv9x9-16-s1-series", r"bad layer 'conv9x9-16-s1-series': unknown op 'conv9x9'; valid choices: conv3x3"),
    ("conv3x3-17-s1-series", r"unknown channels 17; valid choices: 16, 32"),
    ("conv3x3-16-s3-series", r"unknown stride 3; valid choices: 1, 2"),
    ("conv3x3-16-s1-sideways", r"unknown connection 'sideways'; valid choices: series, skip, dense, parallel"),
    ("conv3x3-16-series", r"bad layer 'conv3x3-16-series' in .*; expected op-channels-sSTRIDE-connection"),
    ("", r"bad layer ''"),
    ("|".join(["conv3x3-16-s1-series"] * 11), r"depth 11 outside 1..10"),
])
def test_bad_strings_name_the_token_and_the_choices(text, pattern):
    with pytest.raises(ValueError, match=pattern):
        ChainSpace().from_str(text)


def test_any_operation_of_the_table_is_a_valid_choice():
    space = ChainSpace(ops=("dilconv3x3", "conv1x1"), channels=(8,))
    assert space.from_str("dilconv3x3-8-s2-series").layers[0].op == "dilconv3x3"


@pytest.mark.parametrize("kwargs, pattern", [
    (dict(ops=()), "ops must not be empty"),
    (dict(ops=("conv3x3", "conv9x9")), "unknown op 'conv9x9'; valid choices: conv1x1, conv3x3"),
    (dict(channels=(16, 0)), "channels must be positive integers, got 0"),
    (dict(channels=[]), "channels must not be empty"),
    (dict(strides=(1, 3)), "unknown stride 3; valid choices: 1, 2"),
    (dict(connections=("series", "loop")), "unknown connection 'loop'"),
    (dict(connections=("skip", "dense")), "need 'series'"),
    (dict(ops=("conv3x3", "conv3x3")), "duplicate"),
    (dict(min_depth=0), "min_depth=0"),
    (dict(min_depth=4, max_depth=3), "min_depth=4, max_depth=3"),
    (dict(stem_channels=-1), "stem_channels must be a positive integer, got -1"),
    (dict(ops="conv3x3"), "ops must be a list of choices"),
])
def test_bad_configuration_is_a_clear_error(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        ChainSpace(**kwargs)


def test_registered_by_name():
    assert isinstance(nm.SPACES.create("chain", channels=(8,), max_depth=2), ChainSpace)
    small = nm.SPACES.create("chain-small")
    assert small.name == "chain-small" and small.size() <= 100_000
    nm.STRATEGIES.create("grid", space=small)  # small enough to enumerate


# -- moves -----------------------------------------------------------------------------
def test_neighbours_are_one_edit_away_and_respect_depth_bounds():
    space = ChainSpace(ops=("conv3x3", "identity", "zero"), channels=(4, 8), max_depth=3, stem_channels=4)
    shallow = space.from_str("conv3x3-8-s1-series")
    neighbours = space.neighbours(shallow)
    assert shallow not in neighbours and len(set(neighbours)) == len(neighbours)
    assert {a.depth for a in neighbours} == {1, 2}  # changed fields, or one layer inserted
    assert all(space.canonicalize(a) == a for a in neighbours)
    assert space.from_str("conv3x3-8-s1-series|zero-4-s2-skip") in neighbours
    deep = space.from_str("conv3x3-8-s1-series|conv3x3-4-s1-skip|identity-4-s1-dense")
    deep_neighbours = space.neighbours(deep)
    assert {a.depth for a in deep_neighbours} == {2, 3}
    assert space.from_str("conv3x3-8-s1-series|identity-4-s1-dense") in deep_neighbours  # layer 2 removed


def test_mutation_gives_a_different_canonical_neighbour_and_is_seeded():
    space = ChainSpace(ops=("conv3x3", "maxpool3x3", "zero"), channels=(4, 8), max_depth=4, stem_channels=4)
    rng = nm.default_rng(0)
    kinds = Counter()
    shallow = space.from_str("conv3x3-4-s1-series")  # uniform samples are nearly all of the largest depth
    for arch in [space.sample(rng) for _ in range(60)] + [shallow] * 30:
        child = space.mutate(arch, rng)
        assert child != arch and child in space.neighbours(arch)
        kinds[np.sign(child.depth - arch.depth)] += 1
    assert set(kinds) == {-1, 0, 1}  # changes, insertions and removals all happen
    arch = space.sample(nm.default_rng(5))
    assert space.mutate(arch, nm.default_rng(7)) == space.mutate(arch, nm.default_rng(7))


def test_mutation_of_a_two_architecture_space_falls_back_to_the_other():
    space = ChainSpace(ops=("conv3x3",), channels=(8,), strides=(1,), connections=("series", "skip"),
                       max_depth=1)
    a, b = list(space)
    assert space.mutate(a, nm.default_rng(0)) == b


def test_crossover_splices_a_prefix_and_a_suffix_within_bounds():
    space = ChainSpace(min_depth=2, max_depth=4)
    rng = nm.default_rng(2)
    for _ in range(50):
        a, b = space.sample(rng), space.sample(rng)
        child = space.crossover(a, b, rng)
        assert 2 <= child.depth <= 4 and space.canonicalize(child) == child
        splices = {space.canonicalize(ChainArch(p.layers[:i] + q.layers[j:]))
                   for p, q in ((a, b), (b, a)) for i in range(p.depth + 1) for j in range(q.depth + 1)
                   if 2 <= i + q.depth - j <= 4}
        assert child in splices


# -- networks -----------------------------------------------------------------------------
SMALL_NETS = dict(ops=tuple(ChainSpace().config.ops) + ("dilconv3x3",), channels=(4, 8), stem_channels=4)


def forward_backward(space, arch, input_shape):
    net = nm.build_network(space, arch, nm.TaskSpec("toy", input_shape, 3))
    out = net(torch.randn(2, *input_shape, generator=torch.Generator().manual_seed(0)))
    assert out.shape == (2, 3) and torch.isfinite(out).all()
    out.sum().backward()
    return net


@pytest.mark.parametrize("input_shape", [(1, 40), (1, 8, 8)])
def test_hundreds_of_sampled_networks_build_and_train(input_shape):
    space = ChainSpace(**SMALL_NETS)
    rng = nm.default_rng(11)
    for _ in range(120):
        forward_backward(space, space.sample(rng), input_shape)


EDGE_CASES = {
    "all zero": ["zero-8-s1-series"] * 10,
    "all identity": ["identity-4-s1-series"] + ["identity-4-s1-skip"] * 9,
    "pools changing channels": ["maxpool3x3-8-s2-skip", "avgpool3x3-4-s1-dense", "maxpool3x3-8-s1-parallel",
                                "avgpool3x3-4-s2-series"] * 2,
    "ten stride-2 layers": ["conv3x3-8-s2-series", "sepconv5x5-4-s2-skip"] * 5,
    "dense everywhere": ["conv3x3-8-s1-series"] + ["conv3x3-4-s1-dense", "maxpool3x3-8-s1-dense"] * 4
                        + ["identity-8-s1-dense"],
    "parallel after zero": ["conv3x3-8-s1-series", "zero-8-s2-skip", "conv5x5-4-s1-parallel",
                            "zero-8-s1-series", "identity-8-s2-parallel"],
    "dense after stride 2": ["conv3x3-8-s1-series", "zero-4-s1-series", "conv3x3-8-s2-dense",
                             "identity-4-s1-dense", "zero-8-s1-skip", "avgpool3x3-4-s1-dense"],
}


@pytest.mark.parametrize("name", list(EDGE_CASES))
@pytest.mark.parametrize("input_shape", [(1, 40), (1, 8, 8)])
def test_edge_case_networks_build_and_train(name, input_shape):
    space = ChainSpace(**SMALL_NETS)
    raw = ChainArch(tuple(Layer(op, int(c), int(s[1:]), conn)
                          for op, c, s, conn in (token.split("-") for token in EDGE_CASES[name])))
    for arch in (raw, space.canonicalize(raw)):  # the builder takes non-canonical spellings too
        net = forward_backward(space, arch, input_shape)
        assert net.body.out_channels == arch.layers[-1].channels


def test_dense_layers_read_every_map_at_their_resolution():
    space = ChainSpace(**SMALL_NETS)
    arch = space.from_str("conv3x3-8-s1-series|conv3x3-4-s2-series|conv3x3-8-s1-series|maxpool3x3-4-s1-dense")
    body = space.build_body(arch, 4, (9, 9))
    assert body.layers[3].sources == (2, 3)  # maps after the stride-2 layer, not the stem or layer 1
    assert body.output_size == (5, 5)
    deep = space.build_body(space.from_str("|".join(["conv3x3-4-s2-series"] * 10)), 4, (8, 8))
    assert deep.output_size == (1, 1)


def shape_seeded(net):
    """Set every parameter from a generator seeded by its shape, so networks that hold the
    same parameters in another order compute the same function."""
    with torch.no_grad():
        for p in net.parameters():
            seed = nm.derive_seed(0, tuple(p.shape))
            p.copy_(torch.randn(p.shape, generator=torch.Generator().manual_seed(seed)))
    return net


@pytest.mark.parametrize("ops", [("conv3x3", "maxpool3x3", "identity", "zero"),
                                 ("avgpool3x3", "maxpool3x3", "identity", "zero")])
def test_canonical_networks_compute_what_the_raw_layers_compute(ops):
    """Built from the torch modules, a raw layer list and its canonical form agree."""
    space = ChainSpace(ops=ops, channels=(4, 8), max_depth=4, stem_channels=4)
    rng = nm.default_rng(3)
    layers = space._grammar.layers
    checked = 0
    while checked < 40:
        raw = ChainArch(tuple(layers[int(rng.integers(len(layers)))] for _ in range(int(rng.integers(2, 5)))))
        canonical = space.canonicalize(raw)
        if canonical == raw:
            continue
        checked += 1
        for input_shape in [(2, 12), (2, 6, 6)]:
            spec = nm.TaskSpec("toy", input_shape, 3)
            if space.is_dead(raw):  # one class: each computes a constant, whatever the input
                assert canonical == space.dead_arch
                assert not any(map(depends_on_input, [raw, canonical], [spec] * 2)), space.to_str(raw)
                continue
            nets = [shape_seeded(nm.build_network(space, arch, spec)) for arch in (raw, canonical)]
            assert nm.count_params(nets[0]) == nm.count_params(nets[1])
            x = torch.randn(4, *input_shape, generator=torch.Generator().manual_seed(1))
            torch.testing.assert_close(nets[0](x), nets[1](x), msg=space.to_str(raw))


# -- dead architectures: no path from input to output --------------------------------------
def depends_on_input(arch, spec, space=None):
    """Whether the built network's outputs differ between the examples of a random batch."""
    space = space or ChainSpace(ops=("conv3x3", "maxpool3x3", "avgpool3x3", "identity", "zero"),
                                channels=(4, 8), max_depth=4, stem_channels=4)
    net = shape_seeded(nm.build_network(space, arch, spec))
    out = net(torch.randn(8, *spec.input_shape, generator=torch.Generator().manual_seed(1)))
    return not torch.allclose(out, out[:1].expand_as(out))


@pytest.mark.parametrize("text, dead", [
    ("maxpool3x3-32-s2-series|identity-16-s1-series|zero-16-s1-series", True),  # the main job
    ("zero-16-s1-series|conv3x3-32-s1-series|maxpool3x3-32-s2-skip", True),  # after a dead map, a skip adds nothing
    ("conv3x3-16-s1-series|zero-16-s1-skip", False),  # zero on the branch, the skip carries x
    ("conv3x3-16-s1-series|zero-16-s1-parallel", False),  # the parallel branch is conv3x3
    ("zero-16-s1-series|conv3x3-16-s1-dense", False),  # dense reads the stem's output too
    ("conv3x3-16-s2-series|zero-16-s1-series|conv3x3-16-s1-dense", False),
    ("zero-16-s2-series|conv3x3-16-s1-dense", True),  # after stride 2 only the zero map is at its resolution
])
def test_dead_architectures_are_recognised_and_merged(text, dead):
    space = nm.SPACES.create("chain-small")
    raw = raw_layers(text)
    assert space.is_dead(raw) == dead
    assert (space.canonicalize(raw) == space.dead_arch) == dead
    assert depends_on_input(raw, nm.TaskSpec("toy", (1, 8, 8), 10), space) != dead


def test_dead_class_is_counted_once():
    space = nm.SPACES.create("chain-small")
    archs = list(space)
    assert len(archs) == space.size() == 51_088  # 61,899 canonical lists, 10,812 of them dead
    assert [a for a in archs if space.is_dead(a)] == [space.dead_arch] == archs[-1:]
    assert space.to_str(space.dead_arch) == "zero-16-s1-series"
    assert ChainSpace(connections=("skip",)).dead_arch is None  # every layer keeps its input's path
    assert ChainSpace(ops=("conv3x3", "identity")).dead_arch is None  # no operation cuts the signal


def test_moves_never_lead_to_the_dead_class():
    space = ChainSpace(ops=("conv3x3", "zero"), channels=(8, 16), max_depth=3)
    rng = nm.default_rng(0)
    for arch in [space.sample(rng) for _ in range(40)] + [space.dead_arch]:
        assert space.dead_arch not in space.neighbours(arch)
        assert not space.is_dead(space.mutate(arch, rng))
    live = [a for a in space if not space.is_dead(a)]
    for _ in range(100):
        first, second = (live[int(i)] for i in rng.integers(len(live), size=2))
        assert not space.is_dead(space.crossover(first, second, rng))


@pytest.mark.parametrize("strategy", ["random", "grid", "rea", "evolution", "ls"])
def test_strategies_evaluate_the_dead_class_at_most_once(strategy):
    from tests.fakes import LinearEstimator  # noqa: PLC0415 (test double)
    space = ChainSpace(ops=("conv3x3", "zero"), channels=(8,), strides=(1,), max_depth=3)
    history = nm.run(nm.STRATEGIES.create(strategy, space=space, seed=0), LinearEstimator(space),
                     nm.Budget(trials=space.size() + 10))
    archs = [trial.arch for trial in history]
    assert sum(map(space.is_dead, archs)) <= 1
    if strategy in ("random", "grid"):  # these visit the whole space, so the dead class once
        assert len(archs) == space.size() and sum(map(space.is_dead, archs)) == 1
