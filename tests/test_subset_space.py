"""A space of listed architectures: every strategy searches it and stays inside it."""
import numpy as np
import pytest

import naslib_mini as nm
from fakes import LinearEstimator, ground_truth_record, write_ground_truth


@pytest.fixture(scope="module")
def cells():
    space = nm.SPACES.create("nb201", width=4, cells_per_stage=1)
    rng = nm.default_rng(0)
    return space, [space.sample(rng) for _ in range(40)]


@pytest.mark.parametrize("name", nm.STRATEGIES.names())
def test_every_strategy_searches_only_the_members(cells, name):
    base, members = cells
    subset = nm.SubsetSpace(base, members)
    history = nm.run(nm.STRATEGIES.create(name, space=subset, seed=0), LinearEstimator(subset), nm.Budget(trials=20))
    assert len(history) > 0 and history.best() is not None
    assert all(trial.arch in subset for trial in history)


def test_a_decision_vector_outside_the_set_goes_to_the_nearest_member(cells):
    base, members = cells
    subset = nm.SubsetSpace(base, members[:5])
    codes = np.array([base.to_decisions(arch) for arch in members[:5]])
    outside = next(arch for arch in members[5:] if arch not in subset)
    projected = subset.from_decisions(base.to_decisions(outside))
    distance = (codes != np.array(base.to_decisions(outside))).sum(axis=1)
    assert projected in members[:5] and (np.array(base.to_decisions(projected)) != base.to_decisions(outside)).sum() \
        == distance.min()
    assert subset.from_decisions(base.to_decisions(members[2])) == members[2]


def test_strings_are_the_base_space_and_outsiders_are_refused_by_name(cells):
    base, members = cells
    subset = nm.SubsetSpace(base, members[:5])
    assert [subset.from_str(base.to_str(a)) for a in subset] == list(subset) and subset.name == "nb201"
    outside = next(arch for arch in members[5:] if arch not in subset)
    with pytest.raises(ValueError, match=r"is an architecture of 'nb201' but not one of the \d+ of this subset"):
        subset.from_str(base.to_str(outside))
    with pytest.raises(ValueError, match="not one of the"):
        subset.validate(outside)
    with pytest.raises(ValueError, match="at least one architecture"):
        nm.SubsetSpace(base, [])


def test_an_isomorphic_cell_is_a_member_represented_by_the_listed_one():
    base = nm.SPACES.create("nb201", width=4, cells_per_stage=1)
    listed = base.from_str("|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|")
    twin = base.from_str("|avg_pool_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|")
    subset = nm.SubsetSpace(base, [listed, twin])
    assert subset.size() == 1 and twin in subset and subset.from_str(base.to_str(twin)) == listed


def test_a_search_over_a_ground_truth_set_runs_in_its_space(tmp_path):
    chain = nm.SPACES.create("chain", **nm.ground_truth.RECIPE_SPACES["chain"])
    archs = [chain.sample(nm.default_rng(seed)) for seed in range(12)]
    path = write_ground_truth(tmp_path / "gt.jsonl.gz",
                              [ground_truth_record(chain, a, accuracy=0.5 + i / 100) for i, a in enumerate(archs)])
    space = nm.ground_truth_space("chain", path)
    assert set(space) == set(archs)
    history = nm.run(nm.STRATEGIES.create("rea", space=space, seed=0),
                     nm.ESTIMATORS.create("ground-truth", space=space, path=path), nm.Budget(trials=30))
    assert len(history) == 30 and all(t.ok for t in history)
    with pytest.raises(nm.ConfigurationError, match="no space 'macro'; valid choices: nb201, chain"):
        nm.ground_truth_space("macro", path)
