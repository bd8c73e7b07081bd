"""Proxy tasks as options of the training estimator: a data fraction, a width multiplier, a resolution."""
import pytest
import torch

import naslib_mini as nm
from naslib_mini.estimators.proxy_task import ProxyTask, stratified_subset
from naslib_mini.estimators.training import TrainingEstimator
from small_chain import arch, digits, space  # noqa: F401 (fixtures)

FAST = dict(epochs=1, threads=1)


def test_a_data_fraction_trains_on_a_stratified_seeded_subset(digits, space, arch, monkeypatch):
    est = TrainingEstimator(digits, space, data_fraction=0.25, **FAST)
    counts = torch.bincount(digits.y_train, minlength=10)
    kept = torch.bincount(est.task.y_train, minlength=10)
    assert torch.all((kept - counts * 0.25).abs() <= 0.5)  # a quarter of every class
    assert len(est.task.x_train) < 0.26 * len(digits.x_train)
    assert torch.equal(est.task.x_val, digits.x_val) and torch.equal(est.task.x_test, digits.x_test)
    again = TrainingEstimator(digits, space, data_fraction=0.25, **FAST)
    other = TrainingEstimator(digits, space, data_fraction=0.25, task_seed=1, **FAST)
    assert torch.equal(again.task.x_train, est.task.x_train)
    assert not torch.equal(other.task.x_train, est.task.x_train)
    seen = []
    real_fit = nm.estimators.training.fit

    def counting_fit(model, x, y, config, **kwargs):
        seen.append(len(x))
        return real_fit(model, x, y, config, **kwargs)

    monkeypatch.setattr(nm.estimators.training, "fit", counting_fit)
    m = est.estimate(arch)
    assert m.metrics["data_fraction"] == 0.25
    assert seen == [len(est.task.x_train)]  # the network saw only the subset


def test_stratified_subset_keeps_one_of_a_rare_class():
    labels = torch.tensor([0] * 20 + [1])
    idx = stratified_subset(labels, 0.1, seed=0)
    assert torch.bincount(labels[idx]).tolist() == [2, 1]
    assert idx.tolist() == sorted(idx.tolist())


def test_half_width_has_about_a_quarter_of_the_parameters(digits, space, arch):
    full = TrainingEstimator(digits, space, **FAST).estimate(arch)
    half = TrainingEstimator(digits, space, width_multiplier=0.5, **FAST).estimate(arch)
    assert half.metrics["width_multiplier"] == 0.5 and "width_multiplier" not in full.metrics
    assert 0.2 < half.metrics["params"] / full.metrics["params"] < 0.35
    assert half.metrics["flops"] < full.metrics["flops"] / 2
    net = nm.build_network(space, arch, digits.spec, width_multiplier=0.5)
    assert net.stem[0].out_channels == 4 and net.head[-1].in_features == 8  # 8 -> 4, 16 -> 8


def test_width_multiplier_scales_the_nb201_cells(nb201_space):
    spec = nm.TaskSpec("toy", (3, 16, 16), 10)
    arch = nb201_space.sample(nm.default_rng(0))
    wide = nm.build_network(nb201_space, arch, spec, width_multiplier=2)
    assert wide.head[-1].in_features == 4 * 32
    assert tuple(wide(torch.zeros(2, 3, 16, 16)).shape) == (2, 10)


def test_a_lower_resolution_shrinks_every_split_of_a_2d_task(digits, space, arch):
    est = TrainingEstimator(digits, space, resolution=4, **FAST)
    assert est.task.spec.input_shape == (1, 4, 4)
    assert {tuple(x.shape[1:]) for x in (est.task.x_train, est.task.x_val, est.task.x_test)} == {(1, 4, 4)}
    assert torch.allclose(est.task.x_val[:, :, 0, 0], digits.x_val[:, :, :2, :2].mean(dim=(2, 3)))  # area mean
    m = est.estimate(arch)
    assert m.metrics["resolution_height"] == m.metrics["resolution_width"] == 4
    assert m.metrics["flops"] < TrainingEstimator(digits, space, **FAST).estimate(arch).metrics["flops"]
    assert TrainingEstimator(digits, space, resolution=(6, 4), **FAST).task.spec.input_shape == (1, 6, 4)


def test_resolution_is_a_configuration_error_for_1d_or_larger_inputs(digits, space):
    one_d = nm.Task.from_tensors(torch.randn(50, 1, 16), torch.arange(50) % 2, seed=0)
    with pytest.raises(nm.ConfigurationError, match=r"resolution=4 needs a 2D task, but task 'tensors' "
                                                    r"has input shape \(1, 16\) \(1D\)"):
        TrainingEstimator(one_d, space, resolution=4).task
    with pytest.raises(nm.ConfigurationError, match=r"resolution=16 is larger than the inputs of task 'digits'"):
        TrainingEstimator(digits, space, resolution=16).task


@pytest.mark.parametrize("options, message", [
    (dict(data_fraction=0), "data_fraction must lie in \\(0, 1\\], got 0"),
    (dict(data_fraction=1.5), "data_fraction must lie in \\(0, 1\\], got 1.5"),
    (dict(width_multiplier=-1), "width_multiplier must be a positive number, got -1"),
    (dict(resolution=0), "resolution must be a positive integer or a pair of them, got 0"),
    (dict(resolution=(4, 4, 4)), "resolution must be a positive integer or a pair of them, got \\(4, 4, 4\\)"),
    (dict(resolution=2.5), "resolution must be a positive integer or a pair of them, got 2.5"),
])
def test_bad_proxy_options_name_the_value(digits, space, options, message):
    with pytest.raises(ValueError, match=message):
        TrainingEstimator(digits, space, **options)


def test_the_default_is_the_task_itself(digits, space):
    est = TrainingEstimator(digits, space)
    assert ProxyTask().is_identity and est.task is digits and ProxyTask().metrics() == {}


def test_cross_validation_refuses_the_options_its_folds_would_not_share(space):
    with pytest.raises(TypeError, match="does not support data_fraction, width_multiplier"):
        nm.CrossValidationEstimator("digits", space, data_fraction=0.5, width_multiplier=0.5)
