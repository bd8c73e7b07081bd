"""``python -m naslib_mini search --task medmnist3d`` / ``--task ucr``: picking the dataset and the folder of its files."""
from __future__ import annotations

import contextlib
import json

import pytest

from medmnist_files import write_medmnist
from naslib_mini.cli import main

SMALL = ["--space", "chain-3d", "--trials", "2", "--epochs", "1", "--threads", "1", "--no-progress"]


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err


def test_search_runs_on_the_chosen_dataset_in_the_given_folder_and_resumes_only_on_it(tmp_path, capsys):
    root, out = tmp_path / "files", tmp_path / "run"
    write_medmnist(root, "nodulemnist3d", sizes=(8, 4, 6))
    write_medmnist(root, "organmnist3d", sizes=(11, 4, 6))
    assert main(["search", "--task", "medmnist3d", "--dataset", "nodulemnist3d", "--data-root", str(root),
                 "--out", str(out), *SMALL]) == 0
    stdout = capsys.readouterr().out
    assert "on medmnist3d nodulemnist3d" in stdout and "test ROC AUC" in stdout
    assert json.loads((out / "config.json").read_text())["dataset"] == "nodulemnist3d"
    assert "test_auc" in json.loads((out / "best_arch.json").read_text())
    assert main(["search", "--task", "medmnist3d", "--dataset", "organmnist3d", "--data-root", str(root),
                 "--out", str(out), "--resume", *SMALL]) == 2
    assert "--dataset organmnist3d does not match the search in" in one_line_error(capsys)


def test_a_missing_file_says_where_to_get_it_and_where_to_put_it(tmp_path, capsys):
    status = main(["search", "--task", "medmnist3d", "--dataset", "vesselmnist3d", "--data-root", str(tmp_path),
                   "--out", str(tmp_path / "run"), *SMALL])
    err = one_line_error(capsys)
    assert status == 2
    assert f"MedMNIST v2 file not found: {tmp_path / 'vesselmnist3d.npz'}" in err and "never downloads" in err
    assert "zenodo.org" in err and f"put it in {tmp_path}" in err


def test_dataset_defaults_to_organmnist3d(tmp_path, capsys):
    main(["search", "--task", "medmnist3d", "--data-root", str(tmp_path), "--out", str(tmp_path / "run"), *SMALL])
    assert "organmnist3d.npz" in one_line_error(capsys)


@pytest.mark.parametrize("args, expected", [
    (["--task", "digits", "--dataset", "organmnist3d"],
     "--dataset applies to --task medmnist3d or ucr only, not --task digits"),
    (["--task", "ucr", "--dataset", "organmnist3d"],
     "--dataset organmnist3d is not a dataset of --task ucr; valid choices: GunPoint, Coffee, PigCVP, BasicMotions"),
    (["--task", "ucr", "--data-root", "."], "--data-root applies to --task medmnist3d only, not --task ucr"),
    (["--task", "lesions3d", "--data-root", "."],
     "--data-root applies to --task medmnist3d only, not --task lesions3d"),
    (["--task", "medmnist3d", "--dataset", "brainmnist3d"], "argument --dataset: invalid choice: 'brainmnist3d'"),
])
def test_dataset_options_are_refused_where_they_cannot_work(tmp_path, capsys, args, expected):
    with pytest.raises(SystemExit) if "invalid choice" in expected else contextlib.nullcontext():
        status = main(["search", *args, "--out", str(tmp_path / "run"), *SMALL])
        assert status == 2
    assert expected in one_line_error(capsys)


def test_data_root_must_be_a_folder(tmp_path, capsys):
    a_file = tmp_path / "organmnist3d.npz"
    a_file.write_bytes(b"")
    assert main(["search", "--task", "medmnist3d", "--data-root", str(a_file), "--out", str(tmp_path / "run"),
                 *SMALL]) == 2
    assert f"--data-root {a_file} is not a directory" in one_line_error(capsys)



def test_ucr_search_runs_on_the_chosen_dataset(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["search", "--task", "ucr", "--dataset", "Coffee", "--space", "chain-small", "--trials", "1",
                 "--epochs", "1", "--threads", "1", "--no-progress", "--out", str(out)]) == 0
    assert json.loads((out / "config.json").read_text())["dataset"] == "Coffee"
    assert "on ucr Coffee" in capsys.readouterr().out
