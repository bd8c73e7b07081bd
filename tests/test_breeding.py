"""Breeding: ``breed`` (crossover + mutation with origins), its text, and the breeder widget."""
import pytest

import naslib_mini as nm
from naslib_mini.strategies.breeding import ORIGINS, arch_parts, breed, breeding_text
from naslib_mini.widgets import breeder


@pytest.fixture(scope="module")
def nb201():
    return nm.SPACES.create("nb201")


@pytest.fixture(scope="module")
def chain():
    return nm.SPACES.create("chain-small")


def _parents(space, seed=0):
    rng = nm.default_rng(seed)
    first = space.sample(rng)
    second = space.sample(rng)
    while second == first:
        second = space.sample(rng)
    return first, second


def test_parts_are_layers_of_a_chain_and_edges_of_a_cell(nb201, chain):
    arch = chain.from_str("conv3x3-16-s1-series|maxpool3x3-32-s2-skip|identity-32-s1-series")
    assert [name for name, _ in arch_parts(chain, arch)] == ["layer 1", "layer 2", "layer 3"]
    assert arch_parts(chain, arch)[1][1] == "maxpool3x3-32-s2-skip"
    cell = nb201.from_decisions([0, 1, 2, 3, 4, 0])
    parts = arch_parts(nb201, cell)
    assert [name for name, _ in parts] == [d.name for d in nb201.decisions()]
    assert [value for _, value in parts] == ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3",
                                             "avg_pool_3x3", "none"]


def test_the_same_seed_breeds_the_same_child(nb201, chain):
    for space in (nb201, chain):
        first, second = _parents(space)
        assert breed(space, first, second, seed=5) == breed(space, first, second, seed=5)
        children = {breed(space, first, second, seed=s)["child"] for s in range(10)}
        assert len(children) > 1, "different seeds must give different children"


def test_uniform_crossover_takes_every_edge_from_a_parent(nb201):
    first, second = _parents(nb201, seed=1)
    a, b = nb201.to_decisions(first), nb201.to_decisions(second)
    for seed in range(20):
        result = breed(nb201, first, second, seed=seed, mutations=0)
        assert result["child"] == result["crossed"]
        child = nb201.to_decisions(nb201.from_str(result["child"]))
        for position, part in enumerate(result["parts"]):
            expected = ("both" if a[position] == b[position] == child[position]
                        else "first" if child[position] == a[position] else "second")
            assert child[position] in (a[position], b[position])
            assert part["origin"] == expected


def test_a_mutation_changes_exactly_one_edge_and_is_labelled(nb201):
    first, second = _parents(nb201, seed=2)
    result = breed(nb201, first, second, seed=0, crossover=False, mutations=1)
    assert result["crossed"] == nb201.to_str(first)
    child = nb201.from_str(result["child"])
    assert child in nb201.neighbours(first)
    origins = [p["origin"] for p in result["parts"]]
    # the mutated edge took a value neither parent has there, or one the second parent has
    changed = [i for i, (x, y) in enumerate(zip(nb201.to_decisions(first), nb201.to_decisions(child))) if x != y]
    assert len(changed) == 1
    assert origins[changed[0]] in ("mutation", "second")
    assert all(o in ("first", "both") for i, o in enumerate(origins) if i != changed[0])


def test_without_crossover_and_mutation_the_child_is_the_first_parent(chain):
    first, second = _parents(chain, seed=3)
    result = breed(chain, first, second, seed=0, crossover=False, mutations=0)
    assert result["child"] == result["first"] == chain.to_str(first)
    assert {p["origin"] for p in result["parts"]} <= {"first", "both"}


def test_chain_crossover_splices_layers_of_the_parents(chain):
    first, second = _parents(chain, seed=4)
    a_layers = [v for _, v in arch_parts(chain, first)]
    b_layers = [v for _, v in arch_parts(chain, second)]
    for seed in range(30):
        result = breed(chain, first, second, seed=seed, mutations=0)
        chain.validate(chain.from_str(result["child"]))
        for part in result["parts"]:
            assert part["origin"] in ORIGINS and part["origin"] != "mutation"
            if part["origin"] in ("first", "both"):
                assert part["value"] in a_layers
            if part["origin"] in ("second", "both"):
                assert part["value"] in b_layers
            if part["origin"] == "rewritten":  # canonical form changed a spliced layer
                assert part["value"] not in a_layers + b_layers


def test_strings_are_accepted_and_scores_are_reported(nb201):
    first, second = _parents(nb201, seed=5)
    estimator = nm.ESTIMATORS.create("nb201", dataset="cifar10")
    result = breed(nb201, nb201.to_str(first), nb201.to_str(second), seed=1,
                   score=lambda arch: estimator.estimate(arch).score)
    assert result == {**breed(nb201, first, second, seed=1), "scores": result["scores"]}
    assert set(result["scores"]) == {"first", "second", "crossed", "child"}
    assert result["scores"]["child"] == estimator.estimate(nb201.from_str(result["child"])).score


def test_bad_input_is_refused_with_a_clear_message(nb201, chain):
    first, second = _parents(nb201)
    with pytest.raises(ValueError, match="mutations must be an integer >= 0, got -1"):
        breed(nb201, first, second, mutations=-1)
    with pytest.raises(ValueError, match="second parent is not an architecture of space 'chain-small'"):
        wide = nm.SPACES.create("chain", channels=[64]).sample(nm.default_rng(0))
        breed(chain, chain.sample(nm.default_rng(0)), wide)
    with pytest.raises(ValueError, match="unknown"):
        breed(nb201, "|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|", second)


def test_text_shows_parents_child_and_each_origin(nb201):
    first, second = _parents(nb201, seed=6)
    result = breed(nb201, first, second, seed=2, score=lambda arch: 50.0)
    text = breeding_text(result)
    assert result["child"] in text and result["first"] in text and result["second"] in text
    assert text.count("<- ") == 6 and "score 50.00" in text
    for part in result["parts"]:
        assert f"{part['value']}" in text and part["origin"] in text


def test_the_widget_follows_its_controls(chain):
    first, second = _parents(chain, seed=7)
    widget = breeder(chain, [first, second, chain.sample(nm.default_rng(9))])
    assert widget.result == breed(chain, first, second, 0)
    widget.seed.value = 4
    widget.mutations.value = 0
    widget.crossover.value = False
    widget.second.value = widget.second.options[2]
    expected = breed(chain, widget.first.value, widget.second.value, 4, crossover=False, mutations=0)
    assert widget.result == expected and expected["child"] == chain.to_str(first)
    assert expected["child"] in widget.output.value


def test_the_widget_needs_two_distinct_parents(chain):
    arch = chain.sample(nm.default_rng(0))
    with pytest.raises(ValueError, match="at least two distinct parents, got 1"):
        breeder(chain, [arch, chain.to_str(arch)])
