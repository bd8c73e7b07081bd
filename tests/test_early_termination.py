"""Early termination (Domhan et al. 2015) as a per-epoch hook of the one training loop."""
import json

import pytest
import torch

import naslib_mini as nm
from naslib_mini.estimators.early_termination import DomhanTermination
from naslib_mini.estimators.routines import TrainingConfig, evaluate, fit, seeded
from naslib_mini.estimators.training import TrainingEstimator, curve_from_metrics
from small_chain import arch, digits, space  # noqa: F401 (fixtures)

SLOW = dict(epochs=10, lr=0.01, threads=1)  # a rising curve over ten epochs


def trained(space, arch, digits, epochs, hook=None):
    """A fresh network trained by ``fit`` with ``hook``; returns the model and the last epoch's loss."""
    with seeded(0):
        model = nm.build_network(space, arch, digits.spec)
    loss = fit(model, digits.x_train, digits.y_train, TrainingConfig(lr=0.01), epochs=epochs, seed=1,
               on_epoch_end=hook)
    return model, loss


def test_the_hook_is_called_once_after_each_complete_epoch(digits, space, arch):
    seen = []
    trained(space, arch, digits, 3, lambda epoch, model: seen.append((epoch, model.training)))
    assert seen == [(1, True), (2, True), (3, True)]
    seen.clear()
    trained(space, arch, digits, 2.5, lambda epoch, model: seen.append(epoch))
    assert seen == [1, 2]  # the final half epoch is not a complete one


def test_a_hook_that_never_stops_changes_nothing_and_one_that_stops_cuts_training(digits, space, arch):
    plain, plain_loss = trained(space, arch, digits, 3)
    evaluated = []

    def watch(epoch, model):
        evaluated.append(evaluate(model, digits.x_val, digits.y_val))
        return False

    watched, watched_loss = trained(space, arch, digits, 3, watch)
    assert len(evaluated) == 3 and watched_loss == plain_loss
    assert all(torch.equal(a, b) for a, b in zip(plain.state_dict().values(), watched.state_dict().values()))
    calls = []
    stopped, _ = trained(space, arch, digits, 3, lambda epoch, model: calls.append(epoch) or epoch == 1)
    assert calls == [1]
    one, _ = trained(space, arch, digits, 1)
    assert not all(torch.equal(a, b) for a, b in zip(one.state_dict().values(), plain.state_dict().values()))
    assert not all(torch.equal(a, b) for a, b in zip(stopped.state_dict().values(), plain.state_dict().values()))


def test_a_hopeless_run_stops_early_scored_by_its_prediction(digits, space, arch):
    full = TrainingEstimator(digits, space, record_curve=True, **SLOW).estimate(arch)
    rule = DomhanTermination(min_epochs=3, best=0.999)
    cut = TrainingEstimator(digits, space, early_termination=rule, **SLOW).estimate(arch)
    stopped = cut.metrics["stopped_epoch"]
    assert 3 <= stopped < 10 and cut.metrics["epochs"] == stopped
    assert cut.score == cut.metrics["predicted_accuracy"] < 0.999
    assert cut.metrics["predicted_std"] > 0
    epochs, values = curve_from_metrics(cut.metrics)
    assert epochs == list(range(1, int(stopped) + 1))
    assert values == curve_from_metrics(full.metrics)[1][:len(values)]  # the same run, cut short
    assert cut.metrics["val_accuracy"] == values[-1]
    assert cut.cost < full.cost
    assert rule.best_ == 0.999  # a stopped run is not a finished one


def test_a_promising_run_trains_to_the_end_with_the_same_result(digits, space, arch):
    plain = TrainingEstimator(digits, space, **SLOW).estimate(arch)
    rule = DomhanTermination(min_epochs=3, best=0.2)
    watched = TrainingEstimator(digits, space, early_termination=rule, **SLOW).estimate(arch)
    assert "stopped_epoch" not in watched.metrics
    for key in ("val_accuracy", "val_loss", "train_loss", "epochs", "params"):
        assert watched.metrics[key] == plain.metrics[key]
    assert watched.score == plain.score
    assert curve_from_metrics(watched.metrics)[0] == list(range(1, 11))
    assert rule.best_ == plain.metrics["val_accuracy"]  # the finished run raised the bar


def test_without_a_best_run_nothing_is_stopped():
    rule = DomhanTermination(min_epochs=2)
    assert not rule.decide([1, 2, 3], [0.1, 0.11, 0.12], total_epochs=50).stop
    rule.observe(0.9)
    decision = rule.decide([1, 2, 3], [0.1, 0.11, 0.12], total_epochs=50)
    assert decision.stop and decision.probability < 0.05 and decision.predicted_accuracy < 0.9
    assert not rule.decide([1], [0.1], total_epochs=50).stop  # before min_epochs
    assert not rule.decide([1, 2, 3], [0.1, 0.11, 0.12], total_epochs=3).stop  # at the last epoch


def test_bad_settings_are_refused(digits, space):
    with pytest.raises(ValueError, match="min_epochs must be an integer >= 2, got 1"):
        DomhanTermination(min_epochs=1)
    with pytest.raises(ValueError, match="delta must lie strictly between 0 and 1, got 1.5"):
        DomhanTermination(delta=1.5)
    with pytest.raises(ValueError, match="needs objective='accuracy', got objective='loss'"):
        TrainingEstimator(digits, space, objective="loss", early_termination=DomhanTermination())
    with pytest.raises(TypeError, match="must be a DomhanTermination"):
        TrainingEstimator(digits, space, early_termination=0.05)
    with pytest.raises(ValueError, match="final_accuracy must be an accuracy in \\[0, 1\\], got 93.1"):
        DomhanTermination().observe(93.1)


def test_a_search_with_the_rule_completes_and_journals_its_stops(digits, space, tmp_path):
    rule = DomhanTermination(min_epochs=3, best=0.97)
    estimator = TrainingEstimator(digits, space, early_termination=rule, epochs=6, lr=0.01, threads=1)
    strategy = nm.STRATEGIES.create("random", space=space, seed=0)
    history = nm.run(strategy, estimator, nm.Budget(trials=4), journal=tmp_path / "search.jsonl")
    assert len(history) == 4 and all(trial.ok for trial in history.trials)
    stopped = [t for t in history.trials if "stopped_epoch" in t.measurement.metrics]
    assert stopped, "with a bar of 0.97 after 6 epochs at lr 0.01 some run should stop"
    for trial in stopped:
        assert trial.score == trial.measurement.metrics["predicted_accuracy"]
        assert trial.measurement.metrics["epochs"] < 6
    records = [json.loads(line) for line in (tmp_path / "search.jsonl").read_text().splitlines()]
    assert sum("stopped_epoch" in json.dumps(r) for r in records) == len(stopped)


def test_the_rule_learns_the_bar_from_trials_it_did_not_see_trained():
    def trial(number, metrics):
        return nm.Trial(number, nm.Candidate(f"a{number}"), nm.TrialState.COMPLETE,
                        nm.Measurement(metrics.get("val_accuracy", 0.0), 1.0, metrics), cost=1.0)

    rule = DomhanTermination()
    rule.observe_trials([trial(0, {"val_accuracy": 0.8}),
                         trial(1, {"val_accuracy": 0.5, "stopped_epoch": 3.0, "predicted_accuracy": 0.95}),
                         nm.Trial(2, nm.Candidate("a2"), nm.TrialState.FAILED, error="CandidateFailed: nan")])
    assert rule.best_ == 0.8  # a stopped run's prediction is not a result
    rule(trial(3, {"val_accuracy": 0.85}), history=None)
    assert rule.best_ == 0.85
