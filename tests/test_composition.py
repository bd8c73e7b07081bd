"""Composition of chain architectures layer by layer (``compose``, ``composition_text``) and the composer widget.

Headless runs never fire widget events, so the tests set widget values the way a
click does and check that the displayed state follows.
"""
import html

import pytest

import naslib_mini as nm
from naslib_mini.composition import LAYER_FIELDS, compose, composition_text, layer_choices
from naslib_mini.spaces.chain import ChainArch, Layer
from naslib_mini.summary import summarize
from naslib_mini.widgets import architecture_composer

DIGITS = nm.TaskSpec("digits", (1, 8, 8), 10)


@pytest.fixture(scope="module")
def space():
    return nm.SPACES.create("chain-small")


def test_layer_choices_are_the_space_choices(space):
    choices = layer_choices(space)
    assert tuple(choices) == LAYER_FIELDS
    assert choices["op"] == space.config.ops and choices["connection"] == space.config.connections


def test_layer_choices_refuse_a_space_without_layers():
    with pytest.raises(TypeError, match="nb201.*chain"):
        layer_choices(nm.SPACES.create("nb201"))


def test_compose_accepts_dicts_tuples_and_layers_alike(space):
    as_dicts = [{"op": "conv3x3", "channels": 32, "stride": 2, "connection": "series"},
                {"op": "maxpool3x3", "channels": 32, "stride": 1, "connection": "skip"}]
    as_tuples = [("conv3x3", 32, 2, "series"), ("maxpool3x3", 32, 1, "skip")]
    arch = compose(space, as_dicts)
    assert arch == compose(space, as_tuples) == compose(space, [Layer(*t) for t in as_tuples])
    assert space.to_str(arch) == "conv3x3-32-s2-series|maxpool3x3-32-s1-skip"
    space.validate(arch)


def test_compose_returns_the_canonical_architecture(space):
    # dense and parallel on the first layer read the stem's map only: the same network as series
    series = compose(space, [("conv3x3", 16, 1, "series")])
    assert compose(space, [("conv3x3", 16, 1, "dense")]) == series
    assert compose(space, [("conv3x3", 16, 1, "parallel")]) == series
    assert space.canonicalize(ChainArch((Layer("conv3x3", 16, 1, "dense"),))) == series


@pytest.mark.parametrize("layers, message", [
    ([("bogus", 16, 1, "series")], "bogus.*valid choices: conv3x3"),
    ([("conv3x3", 24, 1, "series")], "24.*valid choices: 16, 32"),
    ([("conv3x3", 16, 1, "series")] * 4, "depth 4"),
    ([{"op": "conv3x3", "channels": 16, "stride": 1}], "missing fields \\['connection'\\]"),
    ([{"op": "conv3x3", "channels": 16, "stride": 1, "connection": "series", "kernel": 3}],
     "unknown fields \\['kernel'\\]"),
    ([("conv3x3", 16)], "layer 1 must be"),
])
def test_compose_names_the_bad_value(space, layers, message):
    with pytest.raises(ValueError, match=message):
        compose(space, layers)


def test_composition_text_shows_the_rewrite_and_the_summary(space):
    text = composition_text(space, [("conv3x3", 16, 2, "series"), ("conv3x3", 32, 1, "skip")], DIGITS)
    arch = compose(space, [("conv3x3", 16, 2, "series"), ("conv3x3", 32, 1, "skip")])
    summary = summarize(space, arch, DIGITS)
    assert text.splitlines()[0] == "architecture: conv3x3-16-s2-series|conv3x3-32-s1-skip"
    assert "you asked for" not in text
    assert f"{summary.params:,}" in text and f"FLOPs {summary.flops:,}" in text
    assert "(32, 4, 4)" in text  # the second layer's output shape after the stride-2 layer

    rewritten = composition_text(space, [("conv3x3", 16, 1, "dense")], DIGITS)
    assert "you asked for: conv3x3-16-s1-dense" in rewritten
    assert rewritten.splitlines()[0] == "architecture: conv3x3-16-s1-series"


def test_composer_builds_and_follows_every_control(space):
    composer = architecture_composer(space, DIGITS)
    assert len(composer.rows) == space.config.max_depth
    assert composer.depth.value == 3 and composer.depth.max == space.config.max_depth
    before = composer.output.value
    assert "conv3x3-16-s1-series|conv3x3-16-s1-series|conv3x3-16-s1-series" in before

    composer.rows[1]["channels"].value = 32
    assert composer.output.value != before
    assert space.to_str(composer.arch()) == "conv3x3-16-s1-series|conv3x3-32-s1-series|conv3x3-16-s1-series"
    assert "(32, 8, 8)" in composer.output.value

    composer.depth.value = 1
    assert [box.layout.display for box in composer._boxes] == [None, "none", "none"]
    assert "architecture: conv3x3-16-s1-series\n" in html.unescape(composer.output.value)
    assert composer.layers() == [{"op": "conv3x3", "channels": 16, "stride": 1, "connection": "series"}]

    composer.rows[0]["connection"].value = "dense"
    assert "you asked for: conv3x3-16-s1-dense" in composer.output.value


def test_composer_starts_from_a_given_architecture(space):
    arch = space.from_str("maxpool3x3-32-s2-series|identity-32-s1-skip")
    composer = architecture_composer(space, DIGITS, arch)
    assert composer.arch() == arch and composer.depth.value == 2
    assert composer.rows[0]["op"].value == "maxpool3x3"
    with pytest.raises(TypeError, match="chain"):
        architecture_composer(nm.SPACES.create("nb201"), DIGITS)
