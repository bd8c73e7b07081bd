"""Learning-curve extrapolation: each family recovers its own curves, noise widens the spread, bad input is refused."""
import logging

import numpy as np
import pytest

from naslib_mini.estimators.training import TrainingEstimator, curve_from_metrics
from naslib_mini.learning_curves import FAMILIES, LearningCurvePredictor, NoCurveFits, family
from small_chain import arch, digits, space  # noqa: F401 (fixtures)

#: Parameters of a rising accuracy curve from each family (about 0.2-0.6 at epoch 1, 0.87-0.93 at 50).
TRUTH = {
    "vapor_pressure": (-0.05, -1.0, 0.0),
    "pow3": (0.92, 0.5, 0.7),
    "log_log_linear": (0.25, 1.4),
    "hill3": (0.93, 1.2, 3.0),
    "log_power": (0.93, 1.0, -1.2),
    "pow4": (0.93, 1.0, 0.5, 0.8),
    "mmf": (0.92, 0.2, 0.3, 1.2),
    "exp3": (0.9, 0.15, 0.0),
    "exp4": (0.92, 0.4, -0.3, 0.7),
    "janoschek": (0.91, 0.2, 0.4, 0.7),
    "weibull": (0.9, 0.1, 0.2, 0.8),
    "ilog2": (0.98, 0.25),
}
EPOCHS = np.arange(1, 51, dtype=float)


def curve(name):
    return FAMILIES[name](EPOCHS, np.array(TRUTH[name]))


def test_every_family_has_a_truth_that_is_a_rising_accuracy_curve():
    assert set(TRUTH) == set(FAMILIES)
    for name in FAMILIES:
        y = curve(name)
        assert np.all(np.diff(y) > 0) and 0 < y[0] < y[-1] < 1, name


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_recovers_the_final_value_of_a_curve_from_each_family(name):
    y = curve(name)
    alone = LearningCurvePredictor([name]).fit(EPOCHS[:25], y[:25])
    assert alone.predict(50)[0] == pytest.approx(y[-1], abs=0.003)
    mean, std = LearningCurvePredictor(seed=0).fit(EPOCHS[:25], y[:25]).predict(50)
    assert mean == pytest.approx(y[-1], abs=0.01)
    assert 0 < std < 0.02


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_noisy_curves_are_predicted_within_their_spread(name):
    y = curve(name)
    noisy = np.clip(y + np.random.default_rng(1).normal(0, 0.01, len(y)), 0, 1)
    clean_std = LearningCurvePredictor(seed=0).fit(EPOCHS[:25], y[:25]).predict(50)[1]
    mean, std = LearningCurvePredictor(seed=0).fit(EPOCHS[:25], noisy[:25]).predict(50)
    assert abs(mean - y[-1]) < max(3 * std, 0.01)
    assert abs(mean - y[-1]) < 0.03
    assert std > clean_std


def test_more_epochs_narrow_the_prediction():
    y = curve("pow3")
    stds = [LearningCurvePredictor(seed=0).fit(EPOCHS[:n], y[:n]).predict(50)[1] for n in (6, 12, 25)]
    assert stds[0] > stds[1] > stds[2]


def test_probability_above_falls_with_the_threshold_and_brackets_the_prediction():
    y = curve("weibull")
    p = LearningCurvePredictor(seed=0).fit(EPOCHS[:10], y[:10])
    mean, std = p.predict(50)
    probs = [p.prob_above(50, t) for t in (mean - 5 * std, mean - std, mean, mean + std, mean + 5 * std)]
    assert probs[0] > 0.99 and probs[-1] < 0.01
    assert probs == sorted(probs, reverse=True)
    assert 0.2 < probs[2] < 0.8


def test_same_seed_same_prediction_and_curves_stay_accuracies():
    y = np.clip(curve("mmf") + np.random.default_rng(2).normal(0, 0.02, 50), 0, 1)
    first = LearningCurvePredictor(seed=3).fit(EPOCHS[:8], y[:8])
    again = LearningCurvePredictor(seed=3).fit(EPOCHS[:8], y[:8])
    assert first.predict(50) == again.predict(50)
    assert first.prob_above(50, 0.9) == again.prob_above(50, 0.9)
    assert first.predict(50) == first.predict(50)  # a prediction does not consume the seed
    assert 0 <= first.predict(1000)[0] <= 1
    assert sum(fit.weight for fit in first.fits_) == pytest.approx(1)


def test_a_family_that_cannot_fit_is_dropped_with_a_log_line(caplog):
    y = curve("pow3")[:4]
    with caplog.at_level(logging.DEBUG, logger="naslib_mini.learning_curves.predictor"):
        p = LearningCurvePredictor(["pow3", "pow4"]).fit(EPOCHS[:4], y)
    assert [fit.family.name for fit in p.fits_] == ["pow3"]
    assert "pow4 dropped: 4 points for 4 parameters" in caplog.text


def test_no_family_fits_a_falling_curve():
    falling = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]
    with pytest.raises(NoCurveFits, match=r"none of the 2 learning-curve families \(mmf, weibull\)"):
        LearningCurvePredictor(["mmf", "weibull"]).fit(range(1, 7), falling)


@pytest.mark.parametrize("epochs, values, message", [
    ([1, 2, 3], [0.1, 1.2, 0.3], "accuracies in \\[0, 1\\], got 1.2"),
    ([1, 3, 2], [0.1, 0.2, 0.3], "strictly increasing, got \\[1.0, 3.0, 2.0\\]"),
    ([0, 1, 2], [0.1, 0.2, 0.3], ">= 1"),
    ([1, 2], [0.1], "same length"),
])
def test_bad_curves_are_refused_with_the_bad_value(epochs, values, message):
    with pytest.raises(ValueError, match=message):
        LearningCurvePredictor().fit(epochs, values)


def test_bad_settings_are_refused():
    with pytest.raises(KeyError, match="unknown learning-curve family 'pow5'; valid choices: vapor_pressure"):
        LearningCurvePredictor(["pow5"])
    with pytest.raises(ValueError, match="samples must be a positive integer, got 0"):
        LearningCurvePredictor(samples=0)
    with pytest.raises(RuntimeError, match="call fit"):
        LearningCurvePredictor().predict(10)
    p = LearningCurvePredictor().fit([1, 2, 3, 4, 5], [0.2, 0.4, 0.5, 0.55, 0.58])
    with pytest.raises(ValueError, match="epoch must be a finite number >= 1, got 0"):
        p.predict(0)
    assert family("weibull").params == ("alpha", "beta", "kappa", "delta")


def test_predicts_a_real_curve_of_a_small_network_on_digits(digits, space, arch):
    est = TrainingEstimator(digits, space, epochs=12, lr=0.01, threads=1, record_curve=True)
    epochs, values = curve_from_metrics(est.estimate(arch).metrics)
    assert epochs == list(range(1, 13)) and values[-1] > values[0] + 0.3
    mean, std = LearningCurvePredictor(seed=0).fit(epochs[:6], values[:6]).predict(12)
    assert abs(mean - values[-1]) < max(2 * std, 0.02)
    assert 0.005 < std < 0.1
