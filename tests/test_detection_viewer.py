"""What the detection notebook shows: matches at a threshold, the caption, the plots and the viewer widget."""
import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest
import torch

from naslib_mini.detection.centernet import Detections
from naslib_mini.detection.coco import evaluate_detections, precision_recall
from naslib_mini.detection.inspection import above, match_predictions, prediction_caption
from naslib_mini.tasks.digit_scenes import make_objects
from naslib_mini.viz import plot_heatmaps, plot_precision_recall, plot_scene
from naslib_mini.widgets import detection_viewer

CATEGORIES = [str(d) for d in range(10)]
TRUTH = make_objects(np.array([[4, 4, 10, 12], [30, 30, 12, 12]]), np.array([1, 5]))
PREDICTED = Detections(np.array([[5, 4, 10, 12], [30, 31, 12, 12], [40, 2, 8, 8]], np.float32),
                       np.array([0.9, 0.6, 0.4]), np.array([1, 4, 1]))


def test_matches_need_the_same_class_enough_overlap_and_a_score_above_the_threshold():
    assert match_predictions(TRUTH, PREDICTED, threshold=0.3).tolist() == [0, -1, -1]  # class 4 is not 5
    assert match_predictions(TRUTH, PREDICTED, threshold=0.5).tolist() == [0, -1]
    assert len(above(PREDICTED, 0.95).scores) == 0
    with pytest.raises(ValueError, match="iou must lie in"):
        match_predictions(TRUTH, PREDICTED, iou=0)


def test_caption_lists_objects_and_kept_predictions():
    text = prediction_caption(TRUTH, PREDICTED, CATEGORIES, threshold=0.5)
    assert text.splitlines()[:2] == ["objects: 2 (1, 5)", "predictions above 0.50: 2, 1 hit at IoU 0.5"]
    assert "4  score 0.60  miss" in text


def test_precision_recall_curves_come_from_cocoeval():
    perfect = evaluate_detections([TRUTH], [Detections(TRUTH.boxes, np.array([0.9, 0.8]), TRUTH.labels)],
                                  image_size=(64, 64), num_classes=10)
    partly = evaluate_detections([TRUTH], [PREDICTED], image_size=(64, 64), num_classes=10)
    recall, precision = precision_recall(perfect, None)
    assert len(recall) == 101 and np.allclose(precision, 1)
    _, worse = precision_recall(partly, 0.5)
    assert np.allclose(worse, 0.5)  # class 1 is found first (precision 1), class 5 never (precision 0)
    with pytest.raises(ValueError, match="iou must be one of"):
        precision_recall(partly, 0.52)


def test_plots_draw_the_boxes_heatmaps_and_curves():
    ax = plot_scene(np.zeros((1, 64, 64)), TRUTH, PREDICTED, CATEGORIES, threshold=0.5)
    assert len(ax.patches) == 2 + 2
    figure = plot_heatmaps(np.zeros((1, 64, 64)), np.random.default_rng(0).random((10, 16, 16)), CATEGORIES, [1, 5])
    assert len(figure.axes) == 3
    ax = plot_precision_recall({"IoU 0.5": (np.linspace(0, 1, 5), np.ones(5))})
    assert len(ax.lines) == 1


def test_viewer_shows_the_chosen_scene_at_the_chosen_threshold():
    x = torch.zeros(2, 1, 64, 64)
    viewer = detection_viewer(x, [TRUTH, TRUTH], [PREDICTED, PREDICTED], CATEGORIES, scene=1, threshold=0.5)
    assert viewer.plot.value[:4] == b"\x89PNG" and "predictions above 0.50: 2" in viewer.text.value
    viewer.threshold.value = 0.8
    assert "predictions above 0.80: 1" in viewer.text.value
    with pytest.raises(ValueError, match="one entry per image"):
        detection_viewer(x, [TRUTH], [PREDICTED, PREDICTED], CATEGORIES)
    with pytest.raises(ValueError, match="scene must be an index in 0..1, got 2"):
        detection_viewer(x, [TRUTH] * 2, [PREDICTED] * 2, CATEGORIES, scene=2)
    with pytest.raises(ValueError, match="threshold must lie in"):
        detection_viewer(x, [TRUTH] * 2, [PREDICTED] * 2, CATEGORIES, threshold=1.0)
