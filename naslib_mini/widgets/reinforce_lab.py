"""Widget: watch a REINFORCE controller learn: rewards, baseline, entropy and its probabilities.

``trace_reinforce`` runs the registered ``reinforce`` (per-decision categorical,
the NAS-Bench-201 paper's policy) or ``reinforce-lstm`` (the Zoph & Le 2017
controller) strategy through ``naslib_mini.loop.run`` several times and records,
after every update, the reward, the moving-average baseline, the policy's
probabilities and its entropy. ``plot_learning`` and ``plot_policy_heatmap``
draw that; the widget re-runs the trace on the NAS-Bench-201 table (fast) for a
chosen policy and learning rate. Knows nothing about how rewards are produced:
any estimator will do, the table is only the default.
"""
from __future__ import annotations

import html
import io
import math
import os
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from naslib_mini.estimators import ESTIMATORS
from naslib_mini.estimators.base import Estimator
from naslib_mini.history import History
from naslib_mini.loop import Budget, run
from naslib_mini.seeding import run_seeds
from naslib_mini.spaces import SPACES
from naslib_mini.spaces.base import SearchSpace
from naslib_mini.strategies import STRATEGIES

__all__ = ["POLICIES", "ReinforceLab", "ReinforceTrace", "plot_learning", "plot_policy_heatmap", "reinforce_lab",
           "trace_reinforce", "trace_summary"]

#: The registered REINFORCE strategies, by the policy they use.
POLICIES = ("reinforce", "reinforce-lstm")


@dataclass(frozen=True)
class ReinforceTrace:
    """What a controller did, step by step, over several runs.

    Attributes:
        policy: The strategy's registered name.
        learning_rate: Its learning rate.
        decisions: Decision names (e.g. ``"edge(0->1)"``).
        choices: Each decision's choices, as strings.
        rewards: Reward of each update, shape ``(runs, steps)``.
        baselines: Baseline after each update, shape ``(runs, steps)``.
        probabilities: Policy probabilities before any update and after each one,
            shape ``(runs, steps + 1, decisions, widest decision)``, NaN-padded.
        entropy: Summed entropy of the decisions (nats), shape ``(runs, steps + 1)``.
        distinct: Distinct architectures queried so far, shape ``(runs, steps)``.
        histories: The searches themselves.
    """

    policy: str
    learning_rate: float
    decisions: tuple[str, ...]
    choices: tuple[tuple[str, ...], ...]
    rewards: np.ndarray
    baselines: np.ndarray
    probabilities: np.ndarray
    entropy: np.ndarray
    distinct: np.ndarray
    histories: tuple[History, ...]

    @property
    def max_entropy(self) -> float:
        """The entropy of the uniform policy, where every run starts."""
        return float(sum(math.log(len(c)) for c in self.choices))


def _padded(probabilities: list[np.ndarray], width: int) -> np.ndarray:
    out = np.full((len(probabilities), width), np.nan)
    for d, p in enumerate(probabilities):
        out[d, :len(p)] = p
    return out


def _entropy(padded: np.ndarray) -> float:
    p = padded[np.isfinite(padded) & (padded > 0)]
    return float(-(p * np.log(p)).sum())


