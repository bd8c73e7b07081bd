"""BANANAS: the numpy MLP ensemble (training, spread, seeding) and search quality on NAS-Bench-201."""
from __future__ import annotations

import numpy as np
import pytest

import naslib_mini as nm
from naslib_mini.strategies.bananas import Bananas, MLPEnsemble


def toy_data(n=60, d=10, seed=0):
    rng = np.random.default_rng(seed)
    X = (rng.random((n, d)) < 0.4).astype(float)
    y = 3.0 * X[:, 0] - 2.0 * X[:, 1] * X[:, 2] + X[:, 3:].sum(1) + 70.0
    return X, y


def test_gradients_match_finite_differences():
    X, y = toy_data(n=12, d=5)
    ens = MLPEnsemble(num_members=2, hidden=(4, 3), steps=3, seed=0).fit(X, y)
    z = (y - ens.y_mean_) / ens.y_std_
    ens.loss_and_gradient(X, z)
    analytic = ens.gradient_.copy()
    assert np.abs(analytic).max() > 1e-3
    for index in np.random.default_rng(0).choice(len(ens.theta_), size=40, replace=False):
        old = ens.theta_[index]
        ens.theta_[index] = old + 1e-6
        up = ens.loss_and_gradient(X, z)
        ens.theta_[index] = old - 1e-6
        down = ens.loss_and_gradient(X, z)
        ens.theta_[index] = old
        assert (up - down) / 2e-6 == pytest.approx(analytic[index], abs=1e-6)


def test_fits_the_training_data_and_generalises():
    X, y = toy_data()
    ens = MLPEnsemble(steps=400, seed=0).fit(X[:45], y[:45])
    train_mean, _ = ens.predict(X[:45])
    test_mean, test_std = ens.predict(X[45:])
    assert np.abs(train_mean - y[:45]).mean() < 0.3
    assert np.corrcoef(test_mean, y[45:])[0, 1] > 0.8
    assert np.all(test_std > 0)  # the members disagree a little


def test_members_disagree_more_away_from_the_data():
    X, y = toy_data()
    ens = MLPEnsemble(steps=300, seed=1).fit(X, y)
    _, near = ens.predict(X)
    _, far = ens.predict(5.0 * np.ones((5, X.shape[1])))
    assert far.mean() > 3 * near.mean()


def test_same_seed_same_ensemble_and_other_seed_other_ensemble():
    X, y = toy_data()
    a = MLPEnsemble(seed=3).fit(X, y).predict(X)[0]
    b = MLPEnsemble(seed=3).fit(X, y).predict(X)[0]
    c = MLPEnsemble(seed=4).fit(X, y).predict(X)[0]
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.parametrize("kwargs, word", [({"num_members": 1}, "num_members"), ({"hidden": ()}, "hidden"),
                                          ({"steps": 0}, "steps"), ({"learning_rate": 0.0}, "learning_rate")])
def test_bad_ensemble_arguments_are_named(kwargs, word):
    with pytest.raises(ValueError, match=word):
        MLPEnsemble(**kwargs)


def test_registered_with_defaults(nb201_space):
    b = nm.STRATEGIES.create("bananas", space=nb201_space)
    assert isinstance(b, Bananas)
    assert (b.acquisition, b.encoding, b.num_members, b.refit_every, b.num_init) == ("its", "path", 5, 10, 10)
    with pytest.raises(ValueError, match="num_members"):
        Bananas(nb201_space, num_members=1)
    with pytest.raises(ValueError, match="'pi'.*ei, ucb, its"):
        Bananas(nb201_space, acquisition="pi")


def test_proposes_a_batch_per_fit_and_never_repeats(nb201_space, nb201_table):
    fits = []

    class Counting(Bananas):
        def new_surrogate(self):
            fits.append(len(self.archive))
            return super().new_surrogate()

    history = nm.run(Counting(nb201_space, seed=0, refit_every=5), nb201_table, nm.Budget(trials=40))
    assert fits == [10, 15, 20, 25, 30, 35]
    keys = [nb201_space.canonical(t.arch) for t in history]
    assert len(set(keys)) == len(keys) == 40
    assert [t.candidate.info["role"] for t in history][9:11] == ["random", "model"]
