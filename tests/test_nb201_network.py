"""The NAS-Bench-201 network: the benchmark's parameter counts, its parameterisation, and real training."""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
import torch
from torch import nn

import naslib_mini as nm
from naslib_mini.spaces.nb201 import EDGES
from naslib_mini.spaces.nb201_network import NB201Body, NB201Cell, ResidualReduction
from naslib_mini.spaces.ops import OPS

CIFAR10 = nm.TaskSpec("cifar10", (3, 32, 32), 10)


pytestmark = pytest.mark.usefixtures("one_torch_thread")


#: Rows where the published parameter count belongs to a cell with exactly one convolution
#: edge more or fewer than the row's own cell (the same 150 rows for all three datasets;
#: 145 of them have 3 seeds). NATS-Bench issue #36 reports that the 200-epoch records of
#: some cells mix runs of other cells. The network follows the cell as written.
TABLE_PARAM_DEFECTS = frozenset({
    327, 737, 768, 770, 775, 1151, 2958, 3034, 3077, 3103, 3113, 3400, 3681, 3899, 4024, 4070, 4137, 4165,
    4227, 4248, 4464, 4578, 4650, 4815, 4982, 5010, 5065, 5694, 5751, 5824, 5835, 6545, 6547, 6769, 6877,
    6912, 6977, 7263, 7268, 7326, 7358, 7396, 7629, 7717, 7785, 7793, 7894, 7950, 7981, 8181, 8280, 8322,
    8423, 8447, 8533, 8540, 8557, 8719, 8809, 8965, 9043, 9141, 9172, 9270, 9296, 9444, 9473, 9597, 9632,
    9654, 9735, 10107, 10118, 10162, 10167, 10207, 10212, 10281, 10308, 10340, 10369, 10597, 10709, 10821,
    10906, 10947, 10978, 11073, 11096, 11167, 11222, 11238, 11259, 11370, 11374, 11511, 11514, 11581, 11676,
    11843, 11911, 11961, 11964, 12016, 12121, 12187, 12204, 12271, 12316, 12317, 12464, 12540, 12542, 12568,
    12707, 12748, 12822, 12844, 12939, 13003, 13223, 13326, 13479, 13492, 13599, 13970, 14264, 14267, 14293,
    14412, 14419, 14529, 14648, 14661, 14684, 14689, 14995, 15033, 15036, 15040, 15107, 15347, 15372, 15386,
    15392, 15403, 15435, 15474, 15484, 15539})


def _param_counts(arch_strings: list[str]) -> list[int]:
    """Worker: parameters of the full-size network of each architecture."""
    torch.set_num_threads(1)
    space = nm.SPACES.create("nb201")
    return [nm.count_params(nm.build_network(space, space.from_str(text), CIFAR10)) for text in arch_strings]


def _count(text: str, spec: nm.TaskSpec = CIFAR10) -> int:
    space = nm.SPACES.create("nb201")
    return nm.count_params(nm.build_network(space, space.from_str(text), spec))


