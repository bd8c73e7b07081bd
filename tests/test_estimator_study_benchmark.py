"""The estimator study and the early-termination benchmark end to end, in their smoke configuration (``--quick``).

They read a small ground-truth set written here (chain networks with made-up 10-epoch curves), so
the tests know the truth; the estimators themselves run for real.
"""
import json

import numpy as np
import pytest

import benchmark_scripts
import naslib_mini as nm
from fakes import ground_truth_record, write_ground_truth
from naslib_mini.ground_truth import RECIPE_SPACES


def curve_record(space, arch, seed, final, rng):
    """A record of a 10-epoch training whose validation curve rises to ``final``."""
    record = ground_truth_record(space, arch, seed=seed, accuracy=final, seconds=7.0)
    record["epochs"] = 10.0
    for epoch in range(1, 11):
        value = final - (final - 0.3) * np.exp(-epoch / 2.5) + rng.normal(0, 0.003)
        record[f"val_accuracy_epoch_{epoch}"] = float(min(value, 1.0))
    record["val_accuracy"] = record["val_accuracy_epoch_10"]
    return record


@pytest.fixture(scope="module")
def ground_truth(tmp_path_factory):
    rng = np.random.default_rng(0)
    space = nm.SPACES.create("chain", **RECIPE_SPACES["chain"])
    archs = list(dict.fromkeys(space.sample(rng) for _ in range(40)))[:12]
    finals = np.linspace(0.80, 0.97, len(archs))
    records = [curve_record(space, a, 0, f, rng) for a, f in zip(archs, finals)]
    records += [curve_record(space, a, 1, f + 0.002, rng) for a, f in zip(archs[:4], finals[:4])]
    return write_ground_truth(tmp_path_factory.mktemp("gt") / "gt.jsonl.gz", records), archs


@pytest.fixture(scope="module")
def study(ground_truth, tmp_path_factory):
    path, _ = ground_truth
    folder = tmp_path_factory.mktemp("study")
    bench = benchmark_scripts.load("estimator_study")
    argv = ["--quick", "--ground-truth", str(path), "--out", str(folder / "study.json"),
            "--plot", str(folder / "study.png")]
    return bench, argv, folder, bench.main(argv)


def test_study_measures_every_estimator_on_the_same_architectures(study, ground_truth):
    bench, _, folder, results = study
    _, archs = ground_truth
    rows = {r["estimator"]: r for r in results["rows"]}
    expected = {*bench.QUICK["proxies"], "last value after 1 epoch", "regressed after 1 epoch",
                "last value after 3 epochs", "extrapolated after 3 epochs", "regressed after 3 epochs",
                "1 epoch", "full training (validation)", "second training seed"}
    assert set(rows) == expected
    assert all(r["space"] == "chain" for r in results["rows"])  # the set holds no nb201 record
    assert all(r["n"] + r["failed"] == 8 for name, r in rows.items() if name != "second training seed")
    assert rows["second training seed"]["n"] == 4
    # the made-up truth rises with the curves' final values: the curve estimates rank it well
    assert rows["last value after 3 epochs"]["kendall"] > 0.6
    assert rows["full training (validation)"]["kendall"] > 0.6
    assert all(r["seconds"] > 0 for r in rows.values())
    estimates = results["estimates"]["chain"]
    assert len(estimates["archs"]) == len(estimates["truth"]) == len(estimates["synflow"]) == 8
    assert estimates["full_training_cpu_seconds"] > 0
    saved = json.loads((folder / "study.json").read_text())
    assert saved["rows"] == results["rows"] and (folder / "study.png").stat().st_size > 10_000


def test_study_curve_section_covers_every_curve_of_the_set(study):
    _, _, _, results = study
    section = {(r["epochs_seen"], r["method"]): r for r in results["learning_curves"]}
    assert section[3, "last value"]["n"] == 12 and section[3, "regressed"]["n"] == 12
    assert "note" in section[1, "extrapolated"]  # one point cannot be extrapolated
    assert section[3, "last value"]["mean_error"] < 0  # a rising curve is below its end after 3 epochs


