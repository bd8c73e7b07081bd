"""The zero-cost estimator: checks and stores, scores by a proxy on a seeded training batch, searches."""
import pytest
import torch

import naslib_mini as nm
from naslib_mini.estimators.zero_cost import ZeroCostEstimator, training_batch
from naslib_mini.proxies import PROXIES, compute_proxy
from small_chain import arch, digits, space  # noqa: F401  (fixtures)
from small_chain import refuse_to_build


def make(space, proxy="synflow", task="digits", **kwargs):
    kwargs.setdefault("batch_size", 16)
    return nm.ESTIMATORS.create("zero-cost", task=task, space=space, proxy=proxy, **kwargs)


def test_the_constructor_checks_and_stores_without_building_anything(space, monkeypatch):
    refuse_to_build(monkeypatch)
    estimator = make(space, proxy="naswot", task="mnist1d")
    assert (estimator.proxy, estimator.batch_size) == ("naswot", 16)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"proxy": "synflw"}, KeyError, "unknown proxy 'synflw'; valid choices: fisher, flops, grad_norm"),
    ({"batch_size": 0}, ValueError, "batch_size must be a positive integer, got 0"),
    ({"threads": 0}, ValueError, "threads must be a positive integer or None, got 0"),
    ({"task": "cifar"}, KeyError, "unknown task 'cifar'"),
])
def test_bad_settings_are_clear_errors(space, kwargs, error, message):
    with pytest.raises(error, match=message):
        make(space, **kwargs)


def test_a_task_that_cannot_be_built_is_a_configuration_error(space, arch, monkeypatch):
    monkeypatch.setitem(nm.TASKS._factories, "broken", lambda seed: 1 / 0)
    with pytest.raises(nm.ConfigurationError, match="cannot build task 'broken'.*ZeroDivisionError"):
        make(space, task="broken").estimate(arch)


def test_a_batch_larger_than_the_training_split_is_a_configuration_error(space, arch, digits):
    with pytest.raises(nm.ConfigurationError, match=f"batch_size must lie in 1..{len(digits.y_train)} .*got 100000"):
        make(space, task=digits, batch_size=100_000).estimate(arch)


@pytest.mark.parametrize("proxy", PROXIES.names())
def test_the_score_is_the_proxy_of_the_seeded_network_on_the_seeded_training_batch(proxy, space, arch, digits):
    estimator = make(space, proxy=proxy, task=digits, seed=3)
    m = estimator.estimate(arch)
    assert m.score == m.metrics[proxy] and m.cost >= 0
    assert {"params", "flops", proxy} == set(m.metrics) and m.metrics["params"] > 0
    with nm.estimators.routines.seeded(nm.derive_seed(3, space.to_str(arch))):
        net = nm.build_network(space, arch, digits.spec)
    x, y = training_batch(digits, 16, seed=3)
    assert compute_proxy(proxy, net, x, y) == m.score
    assert m.metrics["params"] == nm.count_params(net)


def test_the_batch_comes_from_the_training_split_and_depends_on_the_seed(digits):
    x, y = training_batch(digits, 16, seed=0)
    rows = [int(torch.nonzero((digits.x_train == row).all(dim=(1, 2, 3)))[0]) for row in x]
    assert torch.equal(digits.y_train[rows], y) and len(set(rows)) == 16
    assert not torch.equal(training_batch(digits, 16, seed=1)[0], x)


def test_same_seed_same_score_other_seed_other_weights(space, arch, digits):
    scores = [make(space, proxy="snip", task=digits, seed=s).estimate(arch).score for s in (0, 0, 1)]
    assert scores[0] == scores[1] != scores[2]


def test_a_proxy_has_no_fidelity(space, arch, digits):
    with pytest.raises(nm.ConfigurationError, match="has no fidelity: budget must be None, got 3"):
        make(space, task=digits).estimate(arch, 3)


def test_a_non_finite_proxy_fails_the_candidate(space, arch, digits, monkeypatch):
    monkeypatch.setitem(PROXIES._factories, "synflow", lambda net, x, y: float("inf"))
    with pytest.raises(nm.CandidateFailed, match="synflow of .* is inf"):
        make(space, task=digits).estimate(arch)


def test_random_search_with_a_proxy_runs_through_the_loop_and_charges_its_cpu_time(space, digits):
    history = nm.run(nm.STRATEGIES.create("random", space=space, seed=0), make(space, task=digits, proxy="jacob_cov"),
                     nm.Budget(trials=4))
    assert [t.ok for t in history] == [True] * 4
    assert history.total_cost == pytest.approx(sum(t.measurement.cost for t in history)) and history.total_cost > 0
    assert history.best().measurement.score == max(t.measurement.metrics["jacob_cov"] for t in history)


def test_a_network_whose_inputs_share_one_relu_code_fails_as_a_candidate(space, arch):
    same = nm.TASKS.create("tensors", x=torch.zeros(60, 1, 8, 8), y=torch.arange(60) % 10)  # every input alike
    with pytest.raises(nm.CandidateFailed, match=r"naswot of conv3x3-16-s1-series.* is -inf"):
        make(space, task=same, proxy="naswot").estimate(arch)


def test_the_registry_knows_the_estimator_by_its_aliases(space):
    assert isinstance(nm.ESTIMATORS.create("proxy", task="digits", space=space), ZeroCostEstimator)
    assert "zero-cost" in nm.ESTIMATORS.names() and nm.ESTIMATORS.canonical("zero_cost") == "zero-cost"
