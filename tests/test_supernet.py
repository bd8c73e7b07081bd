"""Supernets and the weight-sharing (SPOS) estimator: sub-networks are the spaces' networks,
path sampling and scores are seeded, BN recalibration works, the supernet's cost is charged."""
from __future__ import annotations

import pytest
import torch

import naslib_mini as nm
from naslib_mini.estimators.base import SpaceMismatch
from naslib_mini.estimators.routines import TrainingConfig, fit, seeded
from naslib_mini.supernet import CellSupernet, ChainSupernet, build_supernet

torch.set_num_threads(1)


def samples(space, n, seed=0):
    rng = nm.default_rng(seed)
    return [space.sample(rng) for _ in range(n)]


def warmed_supernet(space, spec, seed=0):
    """A supernet whose weights and batch-norm statistics are far from their initial values."""
    with seeded(seed):
        supernet = build_supernet(space, spec)
        with torch.no_grad():
            for p in supernet.parameters():
                p.add_(0.1 * torch.randn_like(p))
        x = torch.randn(16, *spec.input_shape)
    supernet.train()
    with torch.no_grad():
        for arch in samples(space, 6, seed=seed + 1):
            supernet.select(arch)
            supernet(x + 0.5)
    return supernet


CHAIN = dict(ops=("conv3x3", "sepconv3x3", "maxpool3x3", "avgpool3x3", "identity", "zero"), channels=(4, 8),
             max_depth=4, stem_channels=4)
#: (space, input shape): NB201 cells in 1D and 2D, and a chain space with every connection in 1D and 2D.
CASES = {
    "nb201-1d": (lambda: nm.SPACES.create("nb201", width=4, cells_per_stage=2), (1, 20)),
    "nb201-2d": (lambda: nm.SPACES.create("nb201", width=4, cells_per_stage=1), (2, 9, 9)),
    "chain-1d": (lambda: nm.ChainSpace(**CHAIN), (1, 20)),
    "chain-2d": (lambda: nm.ChainSpace(**CHAIN), (2, 9, 9)),
}


@pytest.mark.parametrize("case", CASES)
def test_subnet_weights_give_the_stand_alone_network_the_same_outputs(case):
    make_space, shape = CASES[case]
    space, spec = make_space(), nm.TaskSpec("toy", shape, 5)
    supernet = warmed_supernet(space, spec)
    archs = samples(space, 8)
    if isinstance(space, nm.ChainSpace):  # make sure every connection and a projecting pool/identity are met
        archs.append(space.from_str("conv3x3-8-s2-series|maxpool3x3-4-s1-dense|identity-8-s1-parallel|"
                                    "avgpool3x3-8-s2-skip"))
    x = torch.randn(6, *shape, generator=torch.Generator().manual_seed(1))
    supernet.eval()
    for arch in archs:
        net = nm.build_network(space, arch, spec)
        net.load_state_dict(supernet.subnet_state_dict(arch), strict=True)  # the one builder's network
        supernet.select(arch)
        with torch.no_grad():
            expected, got = net.eval()(x), supernet(x)
        assert torch.allclose(expected, got, atol=1e-5), space.to_str(arch)


def test_supernets_share_the_builders_stem_and_head_and_slice_the_chain_weights():
    space, spec = nm.ChainSpace(**CHAIN), nm.TaskSpec("toy", (1, 12), 3)
    supernet = build_supernet(space, spec)
    assert isinstance(supernet, ChainSupernet)
    assert isinstance(build_supernet(nm.SPACES.create("nb201", width=4, cells_per_stage=1), spec), CellSupernet)
    arch = space.from_str("conv3x3-4-s1-series|conv3x3-8-s1-dense")
    state = supernet.subnet_state_dict(arch)
    shared = supernet.store["1_op_conv3x3"][1].weight  # position 1 reads stem (4) + layer 1 (4) channels
    assert torch.equal(state["body.layers.1.op.1.weight"], shared[:8, :8])
    assert torch.equal(state["stem.0.weight"], supernet.stem[0].weight)
    assert torch.equal(state["head.2.weight"], supernet.head[2].weight[:, :8])
    # the subset of a space has the supernet of its base space
    subset = nm.SubsetSpace(space, samples(space, 5))
    assert isinstance(build_supernet(subset, spec), ChainSupernet)


