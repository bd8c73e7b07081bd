"""The digit-scenes detection task: composition, disjoint digit pools, determinism, COCO JSON round trip."""
import json

import numpy as np
import pytest
import torch

import naslib_mini as nm
from naslib_mini.tasks.digit_scenes import DetectionTask, compose_scenes, digit_scenes, load_coco, save_coco

SMALL = {"num_train": 20, "num_val": 8, "num_test": 8}


@pytest.fixture(scope="module")
def task():
    return digit_scenes(**SMALL)


def test_boxes_lie_inside_the_canvas_and_hold_the_digit_ink(task):
    for x, objects in ((task.x_train, task.objects_train), (task.x_test, task.objects_test)):
        for image, objs in zip(x, objects):
            assert 1 <= len(objs) <= 5
            b = objs.boxes
            assert (b[:, :2] >= 0).all() and (b[:, 0] + b[:, 2] <= 64).all() and (b[:, 1] + b[:, 3] <= 64).all()
            assert (b[:, 2:] >= 1).all() and set(objs.labels.tolist()) <= set(range(10))
            for x0, y0, w, h in b.astype(int):  # the box's border rows and columns hold ink
                patch = image[0, y0:y0 + h, x0:x0 + w]
                assert patch[0].max() > 0.1 and patch[-1].max() > 0.1
                assert patch[:, 0].max() > 0.1 and patch[:, -1].max() > 0.1
            assert ((objs.overlap >= 0) & (objs.overlap <= 1)).all()


def test_overlaps_are_recorded_as_the_largest_iou_with_another_object():
    x, objects = compose_scenes(np.ones((3, 28, 28), np.float32), np.arange(3), 200, digits=(5, 5),
                                rng=np.random.default_rng(1))
    overlapping = [o for o in objects if o.overlap.max() > 0]
    assert overlapping, "five digits on a 64x64 canvas must overlap sometimes"
    o = overlapping[0]
    i = int(np.argmax(o.overlap))
    (x0, y0, w, h), others = o.boxes[i], np.delete(o.boxes, i, 0)
    ious = []
    for a, b, c, d in others:
        inter = max(0, min(x0 + w, a + c) - max(x0, a)) * max(0, min(y0 + h, b + d) - max(y0, b))
        ious.append(inter / (w * h + c * d - inter))
    assert o.overlap[i] == pytest.approx(max(ious), rel=1e-5)


def test_digit_pools_are_split_before_composing(monkeypatch):
    """Every digit pasted in a test or validation scene is absent from the training scenes' pool."""
    used = {}
    import naslib_mini.tasks.digit_scenes as module
    original = module.compose_scenes

    def spy(images, labels, n, **kwargs):
        used[len(used)] = {bytes(np.ascontiguousarray(im)) for im in images}
        return original(images, labels, n, **kwargs)

    monkeypatch.setattr(module, "compose_scenes", spy)
    digit_scenes(**SMALL)
    train, val, test = used[0], used[1], used[2]
    assert len(train) > 2000 and len(val) > 900 and len(test) > 900
    assert not (train & val) and not (train & test) and not (val & test)


def test_same_seed_same_scenes_and_the_test_scenes_do_not_depend_on_seed(task):
    again, other = digit_scenes(**SMALL), digit_scenes(seed=1, **SMALL)
    assert torch.equal(task.x_train, again.x_train)
    assert all(np.array_equal(a.boxes, b.boxes) for a, b in zip(task.objects_val, again.objects_val))
    assert not torch.equal(task.x_val, other.x_val) and torch.equal(task.x_test, other.x_test)


def test_is_a_registered_task_whose_labels_are_the_largest_digit(task):
    assert isinstance(nm.TASKS.create("digit-scenes", **SMALL), DetectionTask)
    objs = task.objects_train[0]
    assert int(task.y_train[0]) == objs.labels[np.argmax(objs.boxes[:, 2] * objs.boxes[:, 3])]


@pytest.mark.parametrize("kwargs, match", [({"num_train": 0}, "num_train"), ({"canvas": 8}, "canvas"),
                                           ({"digits": (3, 2)}, "digits"), ({"scale": (4, 10)}, "scale"),
                                           ({"scale": (20, 90)}, "scale")])
def test_bad_arguments_name_the_value(kwargs, match):
    with pytest.raises(ValueError, match=match):
        digit_scenes(**{**SMALL, **kwargs})


def test_coco_json_round_trip(task, tmp_path):
    path = save_coco(task.x_test, task.objects_test, tmp_path, task.categories)
    coco = json.loads(path.read_text())
    assert len(coco["images"]) == 8 and len(coco["annotations"]) == sum(len(o) for o in task.objects_test)
    loaded = load_coco(path, val_fraction=0.25, test_fraction=0.25, seed=0)
    assert isinstance(loaded, DetectionTask) and loaded.categories == task.categories
    assert loaded.spec.input_shape == (1, 64, 64) and loaded.spec.num_classes == 10
    for x, objects in ((loaded.x_train, loaded.objects_train), (loaded.x_test, loaded.objects_test)):
        for image, objs in zip(x, objects):
            # the PNG keeps the image to 8 bits; find its original and compare
            match = [i for i, orig in enumerate(task.x_test) if (orig - image).abs().max() <= 0.5 / 255 + 1e-6]
            assert len(match) == 1
            original = task.objects_test[match[0]]
            assert np.array_equal(objs.boxes, original.boxes) and np.array_equal(objs.labels, original.labels)


def test_coco_loader_errors_name_the_problem(tmp_path):
    with pytest.raises(FileNotFoundError, match="no COCO annotation file"):
        load_coco(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text(json.dumps({"images": []}))
    with pytest.raises(ValueError, match="lacks annotations, categories"):
        load_coco(tmp_path / "bad.json")
    with pytest.raises(ValueError, match="channels must be 1 .* got 2"):
        load_coco(tmp_path / "bad.json", channels=2)
