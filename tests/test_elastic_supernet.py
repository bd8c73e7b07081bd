"""The Once-for-All elastic space and supernet: extraction, the elastic dimensions, shrinking."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import naslib_mini as nm
from naslib_mini.estimators.routines import TrainingConfig, fit, seeded
from naslib_mini.networks import build_network, count_params
from naslib_mini.spaces.elastic import ElasticArch, ElasticSpace
from naslib_mini.supernet.elastic import ElasticBlock, ElasticSupernet, centre_crop
from naslib_mini.supernet.shrinking import inherited_accuracy, paper_schedule, progressive_shrinking

SMALL = dict(stage_channels=(6, 8), stage_strides=(1, 2), depths=(1, 2, 3), stem_channels=4)


def _scramble(supernet: ElasticSupernet, seed: int = 0) -> None:
    """Random transforms and batch-norm statistics, so no equality holds by accident."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, tensor in list(supernet.named_parameters()) + list(supernet.named_buffers()):
            if "transforms" in name:
                tensor.add_(0.3 * torch.randn(tensor.shape, generator=g))
            elif name.endswith("running_var") or (name.endswith("weight") and tensor.dim() == 1):
                tensor.copy_(0.5 + torch.rand(tensor.shape, generator=g))
            elif name.endswith("running_mean") or name.endswith("bias"):
                tensor.copy_(0.2 * torch.randn(tensor.shape, generator=g))


@pytest.mark.parametrize("input_shape", [(1, 12), (2, 9, 9)])
def test_extracted_network_equals_the_supernet_and_a_fresh_build(input_shape):
    space = ElasticSpace(**SMALL)
    spec = nm.TaskSpec("toy", input_shape, 3)
    with seeded(0):
        supernet = ElasticSupernet(space, spec)
    _scramble(supernet)
    supernet.eval()
    x = torch.randn(5, *input_shape, generator=torch.Generator().manual_seed(1))
    rng = np.random.default_rng(0)
    for arch in [space.largest(), space.smallest()] + [space.sample(rng) for _ in range(4)]:
        supernet.select(arch)
        net = supernet.extract(arch).eval()
        fresh = build_network(space.chain_space(), space.to_chain(arch), spec)
        assert count_params(net) == count_params(fresh)
        assert {k: v.shape for k, v in net.state_dict().items()} == \
               {k: v.shape for k, v in fresh.state_dict().items()}
        with torch.no_grad():
            torch.testing.assert_close(net(x), supernet(x), rtol=1e-5, atol=1e-5)


def test_recalibrated_statistics_reach_the_extracted_network():
    space = ElasticSpace(**SMALL)
    spec = nm.TaskSpec("toy", (1, 12), 3)
    with seeded(0):
        supernet = ElasticSupernet(space, spec)
    x = torch.randn(32, 1, 12, generator=torch.Generator().manual_seed(2))
    arch = space.from_str("k5e4|k3e3,k7e6")
    supernet.select(arch)
    supernet.recalibrate(x, batch_size=8)
    net = supernet.extract(arch)
    block_bn = net.body.layers[0].op.conv[1]
    assert float(block_bn.running_var.sub(1).abs().max()) > 1e-3  # statistics were gathered, not the reset ones
    with torch.no_grad():
        torch.testing.assert_close(net.eval()(x), supernet.eval()(x), rtol=1e-5, atol=1e-5)


def test_kernel_transform_is_a_matrix_on_the_centre_crop():
    block = ElasticBlock(4, 4, 1, ndim=2, kernels=(3, 5, 7), expansions=(3, 6))
    assert tuple(block.transforms["7to5"].shape) == (25, 25)
    assert tuple(block.transforms["5to3"].shape) == (9, 9)
    full = block.depthwise.weight
    # identity matrices at initialisation: the smaller kernels are the centre crops
    torch.testing.assert_close(block.kernel_weight(5), centre_crop(full, 5, 2))
    torch.testing.assert_close(block.kernel_weight(3), full[..., 2:5, 2:5])
    with torch.no_grad():
        block.transforms["7to5"].copy_(torch.randn(25, 25, generator=torch.Generator().manual_seed(0)))
    five = centre_crop(full, 5, 2).reshape(24, 25) @ block.transforms["7to5"].T
    torch.testing.assert_close(block.kernel_weight(5), five.view(24, 1, 5, 5))
    three = centre_crop(five.view(24, 1, 5, 5), 3, 2).reshape(24, 9) @ block.transforms["5to3"].T
    torch.testing.assert_close(block.kernel_weight(3), three.view(24, 1, 3, 3))
    one_d = ElasticBlock(4, 4, 1, ndim=1, kernels=(3, 5, 7), expansions=(6,))
    assert tuple(one_d.transforms["7to5"].shape) == (5, 5) and tuple(one_d.kernel_weight(3).shape) == (24, 1, 3)
    with pytest.raises(ValueError, match="unknown kernel 4; valid choices: 3, 5, 7"):
        block.kernel_weight(4)


