"""AutoML-Zero (Real et al. 2020, "AutoML-Zero: Evolving Machine Learning Algorithms From Scratch", ICML).

Searching whole learning algorithms instead of architectures: programs of three
functions (setup, predict, learn) over a memory of scalars, vectors and a matrix,
built from basic math instructions, evolved on linear-regression tasks until one
learns as well as linear regression trained by gradient descent.

``instruction`` (the operations and immutable instructions), ``program`` (programs,
their text, ``simplify``, the hand-written SGD reference), ``tasks`` (the demo's
regression tasks), ``interpreter`` (running a program, fitness), ``mutation``,
``fec`` (functional-equivalence caching), ``search`` (regularized evolution, random
search).
"""
from naslib_mini.automl_zero.fec import FECache
from naslib_mini.automl_zero.instruction import DEMO_OPS, Instruction, MEMORY, OPERATIONS, random_instruction
from naslib_mini.automl_zero.interpreter import execute, fitness, squash, task_fitness
from naslib_mini.automl_zero.mutation import DEMO_MUTATIONS, MUTATIONS, Mutator
from naslib_mini.automl_zero.program import FUNCTIONS, Program, random_program, sgd_linear_regression, simplify
from naslib_mini.automl_zero.search import evolve, random_search, SearchConfig, SearchResult
from naslib_mini.automl_zero.tasks import LinearTasks, linear_regression_tasks

__all__ = ["DEMO_MUTATIONS", "DEMO_OPS", "evolve", "execute", "FECache", "fitness", "FUNCTIONS", "Instruction", "linear_regression_tasks",
           "LinearTasks", "MEMORY", "MUTATIONS", "Mutator", "OPERATIONS", "Program", "random_instruction",
           "random_program", "random_search", "SearchConfig", "SearchResult", "sgd_linear_regression", "simplify",
           "squash", "task_fitness"]
