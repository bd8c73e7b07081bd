"""Plots, one module per topic; every function draws on matplotlib axes it is given (or makes a figure).

``search``: trajectories of one search and anytime curves over many; ``brackets``:
successive-halving and Hyperband schedules and promotions; ``reinforce``: a REINFORCE
controller's learning; ``surrogate``: a surrogate's predictions against the truth;
``estimators``: the estimator study (rank correlation against cost, estimates against truth);
``pareto``: trials in two objectives with their Pareto front; ``chain``: a chain architecture drawn. Plots
know nothing about how the histories or results they draw were produced: what they show
is computed by library functions, which notebooks and tests call too.
"""
from naslib_mini.viz.axes import axes_or_new
from naslib_mini.viz.reproduction import plot_reproduction
from naslib_mini.viz.search import anytime_curve, plot_anytime, plot_history
from naslib_mini.viz.brackets import plot_brackets, plot_schedule
from naslib_mini.viz.reinforce import plot_learning, plot_policy_heatmap
from naslib_mini.viz.surrogate import plot_snapshot
from naslib_mini.viz.estimators import plot_estimate_scatter, plot_rank_against_cost

__all__ = ["anytime_curve", "axes_or_new", "plot_anytime", "plot_history"]
__all__ += ["plot_brackets", "plot_schedule"]
__all__ += ["plot_learning", "plot_policy_heatmap"]
__all__ += ["plot_snapshot"]
__all__ += ["plot_reproduction"]
__all__ += ["plot_estimate_scatter", "plot_rank_against_cost"]
from naslib_mini.viz.progressive import plot_budgets, plot_growth, plot_round  # noqa: E402

__all__ += ["plot_budgets", "plot_growth", "plot_round"]
from naslib_mini.viz.pareto import plot_front  # noqa: E402
__all__ += ["plot_front"]
from naslib_mini.viz.chain import plot_chain  # noqa: E402
__all__ += ["plot_chain"]
from naslib_mini.viz.automl_zero import plot_program_search  # noqa: E402

__all__ += ["plot_program_search"]
from naslib_mini.viz.one_shot import plot_alphas, plot_cell, plot_collapse, plot_sampled_paths  # noqa: E402

__all__ += ["plot_alphas", "plot_cell", "plot_collapse", "plot_sampled_paths"]
from naslib_mini.viz.parallel import plot_scaling, plot_timeline  # noqa: E402
__all__ += ["plot_scaling", "plot_timeline"]
from naslib_mini.viz.volumes import plot_slice_prediction  # noqa: E402

__all__ += ["plot_slice_prediction"]
from naslib_mini.viz.transfer import plot_task_transfer, plot_transfer_scatter  # noqa: E402

__all__ += ["plot_task_transfer", "plot_transfer_scatter"]
from naslib_mini.viz.once_for_all import plot_elastic_arch, plot_elastic_kernel, plot_once_for_all, plot_shrinking  # noqa: E402,E501

__all__ += ["plot_elastic_arch", "plot_elastic_kernel", "plot_once_for_all", "plot_shrinking"]
from naslib_mini.viz.detection import plot_heatmaps, plot_precision_recall, plot_scene  # noqa: E402

__all__ += ["plot_heatmaps", "plot_precision_recall", "plot_scene"]
