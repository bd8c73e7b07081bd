"""Operations of medical 3D networks: the attention gate, multi-scale fusion, separable and dilated
3D convolutions, 3D pooling; the ``chain-3d`` space; counting, latency entries and ONNX export."""
import pytest
import torch
from torch import nn

import naslib_mini as nm
from naslib_mini.export import export_onnx
from naslib_mini.hardware.lookup_table import operation_calls
from naslib_mini.spaces.attention_gate import AttentionGate
from naslib_mini.spaces.multiscale import MultiScaleFusion
from naslib_mini.spaces.ops import OPS, Operation


def volume(n=2, c=4, side=6, seed=0):
    return torch.randn(n, c, side, side, side, generator=torch.Generator().manual_seed(seed))


def test_attention_map_is_a_sigmoid_over_every_voxel_and_gates_the_features():
    gate = AttentionGate(4, 6, 1, ndim=3).eval()
    x = volume()
    alpha = gate.attention_map(x)
    assert alpha.shape == (2, 1, 6, 6, 6)
    assert bool(((alpha > 0) & (alpha < 1)).all()) and alpha.std() > 0  # it varies over the volume
    with torch.no_grad():  # a constant map c: the output is W(c * x), the features scaled by the gate
        gate.psi.weight.zero_()
        gate.psi.bias.fill_(-1.0)
        c = torch.sigmoid(torch.tensor(-1.0))
        assert torch.allclose(gate(x), gate.out(c * x), atol=1e-6)
        gate.psi.bias.fill_(-60.0)  # a closed gate: the output no longer depends on the input
        assert torch.allclose(gate(x), gate(volume(seed=1)), atol=1e-6)


def test_attention_gate_follows_oktay_et_al_shapes():
    gate = AttentionGate(8, 16, 2, ndim=3)
    assert gate.theta.stride == (2, 2, 2) and gate.theta.kernel_size == (1, 1, 1)  # W_x to g's grid
    assert gate.theta.out_channels == gate.phi.out_channels == 4  # intermediate width: half the input's
    assert gate.psi.out_channels == 1 and gate.phi.bias is not None and gate.psi.bias is not None
    assert gate.mode == "trilinear"
    assert gate(volume(c=8, side=7)).shape == (2, 16, 4, 4, 4)


@pytest.mark.parametrize("ndim", [1, 2])
def test_attention_gate_works_on_signals_and_images(ndim):
    gate = AttentionGate(3, 5, 2, ndim=ndim)
    x = torch.randn(2, 3, *([9] * ndim))
    assert gate(x).shape == (2, 5, *([5] * ndim)) and gate.attention_map(x).shape == (2, 1, *([9] * ndim))


def test_multiscale_fusion_concatenates_branches_of_each_dilation_then_projects():
    op = OPS["msfusion_d124"]
    assert (op.kind, op.branches, op.fusion) == ("multiscale", ((3, 1), (3, 2), (3, 4)), "concat") and op.has_weights
    block = op.build(4, 8, 1, ndim=3).eval()
    assert [b[1].dilation for b in block.branches] == [(1, 1, 1), (2, 2, 2), (4, 4, 4)]
    assert block.fuse[0].in_channels == 3 * 8 and block.fuse[0].kernel_size == (1, 1, 1)
    x = volume(side=9)
    with torch.no_grad():
        expected = block.fuse(torch.cat([b(x) for b in block.branches], 1))
        assert torch.allclose(block(x), expected)
    branch_params = sum(nm.count_params(b) for b in block.branches)
    assert nm.count_params(block) == branch_params + nm.count_params(block.fuse)


def test_multiscale_fusion_by_sum_adds_branches_without_projection():
    block = OPS["msfusion_sum_d12"].build(4, 4, 1, ndim=3).eval()
    assert block.fuse is None and [b[1].kernel_size for b in block.branches] == [(3, 3, 3), (3, 3, 3)]
    x = volume()
    with torch.no_grad():
        assert torch.allclose(block(x), block.branches[0](x) + block.branches[1](x))


def test_kernel_sizes_of_a_multiscale_block_are_its_branches():
    block = OPS["msfusion_k135"].build(2, 4, 2, ndim=3)
    assert [b[1].kernel_size[0] for b in block.branches] == [1, 3, 5]
    assert block(volume(c=2, side=7)).shape == (2, 4, 4, 4, 4)


