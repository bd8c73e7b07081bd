"""Predict a final accuracy from the first epochs by learning from other runs' complete curves.

Baker, Gupta, Raskar & Naik ("Accelerating Neural Architecture Search using Performance
Prediction", ICLR workshop 2018) regress the final accuracy of a run on features of its partial
curve — the observed values and their first and second differences — with a nu-support-vector
regression trained on the runs already finished. Unlike a parametric extrapolation of one curve
(``LearningCurvePredictor``), it learns what the schedule does to every curve of the search: a
cosine schedule, for instance, lifts the last epochs far above what the early plateau suggests.
Features are standardised and the target is the final accuracy; the regressor is scikit-learn's
``NuSVR`` with the paper's RBF kernel. Knows nothing about training or search.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> finals = rng.uniform(0.5, 0.9, 40)
    >>> partial = np.stack([finals - 0.3, finals - 0.2], axis=1) + rng.normal(0, 0.01, (40, 2))
    >>> model = CurveRegressor().fit(partial[:30], finals[:30])
    >>> float(np.abs(model.predict(partial[30:]) - finals[30:]).mean()) < 0.05
    True
"""
from __future__ import annotations

import numpy as np
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import NuSVR

__all__ = ["CurveRegressor", "curve_features"]


def curve_features(partial: np.ndarray) -> np.ndarray:
    """Per run: the observed values, their first differences and their second differences (Baker et al.)."""
    x = np.asarray(partial, dtype=float)
    if x.ndim != 2 or x.shape[1] < 1:
        raise ValueError(f"partial curves must be a 2-D array (runs x epochs seen), got shape {x.shape}")
    parts = [x]
    if x.shape[1] > 1:
        parts.append(np.diff(x, axis=1))
    if x.shape[1] > 2:
        parts.append(np.diff(x, n=2, axis=1))
    return np.concatenate(parts, axis=1)


class CurveRegressor:
    """nu-SVR from the features of a partial curve to the final accuracy.

    Args:
        nu: The SVR's ``nu`` (share of support vectors).
        c: Its penalty ``C``.
    """

    def __init__(self, nu: float = 0.5, c: float = 1.0) -> None:
        if not 0 < nu <= 1:
            raise ValueError(f"nu must lie in (0, 1], got {nu!r}")
        if not c > 0:
            raise ValueError(f"c must be positive, got {c!r}")
        self.nu, self.c = nu, c

    def fit(self, partial: np.ndarray, finals: np.ndarray) -> "CurveRegressor":
        """Learn from complete runs: their first epochs (runs x epochs seen) and their final accuracies."""
        finals = np.asarray(finals, dtype=float)
        features = curve_features(partial)
        if len(features) != len(finals) or len(finals) < 3:
            raise ValueError(f"need at least 3 runs with one final accuracy each, got {len(features)} curves "
                             f"and {len(finals)} finals")
        self.model_ = make_pipeline(StandardScaler(), NuSVR(nu=self.nu, C=self.c, kernel="rbf")).fit(features, finals)
        self.seen_ = features.shape[1]
        return self

    def predict(self, partial: np.ndarray) -> np.ndarray:
        """Predicted final accuracies of runs seen for as many epochs as the training runs."""
        if not hasattr(self, "model_"):
            raise RuntimeError("call fit(partial, finals) before predicting")
        features = curve_features(partial)
        if features.shape[1] != self.seen_:
            raise ValueError(f"the regressor was fitted on curves of another length; refit it for "
                             f"{np.asarray(partial).shape[1]} epochs")
        return self.model_.predict(features)
