"""The operations table: every operation builds for 1D/2D/3D inputs, and dilations are real."""
import math

import pytest
import torch

from naslib_mini.spaces.ops import OPS, get_op

DILATED = {"dilconv3x3": (3, 2), "dilconv5x5": (5, 2), "dil4conv3x3": (3, 4), "dil4conv5x5": (5, 4),
           "dil8conv3x3": (3, 8)}


@pytest.mark.parametrize("name", list(OPS))
@pytest.mark.parametrize("ndim", [1, 2, 3])
@pytest.mark.parametrize("stride", [1, 2])
def test_every_op_builds_and_changes_channels(name, ndim, stride):
    size = 9 if ndim < 3 else 5
    module = OPS[name].build(3, 5, stride, ndim)
    with torch.random.fork_rng(devices=[]):
        torch.default_generator.manual_seed(0)
        x = torch.randn(2, 3, *([size] * ndim))
    y = module(x)
    assert tuple(y.shape) == (2, 5, *([math.ceil(size / stride)] * ndim))
    assert torch.isfinite(y).all()


@pytest.mark.parametrize("name", list(DILATED))
def test_dilated_conv_reads_inputs_dilation_apart(name):
    kernel, dilation = DILATED[name]
    op = OPS[name]
    assert (op.kind, op.kernel, op.dilation, op.has_weights) == ("conv", kernel, dilation, True)
    module = op.build(1, 1, 1, ndim=1).eval()  # eval: batch norm is a fixed affine map
    length, centre = 41, 20
    impulse = torch.zeros(1, 1, length)
    impulse[0, 0, centre] = 1.0
    with torch.no_grad():
        conv = module[1]
        conv.weight.fill_(1.0)
        response = module(impulse) - module(torch.zeros(1, 1, length))
    reached = set(torch.nonzero(response[0, 0].abs() > 1e-6).flatten().tolist())
    half = dilation * (kernel - 1) // 2
    assert reached == {centre + offset for offset in range(-half, half + 1, dilation)}


def test_dilated_convs_keep_the_length_of_a_40_sample_signal():
    for name in DILATED:
        y = OPS[name].build(16, 32, 1, ndim=1)(torch.zeros(4, 16, 40))
        assert tuple(y.shape) == (4, 32, 40)


def test_unknown_op_names_the_valid_choices():
    with pytest.raises(ValueError, match="dil8conv3x3") as info:
        get_op("dil16conv3x3")
    assert "'dil16conv3x3'" in str(info.value)
