"""Wall time of the default main job, ``python -m naslib_mini search`` with no options.

Runs the job in a fresh output directory (so nothing is resumed) and prints a
table with the wall time, the job's own report lines and the machine's CPU count.

Usage:
    python benchmarks/main_job_time.py [--repeats N] [-- extra search options]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1, help="runs to time (default: 1)")
    parser.add_argument("extra", nargs=argparse.REMAINDER, help="options passed to the search command")
    args = parser.parse_args()
    extra = [a for a in args.extra if a != "--"]
    times, report = [], ""
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory() as out:
            command = [sys.executable, "-m", "naslib_mini", "search", "--no-progress", "--out", out, *extra]
            start = time.perf_counter()
            result = subprocess.run(command, capture_output=True, text=True, check=True)
            times.append(time.perf_counter() - start)
            report = result.stdout
    print(f"{'command':<40} python -m naslib_mini search {' '.join(extra)}".rstrip())
    print(f"{'CPUs':<40} {os.cpu_count()}")
    print(f"{'runs':<40} {len(times)}")
    print(f"{'wall time, median (s)':<40} {statistics.median(times):.1f}")
    print("job report:")
    print(report.rstrip())


if __name__ == "__main__":
    main()
