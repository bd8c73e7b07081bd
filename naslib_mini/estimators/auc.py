"""ROC AUC of a classifier's logits, as medical imaging papers report it next to accuracy.

The area under the ROC curve (Hanley & McNeil 1982) computed by scikit-learn's
``roc_auc_score`` on softmax probabilities, the way the MedMNIST v2 evaluator does
(Yang et al. 2023, ``medmnist.evaluator.getAUC``): for two classes, the AUC of the
positive class's probability; for more, the mean over classes of each class's
one-vs-rest AUC. A class absent from the labels has no ROC curve; it is left out of
the mean (logged), and with fewer than two classes present the AUC is undefined
(``nan``). Knows nothing about networks, tasks or search.
"""
from __future__ import annotations

import logging

import numpy as np
import torch

__all__ = ["roc_auc"]

log = logging.getLogger(__name__)


def roc_auc(logits: torch.Tensor, y: torch.Tensor) -> float:
    """ROC AUC in [0, 1] of ``logits`` ``(n, classes)`` against class labels ``y`` ``(n,)``.

    Binary: the AUC of the probability of class 1. Multi-class: the mean of the
    one-vs-rest AUCs of the classes present in ``y``. ``nan`` if ``y`` holds one class only.

    Raises:
        ValueError: ``logits`` is not ``(n, classes)`` with at least two classes, or ``y``
            does not hold one label in ``0..classes-1`` per row.

    Example:
        >>> logits = torch.tensor([[2.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 3.0]])
        >>> roc_auc(logits, torch.tensor([0, 1, 1, 1]))
        1.0
        >>> roc_auc(torch.eye(3), torch.tensor([0, 2, 1]))  # class 0 ranked right, classes 1 and 2 swapped
        0.5
    """
    from sklearn.metrics import roc_auc_score

    if logits.ndim != 2 or logits.shape[1] < 2:
        raise ValueError(f"logits must have shape (n, classes) with at least 2 classes, got {tuple(logits.shape)}")
    if y.shape != (len(logits),):
        raise ValueError(f"y must have shape ({len(logits)},) to match the logits, got {tuple(y.shape)}")
    classes = logits.shape[1]
    labels = y.detach().cpu().numpy()
    if len(labels) and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(f"labels must lie in 0..{classes - 1}, got values from {labels.min()} to {labels.max()}")
    present = np.unique(labels)
    if len(present) < 2:
        log.warning("ROC AUC is undefined on labels of %d class(es); reporting nan", len(present))
        return float("nan")
    probs = torch.softmax(logits.detach().double().cpu(), dim=1).numpy()
    if classes == 2:
        return float(roc_auc_score(labels, probs[:, 1]))
    if len(present) < classes:
        log.info("ROC AUC: classes %s are absent from the labels; averaging over the %d present",
                 sorted(set(range(classes)) - set(present.tolist())), len(present))
    return float(np.mean([roc_auc_score(labels == k, probs[:, k]) for k in present]))
