"""The reference (hpbandster) BOHB density: statsmodels' numbers, hpbandster's rules."""
import numpy as np
import pytest
import statsmodels.api as sm

import naslib_mini as nm
from naslib_mini.strategies.tpe_reference import ReferenceTPEModel

SIZES = (5,) * 6  # NAS-Bench-201: six edges, five operations


def statsmodels_kde(data, min_bandwidth=0.3):
    """What hpbandster builds: a normal-reference KDEMultivariate, bandwidths clipped below."""
    kde = sm.nonparametric.KDEMultivariate(data=data.astype(float), var_type="u" * data.shape[1],
                                           bw="normal_reference")
    kde.bw = np.clip(kde.bw, min_bandwidth, None)
    return kde


@pytest.mark.filterwarnings("ignore::FutureWarning")  # statsmodels on its own random state
@pytest.mark.parametrize("rows", [8, 20, 60])
def test_bandwidths_and_density_equal_statsmodels(rows):
    rng = np.random.default_rng(rows)
    data = rng.integers(5, size=(rows, 6))
    data[:, 0] = 2  # one decision with a single observed level: infinite density off it
    kde = statsmodels_kde(data)
    model = ReferenceTPEModel(SIZES)
    np.testing.assert_allclose(model._bandwidths(data), kde.bw, rtol=1e-12)
    x = rng.integers(5, size=(12, 6))
    x[:6, 0] = 2
    ours = model.pdf(data, kde.bw, x)
    with np.errstate(divide="ignore", invalid="ignore"):
        theirs = np.array([float(kde.pdf(v.astype(float))) for v in x])
    np.testing.assert_allclose(ours, theirs, rtol=1e-10)
    assert np.isinf(ours[6:]).any() or np.isnan(ours[6:]).any()


def test_bandwidths_leave_the_kernels_valid_range_on_nb201_like_data():
    rng = np.random.default_rng(0)
    model = ReferenceTPEModel(SIZES).fit(rng.integers(5, size=(30, 6)), rng.random(30))
    assert (model.good_bandwidths_ > 4 / 5).all() and (model.bad_bandwidths_ > 4 / 5).all()


def test_needs_more_rows_than_decisions_in_both_sets():
    model = ReferenceTPEModel(SIZES)
    assert model.required == 14  # good = N_min = 7 rows, bad = the other 7
    rng = np.random.default_rng(1)
    x, y = rng.integers(5, size=(14, 6)), rng.random(14)
    assert not model.fit(x[:13], y[:13]).fitted and model.propose(rng) is None
    model.fit(x, y)
    order = np.argsort(-y)
    np.testing.assert_array_equal(model.good_, x[order[:7]])
    np.testing.assert_array_equal(model.bad_, x[order[7:]])


def test_out_of_range_bandwidths_point_the_model_away_from_good_choices():
    """Why the paper's BOHB trails random search: with ``h > (c-1)/c`` a good point's
    own choice weighs ``1 - h < 0``, so ``l / g`` favours choices the good points lack.
    The valid-bandwidth ``TPEModel`` favours the good choices."""
    rng = np.random.default_rng(2)
    x = rng.integers(5, size=(200, 6))
    y = (x == 3).sum(axis=1) + 0.01 * rng.random(200)  # many 3s is good; uniform sampling gives 20% 3s
    reference = ReferenceTPEModel(SIZES, num_samples=64).fit(x, y)
    valid = nm.strategies.tpe.TPEModel(SIZES, num_samples=64).fit(x, y)
    share = {name: np.mean(np.array([model.propose(rng) for _ in range(100)]) == 3)
             for name, model in (("reference", reference), ("valid", valid))}
    assert share["reference"] < 0.15 < 0.4 < share["valid"]


def test_bad_arguments_name_the_value():
    with pytest.raises(ValueError, match="min_points must be at least.*7, got 3"):
        ReferenceTPEModel(SIZES, min_points=3)
    with pytest.raises(ValueError, match="top_fraction must be in \\(0, 1\\), got 1.5"):
        ReferenceTPEModel(SIZES, top_fraction=1.5)
    with pytest.raises(ValueError, match="unknown density 'kde'; valid choices: tpe, hpbandster"):
        nm.STRATEGIES.create("bohb", space=nm.SPACES.create("nb201"), density="kde")


def test_bohb_with_the_reference_density_searches_the_table():
    space = nm.SPACES.create("nb201")
    estimator = nm.ESTIMATORS.create("nb201", dataset="cifar10", epochs=12, honour_budget=False)
    bohb = nm.STRATEGIES.create("bohb", space=space, seed=0, min_budget=12, max_budget=200, num_samples=4,
                                random_fraction=0.0, density="hpbandster")
    history = nm.run(bohb, estimator, nm.Budget(trials=60))
    origins = [t.candidate.info["origin"] for t in history.trials]
    assert "model" in origins and bohb.model_budget_ is not None
