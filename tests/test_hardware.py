"""Hardware measurements: latency with PyTorch and onnxruntime, peak memory, the latency lookup table."""
from __future__ import annotations

import pytest
import torch
from torch import nn

import naslib_mini as nm
from naslib_mini.hardware import (LatencyTable, hardware_metrics, measure_latency, operation_calls, parameter_bytes,
                                  peak_memory_bytes, time_calls)

SPEC_1D = nm.TaskSpec("toy", (1, 40), 10)


def small_net() -> nn.Module:
    return nn.Sequential(nn.Conv1d(1, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool1d(1), nn.Flatten(),
                         nn.Linear(8, 3))


def nb201_net(seed: int = 0) -> nn.Module:
    space = nm.SPACES.create("nb201", cells_per_stage=1)
    return nm.build_network(space, space.sample(nm.default_rng(seed)), SPEC_1D)


@pytest.mark.parametrize("runtime", ["torch", "onnxruntime"])
def test_latency_is_a_median_with_its_quartiles_and_restores_the_model(runtime):
    net = small_net().train()
    latency = measure_latency(net, (1, 40), runtime=runtime, repeats=7, warmup=1)
    assert latency.runtime == runtime and latency.repeats == 7 and latency.threads == 1
    assert 0 < latency.q1_ms <= latency.median_ms <= latency.q3_ms
    assert latency.iqr_ms == pytest.approx(latency.q3_ms - latency.q1_ms)
    assert net.training
    prefix = "" if runtime == "torch" else "onnx_"
    assert set(latency.metrics()) == {f"{prefix}latency_ms", f"{prefix}latency_iqr_ms"}


def test_onnx_latency_of_a_network_whose_output_ignores_its_input():
    space = nm.SPACES.create("chain")
    net = nm.build_network(space, nm.ChainArch((nm.Layer("zero", 16, 1, "series"),)), SPEC_1D)
    assert measure_latency(net, (1, 40), runtime="onnxruntime", repeats=3, warmup=1).median_ms > 0


def test_bad_latency_arguments_are_named():
    with pytest.raises(ValueError, match="unknown runtime 'tvm'.*torch, onnxruntime"):
        measure_latency(small_net(), (1, 40), runtime="tvm")
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        measure_latency(small_net(), (1, 40), batch_size=0)
    with pytest.raises(ValueError, match="repeats must be a positive integer, got 0"):
        time_calls(lambda: None, repeats=0)
    with pytest.raises(ValueError, match="threads must be a positive integer or None, got 0"):
        measure_latency(small_net(), (1, 40), threads=0)


def test_threads_are_fixed_while_timing_and_restored_after():
    before = torch.get_num_threads()
    seen = []
    net = small_net()
    net.register_forward_pre_hook(lambda module, args: seen.append(torch.get_num_threads()))
    measure_latency(net, (1, 40), threads=1, repeats=2, warmup=0)
    assert set(seen) == {1}
    assert torch.get_num_threads() == before


def test_peak_memory_counts_activations_alive_together_once():
    out_bytes = 64 * 1000 * 4
    net = nn.Sequential(nn.Conv1d(1, 64, 3, padding=1), nn.ReLU(), nn.Flatten())
    assert peak_memory_bytes(net, (1, 1000)) == 2 * out_bytes  # the convolution's output and the ReLU's
    in_place = nn.Sequential(nn.Conv1d(1, 64, 3, padding=1), nn.ReLU(inplace=True), nn.Flatten())
    assert peak_memory_bytes(in_place, (1, 1000)) == out_bytes  # an in-place result allocates nothing
    assert peak_memory_bytes(net, (1, 1000), batch_size=3) == 3 * 2 * out_bytes
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got -1"):
        peak_memory_bytes(net, (1, 1000), batch_size=-1)


def test_parameter_bytes_counts_weights_and_batch_norm_statistics():
    bn = nn.BatchNorm1d(4)  # weight, bias, running mean and variance (float32), batches tracked (int64)
    assert parameter_bytes(bn) == 4 * 4 * 4 + 8


def test_operation_calls_cover_every_edge_of_every_cell_with_its_shape():
    space = nm.SPACES.create("nb201", cells_per_stage=1)
    arch = space.sample(nm.default_rng(3))
    net = nm.build_network(space, arch, SPEC_1D)
    calls = operation_calls(net, SPEC_1D.input_shape)
    assert calls[0].name == "stem" and calls[-1].name == "head"
    assert calls[0].shape == (1, 1, 40)
    cell_edges = [c for c in calls if ".ops." in c.name]
    assert len(cell_edges) == 3 * 6  # three cells, six edges each
    assert all(c.key.endswith(str(c.shape)) for c in calls)


def test_lookup_table_predicts_the_sum_of_its_entries_without_running_the_network(tmp_path):
    net = nb201_net()
    table = LatencyTable(repeats=3, warmup=1)
    added = table.add(net, SPEC_1D.input_shape)
    assert added == len(table) > 0
    assert table.add(net, SPEC_1D.input_shape) == 0  # every operation is in the table now
    calls = operation_calls(net, SPEC_1D.input_shape)
    expected = sum(table.entries_[c.key] for c in calls)
    real_calls = []
    net.register_forward_pre_hook(lambda module, args: real_calls.append(args[0].device.type))
    assert table.predict(net, SPEC_1D.input_shape) == pytest.approx(expected)
    assert real_calls and set(real_calls) == {"meta"}  # shapes traced on the meta device; never run for real
    path = tmp_path / "table.json"
    table.save(path)
    loaded = LatencyTable.load(path)
    assert loaded.entries_ == table.entries_ and loaded.repeats == 3


def test_lookup_table_names_an_operation_it_has_not_measured():
    table = LatencyTable(repeats=2, warmup=0)
    table.add(nb201_net(0), SPEC_1D.input_shape)
    wider = nm.build_network(nm.SPACES.create("nb201", cells_per_stage=1, width=24),
                             nm.SPACES.create("nb201").sample(nm.default_rng(0)), SPEC_1D)
    assert table.missing(wider, SPEC_1D.input_shape)
    with pytest.raises(KeyError, match="operation 'stem' at input shape \\(1, 1, 40\\) is not in the latency table"):
        table.predict(wider, SPEC_1D.input_shape)


def test_hardware_metrics_names_every_objective():
    net = nb201_net()
    table = LatencyTable(repeats=2, warmup=0)
    table.add(net, SPEC_1D.input_shape)
    metrics = hardware_metrics(net, SPEC_1D.input_shape, repeats=3, table=table)
    assert set(metrics) == {"params", "flops", "peak_memory_mb", "latency_ms", "latency_iqr_ms", "onnx_latency_ms",
                            "onnx_latency_iqr_ms", "predicted_latency_ms"}
    assert metrics["params"] == nm.count_params(net) and metrics["peak_memory_mb"] > 0
    with pytest.raises(ValueError, match="unknown runtime 'cuda'"):
        hardware_metrics(net, SPEC_1D.input_shape, runtimes=["cuda"])
