"""NSGA-II (and BANANAS-ParEGO) against random search on NAS-Bench-201: accuracy against FLOPs and params.

The protocol is the reproduction's (``naslib_mini.reproductions.nb201``): each search
queries the table's 12-epoch CIFAR-10 validation accuracy (``c10_valid_12``) as its
signal, is charged the table's simulated 12-epoch training seconds, and stops at
12,000 simulated seconds; ``--runs`` runs per strategy (100). The second objective is
our builder's FLOPs per image (``load_nb201_cost``, through the tabular estimator's
``flops=True``) or the parameter count (the table's, identical to our builder's). NSGA-II
searches each pair with ``objectives=["val_accuracy", cost]``; random search is run once
and read for both pairs. Run ``i`` of both strategies uses seed ``--first-seed + i``: NSGA-II's
default population was chosen on seeds 0-11, so the reported runs start at seed 100, on seeds
no setting was chosen on.

What a search found is ``History.front(..., max_cost=12000)``: its non-dominated trials
on the signal. Its quality is the hypervolume of that front divided by the hypervolume
of the *true* front, computed from all 15,625 cells of the table, measured two ways:

* ``signal``: both fronts under the 12-epoch validation accuracy the search saw;
* ``test``: the architectures of the found front scored by their 200-epoch test
  accuracy (``c10_test_200``), against the true front of the table under that accuracy.

Hypervolume needs a reference point, and the ratio depends on it. Both objectives are
minimised (error = 1 - accuracy, cost) and normalised to [0, 1] by the ideal and the
nadir of the *true front* (its best and worst value of each objective); the primary
reference point (``front``) is 1.1 in both, pymoo's and the hypervolume literature's
usual 10% margin beyond the true front's nadir. On CIFAR-10 that front runs from the
cheapest cell (15.6 MFLOP-multiply-adds, 74% validation accuracy at 12 epochs) to the
most accurate one, so only networks at least about as accurate as the cheapest one count.
For contrast, ``table`` puts the reference at the worst error and the largest cost of
the whole table (10% accuracy networks): that reference counts the large, easy region
between chance and the front too, so every search's ratio comes out close to 1. We
report it to show how much a reference choice alone can flatter a result; the
``front`` figures are the ones to quote.

The paired comparisons are Wilcoxon signed-rank tests (scipy, two-sided) on the per-run
normalised hypervolumes of NSGA-II, and of BANANAS-ParEGO, against random search. ``hypervolume_over_cost`` holds the
mean ratio (signal, ``front`` reference) at a few budgets, for the anytime plot; a run with
``--budget 48000`` shows how much longer than the protocol's budget NSGA-II needs to reach
0.98 of the true front.

NSGA-II's settings are tuned with ``--tune`` on development seeds 0-29 only (``--tune-seeds``),
which no reported run uses: a grid of population sizes and crossover probabilities, scored by
the mean normalised hypervolume (signal, ``front`` reference) over both cost axes, written to
``results/multi_objective_nb201_tuning.json``. The protocol is then run unchanged with the chosen
``--population-size`` and ``--crossover-probability``.

Usage:
    python benchmarks/multi_objective_nb201.py                 # 100 runs per strategy (100 s on 2 busy cores)
    python benchmarks/multi_objective_nb201.py --tune          # NSGA-II grid on seeds 0-29 (about a minute)
    python benchmarks/multi_objective_nb201.py --budget 48000 --out benchmarks/results/multi_objective_nb201_48000s.json  # 16 min
    python benchmarks/multi_objective_nb201.py --quick --out /tmp/mo.json
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import wilcoxon

import naslib_mini as nm
from naslib_mini.objectives import objective_matrix, parse_objectives
from naslib_mini.pareto import FrontScale

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
#: The cost axes compared with accuracy, and the strategies compared.
COSTS, STRATEGIES = ("flops", "params"), ("nsga2", "bananas-parego", "random")
#: Budgets (simulated seconds) at which the anytime hypervolume is recorded.
CHECKPOINTS = (2_000.0, 4_000.0, 8_000.0, 12_000.0, 16_000.0, 24_000.0, 32_000.0)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--first-seed", type=int, default=100,
                        help="seed of run 0 (default 100: clear of seeds 0-11, where the population size was chosen)")
    parser.add_argument("--budget", type=float, default=12_000.0, help="simulated seconds per search")
    parser.add_argument("--population-size", type=int, default=8,
                        help="NSGA-II's population (8: the best of 4, 6, 8, 10, 12, 20 on seeds 0-11)")
    parser.add_argument("--crossover-probability", type=float, default=0.9,
                        help="NSGA-II's chance of crossover before mutation (default 0.9, the paper's)")
    parser.add_argument("--tune", action="store_true", help="grid of NSGA-II settings on --tune-seeds instead")
    parser.add_argument("--tune-seeds", type=int, default=30, help="development seeds 0 .. n-1 of --tune (default 30)")
    parser.add_argument("--out", type=Path, help="results JSON (default results/multi_objective_nb201.json, "
                                                 "with --tune results/multi_objective_nb201_tuning.json)")
    parser.add_argument("--quick", action="store_true", help="4 runs of 3,000 s (a smoke test)")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.budget, args.tune_seeds = 4, 3_000.0, min(args.tune_seeds, 2)
    if args.out is None:
        args.out = RESULTS / ("multi_objective_nb201_tuning.json" if args.tune else "multi_objective_nb201.json")
    if not 0 <= args.crossover_probability <= 1:
        parser.error(f"--crossover-probability must be in [0, 1], got {args.crossover_probability}")
    if args.tune and args.tune_seeds + 0 > args.first_seed:
        parser.error(f"--tune-seeds {args.tune_seeds} would reach the reported seeds from --first-seed "
                     f"{args.first_seed}; tune on fewer seeds")
    if args.runs < 2:
        parser.error(f"--runs must be at least 2 (a paired test needs pairs), got {args.runs}")
    if not args.budget > 0:
        parser.error(f"--budget must be positive, got {args.budget}")
    return args


def table_values() -> dict[str, np.ndarray]:
    """Per architecture code of the nb201 space: the two accuracies (fractions) and both costs."""
    space = nm.NB201Space()
    rows = space.index_array()
    table, cost = nm.load_nb201(), nm.load_nb201_cost()
    return {"signal": table["c10_valid_12"].to_numpy()[rows] / 100,
            "test": table["c10_test_200"].to_numpy()[rows] / 100,
            "flops": cost["flops"].to_numpy(dtype=float)[rows], "params": cost["params"].to_numpy(dtype=float)[rows]}


def scales_of(error: np.ndarray, cost: np.ndarray) -> dict[str, FrontScale]:
    """The table's true front of (error, cost), with the two reference points the docstring describes."""
    values = np.column_stack([error, cost])
    return {"front": FrontScale(values), "table": FrontScale(values, bound=np.array([error.max(), cost.max()]))}


