"""The command line: ``python -m naslib_mini COMMAND [options]`` (or ``naslib-mini COMMAND``).

One module per command (``search``, ``reproduce``, ``convert_nats``), each with
``add_arguments(parser)`` and ``main(args) -> int``; this module only dispatches
and turns errors into one line on stderr, never a traceback:

* exit status 2: the command line cannot work: a bad option or value, an
  unknown name, missing data, or a path named on the command line that cannot
  be used (a directory given for a file, a parent that is a file, nothing to
  ``--resume``). These are found before the work starts wherever possible.
* exit status 1: the work itself failed: an operating-system error while it
  ran (a full disk, say), or a search in which no trial completed.

The library never imports this package.
"""
from __future__ import annotations

import argparse
import logging
import sys
from typing import NoReturn, Sequence

from naslib_mini.cli import convert_nats, reproduce, search

__all__ = ["main"]

PROG = "python -m naslib_mini"

#: command name -> (module, one-line help)
COMMANDS = {
    "search": (search, "search a task, retrain the best network, export it"),
    "reproduce": (reproduce, "reproduce a paper's search results on a tabular benchmark"),
    "convert-nats": (convert_nats, "convert the official NATS-Bench topology release"),
}

#: Errors that mean "the command line cannot work" (exit status 2). Other
#: ``OSError``s happened while working (exit status 1).
USAGE_ERRORS = (ValueError, KeyError, FileNotFoundError, FileExistsError)


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are a single line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command."""
    parser = OneLineParser(prog=PROG, description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    commands.required = True
    for name, (module, help_text) in COMMANDS.items():
        module.add_arguments(commands.add_parser(name, help=help_text, description=help_text))
    return parser


def _one_line(exc: BaseException) -> str:
    message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
    return " ".join(str(message).split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; returns its exit status (see the module docstring)."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(COMMANDS[args.command][0].main(args) or 0)
    except USAGE_ERRORS as exc:
        status = 2
        message = _one_line(exc)
    except OSError as exc:
        status = 1
        message = _one_line(exc)
    print(f"{PROG} {args.command}: error: {message}", file=sys.stderr)
    return status
