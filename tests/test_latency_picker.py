"""The latency-limit widget of Once-for-All specialisation and the library functions it shows."""
import html

import matplotlib
import pytest

from naslib_mini.spaces.elastic import ElasticSpace
from naslib_mini.supernet.specialise import best_under_limit
from naslib_mini.widgets import latency_picker
from naslib_mini.widgets.latency_picker import pick_text

matplotlib.use("Agg")

SPACE = ElasticSpace(stage_channels=(8, 12), stage_strides=(1, 2), depths=(1, 2))
ARCHS = ["k3e3|k3e3", "k5e4|k5e4,k3e3", "k7e6,k7e6|k7e6,k7e6", "k7e6|k3e3"]
LATENCY = [0.5, 0.8, 1.6, 0.6]
ACCURACY = [0.70, 0.80, 0.90, 0.70]


def test_best_under_limit_takes_the_most_accurate_fast_enough_and_the_fastest_on_ties():
    assert best_under_limit(LATENCY, ACCURACY, 1.0) == 1
    assert best_under_limit(LATENCY, ACCURACY, 0.65) == 0  # 0 and 3 tie on accuracy: 0 is faster
    assert best_under_limit(LATENCY, ACCURACY, 5.0) == 2
    assert best_under_limit(LATENCY, ACCURACY, 0.4) is None
    with pytest.raises(ValueError, match="limit_ms must be a positive number of milliseconds, got -1"):
        best_under_limit(LATENCY, ACCURACY, -1)
    with pytest.raises(ValueError, match="one entry per candidate, got 4 and 1"):
        best_under_limit(LATENCY, [0.5], 1.0)


def test_picker_shows_the_choice_for_the_slider_limit():
    widget = latency_picker(SPACE, ARCHS, LATENCY, ACCURACY, limit_ms=1.0)
    assert widget.index == 1
    assert html.unescape(widget.text.value) == \
        f"<pre style='line-height:1.3'>{pick_text(ARCHS, LATENCY, ACCURACY, 1.0)}</pre>"
    assert "k5e4|k5e4,k3e3" in widget.text.value and "3 of 4 candidates meet the limit" in widget.text.value
    assert len(widget.plot.value) > 0
    widget.limit.value = 1.6
    assert widget.index == 2 and "k7e6,k7e6|k7e6,k7e6" in widget.text.value
    widget.limit.value = 0.46
    assert widget.index is None and "no candidate is fast enough (the fastest takes 0.500 ms)" in widget.text.value
    with pytest.raises(ValueError, match="one entry per candidate"):
        latency_picker(SPACE, ARCHS, LATENCY[:2], ACCURACY)
