"""The parallel-evaluation benchmark script end to end in its smoke configuration (``--quick``)."""
import json

import pytest

import benchmark_scripts


@pytest.fixture(scope="module")
def bench():
    return benchmark_scripts.load("parallel")


@pytest.fixture(scope="module")
def report(bench, tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "parallel.json"
    bench.main(["--quick", "--out", str(out)])
    return json.loads(out.read_text())


def test_one_and_two_dask_workers_train_the_same_architectures(report):
    part = report["throughput"]
    assert [row["workers"] for row in part["rows"]] == [1, 2]
    assert part["same_architectures"] and all(row["trials"] == 4 and row["failed"] == 0 for row in part["rows"])
    assert part["speedup"] == pytest.approx(part["rows"][1]["trials_per_hour"] / part["rows"][0]["trials_per_hour"])


def test_scaling_rows_cover_every_strategy_mode_and_worker_count(report):
    rows = report["scaling"]["rows"]
    assert {(r["strategy"], r["mode"], r["workers"]) for r in rows} == {
        (s, m, w) for s in ("random", "rea", "bo") for m in ("async", "sync") for w in (1, 4)}
    for row in rows:
        assert 0 <= row["reached"] <= 1 and 0 < row["utilisation"] <= 1 + 1e-9
        if row["workers"] == 1:  # one worker: synchronous and asynchronous are the same search
            other = next(r for r in rows if (r["strategy"], r["workers"]) == (row["strategy"], 1) and r is not row)
            assert row["hours"] == other["hours"]


def test_asynchronous_workers_are_never_idle_while_the_budget_lasts(report):
    rows = [r for r in report["scaling"]["rows"] if r["workers"] == 4]
    for strategy in ("random", "rea", "bo"):
        use = {r["mode"]: r["utilisation"] for r in rows if r["strategy"] == strategy}
        assert use["async"] > use["sync"]


@pytest.mark.parametrize("argv, message", [(["--seeds", "0"], "--seeds must be at least 1, got 0"),
                                           (["--workers", "0,2"], "--workers must be positive"),
                                           (["--target", "93.5"], "--target is a test accuracy")])
def test_bad_arguments_name_the_value(bench, capsys, argv, message):
    with pytest.raises(SystemExit):
        bench.parse_args(["--quick", *argv])
    assert message in capsys.readouterr().err
