"""Parametric learning-curve families: the eleven of Domhan et al. (IJCAI 2015, Table 1), plus exp3.

Each family is a formula ``f(x; theta)`` of the epoch ``x >= 1`` that rises towards an
asymptote, with the box bounds that keep its parameters meaningful for an accuracy curve
(a fraction in [0, 1]) and an initial guess computed from the observed points, so a least-
squares fit starts near a sensible solution. The formulas follow the paper (and, where the
paper is silent, its reference code ``automl/pylearningcurvepredictor``): ilog2 uses
``log(x + 1)`` so that epoch 1 is defined. Where the bounds make a family increasing by
construction the docstring of ``FAMILIES`` says so; the others (MMF, Janoschek, Weibull,
vapour pressure, log-log-linear) are checked by the predictor, which rejects curves that
fall or leave [0, 1]. Knows nothing about fitting, ensembles or training.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = ["FAMILIES", "CurveFamily", "family"]

#: A guess ``(x, y) -> parameters`` from the observed epochs and accuracies.
Guess = Callable[[np.ndarray, np.ndarray], tuple[float, ...]]


@dataclass(frozen=True)
class CurveFamily:
    """One parametric family of learning curves.

    Attributes:
        name: Short name used by Domhan et al. (``"pow3"``, ``"weibull"``, ...).
        formula: The formula as a person reads it.
        params: Parameter names, in the order ``function`` takes them.
        function: ``function(x, *theta)`` for an array of epochs ``x >= 1``.
        lower, upper: Box bounds of the parameters (``least_squares`` keeps them).
        guess: Initial parameters from the observed epochs and values.
    """

    name: str
    formula: str
    params: tuple[str, ...]
    function: Callable[..., np.ndarray]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    guess: Guess

    def __call__(self, x: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """The curve at epochs ``x`` for parameters ``theta``."""
        with np.errstate(all="ignore"):
            return self.function(np.asarray(x, dtype=float), *theta)

    def many(self, x: np.ndarray, thetas: np.ndarray) -> np.ndarray:
        """The curves at epochs ``x`` for each row of ``thetas``: shape ``(len(thetas), len(x))``."""
        columns = [column[:, None] for column in np.asarray(thetas, dtype=float).T]
        with np.errstate(all="ignore"):
            return np.broadcast_to(self.function(np.asarray(x, dtype=float)[None, :], *columns),
                                   (len(thetas), len(x)))

    def initial(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The initial guess, moved just inside the bounds."""
        lo, hi = np.array(self.lower), np.array(self.upper)
        span = np.where(np.isfinite(hi - lo), hi - lo, 1.0)
        return np.clip(np.array(self.guess(x, y), dtype=float), lo + 1e-6 * span, hi - 1e-6 * span)


def _top(y: np.ndarray) -> float:
    """A first guess of the asymptote: a little above the best value seen, at most 1."""
    return min(1.0, float(np.max(y)) + 0.02)


def _gap(y: np.ndarray) -> float:
    """How far the first value lies below the guessed asymptote (at least a little)."""
    return max(_top(y) - float(y[0]), 1e-3)


