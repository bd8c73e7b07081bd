"""Tasks: shapes, classes, seeded splits, and MNIST-1D caching outside the repository."""
import random
from pathlib import Path

import numpy as np
import pytest
import torch

import naslib_mini as nm

REPO = Path(__file__).resolve().parents[1]
SMALL = 500  # MNIST-1D samples in these tests: generated in well under a second


@pytest.fixture
def cache(tmp_path, monkeypatch):
    path = tmp_path / "cache"
    monkeypatch.setenv("NASLIB_MINI_CACHE", str(path))
    return path


def rows(x: torch.Tensor) -> set[bytes]:
    return {row.numpy().tobytes() for row in x}


def test_registered_names():
    assert {"digits", "mnist1d", "tensors"} <= set(nm.TASKS.names())
    with pytest.raises(KeyError, match="valid choices: .*digits"):
        nm.TASKS.create("cifar1000")


def test_digits_shapes_range_and_classes():
    task = nm.TASKS.create("digits", seed=0)
    assert task.spec == nm.TaskSpec("digits", (1, 8, 8), 10)
    assert len(task.x_train) + len(task.x_val) + len(task.x_test) == 1797
    assert (len(task.x_val), len(task.x_test)) == (359, 359)
    for x, y in ((task.x_train, task.y_train), (task.x_val, task.y_val), (task.x_test, task.y_test)):
        assert x.dtype == torch.float32 and y.dtype == torch.long
        assert x.shape[1:] == (1, 8, 8) and len(x) == len(y)
        assert float(x.min()) >= 0.0 and float(x.max()) <= 1.0
    assert float(task.x_train.max()) == 1.0  # scaled by 16, not squashed
    assert set(task.y_train.tolist()) == set(range(10))


def test_digits_split_fractions_are_arguments():
    task = nm.TASKS.create("digits", seed=0, val_fraction=0.1, test_fraction=0.3)
    assert (len(task.x_val), len(task.x_test)) == (180, 539)


@pytest.mark.parametrize("name", ["digits", "tensors"])
def test_splits_fixed_by_seed_disjoint_and_covering(name):
    kwargs = {}
    if name == "tensors":
        x = torch.arange(200, dtype=torch.float32).reshape(200, 1, 1).repeat(1, 1, 4)
        kwargs = {"x": x, "y": torch.arange(200) % 4}
    a, b, c = (nm.TASKS.create(name, seed=s, **kwargs) for s in (0, 0, 1))
    assert torch.equal(a.x_val, b.x_val) and torch.equal(a.y_test, b.y_test)
    assert not torch.equal(a.x_val, c.x_val)
    train, val, test = rows(a.x_train), rows(a.x_val), rows(a.x_test)
    if name == "tensors":  # every row is distinct, so sets of rows are the splits
        assert not (train & val or train & test or val & test)
        assert len(train | val | test) == 200
        assert (len(a.x_train), len(a.x_val), len(a.x_test)) == (120, 40, 40)


def test_tensors_task_takes_numpy_and_checks_shapes():
    x, y = np.random.default_rng(0).normal(size=(30, 3, 5, 5)), np.arange(30) % 3
    task = nm.TASKS.create("tensors", x=x, y=y, seed=0, name="mine")
    assert task.spec == nm.TaskSpec("mine", (3, 5, 5), 3)
    with pytest.raises(ValueError, match=r"y must have shape \(30,\)"):
        nm.TASKS.create("tensors", x=x, y=y[:10])


def test_mnist1d_shapes_official_test_set_and_seeded_validation(cache):
    a = nm.TASKS.create("mnist1d", seed=0, num_samples=SMALL)
    b = nm.TASKS.create("mnist1d", seed=0, num_samples=SMALL)
    c = nm.TASKS.create("mnist1d", seed=1, num_samples=SMALL)
    assert a.spec == nm.TaskSpec("mnist1d", (1, 40), 10)
    assert (len(a.x_train), len(a.x_val), len(a.x_test)) == (320, 80, 100)
    assert a.x_train.dtype == torch.float32 and a.y_train.dtype == torch.long
    assert set(a.y_train.tolist()) == set(range(10))
    assert torch.equal(a.x_val, b.x_val) and torch.equal(a.x_train, b.x_train)
    assert not torch.equal(a.x_val, c.x_val)
    # The official test set is the test split whatever the seed ...
    assert torch.equal(a.x_test, c.x_test) and torch.equal(a.y_test, c.y_test)
    # ... and validation is carved out of the official train set: train + val is the same pool.
    assert rows(a.x_train) | rows(a.x_val) == rows(c.x_train) | rows(c.x_val)
    assert not rows(a.x_train) & rows(a.x_val)
    assert not (rows(a.x_train) | rows(a.x_val)) & rows(a.x_test)


