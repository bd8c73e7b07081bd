"""``python -m naslib_mini convert-nats SRC OUT``: the official NATS-Bench release to the compact table.

Options and printing only; the conversion is ``naslib_mini.nats_convert.convert``.
"""
from __future__ import annotations

import argparse

from naslib_mini.cli.paths import check_output_file
from naslib_mini.nats_convert import convert

__all__ = ["add_arguments", "main"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``convert-nats SRC OUT`` arguments to a (sub)parser."""
    parser.add_argument("src", help="directory of the NATS-Bench topology 'simple' release (trusted files only)")
    parser.add_argument("out", help="where to write the table, e.g. DATA_DIR/nasbench201/nb201.csv.gz")


def main(args: argparse.Namespace) -> int:
    """Run the conversion for parsed ``args``; returns the exit status."""
    check_output_file(args.out, "OUT", make_parents=True)
    table = convert(args.src, args.out)
    print(f"wrote {len(table)} architectures to {args.out}")
    return 0
