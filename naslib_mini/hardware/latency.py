"""Latency of one forward pass, measured on this machine with PyTorch or with onnxruntime.

The protocol of hardware-aware NAS (Tan et al. 2019, "MnasNet: Platform-Aware Neural
Architecture Search for Mobile", CVPR; Cai et al. 2019, "ProxylessNAS: Direct Neural
Architecture Search on Target Task and Hardware", ICLR): batch 1, a fixed number of
threads, warm-up passes, then the median of repeated timed passes, with its spread (the
interquartile range) kept beside it. A pass much shorter than a millisecond is timed as
a run of consecutive passes, so that the clock's resolution and the loop's own cost do
not dominate one sample.

Latency belongs to a machine and its load: record it with the measurement and never
compare it across machines. Knows nothing about spaces or search.
"""
from __future__ import annotations

import io
import math
import time
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from torch import nn

from naslib_mini.estimators.routines import torch_threads

__all__ = ["RUNTIMES", "Latency", "measure_latency", "time_calls"]

#: Runtimes a latency can be measured with.
RUNTIMES = ("torch", "onnxruntime")


@dataclass(frozen=True)
class Latency:
    """A measured latency: the median of ``repeats`` samples and its quartiles, in milliseconds.

    Attributes:
        median_ms: Median milliseconds of one pass.
        q1_ms: First quartile of the samples.
        q3_ms: Third quartile of the samples.
        repeats: Number of timed samples.
        threads: Threads the runtime was given (``None``: left as it was).
        runtime: ``"torch"`` or ``"onnxruntime"``.
    """

    median_ms: float
    q1_ms: float
    q3_ms: float
    repeats: int
    threads: int | None
    runtime: str

    @property
    def iqr_ms(self) -> float:
        """The interquartile range of the samples: the spread recorded with the median."""
        return self.q3_ms - self.q1_ms

    def metrics(self) -> dict[str, float]:
        """The measurement's metrics: ``latency_ms`` and ``latency_iqr_ms`` (``onnx_`` first for onnxruntime)."""
        prefix = "" if self.runtime == "torch" else "onnx_"
        return {f"{prefix}latency_ms": self.median_ms, f"{prefix}latency_iqr_ms": self.iqr_ms}


def time_calls(call: Callable[[], object], *, repeats: int = 30, warmup: int = 5,
               min_sample_ms: float = 1.0) -> list[float]:
    """Milliseconds per call of ``call``, one value per timed sample.

    After ``warmup`` untimed calls, each of the ``repeats`` samples times a run of ``n``
    consecutive calls, ``n`` chosen once so that a run lasts at least ``min_sample_ms``.

    Example:
        >>> samples = time_calls(lambda: sum(range(100)), repeats=5, warmup=1)
        >>> len(samples), all(s > 0 for s in samples)
        (5, True)
    """
    if not (isinstance(repeats, int) and repeats >= 1):
        raise ValueError(f"repeats must be a positive integer, got {repeats!r}")
    if not (isinstance(warmup, int) and warmup >= 0):
        raise ValueError(f"warmup must be a non-negative integer, got {warmup!r}")
    for _ in range(warmup):
        call()
    start = time.perf_counter()
    call()
    once = time.perf_counter() - start
    n = max(1, math.ceil(min_sample_ms / 1000.0 / max(once, 1e-9)))
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(n):
            call()
        samples.append(1000.0 * (time.perf_counter() - start) / n)
    return samples


def _summary(samples: list[float], threads: int | None, runtime: str) -> Latency:
    q1, median, q3 = np.percentile(samples, [25, 50, 75])
    return Latency(float(median), float(q1), float(q3), len(samples), threads, runtime)


def _torch_pass(model: nn.Module, x: torch.Tensor) -> Callable[[], object]:
    if x.device.type != "cuda":
        return lambda: model(x)

    def synchronised() -> object:  # CUDA runs kernels asynchronously: time them to their end
        out = model(x)
        torch.cuda.synchronize(x.device)
        return out
    return synchronised


def _onnx_pass(model: nn.Module, x: torch.Tensor, threads: int | None) -> Callable[[], object]:
    import onnxruntime

    buffer = io.BytesIO()
    with warnings.catch_warnings():  # the TorchScript exporter: seconds faster per network than dynamo's
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (x,), buffer, dynamo=False, input_names=["input"], output_names=["logits"])
    options = onnxruntime.SessionOptions()
    if threads is not None:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(buffer.getvalue(), options, providers=["CPUExecutionProvider"])
    # an output that does not depend on the input (a chain cut by a zero) leaves the graph without one
    feed = {i.name: x.numpy() for i in session.get_inputs()}
    return lambda: session.run(None, feed)


def measure_latency(model: nn.Module, input_shape: tuple[int, ...], *, runtime: str = "torch",
                    batch_size: int = 1, threads: int | None = 1, repeats: int = 30, warmup: int = 5,
                    device: str | torch.device = "cpu") -> Latency:
    """Measure one forward pass of ``model`` on this machine.

    Args:
        model: The network, timed in eval mode without gradients (its mode is restored).
        input_shape: One input's shape, ``(channels, *spatial)``.
        runtime: ``"torch"`` (eager PyTorch) or ``"onnxruntime"`` (the network exported to
            ONNX, run by onnxruntime's CPU provider).
        batch_size: Inputs per pass.
        threads: Intra-op threads of the runtime (``None`` leaves PyTorch's setting).
        repeats: Timed samples; the median and quartiles are over them.
        warmup: Untimed passes first.
        device: Where PyTorch runs (onnxruntime runs on the CPU).

    Example:
        >>> net = nn.Sequential(nn.Conv1d(1, 4, 3), nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(4, 3))
        >>> latency = measure_latency(net, (1, 40), repeats=5)
        >>> latency.runtime, latency.threads, latency.q1_ms <= latency.median_ms <= latency.q3_ms
        ('torch', 1, True)
    """
    if runtime not in RUNTIMES:
        raise ValueError(f"unknown runtime {runtime!r}; valid choices: {', '.join(RUNTIMES)}")
    if runtime == "onnxruntime" and torch.device(device).type != "cpu":
        raise ValueError(f"onnxruntime latency is measured on the CPU, got device {device!r}")
    if not (isinstance(batch_size, int) and batch_size >= 1):
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    if threads is not None and not (isinstance(threads, int) and threads >= 1):
        raise ValueError(f"threads must be a positive integer or None, got {threads!r}")
    was_training = model.training
    model.eval()
    try:
        x = torch.zeros(batch_size, *input_shape, device=device)
        with torch.no_grad(), torch_threads(threads):
            call = _torch_pass(model, x) if runtime == "torch" else _onnx_pass(model, x, threads)
            samples = time_calls(call, repeats=repeats, warmup=warmup)
    finally:
        model.train(was_training)
    return _summary(samples, threads, runtime)
