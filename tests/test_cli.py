"""The main job, ``python -m naslib_mini search``, as a user runs it."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch

import naslib_mini as nm

SMALL = ["--trials", "3", "--epochs", "1", "--threads", "1", "--no-progress"]


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "naslib_mini", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


@pytest.mark.parametrize("args, expected", [
    (["search", "--strategy", "nope"], "invalid choice: 'nope' (choose from"),
    (["search", "--task", "cifar"], "invalid choice: 'cifar'"),
    (["search", "--space", "chian"], "invalid choice: 'chian'"),
    (["search", "--trials", "0"], "invalid value '0': expected a positive integer"),
    (["search", "--epochs", "x"], "invalid value 'x'"),
    (["serch"], "invalid choice: 'serch'"),
])
def test_bad_options_exit_2_with_one_line(args, expected):
    result = cli(*args)
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_grid_refusal_is_a_usage_error(tmp_path):
    result = cli("search", "--space", "chain", "--strategy", "grid", "--out", str(tmp_path / "g"), *SMALL)
    assert result.returncode == 2
    assert "grid search refuses space 'chain'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_search_writes_every_output_and_resumes(tmp_path):
    out = tmp_path / "run"
    result = cli("search", "--out", str(out), *SMALL)
    assert result.returncode == 0, result.stderr
    assert "best architecture:" in result.stdout and "test accuracy" in result.stdout
    for name in ("journal.jsonl", "best_arch.json", "best_model.pt", "best_model.onnx", "search.png", "config.json"):
        assert (out / name).is_file(), name
    lines = (out / "journal.jsonl").read_text().splitlines()
    assert [json.loads(line)["number"] for line in lines] == [0, 1, 2]

    summary = json.loads((out / "best_arch.json").read_text())
    space = nm.SPACES.create("chain-small")
    arch = space.from_str(summary["arch"])
    assert summary["onnx_max_abs_difference"] < 1e-4
    model = nm.build_network(space, arch, nm.TASKS.create("digits").spec)
    model.load_state_dict(torch.load(out / "best_model.pt"))
    assert nm.count_params(model) == summary["params"]

    again = cli("search", "--out", str(out), *SMALL)
    assert again.returncode == 2 and "--resume" in again.stderr
    mismatch = cli("search", "--out", str(out), "--resume", "--seed", "3", *SMALL)
    assert mismatch.returncode == 2 and "--seed 3 does not match" in mismatch.stderr

    more = [a if a != "3" else "5" for a in SMALL]
    resumed = cli("search", "--out", str(out), "--resume", *more)
    assert resumed.returncode == 0, resumed.stderr
    records = [json.loads(line) for line in (out / "journal.jsonl").read_text().splitlines()]
    assert [r["number"] for r in records] == [0, 1, 2, 3, 4]
    assert records[:3] == [json.loads(line) for line in lines]
