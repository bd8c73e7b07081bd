"""Widget: a scene with its true boxes and a detector's predictions above a chosen score threshold.

A thin view: a slider over the scenes and one over the score threshold; it draws the scene
(``viz.detection.plot_scene``) and the caption of ``detection.inspection.prediction_caption``
(which predictions hit an object at IoU 0.5). The detections are decoded once, before the
widget is built (``detection.decode``); the widget never runs a network.
"""
from __future__ import annotations

from typing import Any, Sequence

from naslib_mini.detection.inspection import prediction_caption
from naslib_mini.viz.detection import plot_scene
from naslib_mini.widgets.display import png, pre

__all__ = ["DetectionViewer", "detection_viewer"]


class DetectionViewer:
    """Sliders of scene and score threshold over images, their objects and decoded detections.

    Attributes:
        scene, threshold: The controls.
        plot: Image widget holding the scene with its boxes (PNG).
        text: HTML widget holding ``prediction_caption``.
        widget: The container to display.
    """

    def __init__(self, x, objects: Sequence, detections: Sequence, categories: Sequence[str], scene: int = 0,
                 threshold: float = 0.3) -> None:
        import ipywidgets as w

        self.x, self.objects, self.detections, self.categories = x, objects, detections, list(categories)
        self.scene = w.IntSlider(value=scene, min=0, max=len(x) - 1, description="scene", continuous_update=False)
        self.threshold = w.FloatSlider(value=threshold, min=0.0, max=0.95, step=0.05, description="score >",
                                       continuous_update=False)
        self.plot, self.text = w.Image(format="png"), w.HTML()
        self.widget = w.VBox([w.HBox([self.scene, self.threshold]), w.HBox([self.plot, self.text])])
        for control in (self.scene, self.threshold):
            control.observe(lambda _change: self.update(), names="value")
        self.update()

    def update(self) -> None:
        """Redraw for the current controls."""
        i, threshold = self.scene.value, self.threshold.value
        ax = plot_scene(self.x[i], self.objects[i], self.detections[i], self.categories, threshold=threshold,
                        title=f"scene {i}: truth green, predictions red")
        self.plot.value = png(ax.figure, bbox_inches="tight")
        self.text.value = pre(prediction_caption(self.objects[i], self.detections[i], self.categories, threshold))

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)


def detection_viewer(x, objects: Sequence, detections: Sequence, categories: Sequence[str], scene: int = 0,
                     threshold: float = 0.3) -> DetectionViewer:
    """A widget: pick a scene and a score threshold; see the true boxes and the predictions kept.

    Args:
        x: Images ``(n, channels, H, W)`` (a task's ``x_test``).
        objects: One ``Objects`` per image (``objects_test``).
        detections: One ``Detections`` per image (``detection.decode`` of the detector's outputs).
        categories: Class names.
        scene: The scene shown first.
        threshold: The score threshold first, in [0, 1).

    Raises:
        ValueError: The three sequences differ in length, or ``scene`` or ``threshold`` is out of range.
    """
    if not len(x) == len(objects) == len(detections) or not len(x):
        raise ValueError(f"x, objects and detections must have one entry per image, got {len(x)}, {len(objects)} "
                         f"and {len(detections)}")
    if not (isinstance(scene, int) and 0 <= scene < len(x)):
        raise ValueError(f"scene must be an index in 0..{len(x) - 1}, got {scene!r}")
    if not 0 <= threshold < 1:
        raise ValueError(f"threshold must lie in [0, 1), got {threshold!r}")
    return DetectionViewer(x, objects, detections, categories, scene=scene, threshold=threshold)
