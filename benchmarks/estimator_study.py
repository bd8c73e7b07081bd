"""The estimator study: every cheap estimator on the same architectures, against stand-alone training.

Reads the ground-truth set (``benchmarks/ground_truth.py``; ``nm.load_ground_truth``) and takes,
per space (NAS-Bench-201 cells built for 1D input, chain networks), its first ``--archs``
architectures trained with seed 0 (the set lists them in the random order they were drawn, so
they are a uniform sample, and they include every architecture trained with a second seed).
The ground truth is their stand-alone **test** accuracy after the full recipe (10 epochs);
every estimator sees only the training and validation splits. Each estimator scores the same
architectures:

- the zero-cost proxies of ``nm.PROXIES`` (synflow, snip, grasp, fisher, grad_norm, jacob_cov,
  naswot, params, flops) through the ``zero-cost`` estimator: one batch of 64 training examples,
  weights seeded per architecture;
- the learning curve recorded in the set after 1, 3 and 5 of the 10 epochs (10, 25, 50%):
  its last observed validation accuracy, its extrapolation to epoch 10 (Domhan et al.,
  ``nm.LearningCurvePredictor``; one point cannot be extrapolated, so 1 epoch has no such row),
  and the regression of Baker et al. learned out of fold from the other runs' curves
  (``naslib_mini.learning_curves.CurveRegressor``);
- proxy tasks, trained for real by the ``training`` estimator with the recipe's settings
  except one: 2 epochs (its own cosine schedule), 20% of the training data, or half the width;
- full training itself: the validation accuracy of the same run (what a search sees), and,
  on the architectures trained twice, the test accuracy of the second seed: the **noise
  ceiling**, the agreement of a network with itself, which no estimator can be expected to beat.

For each: Kendall's tau (with a 95% bootstrap interval), Spearman's rho and precision in the
top 10% (``nm.agreement``), against the median CPU seconds per architecture. Besides the table,
the learning curves of *every* architecture of the set (not only the first ``--archs``) are
compared with the quantity they predict, the final validation accuracy of the same run: Kendall
tau and mean absolute error of the last value, the extrapolation and the regression after 10,
25 and 50% of the epochs (the ``learning_curves`` section of the JSON). Costs are CPU
time of one thread (``time.process_time``), measured here: the proxies and proxy tasks as they
run, full training on a timing sample of ``--timing-sample`` architectures per space trained
with the recipe by the ``training`` estimator; a curve after ``k`` epochs costs ``k`` tenths of
that (plus the CPU time of the fit). Writes ``results/estimator_study.json`` (the rows, the
per-architecture estimates the notebook plots, the settings) and ``assets/estimator_study.png``
(rank correlation against cost), and prints the table. The weight-sharing rows of
``benchmarks/supernet_ranking.py`` (SPOS supernets scored on the same architectures) join the
table and the figure when its results file exists (``--weight-sharing``; rows of other
architectures are refused with a warning). Every measured estimate is appended, as
it is made, to ``--cache`` (JSON lines: space, estimator, architecture, estimate, CPU seconds),
so an interrupted study resumes where it stopped and a rerun with more spaces or architectures
measures only what is new; delete the file to measure everything again.

Run (about 40 minutes of one core at the defaults)::

    python benchmarks/estimator_study.py
    python benchmarks/estimator_study.py --quick --out /tmp/study.json --plot /tmp/study.png   # smoke test

Options: ``--ground-truth`` (the set), ``--archs`` (per space), ``--timing-sample``,
``--resamples`` (bootstrap), ``--threads``, ``--out``, ``--plot``, ``--cache``, ``--quick`` (8 architectures,
three proxies, one proxy task of 1 epoch); ``--help`` lists them.
"""
from __future__ import annotations

import argparse
import json
import logging
import shlex
import statistics
import sys
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import naslib_mini as nm  # noqa: E402
from naslib_mini.estimator_study import Measured, StudyRow, curve_estimates, measure, study_row  # noqa: E402
from naslib_mini.ground_truth import RECIPE_SPACES  # noqa: E402
from naslib_mini.viz import plot_rank_against_cost  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS, ASSETS = HERE / "results", HERE.parent / "assets"

