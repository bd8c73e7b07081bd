"""The command line: ``python -m naslib_mini COMMAND [options]``.

Each command lives in its own module with ``add_arguments(parser)`` and
``main(args) -> int``; this module only dispatches. Bad options end with exit
status 2 and one line naming the bad value and the valid choices, never a
traceback.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import NoReturn, Sequence

__all__ = ["main"]

#: command name -> (module, one-line help)
COMMANDS = {
    "search": ("naslib_mini.search_job", "search a task, retrain the best network, export it"),
    "reproduce": ("naslib_mini.reproduce", "reproduce a paper's search results on a tabular benchmark"),
    "convert-nats": ("naslib_mini.nats_convert", "convert the official NATS-Bench topology release"),
}

#: Errors that mean "the options were wrong", printed as one line with exit status 2.
USAGE_ERRORS = (ValueError, KeyError, FileNotFoundError, FileExistsError)


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are a single line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parser = OneLineParser(prog="python -m naslib_mini", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    commands.required = True
    modules = {}
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(module_name)
        module.add_arguments(commands.add_parser(name, help=help_text, description=help_text))
        modules[name] = module
    return parser, modules


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; returns its exit status."""
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(modules[args.command].main(args) or 0)
    except USAGE_ERRORS as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"python -m naslib_mini {args.command}: error: {message}", file=sys.stderr)
        return 2
