"""Zero-cost proxies: finite, deterministic, faithful to their definitions, and able to spot a dead network."""
import math

import pytest
import torch
from torch import nn

import naslib_mini as nm
from naslib_mini.estimators.routines import seeded
from naslib_mini.proxies import DATA_FREE, PROXIES, compute_proxy
from naslib_mini.proxies.saliency import prunable_layers, synflow, without_batch_norm

PROXY_NAMES = PROXIES.names()
CELL = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
DEAD = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"
MNIST1D = nm.TaskSpec("mnist1d-shaped", (1, 40), 10)
DIGITS = nm.TaskSpec("digits", (1, 8, 8), 10)


def batch(spec: nm.TaskSpec, n: int = 16, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    return (torch.randn(n, *spec.input_shape, generator=generator),
            torch.randint(0, spec.num_classes, (n,), generator=generator))


def network(space: nm.SearchSpace, text: str, spec: nm.TaskSpec, seed: int = 0) -> nn.Module:
    with seeded(seed):
        return nm.build_network(space, space.from_str(text), spec)


@pytest.fixture(scope="module")
def cell_space():
    return nm.SPACES.create("nb201", width=4, cells_per_stage=1)


@pytest.fixture(scope="module")
def chain_space():
    return nm.SPACES.create("chain", channels=(8, 16), max_depth=3, stem_channels=8)


@pytest.fixture(scope="module", params=["chain-1d", "cell-1d", "cell-2d"])
def net_and_batch(request, cell_space, chain_space):
    if request.param == "chain-1d":
        return network(chain_space, "conv3x3-16-s1-series|conv3x3-16-s2-skip", MNIST1D), batch(MNIST1D)
    spec = MNIST1D if request.param == "cell-1d" else DIGITS
    return network(cell_space, CELL, spec), batch(spec)


@pytest.mark.parametrize("name", PROXY_NAMES)
def test_every_proxy_is_finite_deterministic_and_leaves_the_network_unchanged(name, net_and_batch):
    net, (x, y) = net_and_batch
    before = {k: v.clone() for k, v in net.state_dict().items()}
    first = compute_proxy(name, net, x, y)
    assert isinstance(first, float) and math.isfinite(first)
    assert compute_proxy(name, net, x, y) == first
    after = net.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert all(p.grad is None for p in net.parameters())


@pytest.mark.parametrize("name", PROXY_NAMES)
def test_the_same_seed_builds_the_same_score_and_another_seed_other_weights(name, cell_space):
    x, y = batch(MNIST1D)
    scores = [compute_proxy(name, network(cell_space, CELL, MNIST1D, seed), x, y) for seed in (3, 3, 4)]
    assert scores[0] == scores[1]
    if name not in ("params", "flops"):
        assert scores[0] != scores[2]


def test_data_free_proxies_ignore_the_batch_values_and_the_others_do_not(cell_space):
    net = network(cell_space, CELL, MNIST1D)
    (x, y), (x2, y2) = batch(MNIST1D, seed=0), batch(MNIST1D, seed=1)
    for name in PROXY_NAMES:
        same = compute_proxy(name, net, x, y) == compute_proxy(name, net, x2, y2)
        assert same == (name in DATA_FREE), name


def test_params_and_flops_equal_the_builders_counts(net_and_batch):
    net, (x, y) = net_and_batch
    assert compute_proxy("params", net, x, y) == nm.count_params(net)
    assert compute_proxy("flops", net, x, y) == nm.count_flops(net, tuple(x.shape[1:]))


def test_synflow_of_a_linear_chain_is_the_number_of_layers_times_the_path_product():
    # R = 1^T |W2| |W1| 1 = 2 * 3 * 4 * 0.5 for the all-ones input; every layer's sum |w dR/dw| equals R.
    net = nn.Sequential(nn.Linear(4, 3, bias=False), nn.ReLU(), nn.Linear(3, 2, bias=False))
    with torch.no_grad():
        net[0].weight.fill_(-0.5)
        net[2].weight.fill_(1.0)
    assert synflow(net, torch.randn(7, 4)) == pytest.approx(2 * 12.0)


def test_synflow_passes_batch_norm_through_and_scores_convolutions_and_linear_layers(net_and_batch):
    net, _ = net_and_batch
    plain = without_batch_norm(net)
    assert not any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in plain.modules())
    assert any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in net.modules())
    kinds = {type(m) for m in prunable_layers(net)}
    assert nn.Linear in kinds and kinds & {nn.Conv1d, nn.Conv2d}


def test_snip_is_the_sum_of_weight_times_loss_gradient(net_and_batch):
    net, (x, y) = net_and_batch
    copy = without_batch_norm(net)  # any network: compare with a hand-written pass
    copy.train()
    torch.nn.functional.cross_entropy(copy(x), y).backward()
    expected = sum(float((m.weight * m.weight.grad).abs().sum().detach()) for m in prunable_layers(copy))
    assert compute_proxy("snip", without_batch_norm(net), x, y) == pytest.approx(expected, rel=1e-6)


def test_fisher_and_grasp_of_one_linear_layer_match_their_formulas():
    with seeded(0):
        net, x, y = nn.Linear(5, 3), torch.randn(8, 5), torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])
    a = net(x)
    g = torch.autograd.grad(torch.nn.functional.cross_entropy(a, y), a)[0]
    fisher = 5 * float((0.5 * (a * g).pow(2).mean(0)).sum().detach())  # each channel counted once per weight (5)
    assert compute_proxy("fisher", net, x, y) == pytest.approx(fisher, rel=1e-5)

    def loss(w):
        return torch.nn.functional.cross_entropy(x @ w.T + net.bias, y)
    w = net.weight.detach()
    _, hessian_g = torch.autograd.functional.hvp(loss, w, torch.func.grad(loss)(w))
    assert compute_proxy("grasp", net, x, y) == pytest.approx(float((-w * hessian_g).sum()), rel=1e-4)


def test_naswot_of_identical_inputs_is_singular_and_distinct_inputs_score_higher(cell_space):
    net = network(cell_space, CELL, MNIST1D)
    x, y = batch(MNIST1D)
    same = x[:1].expand(len(x), -1, -1).contiguous()
    assert compute_proxy("naswot", net, x, y) > compute_proxy("naswot", net, same, y)


def test_naswot_and_jacob_cov_refuse_what_they_cannot_score():
    with pytest.raises(ValueError, match="has no nn.ReLU module"):
        compute_proxy("naswot", nn.Sequential(nn.Flatten(), nn.Linear(4, 2)), torch.zeros(3, 4), torch.zeros(3))
    with pytest.raises(ValueError, match="batch of 1"):
        compute_proxy("jacob_cov", nn.Linear(4, 2), torch.zeros(1, 4), torch.zeros(1))


@pytest.mark.parametrize("name", ["synflow", "snip", "grad_norm", "fisher", "naswot", "jacob_cov", "params", "flops"])
def test_a_working_cell_outranks_a_dead_one(name, cell_space):
    x, y = batch(MNIST1D, n=32)
    alive, dead = (compute_proxy(name, network(cell_space, text, MNIST1D), x, y) for text in (CELL, DEAD))
    assert alive > dead


def test_unknown_proxy_lists_the_valid_ones():
    with pytest.raises(KeyError, match="unknown proxy 'synflw'; valid choices: fisher, flops, grad_norm, grasp"):
        compute_proxy("synflw", nn.Linear(2, 2), torch.zeros(1, 2), torch.zeros(1))