def test_study_resumes_from_its_cache_without_measuring_again(study, monkeypatch):
    bench, argv, folder, results = study

    def refuse(estimator, archs, budget=None):
        raise AssertionError("a resumed study measured again")

    monkeypatch.setattr(bench, "measure", refuse)
    again = bench.main(argv)
    assert again["estimates"] == results["estimates"]
    for row, before in zip(again["rows"], results["rows"]):
        if row["estimator"].startswith("extrapolated"):  # its cost includes the CPU time of the fit, measured anew
            row, before = {**row, "seconds": None}, {**before, "seconds": None}
        assert row == before
    assert len((folder / "study_cache.jsonl").read_text().splitlines()) == 3 * 8 + 8 + 1


@pytest.mark.parametrize("argv, message", [(["--archs", "2"], "--archs must be at least 3 (a rank correlation needs them), got 2"),
                                           (["--resamples", "-1"], "--resamples must be at least 0, got -1"),
                                           (["--timing-sample", "0"], "--timing-sample must be at least 1, got 0")])
def test_study_bad_arguments_name_the_value(capsys, argv, message):
    with pytest.raises(SystemExit):
        benchmark_scripts.load("estimator_study").parse_args(argv)
    assert message in capsys.readouterr().err


def test_early_termination_replays_and_searches_with_and_without_the_rule(ground_truth, tmp_path):
    path, _ = ground_truth
    bench = benchmark_scripts.load("early_termination")
    out = tmp_path / "et.json"
    results = bench.main(["--quick", "--ground-truth", str(path), "--out", str(out), "--trials", "2"])
    replayed = results["replay"]["chain"]
    assert len(replayed["runs"]) == 2 and 0 <= replayed["mean_saved"] < 1
    assert all(run["val_regret"] >= 0 for run in replayed["runs"])
    assert "nb201" not in results["replay"]  # no nb201 curve in this set
    (row,) = results["search"]
    assert row["seed"] == 0 and row["with"]["cpu_seconds"] > 0 and row["without"]["stopped"] == 0
    assert row["without"]["epochs"] == 2 * bench.EPOCHS
    assert json.loads(out.read_text())["search"] == results["search"]


@pytest.mark.parametrize("argv, message", [(["--delta", "1.5"], "--delta must lie strictly between 0 and 1, got 1.5"),
                                           (["--min-epochs", "1"], "--min-epochs must lie in 2..9, got 1"),
                                           (["--orders", "0"], "--orders must be at least 1, got 0")])
def test_early_termination_bad_arguments_name_the_value(capsys, argv, message):
    with pytest.raises(SystemExit):
        benchmark_scripts.load("early_termination").parse_args(argv)
    assert message in capsys.readouterr().err


def test_weight_sharing_rows_join_only_for_the_same_architectures(tmp_path):
    bench = benchmark_scripts.load("estimator_study")
    row = {"estimator": "SPOS supernet, 2 epochs", "family": "weight sharing", "space": "chain", "seconds": 0.5,
           "failed": 0, "n": 3, "kendall": 0.3, "kendall_low": 0.1, "kendall_high": 0.5, "spearman": 0.4,
           "top_precision": 0.0, "top": 0.1, "supernet_epochs": 2}
    ranking = {"rows": [row, {**row, "space": "nb201"}],
               "estimates": {"chain": {"archs": ["a", "b", "c"], "SPOS supernet, 2 epochs": [0.1, 0.2, 0.3]},
                             "nb201": {"archs": ["x", "y", "z"], "SPOS supernet, 2 epochs": [0.3, 0.2, 0.1]}}}
    path = tmp_path / "ranking.json"
    path.write_text(json.dumps(ranking))
    estimates = {"chain": {"archs": ["a", "b", "c"]}, "nb201": {"archs": ["x", "y", "w"]}}
    rows = bench.weight_sharing_rows(path, estimates)
    assert [(r["space"], r["estimator"]) for r in rows] == [("chain", "SPOS supernet, 2 epochs")]
    assert "supernet_epochs" not in rows[0] and rows[0]["family"] == "weight sharing"
    assert estimates["chain"]["SPOS supernet, 2 epochs"] == [0.1, 0.2, 0.3]
    assert "SPOS supernet, 2 epochs" not in estimates["nb201"]  # other architectures: left out
    assert bench.weight_sharing_rows(tmp_path / "missing.json", estimates) == []