#: The recipe's epochs (every record of the set has them).
EPOCHS = 10

#: Proxy tasks: a name and the training estimator's options that differ from the recipe.
PROXY_TASKS = {"2 epochs": {"epochs": 2}, "20% of the data": {"data_fraction": 0.2},
               "half width": {"width_multiplier": 0.5}}
QUICK_PROXY_TASKS = {"1 epoch": {"epochs": 1}}

FULL = dict(archs=100, timing_sample=10, proxies=tuple(nm.PROXIES.names()), seen=(1, 3, 5),
            proxy_tasks=PROXY_TASKS, resamples=1000)
QUICK = dict(archs=8, timing_sample=1, proxies=("synflow", "naswot", "params"), seen=(1, 3),
             proxy_tasks=QUICK_PROXY_TASKS, resamples=100)

log = logging.getLogger("estimator_study")


def training_estimator(task: nm.Task, space: nm.SearchSpace, threads: int, **options) -> nm.TrainingEstimator:
    """The ``training`` estimator with the recipe (``TrainingConfig`` defaults, 10 epochs), changed by ``options``."""
    epochs = options.pop("epochs", EPOCHS)
    return nm.TrainingEstimator(task, space, nm.TrainingConfig(epochs=epochs, threads=threads, seed=0), **options)


class MeasurementCache:
    """Estimates already measured, read from and appended to a JSON-lines file."""

    def __init__(self, path: Path) -> None:
        self.path, self.known = path, {}
        if path.exists():
            for line in path.read_text().splitlines():
                if line.strip():
                    entry = json.loads(line)
                    self.known[(entry["space"], entry["estimator"], entry["arch"])] = (entry["score"], entry["cpu"])

    def measure(self, space: nm.SearchSpace, label: str, estimator: nm.Estimator, archs: list) -> Measured:
        """``measure(estimator, archs)``, reusing what the file holds and appending what is new."""
        scores, cpu = [], []
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for arch in archs:
            key = (space.name, label, space.to_str(arch))
            if key not in self.known:
                fresh = measure(estimator, [arch])
                self.known[key] = (fresh.scores[0], fresh.cpu_seconds[0])
                with self.path.open("a") as handle:
                    score = None if fresh.scores[0] != fresh.scores[0] else fresh.scores[0]
                    handle.write(json.dumps({"space": key[0], "estimator": label, "arch": key[2], "score": score,
                                             "cpu": fresh.cpu_seconds[0]}) + "\n")
            score, seconds = self.known[key]
            scores.append(float("nan") if score is None else score)
            cpu.append(seconds)
        return Measured(tuple(scores), tuple(cpu), tuple(cpu))


