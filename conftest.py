"""Shared test set-up: tests read the benchmark data the package ships (or ``$NASLIB_MINI_DATA`` if set)."""
from pathlib import Path

import pytest


@pytest.fixture
def data_dir() -> Path:
    """The benchmark data directory the library uses by default."""
    from naslib_mini.data import NB201_FILE, data_dir

    path = data_dir()
    if not (path / NB201_FILE).exists():
        pytest.fail(f"benchmark data not found under {path}; unset NASLIB_MINI_DATA to use the shipped copy")
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


@pytest.fixture
def one_torch_thread():
    """Run a test on one torch thread (small networks run fastest so, and never oversubscribe a busy machine)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
