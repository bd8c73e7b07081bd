"""The ground-truth loader and its look-up estimator, over small sets written here."""
import pytest

import naslib_mini as nm
from naslib_mini.ground_truth import GroundTruthEstimator, load_ground_truth
from fakes import ground_truth_record as record, write_ground_truth as write


@pytest.fixture
def chain():
    return nm.SPACES.create("chain", channels=(8,), max_depth=2)


@pytest.fixture
def chain_set(tmp_path, chain):
    archs = list(chain)
    records = [record(chain, arch, accuracy=i / len(archs), seconds=1.0 + i) for i, arch in enumerate(archs)]
    return write(tmp_path / "gt.jsonl.gz", records + [record(chain, archs[0], seed=1, accuracy=0.99)]), archs


def test_the_table_has_one_row_per_training(chain_set):
    path, archs = chain_set
    table = load_ground_truth(path)
    assert len(table) == len(archs) + 1 and set(table["seed"]) == {0, 1}


def test_a_lookup_scores_validation_accuracy_charges_the_training_time_and_reports_test(chain_set, chain):
    path, archs = chain_set
    estimator = GroundTruthEstimator(chain, path)
    m = estimator.estimate(archs[2])
    assert m.score == pytest.approx(2 / len(archs)) and m.cost == 3.0
    assert m.metrics["test_accuracy"] == pytest.approx(m.score - 0.01)
    assert GroundTruthEstimator(chain, path, seed=1).estimate(archs[0]).score == 0.99
    assert estimator.archs() == archs


def test_a_search_runs_over_the_set(chain_set, chain):
    path, archs = chain_set
    history = nm.run(nm.STRATEGIES.create("random", space=chain, seed=0), GroundTruthEstimator(chain, path),
                     nm.Budget(trials=4))
    assert [t.ok for t in history] == [True] * 4 and history.total_cost > 0


def test_an_isomorphic_nb201_cell_is_found_and_another_cell_is_refused(tmp_path):
    space = nm.SPACES.create("nb201", width=4, cells_per_stage=1)
    trained = space.from_str("|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|")
    # node 1 feeds nothing, so its operation does not matter: the same isomorphism class
    twin = space.from_str("|avg_pool_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|")
    other = space.from_str("|avg_pool_3x3~0|+|none~0|none~1|+|nor_conv_1x1~0|none~1|none~2|")
    estimator = GroundTruthEstimator(space, write(tmp_path / "gt.jsonl.gz", [record(space, trained, accuracy=0.8)]))
    assert twin != trained and estimator.estimate(twin).score == 0.8
    with pytest.raises(nm.ConfigurationError, match=r"\|nor_conv_1x1~0\|.* is not in the ground-truth set "
                                                    r"of space 'nb201' \(seed 0, 1 architectures\)"):
        estimator.estimate(other)


def test_bad_sets_and_queries_are_configuration_errors_that_say_what(tmp_path, chain_set, chain):
    path, archs = chain_set
    with pytest.raises(nm.ConfigurationError, match="no ground-truth set at .*benchmarks/ground_truth.py"):
        load_ground_truth(tmp_path / "absent.jsonl.gz")
    broken = write(tmp_path / "broken.jsonl.gz", [{"space": "chain", "arch": "x"}])
    with pytest.raises(nm.ConfigurationError, match="record 1 of .* lacks seed, seconds, val_accuracy"):
        load_ground_truth(broken)
    with pytest.raises(nm.ConfigurationError, match=r"no record of space 'chain' with seed 2; .*\('chain', 1\)"):
        GroundTruthEstimator(chain, path, seed=2)
    with pytest.raises(nm.ConfigurationError, match="trained for 1 epochs; budget 3"):
        GroundTruthEstimator(chain, path).estimate(archs[0], budget=3)
