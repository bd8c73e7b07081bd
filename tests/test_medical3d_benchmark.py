"""The searched-versus-baseline 3D benchmark in its smoke configuration (``--quick``), offline and on MedMNIST files."""
import json

import pytest

import benchmark_scripts
from medmnist_files import write_medmnist


@pytest.fixture(scope="module")
def bench():
    return benchmark_scripts.load("medical3d")


def check(result, bench):
    for name in ("searched", "baseline"):
        (row,) = result["rows"][name]
        assert 0 <= row["test_accuracy"] <= 1 and 0 <= row["test_auc"] <= 1 and row["flops"] > 0
    assert result["rows"]["baseline"][0]["arch"] == bench.BASELINE
    paired = result["paired"]
    assert paired["only_searched_right"] >= 0 and 0 <= paired["p_value"] <= 1


def test_compares_the_searched_network_with_the_baseline_on_lesions3d(bench, tmp_path):
    out = tmp_path / "lesions.json"
    result = bench.main(["--quick", "--out", str(out)])
    assert json.loads(out.read_text()) == result and result["task"] == "lesions3d" and result["paper"] is None
    check(result, bench)


def test_one_command_runs_it_on_organmnist3d_files(bench, tmp_path):
    write_medmnist(tmp_path, "organmnist3d", sizes=(22, 11, 11))
    result = bench.main(["--quick", "--task", "medmnist3d", "--root", str(tmp_path), "--out", str(tmp_path / "o.json")])
    assert result["dataset"] == "organmnist3d" and result["test_volumes"] == 11
    assert result["paper"] == {"model": "ResNet-18 + 3D", "auc": 0.996, "acc": 0.907}
    check(result, bench)


def test_bad_counts_are_refused(bench, capsys):
    with pytest.raises(SystemExit):
        bench.parse_args(["--seeds", "0"])
    assert "--seeds must be at least 1, got 0" in capsys.readouterr().err


def test_the_baseline_costs_what_the_searched_networks_cost(bench):
    import naslib_mini as nm

    recorded = json.loads((bench.RESULTS / "medical3d_lesions3d.json").read_text())
    searched = recorded["rows"]["searched"]
    space = nm.SPACES.create("chain-3d")
    net = nm.build_network(space, space.from_str(bench.BASELINE), nm.TaskSpec("lesions3d", (1, 16, 16, 16), 3))
    flops = sum(r["flops"] for r in searched) / len(searched)
    params = sum(r["params"] for r in searched) / len(searched)
    assert abs(nm.count_flops(net, (1, 16, 16, 16)) / flops - 1) < 0.2
    assert abs(nm.count_params(net) / params - 1) < 0.2
