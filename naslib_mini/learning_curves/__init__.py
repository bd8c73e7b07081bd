"""Learning-curve prediction: parametric extrapolation of one curve (Domhan et al., IJCAI 2015) and
regression from other runs' curves (Baker et al., 2018)."""
from naslib_mini.learning_curves.families import FAMILIES, CurveFamily, family
from naslib_mini.learning_curves.predictor import FamilyFit, LearningCurvePredictor, NoCurveFits
from naslib_mini.learning_curves.regression import CurveRegressor, curve_features

__all__ = ["FAMILIES", "CurveFamily", "CurveRegressor", "FamilyFit", "LearningCurvePredictor", "NoCurveFits",
           "curve_features", "family"]
