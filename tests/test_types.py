"""The records of a search: read-only mappings that still copy, pickle, compare and serialise."""
from __future__ import annotations

import copy
import dataclasses
import json
import pickle

import pytest

import naslib_mini as nm
from naslib_mini.history import record_of


def trial() -> nm.Trial:
    candidate = nm.Candidate("a", 12.0, {"rung": 0, "config": [1, 2]})
    measurement = nm.Measurement(0.9, 3.0, {"val_accuracy": 0.9, "params": 100.0})
    return nm.Trial(0, candidate, nm.TrialState.COMPLETE, measurement, cost=3.0)


def test_info_and_metrics_cannot_be_changed_after_the_fact():
    t = trial()
    with pytest.raises(TypeError):
        t.candidate.info["rung"] = 1
    with pytest.raises(TypeError):
        t.measurement.metrics["val_accuracy"] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.measurement.metrics = {}


def test_they_are_copies_of_what_was_passed():
    info, metrics = {"rung": 0}, {"val_accuracy": 0.5}
    candidate, measurement = nm.Candidate("a", info=info), nm.Measurement(0.5, 1.0, metrics)
    info["rung"], metrics["val_accuracy"] = 7, 0.0
    assert candidate.info == {"rung": 0} and measurement.metrics == {"val_accuracy": 0.5}


def test_records_pickle_copy_compare_and_serialise():
    t = trial()
    for again in (pickle.loads(pickle.dumps(t)), copy.deepcopy(t), copy.copy(t)):
        assert again == t
        with pytest.raises(TypeError):
            again.measurement.metrics["params"] = 0.0  # still read-only after the round trip
    assert nm.Measurement(0.9, 3.0, {"a": 1.0}) == nm.Measurement(0.9, 3.0, {"a": 1.0})
    assert nm.Candidate("a") == nm.Candidate("a", None, {})
    record = json.loads(json.dumps(record_of(t, None)))
    assert record["info"] == {"rung": 0, "config": [1, 2]} and record["metrics"]["params"] == 100.0
    assert dataclasses.replace(t.measurement, score=0.5).metrics == t.measurement.metrics
