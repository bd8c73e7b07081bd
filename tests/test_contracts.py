"""Contract tests every registered space, strategy, estimator and task must pass.

A new space or strategy gets these tests for free by registering itself; a new
estimator or task also adds its small settings to ``ESTIMATOR_SETTINGS`` or
``TASK_SETTINGS`` (a test fails until it does).
"""
from __future__ import annotations

import functools
import math
import tempfile
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest
import torch

import naslib_mini as nm
from fakes import LinearEstimator, ground_truth_record, write_ground_truth
from medmnist_files import write_medmnist

SPACE_NAMES = nm.SPACES.names()
STRATEGY_NAMES = nm.STRATEGIES.names()
#: Spaces every strategy is exercised on: the tabular cell space and a small chain space.
STRATEGY_SPACES = [name for name in ("nb201", "chain-small") if name in nm.SPACES]


@pytest.fixture(params=SPACE_NAMES)
def space(request):
    return nm.SPACES.create(request.param)


def samples(space, n=40, seed=0):
    rng = nm.default_rng(seed)
    return [space.sample(rng) for _ in range(n)]


class TestSpaceContract:
    def test_strings_round_trip(self, space):
        for arch in samples(space):
            text = space.to_str(arch)
            assert isinstance(text, str)
            assert space.from_str(text) == arch
            assert hash(space.from_str(text)) == hash(arch)

    def test_bad_string_is_a_clear_error(self, space):
        with pytest.raises(ValueError):
            space.from_str("definitely|not~an|architecture")

    def test_sampling_is_seeded(self, space):
        assert samples(space, 10, seed=5) == samples(space, 10, seed=5)
        assert samples(space, 10, seed=5) != samples(space, 10, seed=6)

    def test_decisions_round_trip(self, space):
        decisions = space.decisions()
        for arch in samples(space):
            indices = space.to_decisions(arch)
            assert len(indices) == len(decisions)
            assert all(0 <= i < len(d.choices) for i, d in zip(indices, decisions))
            assert space.from_decisions(indices) == arch
            space.validate(arch)

    def test_moves_give_valid_new_architectures(self, space):
        rng = nm.default_rng(1)
        for arch, other in zip(samples(space, 15), samples(space, 15, seed=2)):
            child = space.mutate(arch, rng)
            assert child != arch
            space.validate(child)
            neighbours = space.neighbours(arch)
            assert neighbours and arch not in neighbours
            assert len(set(neighbours)) == len(neighbours)
            space.validate(space.crossover(arch, other, rng))

    def test_encodings_have_fixed_length(self, space):
        for encoding in space.encodings:
            vectors = [space.encode(arch, encoding) for arch in samples(space, 20)]
            assert len({v.shape for v in vectors}) == 1
            assert all(np.isfinite(v).all() for v in vectors)
        with pytest.raises(ValueError, match="valid choices"):
            space.encode(samples(space, 1)[0], "no-such-encoding")

    def test_size_is_an_exact_positive_int(self, space):
        assert isinstance(space.size(), int) and space.size() > 1

    @pytest.mark.parametrize("input_shape", [(1, 8, 8), (1, 24)])
    def test_sampled_networks_build_and_run(self, space, input_shape):
        spec = nm.TaskSpec("toy", input_shape, 3)
        for arch in samples(space, 3):
            net = nm.build_network(space, arch, spec)
            out = net(torch.randn(2, *input_shape))
            assert out.shape == (2, 3)
            out.sum().backward()


@pytest.fixture(params=[(s, n) for s in STRATEGY_NAMES for n in STRATEGY_SPACES],
                ids=lambda p: f"{p[0]}-{p[1]}")
def setting(request):
    strategy_name, space_name = request.param
    return strategy_name, nm.SPACES.create(space_name)


def make(name, space, seed=0):
    return nm.STRATEGIES.create(name, space=space, seed=seed)


