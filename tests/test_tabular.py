"""The NAS-Bench-201 table: finding the data, loading it once, and the tabular estimator.

How fast the table loads and answers is measured by ``benchmarks/tabular_speed.py``, not asserted here.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import benchmark_scripts
import naslib_mini as nm
from naslib_mini.data import NB201_FILE, SHIPPED_DATA, load_nb201
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


def test_data_dir_comes_from_the_argument_then_the_environment_then_the_package(monkeypatch, tmp_path):
    monkeypatch.setenv("NASLIB_MINI_DATA", str(tmp_path))
    assert nm.data_dir() == tmp_path
    assert nm.data_dir("/elsewhere") == Path("/elsewhere")
    monkeypatch.delenv("NASLIB_MINI_DATA")
    assert nm.data_dir() == SHIPPED_DATA
    assert SHIPPED_DATA.parent == Path(nm.__file__).resolve().parent  # inside the installed package
    assert len(load_nb201()) == 15625


def test_missing_table_is_one_clear_error_when_the_estimator_is_built(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match="nb201.csv.gz.*NASLIB_MINI_DATA"):
        load_nb201(tmp_path)
    with pytest.raises(nm.DataNotFound) as error:
        TabularEstimator(data_dir=tmp_path)
    message = str(error.value)
    assert str(tmp_path / NB201_FILE) in message and str(SHIPPED_DATA) in message
    assert "NASLIB_MINI_DATA" in message and "convert-nats" in message
    assert isinstance(error.value, nm.ConfigurationError) and isinstance(error.value, FileNotFoundError)
    monkeypatch.setenv("NASLIB_MINI_DATA", str(tmp_path))  # an override that points nowhere is not ignored
    with pytest.raises(nm.DataNotFound, match=str(tmp_path)):
        nm.ESTIMATORS.create("nb201", dataset="cifar10")


def test_a_broken_table_or_a_missing_column_is_a_configuration_error(space, tmp_path):
    (tmp_path / NB201_FILE).parent.mkdir(parents=True)
    (tmp_path / NB201_FILE).write_bytes(b"not a gzip file")
    estimator = TabularEstimator(data_dir=tmp_path)  # the file exists: only a stat at construction
    with pytest.raises(nm.ConfigurationError, match="cannot be read as a NAS-Bench-201 table.*BadGzipFile"):
        estimator.estimate(space.from_index(0))
    other = tmp_path / "other"
    (other / NB201_FILE).parent.mkdir(parents=True)
    load_nb201().drop(columns=["c100_valid_12"]).to_csv(other / NB201_FILE, index=False)
    with pytest.raises(nm.ConfigurationError, match="no column.*c100_valid_12.*'cifar100'"):
        TabularEstimator("cifar100", data_dir=other).estimate(space.from_index(0))
    TabularEstimator("cifar10", data_dir=other).estimate(space.from_index(0))  # cifar10 has its columns


def test_table_loads_once(data_dir):
    first = load_nb201(data_dir)
    assert load_nb201(str(data_dir)) is first  # the same frame, not a second read
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
    with pytest.raises(nm.ConfigurationError, match="'imagenet'.*cifar10, cifar100, imagenet16-120"):
        TabularEstimator("imagenet")
    with pytest.raises(nm.ConfigurationError, match="12, 200"):
        TabularEstimator(epochs=50)
    with pytest.raises(nm.ConfigurationError, match="budget.*12, 200.*got 36"):
        TabularEstimator(data_dir=data_dir).estimate(space.from_index(0), budget=36)
    with pytest.raises(TypeError, match="NB201Arch") as error:
        TabularEstimator(data_dir=data_dir).estimate((0, 1, 2, 3, 4, 0))
    assert isinstance(error.value, nm.ConfigurationError)  # another space's architecture: stops a search


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


def test_every_cell_is_answered_from_the_table_read_once(space, data_dir, monkeypatch):
    estimator = TabularEstimator(data_dir=data_dir)
    archs = list(space)
    estimator.estimate(archs[0])
    monkeypatch.setattr("naslib_mini.estimators.tabular.load_nb201", None)  # a second load would fail
    scores = np.array([estimator.estimate(arch).score for arch in archs])
    table = load_nb201(data_dir)
    assert np.array_equal(scores, table["c10_valid_12"].to_numpy()[space.index_array()] / 100)


def test_speed_benchmark_times_every_step(capsys):
    medians = benchmark_scripts.load("tabular_speed").main(["--quick"])
    assert list(medians) == ["load", "cached load", "first query", "per query"]
    assert all(seconds > 0 for seconds in medians.values())
    printed = capsys.readouterr().out
    assert "1,000 queries" in printed and all(step in printed for step in medians)