def test_depth_keeps_the_first_blocks_and_width_the_first_channels():
    space = ElasticSpace(**SMALL)
    spec = nm.TaskSpec("toy", (1, 12), 3)
    with seeded(0):
        supernet = ElasticSupernet(space, spec).eval()
    x = torch.randn(4, 1, 12, generator=torch.Generator().manual_seed(3))
    arch = space.from_str("k3e3|k5e4,k7e3")  # stage 0 keeps 1 of 3 blocks, stage 1 keeps 2 of 3
    supernet.select(arch)
    supernet.recalibrate(torch.randn(32, 1, 12, generator=torch.Generator().manual_seed(5)), 8)
    before = supernet(x)
    with torch.no_grad():
        for stage, kept in zip(supernet.stages, arch.depths):
            for block in stage[kept:]:  # dropped blocks
                block.expand.weight.normal_()
        for block, (_, expansion) in supernet._blocks(arch):  # channels past c_in * e
            block.expand.weight[block.hidden(expansion):].normal_()
            block.project.weight[:, block.hidden(expansion):].normal_()
    torch.testing.assert_close(supernet(x), before)
    with torch.no_grad():
        supernet.stages[1][1].expand.weight[:1].mul_(3)  # a kept block, a kept channel
    assert not torch.allclose(supernet(x), before)


def test_importance_sorting_is_a_permutation_that_keeps_the_full_network():
    space = ElasticSpace(**SMALL)
    spec = nm.TaskSpec("toy", (1, 12), 3)
    with seeded(0):
        supernet = ElasticSupernet(space, spec)
    _scramble(supernet, seed=1)
    supernet.eval().select(space.largest())
    x = torch.randn(4, 1, 12, generator=torch.Generator().manual_seed(4))
    with torch.no_grad():
        before = supernet(x)
        supernet.sort_channels()
        torch.testing.assert_close(supernet(x), before, rtol=1e-5, atol=1e-5)
    for stage in supernet.stages:
        for block in stage:
            importance = block.project.weight.abs().sum(dim=(0, 2))
            assert bool((importance[:-1] >= importance[1:]).all())


def test_bad_architectures_name_the_value_and_the_choices():
    space = ElasticSpace(**SMALL)
    with pytest.raises(ValueError, match="unknown kernel 4 in stage 0; valid choices: 3, 5, 7"):
        space.from_str("k4e3|k3e3")
    with pytest.raises(ValueError, match="unknown expansion 5 in stage 1; valid choices: 3, 4, 6"):
        space.from_str("k3e3|k3e5")
    with pytest.raises(ValueError, match="stage 1 has depth 4; valid depths: 1, 2, 3"):
        space.from_str("k3e3|k3e3,k3e3,k3e3,k3e3")
    with pytest.raises(ValueError, match="bad block 'k3x3'"):
        space.from_str("k3x3|k3e3")
    with pytest.raises(ValueError, match="architecture has 1 stages, the space 2"):
        space.check(ElasticArch((((3, 3),),)))
    with pytest.raises(ValueError, match="kernels must be distinct odd positive integers, got \\(3, 4\\)"):
        ElasticSpace(kernels=(3, 4))
    with pytest.raises(ValueError, match="no mbconv operation with kernel 9 and expansion 3"):
        ElasticSpace(kernels=(3, 9))


def test_space_strings_decisions_and_size_agree():
    space = ElasticSpace(stage_channels=(4, 8), stage_strides=(2, 1), depths=(1, 2), kernels=(3, 5),
                         expansions=(3,))
    archs = list(space)
    assert len(archs) == len(set(archs)) == space.size() == (2 + 4) ** 2
    rng = np.random.default_rng(0)
    for arch in archs[:10] + [space.sample(rng) for _ in range(10)]:
        assert space.from_str(space.to_str(arch)) == arch
        assert space.from_decisions(space.to_decisions(arch)) == arch
        assert space.encode(arch).shape == space.encode(space.largest()).shape
    chain = space.chain_space()
    assert chain.to_str(space.to_chain(space.from_str("k5e3|k3e3,k5e3"))) == \
        "mb3_k5-4-s2-series|mb3_k3-8-s1-series|mb3_k5-8-s1-series"


