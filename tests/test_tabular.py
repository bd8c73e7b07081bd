"""The NAS-Bench-201 table: finding the data, loading it once, and the tabular estimator."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

import naslib_mini as nm
from naslib_mini.data import load_nb201
from naslib_mini.estimators.tabular import DATASETS, TabularEstimator

COLUMNS = {  # dataset: (valid 12, valid 200, test 200, time 12, time 200, params), as the data README names them
    "cifar10": ("c10_valid_12", "c10_valid_200", "c10_test_200", "c10v_train_time_12ep_s",
                "c10v_train_time_200ep_s", "c10v_params_mb"),
    "cifar100": ("c100_valid_12", "c100_valid_200_derived", "c100_test_200", "c100_train_time_12ep_s",
                 "c100_train_time_200ep_s", "c100_params_mb"),
    "imagenet16-120": ("in16_valid_12", "in16_valid_200_derived", "in16_test_200", "in16_train_time_12ep_s",
                       "in16_train_time_200ep_s", "in16_params_mb"),
}


@pytest.fixture(scope="module")
def space():
    return nm.SPACES.create("nb201")


def test_data_dir_comes_from_the_argument_then_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("NASLIB_MINI_DATA", str(tmp_path))
    assert nm.data_dir() == tmp_path
    assert nm.data_dir("/elsewhere") == Path("/elsewhere")
    monkeypatch.delenv("NASLIB_MINI_DATA")
    with pytest.raises(FileNotFoundError) as error:
        nm.data_dir()
    message = str(error.value)
    assert "NASLIB_MINI_DATA" in message and "nasbench201/nb201.csv.gz" in message
    assert "shared/data" in message and "convert-nats" in message


def test_missing_table_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="nb201.csv.gz.*NASLIB_MINI_DATA"):
        load_nb201(tmp_path)
    estimator = TabularEstimator(data_dir=tmp_path)  # constructing reads nothing
    with pytest.raises(FileNotFoundError, match="shared/data"):
        estimator.estimate(nm.NB201Arch(("none",) * 6))


def test_table_loads_once(data_dir):
    first = load_nb201(data_dir)
    start = time.perf_counter()
    again = load_nb201(str(data_dir))
    assert again is first and time.perf_counter() - start < 0.01
    assert len(first) == 15625 and list(first["index"][:3]) == [0, 1, 2]


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_scores_costs_and_metrics_are_the_table_rows(space, data_dir, dataset):
    table = load_nb201(data_dir)
    valid12, valid200, test200, time12, time200, params = COLUMNS[dataset]
    low = TabularEstimator(dataset=dataset, data_dir=data_dir)
    high = TabularEstimator(dataset=dataset, epochs=200, data_dir=data_dir)
    for index in (0, 1, 284, 6111, 9930, 15624):
        arch, row = space.from_index(index), table.loc[index]
        m = low.estimate(arch)  # the table holds percent; accuracies come out as fractions
        assert (m.score, m.cost) == (row[valid12] / 100, row[time12])
        assert m.metrics == {"val_accuracy": row[valid12] / 100, "test_accuracy": row[test200] / 100,
                             "params": round(row[params] * 1e6), "train_time": row[time12], "epochs": 12.0}
        m = high.estimate(arch)
        assert (m.score, m.cost, m.metrics["epochs"]) == (row[valid200] / 100, row[time200], 200.0)
        assert low.estimate(arch, budget=200) == m  # the candidate's budget picks the schedule
        assert low.test_accuracy(arch) == row[test200] / 100 and 0 <= m.score <= 1


def test_best_test_accuracy_is_the_global_optimum(data_dir):
    # the figures the data README quotes (in percent)
    expected = {"cifar10": 94.3733, "cifar100": 73.5133, "imagenet16-120": 47.3111}
    for dataset, best in expected.items():
        assert TabularEstimator(dataset, data_dir=data_dir).best_test_accuracy() == pytest.approx(best / 100, abs=1e-6)


def test_honour_budget_false_always_uses_its_own_schedule(space, data_dir):
    estimator = TabularEstimator(epochs=200, honour_budget=False, data_dir=data_dir)
    arch = space.from_index(6111)
    assert estimator.estimate(arch, budget=12) == estimator.estimate(arch)
    assert estimator.estimate(arch, budget=12).score == pytest.approx(0.916067, abs=1e-6)


def test_bad_settings_list_the_valid_choices(space, data_dir):
    with pytest.raises(ValueError, match="'imagenet'.*cifar10, cifar100, imagenet16-120"):
        TabularEstimator("imagenet")
    with pytest.raises(ValueError, match="12, 200"):
        TabularEstimator(epochs=50)
    with pytest.raises(ValueError, match="budget.*12, 200.*got 36"):
        TabularEstimator(data_dir=data_dir).estimate(space.from_index(0), budget=36)
    with pytest.raises(TypeError, match="NB201Arch"):
        TabularEstimator(data_dir=data_dir).estimate((0, 1, 2, 3, 4, 0))


def test_accepts_the_official_string(space, data_dir):
    estimator = TabularEstimator(data_dir=data_dir)
    arch = space.from_index(1)
    assert estimator.estimate(space.to_str(arch)) == estimator.estimate(arch)


def test_registered_and_usable_in_the_loop(data_dir):
    space = nm.SPACES.create("nb201", data_dir=data_dir)
    estimator = nm.ESTIMATORS.create("nb201", dataset="cifar100", data_dir=data_dir)
    history = nm.run(nm.STRATEGIES.create("random", space=space, seed=0), estimator, nm.Budget(trials=30))
    assert len(history) == 30
    assert history.total_cost == pytest.approx(sum(t.measurement.metrics["train_time"] for t in history))
    assert history.best().score == max(t.score for t in history)


def test_lookups_are_cheap(space, data_dir):
    estimator = TabularEstimator(data_dir=data_dir)
    archs = list(space)
    estimator.estimate(archs[0])
    start = time.perf_counter()
    scores = np.array([estimator.estimate(arch).score for arch in archs])
    assert time.perf_counter() - start < 3.0  # about 5 microseconds a query on a laptop core
    table = load_nb201(data_dir)
    assert np.array_equal(scores, table["c10_valid_12"].to_numpy()[space.index_array()] / 100)
