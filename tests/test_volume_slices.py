"""Slices, class probabilities and captions of volumes, and the slice browser widget over them.

Headless runs never fire widget events, so the widget tests set control values the way a
click does and check that the displayed state follows.
"""
import html

import matplotlib
import numpy as np
import pytest
import torch
from torch import nn

import naslib_mini as nm
from naslib_mini.tasks.lesions import CLASSES
from naslib_mini.volume_slices import class_probabilities, slice_caption, volume_slice
from naslib_mini.widgets import slice_browser

matplotlib.use("Agg")


def test_a_slice_is_the_volume_cut_along_the_named_axis():
    volume = torch.arange(2 * 3 * 4, dtype=torch.float32).reshape(1, 2, 3, 4)
    assert np.array_equal(volume_slice(volume, 1), volume[0, 1].numpy())
    assert np.array_equal(volume_slice(volume, 2, "coronal"), volume[0, :, 2].numpy())
    assert np.array_equal(volume_slice(volume[0].numpy(), 3, "sagittal"), volume[0, :, :, 3].numpy())


@pytest.mark.parametrize("args, message", [
    ((np.zeros((1, 4, 4, 4)), 4), "slice index must be an integer in 0..3 along the axial axis, got 4"),
    ((np.zeros((4, 4, 4)), -1), "in 0..3"),
    ((np.zeros((4, 4, 4)), 0, "lateral"), "unknown axis 'lateral'; valid choices: axial, coronal, sagittal"),
    ((np.zeros((4, 4)), 0), "volume must have shape (1, D, H, W) or (D, H, W), got (4, 4)"),
])
def test_bad_slices_are_refused_with_the_valid_range(args, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        volume_slice(*args)


def test_probabilities_are_the_softmax_of_the_logits_of_each_volume():
    torch.manual_seed(0)  # the test's own network, not library randomness
    model = nn.Sequential(nn.Flatten(), nn.Linear(27, 3))
    x = torch.randn(7, 1, 3, 3, 3)
    p = class_probabilities(model, x, batch_size=3)
    with torch.no_grad():
        expected = torch.softmax(model(x), 1).numpy()
    assert p.shape == (7, 3) and np.allclose(p, expected, atol=1e-6) and np.allclose(p.sum(1), 1)


def test_caption_names_the_true_and_predicted_class():
    text = slice_caption(0, [0.1, 0.6, 0.3], CLASSES)
    assert text.splitlines()[:2] == ["true class: round", "predicted: elongated (wrong)"]
    assert "0.600 <" in text
    with pytest.raises(ValueError, match="2 probabilities for 3 classes"):
        slice_caption(0, [0.5, 0.5], CLASSES)
    with pytest.raises(ValueError, match=r"label must be a class index in 0..2, got 3"):
        slice_caption(3, [0.2, 0.3, 0.5], CLASSES)


@pytest.fixture(scope="module")
def volumes():
    task = nm.TASKS.create("lesions3d", num_samples=12, num_test=6, size=8)
    space = nm.SPACES.create("chain-3d")
    net = nm.build_network(space, space.from_str("conv3x3-4-s2-series"), task.spec)
    return task.x_test, task.y_test, class_probabilities(net, task.x_test)


def test_browser_shows_the_chosen_volume_slice_and_prediction(volumes):
    x, y, p = volumes
    browser = slice_browser(x, y, p, CLASSES, volume=1)
    assert browser.index.value == 4 and browser.index.max == 7
    assert html.unescape(browser.text.value).count(f"true class: {CLASSES[int(y[1])]}") == 1
    first = browser.plot.value
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    browser.volume.value = 3  # what choosing in the dropdown does
    assert f"true class: {CLASSES[int(y[3])]}" in html.unescape(browser.text.value)
    assert slice_caption(int(y[3]), p[3], CLASSES) in html.unescape(browser.text.value)
    browser.index.value = 0
    assert browser.plot.value != first
    browser.axis.value = "sagittal"
    assert browser.index.max == 7
    assert [label for label, _ in browser.volume.options][:2] == [f"0: {CLASSES[int(y[0])]}",
                                                                  f"1: {CLASSES[int(y[1])]}"]


def test_browser_refuses_mismatched_inputs(volumes):
    x, y, p = volumes
    with pytest.raises(ValueError, match="one row per volume, got 6, 5 and 6"):
        slice_browser(x, y[:5], p, CLASSES)
    with pytest.raises(ValueError, match=r"one column per class \(2\)"):
        slice_browser(x, y, p, CLASSES[:2])
    with pytest.raises(ValueError, match=r"volume must be an index in 0..5, got 6"):
        slice_browser(x, y, p, CLASSES, volume=6)
    with pytest.raises(ValueError, match="unknown axis 'lateral'"):
        slice_browser(x, y, p, CLASSES, axis="lateral")
