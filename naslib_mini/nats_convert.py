"""Convert the official NATS-Bench topology-space release into the compact NAS-Bench-201 table.

The release (Dong et al., "NATS-Bench", TPAMI 2021; the "simple" format of
``NATS-tss-v1_0-3ffb9-simple``) holds one bz2-compressed pickle per
architecture (``000123.pickle.pbz2``, or ``tss_000123.pickle.pbz2``) plus a
meta file, with per-seed, per-epoch results of the 12- and 200-epoch schedules
on CIFAR-10, CIFAR-100 and ImageNet16-120. This module turns them into rows
of ``nb201.csv.gz`` (the columns ``naslib_mini.data`` and the tabular
estimator read): accuracies are means over seeds at the schedule's last epoch,
training time is the mean over seeds of the summed epoch times.

THIS IS THE ONLY MODULE OF THE LIBRARY THAT UNPICKLES. Unpickling can run
arbitrary code, so convert only files you trust (the official release). As a
second line of defence the unpickler admits only the few harmless classes the
release uses (``OrderedDict`` and numpy scalars) and refuses everything else.
Knows nothing about search; reuses the ``nb201`` space for the isomorphism key.
The command ``python -m naslib_mini convert-nats`` is ``naslib_mini.cli.convert_nats``.
"""
from __future__ import annotations

import bz2
import logging
import os
import pickle
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from naslib_mini.spaces.nb201 import NB201Space

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLUMN_SOURCES", "convert", "load_release_file"]

log = logging.getLogger(__name__)

#: Table column -> (schedule ``hp``, NATS dataset name, quantity). A quantity is an
#: evaluation split (``x-valid``, ``x-test``, ``ori-test``) read at the last epoch,
#: ``train_time``, ``params`` (millions) or ``nseeds``.
COLUMN_SOURCES: dict[str, tuple[str, str, str]] = {
    "c10v_nseeds_200": ("200", "cifar10-valid", "nseeds"),
    "c10v_params_mb": ("200", "cifar10-valid", "params"),
    "c10v_train_time_200ep_s": ("200", "cifar10-valid", "train_time"),
    "c10v_train_time_12ep_s": ("12", "cifar10-valid", "train_time"),
    "c10_valid_200": ("200", "cifar10-valid", "x-valid"),
    "c100_nseeds_200": ("200", "cifar100", "nseeds"),
    "c100_params_mb": ("200", "cifar100", "params"),
    "c100_train_time_200ep_s": ("200", "cifar100", "train_time"),
    "c100_train_time_12ep_s": ("12", "cifar100", "train_time"),
    "c100_valtest_200": ("200", "cifar100", "ori-test"),
    "in16_nseeds_200": ("200", "ImageNet16-120", "nseeds"),
    "in16_params_mb": ("200", "ImageNet16-120", "params"),
    "in16_train_time_200ep_s": ("200", "ImageNet16-120", "train_time"),
    "in16_train_time_12ep_s": ("12", "ImageNet16-120", "train_time"),
    "in16_valtest_200": ("200", "ImageNet16-120", "ori-test"),
    "c10_test_200": ("200", "cifar10", "ori-test"),
    "c100_test_200": ("200", "cifar100", "x-test"),
    "in16_test_200": ("200", "ImageNet16-120", "x-test"),
    # the shipped table derived these from valtest and test; the release holds them directly
    "c100_valid_200_derived": ("200", "cifar100", "x-valid"),
    "in16_valid_200_derived": ("200", "ImageNet16-120", "x-valid"),
    "c10_valid_12": ("12", "cifar10-valid", "x-valid"),
    "c10_test_12": ("12", "cifar10", "ori-test"),
    "c100_valid_12": ("12", "cifar100", "x-valid"),
    "c100_test_12": ("12", "cifar100", "x-test"),
    "in16_valid_12": ("12", "ImageNet16-120", "x-valid"),
    "in16_test_12": ("12", "ImageNet16-120", "x-test"),
}

