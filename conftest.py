"""Shared test set-up: tests read benchmark data from ../shared/data unless told otherwise."""
import os
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "shared" / "data"
os.environ.setdefault("NASLIB_MINI_DATA", str(DATA))


@pytest.fixture
def data_dir() -> Path:
    path = Path(os.environ["NASLIB_MINI_DATA"])
    if not (path / "nasbench201" / "nb201.csv.gz").exists():
        pytest.fail(f"benchmark data not found under {path}; set NASLIB_MINI_DATA")
    return path


@pytest.fixture(scope="session")
def nb201_space():
    """The NAS-Bench-201 cell space."""
    import naslib_mini as nm
    return nm.SPACES.create("nb201")


@pytest.fixture(scope="session")
def nb201_table():
    """The NAS-Bench-201 table on CIFAR-10 with the 12-epoch search signal of the paper's protocol."""
    import naslib_mini as nm
    return nm.ESTIMATORS.create("nb201", dataset="cifar10", epochs=12)
