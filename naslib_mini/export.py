"""ONNX export of a trained network, checked against PyTorch with onnxruntime.

Knows nothing about search; takes a module and an input shape.
"""
from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

__all__ = ["export_onnx"]


def export_onnx(model: nn.Module, input_shape: tuple[int, ...], path: str | os.PathLike[str], *,
                batch_size: int = 4, atol: float = 1e-4, seed: int = 0) -> float:
    """Export ``model`` to ONNX (dynamic batch size) and check it with onnxruntime.

    Args:
        model: The network; exported in eval mode.
        input_shape: One input's shape, ``(channels, *spatial)``.
        path: Where to write the ``.onnx`` file.
        batch_size: Size of the random batch used for the check.
        atol: Largest absolute difference between the two outputs that is accepted.
        seed: Seed of the check batch.

    Returns:
        The largest absolute difference between the PyTorch and onnxruntime outputs.

    Raises:
        RuntimeError: If the outputs differ by more than ``atol``.

    Example:
        >>> import tempfile, os
        >>> net = nn.Sequential(nn.Conv1d(1, 4, 3), nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(4, 3))
        >>> with tempfile.TemporaryDirectory() as d:
        ...     export_onnx(net, (1, 16), os.path.join(d, "net.onnx")) < 1e-4
        True
    """
    import onnxruntime

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    was_training = model.training
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(batch_size, *input_shape, generator=generator)
    batch = torch.export.Dim("batch", min=1)
    exporter_log = logging.getLogger("torch.onnx._internal.exporter._registration")
    level = exporter_log.level
    exporter_log.setLevel(logging.ERROR)  # it warns about torchvision ops we never use
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            torch.onnx.export(model, (x,), str(path), dynamo=True, verbose=False, input_names=["input"],
                              output_names=["logits"], dynamic_shapes=({0: batch},), optimize=True,
                              external_data=False)
    finally:
        exporter_log.setLevel(level)
    with torch.no_grad():
        expected = model(x).numpy()
    model.train(was_training)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(None, {"input": x.numpy()})[0]
    difference = float(np.max(np.abs(got - expected)))
    if not difference <= atol:
        raise RuntimeError(f"ONNX output differs from PyTorch by {difference:.3g} (more than atol={atol})")
    return difference
