"""Where benchmark data lives, and loading its tables: NAS-Bench-201 and NAS-Bench-Macro.

Benchmark tables are read-only facts published by their authors (NAS-Bench-201,
Dong & Yang 2020; NATS-Bench, Dong et al. 2021; NAS-Bench-Macro, Su et al. 2021).
Byte-identical copies ship with
the package in ``naslib_mini/benchmark_data`` (its README keeps their provenance
and licences, ``CHECKSUMS`` their sha256), so a fresh clone or install needs
nothing beside it; a ``data_dir`` argument or the ``NASLIB_MINI_DATA`` environment
variable points elsewhere. This module only locates and loads files; it knows
nothing about architectures (``spaces/nb201.py``) or scores
(``estimators/tabular.py``), and it never unpickles anything (only
``nats_convert.py`` does).
"""
from __future__ import annotations

import functools
import gzip
import json
import logging
import os
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from naslib_mini.types import ConfigurationError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COST_NB201_FILE", "DATA_ENV", "DataNotFound", "MACRO_FILE", "MACRO_SIZE", "NB201_FILE", "NB201_SIZE",
           "SHIPPED_DATA", "SYNFLOW_NB201_FILE", "data_dir", "load_nas_bench_macro", "load_nb201", "load_nb201_cost",
           "load_nb201_synflow", "macro_path",
           "nb201_path"]

log = logging.getLogger(__name__)

#: Environment variable naming another benchmark data directory.
DATA_ENV = "NASLIB_MINI_DATA"
#: The benchmark data shipped with the package: the default data directory.
SHIPPED_DATA = Path(__file__).resolve().parent / "benchmark_data"
#: Location of the NAS-Bench-201 table inside the data directory.
NB201_FILE = Path("nasbench201") / "nb201.csv.gz"
#: Number of architectures (rows) in the NAS-Bench-201 table.
NB201_SIZE = 15625
#: Location of NAS-Bench-Macro inside the data directory (shipped compressed; the
#: uncompressed ``.json`` of the original release is read too).
MACRO_FILE = Path("nasbench_macro") / "nas-bench-macro_cifar10.json.gz"
#: Number of architectures in NAS-Bench-Macro: 8 layers of 3 choices.
MACRO_SIZE = 3 ** 8
#: Synflow of every NAS-Bench-201 cell, computed by naslib_mini (``benchmarks/synflow_nb201.py``), not
#: published by the benchmark's authors: always read from the shipped folder unless a path is given.
SYNFLOW_NB201_FILE = Path("nasbench201") / "synflow_nb201.csv.gz"
#: FLOPs and parameters of every NAS-Bench-201 cell's network as naslib_mini builds it
#: (``benchmarks/cost_nb201.py``): always read from the shipped folder unless a path is given.
COST_NB201_FILE = Path("nasbench201") / "cost_nb201.csv.gz"
#: Errors that reading a damaged file raises: a cut or corrupt gzip, text that does not parse.
_UNREADABLE = (OSError, EOFError, ValueError, zlib.error)


class DataNotFound(ConfigurationError, FileNotFoundError):
    """A benchmark file is not where the data directory says; the message names the path and the fix."""


def _missing(file: Path, relative: Path, how_to_build: str = "") -> DataNotFound:
    return DataNotFound(
        f"NAS-Bench data not found ({file} does not exist). The file must be at <data_dir>/{relative.as_posix()}. "
        f"By default naslib_mini reads the copy it ships in {SHIPPED_DATA}; a data_dir=... argument or "
        f"the environment variable {DATA_ENV} overrides that: point it at a directory holding "
        f"{relative.as_posix()}, or unset {DATA_ENV} (and pass no data_dir) to use the shipped copy.{how_to_build}"
    )


def _unreadable(file: Path, what: str, exc: Exception) -> ConfigurationError:
    return ConfigurationError(f"{file} cannot be read as {what} ({type(exc).__name__}: {exc}); restore it "
                              f"from the copy naslib_mini ships in {SHIPPED_DATA}")


def data_dir(path: str | os.PathLike | None = None) -> Path:
    """The benchmark data directory: ``path`` if given, else ``$NASLIB_MINI_DATA``, else the shipped copy.

    Args:
        path: An explicit directory; takes precedence over the environment.

    Returns:
        The directory as a ``Path`` (not checked for contents here).

    Example:
        >>> data_dir("/some/where")
        PosixPath('/some/where')
        >>> data_dir() == SHIPPED_DATA or DATA_ENV in os.environ
        True
    """
    if path is not None:
        return Path(path)
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    return SHIPPED_DATA


