"""The training estimator and final training, on small networks of the chain space."""
import math

import pytest
import torch

import naslib_mini as nm
from naslib_mini.estimators.routines import TrainingConfig, torch_threads
from naslib_mini.estimators.training import TrainingEstimator
from small_chain import arch, digits, refuse_to_build, space  # noqa: F401 (fixtures)

FAST = dict(epochs=1, batch_size=64, threads=1)


def test_registered_and_accepts_names(space):
    est = nm.ESTIMATORS.create("training", task="digits", space=space, epochs=2, task_seed=3)
    assert isinstance(est, TrainingEstimator)
    assert est.config.epochs == 2 and est.task.spec.name == "digits"
    assert torch.equal(est.task.x_val, nm.TASKS.create("digits", seed=3).x_val)


def test_estimate_returns_sane_metrics(digits, space, arch):
    est = TrainingEstimator(digits, space, TrainingConfig(epochs=3, threads=1))
    m = est.estimate(arch)
    assert set(m.metrics) == {"val_accuracy", "val_loss", "train_loss", "params", "flops", "epochs"}
    assert m.score == m.metrics["val_accuracy"]
    assert 0.5 < m.score <= 1.0  # a conv net learns digits in 3 epochs; chance is 0.1
    assert m.metrics["epochs"] == 3
    assert m.metrics["params"] == nm.count_params(nm.build_network(space, arch, digits.spec))
    assert m.metrics["flops"] > 0 and m.cost > 0
    assert math.isfinite(m.metrics["val_loss"]) and m.metrics["train_loss"] < math.log(10)


def test_same_seed_same_metrics_other_seed_other_metrics(digits, space, arch):
    first = TrainingEstimator(digits, space, TrainingConfig(seed=0, **FAST)).estimate(arch)
    again = TrainingEstimator(digits, space, TrainingConfig(seed=0, **FAST)).estimate(arch)
    other = TrainingEstimator(digits, space, TrainingConfig(seed=1, **FAST)).estimate(arch)
    keys = ("val_accuracy", "val_loss", "train_loss")
    assert [first.metrics[k] for k in keys] == [again.metrics[k] for k in keys]
    assert first.metrics["val_loss"] != other.metrics["val_loss"]


def test_global_torch_rng_and_threads_untouched(digits, space, arch):
    threads = torch.get_num_threads()
    state = torch.get_rng_state()
    TrainingEstimator(digits, space, TrainingConfig(epochs=0.2, threads=1)).estimate(arch)
    assert torch.equal(torch.get_rng_state(), state)
    assert torch.get_num_threads() == threads


