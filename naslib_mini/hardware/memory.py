"""Peak memory of one forward pass, measured by watching every tensor the pass allocates.

Every operator PyTorch runs goes through its dispatcher; a ``TorchDispatchMode`` sees
each result as it is made. The mode adds the bytes of each new storage to a running
total and takes them off again when the storage is released (a weak reference's
callback), so the total's maximum is the pass's peak memory: the activations and
intermediate results alive at the same time, as the allocator had to hold them. Runs
under ``torch.no_grad`` in eval mode (deployment). The parameters and the input exist
before the pass and are not counted (``parameter_bytes`` gives the former), nor is an
operator's internal scratch space that never becomes a tensor. Knows nothing about
spaces or search.
"""
from __future__ import annotations

import weakref

import torch
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten

__all__ = ["parameter_bytes", "peak_memory_bytes"]


class _LiveBytes(TorchDispatchMode):
    """Counts the bytes of the storages created under it that are still alive, and their peak."""

    def __init__(self) -> None:
        super().__init__()
        self.live = 0
        self.peak = 0
        self._alive: set[int] = set()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for value in tree_flatten(out)[0]:
            if isinstance(value, torch.Tensor):
                self._track(value.untyped_storage())
        return out

    def _track(self, storage: torch.UntypedStorage) -> None:
        address, size = storage.data_ptr(), storage.nbytes()
        if size == 0 or address in self._alive:  # a view, or an in-place result
            return
        self._alive.add(address)
        self.live += size
        self.peak = max(self.peak, self.live)
        weakref.finalize(storage, self._release, address, size)

    def _release(self, address: int, size: int) -> None:
        self._alive.discard(address)
        self.live -= size


def peak_memory_bytes(model: nn.Module, input_shape: tuple[int, ...], *, batch_size: int = 1) -> int:
    """Bytes of tensor memory alive at the peak of one forward pass on the CPU.

    Example:
        >>> net = nn.Sequential(nn.Conv1d(1, 64, 3, padding=1), nn.ReLU(), nn.Flatten())
        >>> peak_memory_bytes(net, (1, 1000)) == 2 * 64 * 1000 * 4  # the convolution's output and the ReLU's
        True
    """
    if not (isinstance(batch_size, int) and batch_size >= 1):
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    was_training = model.training
    model.eval()
    x = torch.zeros(batch_size, *input_shape)
    try:
        with torch.no_grad(), _LiveBytes() as counter:
            model(x)
    finally:
        model.train(was_training)
    return counter.peak


def parameter_bytes(model: nn.Module) -> int:
    """Bytes held by the parameters and buffers (batch-norm statistics) of ``model``.

    Example:
        >>> parameter_bytes(nn.Linear(3, 2))  # 6 weights and 2 biases, float32
        32
    """
    tensors = list(model.parameters()) + list(model.buffers())
    return sum(t.numel() * t.element_size() for t in tensors)
