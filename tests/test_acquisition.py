"""Acquisition functions, the candidate pool, surrogate targets and the archive of proposals."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm, rankdata

import naslib_mini as nm
from naslib_mini.strategies.acquisition import (AcquisitionOptimizer, acquisition_values, expected_improvement,
                                                thompson_sample, upper_confidence_bound)
from naslib_mini.strategies.archive import Archive
from naslib_mini.strategies.model_based import average_ranks, single_threaded, surrogate_encoding, transform_targets


@pytest.fixture(scope="module")
def nb201():
    return nm.SPACES.create("nb201")


def complete(number, arch, score):
    return nm.Trial(number, nm.Candidate(arch), nm.TrialState.COMPLETE, nm.Measurement(score, 1.0), cost=1.0)


# -- acquisition functions ------------------------------------------------------
def test_expected_improvement_matches_monte_carlo():
    rng = np.random.default_rng(0)
    mean, std, best = np.array([0.3, -1.0, 2.0]), np.array([0.5, 2.0, 0.1]), 0.5
    draws = mean + std * rng.standard_normal((400_000, 3))
    expected = np.maximum(draws - best, 0.0).mean(axis=0)
    np.testing.assert_allclose(expected_improvement(mean, std, best), expected, rtol=0.02, atol=1e-3)


def test_expected_improvement_is_the_plain_gain_without_uncertainty_and_grows_with_both():
    assert expected_improvement(np.array([3.0, 1.0]), np.zeros(2), best=2.0).tolist() == [1.0, 0.0]
    ei = expected_improvement(np.array([0.0, 0.5, 1.0]), np.ones(3), best=1.0)
    assert np.all(np.diff(ei) > 0)
    assert expected_improvement(np.zeros(1), np.array([2.0]), 1.0) > expected_improvement(np.zeros(1), np.ones(1), 1.0)


def test_ucb_and_thompson_sampling():
    np.testing.assert_allclose(upper_confidence_bound(np.array([1.0, 2.0]), np.array([1.0, 0.0]), kappa=3.0), [4.0, 2.0])
    mean, std = np.array([1.0, -2.0]), np.array([0.5, 2.0])
    draws = np.stack([thompson_sample(mean, std, np.random.default_rng(seed)) for seed in range(4000)])
    np.testing.assert_allclose(draws.mean(0), mean, atol=0.1)
    np.testing.assert_allclose(draws.std(0), std, rtol=0.05)
    again = thompson_sample(mean, std, np.random.default_rng(3))
    np.testing.assert_array_equal(again, draws[3])


def test_unknown_acquisition_lists_the_valid_ones():
    with pytest.raises(ValueError, match="'pi'.*ei, ucb, its"):
        acquisition_values("pi", np.zeros(1), np.ones(1), best=0.0, rng=np.random.default_rng(0))


# -- the candidate pool -----------------------------------------------------------
def test_pool_is_unseen_without_isomorphic_repeats(nb201):
    archive = Archive(nb201)
    rng = np.random.default_rng(0)
    for number in range(20):
        arch = archive.sample_unseen(rng)
        archive.record(complete(number, arch, float(number)))
    pool = AcquisitionOptimizer(num_parents=5, mutations_per_parent=20, num_random=30).candidates(archive, rng)
    keys = [nb201.canonical(a) for a in pool]
    assert len(pool) > 60
    assert len(set(keys)) == len(keys)
    assert not any(archive.seen(a) for a in pool)
    best = archive.top(1)[0]
    assert sum(a in nb201.neighbours(best) for a in pool) >= 5  # the best is mutated


def test_neighbour_pool_is_the_unseen_neighbourhood_of_the_best(nb201):
    archive = Archive(nb201)
    rng = np.random.default_rng(1)
    first = nb201.sample(rng)
    archive.record(complete(0, first, 1.0))
    neighbour = nb201.neighbours(first)[0]
    archive.record(complete(1, neighbour, 0.5))
    pool = AcquisitionOptimizer(num_parents=1, num_random=0, neighbours=True).candidates(archive, rng)
    expected = archive.unseen(nb201.neighbours(first))
    assert pool == expected and neighbour not in pool
    # once the best's neighbourhood is used up, the next best becomes the parent
    for number, arch in enumerate(expected, start=2):
        archive.record(nm.Trial(number, nm.Candidate(arch), nm.TrialState.FAILED, error="x"))
    pool = AcquisitionOptimizer(num_parents=1, num_random=0, neighbours=True).candidates(archive, rng)
    assert pool and all(a in nb201.neighbours(neighbour) for a in pool)


def test_pool_arguments_are_validated():
    with pytest.raises(ValueError, match="num_random must be an integer >= 0"):
        AcquisitionOptimizer(num_random=-1)
    with pytest.raises(ValueError, match="always be empty"):
        AcquisitionOptimizer(num_parents=0, num_random=0)


# -- surrogate targets and encodings ----------------------------------------------
def test_average_ranks_equal_scipys_rankdata():
    rng = np.random.default_rng(0)
    for size in (1, 2, 7, 60):
        values = rng.integers(0, 5, size=size).astype(float)  # many ties
        np.testing.assert_array_equal(average_ranks(values), rankdata(values))


def test_rank_targets_are_normal_scores_of_the_ranks():
    scores = np.array([80.0, 10.0, 84.9, 84.8, 84.8])
    z = transform_targets(scores, "rank")
    np.testing.assert_allclose(z, norm.ppf((rankdata(scores) - 0.5) / 5))
    assert np.argmax(z) == 2 and z[3] == z[4]  # ties share their rank
    assert abs(transform_targets(np.arange(7.0)).sum()) < 1e-12
    # an outlier far below no longer squeezes the differences among the best
    assert (z[2] - z[3]) / np.ptp(z) > (scores[2] - scores[3]) / np.ptp(scores)
    np.testing.assert_array_equal(transform_targets(scores, "score"), scores)
    with pytest.raises(ValueError, match="'log'.*rank, score"):
        transform_targets(scores, "log")


def test_surrogate_encoding_prefers_the_path_encoding(nb201):
    assert surrogate_encoding(nb201) == "path"
    assert surrogate_encoding(nb201, "onehot") == "onehot"
    assert surrogate_encoding(nm.SPACES.create("chain-small")) == "onehot"
    with pytest.raises(ValueError, match="'adjacency'.*onehot, path"):
        surrogate_encoding(nb201, "adjacency")


def test_single_threaded_restores_the_blas_setting():
    from threadpoolctl import threadpool_info

    before = [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]
    with single_threaded():
        assert all(lib["num_threads"] == 1 for lib in threadpool_info() if lib["user_api"] == "blas")
    assert [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"] == before


# -- the archive ------------------------------------------------------------------
def test_archive_treats_isomorphic_cells_as_the_same(nb201):
    # node 1 feeds nothing, so the operation on edge 0->1 does not change the network
    a = nb201.from_str("|nor_conv_3x3~0|+|skip_connect~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|")
    b = nb201.from_str("|avg_pool_3x3~0|+|skip_connect~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|")
    assert a != b and nb201.canonical(a) == nb201.canonical(b)
    archive = Archive(nb201)
    archive.propose(a)
    assert archive.seen(b) and archive.pending == 1
    assert archive.unseen([b, a]) == []
    assert archive.record(complete(0, b, 70.0))  # a result for the class arrives
    assert archive.pending == 0
    assert not archive.record(complete(0, b, 70.0))  # the same trial told twice
    assert not archive.record(complete(1, a, 71.0))  # an isomorphic repeat adds nothing
    assert len(archive) == 1 and archive.best() == (b, 70.0)


def test_archive_ranks_results_and_ignores_failures(nb201):
    archive = Archive(nb201)
    rng = np.random.default_rng(2)
    archs = [archive.sample_unseen(rng) for _ in range(4)]
    for number, (arch, score) in enumerate(zip(archs[:3], (5.0, 9.0, 7.0))):
        archive.record(complete(number, arch, score))
    assert not archive.record(nm.Trial(3, nm.Candidate(archs[3]), nm.TrialState.FAILED, error="boom"))
    assert archive.top(2) == [archs[1], archs[2]]
    assert archive.seen(archs[3]) and len(archive) == 3


def test_sampling_unseen_gives_up_when_the_space_is_used_up():
    space = nm.SPACES.create("chain-small", ops=("conv3x3",), channels=(8,), strides=(1,),
                             connections=("series",), max_depth=2)
    archive = Archive(space)
    rng = np.random.default_rng(0)
    archs = [archive.sample_unseen(rng) for _ in range(space.size())]
    for arch in archs:
        archive.propose(arch)
    assert len(set(archs)) == space.size()
    assert archive.sample_unseen(rng, max_draws=50) is None
    assert archive.mutate_unseen(archs[0], rng) is None
