"""``python -m naslib_mini search --strategy darts|gdas|enas|spos``: one-shot searches through the main job's command."""
from __future__ import annotations

import json
from types import SimpleNamespace

import naslib_mini as nm
from naslib_mini.cli import main
from naslib_mini.cli import one_shot_search


def test_one_shot_search_writes_the_same_outputs_as_any_search(tmp_path, capsys, monkeypatch):
    # the command's nb201 at width 4 with one cell per stage, so the test takes seconds
    small = SimpleNamespace(create=lambda name: nm.SPACES.create(name, width=4, cells_per_stage=1))
    monkeypatch.setattr(one_shot_search, "SPACES", small)
    out = tmp_path / "gdas"
    status = main(["search", "--strategy", "gdas", "--space", "nb201", "--task", "digits", "--epochs", "1",
                   "--threads", "1", "--no-progress", "--out", str(out)])
    assert status == 0, capsys.readouterr().err
    printed = capsys.readouterr().out
    assert "searched 1 epochs with gdas" in printed and "derived cell: |" in printed
    for name in ("journal.jsonl", "best_arch.json", "best_model.pt", "best_model.onnx", "search.png", "config.json"):
        assert (out / name).is_file(), name
    record = json.loads((out / "journal.jsonl").read_text())
    assert record["info"]["method"] == "gdas" and "eigenvalue" in record["metrics"]
    assert json.loads((out / "best_arch.json").read_text())["arch"] == record["arch"]


def test_one_shot_search_refuses_other_spaces_and_resume_in_one_line(tmp_path, capsys):
    status = main(["search", "--strategy", "darts", "--order", "2", "--space", "chain-small", "--out",
                   str(tmp_path / "a"), "--no-progress"])
    assert status == 2
    err = capsys.readouterr().err.strip()
    assert "needs an NB201Space" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "a").exists()  # refused before anything is written
    status = main(["search", "--strategy", "darts", "--space", "nb201", "--resume", "--out", str(tmp_path / "b")])
    assert status == 2
    assert "cannot be resumed" in capsys.readouterr().err


def test_enas_runs_from_the_command_line_in_the_chain_space(tmp_path, capsys):
    out = tmp_path / "enas"
    status = main(["search", "--strategy", "enas", "--space", "chain-small", "--task", "digits", "--epochs", "1",
                   "--threads", "1", "--no-progress", "--out", str(out)])
    assert status == 0, capsys.readouterr().err
    printed = capsys.readouterr().out
    assert "searched 1 epochs with enas" in printed and "test accuracy (retrained" in printed
    record = json.loads((out / "journal.jsonl").read_text())
    assert "controller_entropy" in record["metrics"]
    assert json.loads((out / "best_arch.json").read_text())["arch"] == record["arch"]


def test_spos_is_evolution_over_one_supernet(tmp_path, capsys):
    out = tmp_path / "spos"
    status = main(["search", "--strategy", "spos", "--trials", "4", "--epochs", "1", "--threads", "1",
                   "--no-progress", "--out", str(out)])
    assert status == 0, capsys.readouterr().err
    assert "estimator supernet" in capsys.readouterr().out
    records = [json.loads(line) for line in (out / "journal.jsonl").read_text().splitlines()]
    assert len(records) == 4 and all("supernet_seconds" in r["metrics"] for r in records)
    assert {r["info"]["origin"] for r in records} <= {"random", "mutation"}  # regularized evolution's proposals
