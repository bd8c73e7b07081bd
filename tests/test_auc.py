"""ROC AUC as the estimators report it: MedMNIST's definition, val_auc/test_auc, the CLI on a medical task."""
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from sklearn.metrics import roc_auc_score

import naslib_mini as nm
from medmnist_files import write_medmnist
from naslib_mini.estimators.auc import roc_auc
from naslib_mini.tasks.lesions import lesions3d


def logits_and_labels(n=60, classes=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % classes
    logits = torch.randn(n, classes, generator=g) + 1.5 * torch.nn.functional.one_hot(y, classes)
    return logits, y


def test_binary_auc_ranks_the_positive_class_probability():
    logits, y = logits_and_labels(classes=2)
    probs = torch.softmax(logits.double(), 1)[:, 1].numpy()
    assert roc_auc(logits, y) == pytest.approx(roc_auc_score(y.numpy(), probs))
    assert roc_auc(torch.tensor([[0.0, 1.0], [1.0, 0.0]]), torch.tensor([1, 0])) == 1.0
    assert roc_auc(torch.tensor([[0.0, 1.0], [1.0, 0.0]]), torch.tensor([0, 1])) == 0.0


def test_multiclass_auc_is_the_mean_one_vs_rest_auc_as_medmnist_and_sklearn_compute_it():
    logits, y = logits_and_labels(classes=4)
    probs = torch.softmax(logits.double(), 1).numpy()
    per_class = [roc_auc_score(y.numpy() == k, probs[:, k]) for k in range(4)]
    assert roc_auc(logits, y) == pytest.approx(np.mean(per_class))
    assert roc_auc(logits, y) == pytest.approx(roc_auc_score(y.numpy(), probs, multi_class="ovr"))
    assert 0.5 < roc_auc(logits, y) < 1  # informative logits, not perfect ones


def test_absent_classes_are_left_out_and_one_class_is_undefined():
    logits, y = logits_and_labels(classes=3)
    keep = y != 2
    probs = torch.softmax(logits[keep].double(), 1).numpy()
    expected = np.mean([roc_auc_score(y[keep].numpy() == k, probs[:, k]) for k in (0, 1)])
    assert roc_auc(logits[keep], y[keep]) == pytest.approx(expected)
    assert math.isnan(roc_auc(logits[y == 0], y[y == 0]))


@pytest.mark.parametrize("logits, y, match", [
    (torch.zeros(4, 1), torch.zeros(4, dtype=torch.long), r"at least 2 classes, got \(4, 1\)"),
    (torch.zeros(4, 2), torch.zeros(3, dtype=torch.long), r"y must have shape \(4,\)"),
    (torch.zeros(2, 2), torch.tensor([0, 2]), r"labels must lie in 0..1, got values from 0 to 2"),
])
def test_bad_input_is_a_clear_error(logits, y, match):
    with pytest.raises(ValueError, match=match):
        roc_auc(logits, y)


@pytest.fixture(scope="module")
def tiny_lesions():
    return lesions3d(num_samples=36, num_test=12, size=8)


def test_training_estimator_reports_val_auc_where_the_task_says_so(tiny_lesions):
    space = nm.SPACES.create("chain-3d")
    arch = space.from_str("conv3x3-4-s2-series|attention_gate-8-s1-skip")
    m = nm.TrainingEstimator(tiny_lesions, space, epochs=1, threads=1, batch_size=8).estimate(arch)
    assert 0 <= m.metrics["val_auc"] <= 1 and m.score == m.metrics["val_accuracy"]
    by_auc = nm.TrainingEstimator(tiny_lesions, space, epochs=1, threads=1, batch_size=8, objective="auc")
    m_auc = by_auc.estimate(arch)
    assert m_auc.score == m_auc.metrics["val_auc"] == m.metrics["val_auc"]  # same training, other score
    digits = nm.TrainingEstimator("digits", nm.SPACES.create("chain", channels=(4,), max_depth=1), epochs=0.1,
                                  threads=1)
    assert "val_auc" not in digits.estimate(digits.space.from_str("conv3x3-4-s1-series")).metrics


def test_final_training_reports_test_auc_for_a_medical_task_only(tiny_lesions):
    space = nm.SPACES.create("chain-3d")
    arch = space.from_str("conv3x3-4-s2-series")
    result = nm.train_final(tiny_lesions, space, arch, epochs=1, threads=1, batch_size=8, latency_repeats=2)
    assert 0 <= result.test_auc <= 1 and result.metrics()["test_auc"] == result.test_auc
    plain = nm.Task.from_tensors(tiny_lesions.x_test, tiny_lesions.y_test, seed=0)
    assert nm.train_final(plain, space, arch, epochs=1, threads=1, latency_repeats=2).test_auc is None


def test_cli_searches_chain_3d_on_medmnist_files_and_reports_auc(tmp_path):
    write_medmnist(tmp_path / "medmnist", "organmnist3d", sizes=(22, 11, 11))
    env = {**os.environ, "NASLIB_MINI_MEDMNIST": str(tmp_path / "medmnist")}
    out = tmp_path / "run"
    result = subprocess.run([sys.executable, "-m", "naslib_mini", "search", "--space", "chain-3d", "--task",
                             "medmnist3d", "--trials", "2", "--epochs", "1", "--threads", "1", "--no-progress",
                             "--out", str(out)], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "test ROC AUC (retrained):" in result.stdout
    saved = json.loads((out / "best_arch.json").read_text())
    assert saved["space"] == "chain-3d" and 0 <= saved["test_auc"] <= 1
    assert (out / "best_model.onnx").is_file()
    trials = [json.loads(line) for line in (out / "journal.jsonl").read_text().splitlines()]
    assert all("val_auc" in t["metrics"] for t in trials if t["state"] == "complete")
