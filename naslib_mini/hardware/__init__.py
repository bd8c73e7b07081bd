"""Hardware measurements for hardware-aware search: latency (PyTorch, onnxruntime), peak memory, and a
per-operation latency lookup table that predicts a network's latency without running it.

``hardware_metrics`` gathers what a multi-objective search reads under the fixed metric names of
``naslib_mini.objectives``. Knows nothing about search.
"""
from naslib_mini.hardware.latency import RUNTIMES, Latency, measure_latency, time_calls
from naslib_mini.hardware.lookup_table import OPERATION_MODULES, LatencyTable, OperationCall, operation_calls
from naslib_mini.hardware.memory import parameter_bytes, peak_memory_bytes
from naslib_mini.hardware.metrics import hardware_metrics

__all__ = ["OPERATION_MODULES", "RUNTIMES", "Latency", "LatencyTable", "OperationCall", "hardware_metrics",
           "measure_latency", "operation_calls", "parameter_bytes", "peak_memory_bytes", "time_calls"]