def study_space(name: str, table, args: argparse.Namespace, task: nm.Task,
                cache: MeasurementCache) -> tuple[list[StudyRow], dict]:
    """The rows of one space and its per-architecture estimates."""
    space = nm.SPACES.create(name, **RECIPE_SPACES[name])
    first = table[(table["space"] == name) & (table["seed"] == 0)].head(args.archs)
    second = table[(table["space"] == name) & (table["seed"] == 1)].set_index("arch")
    records = first.to_dict("records")
    archs = [space.from_str(r["arch"]) for r in records]
    truth = [r["test_accuracy"] for r in records]
    options = dict(resamples=args.resamples, seed=0)
    rows, estimates = [], {"archs": [r["arch"] for r in records], "truth": truth}

    def add(estimator: str, family: str, scores, costs) -> None:
        row = study_row(estimator, family, name, scores, costs, truth, **options)
        rows.append(row)
        estimates[estimator] = [None if s != s else s for s in scores]
        a = row.agreement
        log.info("%-6s %-28s tau %.3f [%.3f, %.3f]  rho %.3f  top-10%% %.2f  %.3g s", name, estimator,
                 a.kendall, a.kendall_low, a.kendall_high, a.spearman, a.top_precision, row.seconds)

    timing = cache.measure(space, "full training", training_estimator(task, space, args.threads),
                           archs[:args.timing_sample])
    full_seconds = statistics.median(timing.cpu_seconds)
    log.info("%s: full training takes %.2f CPU s (median of %d)", name, full_seconds, len(timing.cpu_seconds))

    for proxy in args.proxies:
        estimator = nm.ZeroCostEstimator(task, space, proxy, batch_size=64, seed=0, threads=args.threads)
        result = cache.measure(space, proxy, estimator, archs)
        add(proxy, "zero-cost proxy", result.scores, result.cpu_seconds)
    for seen in args.seen:
        curves = curve_estimates(records, seen, full_seconds / EPOCHS)
        add(f"last value after {seen} epoch{'s' * (seen > 1)}", "learning curve", curves.last_value,
            curves.last_value_costs)
        if seen >= 2:
            add(f"extrapolated after {seen} epochs", "learning curve", curves.extrapolated,
                curves.extrapolated_costs)
        add(f"regressed after {seen} epoch{'s' * (seen > 1)}", "learning curve", curves.regressed,
            curves.last_value_costs)
    for label, changes in args.proxy_tasks.items():
        result = cache.measure(space, label, training_estimator(task, space, args.threads, **dict(changes)), archs)
        add(label, "proxy task", result.scores, result.cpu_seconds)
    add("full training (validation)", "full training", [r["val_accuracy"] for r in records],
        [full_seconds] * len(records))

    twice = [i for i, r in enumerate(records) if r["arch"] in second.index]
    ceiling = None
    if len(twice) >= 3:
        ceiling = study_row("second training seed", "full training", name,
                            [second.loc[records[i]["arch"], "test_accuracy"] for i in twice],
                            [full_seconds] * len(twice), [truth[i] for i in twice], **options)
        a = ceiling.agreement
        log.info("%-6s noise ceiling over %d architectures: tau %.3f [%.3f, %.3f]", name, a.n, a.kendall,
                 a.kendall_low, a.kendall_high)
    estimates["full_training_cpu_seconds"] = full_seconds
    return rows + ([ceiling] if ceiling else []), estimates


def curve_section(table, name: str, seen: tuple[int, ...]) -> list[dict]:
    """Last value against extrapolation on every curve of ``name``: tau and error against the final validation accuracy."""
    records = table[(table["space"] == name) & (table["seed"] == 0)].to_dict("records")
    final = np.array([r["val_accuracy"] for r in records])
    out = []
    for k in seen:
        curves = curve_estimates(records, k, 0.0)
        for method, values in (("last value", curves.last_value), ("extrapolated", curves.extrapolated),
                               ("regressed", curves.regressed)):
            x = np.array(values, dtype=float)
            keep = np.isfinite(x)
            if keep.sum() < 3:
                out.append({"space": name, "epochs_seen": k, "method": method, "n": int(keep.sum()),
                            "note": "one point cannot be extrapolated" if k < 2 else "no curve family fits"})
                continue
            a = nm.agreement(x[keep], final[keep], resamples=0)
            out.append({"space": name, "epochs_seen": k, "share": k / EPOCHS, "method": method, "n": int(keep.sum()),
                        "kendall": a.kendall, "spearman": a.spearman,
                        "mean_abs_error": float(np.mean(np.abs(x[keep] - final[keep]))),
                        "mean_error": float(np.mean(x[keep] - final[keep]))})
            log.info("%-6s curves after %d epochs, %-12s tau %.3f  error %.4f (mean %+.4f), n %d", name, k,
                     method, a.kendall, out[-1]["mean_abs_error"], out[-1]["mean_error"], a.n)
    return out