def test_training_one_path_changes_only_that_paths_weights():
    space, spec = nm.SPACES.create("nb201", width=4, cells_per_stage=1), nm.TaskSpec("toy", (1, 12), 3)
    supernet = build_supernet(space, spec)
    arch = space.from_str("|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|nor_conv_1x1~1|none~2|")
    before = {k: v.clone() for k, v in supernet.state_dict().items()}
    path_before = supernet.subnet_state_dict(arch)
    x, y = torch.randn(32, 1, 12), torch.arange(32) % 3
    fit(supernet, x, y, TrainingConfig(epochs=1, batch_size=16), epochs=1, seed=0,
        on_batch_start=lambda step, model: model.select(arch))
    after = supernet.state_dict()
    changed = lambda keys: any(not torch.equal(before[k], after[k]) for k in keys)  # noqa: E731
    edge0 = lambda k: [key for key in after if key.startswith(f"body.0.ops.0.candidates.{k}.")]  # noqa: E731
    assert edge0(2) and edge0(3)  # conv1x1 and conv3x3 of the first cell's first edge have weights
    assert changed(edge0(3)) and not changed(edge0(2))  # only the chosen one trained
    assert changed(["stem.0.weight"])  # the stem is on every path
    path_after = supernet.subnet_state_dict(arch)
    assert not any(torch.equal(path_before[k], v) for k, v in path_after.items()
                   if k.endswith("weight"))  # every weight of the path trained


def test_fit_calls_the_batch_hook_before_every_step():
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 2))
    steps = []
    fit(model, torch.randn(40, 1, 4), torch.arange(40) % 2, TrainingConfig(batch_size=8), epochs=2, seed=0,
        on_batch_start=lambda step, m: steps.append((step, m is model)))
    assert steps == [(i, True) for i in range(10)]


def test_recalibration_sets_the_paths_statistics_to_the_data_mean_whatever_ran_before():
    space, spec = nm.SPACES.create("nb201", width=4, cells_per_stage=1), nm.TaskSpec("toy", (1, 12), 3)
    supernet = warmed_supernet(space, spec)
    arch, other = samples(space, 2, seed=7)
    x = torch.randn(48, 1, 12, generator=torch.Generator().manual_seed(3)) * 2 + 1
    stem_bn = supernet.stem[1]
    stale = stem_bn.running_mean.clone()
    supernet.select(arch)
    supernet.recalibrate(x, batch_size=16)
    with torch.no_grad():
        expected = supernet.stem[0](x).mean(dim=(0, 2))
    assert not torch.allclose(stale, stem_bn.running_mean)
    assert torch.allclose(stem_bn.running_mean, expected, atol=1e-5)
    assert stem_bn.momentum == 0.1 and supernet.training  # momentum and training mode restored
    supernet.eval()
    first = supernet(x[:4]).detach()
    supernet.select(other)  # run another path in training mode, then come back
    supernet.train()(x[:8] * 3)
    supernet.select(arch)
    supernet.recalibrate(x, batch_size=16)
    assert torch.allclose(first, supernet.eval()(x[:4]), atol=1e-6)
    assert stem_bn.momentum == 0.1  # restored


def estimator(seed=0, **options):
    space = options.pop("space", None) or nm.SPACES.create("chain", channels=(8,), max_depth=2)
    settings = dict(task="digits", space=space, epochs=1, threads=1, batch_size=32, calibration_batches=2, seed=seed)
    return nm.ESTIMATORS.create("supernet", **{**settings, **options})


def test_same_seed_same_supernet_and_scores_other_seed_other_ones():
    a, b, c = estimator(0), estimator(0), estimator(1)
    archs = samples(a.space, 3, seed=2)
    scores = [[est.estimate(arch).score for arch in archs] for est in (a, b, c)]
    assert scores[0] == scores[1]
    for key, value in a.supernets_[1.0].supernet.state_dict().items():
        assert torch.equal(value, b.supernets_[1.0].supernet.state_dict()[key])
    assert any(not torch.equal(v, c.supernets_[1.0].supernet.state_dict()[k])
               for k, v in a.supernets_[1.0].supernet.state_dict().items())
    assert scores[2] != scores[0]


