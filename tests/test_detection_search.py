"""Searching detectors: the estimator, ``python -m naslib_mini search --task digit-scenes`` and the benchmark."""
import json

import pytest
import torch

import benchmark_scripts
import naslib_mini as nm
from naslib_mini.cli import main
from naslib_mini.cli import search as command_search
from naslib_mini.detection.centernet import build_detector
from naslib_mini.estimators.detection import DetectionEstimator, train_detector

TINY = {"num_train": 24, "num_val": 12, "num_test": 12, "canvas": 32, "scale": (10, 16)}


@pytest.fixture(scope="module")
def task():
    return nm.TASKS.create("digit-scenes", **TINY)


def test_estimator_scores_validation_ap_and_fails_candidates_over_the_parameter_limit(task):
    space = nm.SPACES.create("chain-detection")
    small, large = space.from_str("conv3x3-16-s2-series"), space.from_str("conv5x5-32-s2-series|conv5x5-32-s1-skip")
    limit = nm.count_params(build_detector(space, small, task.spec))
    est = DetectionEstimator(task, space, epochs=1, threads=1, max_params=limit)
    m = est.estimate(small)
    assert m.score == m.metrics["val_ap"] and 0 <= m.score <= 1 and m.metrics["params"] == limit
    assert {"val_ap50", "val_ap75", "train_loss", "flops", "epochs"} <= set(m.metrics)
    assert "test_ap" not in m.metrics  # the search never sees the test split
    with pytest.raises(nm.CandidateFailed, match="max_params"):
        est.estimate(large)
    history = nm.run(nm.STRATEGIES.create("random", space=space, seed=0), est, nm.Budget(trials=2))
    assert len(history) == 2


def test_estimator_refuses_a_classification_task():
    est = DetectionEstimator("digits", "chain-detection", epochs=1)
    with pytest.raises(nm.ConfigurationError, match="DetectionTask"):
        est.estimate(est.space.sample(nm.default_rng(0)))


def test_final_training_is_seeded(task):
    space = nm.SPACES.create("chain-detection")
    arch = space.from_str("conv3x3-16-s2-series|conv3x3-16-s2-skip")
    a, b = (train_detector(task, space, arch, epochs=2, threads=1) for _ in range(2))
    assert a.test.metrics == b.test.metrics and a.params == b.params


def test_cli_searches_a_detector(tmp_path, monkeypatch, capsys, task):
    monkeypatch.setattr(command_search, "make_task", lambda args: task)
    out = tmp_path / "run"
    status = main(["search", "--task", "digit-scenes", "--space", "chain-detection", "--trials", "2", "--epochs", "1",
                   "--threads", "1", "--no-progress", "--out", str(out)])
    printed = capsys.readouterr()
    assert status == 0, printed.err
    assert "validation AP@[.5:.95] (search)" in printed.out and "test AP@[.5:.95]" in printed.out
    summary = json.loads((out / "best_arch.json").read_text())
    assert 0 <= summary["test_ap"] <= 1 and summary["onnx_max_abs_difference"] < 1e-3
    assert {"val_ap", "val_ap50", "val_ap75"} <= set(summary) and not any(k.startswith("val_val") for k in summary)
    space = nm.SPACES.create("chain-detection")
    model = build_detector(space, space.from_str(summary["arch"]), task.spec)
    model.load_state_dict(torch.load(out / "best_model.pt"))
    assert json.loads((out / "config.json").read_text())["estimator"] == "detection-training"
    refused = main(["search", "--task", "digit-scenes", "--estimator", "supernet", "--out", str(tmp_path / "x")])
    assert refused == 2 and "cannot score detectors" in capsys.readouterr().err


def test_benchmark_quick_compares_searched_and_baseline(tmp_path):
    bench = benchmark_scripts.load("detection")
    out = tmp_path / "detection.json"
    result = bench.main(["--quick", "--out", str(out)])
    assert json.loads(out.read_text()) == result
    assert result["rows"]["baseline"][0]["arch"] == bench.BASELINE
    for name in ("searched", "baseline"):
        (row,) = result["rows"][name]
        assert 0 <= row["test_ap"] <= 1 and row["params"] > 0
    assert result["rows"]["searched"][0]["params"] <= result["search"]["max_params"]
    assert 0 <= result["paired"]["p_value"] <= 1 and result["paired"]["low"] <= result["paired"]["high"]


def test_benchmark_successive_halving_ranks_finalists_at_the_final_epochs(tmp_path):
    bench = benchmark_scripts.load("detection")
    out = tmp_path / "detection_sh.json"
    argv = ["--quick", "--strategy", "sh", "--out", str(out)]
    result = bench.main(argv)
    assert result["command"] == "python benchmarks/detection.py " + " ".join(argv)
    search, final_epochs = result["search"], result["recipe"]["final_epochs"]
    assert search["budgets"] == pytest.approx([final_epochs / 9, final_epochs / 3, final_epochs])
    assert search["epochs"] == pytest.approx(search["budgets"][:1] * 2 + search["budgets"][1:])  # rungs of 2, 1, 1
    assert search["best_epochs"] == final_epochs and search["trials"] == 4
    assert search["best_arch"] == search["arch"][-1] == result["rows"]["searched"][0]["arch"]
    assert result["rows"]["searched"][0]["params"] <= search["max_params"]


def test_the_searched_detector_is_the_best_at_the_top_rung_not_the_best_score_at_any_rung():
    bench = benchmark_scripts.load("detection")
    space = nm.SPACES.create("chain-detection")
    archs = [space.from_str(s) for s in ("conv3x3-16-s2-series", "conv5x5-16-s2-series", "conv3x3-32-s2-series")]

    def trial(number, arch, budget, score):
        return nm.Trial(number, nm.Candidate(arch, budget), nm.TrialState.COMPLETE, nm.Measurement(score, 1.0))

    history = nm.History(space, [trial(0, archs[0], 2.0, 0.9), trial(1, archs[1], 6.0, 0.3),
                                 trial(2, archs[2], 6.0, 0.5)])
    assert bench.top_rung_best(history).arch == archs[2]
    assert bench.top_rung_best(nm.History(space)) is None
