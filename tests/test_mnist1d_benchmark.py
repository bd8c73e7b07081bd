"""The MNIST-1D benchmark script end to end in its smoke configuration (``--quick``)."""
import json

import pytest

import benchmark_scripts


@pytest.fixture(scope="module")
def bench():
    return benchmark_scripts.load("mnist1d_search")


@pytest.fixture(scope="module")
def report(bench, tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "mnist1d.json"
    bench.main(["--quick", "--threads", "1", "--out", str(out)])
    return json.loads(out.read_text())


def test_the_cross_validated_finalist_with_the_best_mean_score_is_trained(report):
    cv = report["search"]["cross_validation"]
    assert cv["folds"] == 2 and 1 <= len(cv["finalists"]) <= 2
    for row in cv["finalists"]:
        assert len(row["fold_scores"]) == 2
        assert row["score"] == pytest.approx(sum(row["fold_scores"]) / 2)
    best = max(cv["finalists"], key=lambda row: row["score"])
    assert report["arch"] == best["arch"]
    # fold 0 is the finalist's own last-rung training, reused rather than repeated
    last_rung = {row["arch"]: row["score"] for row in report["search"]["finalists"]}
    assert all(row["fold_scores"][0] == last_rung[row["arch"]] for row in cv["finalists"])


def test_the_baseline_is_cross_validated_for_the_report_only(report):
    validation = report["baseline_validation"]
    assert validation["cross_validation"]["arch"] == report["baseline_arch"]
    assert validation["cross_validation"]["fold_scores"][0] == pytest.approx(-validation["val_loss"])
    assert report["baseline_arch"] not in [row["arch"] for row in report["search"]["cross_validation"]["finalists"]]


def test_report_is_complete_and_the_target_follows_the_accuracies(report):
    assert len(report["test_accuracies"]) == len(report["baseline_test_accuracies"]) == 2
    assert report["target"]["met"] == (report["test_accuracy_mean"]
                                       >= max(0.99, report["baseline_test_accuracy_mean"]))
    assert report["paired"]["runs"] == 2 and report["paired"]["examples"] == 1000
    assert report["search"]["objective"] == "loss" and report["wall_time_seconds"] > 0


@pytest.mark.parametrize("argv, message", [(["--cv-folds", "0"], "--cv-folds must be at least 1, got 0"),
                                           (["--cv-finalists", "0"], "--cv-finalists must be at least 1, got 0"),
                                           (["--channels", "32,64"], "--channels must include 48")])
def test_bad_arguments_name_the_value(bench, capsys, argv, message):
    with pytest.raises(SystemExit):
        bench.parse_args(["--quick", *argv])
    assert message in capsys.readouterr().err
