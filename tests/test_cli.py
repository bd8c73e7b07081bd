"""The command line as a user runs it: the main job ``search``, and bad input to every command."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch

import naslib_mini as nm
from naslib_mini.cli import main
from naslib_mini.cli import reproduce as command_reproduce
from naslib_mini.cli import search as command_search

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
    (["search", "--seed", "-1"], "argument --seed: invalid value '-1': expected a non-negative integer"),
    (["reproduce", "nb201", "--seed", "-3"], "argument --seed: invalid value '-3': expected a non-negative integer"),
    (["reproduce", "nb201", "--runs", "0"], "argument --runs: invalid value '0': expected a positive integer"),
    (["reproduce", "nb201", "--processes", "0"], "argument --processes: invalid value '0': expected a positive"),
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


def test_search_with_a_weight_sharing_supernet_charges_it_once_and_trains_the_winner(tmp_path):
    out = tmp_path / "spos"
    result = cli("search", "--estimator", "supernet", "--strategy", "rea", "--out", str(out), *SMALL)
    assert result.returncode == 0, result.stderr
    assert "estimator supernet" in result.stdout and "test accuracy (retrained" in result.stdout
    records = [json.loads(line) for line in (out / "journal.jsonl").read_text().splitlines()]
    assert len(records) == 3
    costs = [r["cost"] for r in records]
    seconds = [r["metrics"]["supernet_seconds"] for r in records]
    assert len(set(seconds)) == 1 and costs[0] > seconds[0] > max(costs[1:])  # the supernet is charged to trial 0
    assert json.loads((out / "config.json").read_text())["estimator"] == "supernet"
    mismatch = cli("search", "--out", str(out), "--resume", "--strategy", "rea", *SMALL)
    assert mismatch.returncode == 2 and "--estimator training does not match" in mismatch.stderr


# -- bad paths and nothing to resume: one line on stderr, never a traceback (in-process) ----------

REPRODUCE_SMALL = ["reproduce", "nb201", "--strategies", "rs", "--runs", "1", "--processes", "1"]


def one_line_error(capsys, argv, status, *words):
    """Run ``main(argv)``; assert its exit status and one stderr line holding ``words``."""
    assert main(argv) == status
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(f"python -m naslib_mini {argv[0]}: error: ")
    for word in words:
        assert str(word) in lines[0], (word, lines[0])
    return lines[0]


def test_reproduce_json_naming_a_directory_is_refused_before_any_run(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(command_reproduce, "reproduce_nb201", lambda *a, **k: pytest.fail("ran before checking"))
    one_line_error(capsys, [*REPRODUCE_SMALL, "--json", str(tmp_path)], 2, tmp_path, "is a directory")


def test_reproduce_json_under_a_file_is_refused(tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    target = blocker / "out.json"
    one_line_error(capsys, [*REPRODUCE_SMALL, "--json", str(target)], 2, target, "is a file, not a directory")
    missing = tmp_path / "no" / "out.json"
    one_line_error(capsys, [*REPRODUCE_SMALL, "--json", str(missing)], 2, missing, "does not exist")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full to simulate a full disk")
def test_reproduce_json_on_a_full_disk_is_a_runtime_error(capsys, data_dir):
    one_line_error(capsys, [*REPRODUCE_SMALL, "--json", "/dev/full"], 1, "/dev/full", "No space left on device")


def test_search_out_that_cannot_be_a_directory_is_refused(tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    one_line_error(capsys, ["search", "--out", str(blocker / "run")], 2, "--out", blocker, "is a file")
    one_line_error(capsys, ["search", "--out", str(blocker)], 2, "--out", blocker, "is a file")


def test_resume_where_the_journal_is_a_directory_is_refused(tmp_path, capsys):
    (tmp_path / "journal.jsonl").mkdir()
    for extra in ([], ["--resume"]):
        one_line_error(capsys, ["search", "--out", str(tmp_path), *extra], 2, tmp_path / "journal.jsonl",
                       "is not a file")


@pytest.mark.parametrize("setup, words", [
    (lambda out: None, ["does not exist"]),
    (lambda out: out.mkdir(), ["holds no journal.jsonl"]),
    (lambda out: (out.mkdir(), (out / "journal.jsonl").write_text("")), ["is empty"]),
    (lambda out: (out.mkdir(), (out / "journal.jsonl").write_text("\n\n")), ["is empty"]),
])
def test_resume_with_nothing_to_resume_is_an_error_not_a_new_search(tmp_path, capsys, setup, words):
    out = tmp_path / "run"
    setup(out)
    line = one_line_error(capsys, ["search", "--out", str(out), "--resume", *SMALL], 2,
                          "nothing to resume", "run without --resume", *words)
    assert str(out) in line and not (out / "config.json").exists()  # no new search was started


def test_a_journal_error_is_one_line(tmp_path, capsys, monkeypatch):
    out = tmp_path / "run"
    out.mkdir()
    (out / "journal.jsonl").write_text('{"number": 0}\n')

    def broken(*args, **kwargs):
        raise nm.JournalError(f"{out / 'journal.jsonl'} line 2: trial 2 follows trial 0;\ntrial 1 is missing")

    monkeypatch.setattr(command_search, "run", broken)
    one_line_error(capsys, ["search", "--out", str(out), "--resume", *SMALL], 2, "trial 1 is missing", "line 2")
