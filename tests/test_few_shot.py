"""Few-shot supernets (Zhao et al. 2021): a split routes each cell to the sub-supernet of its operation on the
split edge, sub-supernets start from the one-shot weights and then train apart, the budget and cost are the
one-shot supernet's, and bad settings are refused with the allowed values."""
from __future__ import annotations

import pytest
import torch

import naslib_mini as nm
from naslib_mini.estimators.routines import seeded
from naslib_mini.spaces.nb201_cell import OP_NAMES
from naslib_mini.supernet import CellSupernet
from naslib_mini.supernet.few_shot import FewShotSupernet

torch.set_num_threads(1)

SPEC = nm.TaskSpec("toy", (1, 12), 3)


def tiny_space():
    return nm.SPACES.create("nb201", width=4, cells_per_stage=1)


def with_op(space, arch, edge, op):
    decisions = list(space.to_decisions(arch))
    decisions[edge] = OP_NAMES.index(op)
    return space.from_decisions(decisions)


def test_a_split_starts_from_the_one_shot_weights_and_routes_by_the_split_edge():
    space = tiny_space()
    with seeded(0):
        supernet = CellSupernet(space, SPEC)
    few = FewShotSupernet(supernet, edge=2)
    assert len(few.parts) == len(OP_NAMES)
    for part in few.parts:  # copies, not the same tensors
        for (name, a), b in zip(supernet.state_dict().items(), part.state_dict().values()):
            assert torch.equal(a, b) and a.data_ptr() != b.data_ptr(), name
    arch = space.sample(nm.default_rng(1))
    x = torch.randn(4, 1, 12)
    for k, op in enumerate(OP_NAMES):
        cell = with_op(space, arch, 2, op)
        with torch.no_grad():
            next(few.parts[k].parameters()).add_(1.0)  # make part k differ from the others
        few.select(cell)
        assert few.part(cell) == k and few.current == k
        few.eval()
        net = few.subnet(cell).eval()  # the stand-alone network with part k's weights gives the same outputs
        assert torch.allclose(net(x), few(x), atol=1e-5)


def test_estimator_trains_every_part_within_the_budget_and_scores_deterministically():
    space = tiny_space()

    def make():
        return nm.ESTIMATORS.create("few-shot-supernet", task="digits", space=space, epochs=1, threads=1, seed=0,
                                    edge=0, calibration_batches=2)

    est = make()
    arch = space.sample(nm.default_rng(0))
    first = est.estimate(arch)
    assert 0 <= first.score <= 1 and first.metrics["epochs"] == 1
    assert first.cost >= first.metrics["supernet_seconds"] > 0  # the supernets' training is charged once
    assert est.estimate(with_op(space, arch, 0, "none")).cost < first.metrics["supernet_seconds"]
    few = est.supernets_[1.0].supernet
    weights = [next(p for n, p in part.named_parameters() if n.startswith("stem")) for part in few.parts]
    assert not any(torch.equal(weights[0], w) for w in weights[1:])  # each part trained on its own paths
    again = make().estimate(arch)
    assert again.score == first.score and again.metrics["val_loss"] == first.metrics["val_loss"]


def test_bad_settings_name_the_value_and_what_is_allowed():
    space = tiny_space()
    with pytest.raises(ValueError, match=r"edge must be .* 0 to 5, got 6"):
        nm.ESTIMATORS.create("few-shot-supernet", task="digits", space=space, edge=6)
    with pytest.raises(ValueError, match=r"split_fraction must be a number in \[0, 1\).*got 1"):
        nm.ESTIMATORS.create("few-shot-supernet", task="digits", space=space, split_fraction=1)
    with pytest.raises(nm.ConfigurationError, match="NAS-Bench-201 cell space.*'supernet' estimator"):
        nm.ESTIMATORS.create("few-shot-supernet", task="digits", space=nm.SPACES.create("chain", channels=(8,),
                                                                                         max_depth=2))
    with pytest.raises(nm.ConfigurationError, match="CellSupernet"):
        FewShotSupernet(nm.build_supernet(nm.SPACES.create("chain", channels=(8,), max_depth=2), SPEC))
