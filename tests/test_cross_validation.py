"""Cross-validation of candidates: k trainings on k folds, averaged."""
import math

import pytest

import naslib_mini as nm
from naslib_mini.estimators.cross_validation import CrossValidationEstimator, combine
from naslib_mini.estimators.routines import TrainingConfig
from naslib_mini.estimators.training import TrainingEstimator
from small_chain import arch, digits, refuse_to_build, space  # noqa: F401 (fixtures)

CONFIG = TrainingConfig(epochs=1, batch_size=64, threads=1)


def test_fold_zero_is_the_training_estimator_on_the_task_itself(digits, space, arch):
    cv = CrossValidationEstimator(digits, space, CONFIG, folds=3, objective="loss")
    plain = TrainingEstimator(digits, space, CONFIG, objective="loss").estimate(arch)
    assert dict(cv.estimate_fold(arch, 0).metrics) == dict(plain.metrics)


def test_estimate_averages_the_folds_and_adds_their_spread(digits, space, arch):
    cv = nm.ESTIMATORS.create("cross-validation", task=digits, space=space, config=CONFIG, folds=3)
    folds = [cv.estimate_fold(arch, i) for i in range(3)]
    m = cv.estimate(arch)
    assert m.metrics["folds"] == 3
    assert m.score == pytest.approx(sum(f.score for f in folds) / 3)
    assert m.metrics["val_loss"] == pytest.approx(sum(f.metrics["val_loss"] for f in folds) / 3)
    assert m.metrics["score_std"] > 0  # different validation blocks, different scores
    assert m.metrics["params"] == folds[0].metrics["params"]
    assert len({f.metrics["val_accuracy"] for f in folds}) > 1


def test_same_seed_same_estimate(digits, space, arch):
    a, b = (CrossValidationEstimator(digits, space, CONFIG, folds=2).estimate(arch) for _ in range(2))
    assert a.score == b.score and dict(a.metrics) == dict(b.metrics)


def test_budget_and_overrides_reach_every_fold(space, arch):
    cv = nm.ESTIMATORS.create("cv", task="digits", space=space, folds=2, epochs=3, threads=1, batch_size=64)
    assert cv.estimate_fold(arch, 1, budget=1).metrics["epochs"] == 1
    assert cv.estimate(arch, budget=2).metrics["epochs"] == 2


def test_a_failing_fold_fails_the_candidate_in_a_search(digits, space):
    cv = CrossValidationEstimator(digits, space, TrainingConfig(lr=1e6, schedule="constant", epochs=1, threads=1),
                                  folds=2)
    history = nm.run(nm.STRATEGIES.create("random", space=space, seed=0), cv, nm.Budget(trials=1))
    assert not history.trials[0].ok and "CandidateFailed" in history.trials[0].error


def test_combine_means_scores_and_metrics_sums_costs():
    m = combine([nm.Measurement(0.5, 2.0, {"val_loss": 1.0, "only_here": 3.0}),
                 nm.Measurement(0.7, 3.0, {"val_loss": 2.0})])
    assert m.score == pytest.approx(0.6) and m.cost == 5.0
    assert m.metrics["val_loss"] == 1.5 and "only_here" not in m.metrics
    assert m.metrics["score_std"] == pytest.approx(math.sqrt(0.02))
    assert combine([nm.Measurement(0.5, 1.0)]).metrics == {"folds": 1.0, "score_std": 0.0}


def test_bad_arguments_name_the_value(digits, space, arch):
    with pytest.raises(ValueError, match="folds must be an integer of at least 2, got 1"):
        CrossValidationEstimator(digits, space, CONFIG, folds=1)
    too_many = CrossValidationEstimator(digits, space, CONFIG, folds=400)  # the task's size is known on first use
    with pytest.raises(ValueError, match=r"count must be an integer from 1 to \d+ .*got 400"):
        too_many.estimate(arch)
    with pytest.raises(ValueError, match="unknown objective 'speed'"):
        CrossValidationEstimator(digits, space, CONFIG, folds=2, objective="speed")
    cv = CrossValidationEstimator(digits, space, CONFIG, folds=2)
    with pytest.raises(ValueError, match="fold must be an integer from 0 to 1, got 2"):
        cv.estimate_fold(arch, 2)
    with pytest.raises(ValueError, match="at least one fold's measurement, got none"):
        combine([])


def test_constructing_builds_no_task_and_no_folds(space, monkeypatch):
    refuse_to_build(monkeypatch)
    cv = CrossValidationEstimator("mnist1d", space, CONFIG, folds=5)
    assert repr(cv).startswith("CrossValidationEstimator(task='mnist1d', space='chain', folds=5, ")
    with pytest.raises(KeyError, match="unknown task 'mnist2d'"):
        CrossValidationEstimator("mnist2d", space, CONFIG)
    with pytest.raises(TypeError, match="unknown training option.* epoch;"):
        CrossValidationEstimator("mnist1d", space, CONFIG, epoch=3)
