"""Paths named on the command line: checked before a command starts its work.

A command that would run for an hour and then fail to write its result checks
the path first; ``check_output_file`` and ``check_output_dir`` raise a
``ValueError`` naming the option, the path and what is wrong (exit status 2),
and ``write_output`` turns an operating-system error while writing (a full
disk) into one ``OSError`` line naming the path (exit status 1). Knows nothing
about what the commands compute.
"""
from __future__ import annotations

import os
from pathlib import Path

__all__ = ["check_output_dir", "check_output_file", "write_output"]


def _check_directory(directory: Path, path: Path, option: str, make: bool) -> None:
    """``directory`` exists and is writable, or (with ``make``) its first existing ancestor is."""
    for ancestor in (directory, *directory.parents):
        if ancestor.exists():
            if not ancestor.is_dir():
                raise ValueError(f"{option} {path}: {ancestor} is a file, not a directory")
            if not os.access(ancestor, os.W_OK | os.X_OK):
                raise ValueError(f"{option} {path}: no permission to write in {ancestor}")
            break
    if not directory.exists() and not make:
        raise ValueError(f"{option} {path}: directory {directory} does not exist")


def check_output_file(path: str | os.PathLike, option: str, make_parents: bool = False) -> Path:
    """``path`` as a ``Path`` if a file can be written there, else a ValueError saying why.

    Example:
        >>> check_output_file("/", "--json")
        Traceback (most recent call last):
        ...
        ValueError: --json /: is a directory; give a file name, e.g. /result.json
    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{option} {path}: is a directory; give a file name, e.g. {path / 'result.json'}")
    if path.exists() and not os.access(path, os.W_OK):
        raise ValueError(f"{option} {path}: no permission to write this file")
    _check_directory(path.parent, path, option, make_parents)
    return path


def check_output_dir(path: str | os.PathLike, option: str) -> Path:
    """``path`` as a ``Path`` if it is, or can be made, a writable directory; a ValueError otherwise."""
    path = Path(path)
    _check_directory(path, path, option, make=True)
    return path


def write_output(path: str | os.PathLike, text: str, option: str) -> None:
    """Write ``text`` to ``path``; an operating-system error becomes one ``OSError`` line naming both."""
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise OSError(f"could not write {option} {path}: {exc.strerror or exc}") from None