def nb201_path(path: str | os.PathLike | None = None) -> Path:
    """The resolved path of ``nb201.csv.gz``; raises ``DataNotFound`` if it is not there.

    A cheap check (one ``stat``) that estimators make when they are built.

    Example:
        >>> nb201_path().name
        'nb201.csv.gz'
    """
    file = (data_dir(path) / NB201_FILE).resolve()
    if not file.is_file():
        raise _missing(file, NB201_FILE, " To build the table from the official NATS-Bench topology release, run "
                       f"`python -m naslib_mini convert-nats SRC_DIR <data_dir>/{NB201_FILE.as_posix()}`.")
    return file


def load_nb201(data_dir: str | os.PathLike | None = None) -> "pd.DataFrame":
    """The NAS-Bench-201 table: one row per architecture, row ``i`` is official index ``i``.

    Loaded once per resolved path (later calls return the same frame for free),
    so treat the frame as read-only. Columns are described in the data README
    (``arch_str``, ``unique_str``, ``c10_valid_12``, ``c10_test_200``, ...).

    Args:
        data_dir: The data directory; by default ``$NASLIB_MINI_DATA`` or the shipped copy.

    Raises:
        DataNotFound: The table is missing (a ``FileNotFoundError``; the message says how
            to get it).
        ConfigurationError: The file cannot be read or is not a complete NAS-Bench-201
            table (a ``ValueError``).

    Example:
        >>> table = load_nb201()
        >>> len(table), table.loc[6111, "c10_test_200"].round(2)
        (15625, np.float64(94.37))
        >>> load_nb201() is table
        True
    """
    return _load_nb201(nb201_path(data_dir))


@functools.lru_cache(maxsize=4)
def _load_nb201(file: Path) -> "pd.DataFrame":
    import pandas as pd

    log.info("loading NAS-Bench-201 table from %s", file)
    try:
        frame = pd.read_csv(file)
    except _UNREADABLE as exc:
        raise _unreadable(file, "a NAS-Bench-201 table", exc) from exc
    for column in ("index", "arch_str", "unique_str"):
        if column not in frame.columns:
            raise ConfigurationError(f"{file} has no column {column!r}; is it a NAS-Bench-201 table?")
    if len(frame) != NB201_SIZE or not (frame["index"].to_numpy() == range(NB201_SIZE)).all():
        raise ConfigurationError(f"{file} must hold rows with index 0..{NB201_SIZE - 1} in order, "
                                 f"got {len(frame)} rows")
    return frame


def macro_path(path: str | os.PathLike | None = None) -> Path:
    """The resolved path of NAS-Bench-Macro (``.json.gz``, else ``.json``); raises ``DataNotFound`` if absent.

    Example:
        >>> macro_path().name
        'nas-bench-macro_cifar10.json.gz'
    """
    directory = data_dir(path)
    for file in (directory / MACRO_FILE, directory / MACRO_FILE.with_suffix("")):
        if file.is_file():
            return file.resolve()
    raise _missing((directory / MACRO_FILE).resolve(), MACRO_FILE)


def load_nas_bench_macro(data_dir: str | os.PathLike | None = None) -> "pd.DataFrame":
    """NAS-Bench-Macro on CIFAR-10 (Su et al. 2021): one row per architecture, as published.

    The index is the architecture's 8-digit key, one digit per searchable layer
    (``0`` identity, ``1`` MobileNet block expand 3 kernel 3, ``2`` expand 6 kernel 5),
    sorted. Columns: ``test_acc`` (the 3 runs' test accuracies), ``mean_acc`` and
    ``std`` (all in percent, as published), ``params`` and ``flops``. Loaded once per
    resolved path; treat the frame as read-only.

    Args:
        data_dir: The data directory; by default ``$NASLIB_MINI_DATA`` or the shipped copy.

    Raises:
        DataNotFound: The file is missing.
        ConfigurationError: The file cannot be read or is not the complete benchmark.

    Example:
        >>> macro = load_nas_bench_macro()
        >>> len(macro), macro.index[0], round(float(macro.loc["02012100", "mean_acc"]), 2)
        (6561, '00000000', 89.2)
    """
    return _load_macro(macro_path(data_dir))


@functools.lru_cache(maxsize=2)
def _load_macro(file: Path) -> "pd.DataFrame":
    import pandas as pd

    log.info("loading NAS-Bench-Macro from %s", file)
    try:
        with (gzip.open if file.suffix == ".gz" else open)(file, "rt", encoding="utf-8") as stream:
            records = json.load(stream)
    except _UNREADABLE as exc:
        raise _unreadable(file, "NAS-Bench-Macro", exc) from exc
    keys = records if isinstance(records, dict) else {}
    if len(keys) != MACRO_SIZE or any(len(key) != 8 or set(key) - set("012") for key in keys):
        raise ConfigurationError(f"{file} must map each of the {MACRO_SIZE} 8-digit keys of 0, 1 and 2 to "
                                 f"its results, got {len(keys)} entries; is it NAS-Bench-Macro?")
    frame = pd.DataFrame.from_dict(records, orient="index").sort_index()
    frame.index.name = "arch"
    return frame