_ALLOWED = {("collections", "OrderedDict"), ("numpy", "dtype"),
            ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar")}
_ARCH_FILE = re.compile(r"(?:tss_)?(\d{6})\.pickle\.pbz2$")


class _ReleaseUnpickler(pickle.Unpickler):
    """An unpickler that builds only the plain containers and numpy scalars of the release."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name}: the NATS-Bench 'simple' files need only "
                f"{', '.join(sorted(m + '.' + n for m, n in _ALLOWED))}")
        if module == "numpy.core.multiarray":  # the release's path; numpy 2 moved it
            module = "numpy._core.multiarray"
        return super().find_class(module, name)


def load_release_file(path: str | os.PathLike) -> Any:
    """Unpickle one ``.pickle.pbz2`` file of the release. Trusted files only: unpickling runs code.

    Example:
        >>> import naslib_mini as nm
        >>> record = load_release_file(nm.data_dir() / "nasbench201/nats_official_sample/tss_000011.pickle.pbz2")
        >>> sorted(record), record["200"]["arch_index"]
        (['12', '200'], 11)
    """
    with bz2.open(path, "rb") as stream:
        return _ReleaseUnpickler(stream).load()


def _quantity(results: dict, hp: str, dataset: str, seeds: list[int], quantity: str) -> float:
    records = [results[(dataset, seed)] for seed in seeds]
    if quantity == "nseeds":
        return float(len(records))
    if quantity == "params":
        return float(records[0]["params"])
    if quantity == "train_time":
        return float(np.mean([sum(r["train_times"].values()) for r in records]))
    return float(np.mean([r["eval_acc1es"][f"{quantity}@{r['epochs'] - 1}"] for r in records]))


def _row(record: dict, space: NB201Space) -> dict[str, Any]:
    first = next(iter(record.values()))
    arch_str = first["arch_str"]
    row: dict[str, Any] = {"index": int(first["arch_index"]), "arch_str": arch_str,
                           "unique_str": space.canonical(space.from_str(arch_str))}
    for column, (hp, dataset, quantity) in COLUMN_SOURCES.items():
        part = record.get(hp)
        seeds = part["dataset_seed"].get(dataset) if part else None
        if not seeds:
            log.warning("architecture %d has no %s results for hp=%s; %s left empty",
                        row["index"], dataset, hp, column)
            row[column] = float("nan")
            continue
        row[column] = _quantity(part["all_results"], hp, dataset, seeds, quantity)
    return row


def convert(src_dir: str | os.PathLike, out_path: str | os.PathLike | None = None) -> "pd.DataFrame":
    """Rows of the compact table for every architecture file in ``src_dir``.

    Unpickles the files (trusted files only: unpickling runs code). A complete
    release gives all 15,625 rows; a partial directory gives the rows it holds.

    Args:
        src_dir: Directory with ``NNNNNN.pickle.pbz2`` (or ``tss_NNNNNN...``) files and,
            optionally, the meta file, whose architecture strings are cross-checked.
        out_path: If given, also write the table there (``.csv.gz`` compresses).

    Returns:
        One row per architecture, sorted by index, with ``index``, ``arch_str``,
        ``unique_str`` and the columns of ``COLUMN_SOURCES``.

    Example:
        >>> import naslib_mini as nm
        >>> rows = convert(nm.data_dir() / "nasbench201/nats_official_sample")
        >>> list(rows["index"]), round(float(rows.loc[1, "c10_test_200"]), 2)
        ([0, 11, 284], 91.58)
    """
    import pandas as pd

    src = Path(src_dir)
    if not src.is_dir():
        raise FileNotFoundError(f"NATS-Bench release directory {src} does not exist")
    files = sorted(p for p in src.iterdir() if _ARCH_FILE.search(p.name))
    if not files:
        raise FileNotFoundError(f"no NATS-Bench architecture files (NNNNNN.pickle.pbz2) in {src}")
    metas = [p for p in src.iterdir() if p.name.endswith("meta.pickle.pbz2")]
    meta_archs = load_release_file(metas[0])["meta_archs"] if metas else None
    space = NB201Space()
    rows = []
    for number, path in enumerate(files, start=1):
        row = _row(load_release_file(path), space)
        expected_index = int(_ARCH_FILE.search(path.name).group(1))
        if row["index"] != expected_index:
            raise ValueError(f"{path.name} holds architecture {row['index']}, not {expected_index}")
        if meta_archs is not None and meta_archs[row["index"]] != row["arch_str"]:
            raise ValueError(f"{path.name}: arch_str {row['arch_str']!r} disagrees with the meta file "
                             f"({meta_archs[row['index']]!r})")
        rows.append(row)
        if number % 1000 == 0:
            log.info("converted %d of %d architectures", number, len(files))
    table = pd.DataFrame(rows).sort_values("index").reset_index(drop=True)
    for column in ("c10v_nseeds_200", "c100_nseeds_200", "in16_nseeds_200"):
        if table[column].notna().all():
            table[column] = table[column].astype(int)
    if out_path is not None:
        out = Path(out_path)
        out.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(out, index=False)
        log.info("wrote %d rows to %s", len(table), out)
    return table