def test_threads_are_set_during_training(digits, space, arch, monkeypatch):
    seen = []
    real = nm.estimators.training.fit

    def spy(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return real(*args, **kwargs)

    monkeypatch.setattr(nm.estimators.training, "fit", spy)
    TrainingEstimator(digits, space, TrainingConfig(epochs=0.1, threads=1)).estimate(arch)
    assert seen == [1]


def test_budget_is_epochs_and_changes_training(digits, space, arch):
    est = TrainingEstimator(digits, space, TrainingConfig(epochs=5, threads=1))
    short, longer = est.estimate(arch, budget=0.5), est.estimate(arch, budget=2)
    assert (short.metrics["epochs"], longer.metrics["epochs"]) == (0.5, 2)
    assert longer.metrics["train_loss"] < short.metrics["train_loss"]
    with pytest.raises(ValueError, match="budget must be a positive number of epochs, got 0"):
        est.estimate(arch, budget=0)


def test_budget_counts_optimizer_steps(digits, space, arch, monkeypatch):
    steps = []
    real_step = torch.optim.SGD.step
    def counted_step(self, *args, **kwargs):
        steps.append(1)
        return real_step(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.SGD, "step", counted_step)
    est = TrainingEstimator(digits, space, TrainingConfig(batch_size=100, threads=1))
    est.estimate(arch, budget=2)
    assert len(steps) == 2 * (len(digits.x_train) // 100)


def test_diverging_loss_fails_the_candidate(digits, space, arch):
    est = TrainingEstimator(digits, space, TrainingConfig(lr=1e6, schedule="constant", epochs=2, threads=1))
    with pytest.raises(nm.CandidateFailed, match="training loss became (nan|inf)"):
        est.estimate(arch)


def test_timeout_fails_the_candidate(digits, space, arch):
    est = TrainingEstimator(digits, space, TrainingConfig(timeout_seconds=1e-6, epochs=50, threads=1))
    with pytest.raises(nm.CandidateFailed, match="timeout_seconds=1e-06"):
        est.estimate(arch)


def test_failures_become_failed_trials_in_a_search(digits, space):
    est = TrainingEstimator(digits, space, TrainingConfig(lr=1e6, schedule="constant", epochs=1, threads=1))
    history = nm.run(nm.STRATEGIES.create("random", space=space, seed=0), est, nm.Budget(trials=1))
    assert not history.trials[0].ok and "CandidateFailed" in history.trials[0].error


@pytest.mark.parametrize("optimizer, schedule", [("adam", "onecycle"), ("adamw", "constant"), ("sgd", "cosine")])
def test_every_optimizer_and_schedule_trains(digits, space, arch, optimizer, schedule):
    lr = 0.1 if optimizer == "sgd" else 0.01
    config = TrainingConfig(optimizer=optimizer, schedule=schedule, lr=lr, epochs=2, threads=1,
                            label_smoothing=0.1)
    m = TrainingEstimator(digits, space, config).estimate(arch)
    assert m.metrics["train_loss"] < 1.5 < math.log(10) and m.score > 0.25  # chance: 2.30 and 0.1


@pytest.mark.parametrize("kwargs, message", [
    ({"optimizer": "rmsprop"}, "unknown optimizer 'rmsprop'; valid choices: sgd, adam, adamw"),
    ({"schedule": "step"}, "unknown schedule 'step'; valid choices: cosine, onecycle, constant"),
    ({"epochs": 0}, "epochs must be a positive number, got 0"),
    ({"lr": -1.0}, "lr must be a positive number, got -1.0"),
    ({"momentum": 1.0}, r"momentum must lie in \[0, 1\), got 1.0"),
    ({"threads": 0}, "threads must be a positive integer or None, got 0"),
    ({"timeout_seconds": 0}, "timeout_seconds must be positive or None, got 0"),
    ({"device": "toaster"}, "invalid device 'toaster'"),
])
def test_bad_config_raises_naming_value_and_choices(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TrainingConfig(**kwargs)


def test_unknown_override_lists_valid_options(space):
    with pytest.raises(TypeError, match="unknown training option.* epoch; valid choices: .*epochs"):
        TrainingEstimator("digits", space, epoch=3)


def test_constructing_builds_no_task_and_no_space(monkeypatch):
    refuse_to_build(monkeypatch)
    est = TrainingEstimator("mnist1d", "chain", epochs=1)
    assert repr(est).startswith("TrainingEstimator(task='mnist1d', space='chain', ")
    with pytest.raises(nm.ConfigurationError, match="cannot build task 'mnist1d'.*built 'mnist1d' too early"):
        est.task  # the first use builds it


def test_a_task_that_cannot_be_built_stops_the_search_before_any_trial(space, monkeypatch, tmp_path):
    def broken(name, /, **kwargs):
        raise OSError(f"cannot write the cache for {name}")
    monkeypatch.setattr(nm.TASKS, "create", broken)
    est = TrainingEstimator("mnist1d", space, epochs=1)
    journal = tmp_path / "journal.jsonl"
    with pytest.raises(nm.ConfigurationError, match="cannot build task 'mnist1d'.*OSError: cannot write the cache"):
        nm.run(nm.STRATEGIES.create("random", space=space, seed=0), est, nm.Budget(trials=3), journal=journal)
    assert not journal.exists()


def test_task_and_space_are_built_once_on_first_use(space):
    est = TrainingEstimator("digits", "chain", epochs=1)
    assert est.task is est.task and est.space is est.space
    assert est.space.name == "chain" and est.task.spec.name == "digits"


def test_bad_names_are_reported_at_construction(space, monkeypatch):
    refuse_to_build(monkeypatch)
    with pytest.raises(KeyError, match="unknown task 'mnist2d'; valid choices: .*digits, .*mnist1d"):
        TrainingEstimator("mnist2d", space)
    with pytest.raises(KeyError, match="unknown search space 'chian'; valid choices: .*chain"):
        TrainingEstimator("digits", "chian")


def test_torch_threads_restores_after_an_error():
    before = torch.get_num_threads()
    with pytest.raises(RuntimeError), torch_threads(1):
        assert torch.get_num_threads() == 1
        raise RuntimeError("boom")
    assert torch.get_num_threads() == before


def test_train_final_reports_test_accuracy_and_a_working_model(digits, space, arch):
    config = TrainingConfig(epochs=2, threads=1)
    result = nm.train_final(digits, space, arch, config, latency_repeats=3)
    again = nm.train_final(digits, space, arch, config, latency_repeats=3)
    assert isinstance(result, nm.FinalResult)
    assert result.val_accuracy is None and 0.5 < result.test_accuracy <= 1.0
    assert result.test_accuracy == again.test_accuracy and result.test_loss == again.test_loss
    assert result.params == nm.count_params(result.model) and result.flops > 0
    assert result.latency_ms > 0 and result.seconds > 0 and result.epochs == 2
    assert not result.model.training
    with torch.no_grad():
        predicted = result.model(digits.x_test).argmax(1)
    assert (predicted == digits.y_test).float().mean().item() == pytest.approx(result.test_accuracy)
    assert result.test_errors == tuple(torch.nonzero(predicted != digits.y_test).flatten().tolist())
    assert result.test_errors == again.test_errors and 0 < len(result.test_errors) < len(digits.y_test)
    assert set(result.metrics()) == {"test_accuracy", "test_loss", "params", "flops", "latency_ms",
                                     "seconds", "epochs"}


def test_train_final_without_merging_reports_validation(digits, space, arch):
    result = nm.train_final(digits, space, arch, TrainingConfig(epochs=1, threads=1),
                            merge_validation=False, latency_repeats=1)
    assert 0 <= result.val_accuracy <= 1 and "val_accuracy" in result.metrics()


def test_train_final_uses_the_validation_data(digits, space, arch, monkeypatch):
    sizes = []
    real = nm.estimators.final.fit
    def spy(model, x, y, *args, **kwargs):
        sizes.append(len(x))
        return real(model, x, y, *args, **kwargs)

    monkeypatch.setattr(nm.estimators.final, "fit", spy)
    nm.train_final(digits, space, arch, TrainingConfig(epochs=0.1, threads=1), latency_repeats=1)
    assert sizes == [len(digits.x_train) + len(digits.x_val)]


def test_one_dimensional_user_tensors(space):
    generator = torch.Generator().manual_seed(0)
    y = torch.arange(120) % 3
    x = torch.randn(120, 2, 24, generator=generator) + y[:, None, None]  # learnable: the mean is the class
    task = nm.TASKS.create("tensors", x=x, y=y, seed=0)
    m = TrainingEstimator(task, space, epochs=3, batch_size=16, threads=1).estimate(space.sample(nm.default_rng(0)))
    assert m.metrics["flops"] > 0 and 0 <= m.score <= 1 and math.isfinite(m.metrics["val_loss"])


def test_loss_objective_scores_minus_the_validation_loss(digits, space, arch):
    config = TrainingConfig(epochs=1, threads=1, batch_size=64)
    by_accuracy = TrainingEstimator(digits, space, config).estimate(arch)
    by_loss = TrainingEstimator(digits, space, config, objective="loss").estimate(arch)
    assert by_accuracy.metrics == by_loss.metrics  # the same training, scored two ways
    assert by_accuracy.score == by_loss.metrics["val_accuracy"]
    assert by_loss.score == -by_loss.metrics["val_loss"]
    calibrated = TrainingEstimator(digits, space, config, objective="calibrated-loss").estimate(arch)
    extra = {"val_loss_calibrated", "val_temperature"}
    assert {k: v for k, v in calibrated.metrics.items() if k not in extra} == by_loss.metrics
    assert calibrated.score == -calibrated.metrics["val_loss_calibrated"]
    assert 0 < calibrated.metrics["val_loss_calibrated"] <= by_loss.metrics["val_loss"]
    assert calibrated.metrics["val_temperature"] > 0
    with pytest.raises(ValueError, match="unknown objective 'f1'; valid choices: accuracy, loss, calibrated-loss"):
        TrainingEstimator(digits, space, config, objective="f1")
