"""Argument types shared by the commands: integers with a lower bound, checked by argparse.

A bad value ends the command with one line naming the option, the value and what is
allowed (exit status 2), before any work starts. Knows nothing about the commands.
"""
from __future__ import annotations

import argparse
from typing import Callable

__all__ = ["non_negative_int", "positive_int"]


def integer_at_least(low: int, what: str) -> Callable[[str], int]:
    """An argparse type that reads an integer >= ``low``; ``what`` names the kind in the error."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low:
            raise argparse.ArgumentTypeError(f"invalid value {text!r}: expected a {what}")
        return value

    parse.__name__ = what.replace(" ", "_")
    return parse


#: Counts: trials, epochs, threads, runs, processes.
positive_int = integer_at_least(1, "positive integer")
#: Seeds: numpy and torch take non-negative integers only.
non_negative_int = integer_at_least(0, "non-negative integer")