_EPS = 1e-6
_FAMILIES = (
    CurveFamily("vapor_pressure", "exp(a + b/x + c log x)", ("a", "b", "c"),
                lambda x, a, b, c: np.exp(a + b / x + c * np.log(x)),
                (-10.0, -10.0, -2.0), (0.0, 0.0, 2.0),
                lambda x, y: (math.log(_top(y)), math.log(max(y[0], 1e-3) / _top(y)), 0.0)),
    CurveFamily("pow3", "c - a x^(-alpha)", ("c", "a", "alpha"),
                lambda x, c, a, alpha: c - a * x ** (-alpha),
                (0.0, 0.0, _EPS), (1.0, 10.0, 10.0),
                lambda x, y: (_top(y), _gap(y), 0.5)),
    CurveFamily("log_log_linear", "log(a log x + b)", ("a", "b"),
                lambda x, a, b: np.log(a * np.log(x) + b),
                (0.0, 1.0), (10.0, math.e),
                lambda x, y: ((math.exp(y[-1]) - math.exp(y[0])) / max(math.log(x[-1]), 1e-3), math.exp(y[0]))),
    CurveFamily("hill3", "y_max x^eta / (kappa^eta + x^eta)", ("y_max", "eta", "kappa"),
                lambda x, y_max, eta, kappa: y_max * x ** eta / (kappa ** eta + x ** eta),
                (0.0, _EPS, _EPS), (1.0, 10.0, 1e4),
                lambda x, y: (_top(y), 1.0, max(_top(y) / max(y[0], 1e-3) - 1.0, 1e-3))),
    CurveFamily("log_power", "a / (1 + (x / e^b)^c)", ("a", "b", "c"),
                lambda x, a, b, c: a / (1.0 + (x / np.exp(b)) ** c),
                (0.0, -10.0, -10.0), (1.0, 10.0, -_EPS),
                lambda x, y: (_top(y), math.log(max(_top(y) / max(y[0], 1e-3) - 1.0, 1e-3)), -1.0)),
    CurveFamily("pow4", "c - (a x + b)^(-alpha)", ("c", "a", "b", "alpha"),
                lambda x, c, a, b, alpha: c - (a * x + b) ** (-alpha),
                (0.0, _EPS, 0.0, _EPS), (1.0, 1e3, 1e3, 10.0),
                lambda x, y: (_top(y), 1.0 / _gap(y), 0.0, 1.0)),
    CurveFamily("mmf", "alpha - (alpha - beta) / (1 + (kappa x)^delta)", ("alpha", "beta", "kappa", "delta"),
                lambda x, alpha, beta, kappa, delta: alpha - (alpha - beta) / (1.0 + (kappa * x) ** delta),
                (0.0, 0.0, _EPS, _EPS), (1.0, 1.0, 1e3, 10.0),
                lambda x, y: (_top(y), 0.5 * y[0], 1.0, 1.0)),
    CurveFamily("exp3", "c - exp(-a x + b)", ("c", "a", "b"),
                lambda x, c, a, b: c - np.exp(-a * x + b),
                (0.0, _EPS, -20.0), (1.0, 10.0, 10.0),
                lambda x, y: (_top(y), 0.3, 0.3 + math.log(_gap(y)))),
    CurveFamily("exp4", "c - exp(-a x^alpha + b)", ("c", "a", "b", "alpha"),
                lambda x, c, a, b, alpha: c - np.exp(-a * x ** alpha + b),
                (0.0, _EPS, -20.0, _EPS), (1.0, 10.0, 10.0, 5.0),
                lambda x, y: (_top(y), 0.3, 0.3 + math.log(_gap(y)), 1.0)),
    CurveFamily("janoschek", "alpha - (alpha - beta) exp(-kappa x^delta)", ("alpha", "beta", "kappa", "delta"),
                lambda x, alpha, beta, kappa, delta: alpha - (alpha - beta) * np.exp(-kappa * x ** delta),
                (0.0, 0.0, _EPS, _EPS), (1.0, 1.0, 10.0, 10.0),
                lambda x, y: (_top(y), 0.5 * y[0], 0.5, 0.5)),
    CurveFamily("weibull", "alpha - (alpha - beta) exp(-(kappa x)^delta)", ("alpha", "beta", "kappa", "delta"),
                lambda x, alpha, beta, kappa, delta: alpha - (alpha - beta) * np.exp(-(kappa * x) ** delta),
                (0.0, 0.0, _EPS, _EPS), (1.0, 1.0, 10.0, 10.0),
                lambda x, y: (_top(y), 0.5 * y[0], 1.0 / max(float(x[-1]), 1.0), 1.0)),
    CurveFamily("ilog2", "c - a / log(x + 1)", ("c", "a"),
                lambda x, c, a: c - a / np.log(x + 1.0),
                (0.0, 0.0), (1.0, 10.0),
                lambda x, y: (_top(y), _gap(y) * math.log(2.0))),
)

#: Every family by name, in the order of Domhan et al.'s Table 1 (exp3 beside exp4).
#: pow3, pow4, log_power, exp3, exp4, hill3 and ilog2 rise by construction within their
#: bounds; the others can fall for some parameters and are checked where they are used.
FAMILIES: dict[str, CurveFamily] = {f.name: f for f in _FAMILIES}


def family(name: str) -> CurveFamily:
    """The family called ``name``.

    Example:
        >>> f = family("pow3")
        >>> float(f(np.array([1.0]), np.array([0.9, 0.5, 1.0]))[0])
        0.4

    Raises:
        KeyError: Unknown name; the message lists the valid ones.
    """
    if name not in FAMILIES:
        raise KeyError(f"unknown learning-curve family {name!r}; valid choices: {', '.join(FAMILIES)}")
    return FAMILIES[name]