def test_mnist1d_standard_size_by_default(cache):
    task = nm.TASKS.create("mnist1d", seed=0)
    assert (len(task.x_train) + len(task.x_val), len(task.x_test)) == (4000, 1000)
    assert len(task.x_val) == 800


def test_mnist1d_cached_outside_repo_and_reused(cache, tmp_path, monkeypatch):
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)  # mnist1d's own helpers write pickles into the cwd; ours must not
    before = sorted(p.name for p in REPO.iterdir())
    first = nm.TASKS.create("mnist1d", seed=0, num_samples=SMALL)
    assert [p.suffix for p in cache.iterdir()] == [".npz"]
    assert list(workdir.iterdir()) == []
    assert sorted(p.name for p in REPO.iterdir()) == before

    import mnist1d.data

    def no_generation(*args, **kwargs):
        raise AssertionError("the cache was not used")

    monkeypatch.setattr(mnist1d.data, "make_dataset", no_generation)
    again = nm.TASKS.create("mnist1d", seed=0, num_samples=SMALL)
    assert torch.equal(first.x_test, again.x_test)
    with pytest.raises(AssertionError, match="cache was not used"):  # other arguments, other key
        nm.TASKS.create("mnist1d", seed=0, num_samples=SMALL, data_seed=7)


def test_cache_dir_defaults_to_home(tmp_path, monkeypatch):
    monkeypatch.delenv("NASLIB_MINI_CACHE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert nm.cache_dir() == tmp_path / ".cache" / "naslib_mini"


def test_mnist1d_generation_leaves_global_random_state_alone(cache):
    np_state, py_state = np.random.get_state(), random.getstate()
    nm.TASKS.create("mnist1d", seed=0, num_samples=SMALL, data_seed=3)
    assert random.getstate() == py_state
    after = np.random.get_state()
    assert np.array_equal(after[1], np_state[1]) and after[2] == np_state[2]


@pytest.mark.parametrize("kwargs, message", [
    ({"val_fraction": 1.5}, "val_fraction must lie strictly between 0 and 1, got 1.5"),
    ({"num_samples": 5}, "num_samples must be an integer of at least 10, got 5"),
])
def test_mnist1d_bad_arguments(cache, kwargs, message):
    with pytest.raises(ValueError, match=message):
        nm.TASKS.create("mnist1d", **kwargs)


def test_folds_validate_disjoint_blocks_and_fold_zero_is_the_task():
    x = torch.arange(200, dtype=torch.float32).reshape(200, 1, 1).repeat(1, 1, 4)
    task = nm.TASKS.create("tensors", x=x, y=torch.arange(200) % 4, seed=0)
    folds = task.folds(4)
    assert torch.equal(folds[0].x_train, task.x_train) and torch.equal(folds[0].y_val, task.y_val)
    pool = rows(task.x_train) | rows(task.x_val)
    validated = [rows(f.x_val) for f in folds]
    assert all(len(v) == len(task.x_val) for v in validated)
    assert len(set().union(*validated)) == 4 * len(task.x_val)  # disjoint blocks
    for fold, val in zip(folds, validated):
        assert rows(fold.x_train) | val == pool and not rows(fold.x_train) & val
        assert torch.equal(fold.x_test, task.x_test)
        for xs, ys in ((fold.x_train, fold.y_train), (fold.x_val, fold.y_val)):  # labels travel with examples
            assert torch.equal(ys, xs[:, 0, 0].long() % 4)


def test_five_folds_of_mnist1d_validate_every_training_signal_once(cache):
    task = nm.TASKS.create("mnist1d", seed=0, num_samples=500)
    folds = task.folds(5)
    assert len(set().union(*(rows(f.x_val) for f in folds))) == len(task.x_train) + len(task.x_val) == 400


@pytest.mark.parametrize("count", [0, 5, 2.5, -1])
def test_folds_bad_count_names_value_and_range(count):
    task = nm.TASKS.create("tensors", x=torch.randn(100, 1, 4), y=torch.arange(100) % 2, seed=0)
    with pytest.raises(ValueError, match=rf"count must be an integer from 1 to 4 .*got {count!r}"):
        task.folds(count)