def table_lines(rows: list[dict]) -> list[str]:
    """The study as a markdown table, one line per estimator and space."""
    lines = ["| space | estimator | family | CPU s / arch | Kendall tau [95% CI] | Spearman | top-10% precision | n |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['space']} | {r['estimator']} | {r['family']} | {r['seconds']:.3g} | "
                     f"{r['kendall']:.3f} [{r['kendall_low']:.2f}, {r['kendall_high']:.2f}] | {r['spearman']:.3f} | "
                     f"{r['top_precision']:.2f} | {r['n']} |")
    return lines


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ground-truth", help="the ground-truth set (default: nm.ground_truth.GROUND_TRUTH_FILE)")
    parser.add_argument("--archs", type=int, help=f"architectures per space (default {FULL['archs']})")
    parser.add_argument("--timing-sample", type=int,
                        help=f"architectures per space whose full training is timed (default {FULL['timing_sample']})")
    parser.add_argument("--resamples", type=int, help=f"bootstrap resamples (default {FULL['resamples']})")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    parser.add_argument("--out", type=Path, default=RESULTS / "estimator_study.json", help="results JSON")
    parser.add_argument("--plot", type=Path, default=ASSETS / "estimator_study.png", help="figure (PNG)")
    parser.add_argument("--cache", type=Path, help="measured estimates, resumed and appended "
                                                   "(default: --out with _cache.jsonl instead of .json)")
    parser.add_argument("--weight-sharing", type=Path, default=RESULTS / "supernet_ranking.json",
                        help="results of benchmarks/supernet_ranking.py to add to the table and figure when the "
                             "file exists (default: results/supernet_ranking.json)")
    parser.add_argument("--quick", action="store_true", help="8 architectures, 3 proxies, one 1-epoch proxy task")
    args = parser.parse_args(argv)
    for name, value in (QUICK if args.quick else FULL).items():
        if getattr(args, name, None) is None:
            setattr(args, name, value)
    for name in ("archs", "timing_sample", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(args, name)}")
    if args.archs < 3:
        parser.error(f"--archs must be at least 3 (a rank correlation needs them), got {args.archs}")
    if args.resamples < 0:
        parser.error(f"--resamples must be at least 0, got {args.resamples}")
    if args.cache is None:
        args.cache = args.out.with_name(args.out.stem + "_cache.jsonl")
    return args


def weight_sharing_rows(path: Path, estimates: dict) -> list[dict]:
    """The rows of ``supernet_ranking.py``'s results at ``path`` whose space scored the study's architectures.

    Adds their per-architecture scores to ``estimates``; a space whose architectures differ
    from the study's is left out with a warning (its tau would not be comparable).
    """
    if not path.exists():
        return []
    ranking = json.loads(path.read_text())
    rows = []
    for name, mine in estimates.items():
        theirs = ranking.get("estimates", {}).get(name)
        if theirs is None or theirs.get("archs") != mine["archs"]:
            log.warning("%s: %s did not score the study's %s architectures; its rows are left out", path, name,
                        len(mine["archs"]))
            continue
        for row in ranking["rows"]:
            if row["space"] == name:
                rows.append({key: row[key] for key in ("estimator", "family", "space", "seconds", "failed", "n",
                                                        "kendall", "kendall_low", "kendall_high", "spearman",
                                                        "top_precision", "top")})
                mine[row["estimator"]] = theirs[row["estimator"]]
    return rows


def main(argv: list[str] | None = None) -> dict:
    """Run the study, write the JSON and the figure, print the table and return the results."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse_args(argv)
    table = nm.load_ground_truth(args.ground_truth)
    task = nm.TASKS.create("mnist1d", seed=0)
    rows, estimates, curves = [], {}, []
    for name in ("nb201", "chain"):
        if not ((table["space"] == name) & (table["seed"] == 0)).any():
            log.warning("the ground-truth set holds no %s architecture; that space is left out", name)
            continue
        space_rows, estimates[name] = study_space(name, table, args, task, MeasurementCache(args.cache))
        rows += [row.to_dict() for row in space_rows]
        curves += curve_section(table, name, args.seen)
    shared = weight_sharing_rows(args.weight_sharing, estimates)
    rows += shared
    results = {"command": shlex.join(["python", "benchmarks/estimator_study.py",
                                      *(sys.argv[1:] if argv is None else argv)]),
               "ground_truth": str(args.ground_truth or nm.ground_truth.GROUND_TRUTH_FILE),
               "truth": "stand-alone test accuracy, seed 0, 10 epochs", "cost": "CPU seconds of one thread",
               "archs_per_space": args.archs,
               "weight_sharing": str(args.weight_sharing) if shared else None, "rows": rows, "learning_curves": curves, "estimates": estimates}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    figure = plot_rank_against_cost(rows)
    args.plot.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(args.plot, dpi=120, bbox_inches="tight")
    plt.close(figure)
    print("\n".join(table_lines(rows)))
    print(f"written: {args.out}, {args.plot}")
    return results


if __name__ == "__main__":
    main()
