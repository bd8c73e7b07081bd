"""Every hardware metric of one network, under the fixed metric names the objectives use.

``params``, ``flops``, ``peak_memory_mb``, ``latency_ms`` and ``latency_iqr_ms`` (PyTorch),
``onnx_latency_ms`` and ``onnx_latency_iqr_ms`` (onnxruntime) and, given a lookup table,
``predicted_latency_ms``. Knows nothing about search.
"""
from __future__ import annotations

from typing import Sequence

from torch import nn

from naslib_mini.hardware.latency import RUNTIMES, measure_latency
from naslib_mini.hardware.lookup_table import LatencyTable
from naslib_mini.hardware.memory import peak_memory_bytes
from naslib_mini.networks import count_flops, count_params

__all__ = ["hardware_metrics"]


def hardware_metrics(model: nn.Module, input_shape: tuple[int, ...], *, runtimes: Sequence[str] = RUNTIMES,
                     threads: int = 1, repeats: int = 30, table: LatencyTable | None = None) -> dict[str, float]:
    """Params, FLOPs, peak forward memory and latency of ``model`` at batch 1 on this machine.

    Example:
        >>> import naslib_mini as nm
        >>> space, spec = nm.SPACES.create("chain"), nm.TaskSpec("toy", (1, 40), 10)
        >>> net = nm.build_network(space, space.sample(nm.default_rng(0)), spec)
        >>> sorted(hardware_metrics(net, spec.input_shape, runtimes=["torch"], repeats=3))
        ['flops', 'latency_iqr_ms', 'latency_ms', 'params', 'peak_memory_mb']
    """
    unknown = [r for r in runtimes if r not in RUNTIMES]
    if unknown:
        raise ValueError(f"unknown runtime {unknown[0]!r}; valid choices: {', '.join(RUNTIMES)}")
    metrics: dict[str, float] = {"params": count_params(model), "flops": count_flops(model, input_shape),
                                 "peak_memory_mb": peak_memory_bytes(model, input_shape) / 2**20}
    for runtime in runtimes:
        metrics.update(measure_latency(model, input_shape, runtime=runtime, threads=threads,
                                       repeats=repeats).metrics())
    if table is not None:
        metrics["predicted_latency_ms"] = table.predict(model, input_shape)
    return metrics
