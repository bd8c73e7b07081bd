"""ENAS on the shared weights (naslib_mini.supernet.enas): the controller learns, runs repeat, trials are recorded."""
import math

import pytest
import torch

import naslib_mini as nm
from naslib_mini.history import Journal
from naslib_mini.supernet import build_supernet
from naslib_mini.supernet import enas
from naslib_mini.supernet.enas import ENASConfig, search, shared_accuracy

TINY = ENASConfig(epochs=2, weight_steps=3, controller_steps=4, derive_samples=3, batch_size=32, hidden_size=16)


@pytest.fixture(scope="module")
def digits():
    return nm.TASKS.create("digits", seed=0)


@pytest.fixture(scope="module")
def chain():
    return nm.SPACES.create("chain", channels=(8,), max_depth=2)


def test_the_controller_learns_to_prefer_the_operation_that_earns_the_reward(digits, monkeypatch):
    space = nm.SPACES.create("nb201", width=4, cells_per_stage=1)
    good = 2  # the reward is 1 when the first edge holds operation 2, else 0

    def toy_reward(supernet, arch, x, y, batch_size):
        return 1.0 if space.to_decisions(arch)[0] == good else 0.0

    monkeypatch.setattr(enas, "shared_accuracy", toy_reward)
    config = ENASConfig(epochs=6, weight_steps=1, controller_steps=20, derive_samples=5, controller_lr=0.02,
                        hidden_size=16)
    history = search(digits, space, config, seed=0)
    rewards = [t.measurement.metrics["mean_reward"] for t in history]
    assert rewards[0] < 0.5 and rewards[-1] > 0.9, rewards  # from about 1 in 5 (uniform) to nearly always
    assert space.to_decisions(history.trials[-1].arch)[0] == good
    entropies = [t.measurement.metrics["controller_entropy"] for t in history]
    assert entropies[-1] < entropies[0]


def test_same_seed_same_search_and_another_seed_another(digits, chain):
    def outcome(seed):
        history = search(digits, chain, TINY, seed=seed)
        return [(chain.to_str(t.arch), t.score, {k: v for k, v in t.measurement.metrics.items()
                                                 if k != "search_seconds"}) for t in history]

    first = outcome(3)
    assert outcome(3) == first
    assert outcome(4) != first


def test_history_and_journal_hold_one_trial_per_epoch_with_costs_that_add_up(digits, chain, tmp_path):
    path = tmp_path / "enas.jsonl"
    history = search(digits, chain, TINY, seed=0, journal=path)
    assert [t.number for t in history] == [0, 1] and all(t.ok for t in history)
    most = sum(math.log(len(d.choices)) for d in chain.decisions())  # the entropy of uniform choices
    for epoch, trial in enumerate(history, start=1):
        m = trial.measurement.metrics
        assert m["epoch"] == epoch and trial.score == m["val_accuracy"] and 0 <= trial.score <= 1
        assert 0 <= m["mean_reward"] <= 1 and 0 < m["controller_entropy"] <= most + 1e-6
        assert 1 <= m["derived_candidates"] <= TINY.derive_samples and trial.cost > 0
        assert trial.candidate.info["method"] == "enas"
        rewards = trial.candidate.info["rewards"]  # one per controller step, their mean the epoch's
        assert len(rewards) == TINY.controller_steps and all(0 <= r <= 1 for r in rewards)
        assert m["mean_reward"] == pytest.approx(sum(rewards) / len(rewards), abs=1e-5)
    assert history.total_cost == pytest.approx(history.trials[-1].measurement.metrics["search_seconds"])
    journaled = Journal(path).read(chain)
    assert [(t.arch, t.score, t.cost) for t in journaled] == [(t.arch, t.score, t.cost) for t in history]
    with pytest.raises(FileExistsError, match="already holds trials"):
        search(digits, chain, TINY, seed=0, journal=path)


@pytest.mark.parametrize("field, value", [("epochs", 0), ("weight_steps", 1.5), ("controller_steps", True),
                                          ("controller_lr", -0.1), ("weight_lr", float("nan")),
                                          ("entropy_weight", -1.0), ("baseline_decay", 1.0),
                                          ("derive_samples", 0), ("weight_decay", -1.0), ("threads", 0)])
def test_bad_config_values_are_named(field, value):
    with pytest.raises(ValueError, match=field):
        ENASConfig(**{field: value})


def test_a_space_without_a_supernet_or_a_config_of_another_type_is_refused(digits, chain):
    with pytest.raises(nm.ConfigurationError, match="supernets exist for"):
        search(digits, nm.SPACES.create("nas-bench-macro"), TINY)
    with pytest.raises(TypeError, match="ENASConfig"):
        search(digits, chain, {"epochs": 1})


def test_shared_accuracy_uses_batch_statistics_and_leaves_the_supernet_as_it_was(digits):
    space = nm.SPACES.create("nb201", width=4, cells_per_stage=1)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        supernet = build_supernet(space, digits.spec)
    arch = space.sample(nm.default_rng(1))
    before = {k: v.clone() for k, v in supernet.state_dict().items()}
    x, y = digits.x_val[:40], digits.y_val[:40]
    accuracy = shared_accuracy(supernet, arch, x, y, batch_size=16)  # 3 batches of 14, 13, 13
    assert supernet.training and all(torch.equal(before[k], v) for k, v in supernet.state_dict().items())
    with torch.no_grad():  # the same forward by hand: training-mode batch norm, one batch at a time
        supernet.train()
        logits = torch.cat([supernet(x[a:b]) for a, b in ((0, 14), (14, 27), (27, 40))])
    assert accuracy == pytest.approx(float((logits.argmax(1) == y).float().mean()))


@pytest.mark.parametrize("dims", ["1d", "2d"])
def test_end_to_end_in_the_cell_space_finds_cells_better_than_chance(dims):
    task = nm.TASKS.create("digits", seed=0) if dims == "2d" else nm.TASKS.create("mnist1d", seed=0, num_samples=1000)
    space = nm.SPACES.create("nb201", width=8, cells_per_stage=1)
    config = ENASConfig(epochs=2, weight_steps=15, controller_steps=5, derive_samples=4, hidden_size=16)
    history = search(task, space, config, seed=0)
    assert len(history) == 2
    for trial in history:
        space.validate(trial.arch)
    assert history.best().score > 0.2  # chance is 0.1


def test_on_epoch_end_sees_the_shared_weights_and_leaves_the_search_unchanged(digits, chain):
    seen = []

    def score(epoch, supernet):
        seen.append((epoch, shared_accuracy(supernet, chain.sample(nm.default_rng(epoch)), digits.x_val,
                                            digits.y_val, 32)))

    plain = search(digits, chain, TINY, seed=2)
    hooked = search(digits, chain, TINY, seed=2, on_epoch_end=score)
    assert [e for e, _ in seen] == [1, 2] and all(0 <= a <= 1 for _, a in seen)
    assert [(t.arch, t.score) for t in hooked] == [(t.arch, t.score) for t in plain]
