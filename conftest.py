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