def test_parameter_counts_equal_the_benchmark_for_every_architecture(data_dir):
    """All 15,625 full-size networks (C=16, N=5, CIFAR-10 head), built in two worker processes.

    About 130 s on two idle cores; each network takes about 11 ms to build.
    """
    table = nm.load_nb201(data_dir)
    strings = list(table["arch_str"])
    workers = min(2, os.cpu_count() or 1)
    chunks = [strings[i::8 * workers] for i in range(8 * workers)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = list(pool.map(_param_counts, chunks))
    counts = np.empty(len(strings), dtype=np.int64)
    for i, result in enumerate(results):
        counts[i::8 * workers] = result
    expected = np.round(table["c10v_params_mb"].to_numpy() * 1e6).astype(np.int64)  # the table rounds to 1e-6 M
    differs = set(np.flatnonzero(counts != expected).tolist())
    assert differs == TABLE_PARAM_DEFECTS, (f"unexpected mismatches {sorted(differs - TABLE_PARAM_DEFECTS)[:10]}, "
                                            f"unexpected matches {sorted(TABLE_PARAM_DEFECTS - differs)[:10]}")
    empty = _count("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")
    one_edge = {_count(f"|{op}~0|+|none~0|none~1|+|none~0|none~1|none~2|") - empty
                for op in ("nor_conv_1x1", "nor_conv_3x3")}
    defects = sorted(TABLE_PARAM_DEFECTS)
    assert set(np.abs(counts[defects] - expected[defects]).tolist()) == one_edge


def test_one_network_matches_the_benchmark_in_process(data_dir):
    table = nm.load_nb201(data_dir)
    space = nm.SPACES.create("nb201")
    for index in (0, 1, 6111, 15624):
        net = nm.build_network(space, space.from_index(index), CIFAR10)
        assert nm.count_params(net) == round(table.loc[index, "c10v_params_mb"] * 1e6)
        assert net(torch.randn(2, 3, 32, 32)).shape == (2, 10)
    for classes, column in ((100, "c100_params_mb"), (120, "in16_params_mb")):
        spec = nm.TaskSpec("other", (3, 32, 32), classes)
        assert _count(table.loc[6111, "arch_str"], spec) == round(table.loc[6111, column] * 1e6)


def test_body_shape_and_structure():
    space = nm.SPACES.create("nb201", width=8, cells_per_stage=2)
    arch = space.from_str("|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|"
                          "+|skip_connect~0|none~1|nor_conv_3x3~2|")
    body = space.build_body(arch, space.stem_channels, (32, 32))
    assert isinstance(body, NB201Body) and body.out_channels == 32
    kinds = [type(m) for m in body]
    assert kinds == [NB201Cell, NB201Cell, ResidualReduction, NB201Cell, NB201Cell, ResidualReduction,
                     NB201Cell, NB201Cell, nn.BatchNorm2d, nn.ReLU]
    assert body(torch.randn(2, 8, 32, 32)).shape == (2, 32, 8, 8)


def test_cell_edges_use_the_benchmarks_parameterisation():
    space = nm.SPACES.create("nb201", width=4, cells_per_stage=1)
    arch = space.from_str("|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|"
                          "+|skip_connect~0|none~1|nor_conv_3x3~2|")
    cell = space.build_body(arch, 4, (8, 8))[0]
    conv3 = cell.ops[0]  # ReLU -> Conv(no bias) -> BN
    assert [type(m) for m in conv3] == [nn.ReLU, nn.Conv2d, nn.BatchNorm2d]
    assert conv3[1].bias is None and conv3[1].kernel_size == (3, 3) and conv3[1].padding == (1, 1)
    pools = [m for m in cell.ops[2].modules() if isinstance(m, nn.AvgPool2d)]
    assert len(pools) == 1 and pools[0].count_include_pad is False and pools[0].kernel_size == 3
    assert sum(p.numel() for p in cell.ops[2].parameters()) == 0  # pooling between equal widths has no projection


def test_cell_sums_its_edges():
    skip, zero = OPS["identity"], OPS["zero"]
    all_skip = NB201Cell([(i, j, skip) for i, j in EDGES], 3, ndim=2)
    x = torch.randn(2, 3, 5, 5)
    assert torch.allclose(all_skip(x), 4 * x)  # n1 = x, n2 = x + n1, n3 = x + n1 + n2
    all_zero = NB201Cell([(i, j, zero) for i, j in EDGES], 3, ndim=2)
    assert torch.count_nonzero(all_zero(x)) == 0
    with pytest.raises(ValueError, match="2->1"):
        NB201Cell([(2, 1, skip)], 3, ndim=2)


@pytest.mark.parametrize("input_shape", [(1, 8, 8), (1, 40), (1, 7, 7), (1, 6, 6, 6)])
def test_small_networks_on_1d_2d_3d_and_odd_inputs(input_shape):
    space = nm.SPACES.create("nb201", width=4, cells_per_stage=1)
    spec = nm.TaskSpec("toy", input_shape, 3)
    net = nm.build_network(space, space.from_index(6111), spec)
    out = net(torch.randn(2, *input_shape))
    assert out.shape == (2, 3)
    out.sum().backward()


@pytest.mark.parametrize("input_shape", [(1, 8, 8), (1, 40)])
def test_trains_for_real_at_small_width(input_shape):
    """digits-like and MNIST-1D-like inputs, width 8, one cell per stage: the loss falls on a fixed batch."""
    space = nm.SPACES.create("nb201", width=8, cells_per_stage=1)
    spec = nm.TaskSpec("toy", input_shape, 4)
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(16, *input_shape, generator=generator)
    y = torch.arange(16) % 4
    with torch.random.fork_rng():
        torch.manual_seed(0)
        net = nm.build_network(space, space.from_index(6111), spec)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
    losses = []
    for _ in range(40):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(net(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert all(np.isfinite(losses))
    assert losses[-1] < 0.3 * losses[0]
