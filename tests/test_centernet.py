"""CenterNet targets, loss and decoding, and COCO mAP through pycocotools."""
import numpy as np
import pytest
import torch

import naslib_mini as nm
from naslib_mini.detection.centernet import (Detections, build_detector, centernet_loss, centernet_training_loss, decode, draw_gaussian,
                                             encode_targets, focal_loss, gaussian_radius)
from naslib_mini.detection.coco import bootstrap_ap_difference, evaluate_detections
from naslib_mini.estimators.routines import fit
from naslib_mini.tasks.digit_scenes import make_objects

#: Three well-separated objects on a 64x64 image.
SCENE = make_objects(np.array([[4, 6, 12, 16], [30, 8, 18, 20], [10, 40, 14, 18]]), np.array([2, 7, 2]))


def perfect_outputs(targets):
    classes = targets.shape[1] - 5
    return torch.cat([torch.logit(targets[:, :classes].clamp(1e-6, 1 - 1e-6)), targets[:, classes:classes + 4]], 1)


def test_gaussian_peaks_at_one_on_the_centre_and_falls_off():
    heatmap = np.zeros((16, 16), np.float32)
    draw_gaussian(heatmap, (5, 7), 2)
    assert heatmap[7, 5] == 1.0 and heatmap.max() == 1.0
    assert 0 < heatmap[7, 6] < 1 and heatmap[7, 7] < heatmap[7, 6] and heatmap[7, 8] == 0
    draw_gaussian(heatmap, (0, 0), 3)  # clipped at the border
    assert heatmap[0, 0] == 1.0


def test_radius_follows_the_centernet_rule():
    assert gaussian_radius(4.0, 4.0) == pytest.approx(1.0933, abs=1e-4)  # min(7.63, 14.69, 1.09) cells
    assert gaussian_radius(8.0, 8.0) > gaussian_radius(4.0, 4.0)


def test_targets_mark_each_centre_with_its_size_and_offset():
    t = encode_targets([SCENE], 10, (64, 64), stride=4)
    assert t.shape == (1, 15, 16, 16)
    assert t[0, -1].sum() == 3 and t[0, 2].eq(1).sum() == 2 and t[0, 7].eq(1).sum() == 1
    # object 1: centre (39, 18) pixels -> cell (9, 4) with offset (0.75, 0.5); size 18x20 px -> 4.5 x 5 cells
    assert t[0, 7, 4, 9] == 1 and t[0, 10:14, 4, 9].tolist() == [4.5, 5.0, 0.75, 0.5]


def test_focal_loss_is_near_zero_on_a_perfect_prediction_and_larger_otherwise():
    t = encode_targets([SCENE], 10, (64, 64))
    perfect = perfect_outputs(t)
    assert float(centernet_loss(perfect, t)) < 1e-2
    assert float(focal_loss(torch.full_like(t[:, :10], -2.19), t[:, :10])) > 1
    shifted = perfect.clone()
    shifted[:, 10:12] += 1.0  # sizes one cell off: 0.1 x L1 of 2 per centre
    assert float(centernet_loss(shifted, t)) == pytest.approx(float(centernet_loss(perfect, t)) + 0.2, abs=1e-4)


def test_decode_recovers_the_boxes_from_perfect_outputs():
    t = encode_targets([SCENE], 10, (64, 64))
    (det,) = decode(perfect_outputs(t), stride=4, threshold=0.5)
    order = np.lexsort((det.boxes[:, 0], det.boxes[:, 1]))
    truth = np.lexsort((SCENE.boxes[:, 0], SCENE.boxes[:, 1]))
    np.testing.assert_allclose(det.boxes[order], SCENE.boxes[truth], atol=1e-4)
    assert det.labels[order].tolist() == SCENE.labels[truth].tolist()


def test_coco_ap_is_one_on_the_truth_and_lower_on_shifted_boxes():
    truth = [SCENE, make_objects(np.array([[20, 20, 16, 16]]), np.array([0]))]
    exact = [Detections(o.boxes, np.linspace(0.9, 0.5, len(o)), o.labels) for o in truth]
    shifted = [Detections(o.boxes + np.array([3, 0, 0, 0], np.float32), d.scores, o.labels) for o, d in
               zip(truth, exact)]
    perfect = evaluate_detections(truth, exact, image_size=(64, 64), num_classes=10)
    worse = evaluate_detections(truth, shifted, image_size=(64, 64), num_classes=10)
    assert perfect.metrics["ap"] == pytest.approx(1.0) and perfect.metrics["ap50"] == pytest.approx(1.0)
    assert worse.metrics["ap"] < 0.8 and worse.metrics["ap50"] == pytest.approx(1.0)
    empty = evaluate_detections(truth, [Detections(np.zeros((0, 4)), np.zeros(0), np.zeros(0, int))] * 2,
                                image_size=(64, 64), num_classes=10)
    assert empty.metrics["ap"] == 0.0
    result = bootstrap_ap_difference([perfect], [worse], resamples=50, seed=0)
    assert result.difference == pytest.approx(perfect.ap - worse.ap) and result.low > 0 and result.p_value < 0.05
    with pytest.raises(ValueError, match="one Detections per image"):
        evaluate_detections(truth, exact[:1], image_size=(64, 64), num_classes=10)


def test_detector_is_the_one_builders_backbone_and_rejects_bad_strides():
    space = nm.SPACES.create("chain-detection")
    arch = space.from_str("conv3x3-16-s2-series|dilconv3x3-32-s2-skip")
    spec = nm.TaskSpec("scenes", (1, 64, 64), 10)
    det = build_detector(space, arch, spec)
    backbone = nm.build_network(space, arch, spec, head=False)
    assert [p.shape for p in det.backbone.parameters()] == [p.shape for p in backbone.parameters()]
    assert det(torch.zeros(2, 1, 64, 64)).shape == (2, 14, 16, 16)
    assert det.head.heatmap[-1].bias.detach().eq(-2.19).all()
    with pytest.raises(ValueError, match="stride must be 1, 2, 4 or 8.*got 3"):
        build_detector(space, arch, spec, stride=3)
    with pytest.raises(ValueError, match="2D images"):
        build_detector(space, arch, nm.TaskSpec("v", (1, 8, 8, 8), 3))


def test_fit_trains_a_detector_with_the_centernet_loss():
    task = nm.TASKS.create("digit-scenes", num_train=32, num_val=4, num_test=4, canvas=32, scale=(10, 16))
    space = nm.SPACES.create("chain-detection")
    det = build_detector(space, space.from_str("conv3x3-16-s2-series|conv3x3-16-s2-skip"), task.spec)
    targets = encode_targets(task.objects_train, 10, (32, 32))
    config = nm.TrainingConfig(batch_size=8, optimizer="adam", lr=3e-3, weight_decay=0.0, threads=1)
    with torch.no_grad():
        before = float(centernet_loss(det(task.x_train), targets))
    fit(det, task.x_train, targets, config, epochs=5, seed=0, loss=centernet_training_loss)
    det.eval()
    with torch.no_grad():
        assert float(centernet_loss(det(task.x_train), targets)) < before