class TestStrategyContract:
    def test_searches_with_valid_proposals(self, setting):
        name, space = setting
        history = nm.run(make(name, space), LinearEstimator(space, fail_every=7), nm.Budget(trials=25))
        assert 0 < len(history) <= 25
        for trial in history:
            space.validate(trial.arch)
        assert history.best() is not None

    def test_same_seed_same_trials(self, setting):
        name, space = setting
        runs = [nm.run(make(name, space, seed=4), LinearEstimator(space), nm.Budget(trials=20)) for _ in range(2)]
        assert [(t.arch, t.candidate.budget) for t in runs[0]] == [(t.arch, t.candidate.budget) for t in runs[1]]

    def test_several_asks_before_tells_in_any_order(self, setting):
        name, space = setting
        strategy, estimator = make(name, space), LinearEstimator(space)
        for round_ in range(3):
            asked = []
            for _ in range(4):
                try:
                    asked.append(strategy.ask())
                except nm.SearchExhausted:
                    break
            for offset, candidate in enumerate(reversed(asked)):
                number = 10 * round_ + offset
                if offset == 1:
                    trial = nm.Trial(number, candidate, nm.TrialState.FAILED, error="RuntimeError: boom")
                else:
                    m = estimator.estimate(candidate.arch, candidate.budget)
                    trial = nm.Trial(number, candidate, nm.TrialState.COMPLETE, m, cost=m.cost)
                strategy.tell(trial)

    def test_accepts_trials_it_never_proposed(self, setting):
        name, space = setting
        strategy, estimator = make(name, space), LinearEstimator(space)
        for number, arch in enumerate(samples(space, 5, seed=9)):
            m = estimator.estimate(arch)
            strategy.tell(nm.Trial(number, nm.Candidate(arch), nm.TrialState.COMPLETE, m, cost=m.cost))
        space.validate(strategy.ask().arch)

    def test_resumed_search_continues_like_an_uninterrupted_one(self, setting, tmp_path):
        name, space = setting
        journal = tmp_path / "journal.jsonl"
        nm.run(make(name, space), LinearEstimator(space), nm.Budget(trials=8), journal=journal)
        resumed = nm.run(make(name, space), LinearEstimator(space), nm.Budget(trials=16),
                         journal=journal, resume=True)
        straight = nm.run(make(name, space), LinearEstimator(space), nm.Budget(trials=16))
        assert [(t.arch, t.candidate.budget) for t in resumed] == [(t.arch, t.candidate.budget) for t in straight]


def tiny_chain() -> nm.SearchSpace:
    return nm.SPACES.create("chain", channels=(8,), max_depth=2)


def trained(name: str) -> Callable[[nm.SearchSpace], dict[str, Any]]:
    """Settings of an estimator that trains: digits, one epoch, one thread, on the given space."""
    extra = {"folds": 2} if name == "cross-validation" else {}
    return lambda space: {"task": "digits", "space": space, "epochs": 1, "threads": 1, **extra}


@functools.cache
def tiny_scenes() -> nm.Task:
    """A digit-scenes detection task of a few 32x32 scenes."""
    return nm.TASKS.create("digit-scenes", num_train=16, num_val=8, num_test=4, canvas=32, scale=(10, 16))


@functools.cache
def tiny_ground_truth() -> Path:
    """A ground-truth set holding every architecture of ``tiny_chain()``, trained for one epoch (made up)."""
    space = tiny_chain()
    records = [ground_truth_record(space, arch, accuracy=0.3 + 0.6 * i / space.size(), seconds=1.0 + i)
               for i, arch in enumerate(space)]
    return write_ground_truth(Path(tempfile.mkdtemp(prefix="naslib-gt-")) / "gt.jsonl.gz", records)


#: Per estimator: the space its architectures come from, its small keyword arguments
#: (given that space), and two budgets (fidelities) it accepts.
ESTIMATOR_SETTINGS: dict[str, tuple[Callable[[], nm.SearchSpace], Callable[..., dict[str, Any]], tuple]] = {
    "nb201": (lambda: nm.SPACES.create("nb201"), lambda space: {"dataset": "cifar10"}, (12, 200)),
    "training": (tiny_chain, trained("training"), (0.5, 1)),
    "cross-validation": (tiny_chain, trained("cross-validation"), (0.5, 1)),
    "zero-cost": (tiny_chain, lambda space: {"task": "digits", "space": space, "proxy": "synflow", "batch_size": 16},
                  ()),
    "ground-truth": (tiny_chain, lambda space: {"space": space, "path": tiny_ground_truth()}, (1,)),
    "nas-bench-macro": (lambda: nm.SPACES.create("nas-bench-macro"), lambda space: {"noisy": True}, (50,)),
    "supernet": (tiny_chain, lambda space: {**trained("supernet")(space), "calibration_batches": 2}, (0.5, 1)),
    "few-shot-supernet": (lambda: nm.SPACES.create("nb201", width=4, cells_per_stage=1),
                          lambda space: {**trained("few-shot-supernet")(space), "calibration_batches": 2}, (0.5, 1)),
    "detection-training": (tiny_chain, lambda space: {"task": tiny_scenes(), "space": space, "epochs": 1, "threads": 1},
                           (0.5, 1)),
}
#: Estimators whose score is a proxy reported under this metric name, not validation accuracy;
#: they have no fidelity (no budgets above) and refuse any budget.
PROXY_SCORES = {"zero-cost": "synflow"}
#: Estimators that train but score another metric than validation accuracy.
OTHER_SCORES = {"detection-training": "val_ap"}
#: Metrics that are times measured on this machine (like ``cost``), so a repeat may differ.
TIMED_METRICS = {"supernet_seconds"}


