"""Search strategies. Importing this package registers every strategy in ``STRATEGIES``."""
from naslib_mini.strategies.base import STRATEGIES, SearchExhausted, Strategy
from naslib_mini.strategies.grid_search import GridSearch
from naslib_mini.strategies.random_search import RandomSearch
from naslib_mini.strategies.regularized_evolution import RegularizedEvolution
from naslib_mini.strategies.reinforce import Reinforce, ReinforceLSTM
from naslib_mini.strategies.hyperband import Hyperband, SuccessiveHalving
from naslib_mini.strategies.bohb import BOHB
from naslib_mini.strategies.local_search import LocalSearch
from naslib_mini.strategies.evolution import Evolution
from naslib_mini.strategies.bayesopt import BayesianOptimization, LocalBayesianOptimization
from naslib_mini.strategies.bananas import Bananas
from naslib_mini.strategies.proxy_warmup import ProxyWarmup
from naslib_mini.strategies.pnas import PNAS
from naslib_mini.strategies.nsga2 import NSGA2

__all__ = ["STRATEGIES", "BOHB", "Bananas", "BayesianOptimization", "Evolution", "GridSearch", "Hyperband",
           "LocalBayesianOptimization", "LocalSearch", "NSGA2", "PNAS", "ProxyWarmup", "RandomSearch", "RegularizedEvolution", "Reinforce",
           "ReinforceLSTM", "SearchExhausted", "Strategy", "SuccessiveHalving"]
