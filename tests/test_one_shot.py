"""DARTS and GDAS: the relaxation, the unrolled hypergradient, the Hessian eigenvalue, the search's Trials."""
import json

import pytest
import torch
import torch.nn.functional as F

import naslib_mini as nm
from naslib_mini import one_shot
from naslib_mini.estimators.routines import torch_threads
from naslib_mini.one_shot.search import _early_stop
from naslib_mini.spaces.mixed_op import MixedOp
from naslib_mini.spaces.nb201_cell import OP_NAMES, NB201Arch
from naslib_mini.spaces.ops import OPS
from naslib_mini.supernet import CellSupernet
from naslib_mini.types import Candidate, Measurement, Trial, TrialState

@pytest.fixture(autouse=True)
def one_thread():
    """Small tensors: one thread is fastest, above all on a busy machine."""
    with torch_threads(1):
        yield


CELL = "|nor_conv_3x3~0|+|skip_connect~0|none~1|+|avg_pool_3x3~0|nor_conv_1x1~1|nor_conv_3x3~2|"


def tiny_space():
    return nm.SPACES.create("nb201", width=4, cells_per_stage=1)


def tiny_task(shape=(1, 12), seed=0):
    """240 examples of 4 classes: the signs of the sums of the two halves of the input."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(240, *shape, generator=g)
    flat = x.flatten(1)
    half = flat.shape[1] // 2
    y = (flat[:, :half].sum(1) > 0).long() + 2 * (flat[:, half:].sum(1) > 0).long()
    return nm.Task.from_tensors(x, y, name=f"tiny{len(shape) - 1}d", seed=0, num_classes=4)


# -- the relaxation -------------------------------------------------------------------------------
def test_weighted_mode_is_the_softmax_weighted_sum_of_the_candidates():
    edge = MixedOp([OPS[n] for n in ("conv3x3", "identity", "avgpool3x3", "zero")], 3, 3, 1, ndim=1).eval()
    x = torch.randn(2, 3, 7, generator=torch.Generator().manual_seed(0))
    weights = torch.softmax(torch.tensor([0.3, -1.0, 2.0, 0.1]), 0)
    edge.weights = weights
    expected = sum(w * op(x) for w, op in zip(weights, edge.candidates))
    assert torch.allclose(edge(x), expected)
    assert not torch.allclose(edge(x), edge.candidates[2](x))  # really a mixture, not the strongest one


def test_one_hot_weights_reproduce_the_selected_path_of_the_supernet():
    space = tiny_space()
    supernet = CellSupernet(space, nm.TaskSpec("toy", (1, 8, 8), 3)).eval()  # 2D
    arch = space.from_str(CELL)
    x = torch.randn(2, 1, 8, 8, generator=torch.Generator().manual_seed(1))
    one_hot = F.one_hot(torch.tensor([OP_NAMES.index(op) for op in arch.ops]), len(OP_NAMES)).float()
    one_shot.relax(supernet, one_hot)
    relaxed = supernet(x)
    one_shot.discretize(supernet, arch)
    assert torch.allclose(relaxed, supernet(x), atol=1e-6)


def test_gumbel_sample_is_one_hot_computes_only_its_operation_and_passes_gradients_to_every_alpha():
    alpha = torch.randn(6, 5, generator=torch.Generator().manual_seed(0)).requires_grad_()
    weights, index = one_shot.gumbel_hard(alpha, 1.0, torch.Generator().manual_seed(3))
    assert torch.equal(weights.detach(), F.one_hot(index, 5).float())
    edge = MixedOp([OPS[n] for n in ("conv3x3", "conv1x1", "identity", "avgpool3x3", "zero")], 2, 2, 1, ndim=1)
    calls = []
    for k, op in enumerate(edge.candidates):
        op.register_forward_hook(lambda module, inputs, output, k=k: calls.append(k))
    edge.weights, edge.sample = weights[0], int(index[0])
    x = torch.randn(3, 2, 5, generator=torch.Generator().manual_seed(4))
    out = edge(x)
    assert calls == [int(index[0])]
    assert torch.allclose(out, edge.candidates[int(index[0])](x))
    out.pow(2).sum().backward()
    assert (alpha.grad[0] != 0).all() and (alpha.grad[1:] == 0).all()  # straight-through to the whole edge


def test_gumbel_samples_follow_alpha_and_temperature_is_linear():
    alpha = torch.tensor([[0.0, 0.0, 3.0, 0.0, 0.0]] * 6)
    g = torch.Generator().manual_seed(0)
    picks = torch.stack([one_shot.gumbel_hard(alpha, 1.0, g)[1] for _ in range(200)])
    share = (picks == 2).float().mean().item()
    assert abs(share - torch.softmax(alpha[0], 0)[2].item()) < 0.05  # Gumbel-max samples the softmax
    assert one_shot.gdas_temperature(0, 11) == 10.0 and one_shot.gdas_temperature(5, 11) == pytest.approx(5.05)
    with pytest.raises(ValueError, match="tau must be positive, got 0"):
        one_shot.gumbel_hard(alpha, 0, g)


def test_derived_cell_takes_the_argmax_over_all_operations_none_included():
    alpha = torch.zeros(6, 5)
    for edge, op in enumerate(NB201Arch(tuple(CELL_OPS)).ops):
        alpha[edge, OP_NAMES.index(op)] = 1.0
    cell = one_shot.derive(alpha)
    assert cell.ops[2] == "none" and tiny_space().to_str(cell) == CELL
    assert tiny_space().from_str(CELL) == cell
    assert one_shot.parameter_free_share(cell) == pytest.approx(3 / 6)  # skip, none, pool
    with pytest.raises(ValueError, match=r"shape \(6, 5\).*got \(5, 6\)"):
        one_shot.derive(torch.zeros(5, 6))


CELL_OPS = ("nor_conv_3x3", "skip_connect", "none", "avg_pool_3x3", "nor_conv_1x1", "nor_conv_3x3")


# -- second-order quantities ----------------------------------------------------------------------
def _tiny_problem():
    g = torch.Generator().manual_seed(0)
    d = dict(dtype=torch.float64)
    data = {split: (torch.randn(32, 3, generator=g, **d), torch.randint(0, 2, (32,), generator=g))
            for split in ("train", "val")}
    w = [torch.randn(3, 3, 4, generator=g, **d).requires_grad_(), torch.randn(4, 2, generator=g, **d).requires_grad_()]
    alpha = (0.5 * torch.randn(3, generator=g, **d)).requires_grad_()

    def loss(weights, a, split):
        x, y = data[split]
        mix, head = weights
        acts = (torch.tanh, F.softplus, lambda t: t)
        h = sum(p * act(x @ m) for p, act, m in zip(torch.softmax(a, 0), acts, mix))
        return F.cross_entropy(h @ head, y)

    return w, alpha, loss


def test_finite_difference_hypergradient_matches_autograd_through_one_unrolled_step():
    w, alpha, loss = _tiny_problem()
    xi = 0.5
    grads = torch.autograd.grad(loss(w, alpha, "train"), w, create_graph=True)
    unrolled = [p - xi * g for p, g in zip(w, grads)]
    exact = torch.autograd.grad(loss(unrolled, alpha, "val"), alpha)[0]
    first_order = torch.autograd.grad(loss(w, alpha, "val"), alpha)[0]
    before = [p.detach().clone() for p in w]
    fd = one_shot.unrolled_hypergradient(lambda: loss(w, alpha, "train"), lambda: loss(w, alpha, "val"), w,
                                         [alpha], xi)[0]
    assert all(torch.equal(p, q) for p, q in zip(w, before))  # the weights are restored
    error = (fd - exact).norm()
    second_order_term = (exact - first_order).norm()
    assert error < 1e-3 * second_order_term  # a missing term or a wrong sign would be off by the whole term
    assert second_order_term > 1e-2 * exact.norm()
    flipped = 2 * (fd - first_order) + first_order  # what a sign error on the Hessian term would give... twice off
    assert (flipped - exact).norm() > 100 * error
    xi0 = one_shot.unrolled_hypergradient(lambda: loss(w, alpha, "train"), lambda: loss(w, alpha, "val"), w,
                                          [alpha], 0.0)[0]
    assert torch.allclose(xi0, first_order)


def test_power_iteration_finds_the_dominant_eigenvalue_of_the_explicit_hessian():
    g = torch.Generator().manual_seed(0)
    q, _ = torch.linalg.qr(torch.randn(5, 5, generator=g, dtype=torch.float64))
    a = q @ torch.diag(torch.tensor([-6.0, 2.0, 1.0, 0.5, 0.1], dtype=torch.float64)) @ q.T
    p = torch.randn(5, generator=g, dtype=torch.float64).requires_grad_()

    def loss(v):
        return 0.5 * v @ a @ v + 0.1 * torch.sin(v).sum()

    eig = torch.linalg.eigvalsh(torch.autograd.functional.hessian(loss, p.detach()))
    dominant = eig[eig.abs().argmax()].item()
    estimate = one_shot.dominant_eigenvalue(lambda: loss(p), [p], 60, torch.Generator().manual_seed(1))
    assert dominant < -5  # the negative one dominates: the estimate must keep the sign
    assert estimate == pytest.approx(dominant, rel=1e-4)
    with pytest.raises(ValueError, match="iterations must be a positive integer, got 0"):
        one_shot.dominant_eigenvalue(lambda: loss(p), [p], 0)


# -- the search -----------------------------------------------------------------------------------
def test_darts_search_records_one_trial_per_epoch_and_is_deterministic_for_a_seed(tmp_path):
    space, task = tiny_space(), tiny_task((1, 6, 6))  # 2D
    config = nm.TrainingConfig(epochs=2, threads=1, batch_size=32)
    kwargs = dict(seed=3, eigen_iterations=3, eigen_samples=64)
    first = one_shot.search("darts", task, space, config, journal=tmp_path / "j.jsonl", **kwargs)
    again = one_shot.search("darts", task, space, config, **kwargs)
    other = one_shot.search("darts", task, space, config, **{**kwargs, "seed": 4})
    assert [t.candidate.info["epoch"] for t in first] == [1, 2]
    assert [t.candidate.info for t in first] == [t.candidate.info for t in again]
    assert [t.score for t in first] == [t.score for t in again]
    assert [t.candidate.info["alphas"] for t in first] != [t.candidate.info["alphas"] for t in other]
    for trial in first:
        m = trial.measurement.metrics
        assert trial.arch in space and 0 <= trial.score <= 1 and trial.cost > 0
        assert m["parameter_free_share"] == one_shot.parameter_free_share(trial.arch)
        probs = torch.tensor(trial.candidate.info["alphas"])
        assert probs.shape == (6, 5) and torch.allclose(probs.sum(1), torch.ones(6), atol=1e-5)
        assert space.from_str(space.to_str(one_shot.derive(probs))) == trial.arch  # the cell is alpha's argmax
    assert first.trials[-1].measurement.metrics["search_seconds"] == pytest.approx(first.total_cost)
    journaled = nm.Journal(tmp_path / "j.jsonl").read(space)
    assert [t.arch for t in journaled] == [t.arch for t in first]
    assert one_shot.result(first) == first.trials[-1].arch


def test_on_epoch_end_sees_the_supernet_and_leaves_the_search_unchanged():
    space, task = tiny_space(), tiny_task()
    config = nm.TrainingConfig(epochs=2, threads=1, batch_size=32)
    seen = []

    def score_other_cells(epoch, supernet, arch):  # what a benchmark does: other paths, recalibrated
        for cell in (space.sample(nm.default_rng(epoch)), arch.derive()):
            one_shot.discretize(supernet, cell)
            supernet.recalibrate(task.x_train[:64], 32)
            with torch.no_grad():
                seen.append((epoch, float(supernet.eval()(task.x_val[:8]).sum())))

    plain = one_shot.search("darts", task, space, config, seed=1, eigen_iterations=2)
    hooked = one_shot.search("darts", task, space, config, seed=1, eigen_iterations=2, on_epoch_end=score_other_cells)
    assert [e for e, _ in seen] == [1, 1, 2, 2]
    assert [t.candidate.info for t in hooked] == [t.candidate.info for t in plain]
    assert [t.measurement.metrics["eigenvalue"] for t in hooked] == [t.measurement.metrics["eigenvalue"] for t in plain]
    assert [t.measurement.metrics["relaxed_val_accuracy"] for t in hooked] == \
        [t.measurement.metrics["relaxed_val_accuracy"] for t in plain]


@pytest.mark.parametrize("method, options", [("darts", {"order": 2}), ("gdas", {})])
def test_second_order_darts_and_gdas_search_a_1d_task(method, options):
    history = one_shot.search(method, tiny_task(), tiny_space(), nm.TrainingConfig(epochs=2, threads=1,
                              batch_size=32), seed=0, eigen_iterations=2, **options)
    assert len(history) == 2 and all(t.ok and 0 <= t.score <= 1 for t in history)
    assert all(t.candidate.info["method"] == ("darts-2" if method == "darts" else "gdas") for t in history)
    if method == "gdas":
        assert [t.candidate.info["tau"] for t in history] == [10.0, pytest.approx(0.1)]


def test_darts_es_stops_on_eigenvalue_growth_and_returns_the_cell_from_before():
    config = one_shot.DartsConfig(early_stop_window=2)
    assert _early_stop([1.0, 1.0, 1.1, 1.2], config) == (False, None)
    assert _early_stop([1.0, 1.0, 1.5, 1.5], config) == (True, 2)
    assert _early_stop([1.0, 1.0, 1.5], config) == (False, None)  # needs 2k epochs
    assert _early_stop([1.0, 1.0, 9.0, 9.0], one_shot.DartsConfig()) == (False, None)  # off by default
    space = tiny_space()
    cells = [space.sample(nm.default_rng(i)) for i in range(4)]
    history = nm.History(space)
    for epoch, cell in enumerate(cells, start=1):
        info = {"epoch": epoch, **({"early_stop": {"result_epoch": 2}} if epoch == 4 else {})}
        history.append(Trial(epoch - 1, Candidate(cell, epoch, info), TrialState.COMPLETE, Measurement(0.5, 1.0)))
    assert one_shot.result(history) == cells[1]


def test_early_stop_option_stops_the_search_and_keeps_the_cell_from_before():
    def run(**options):
        return one_shot.search("darts", tiny_task(), tiny_space(), nm.TrainingConfig(epochs=3, threads=1,
                               batch_size=32), seed=0, eigen_iterations=5, early_stop_window=1, **options)

    eager = run(early_stop_ratio=1e-9)  # any positive eigenvalue after a positive one "grows" past 1e-9
    assert [t.measurement.metrics["eigenvalue"] > 0 for t in eager] == [True, True]
    assert eager.trials[-1].candidate.info["early_stop"] == {"result_epoch": 1}
    assert one_shot.result(eager) == eager.trials[0].arch
    patient = run()  # the paper's ratio 4/3: these eigenvalues do not grow that much
    assert len(patient) == 3 and not any("early_stop" in t.candidate.info for t in patient)


def test_bad_configuration_is_refused_with_the_fix():
    with pytest.raises(nm.ConfigurationError, match="needs an NB201Space"):
        one_shot.search("darts", "digits", nm.SPACES.create("chain-small"))
    with pytest.raises(KeyError, match="valid choices: darts, gdas"):
        one_shot.search("enas", "digits", tiny_space())
    with pytest.raises(ValueError, match="order must be 1 .* or 2 .*got 3"):
        one_shot.search("darts", "digits", tiny_space(), order=3)
    with pytest.raises(ValueError, match="tau_min=0"):
        one_shot.GdasConfig(tau_min=0)
    with pytest.raises(ValueError, match="early_stop_window needs the eigenvalue"):
        one_shot.DartsConfig(early_stop_window=2, eigen_iterations=0)
    with pytest.raises(nm.ConfigurationError, match="whole epochs, got epochs=1.5"):
        one_shot.search("darts", "digits", tiny_space(), nm.TrainingConfig(epochs=1.5))


def test_quick_benchmark_reports_every_method_against_the_ground_truth(tmp_path):
    from benchmark_scripts import load
    bench = load("one_shot")
    out = tmp_path / "one_shot.json"
    results = bench.main(["--quick", "--methods", "DARTS-V1", "DARTS-V2", "GDAS", "--out", str(out)])
    assert json.loads(out.read_text()) == json.loads(json.dumps(results))
    assert [r["method"] for r in results["rows"]] == ["DARTS-V1", "DARTS-V2", "GDAS"]
    for row in results["rows"]:
        assert 0 <= row["test_accuracy"] <= 1 and 0 <= row["percentile"] <= 100
        assert 0 < row["cifar10_test_accuracy"] < 1 and len(row["eigenvalue"]) == 1
        assert row["search_cpu_seconds"] > 0
    assert results["paper_cifar10_test_percent"]["GDAS"] == 93.61
    with pytest.raises(SystemExit):
        bench.parse_args(["--epochs", "0"])