@pytest.fixture(params=nm.ESTIMATORS.names())
def estimator_setting(request):
    """(name, space, factory of fresh estimators, budgets) of one registered estimator."""
    make_space, arguments, budgets = ESTIMATOR_SETTINGS[request.param]
    space = make_space()
    return request.param, space, lambda: nm.ESTIMATORS.create(request.param, **arguments(space)), budgets


class TestEstimatorContract:
    def test_measures_sampled_architectures(self, estimator_setting):
        name, space, make, _ = estimator_setting
        score = {**PROXY_SCORES, **OTHER_SCORES}.get(name, "val_accuracy")
        estimator = make()
        for arch in samples(space, 2, seed=3):
            m = estimator.estimate(arch)
            assert isinstance(m, nm.Measurement)
            assert math.isfinite(m.score) and m.cost >= 0
            assert {score, "params"} | ({"epochs"} if name not in PROXY_SCORES else set()) <= set(m.metrics)
            assert all(isinstance(k, str) and math.isfinite(v) for k, v in m.metrics.items())
            assert m.score == pytest.approx(m.metrics[score])  # the default score is validation accuracy
            assert m.metrics["params"] > 0
            with pytest.raises(TypeError):
                m.metrics[score] = 0.0  # read-only: nobody changes a recorded measurement

    def test_accuracy_is_a_fraction(self, estimator_setting):
        name, space, make, _ = estimator_setting
        m = make().estimate(samples(space, 1, seed=4)[0])
        if name in PROXY_SCORES:  # a proxy predicts no accuracy and must not pretend to
            assert "val_accuracy" not in m.metrics
        assert all(0 <= value <= 1 for key, value in m.metrics.items() if key.endswith("accuracy"))

    def test_budget_is_the_fidelity(self, estimator_setting):
        _, space, make, budgets = estimator_setting
        estimator, arch = make(), samples(space, 1, seed=5)[0]
        if not budgets:  # no fidelity: a budget is a configuration the estimator cannot serve
            with pytest.raises(nm.ConfigurationError, match="budget"):
                estimator.estimate(arch, 1)
        for budget in budgets:
            assert estimator.estimate(arch, budget).metrics["epochs"] == budget

    def test_same_settings_same_measurement(self, estimator_setting):
        _, space, make, _ = estimator_setting
        arch = samples(space, 1, seed=6)[0]
        first, again = make().estimate(arch), make().estimate(arch)  # cost may be wall time, so it may differ
        untimed = [{k: v for k, v in m.metrics.items() if k not in TIMED_METRICS} for m in (first, again)]
        assert (first.score, untimed[0]) == (again.score, untimed[1])

    def test_searches_in_the_loop(self, estimator_setting):
        _, space, make, _ = estimator_setting
        history = nm.run(nm.STRATEGIES.create("random", space=space, seed=0), make(), nm.Budget(trials=3))
        assert [t.ok for t in history] == [True] * 3
        assert history.total_cost == pytest.approx(sum(t.measurement.cost for t in history))


#: Small keyword arguments of each registered task (besides ``seed``).
TASK_SETTINGS: dict[str, Callable[[], dict[str, Any]]] = {
    "digits": dict,
    "mnist1d": lambda: {"num_samples": 500},
    "mnist": lambda: {"downsample": 4},
    "tensors": lambda: {"x": torch.randn(60, 2, 12, generator=torch.Generator().manual_seed(0)),
                        "y": torch.arange(60) % 3},
    "lesions3d": lambda: {"num_samples": 30, "num_test": 9, "size": 8},
    "digit-scenes": lambda: {"num_train": 8, "num_val": 4, "num_test": 4, "canvas": 32, "scale": (10, 16)},
    "medmnist3d": lambda: {"dataset": "fracturemnist3d",  # tiny files in the fixture's temporary cache
                           "root": write_medmnist(nm.cache_dir() / "medmnist", "fracturemnist3d", (6, 3, 3)).parent},
    "ucr": lambda: {"dataset": "GunPoint"},
}


