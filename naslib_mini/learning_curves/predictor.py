"""Extrapolate an accuracy curve from its first epochs: an ensemble of parametric families.

Domhan, Springenberg & Hutter (IJCAI 2015) model a learning curve as one weighted sum of
parametric families (``families.py``) with Gaussian noise, constrain it to rise and stay a
valid accuracy, and sample weights and parameters jointly by MCMC (emcee). This module keeps
their families, constraints and use of the model (a predictive distribution of the accuracy at
a later epoch, and the probability that it beats a threshold) but replaces the joint MCMC by a
cheaper, documented approximation, because the early-termination rule asks for a prediction
after every epoch of every candidate on a 2-core CPU, where an MCMC run per call costs seconds
(here a fit and a prediction take about 5-150 ms). Instead of one combined curve, each family
is fitted on its own and their predictive distributions are averaged (Bayesian model
averaging, as opposed to Domhan's model combination):

1. Each family is fitted by bounded least squares (``scipy.optimize.least_squares``). A family
   that fails (no convergence, non-finite values, fewer points than parameters plus one, a
   best fit that falls or leaves [0, 1]) is dropped with a log line.
2. Its parameter uncertainty is the Laplace approximation around the fit:
   ``N(theta_hat, s^2 (J^T J)^+)``, with ``s^2 = RSS / (n - p)`` the unbiased residual
   variance (at least ``noise_floor^2``; it is also the noise of the predictions). ``samples``
   parameter vectors are drawn, with a seeded generator, from that Gaussian with its covariance
   doubled (a proposal wider than the posterior it stands for) and weighted by importance
   sampling: the likelihood of the observed points over the proposal density, under a flat prior
   within the bounds. A draw outside the bounds, or whose curve leaves [0, 1] or ends lower than
   it starts (Domhan's prior, ``f(1) <= f(m)``, checked from the first observed to the predicted
   epoch), has prior zero; a family with no valid draw is left out of that prediction.
3. Families are weighted by BIC, ``w_k ~ exp(-BIC_k / 2)``, the large-sample stand-in for the
   marginal likelihood with which Bayesian model averaging would weight them (Domhan sample the
   weights instead).

The predictive distribution at an epoch is the mixture over families and draws of
``N(f_k(epoch; theta), s_k^2)``: its mean and standard deviation are ``predict``'s answer, and
``prob_above`` is the mixture's tail mass. Knows nothing about training, estimators or search.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy.optimize import least_squares
from scipy.special import ndtr

from naslib_mini.learning_curves.families import FAMILIES, CurveFamily, family

__all__ = ["FamilyFit", "LearningCurvePredictor", "NoCurveFits"]

log = logging.getLogger(__name__)


def _root(cov: np.ndarray) -> np.ndarray:
    """A matrix ``L`` with ``L @ L.T == cov`` for a symmetric positive semi-definite ``cov``."""
    values, vectors = np.linalg.eigh(cov)
    return vectors * np.sqrt(np.clip(values, 0.0, None))


class NoCurveFits(RuntimeError):
    """No learning-curve family could be fitted to the observed points."""


@dataclass(frozen=True)
class FamilyFit:
    """One family fitted to the observed curve.

    Attributes:
        family: The family.
        theta: Least-squares parameters.
        sigma: Unbiased residual standard deviation, ``sqrt(RSS / (n - p))`` (at least the
            predictor's ``noise_floor``).
        bic: Bayesian information criterion of the fit (lower is better).
        weight: Normalised weight in the ensemble.
        cov: Laplace covariance of ``theta``.
    """

    family: CurveFamily
    theta: np.ndarray
    sigma: float
    bic: float
    weight: float
    cov: np.ndarray


class LearningCurvePredictor:
    """Predicts a later value of an accuracy curve, with its uncertainty, from the first epochs.

    Args:
        families: Names of the families in the ensemble (``FAMILIES``; all by default).
        samples: Parameter draws per family for the predictive distribution.
        noise_floor: Smallest noise standard deviation assumed (a 1,000-example validation
            set measures accuracy in steps of 0.001; an exact fit would otherwise claim
            certainty).
        seed: Seed of the parameter draws; the same seed gives the same predictions.

    Example:
        >>> import numpy as np
        >>> epochs = np.arange(1, 11)
        >>> values = 0.9 - 0.5 * epochs ** -0.8
        >>> p = LearningCurvePredictor(seed=0).fit(epochs, values)
        >>> mean, std = p.predict(50)
        >>> abs(mean - (0.9 - 0.5 * 50 ** -0.8)) < 0.03, std > 0
        (True, True)
        >>> p.prob_above(50, 0.99) < 0.05
        True
    """

    def __init__(self, families: Sequence[str] | None = None, *, samples: int = 200,
                 noise_floor: float = 1e-3, seed: int = 0) -> None:
        names = tuple(FAMILIES) if families is None else tuple(families)
        if not names:
            raise ValueError("families must name at least one family; valid choices: " + ", ".join(FAMILIES))
        self.families = tuple(family(name) for name in names)
        if not (isinstance(samples, int) and samples >= 1):
            raise ValueError(f"samples must be a positive integer, got {samples!r}")
        if not (noise_floor > 0 and math.isfinite(noise_floor)):
            raise ValueError(f"noise_floor must be a positive number, got {noise_floor!r}")
        self.samples, self.noise_floor, self.seed = samples, noise_floor, seed

    # -- fitting -------------------------------------------------------------------------------
    def fit(self, epochs: Sequence[float], values: Sequence[float]) -> "LearningCurvePredictor":
        """Fit every family to ``values`` (accuracies in [0, 1]) observed at ``epochs`` (>= 1, increasing).

        Returns:
            ``self``, with ``fits_`` (the families that fitted) and ``epochs_``/``values_``.

        Raises:
            ValueError: Epochs or values are malformed (the message names the bad value).
            NoCurveFits: No family could be fitted.
        """
        x, y = np.asarray(epochs, dtype=float), np.asarray(values, dtype=float)
        if x.ndim != 1 or x.shape != y.shape or len(x) < 2:
            raise ValueError(f"epochs and values must be 1-D of the same length >= 2, got shapes "
                             f"{x.shape} and {y.shape}")
        if not (np.all(np.isfinite(x)) and x[0] >= 1 and np.all(np.diff(x) > 0)):
            raise ValueError(f"epochs must be finite, >= 1 and strictly increasing, got {x.tolist()}")
        bad = [v for v in y.tolist() if not 0.0 <= v <= 1.0]
        if bad:
            raise ValueError(f"values must be accuracies in [0, 1], got {bad[0]!r}")
        fitted = [fit for fit in (self._fit_family(f, x, y) for f in self.families) if fit is not None]
        if not fitted:
            raise NoCurveFits(f"none of the {len(self.families)} learning-curve families "
                              f"({', '.join(f.name for f in self.families)}) fits the {len(x)} points "
                              f"{np.round(y, 4).tolist()}")
        bics = np.array([bic for _, _, _, bic, _ in fitted])
        weights = np.exp(-(bics - bics.min()) / 2)
        weights /= weights.sum()
        self.fits_ = tuple(FamilyFit(f, theta, sigma, bic, float(w), cov)
                           for (f, theta, sigma, bic, cov), w in zip(fitted, weights))
        self.epochs_, self.values_ = x, y
        return self

    def _fit_family(self, fam: CurveFamily, x: np.ndarray, y: np.ndarray):
        """``(family, theta, sigma, bic, cov)`` for ``fam``, or ``None`` (logged) if it cannot be used."""
        n, p = len(x), len(fam.params)
        if n < p + 1:
            log.debug("learning-curve family %s dropped: %d points for %d parameters", fam.name, n, p)
            return None
        try:
            with np.errstate(all="ignore"):
                result = least_squares(lambda theta: fam(x, theta) - y, fam.initial(x, y),
                                       bounds=(fam.lower, fam.upper), method="trf", max_nfev=200 * p)
        except (ValueError, np.linalg.LinAlgError) as exc:
            log.info("learning-curve family %s dropped: the fit failed (%s)", fam.name, exc)
            return None
        theta = result.x
        if not (np.all(np.isfinite(result.fun)) and self._valid(fam(np.array([x[0], x[-1]]), theta)[None])[0]):
            log.info("learning-curve family %s dropped: its best fit is not a rising accuracy curve", fam.name)
            return None
        rss = float(result.fun @ result.fun)
        bic = n * math.log(max(rss / n, self.noise_floor ** 2)) + p * math.log(n)
        sigma = max(math.sqrt(rss / (n - p)), self.noise_floor)  # unbiased: few points, several parameters
        jac = result.jac
        cov = sigma ** 2 * np.linalg.pinv(jac.T @ jac) if np.all(np.isfinite(jac)) else np.zeros((p, p))
        return fam, theta, sigma, bic, cov

    @staticmethod
    def _valid(curves: np.ndarray) -> np.ndarray:
        """Rows (first epoch, later epoch) that are finite, in [0, 1] and not falling."""
        finite = np.all(np.isfinite(curves), axis=1)
        with np.errstate(invalid="ignore"):
            inside = np.all((curves >= 0) & (curves <= 1), axis=1)
            rising = curves[:, -1] >= curves[:, 0] - 1e-9
        return finite & inside & rising

    # -- predicting ----------------------------------------------------------------------------
    def _mixture(self, epoch: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Means, standard deviations and weights of the predictive mixture's components at ``epoch``."""
        if not hasattr(self, "fits_"):
            raise RuntimeError("call fit(epochs, values) before predicting")
        if not (math.isfinite(epoch) and epoch >= 1):
            raise ValueError(f"epoch must be a finite number >= 1, got {epoch!r}")
        rng = np.random.default_rng(self.seed)
        x, y = self.epochs_, self.values_
        ends = np.array([x[0], max(float(epoch), x[-1])])
        means, stds, weights = [], [], []
        for fit in self.fits_:
            fam, p = fit.family, len(fit.theta)
            z = rng.standard_normal((self.samples, p))
            draws = fit.theta + z @ _root(2.0 * fit.cov).T
            curves, rims = fam.many(x, draws), fam.many(ends, draws)
            at = fam.many(np.array([float(epoch)]), draws)[:, 0]
            inside = np.all((draws >= fam.lower) & (draws <= fam.upper), axis=1)
            keep = inside & self._valid(rims) & np.isfinite(at) & np.all(np.isfinite(curves), axis=1)
            if not keep.any():
                log.debug("learning-curve family %s left out at epoch %s: no draw stays a rising accuracy",
                          fam.name, epoch)
                continue
            rss = np.sum((curves[keep] - y) ** 2, axis=1)
            log_w = -rss / (2 * fit.sigma ** 2) + 0.5 * np.sum(z[keep] ** 2, axis=1)
            w = np.exp(log_w - log_w.max())
            at, w = at[keep], w / w.sum()
            means.append(at)
            stds.append(np.full(len(at), fit.sigma))
            weights.append(fit.weight * w)
        if not means:
            raise NoCurveFits(f"no fitted family ({', '.join(f.family.name for f in self.fits_)}) stays a "
                              f"rising accuracy in [0, 1] up to epoch {epoch}")
        weights = np.concatenate(weights)
        return np.concatenate(means), np.concatenate(stds), weights / weights.sum()

    def predict(self, epoch: float) -> tuple[float, float]:
        """Mean (clipped to [0, 1]) and standard deviation of the accuracy predicted at ``epoch``.

        Raises:
            NoCurveFits: No fitted family stays a rising accuracy up to ``epoch``.
        """
        mu, sd, w = self._mixture(epoch)
        mean = float(w @ mu)
        var = float(w @ (sd ** 2 + mu ** 2)) - mean ** 2
        return min(max(mean, 0.0), 1.0), math.sqrt(max(var, 0.0))

    def prob_above(self, epoch: float, threshold: float) -> float:
        """The predicted probability that the accuracy at ``epoch`` exceeds ``threshold``.

        Raises:
            NoCurveFits: No fitted family stays a rising accuracy up to ``epoch``.
        """
        if not math.isfinite(threshold):
            raise ValueError(f"threshold must be a finite number, got {threshold!r}")
        mu, sd, w = self._mixture(epoch)
        return float(np.clip(w @ ndtr((mu - threshold) / sd), 0.0, 1.0))

    def __repr__(self) -> str:
        names = ", ".join(f.name for f in self.families)
        return f"LearningCurvePredictor(families=({names}), samples={self.samples}, seed={self.seed})"
