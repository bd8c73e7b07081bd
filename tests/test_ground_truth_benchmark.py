"""The ground-truth set builder end to end in its smoke configuration (``--quick``)."""
import gzip
import json

import pytest

import benchmark_scripts
import naslib_mini as nm


@pytest.fixture(scope="module")
def bench():
    return benchmark_scripts.load("ground_truth")


@pytest.fixture(scope="module")
def built(bench, tmp_path_factory):
    folder = tmp_path_factory.mktemp("ground_truth")
    argv = ["--quick", "--journal", str(folder / "journal"), "--out", str(folder / "gt.jsonl.gz")]
    summary = bench.main(argv)
    return bench, argv, folder, summary


def read(path):
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_every_training_has_its_curves_test_accuracy_and_costs(built):
    _, _, folder, _ = built
    records = read(folder / "gt.jsonl.gz")
    assert len(records) == 3 + 3 + 2
    for record in records:
        assert record["space"] in ("nb201", "chain") and record["seed"] in (0, 1)
        for name in ("val_accuracy", "test_accuracy", "val_loss", "test_loss", "train_loss", "params", "flops",
                     "latency_ms", "seconds", "val_accuracy_epoch_1", "val_loss_epoch_1",
                     "train_accuracy_epoch_1", "train_loss_epoch_1"):
            assert name in record, name
        assert 0 <= record["test_accuracy"] <= 1 and record["seconds"] > 0 and record["latency_ms"] > 0
        assert record["val_accuracy_epoch_1"] == record["val_accuracy"]  # one epoch: the curve ends at the final value
        assert record["epochs"] == 1 and record["params"] > 0


def test_architectures_are_distinct_and_the_second_seed_retrains_some_of_them(built):
    bench, argv, folder, summary = built
    records = read(folder / "gt.jsonl.gz")
    nb201 = nm.SPACES.create("nb201", width=bench.RECIPE["width"], cells_per_stage=bench.RECIPE["cells_per_stage"])
    first = [r for r in records if r["seed"] == 0]
    classes = {nb201.canonical(nb201.from_str(r["arch"])) for r in first if r["space"] == "nb201"}
    assert len(classes) == 3
    assert len({r["arch"] for r in first if r["space"] == "chain"}) == 3
    second = [(r["space"], r["arch"]) for r in records if r["seed"] == 1]
    assert len(second) == 2 and set(second) <= {(r["space"], r["arch"]) for r in first}
    assert summary["trainings"] == 8 and summary["spaces"]["nb201"]["architectures"] == 3


def test_a_second_run_resumes_from_the_journals_without_training_again(built, monkeypatch):
    bench, argv, folder, _ = built
    before = read(folder / "gt.jsonl.gz")

    def refuse(self, arch, budget=None):
        raise AssertionError("a resumed run trained again")

    monkeypatch.setattr(bench.StandAloneTraining, "estimate", refuse)
    bench.main(argv)
    assert read(folder / "gt.jsonl.gz") == before


@pytest.mark.parametrize("argv, message", [(["--nb201", "-1"], "--nb201 must be at least 0, got -1"),
                                           (["--epochs", "0"], "--epochs must be a positive number, got 0"),
                                           (["--nb201", "0", "--chain", "0"], "nothing to train"),
                                           (["--second-seed", "9"], "--second-seed must be at most")])
def test_bad_arguments_name_the_value(bench, capsys, argv, message):
    with pytest.raises(SystemExit):
        bench.parse_args(["--quick", *argv])
    assert message in capsys.readouterr().err


def test_a_training_records_one_curve_point_per_epoch_and_repeats_exactly(bench):
    space = nm.SPACES.create("nb201", width=4, cells_per_stage=1)
    task = nm.TASKS.create("mnist1d", seed=0)
    estimator = bench.StandAloneTraining(task, space, nm.TrainingConfig(epochs=2, threads=1), latency_repeats=2)
    arch = space.from_str("|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|skip_connect~2|")
    first, again = estimator.estimate(arch), estimator.estimate(arch)
    epochs, curve = nm.curve_from_metrics(first.metrics)
    assert epochs == [1, 2] and all(0 <= value <= 1 for value in curve)
    for name in ("val_accuracy_epoch_{}", "val_loss_epoch_{}", "train_accuracy_epoch_{}", "train_loss_epoch_{}"):
        assert [name.format(k) in first.metrics for k in (1, 2, 3)] == [True, True, False]
    assert first.metrics["val_accuracy_epoch_2"] == first.metrics["val_accuracy"] == first.score
    assert first.metrics["val_loss_epoch_2"] == pytest.approx(first.metrics["val_loss"])
    timed = {"latency_ms"}
    assert {k: v for k, v in first.metrics.items() if k not in timed} == \
        {k: v for k, v in again.metrics.items() if k not in timed}


def test_the_summary_records_its_command_and_the_spread(built):
    _, argv, _, summary = built
    assert summary["command"].startswith("python benchmarks/ground_truth.py --quick")
    val = summary["spaces"]["chain"]["val_accuracy"]
    assert val["min"] <= val["median"] <= val["max"] and 0 <= val["tied_share"] <= 1