@pytest.mark.parametrize("kwargs, match", [
    ({"kind": "multiscale"}, "at least two"),
    ({"kind": "multiscale", "branches": ((3, 1),)}, "at least two"),
    ({"kind": "conv", "kernel": 3, "branches": ((3, 1), (5, 1))}, "no other kind"),
    ({"kind": "multiscale", "branches": ((3, 1), (4, 1))}, r"odd kernel.*\(4, 1\)"),
    ({"kind": "multiscale", "branches": ((3, 1), (3, 2)), "fusion": "max"}, "unknown fusion 'max'; valid choices: concat, sum"),
])
def test_bad_operation_settings_are_clear_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Operation("bad", **kwargs)


def test_the_fusion_block_itself_rejects_an_unknown_fusion():
    with pytest.raises(ValueError, match="unknown fusion 'max'; valid choices: concat, sum"):
        MultiScaleFusion(2, 2, 1, 3, ((3, 1), (3, 2)), fusion="max")


def test_separable_and_dilated_convolutions_and_pooling_are_truly_3d():
    sep = OPS["sepconv3x3"].build(4, 8, 1, ndim=3)
    depthwise, pointwise = sep[1], sep[2]
    assert isinstance(depthwise, nn.Conv3d) and depthwise.groups == 4 and depthwise.kernel_size == (3, 3, 3)
    assert pointwise.kernel_size == (1, 1, 1)
    assert nm.count_params(sep) < nm.count_params(OPS["conv3x3"].build(4, 8, 1, ndim=3))
    dil = OPS["dilconv3x3"].build(4, 4, 1, ndim=3)
    assert isinstance(dil[1], nn.Conv3d) and dil[1].dilation == (2, 2, 2)
    assert isinstance(OPS["maxpool3x3"].build(4, 4, 2, ndim=3).pool, nn.MaxPool3d)
    assert isinstance(OPS["avgpool3x3"].build(4, 4, 2, ndim=3).pool.pool, nn.AvgPool3d)


@pytest.mark.parametrize("stride", [1, 2])
def test_3d_average_pooling_leaves_padding_out_and_takes_volumes_smaller_than_its_kernel(stride):
    pool = OPS["avgpool3x3"].build(3, 3, stride, ndim=3)
    x = volume(c=3, side=7)
    reference = nn.AvgPool3d(3, stride, 1, count_include_pad=False)
    assert torch.allclose(pool(x), reference(x), atol=1e-6)
    for side in (1, 2):  # where nn.AvgPool3d raises: a chain of stride-2 layers gets there on 16^3 volumes
        tiny = volume(c=3, side=side)
        assert pool(tiny).shape == (2, 3, *[-(-side // stride)] * 3)
    assert torch.allclose(pool(volume(c=3, side=1)), volume(c=3, side=1))  # one voxel: its own average


def test_chain_3d_space_builds_counts_and_times_each_new_operation_whole():
    space = nm.SPACES.create("chain-3d")
    assert {"attention_gate", "msfusion_d124", "sepconv3x3", "dilconv3x3", "maxpool3x3"} <= set(space.config.ops)
    spec = nm.TaskSpec("vol", (1, 8, 8, 8), 3)
    arch = space.from_str("conv3x3-8-s2-series|attention_gate-16-s1-skip|msfusion_d124-8-s1-series")
    net = nm.build_network(space, arch, spec)
    assert net(torch.randn(2, 1, 8, 8, 8)).shape == (2, 3)
    smaller = nm.build_network(space, space.from_str("conv3x3-8-s2-series"), spec)
    assert nm.count_params(net) > nm.count_params(smaller) and nm.count_flops(net, spec.input_shape) > \
        nm.count_flops(smaller, spec.input_shape)
    kinds = [type(net.get_submodule(call.name)) for call in operation_calls(net, spec.input_shape)]
    assert AttentionGate in kinds and MultiScaleFusion in kinds  # one latency entry each, not their parts


def test_tiny_3d_network_with_gate_and_fusion_exports_to_onnx(tmp_path):
    space = nm.SPACES.create("chain-3d", ops=("attention_gate", "msfusion_k135", "sepconv3x3", "avgpool3x3"))
    spec = nm.TaskSpec("vol", (1, 6, 6, 6), 2)
    arch = space.from_str("attention_gate-8-s2-series|msfusion_k135-8-s1-skip|sepconv3x3-8-s2-series|"
                          "avgpool3x3-8-s2-series")  # the last pool sees a 2^3 volume
    net = nm.build_network(space, arch, spec)
    assert export_onnx(net, spec.input_shape, tmp_path / "net.onnx", batch_size=2) < 1e-4
