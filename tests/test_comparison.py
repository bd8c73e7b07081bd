"""Paired comparison of two classifiers (McNemar's exact test) from their misclassified examples."""
import numpy as np
import pytest
import torch
from scipy.stats import binomtest

import naslib_mini as nm


def test_counts_disagreements_per_paired_run_and_pools_them():
    # Run 1: a misses {0, 1}, b misses {1, 2, 3}; run 2: a misses {1}, b misses {1, 4}.
    c = nm.compare_errors([[0, 1], [1]], [[1, 2, 3], [1, 4]], examples=10)
    assert (c.only_a_right, c.only_b_right, c.both_wrong) == (3, 1, 2)
    assert c.always_wrong == (1,) and (c.examples, c.runs) == (10, 2)
    # Accuracies: a 0.8 and 0.9, b 0.7 and 0.8 -> a is 0.1 better on average.
    assert c.accuracy_difference == pytest.approx(0.1)
    assert c.p_value == pytest.approx(binomtest(3, 4, 0.5).pvalue)


def test_pairing_is_by_run_not_by_pooled_sets():
    # The same errors in swapped runs: pooled sets are equal, yet each pair disagrees.
    c = nm.compare_errors([{0}, {1}], [{1}, {0}], examples=5)
    assert (c.only_a_right, c.only_b_right, c.both_wrong, c.always_wrong) == (2, 2, 0, ())
    assert c.accuracy_difference == 0 and c.p_value == pytest.approx(1.0)


def test_a_one_sided_split_is_significant_and_symmetric():
    a, b = [set(range(2))], [set(range(14))]
    forward, backward = nm.compare_errors(a, b, 100), nm.compare_errors(b, a, 100)
    assert forward.only_a_right == backward.only_b_right == 12
    assert forward.p_value == pytest.approx(backward.p_value) and forward.p_value < 0.001
    assert forward.accuracy_difference == pytest.approx(-backward.accuracy_difference) == pytest.approx(0.12)


def test_identical_errors_give_no_evidence():
    c = nm.compare_errors([{3, 4}], [{3, 4}], examples=10)
    assert (c.only_a_right, c.only_b_right, c.both_wrong, c.p_value) == (0, 0, 2, 1.0)


def test_numpy_and_torch_indices_are_accepted():
    c = nm.compare_errors([np.array([1, 2])], [torch.tensor([2, 3])], examples=5)
    assert (c.only_a_right, c.only_b_right, c.always_wrong) == (1, 1, (2,))
    assert all(type(i) is int for i in c.always_wrong)


def test_as_dict_is_json_ready():
    d = nm.compare_errors([{1}], [{1, 2}], examples=4).as_dict()
    assert d == {"examples": 4, "runs": 1, "only_a_right": 1, "only_b_right": 0, "both_wrong": 1,
                 "always_wrong": [1], "accuracy_difference": 0.25, "p_value": 1.0}


@pytest.mark.parametrize("a, b, examples, message", [
    ([], [], 10, "same positive number of runs"),
    ([{1}], [{1}, {2}], 10, "got 1 and 2"),
    ([{1}], [{10}], 10, r"\[0, 10\), got \[10\]"),
    ([{-1}], [{1}], 10, r"got \[-1\]"),
    ([{0}], [{0}], 0, "examples must be a positive number"),
    ([{0.5}], [{1}], 10, "indices must be integers, got \\['0.5'\\]"),
])
def test_bad_input_names_the_value(a, b, examples, message):
    with pytest.raises(ValueError, match=message):
        nm.compare_errors(a, b, examples)
