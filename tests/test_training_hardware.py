"""The training estimator's hardware metrics: measured latency as an objective and a constraint of a search."""
import pytest

import naslib_mini as nm
from naslib_mini.estimators.routines import TrainingConfig
from naslib_mini.estimators.training import TrainingEstimator
from small_chain import arch, digits, space  # noqa: F401 (fixtures)

FAST = dict(epochs=1, batch_size=64, threads=1)


def test_hardware_adds_measured_latency_and_memory_without_changing_training(digits, space, arch):
    plain = TrainingEstimator(digits, space, TrainingConfig(**FAST)).estimate(arch)
    measured = TrainingEstimator(digits, space, TrainingConfig(**FAST), hardware=("torch",),
                                 latency_repeats=3).estimate(arch)
    assert set(measured.metrics) - set(plain.metrics) == {"latency_ms", "latency_iqr_ms", "peak_memory_mb"}
    assert measured.metrics["latency_ms"] > 0 and measured.metrics["latency_iqr_ms"] >= 0
    assert measured.metrics["peak_memory_mb"] > 0
    for name in ("val_accuracy", "val_loss", "train_loss", "params", "flops"):
        assert measured.metrics[name] == plain.metrics[name]  # the measurement follows training, never alters it
    assert measured.score == plain.score


def test_a_latency_constraint_is_enforced_by_the_loop(digits, space):
    estimator = TrainingEstimator(digits, space, TrainingConfig(**FAST), hardware="torch", latency_repeats=3)
    strategy = nm.STRATEGIES.create("nsga2", space=space, seed=0, population_size=2,
                                    objectives=["score", "params", "latency_ms"])
    history = nm.run(strategy, estimator, nm.Budget(trials=3), constraints=["latency_ms <= 1e-9"])
    assert len(history.completed()) == 3
    assert all(t.measurement.metrics["constraint_violation"] > 0 for t in history.completed())
    assert history.best() is None  # a network faster than a nanosecond does not exist: nothing is feasible


@pytest.mark.parametrize("kwargs, message", [
    (dict(hardware=("tpu",)), "unknown hardware runtime 'tpu'; valid choices: torch, onnxruntime"),
    (dict(hardware=("torch",), latency_repeats=0), "latency_repeats must be a positive integer, got 0")])
def test_bad_hardware_options_name_the_value(space, kwargs, message):
    with pytest.raises(ValueError, match=message):
        TrainingEstimator("digits", space, TrainingConfig(**FAST), **kwargs)
