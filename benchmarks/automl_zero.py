"""AutoML-Zero: does regularized evolution rediscover SGD-trained linear regression, and random search not?

The demo of Real et al. 2020 ("AutoML-Zero", ICML; ``run_demo.sh``) in
``naslib_mini.automl_zero``: programs of the demo's six operations are searched on 10
linear-regression tasks (4 features, 100 training and 100 validation examples, the
search tasks of seed ``seed``); a program reaching fitness 0.9999 there must pass 100
selection tasks too, which stops the search. Each search then gets the final check
on 100 unseen tasks (seed 1,000,000, as the demo's ``final_tasks``): it succeeds if
its best program has fitness >= 0.9999 there. Evolution (population 1000, tournament
10, mutation probability 0.9, FEC) and random search get the same budget per seed:
``--minutes`` of one core (and at most ``--individuals`` programs). The discovered
program is printed simplified next to the hand-written SGD program.

Fitness is ``1 - (2/pi) arctan(rms)`` (the paper's code), so 0.9999 means rms < 1.6e-4.

Measured on a shared 2-core machine: evolution evaluates about 2,400 programs a second
(seed 0 reached 0.9999 after 82,874 programs, 23 s, unseen fitness 0.99996; seeds 1 and 2 had
not after 150 s: 357,234 and 343,831 programs, best 0.71 and 0.37), random search about 1,900.
Whether 3 of 5 seeds succeed within 30 minutes is what the full run measures.

Usage:
    python benchmarks/automl_zero.py --jobs 10     # 5 seeds x (evolution, random), <= 30 min each:
                                                   # <= 5 core-hours, ~35 min wall on 10 free cores
    python benchmarks/automl_zero.py --seeds 1 --methods evolution --minutes 2.5   # one search
    python benchmarks/automl_zero.py --quick       # 1 seed x 30,000 programs each, ~35 s
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import naslib_mini as nm
from naslib_mini.automl_zero import (evolve, fitness, linear_regression_tasks, random_search, SearchConfig,
                                     sgd_linear_regression, simplify, task_fitness)

RESULTS = Path(__file__).resolve().parent / "results" / "automl_zero.json"
METHODS = {"evolution": evolve, "random": random_search}
FINAL_SEED = 1_000_000


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 seed, 30,000 programs per search")
    parser.add_argument("--seeds", type=int, nargs="+", default=None, help="search seeds (default 0 1 2 3 4)")
    parser.add_argument("--minutes", type=float, default=None, help="budget per search, minutes of one core (30)")
    parser.add_argument("--individuals", type=int, default=None, help="budget per search, programs (no limit)")
    parser.add_argument("--population", type=int, default=1000, help="evolution's population (default 1000)")
    parser.add_argument("--target", type=float, default=0.9999)
    parser.add_argument("--methods", nargs="+", choices=list(METHODS), default=list(METHODS),
                        help="searches to run (default: both)")
    parser.add_argument("--jobs", type=int, default=1, help="searches run in parallel processes")
    parser.add_argument("--out", default=str(RESULTS), help="JSON file (default: %(default)s)")
    args = parser.parse_args(argv)
    args.seeds = args.seeds if args.seeds is not None else ([0] if args.quick else [0, 1, 2, 3, 4])
    if args.minutes is None:
        args.minutes = None if args.quick else 30.0
    args.individuals = args.individuals or (30_000 if args.quick else 10**9)
    args.population = args.population or 1000
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    return args


def config_of(args: argparse.Namespace) -> SearchConfig:
    """The search settings the arguments name (the same for both methods)."""
    return SearchConfig(population_size=args.population, max_individuals=args.individuals,
                        max_seconds=None if args.minutes is None else 60.0 * args.minutes, target=args.target)


def one_search(job: tuple[str, int, argparse.Namespace]) -> dict:
    """One search of ``method`` with ``seed``, then the final check of its best program on unseen tasks."""
    method, seed, args = job
    tasks = linear_regression_tasks(10, seed=seed)
    select = linear_regression_tasks(100, seed=seed + 500_000)
    result = METHODS[method](tasks, config_of(args), seed=seed, select_tasks=select)
    final = task_fitness(simplify(result.best), linear_regression_tasks(100, seed=FINAL_SEED))
    row = {"method": method, "seed": seed, **result.summary(), "best_simplified": str(simplify(result.best)),
           "final_fitness": float(final.mean()), "final_min_task_fitness": float(final.min()),
           "success": bool(final.mean() >= args.target), "first_fitness": result.fitnesses[0],
           "population_best_at_start": max(result.fitnesses[:args.population])}
    return row


def format_table(rows: list[dict]) -> str:
    """One line per search: budget used, fitness on the search tasks and on the unseen ones."""
    lines = [f"{'method':<10} {'seed':>4} {'programs':>10} {'full evals':>10} {'seconds':>8} "
             f"{'search fit':>10} {'unseen fit':>10} {'success':>7}"]
    for r in rows:
        lines.append(f"{r['method']:<10} {r['seed']:>4} {r['individuals']:>10} {r['evaluations']:>10} "
                     f"{r['seconds']:>8.1f} {r['best_fitness']:>10.6f} {r['final_fitness']:>10.6f} "
                     f"{str(r['success']):>7}")
    return "\n".join(lines)


def side_by_side(left: str, right: str, titles: tuple[str, str]) -> str:
    """Two program texts in two columns."""
    a, b = left.splitlines(), right.splitlines()
    width = max(len(line) for line in a + [titles[0]]) + 4
    lines = [titles[0].ljust(width) + titles[1]]
    for k in range(max(len(a), len(b))):
        lines.append((a[k] if k < len(a) else "").ljust(width) + (b[k] if k < len(b) else ""))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    start = time.perf_counter()
    jobs = [(method, seed, args) for seed in args.seeds for method in args.methods]
    if args.jobs > 1:
        with Pool(args.jobs) as pool:
            rows = pool.map(one_search, jobs)
    else:
        rows = [one_search(job) for job in jobs]
    table = format_table(rows)
    successes = {m: sum(r["success"] for r in rows if r["method"] == m) for m in args.methods}
    evolved = max(rows, key=lambda r: (r["method"] == "evolution", r["final_fitness"]))
    reference = sgd_linear_regression()
    record = {
        "benchmark": "automl_zero", "quick": args.quick, "seeds": args.seeds, "methods": args.methods, "minutes": args.minutes,
        "individuals_cap": args.individuals, "population": args.population, "target": args.target,
        "search_tasks": "10 tasks of seed <seed>, 4 features, 100 train + 100 valid",
        "final_tasks": f"100 tasks of seed {FINAL_SEED}", "successes": successes,
        "sgd_reference": {"program": str(reference),
                          "final_fitness": fitness(reference, linear_regression_tasks(100, seed=FINAL_SEED))},
        "rows": rows, "table": table, "wall_seconds": time.perf_counter() - start, "version": nm.__version__,
    }
    print(table)
    print(f"\nsuccesses (fitness >= {args.target} on 100 unseen tasks): "
          + ", ".join(f"{m} {n}/{len(args.seeds)}" for m, n in successes.items()))
    print(f"\nbest {evolved['method']} program (seed {evolved['seed']}, unseen fitness {evolved['final_fitness']:.6f}), "
          f"simplified, next to the hand-written SGD program (unseen fitness "
          f"{record['sgd_reference']['final_fitness']:.6f}):\n")
    print(side_by_side(evolved["best_simplified"], str(reference), (f"# {evolved['method']}", "# hand-written SGD")))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=1) + "\n")
    return record


if __name__ == "__main__":
    main()