@pytest.fixture(params=nm.TASKS.names())
def make_task(request, tmp_path, monkeypatch):
    """A factory of one registered task by seed; generated data is cached in a temporary folder."""
    monkeypatch.setenv("NASLIB_MINI_CACHE", str(tmp_path / "cache"))
    settings = TASK_SETTINGS[request.param]()
    make = lambda seed: nm.TASKS.create(request.param, seed=seed, **settings)  # noqa: E731
    make.fixed_split = getattr(nm.TASKS.get(request.param), "fixed_split", False)  # a benchmark's own split
    return make


def splits(task: nm.Task) -> list[tuple[torch.Tensor, torch.Tensor]]:
    return [(task.x_train, task.y_train), (task.x_val, task.y_val), (task.x_test, task.y_test)]


class TestTaskContract:
    def test_splits_match_the_spec(self, make_task):
        task = make_task(0)
        assert isinstance(task, nm.Task) and isinstance(task.spec, nm.TaskSpec)
        for x, y in splits(task):
            assert len(x) > 0 and x.shape == (len(x), *task.spec.input_shape) and y.shape == (len(x),)
            assert x.dtype == torch.float32 and y.dtype == torch.long
            assert bool(torch.isfinite(x).all())
            assert 0 <= int(y.min()) and int(y.max()) < task.spec.num_classes

    def test_same_seed_same_splits_other_seed_other_validation(self, make_task):
        a, b, c = make_task(0), make_task(0), make_task(1)
        assert all(torch.equal(x, y) for pair in zip(splits(a), splits(b)) for x, y in zip(*pair))
        assert torch.equal(a.x_val, c.x_val) if make_task.fixed_split else not torch.equal(a.x_val, c.x_val)

    def test_sampled_networks_of_a_chain_and_a_cell_space_run_on_it(self, make_task):
        task = make_task(0)
        for space in (tiny_chain(), nm.SPACES.create("nb201", width=4, cells_per_stage=1)):
            net = nm.build_network(space, samples(space, 1)[0], task.spec)
            assert net(task.x_val[:4]).shape == (min(4, len(task.x_val)), task.spec.num_classes)


@pytest.mark.parametrize("registry, settings", [(nm.ESTIMATORS, ESTIMATOR_SETTINGS), (nm.TASKS, TASK_SETTINGS)],
                         ids=["estimators", "tasks"])
def test_every_registered_name_has_small_settings_and_unknown_names_list_them(registry, settings):
    assert set(registry.names()) == set(settings)
    valid = ", ".join(registry.names())
    with pytest.raises(KeyError, match=f"unknown {registry.kind} 'no-such'; valid choices: {valid}"):
        registry.create("no-such")


class TestParallelContract:
    """What ``run(..., workers=N)`` relies on: pending asks are distinct, and results may arrive in any order."""

    def test_pending_asks_are_distinct(self, setting):
        name, space = setting
        strategy, estimator = make(name, space), LinearEstimator(space)
        for number in range(12):  # past the initial design of most strategies
            candidate = strategy.ask()
            m = estimator.estimate(candidate.arch, candidate.budget)
            strategy.tell(nm.Trial(number, candidate, nm.TrialState.COMPLETE, m, cost=m.cost))
        if strategy.sequential:
            return  # the loop never has two of its candidates in flight
        pending = []
        for _ in range(6):
            try:
                pending.append(strategy.ask())
            except nm.SearchExhausted:
                break
        keys = [(space.to_str(c.arch), c.budget) for c in pending]
        assert len(set(keys)) == len(keys), f"{name} proposed the same candidate twice while both were pending"

    def test_out_of_order_results_give_a_valid_search(self, setting):
        name, space = setting
        rng = np.random.default_rng(0)
        pool = nm.SimulatedPool(4, duration=lambda trial: float(rng.exponential(1.0)))
        strategy = make(name, space)
        history = nm.run(strategy, LinearEstimator(space, fail_every=7), nm.Budget(trials=25), pool=pool)
        assert 0 < len(history) <= 25
        assert [t.number for t in history] == list(range(len(history)))
        for trial in history:
            space.validate(trial.arch)
        assert history.best() is not None
        tickets = [span.ticket for span in pool.timeline]
        if strategy.sequential:  # one candidate in flight: results come back in the order asked
            assert tickets == sorted(tickets)
        else:
            assert tickets != sorted(tickets)  # results really were told out of the order they were asked