def test_spos_draws_one_seeded_uniform_path_per_training_batch(monkeypatch):
    selected = []
    original = ChainSupernet.select
    monkeypatch.setattr(ChainSupernet, "select", lambda self, arch: (selected.append(arch), original(self, arch))[1])
    paths = []
    for seed in (0, 0, 1):
        selected.clear()
        est = estimator(seed)
        est.fit()
        paths.append(list(selected))
    steps = len(est.task.y_train) // 32  # one epoch of batches of 32
    assert len(paths[0]) == steps and paths[0] == paths[1] and paths[0] != paths[2]
    space = est.space
    assert all(space.to_str(arch) for arch in paths[0])  # architectures of the space
    assert len(set(paths[0])) > steps // 4  # fresh draws, not one path repeated


def test_scores_do_not_depend_on_the_order_of_estimates():
    est, again = estimator(0), estimator(0)
    archs = samples(est.space, 3, seed=4)
    forward = [est.estimate(arch).score for arch in archs]
    backward = [again.estimate(arch).score for arch in reversed(archs)][::-1]
    assert forward == backward


def test_the_supernets_training_is_charged_once_to_the_search():
    est = estimator(0, epochs=2)
    history = nm.run(nm.STRATEGIES.create("random", space=est.space, seed=0), est, nm.Budget(trials=4))
    trained = est.supernets_[2.0]
    first, *later = list(history)
    assert trained.seconds > 0 and trained.charged
    assert all(t.measurement.metrics["supernet_seconds"] == trained.seconds for t in history)
    assert first.measurement.cost >= trained.seconds
    assert all(t.measurement.cost < trained.seconds for t in later)  # scoring alone is far cheaper
    assert history.total_cost >= trained.seconds
    # a supernet trained explicitly is charged to the first measurement too; another budget trains another
    est = estimator(0).fit()
    arch = samples(est.space, 1)[0]
    assert est.estimate(arch).cost >= est.supernets_[1.0].seconds > est.estimate(arch).cost
    m = est.estimate(arch, budget=0.5)
    assert m.metrics["epochs"] == 0.5 and m.cost >= est.supernets_[0.5].seconds


def test_every_strategy_searches_with_the_shared_weights():
    est = estimator(0)
    for name in nm.STRATEGIES.names():
        kwargs = {"hyperband": {"min_budget": 0.5, "max_budget": 1, "eta": 2},
                  "bohb": {"min_budget": 0.5, "max_budget": 1, "eta": 2},
                  "warmup": {"proxy_budget": 0.5, "num_warmup": 2}}.get(name, {})
        history = nm.run(nm.STRATEGIES.create(name, space=est.space, seed=0, **kwargs), est, nm.Budget(trials=3))
        assert len(history) == 3 and all(t.ok for t in history), name


def test_bad_options_are_clear_errors():
    with pytest.raises(ValueError, match="calibration_batches must be a positive integer, got 0"):
        estimator(calibration_batches=0)
    with pytest.raises(TypeError, match="unknown training option.*epoch"):
        estimator(epoch=3)
    with pytest.raises(ValueError, match="epochs must be a positive number"):
        estimator(epochs=-1)
    est = estimator()
    with pytest.raises(nm.ConfigurationError, match="budget must be a positive number of supernet epochs, got -2"):
        est.estimate(samples(est.space, 1)[0], budget=-2)
    with pytest.raises(SpaceMismatch, match="supernet estimator's space 'chain'"):
        est.estimate(nm.SPACES.create("nb201").sample(nm.default_rng(0)))
    with pytest.raises(KeyError, match="unknown search space 'no-such'; valid choices: chain, .*chain-small, "):
        nm.ESTIMATORS.create("supernet", task="digits", space="no-such")


def test_a_space_without_a_supernet_is_refused_at_once():
    class Elsewhere(nm.SearchSpace):  # any space the supernets do not know (nothing of it is called)
        name = "elsewhere"

    Elsewhere.__abstractmethods__ = frozenset()
    with pytest.raises(nm.ConfigurationError, match="no supernet for space.*supernets exist for: NB201Space"):
        nm.ESTIMATORS.create("supernet", task="digits", space=Elsewhere())
    with pytest.raises(nm.ConfigurationError, match="no supernet for space 'elsewhere'"):
        build_supernet(Elsewhere(), nm.TaskSpec("toy", (1, 8), 2))


def test_a_diverging_supernet_stops_the_search():
    est = estimator(lr=1e12, optimizer="sgd", epochs=1)
    with pytest.raises(nm.ConfigurationError, match="supernet's training failed"):
        nm.run(nm.STRATEGIES.create("random", space=est.space, seed=0), est, nm.Budget(trials=2))