def load_nb201_synflow(path: str | os.PathLike | None = None) -> "pd.DataFrame":
    """Synflow and FLOPs of every NAS-Bench-201 cell, as naslib_mini computed them.

    Row ``i`` is official index ``i`` (columns ``index``, ``synflow``, ``flops``): the
    synflow of the CIFAR-shaped network (C=16, N=5, 3x32x32, 10 classes) built by
    ``naslib_mini.build_network`` with weights seeded by ``derive_seed(0, arch_str)``,
    and its FLOPs per image. Computed by ``python benchmarks/synflow_nb201.py`` (not by the
    benchmark's authors), so by default it is read from the shipped folder whatever
    ``NASLIB_MINI_DATA`` says.

    Args:
        path: The gzip CSV to read; by default the shipped ``nasbench201/synflow_nb201.csv.gz``.

    Raises:
        DataNotFound: The file is missing (the message says how to compute it).
        ConfigurationError: The file cannot be read or does not hold every cell in order.

    Example:
        >>> scores = load_nb201_synflow()
        >>> len(scores), list(scores.columns), int((scores["synflow"] == 0).sum())
        (15625, ['index', 'synflow', 'flops'], 341)
    """
    file = Path(path) if path is not None else SHIPPED_DATA / SYNFLOW_NB201_FILE
    if not file.is_file():
        raise DataNotFound(f"synflow scores not found ({file} does not exist); compute them with "
                           f"`python benchmarks/synflow_nb201.py --data {file}` (about 20 CPU minutes, resumable)")
    return _per_cell_table(file.resolve(), ("index", "synflow", "flops"), "a table of synflow scores")


@functools.lru_cache(maxsize=4)
def _per_cell_table(file: Path, columns: tuple[str, ...], what: str) -> "pd.DataFrame":
    """A CSV with one row per NB201 cell in index order and exactly ``columns``, checked."""
    import pandas as pd

    try:
        frame = pd.read_csv(file)
    except _UNREADABLE as exc:
        raise _unreadable(file, what, exc) from exc
    if tuple(frame.columns) != columns:
        raise ConfigurationError(f"{file} must have the columns {', '.join(columns)}; got {list(frame.columns)}")
    if len(frame) != NB201_SIZE or not (frame["index"].to_numpy() == range(NB201_SIZE)).all():
        raise ConfigurationError(f"{file} must hold rows with index 0..{NB201_SIZE - 1} in order, "
                                 f"got {len(frame)} rows")
    return frame


def load_nb201_cost(path: str | os.PathLike | None = None) -> "pd.DataFrame":
    """FLOPs and parameters of every NAS-Bench-201 cell's network, as naslib_mini builds it.

    Row ``i`` is official index ``i`` (columns ``index``, ``flops``, ``params``): the FLOPs
    per image (``naslib_mini.count_flops``, a multiply-add counts two) and trainable
    parameters of the CIFAR-shaped network (C=16, N=5, 3x32x32, 10 classes) that
    ``naslib_mini.build_network`` makes of the cell. Computed by
    ``python benchmarks/cost_nb201.py`` (not by the benchmark's authors; how the counts
    compare with theirs is in ``benchmark_data/README.md``), so by default it is read from
    the shipped folder whatever ``NASLIB_MINI_DATA`` says.

    Args:
        path: The gzip CSV to read; by default the shipped ``nasbench201/cost_nb201.csv.gz``.

    Raises:
        DataNotFound: The file is missing (the message says how to compute it).
        ConfigurationError: The file cannot be read or does not hold every cell in order.

    Example:
        >>> cost = load_nb201_cost()
        >>> len(cost), list(cost.columns), int(cost["params"].min()) < int(cost["params"].max())
        (15625, ['index', 'flops', 'params'], True)
    """
    file = Path(path) if path is not None else SHIPPED_DATA / COST_NB201_FILE
    if not file.is_file():
        raise DataNotFound(f"NAS-Bench-201 cost table not found ({file} does not exist); compute it with "
                           f"`python benchmarks/cost_nb201.py --data {file}` (about 2 CPU minutes)")
    return _per_cell_table(file.resolve(), ("index", "flops", "params"), "a table of FLOPs and parameters")
