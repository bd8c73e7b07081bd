"""Early termination of unpromising training runs by learning-curve extrapolation.

The predictive termination criterion of Domhan, Springenberg & Hutter (IJCAI 2015): after
each epoch of a run, extrapolate its validation-accuracy curve to the last epoch
(``naslib_mini.learning_curves``) and stop the run when the probability that it ends above
the best accuracy seen so far falls below ``delta`` (5% in the paper); the stopped run is
reported with its predicted final accuracy, which is what the optimiser learns from.
``DomhanTermination`` holds that rule and the best accuracy: the caller supplies it
(``observe``; ``observe_trials`` for the trials of a resumed journal; the rule itself as a
loop callback), and the training estimator reports every run it trains to the end. The
estimator calls ``decide`` from its per-epoch hook, so there is no second training loop.
Knows nothing about networks, tasks or strategies.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from naslib_mini.learning_curves import FAMILIES, LearningCurvePredictor, NoCurveFits
from naslib_mini.types import Trial

__all__ = ["DomhanTermination", "Replay", "TerminationDecision", "replay"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TerminationDecision:
    """What the rule concluded after one epoch.

    Attributes:
        stop: Whether to stop the run now.
        predicted_accuracy: Mean predicted accuracy at the last epoch (``nan`` if none was made).
        predicted_std: Its standard deviation (``nan`` if no prediction was made).
        probability: Predicted probability of ending above the best so far (``nan`` if not computed).
    """

    stop: bool
    predicted_accuracy: float = math.nan
    predicted_std: float = math.nan
    probability: float = math.nan


class DomhanTermination:
    """Stop a run when P(final accuracy > best so far) < ``delta``, after at least ``min_epochs`` epochs.

    Args:
        min_epochs: Epochs observed before the rule may stop a run (the curve families need
            a few points; at least 2).
        delta: The probability below which a run stops (Domhan et al.: 0.05).
        every: Check every ``every`` epochs (1: after each epoch).
        families: Curve families of the predictor (all of ``FAMILIES`` by default).
        samples: Parameter draws per family of the predictor.
        seed: Seed of the predictor's draws.
        best: Best final accuracy known before the search starts (``None``: none yet, so no
            run is stopped until one has been trained to the end).

    A rule remembers the best accuracy across runs (``best_``), so use one rule per search;
    in parallel workers each copy learns only from its own runs. The bar is one number for
    every budget: the rule is meant for searches at one fidelity (Domhan's setting); with
    Hyperband-style budgets a short run would be held to the bar of long ones.

    Example:
        >>> rule = DomhanTermination(min_epochs=3)
        >>> rule.observe(0.9)
        >>> rule.decide([1, 2, 3, 4], [0.2, 0.3, 0.35, 0.38], total_epochs=20).stop
        True
        >>> rule.decide([1, 2, 3, 4], [0.5, 0.7, 0.8, 0.85], total_epochs=20).stop
        False
    """

    def __init__(self, *, min_epochs: int = 3, delta: float = 0.05, every: int = 1,
                 families: Sequence[str] | None = None, samples: int = 200, seed: int = 0,
                 best: float | None = None) -> None:
        if not (isinstance(min_epochs, int) and min_epochs >= 2):
            raise ValueError(f"min_epochs must be an integer >= 2, got {min_epochs!r}")
        if not 0 < delta < 1:
            raise ValueError(f"delta must lie strictly between 0 and 1, got {delta!r}")
        if not (isinstance(every, int) and every >= 1):
            raise ValueError(f"every must be a positive integer, got {every!r}")
        if best is not None and not 0 <= best <= 1:
            raise ValueError(f"best must be an accuracy in [0, 1] or None, got {best!r}")
        self.predictor = LearningCurvePredictor(families, samples=samples, seed=seed)
        self.min_epochs, self.delta, self.every = min_epochs, delta, every
        self.best_ = best

    def observe(self, final_accuracy: float) -> None:
        """Record the final accuracy of a run trained to its last epoch (raises ``best_`` if higher)."""
        if not 0 <= final_accuracy <= 1:
            raise ValueError(f"final_accuracy must be an accuracy in [0, 1], got {final_accuracy!r}")
        if self.best_ is None or final_accuracy > self.best_:
            self.best_ = float(final_accuracy)

    def observe_trials(self, trials: Iterable[Trial]) -> None:
        """Observe the ``val_accuracy`` of every complete trial that was not stopped early (a resumed search's)."""
        for trial in trials:
            metrics = trial.measurement.metrics if trial.ok else {}
            if "val_accuracy" in metrics and "stopped_epoch" not in metrics:
                self.observe(metrics["val_accuracy"])

    def __call__(self, trial: Trial, history: Any) -> None:
        """A loop callback (``nm.run(..., callbacks=[rule])``): observe each finished trial."""
        self.observe_trials([trial])

    def decide(self, epochs: Sequence[float], values: Sequence[float], total_epochs: float) -> TerminationDecision:
        """Whether to stop a run whose validation accuracies at ``epochs`` are ``values``.

        Never stops before ``min_epochs``, off the ``every`` grid, at or after the last epoch,
        without a best accuracy to beat, or when no curve family fits (logged).
        """
        seen = len(epochs)
        if (self.best_ is None or seen < self.min_epochs or (seen - self.min_epochs) % self.every
                or epochs[-1] >= total_epochs):
            return TerminationDecision(False)
        try:
            predictor = self.predictor.fit(epochs, values)
            mean, std = predictor.predict(total_epochs)
            probability = predictor.prob_above(total_epochs, self.best_)
        except NoCurveFits as exc:
            log.info("early termination skipped at epoch %s: %s", epochs[-1], exc)
            return TerminationDecision(False)
        stop = probability < self.delta
        log.debug("epoch %s: predicted %.4f +- %.4f at epoch %s, P(> %.4f) = %.3f%s", epochs[-1], mean, std,
                  total_epochs, self.best_, probability, ", stop" if stop else "")
        return TerminationDecision(stop, mean, std, probability)

    def __repr__(self) -> str:
        families = len(self.predictor.families)
        return (f"DomhanTermination(min_epochs={self.min_epochs}, delta={self.delta}, every={self.every}, "
                f"families={families} of {len(FAMILIES)}, best_={self.best_})")


@dataclass(frozen=True)
class Replay:
    """What the rule would have done to recorded curves, taken in order as a search would train them.

    Attributes:
        stopped: Per curve, the epoch at which the rule stopped it (``None``: trained to the end).
        scores: Per curve, what the search would have been told: the final accuracy, or the
            predicted final accuracy of a stopped run.
        epochs_trained: Total epochs trained.
        epochs_full: Total epochs without the rule.
        best_index: The curve with the best final accuracy among those trained to the end.
    """

    stopped: tuple[int | None, ...]
    scores: tuple[float, ...]
    epochs_trained: int
    epochs_full: int
    best_index: int

    @property
    def saved(self) -> float:
        """Share of the epochs the rule saved."""
        return 1 - self.epochs_trained / self.epochs_full


def replay(rule: DomhanTermination, curves: Sequence[Sequence[float]]) -> Replay:
    """Apply ``rule`` to recorded validation-accuracy curves (epoch 1 first), in the order given.

    Each curve is revealed one epoch at a time, as the training estimator's hook would reveal
    it; a curve the rule stops is scored by its prediction, a curve trained to the end is
    ``observe``d, so later curves face the best final accuracy so far. This is the rule at work
    on a search's training runs without training anything (the ground-truth set's curves).

    Example:
        >>> rule = DomhanTermination(min_epochs=3)
        >>> r = replay(rule, [[0.5, 0.7, 0.8, 0.85, 0.87], [0.2, 0.3, 0.35, 0.38, 0.40]])
        >>> r.stopped, r.epochs_trained, r.epochs_full
        ((None, 3), 8, 10)
    """
    stopped, scores, trained, full, best, best_index = [], [], 0, 0, -math.inf, -1
    for index, curve in enumerate(curves):
        total = len(curve)
        full += total
        epochs = list(range(1, total + 1))
        stop_at, score = None, float(curve[-1])
        for seen in range(1, total + 1):
            decision = rule.decide(epochs[:seen], list(curve[:seen]), total)
            if decision.stop:
                stop_at, score = seen, decision.predicted_accuracy
                break
        trained += total if stop_at is None else stop_at
        if stop_at is None:
            rule.observe(float(curve[-1]))
            if curve[-1] > best:
                best, best_index = float(curve[-1]), index
        stopped.append(stop_at)
        scores.append(score)
    return Replay(tuple(stopped), tuple(scores), trained, full, best_index)