def test_fit_uses_the_loss_hook():
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 2)
    calls = []

    def hook(logits, x, y):
        calls.append((logits.shape, x.shape, y.shape))
        return logits.sum() * 0.0

    weight = model.weight.detach().clone()
    fit(model, torch.randn(8, 3), torch.arange(8) % 2, TrainingConfig(batch_size=4, weight_decay=0.0),
        epochs=1, seed=0, loss=hook)
    assert calls == [((4, 2), (4, 3), (4,))] * 2
    torch.testing.assert_close(model.weight, weight)  # a zero loss moves nothing


def test_progressive_shrinking_runs_the_phases_and_is_reproducible():
    space = ElasticSpace(stage_channels=(4, 6), stage_strides=(1, 2), depths=(1, 2), stem_channels=4)
    spec = nm.TaskSpec("toy", (1, 10), 2)
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(64, 1, 10, generator=g), torch.randint(0, 2, (64,), generator=g)
    schedule = paper_schedule(space, full_epochs=1, epochs=0.5)
    assert [p.name for p in schedule] == ["full", "kernel", "depth", "depth", "width", "width"]
    results = []
    for _ in range(2):
        with seeded(0):
            supernet = ElasticSupernet(space, spec)
        records = progressive_shrinking(supernet, x, y, TrainingConfig(batch_size=16, threads=1), schedule, seed=3)
        assert [r.name for r in records] == [p.name for p in schedule]
        assert all(r.seconds >= 0 and np.isfinite(r.loss) for r in records)
        results.append([inherited_accuracy(supernet, a, x, x, y) for a in (space.largest(), space.smallest())])
        results.append(supernet.stages[1][0].transforms["7to5"].detach().clone())
    assert results[0] == results[2]
    torch.testing.assert_close(results[1], results[3])
    assert not torch.equal(results[1], torch.eye(5))  # the kernel phase trained the transformation matrix
    with seeded(0):
        supernet = ElasticSupernet(space, spec)
    progressive_shrinking(supernet, x, y, TrainingConfig(batch_size=16, threads=1), schedule, seed=3, kd_ratio=0)
    assert not torch.allclose(supernet.stages[1][0].transforms["7to5"], results[1])  # the teacher's targets count


def test_specialisation_latency_is_the_tables_sum_and_the_search_meets_the_limit():
    from naslib_mini.hardware import LatencyTable
    from naslib_mini.supernet.specialise import (AccuracyPredictor, SpecialisationEstimator, fill_latency_table,
                                                 specialise)

    space = ElasticSpace(stage_channels=(4, 6), stage_strides=(1, 2), depths=(1, 2), kernels=(3, 5),
                         expansions=(3, 6), stem_channels=4)
    spec = nm.TaskSpec("toy", (1, 16), 3)
    table = LatencyTable(repeats=2, warmup=1)
    empty = SpecialisationEstimator(space, spec, None, table)
    with pytest.raises(KeyError, match="fill it first with fill_latency_table"):
        empty.latency_ms(space.largest())
    assert fill_latency_table(table, space, spec) == len(table) > 0
    rng = np.random.default_rng(0)
    archs = [space.sample(rng) for _ in range(12)]
    predictor = AccuracyPredictor(space, steps=50).fit(archs, [len(a.blocks) / 4 for a in archs])
    estimator = SpecialisationEstimator(space, spec, predictor, table)
    for arch in archs:
        assert estimator.latency_ms(arch) == pytest.approx(table.predict(nm.meta_network(space, arch, spec),
                                                                         spec.input_shape))
    limit = float(np.median([estimator.latency_ms(a) for a in archs]))
    history = specialise(estimator, limit, trials=15, seed=0, population_size=5, sample_size=2)
    best = history.best()
    assert best is not None and best.measurement.metrics["latency_ms"] <= limit
    with pytest.raises(ValueError, match="limit_ms must be a positive number of milliseconds, got 0"):
        specialise(estimator, 0, trials=2)


def test_the_ofa_space_is_registered_and_the_spos_estimator_trains_its_supernet():
    space = nm.SPACES.create("ofa", stage_channels=(4, 6), stage_strides=(1, 2), depths=(1, 2), stem_channels=4)
    task = nm.TASKS.create("tensors", x=torch.randn(64, 1, 12, generator=torch.Generator().manual_seed(0)),
                           y=torch.arange(64) % 2, seed=0)
    assert type(nm.build_supernet(space, task.spec)) is ElasticSupernet
    estimator = nm.SupernetEstimator(task, space, TrainingConfig(epochs=1, batch_size=16, threads=1),
                                     calibration_batches=1)
    measurement = estimator.estimate(space.smallest())
    assert 0 <= measurement.metrics["val_accuracy"] <= 1