def trace_reinforce(policy: str = "reinforce", learning_rate: float | None = None, runs: int = 3,
                    trials: int = 200, seed: int = 0, *, dataset: str = "cifar10", space: SearchSpace | None = None,
                    estimator: Estimator | None = None,
                    data_dir: str | os.PathLike | None = None) -> ReinforceTrace:
    """Run a REINFORCE strategy ``runs`` times for ``trials`` queries and record its learning.

    Args:
        policy: ``"reinforce"`` (one categorical per decision) or ``"reinforce-lstm"``.
        learning_rate: Adam step size (the strategy's default if ``None``).
        runs: Independent runs; run ``i`` uses ``run_seeds(policy, runs, seed)[i]``.
        trials: Queries per run.
        seed: Base seed.
        dataset: NAS-Bench-201 dataset of the default table estimator.
        space, estimator: Search elsewhere (e.g. real training); give both or neither.
        data_dir: The benchmark data directory of the default estimator.

    Returns:
        The trace; failed trials are skipped (they teach the policy nothing), so a
        run with failures has fewer steps and the arrays are cut to the shortest run.

    Example:
        >>> trace = trace_reinforce(runs=2, trials=30)
        >>> trace.rewards.shape, trace.probabilities.shape, round(float(trace.entropy[0, 0]), 2)
        ((2, 30), (2, 31, 6, 5), 9.66)
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown REINFORCE policy {policy!r}; valid choices: {', '.join(POLICIES)}")
    for name, value in (("runs", runs), ("trials", trials)):
        if not (isinstance(value, (int, np.integer)) and value >= 1):
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    if (space is None) != (estimator is None):
        raise ValueError("give both space and estimator, or neither (the NAS-Bench-201 table)")
    if space is None:
        space = SPACES.create("nb201", data_dir=data_dir)
        estimator = ESTIMATORS.create("nb201", dataset=dataset, data_dir=data_dir)
    options = {} if learning_rate is None else {"learning_rate": learning_rate}
    decisions = space.decisions()
    width = max(len(d.choices) for d in decisions)
    per_run: list[dict[str, list]] = []
    histories = []
    lr = None
    for run_seed in run_seeds(policy, runs, seed):
        strategy = STRATEGIES.create(policy, space=space, seed=run_seed, **options)
        lr = strategy.learning_rate
        first = _padded(strategy.policy.probabilities(), width)
        record: dict[str, list] = {"probabilities": [first], "entropy": [_entropy(first)], "distinct": []}
        seen: set = set()

        def observe(trial, history, strategy=strategy, record=record, seen=seen):
            seen.add(trial.arch)
            if trial.ok:
                snapshot = _padded(strategy.policy.probabilities(), width)
                record["probabilities"].append(snapshot)
                record["entropy"].append(_entropy(snapshot))
                record["distinct"].append(len(seen))

        histories.append(run(strategy, estimator, Budget(trials=trials), callbacks=[observe]))
        record["rewards"] = [r["reward"] for r in strategy.records]
        record["baselines"] = [r["baseline"] for r in strategy.records]
        per_run.append(record)
    steps = min(len(r["rewards"]) for r in per_run)
    if steps == 0:
        raise RuntimeError(f"every trial of {policy!r} failed: nothing was learned")

    def stack(key: str, extra: int = 0) -> np.ndarray:
        return np.array([r[key][:steps + extra] for r in per_run], dtype=float)

    return ReinforceTrace(policy, float(lr), tuple(d.name for d in decisions),
                          tuple(tuple(str(c) for c in d.choices) for d in decisions),
                          stack("rewards"), stack("baselines"), stack("probabilities", 1), stack("entropy", 1),
                          stack("distinct"), tuple(histories))


def _band(ax, values: np.ndarray, label: str, x: np.ndarray | None = None, colour=None):
    mean, std = values.mean(axis=0), values.std(axis=0)
    x = np.arange(values.shape[1]) if x is None else x
    line, = ax.plot(x, mean, label=label, color=colour)
    if len(values) > 1:
        ax.fill_between(x, mean - std, mean + std, color=line.get_color(), alpha=0.2)
    return line


def plot_learning(trace: ReinforceTrace, axes=None, label: str | None = None):
    """Three panels, means over runs: reward (thin) and baseline (± std band), entropy, distinct architectures.

    Pass the same ``axes`` again to overlay another trace (e.g. another learning rate).
    """
    import matplotlib.pyplot as plt

    if axes is None:
        axes = plt.subplots(1, 3, figsize=(14, 3.6))[1]
    label = label or f"{trace.policy}, lr {trace.learning_rate:g}"
    steps = np.arange(1, trace.rewards.shape[1] + 1)
    reward, = axes[0].plot(steps, trace.rewards.mean(axis=0), alpha=0.35, lw=0.8)
    _band(axes[0], trace.baselines, label, steps, reward.get_color())
    axes[0].set(xlabel="update", ylabel="reward (score)", title="reward (thin) and baseline (thick)")
    _band(axes[1], trace.entropy, label, np.arange(trace.entropy.shape[1]), reward.get_color())
    axes[1].axhline(trace.max_entropy, color="grey", ls=":", lw=1)
    axes[1].set(xlabel="update", ylabel="entropy (nats)", title="policy entropy (dotted: uniform)",
                ylim=(0, 1.05 * trace.max_entropy))
    _band(axes[2], trace.distinct, label, steps, reward.get_color())
    axes[2].plot(steps, steps, color="grey", ls=":", lw=1)
    axes[2].set(xlabel="query", ylabel="distinct architectures", title="distinct architectures so far")
    for ax in axes:
        ax.legend(fontsize=8, loc="best")
    return axes


def plot_policy_heatmap(trace: ReinforceTrace, run_index: int = 0, ax=None, decisions: Sequence[str] | None = None):
    """One row per (decision, choice), one column per update: the probability of that choice.

    Args:
        trace: A trace.
        run_index: Which run to draw.
        ax: Matplotlib axes (a new figure if ``None``).
        decisions: Names of the decisions to draw (all by default).
    """
    import matplotlib.pyplot as plt

    if not 0 <= run_index < len(trace.histories):
        raise ValueError(f"run_index must be in 0..{len(trace.histories) - 1}, got {run_index!r}")
    chosen = list(trace.decisions) if decisions is None else list(decisions)
    unknown = [d for d in chosen if d not in trace.decisions]
    if unknown:
        raise ValueError(f"unknown decision(s) {unknown}; valid choices: {', '.join(trace.decisions)}")
    rows, labels, breaks = [], [], []
    for name in chosen:
        d = trace.decisions.index(name)
        for c, choice in enumerate(trace.choices[d]):
            rows.append(trace.probabilities[run_index, :, d, c])
            labels.append(f"{name}  {choice}")
        breaks.append(len(rows))
    if ax is None:
        ax = plt.subplots(figsize=(12, 0.22 * len(rows) + 1.2))[1]
    image = ax.imshow(np.array(rows), aspect="auto", interpolation="nearest", cmap="viridis", vmin=0, vmax=1)
    for b in breaks[:-1]:
        ax.axhline(b - 0.5, color="white", lw=1.5)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xlabel("update")
    ax.set_title(f"{trace.policy} (lr {trace.learning_rate:g}), run {run_index}: probability of each choice")
    ax.figure.colorbar(image, ax=ax, fraction=0.025, pad=0.01)
    return ax


def trace_summary(trace: ReinforceTrace) -> str:
    """Plain text: entropy at the start and end, distinct architectures, mean best reward."""
    best = np.mean([h.best().score for h in trace.histories if h.best() is not None])
    return (f"{trace.policy}, learning rate {trace.learning_rate:g}, {len(trace.histories)} runs of "
            f"{trace.rewards.shape[1]} updates\n"
            f"entropy: {trace.entropy[:, 0].mean():.2f} -> {trace.entropy[:, -1].mean():.2f} nats "
            f"(uniform {trace.max_entropy:.2f})\n"
            f"distinct architectures per run: {trace.distinct[:, -1].mean():.0f} of {trace.rewards.shape[1]} queries\n"
            f"best reward per run (mean): {best:.2f}")


class ReinforceLab:
    """Choose a policy, a learning rate and a number of queries; see the controller learn on the table.

    Attributes:
        policy: Toggle between ``reinforce`` and ``reinforce-lstm``.
        learning_rate: Log slider of the Adam step size.
        trials: Queries per run.
        summary: HTML widget holding ``trace_summary``.
        plot: Image widget holding ``plot_learning`` (PNG).
        trace: The last trace.
        widget: The container to display.
    """

    def __init__(self, policy: str = "reinforce", learning_rate: float = 0.05, trials: int = 200, runs: int = 3,
                 seed: int = 0, dataset: str = "cifar10", data_dir: str | os.PathLike | None = None) -> None:
        import ipywidgets as w

        if policy not in POLICIES:
            raise ValueError(f"unknown REINFORCE policy {policy!r}; valid choices: {', '.join(POLICIES)}")
        self.runs, self.seed, self.dataset, self.data_dir = runs, seed, dataset, data_dir
        self.policy = w.ToggleButtons(options=list(POLICIES), value=policy, description="policy")
        self.learning_rate = w.FloatLogSlider(value=learning_rate, base=10, min=-3, max=0, step=0.25,
                                              description="learning rate", continuous_update=False,
                                              readout_format=".3g")
        self.trials = w.IntSlider(value=trials, min=20, max=500, step=10, description="queries",
                                  continuous_update=False)
        self.summary = w.HTML()
        self.plot = w.Image(format="png")
        self.trace: ReinforceTrace | None = None
        self.widget = w.VBox([w.HBox([self.policy]), w.HBox([self.learning_rate, self.trials]), self.summary,
                              self.plot])
        for control in (self.policy, self.learning_rate, self.trials):
            control.observe(lambda _change: self.update(), names="value")
        self.update()

    def update(self) -> None:
        """Run the trace for the current settings and show it."""
        import matplotlib.pyplot as plt

        self.trace = trace_reinforce(self.policy.value, float(self.learning_rate.value), self.runs,
                                     int(self.trials.value), self.seed, dataset=self.dataset, data_dir=self.data_dir)
        self.summary.value = f"<pre style='line-height:1.3'>{html.escape(trace_summary(self.trace))}</pre>"
        fig, axes = plt.subplots(1, 3, figsize=(14, 3.6))
        try:
            plot_learning(self.trace, axes)
            fig.tight_layout()
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=70)
        finally:
            plt.close(fig)
        self.plot.value = buffer.getvalue()

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)


def reinforce_lab(policy: str = "reinforce", learning_rate: float = 0.05, trials: int = 200, runs: int = 3,
                  seed: int = 0, dataset: str = "cifar10",
                  data_dir: str | os.PathLike | None = None) -> ReinforceLab:
    """A widget to run REINFORCE on the NAS-Bench-201 table with a chosen policy and learning rate.

    Each change re-runs ``trace_reinforce`` (well under a second for the
    categorical policy, a few seconds for the LSTM controller).

    Example:
        >>> lab = reinforce_lab(trials=20, runs=1)
        >>> lab.learning_rate.value = 0.5
        >>> "learning rate 0.5" in lab.summary.value
        True
    """
    return ReinforceLab(policy, learning_rate, trials, runs, seed, dataset, data_dir)
