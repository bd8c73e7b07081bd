"""The NAS-Bench-Macro space: the benchmark's keys, its equivalence classes, and its networks' parameter counts."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import naslib_mini as nm
from naslib_mini.spaces.macro import CHOICES, MacroArch
from naslib_mini.spaces.ops import OPS, InvertedResidual

CIFAR10 = nm.TaskSpec("cifar10", (3, 32, 32), 10)

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def space():
    return nm.SPACES.create("nas-bench-macro")


@pytest.fixture(scope="module")
def table():
    return nm.load_nas_bench_macro()


def test_alias_and_size(space):
    assert isinstance(nm.SPACES.create("macro"), nm.MacroSpace)
    assert space.size() == len(list(space)) == 6561 == len(set(space))
    assert [d.choices for d in space.decisions()] == [CHOICES] * 8


def test_keys_are_the_tables_keys_in_its_order(space, table):
    archs = list(space)
    assert [space.to_str(a) for a in archs] == list(table.index)
    assert [space.index(a) for a in archs] == list(range(6561))
    arch = space.from_str("01201120")
    assert arch == MacroArch((0, 1, 2, 0, 1, 1, 2, 0)) and space.to_decisions(arch) == (0, 1, 2, 0, 1, 1, 2, 0)


@pytest.mark.parametrize("text", ["0120112", "012011200", "01201130", "0120112x", ""])
def test_bad_keys_name_the_format(space, text):
    with pytest.raises(ValueError, match="8 digits, each 0"):
        space.from_str(text)


def test_non_string_and_foreign_architectures_are_type_errors(space):
    with pytest.raises(TypeError, match="01201120"):
        space.from_str(1201120)
    with pytest.raises(TypeError, match="MacroArch"):
        space.to_str("01201120")
    with pytest.raises(ValueError, match="8 layers"):
        MacroArch((0, 1))


def test_neighbours_and_mutation_change_exactly_one_layer(space):
    arch = space.from_str("01201120")
    neighbours = space.neighbours(arch)
    assert len(neighbours) == len(set(neighbours)) == 16
    for other in neighbours:
        assert sum(a != b for a, b in zip(arch.digits, other.digits)) == 1
    rng = nm.default_rng(0)
    drawn = [space.mutate(arch, rng) for _ in range(800)]
    assert set(drawn) == set(neighbours)  # every neighbour reachable, nothing else


def test_canonical_key_is_the_tables_equivalence(space, table):
    """Keys of one class have identical published results: the benchmark trained the class once."""
    classes: dict[str, list[str]] = {}
    for arch in space:
        classes.setdefault(space.canonical(arch), []).append(space.to_str(arch))
    assert len(classes) == 3969  # 9 first-stage choices x 21 x 21
    accuracies = table["mean_acc"]
    for key, members in classes.items():
        assert key in members
        assert (accuracies[members] == accuracies[key]).all()
    assert space.is_isomorphic(space.from_str("00100000"), space.from_str("01000000")) is False  # stage 1 order
    assert space.is_isomorphic(space.from_str("00010000"), space.from_str("00001000"))


def test_parameter_counts_equal_the_benchmark_on_a_sample(space, table):
    """Every 25th key (263 networks, full size, CIFAR-10 head); built on the meta device, so no weights are made.

    ``benchmarks/macro.py`` checks all 6,561 (about 35 s).
    """
    keys = list(table.index[::25]) + ["00000000", "22222222"]
    with torch.device("meta"):
        counts = [nm.count_params(nm.build_network(space, space.from_str(k), CIFAR10)) for k in keys]
    assert counts == table.loc[keys, "params"].tolist()
    assert counts[-2:] == [387882, 2932586]


def test_flops_are_twice_the_tables_multiply_adds(space, table):
    """The benchmark counts one multiply-add of convolutions and linear layers as one FLOP; torch counts two."""
    for key in ("00000000", "01201120", "22222222"):
        net = nm.build_network(space, space.from_str(key), CIFAR10)
        assert nm.count_flops(net, CIFAR10.input_shape) == 2 * int(table.loc[key, "flops"])


def test_mobilenet_blocks_follow_the_benchmark():
    block = OPS["mb6_k5"].build(8, 8, 1, ndim=2)
    assert isinstance(block, InvertedResidual) and block.residual
    expand, depthwise, project = (m for m in block.conv if isinstance(m, torch.nn.Conv2d))
    assert (expand.out_channels, depthwise.groups, depthwise.kernel_size, project.out_channels) == (48, 48, (5, 5), 8)
    strided = OPS["mb3_k3"].build(8, 16, 2, ndim=2)
    assert not strided.residual and strided.conv[3].kernel_size == (3, 3) and strided.conv[0].out_channels == 24
    x = torch.randn(2, 8, 6, 6)
    with torch.no_grad():
        block.eval()
        for m in block.conv[-1:]:  # a zero last batch norm leaves only the residual
            m.weight.zero_()
            m.bias.zero_()
        assert torch.equal(block(x), x)


def test_identity_downsample_is_linear():
    """NAS-Bench-Macro's identity projects with Conv-BN, without the ReLU of NAS-Bench-201's ReLU-Conv-BN."""
    down = OPS["mb_identity"].build(4, 8, 2, ndim=2).eval()
    assert [type(m).__name__ for m in down] == ["Conv2d", "BatchNorm2d"]
    x = -torch.rand(1, 4, 6, 6)  # all negative: a ReLU first would give a constant output
    with torch.no_grad():
        assert float(down(x).std()) > 0
    assert torch.equal(OPS["mb_identity"].build(4, 4, 1, ndim=2)(x), x)


def test_isomorphic_keys_build_the_same_function(space):
    """Moving a shape-keeping identity inside a stage changes nothing: same weights in, same outputs out."""
    first, second = space.from_str("01102110"), space.from_str("01120110")
    assert space.is_isomorphic(first, second) and first != second
    spec = nm.TaskSpec("toy", (3, 8, 8), 10)
    with torch.random.fork_rng(devices=[]):
        torch.default_generator.manual_seed(0)
        a = nm.build_network(space, first, spec).eval()
        b = nm.build_network(space, second, spec).eval()
        x = torch.randn(2, 3, 8, 8)
    # the identity has no weights, so both networks hold the same tensors in the same order
    b.load_state_dict(dict(zip(b.state_dict(), a.state_dict().values())))
    with torch.no_grad():
        assert torch.allclose(a(x), b(x))


def test_width_multiplier_scales_the_head_too(space):
    arch = space.from_str("12121212")
    full = nm.count_params(nm.build_network(space, arch, CIFAR10))
    half = nm.count_params(nm.build_network(space, arch, CIFAR10, width_multiplier=0.5))
    assert 0.2 < half / full < 0.3
    assert nm.build_network(space, arch, CIFAR10, width_multiplier=0.5).body.out_channels == 640
    with pytest.raises(ValueError, match="width must be a positive integer"):
        nm.SPACES.create("macro", width=0)