def found(history: nm.History, cost: str, max_cost: float, truth: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The codes of the found front on the signal, as (error, cost) rows under both accuracies."""
    front = history.front(parse_objectives(["val_accuracy", cost]), max_cost=max_cost)
    codes = np.array([t.arch.code for t in front], dtype=int)
    return {view: np.column_stack([1 - truth[view][codes], truth[cost][codes]]) for view in ("signal", "test")}


def search(name: str, seed: int, cost: str, args: argparse.Namespace) -> nm.History:
    settings = {"nsga2": ("nsga2", {"objectives": ["val_accuracy", cost], "population_size": args.population_size,
                                    "crossover_probability": args.crossover_probability}),
                "bananas-parego": ("bananas", {"objectives": ["val_accuracy", cost], "scalarisation": "parego",
                                               "refit_every": 1}),
                "random": ("random", {})}
    registered, options = settings[name]
    strategy = nm.STRATEGIES.create(registered, space=nm.NB201Space(), seed=seed, **options)
    estimator = nm.ESTIMATORS.create("nb201", dataset="cifar10", epochs=12, flops=True)
    return nm.run(strategy, estimator, nm.Budget(cost=args.budget))


def paired(new: np.ndarray, old: np.ndarray) -> dict[str, float]:
    diff = new - old
    nonzero = diff[np.abs(diff) > 1e-12]
    return {"mean_difference": round(float(diff.mean()), 5), "wins": int((diff > 1e-12).sum()),
            "ties": int((np.abs(diff) <= 1e-12).sum()), "losses": int((diff < -1e-12).sum()),
            "wilcoxon_p": float(wilcoxon(nonzero).pvalue) if len(nonzero) else 1.0}


def summary(values: np.ndarray) -> dict[str, float]:
    return {"mean": round(float(values.mean()), 5), "std": round(float(values.std()), 5),
            "min": round(float(values.min()), 5), "median": round(float(np.median(values)), 5),
            "share_at_least_0.98": round(float((values >= 0.98).mean()), 3)}


#: The grid of ``--tune``: NSGA-II population sizes and crossover probabilities.
TUNING_GRID = {"population_size": (4, 6, 8, 10, 12, 16, 24), "crossover_probability": (0.0, 0.3, 0.6, 0.9)}


def tune(args: argparse.Namespace) -> dict:
    """Mean normalised hypervolume (signal, ``front`` reference) of every NSGA-II setting of ``TUNING_GRID``
    on development seeds ``0 .. --tune-seeds - 1``, both cost axes; the best mean of the two is chosen."""
    started = time.perf_counter()
    truth = table_values()
    scales = {cost: scales_of(1 - truth["signal"], truth[cost])["front"] for cost in COSTS}
    rows = []
    for population in TUNING_GRID["population_size"]:
        for crossover in TUNING_GRID["crossover_probability"]:
            setting = argparse.Namespace(**{**vars(args), "population_size": population,
                                            "crossover_probability": crossover})
            means = {cost: float(np.mean([scales[cost].ratio(found(search("nsga2", seed, cost, setting), cost,
                                                                        args.budget, truth)["signal"])
                                          for seed in range(args.tune_seeds)])) for cost in COSTS}
            rows.append({"population_size": population, "crossover_probability": crossover,
                         **{f"accuracy-vs-{cost}": round(value, 5) for cost, value in means.items()},
                         "mean": round(float(np.mean(list(means.values()))), 5)})
            print(f"population {population:3d}  crossover {crossover:.1f}  " + "  ".join(
                f"{cost} {value:.4f}" for cost, value in means.items()), flush=True)
    best = max(rows, key=lambda row: row["mean"])
    result = {"seeds": f"0 .. {args.tune_seeds - 1} (development; reported runs start at {args.first_seed})",
              "budget_seconds": args.budget, "score": "mean normalised hypervolume, signal view, front reference",
              "grid": rows, "chosen": best, "seconds": round(time.perf_counter() - started, 1)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"chosen: population {best['population_size']}, crossover {best['crossover_probability']} "
          f"(mean {best['mean']:.4f}); wrote {args.out}")
    return result


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    if args.tune:
        return tune(args)
    started = time.perf_counter()
    truth = table_values()
    scales = {(cost, view): scales_of(1 - truth[view], truth[cost]) for cost in COSTS for view in ("signal", "test")}
    checkpoints = [c for c in CHECKPOINTS if c < args.budget] + [args.budget]
    # ratios[cost][view][reference][strategy] = per-run array; anytime[cost][strategy] = runs x checkpoints
    ratios = {c: {v: {r: {s: [] for s in STRATEGIES} for r in ("front", "table")} for v in ("signal", "test")}
              for c in COSTS}
    anytime = {c: {s: [] for s in STRATEGIES} for c in COSTS}
    evaluations = {c: {s: [] for s in STRATEGIES} for c in COSTS}
    for seed in range(args.first_seed, args.first_seed + args.runs):
        random_history = search("random", seed, "flops", args)
        for cost in COSTS:
            for name in STRATEGIES:
                history = random_history if name == "random" else search(name, seed, cost, args)
                evaluations[cost][name].append(len(history.within(args.budget)))
                fronts = found(history, cost, args.budget, truth)
                for view in ("signal", "test"):
                    for reference, scale in scales[cost, view].items():
                        ratios[cost][view][reference][name].append(scale.ratio(fronts[view]))
                anytime[cost][name].append([scales[cost, "signal"]["front"].ratio(
                    found(history, cost, c, truth)["signal"]) for c in checkpoints])
    result: dict = {
        "protocol": {"signal": "c10_valid_12", "report": "c10_test_200", "budget_seconds": args.budget,
                     "runs": args.runs, "nsga2_population_size": args.population_size,
                     "nsga2_crossover_probability": args.crossover_probability,
                     "bananas_parego": "bananas, scalarisation='parego', refit_every=1", "seeds": f"run i uses seed {args.first_seed} + i",
                     "normalisation": "error and cost scaled by the true front's ideal and nadir",
                     "references": {"front": "1.1 in both normalised objectives: 10% beyond the true front's nadir",
                                    "table": "the table's worst error and largest cost, plus 0.1 normalised"}},
        "true_front": {cost: {view: {"points": int(len(scales[cost, view]["front"].front)),
                                     "ideal": scales[cost, view]["front"].ideal.tolist(),
                                     "nadir": scales[cost, view]["front"].nadir.tolist(),
                                     "references_raw": {name: scale.raw(scale.reference).tolist() for name, scale
                                                        in scales[cost, view].items()}}
                              for view in ("signal", "test")} for cost in COSTS},
        "evaluations_per_run": {cost: {name: round(float(np.mean(v)), 1) for name, v in by.items()}
                                for cost, by in evaluations.items()},
        "normalised_hypervolume": {}, "paired": {}, "hypervolume_over_cost": {},
    }
    for cost in COSTS:
        for view in ("signal", "test"):
            for reference in ("front", "table"):
                key = f"accuracy-vs-{cost}/{view}/{reference}"
                per = {name: np.array(ratios[cost][view][reference][name]) for name in STRATEGIES}
                result["normalised_hypervolume"][key] = {name: summary(v) for name, v in per.items()}
                result["paired"][key] = {f"{name} - random": paired(per[name], per["random"])
                                         for name in STRATEGIES if name != "random"}
        result["hypervolume_over_cost"][f"accuracy-vs-{cost}"] = {
            "budgets": checkpoints,
            **{name: np.round(np.mean(anytime[cost][name], axis=0), 5).tolist() for name in STRATEGIES}}
    result["seconds"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{args.runs} runs of {args.budget:,.0f} simulated s; hypervolume / true front's (mean over runs)")
    print(f"{'pair / view / reference':<36} {'nsga2':>8} {'parego':>8} {'random':>8} "
          f"{'nsga2 wins':>11} {'Wilcoxon p':>11}")
    for key, row in result["normalised_hypervolume"].items():
        test = result["paired"][key]["nsga2 - random"]
        print(f"{key:<36} {row['nsga2']['mean']:>8.4f} {row['bananas-parego']['mean']:>8.4f} "
              f"{row['random']['mean']:>8.4f} {test['wins']:>5}/{args.runs:<5} {test['wilcoxon_p']:>11.2g}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
