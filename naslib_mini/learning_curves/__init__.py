"""Learning-curve extrapolation (Domhan et al., IJCAI 2015): parametric families and their ensemble."""
from naslib_mini.learning_curves.families import FAMILIES, CurveFamily, family
from naslib_mini.learning_curves.predictor import FamilyFit, LearningCurvePredictor, NoCurveFits

__all__ = ["FAMILIES", "CurveFamily", "FamilyFit", "LearningCurvePredictor", "NoCurveFits", "family"]
