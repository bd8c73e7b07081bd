"""MedMNIST v2 3D volumes read from .npz files in the published format (tiny ones written here)."""
import numpy as np
import pytest
import torch

import naslib_mini as nm
from medmnist_files import write_medmnist
from naslib_mini.tasks.medmnist import MEDMNIST3D, MEDMNIST_ENV, medmnist3d
from naslib_mini.types import ConfigurationError

#: Label type and classes of each 3D dataset, from the MedMNIST v2 paper (Table 1).
EXPECTED = {"organmnist3d": ("multi-class", 11), "nodulemnist3d": ("binary-class", 2),
            "adrenalmnist3d": ("binary-class", 2), "fracturemnist3d": ("multi-class", 3),
            "vesselmnist3d": ("binary-class", 2), "synapsemnist3d": ("binary-class", 2)}


@pytest.mark.parametrize("dataset", sorted(EXPECTED))
def test_each_3d_dataset_loads_with_its_label_type_and_official_split(dataset, tmp_path):
    assert (MEDMNIST3D[dataset].task, MEDMNIST3D[dataset].num_classes) == EXPECTED[dataset]
    path = write_medmnist(tmp_path, dataset, sizes=(11, 11, 5))
    task = nm.TASKS.create("medmnist3d", dataset=dataset, root=tmp_path, seed=3)
    assert task.spec.input_shape == (1, 28, 28, 28) and task.spec.num_classes == EXPECTED[dataset][1]
    assert task.spec.report_auc
    with np.load(path) as raw:  # the files' own split, in order, voxels scaled to [0, 1]
        for split, x, y in (("train", task.x_train, task.y_train), ("val", task.x_val, task.y_val),
                            ("test", task.x_test, task.y_test)):
            assert torch.equal(x[:, 0], torch.as_tensor(raw[f"{split}_images"] / 255.0, dtype=torch.float32))
            assert y.tolist() == raw[f"{split}_labels"][:, 0].tolist() and y.dtype == torch.long
    other = nm.TASKS.create("medmnist3d", dataset=dataset, root=tmp_path, seed=4)
    assert torch.equal(other.x_val, task.x_val)  # the benchmark's split, whatever the seed


def test_the_64_cube_variant_reads_its_own_file(tmp_path):
    write_medmnist(tmp_path, "nodulemnist3d", sizes=(2, 2, 2), side=64)
    task = medmnist3d(dataset="nodulemnist3d", root=tmp_path, size=64)
    assert task.x_train.shape == (2, 1, 64, 64, 64)
    with pytest.raises(nm.DataNotFound, match="nodulemnist3d.npz"):  # the 28^3 file is another one
        medmnist3d(dataset="nodulemnist3d", root=tmp_path)


def test_a_missing_file_says_where_to_get_it_and_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.setenv(MEDMNIST_ENV, str(tmp_path / "mine"))
    with pytest.raises(nm.DataNotFound) as caught:
        medmnist3d(dataset="organmnist3d")
    message = str(caught.value)
    for words in (str(tmp_path / "mine" / "organmnist3d.npz"), "never downloads", "zenodo.org/records/10519652",
                  "medmnist.com", "put it in", MEDMNIST_ENV, "root="):
        assert words in message, words
    write_medmnist(tmp_path / "mine", "organmnist3d", sizes=(11, 11, 11))
    assert medmnist3d(dataset="organmnist3d").spec.num_classes == 11  # found through the variable


@pytest.mark.parametrize("replace, match", [
    ({"val_labels": None}, "lacks the key.s. val_labels"),
    ({"train_images": np.zeros((4, 28, 28), np.uint8)}, r"train_images must have shape \(N, 28, 28, 28\)"),
    ({"test_images": np.zeros((3, 28, 28, 28), np.float32)}, "test_images must be uint8"),
    ({"val_labels": np.full((3, 1), 3, np.uint8)}, r"val_labels must lie in 0..2 for this dataset, got values from 3"),
    ({"train_labels": np.zeros((2, 1), np.uint8)}, r"train_labels must have shape \(4, 1\)"),
])
def test_a_malformed_file_is_a_clear_error(tmp_path, replace, match):
    write_medmnist(tmp_path, "fracturemnist3d", sizes=(4, 3, 3), **replace)
    with pytest.raises(ConfigurationError, match=match):
        medmnist3d(dataset="fracturemnist3d", root=tmp_path)


def test_a_file_that_is_not_npz_is_a_clear_error(tmp_path):
    (tmp_path / "vesselmnist3d.npz").write_text("not a zip")
    with pytest.raises(ConfigurationError, match="cannot be read as a MedMNIST .npz file"):
        medmnist3d(dataset="vesselmnist3d", root=tmp_path)


@pytest.mark.parametrize("kwargs, match", [
    ({"dataset": "organmnist"}, "unknown MedMNIST 3D dataset 'organmnist'; valid choices: organmnist3d, "),
    ({"size": 32}, "size must be one of 28, 64"),
])
def test_unknown_dataset_or_size_lists_the_valid_ones(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        medmnist3d(root=tmp_path, **kwargs)
