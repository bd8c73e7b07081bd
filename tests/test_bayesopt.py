"""GP-based Bayesian optimisation: the numpy GP, the refit schedule, and search quality on NAS-Bench-201."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, Matern, WhiteKernel

import naslib_mini as nm
from naslib_mini.strategies.bayesopt import BayesianOptimization, GaussianProcess, LocalBayesianOptimization
from naslib_mini.strategies.model_based import transform_targets


def complete(number, candidate, score):
    return nm.Trial(number, candidate, nm.TrialState.COMPLETE, nm.Measurement(float(score), 1.0), cost=1.0)


def best_scores(name, space, table, seeds, **kwargs):
    """Best 12-epoch validation accuracy found within the NAS-Bench-201 budget, per seed."""
    scores = []
    for seed in seeds:
        history = nm.run(nm.STRATEGIES.create(name, space=space, seed=seed, **kwargs), table, nm.Budget(cost=12_000))
        scores.append(history.best(max_cost=12_000).score)
    return np.array(scores)


# -- the Gaussian process ------------------------------------------------------------
@pytest.mark.parametrize("kernel", ["matern", "rbf"])
def test_gp_agrees_with_scikit_learn_for_the_same_kernel(kernel):
    rng = np.random.default_rng(0)
    X = (rng.random((40, 12)) < 0.3).astype(float)
    y = X @ rng.normal(size=12) + 0.1 * rng.normal(size=40) + 50.0
    Xs = (rng.random((25, 12)) < 0.3).astype(float)
    gp = GaussianProcess(kernel, length_scales=(1.5,), noise_levels=(0.05,)).fit(X, y)
    shape = (Matern(gp.length_scale_, "fixed", nu=2.5) if kernel == "matern" else RBF(gp.length_scale_, "fixed"))
    reference = GaussianProcessRegressor(ConstantKernel(1.0, "fixed") * shape + WhiteKernel(0.05, "fixed"),
                                         normalize_y=True, optimizer=None).fit(X, y)
    mean, std = gp.predict(Xs)
    ref_mean, ref_std = reference.predict(Xs, return_std=True)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-8)
    # scikit-learn's std includes the white noise; ours is the latent function's
    np.testing.assert_allclose(std**2 + 0.05 * y.std() ** 2, ref_std**2, rtol=1e-6)
    # both on the standardised targets
    assert gp.log_marginal_likelihood_ == pytest.approx(reference.log_marginal_likelihood_value_, rel=1e-7)


def test_gp_picks_the_hyperparameters_with_the_highest_marginal_likelihood():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 3))
    y = np.sin(X[:, 0]) + 0.3 * rng.normal(size=30)
    grid = {(s, n): GaussianProcess(length_scales=(s,), noise_levels=(n,)).fit(X, y).log_marginal_likelihood_
            for s in (0.5, 1.0, 2.0, 4.0) for n in (1e-3, 1e-2, 1e-1)}
    chosen = GaussianProcess().fit(X, y)
    assert (chosen.length_scale_factor_, chosen.noise_) == max(grid, key=grid.get)
    assert chosen.noise_ == 0.1  # the data are noisy


def test_gp_interpolates_and_is_uncertain_far_away():
    X = np.linspace(0, 5, 12)[:, None]
    gp = GaussianProcess(noise_levels=(1e-6,)).fit(X, np.cos(X[:, 0]))
    mean, std = gp.predict(np.array([[2.5], [40.0]]))
    assert abs(mean[0] - np.cos(2.5)) < 0.02 and std[0] < 0.05
    assert abs(mean[1] - np.cos(X[:, 0]).mean()) < 1e-3 and std[1] > 0.5


def test_gp_arguments_are_validated():
    with pytest.raises(ValueError, match="'cosine'.*matern, rbf"):
        GaussianProcess("cosine")
    with pytest.raises(ValueError, match="noise_levels"):
        GaussianProcess(noise_levels=(0.0,))
    with pytest.raises(ValueError, match=r"shape \(n, d\)"):
        GaussianProcess().fit(np.zeros(3), np.zeros(3))


# -- the strategy ----------------------------------------------------------------------
def test_registered_with_defaults(nb201_space):
    bo = nm.STRATEGIES.create("bo", space=nb201_space)
    assert isinstance(bo, BayesianOptimization)
    assert (bo.acquisition, bo.encoding, bo.targets, bo.num_init, bo.refit_every) == ("ei", "path", "rank", 10, 10)
    local = nm.STRATEGIES.create("bo-local", space=nb201_space)
    assert isinstance(local, LocalBayesianOptimization)
    assert (local.num_init, local.optimizer.neighbours, local.optimizer.num_parents, local.optimizer.num_random) \
        == (30, True, 1, 0)


@pytest.mark.parametrize("kwargs, words", [
    ({"acquisition": "pi"}, "'pi'.*ei, ucb, its"), ({"kernel": "linear"}, "'linear'.*matern, rbf"),
    ({"encoding": "adjacency"}, "'adjacency'.*onehot, path"), ({"num_init": 0}, "num_init"),
    ({"refit_every": 0}, "refit_every"), ({"targets": "log"}, "'log'.*rank, score"),
    ({"tune_every": 0}, "tune_every"), ({"kappa": -1.0}, "kappa")])
def test_bad_hyperparameters_are_named(nb201_space, kwargs, words):
    with pytest.raises(ValueError, match=words):
        BayesianOptimization(nb201_space, **kwargs)


def test_random_design_first_then_one_fit_per_refit_every_results(nb201_space, nb201_table):
    fits = []

    class Counting(BayesianOptimization):
        def new_surrogate(self):
            fits.append(len(self.archive))
            return super().new_surrogate()

    bo = Counting(nb201_space, seed=0, num_init=6, refit_every=4)
    for number in range(30):
        candidate = bo.ask()
        assert candidate.info["role"] == ("random" if number < 6 else "model")
        m = nb201_table.estimate(candidate.arch)
        bo.tell(nm.Trial(number, candidate, nm.TrialState.COMPLETE, m, cost=m.cost))
    assert fits == [6, 10, 14, 18, 22, 26]


def test_model_proposes_the_maximiser_of_the_acquisition_over_the_pool(nb201_space):
    def started(seed):
        bo = BayesianOptimization(nb201_space, seed=seed, num_init=8, refit_every=1, acquisition="ucb", kappa=0.0)
        for number in range(8):
            bo.tell(complete(number, bo.ask(), number))
        return bo

    proposed = started(0).ask().arch
    twin = started(0)  # the same state, so the same pool
    pool = twin.optimizer.candidates(twin.archive, twin.rng)
    targets = transform_targets(np.array(twin.archive.scores))
    mean, _ = twin.new_surrogate().fit(twin.features(twin.archive.archs), targets).predict(twin.features(pool))
    assert proposed == pool[int(np.argmax(mean))]


def test_never_proposes_an_isomorphic_repeat(nb201_space, nb201_table):
    history = nm.run(nm.STRATEGIES.create("bo-local", space=nb201_space, seed=3), nb201_table, nm.Budget(trials=80))
    keys = [nb201_space.canonical(t.arch) for t in history]
    assert len(set(keys)) == len(keys) == 80


def test_ucb_and_thompson_sampling_search_too(nb201_space, nb201_table):
    for acquisition in ("ucb", "its"):
        strategy = BayesianOptimization(nb201_space, seed=1, acquisition=acquisition)
        history = nm.run(strategy, nb201_table, nm.Budget(trials=40))
        assert len(history) == 40 and history.best().score > 0.80


def test_local_bo_finds_the_best_cell_of_the_12_epoch_signal_most_of_the_time(nb201_space, nb201_table):
    top = max(nb201_space, key=lambda arch: nb201_table.estimate(arch).score)
    found = best_scores("bo-local", nb201_space, nb201_table, range(10))
    assert np.mean(found == nb201_table.estimate(top).score) >= 0.6


def test_pending_architectures_join_the_fit_as_constant_lies(nb201_space):
    """Asynchronous BO: while candidates are pending, each enters the fit with the worst target (CL-min)."""
    bo = BayesianOptimization(nb201_space, seed=0, num_init=4, refit_every=1)
    for number in range(4):
        candidate = bo.ask()
        bo.tell(complete(number, candidate, float(number)))
    first = bo.ask()  # nothing pending: the plain fit on four results
    assert len(bo.model_.X_) == 4
    second = bo.ask()  # ``first`` is pending: it joins the fit, scored as the worst result
    assert len(bo.model_.X_) == 5 and first.arch != second.arch
    assert np.allclose(bo.model_.X_[-1], bo.features([first.arch])[0])
    bo.tell(complete(4, first, 2.5))
    bo.tell(complete(5, second, 0.5))
    bo.ask()  # nothing pending again: fitted on the six results only
    assert len(bo.model_.X_) == 6
