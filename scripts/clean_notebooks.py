"""Put notebooks in commit-ready form: no execution counts, clean metadata, check outputs only.

Keeps the outputs of cells whose first line is ``# NBVAL_CHECK_OUTPUT`` (what
``pytest --nbval-lax`` compares) and drops every other output, every execution
count, all notebook metadata except a plain ``python3`` kernelspec, and all cell
metadata except tags (papermill finds its ``parameters`` cell by tag). A check
cell keeps the constant execution count 1: nbval refuses a cell that has outputs
but no execution count.

Usage:
    python scripts/clean_notebooks.py notebooks/*.ipynb           # rewrite in place
    python scripts/clean_notebooks.py --check notebooks/*.ipynb   # exit 1 if any is not clean
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

CHECK_MARK = "# NBVAL_CHECK_OUTPUT"
CHECK_COUNT = 1
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def is_check_cell(cell: dict[str, Any]) -> bool:
    """Whether ``cell`` is a code cell whose first line is the nbval check marker."""
    lines = _source(cell).lstrip().splitlines()
    return cell.get("cell_type") == "code" and bool(lines) and lines[0].strip() == CHECK_MARK


def clean_output(output: dict[str, Any]) -> dict[str, Any]:
    """An output with the constant execution count and no metadata."""
    output = dict(output)
    if "execution_count" in output:
        output["execution_count"] = CHECK_COUNT
    if "metadata" in output:
        output["metadata"] = {}
    return output


def clean(notebook: dict[str, Any]) -> dict[str, Any]:
    """The commit-ready form of a notebook given as its JSON dict (the input is not changed)."""
    cells = []
    for cell in notebook["cells"]:
        cell = dict(cell)
        tags = cell.get("metadata", {}).get("tags")
        cell["metadata"] = {"tags": list(tags)} if tags else {}
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
        if cell["cell_type"] == "code":
            check = is_check_cell(cell) and bool(cell.get("outputs"))
            # nbval skips comparing (and rejects) outputs of a cell without an execution count,
            # so a check cell with outputs keeps the constant count CHECK_COUNT.
            cell["execution_count"] = CHECK_COUNT if check else None
            cell["outputs"] = [clean_output(o) for o in cell["outputs"]] if check else []
        if not cell.get("attachments"):
            cell.pop("attachments", None)
        cells.append(cell)
    return {"cells": cells, "metadata": {"kernelspec": dict(KERNELSPEC)},
            "nbformat": notebook.get("nbformat", 4), "nbformat_minor": notebook.get("nbformat_minor", 5)}


def dumps(notebook: dict[str, Any]) -> str:
    """Notebook JSON as Jupyter writes it (one-space indent, sorted keys, final newline)."""
    import nbformat

    return nbformat.writes(nbformat.from_dict(notebook), version=4) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="notebooks to clean")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook is not clean")
    args = parser.parse_args(argv)
    dirty = []
    for path in args.paths:
        if path.suffix != ".ipynb":
            parser.error(f"{path} is not a notebook (.ipynb)")
        text = path.read_text(encoding="utf-8")
        cleaned = dumps(clean(json.loads(text)))
        if cleaned != text:
            dirty.append(path)
            if not args.check:
                path.write_text(cleaned, encoding="utf-8")
    for path in dirty:
        print(f"{'not clean' if args.check else 'cleaned'}: {path}")
    return 1 if args.check and dirty else 0


if __name__ == "__main__":
    sys.exit(main())
