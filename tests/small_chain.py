"""Shared fixtures for tests that really train: the digits task and a small chain space.

Import the fixtures by name into a test module (``from small_chain import arch, digits, space``);
``refuse_to_build(monkeypatch)`` makes building any task or space fail, to prove a constructor only stores.
"""
import pytest

import naslib_mini as nm


@pytest.fixture(scope="module")
def digits():
    return nm.TASKS.create("digits", seed=0)


@pytest.fixture(scope="module")
def space():
    return nm.SPACES.create("chain", channels=(8, 16), max_depth=3, stem_channels=8)


@pytest.fixture(scope="module")
def arch(space):
    return space.from_str("conv3x3-16-s1-series|conv3x3-16-s2-skip")


def refuse_to_build(monkeypatch):
    """Make building any task or space fail, as a constructor that only stores never notices."""
    def refuse(name, /, **kwargs):
        raise AssertionError(f"built {name!r} too early")
    monkeypatch.setattr(nm.TASKS, "create", refuse)
    monkeypatch.setattr(nm.SPACES, "create", refuse)
