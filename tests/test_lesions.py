"""The offline lesions3d task: seeded, balanced, shapes that differ by class, difficulty as contrast."""
import numpy as np
import pytest
import torch
from scipy import ndimage

import naslib_mini as nm
from naslib_mini.tasks.lesions import CLASSES, _lesion, lesion_volumes, lesions3d


def small(**kwargs):
    return lesions3d(**{"num_samples": 30, "num_test": 12, "size": 10, **kwargs})


def test_splits_are_seeded_and_the_test_set_is_the_same_for_every_seed():
    a, b, c = small(seed=0), small(seed=0), small(seed=1)
    assert torch.equal(a.x_train, b.x_train) and torch.equal(a.x_val, b.x_val)
    assert not torch.equal(a.x_val, c.x_val) and torch.equal(a.x_test, c.x_test)
    assert not torch.equal(small(data_seed=1).x_test, a.x_test)
    assert a.spec == nm.TaskSpec("lesions3d", (1, 10, 10, 10), 3, report_auc=True)
    assert (len(a.x_train), len(a.x_val), len(a.x_test)) == (24, 6, 12)


def test_classes_are_balanced_and_volumes_standardised():
    x, y = lesion_volumes(31, 10, rng=np.random.default_rng(0))
    assert x.dtype == np.float32 and y.dtype == np.int64
    assert sorted(np.bincount(y).tolist()) == [10, 10, 11]
    assert np.allclose(x.mean(axis=(1, 2, 3)), 0, atol=1e-4) and np.allclose(x.std(axis=(1, 2, 3)), 1, atol=1e-3)


def test_each_class_has_its_shape():
    size = 24
    grid = np.stack(np.meshgrid(*[np.arange(size, dtype=float)] * 3, indexing="ij"), -1)
    for seed in range(3):
        shapes = {}
        for label in range(len(CLASSES)):
            mask = _lesion(label, grid, size, np.random.default_rng(seed)) > 0.5
            points = np.argwhere(mask).astype(float)
            spread = np.sort(np.linalg.eigvalsh(np.cov(points.T)))
            shapes[CLASSES[label]] = (spread[-1] / spread[0], ndimage.label(mask)[1], mask.sum())
        assert shapes["round"][0] < 1.6 and shapes["elongated"][0] > 6  # elongated: one long axis
        assert shapes["round"][1] == shapes["elongated"][1] == 1 and shapes["multiple"][1] == 2  # two lesions
        volumes = [v[2] for v in shapes.values()]
        assert max(volumes) < 1.6 * min(volumes)  # about the same amount of lesion: shape, not size


def test_difficulty_lowers_the_lesions_contrast():
    easy, _ = lesion_volumes(12, 12, difficulty=0.0, rng=np.random.default_rng(0))
    hard, _ = lesion_volumes(12, 12, difficulty=1.0, rng=np.random.default_rng(0))
    assert easy.max(axis=(1, 2, 3)).mean() > hard.max(axis=(1, 2, 3)).mean() + 0.5


@pytest.mark.parametrize("kwargs, match", [
    ({"difficulty": 1.5}, r"difficulty must lie in \[0, 1\] .0 easiest, 1 hardest., got 1.5"),
    ({"size": 4}, "size must be an integer of at least 8"),
    ({"val_fraction": 1.0}, "val_fraction must lie strictly between 0 and 1"),
])
def test_bad_settings_are_clear_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        small(**kwargs)
