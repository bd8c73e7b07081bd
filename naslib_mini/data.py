"""Where benchmark data lives, and loading the NAS-Bench-201 table from it.

Benchmark tables are read-only facts published by their authors (NAS-Bench-201,
Dong & Yang 2020; NATS-Bench, Dong et al. 2021). They ship beside the project in
``shared/data``, never inside the package. Code finds them through a
``data_dir`` argument or the ``NASLIB_MINI_DATA`` environment variable. This
module only locates and loads files; it knows nothing about architectures
(``spaces/nb201.py``) or scores (``estimators/tabular.py``), and it never
unpickles anything (only ``nats_convert.py`` does).
"""
from __future__ import annotations

import functools
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DATA_ENV", "NB201_FILE", "NB201_SIZE", "data_dir", "load_nb201", "nb201_path"]

log = logging.getLogger(__name__)

#: Environment variable naming the benchmark data directory.
DATA_ENV = "NASLIB_MINI_DATA"
#: Location of the NAS-Bench-201 table inside the data directory.
NB201_FILE = Path("nasbench201") / "nb201.csv.gz"
#: Number of architectures (rows) in the NAS-Bench-201 table.
NB201_SIZE = 15625


def _missing(where: str) -> FileNotFoundError:
    return FileNotFoundError(
        f"NAS-Bench data not found ({where}). The table must be at <data_dir>/{NB201_FILE.as_posix()}. "
        f"It ships beside the project in shared/data; pass data_dir=... or set the environment "
        f"variable {DATA_ENV} to that directory (e.g. export {DATA_ENV}=../shared/data). "
        f"To build it from the official NATS-Bench topology release, run "
        f"`python -m naslib_mini convert-nats SRC_DIR <data_dir>/{NB201_FILE.as_posix()}`."
    )


def data_dir(path: str | os.PathLike | None = None) -> Path:
    """The benchmark data directory: ``path`` if given, else ``$NASLIB_MINI_DATA``.

    Args:
        path: An explicit directory; takes precedence over the environment.

    Returns:
        The directory as a ``Path`` (not checked for contents here).

    Raises:
        FileNotFoundError: Neither an argument nor the environment variable names a
            directory; the message says where the data must be and how to point at it.

    Example:
        >>> data_dir("/some/where")
        PosixPath('/some/where')
    """
    if path is not None:
        return Path(path)
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env)
    raise _missing(f"no data_dir argument and ${DATA_ENV} is not set")


def nb201_path(path: str | os.PathLike | None = None) -> Path:
    """The resolved path of ``nb201.csv.gz``; raises ``FileNotFoundError`` if it is not there.

    Example:
        >>> nb201_path().name
        'nb201.csv.gz'
    """
    file = (data_dir(path) / NB201_FILE).resolve()
    if not file.is_file():
        raise _missing(f"{file} does not exist")
    return file


def load_nb201(data_dir: str | os.PathLike | None = None) -> "pd.DataFrame":
    """The NAS-Bench-201 table: one row per architecture, row ``i`` is official index ``i``.

    Loaded once per resolved path (later calls return the same frame for free),
    so treat the frame as read-only. Columns are described in the data README
    (``arch_str``, ``unique_str``, ``c10_valid_12``, ``c10_test_200``, ...).

    Args:
        data_dir: The data directory; by default ``$NASLIB_MINI_DATA``.

    Raises:
        FileNotFoundError: The table is missing (the message says how to get it).
        ValueError: The file is not a complete NAS-Bench-201 table.

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
    frame = pd.read_csv(file)
    for column in ("index", "arch_str", "unique_str"):
        if column not in frame.columns:
            raise ValueError(f"{file} has no column {column!r}; is it a NAS-Bench-201 table?")
    if len(frame) != NB201_SIZE or not (frame["index"].to_numpy() == range(NB201_SIZE)).all():
        raise ValueError(f"{file} must hold rows with index 0..{NB201_SIZE - 1} in order, "
                         f"got {len(frame)} rows")
    return frame
