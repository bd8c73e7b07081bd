"""Widget: compose a chain architecture layer by layer and see its network summary.

A thin view over ``naslib_mini.composition`` (``compose``, ``composition_text``): a depth
slider and one row of dropdowns per layer. Never trains.
"""
from __future__ import annotations

from typing import Any

from naslib_mini.composition import LAYER_FIELDS, compose, composition_text, layer_choices
from naslib_mini.spaces.base import SearchSpace
from naslib_mini.spaces.chain import ChainArch, ChainSpace
from naslib_mini.tasks.base import TaskSpec
from naslib_mini.widgets.display import pre

__all__ = ["ArchitectureComposer", "architecture_composer"]

class ArchitectureComposer:
    """A depth slider, one row of dropdowns per layer, and the live summary of the network.

    Built by ``architecture_composer``; displaying it shows ``widget``. Every change
    calls ``update``, which sets ``output.value`` from ``composition_text``.

    Attributes:
        depth: Slider over ``min_depth..max_depth``.
        rows: Per layer, a dict of dropdowns keyed by ``LAYER_FIELDS``.
        output: HTML widget holding the summary (or the error for invalid choices).
        widget: The container to display.
    """

    def __init__(self, space: ChainSpace, spec: TaskSpec, arch: ChainArch | None = None) -> None:
        import ipywidgets as w

        choices = layer_choices(space)
        cfg = space.config
        if arch is None:
            first = tuple(choices[f][0] for f in LAYER_FIELDS)
            arch = compose(space, [first] * min(max(3, cfg.min_depth), cfg.max_depth))
        space.validate(arch)
        self.space, self.spec = space, spec
        self.depth = w.IntSlider(value=arch.depth, min=cfg.min_depth, max=cfg.max_depth, description="depth")
        self.rows: list[dict[str, Any]] = []
        boxes = []
        for index in range(cfg.max_depth):
            layer = arch.layers[index] if index < arch.depth else arch.layers[-1]
            row = {f: w.Dropdown(options=list(choices[f]), value=getattr(layer, f),
                                 description=f"layer {index + 1}" if f == "op" else "",
                                 layout=w.Layout(width="210px" if f == "op" else "110px"))
                   for f in LAYER_FIELDS}
            self.rows.append(row)
            boxes.append(w.HBox(list(row.values())))
        self._boxes = boxes
        self.output = w.HTML()
        self.widget = w.VBox([self.depth, *boxes, self.output])
        for control in [self.depth, *(d for row in self.rows for d in row.values())]:
            control.observe(lambda _change: self.update(), names="value")
        self.update()

    def layers(self) -> list[dict[str, Any]]:
        """The current choices of the first ``depth`` rows."""
        return [{f: row[f].value for f in LAYER_FIELDS} for row in self.rows[:self.depth.value]]

    def update(self) -> None:
        """Show the rows in use and the summary of the architecture they compose."""
        for index, box in enumerate(self._boxes):
            box.layout.display = None if index < self.depth.value else "none"
        try:
            self.output.value = pre(composition_text(self.space, self.layers(), self.spec))
        except ValueError as exc:
            self.output.value = pre(f"invalid choice: {exc}")

    def arch(self) -> ChainArch:
        """The canonical architecture the current choices compose."""
        return compose(self.space, self.layers())

    def _repr_mimebundle_(self, **kwargs: Any):
        return self.widget._repr_mimebundle_(**kwargs)


def architecture_composer(space: SearchSpace, spec: TaskSpec, arch: ChainArch | None = None) -> ArchitectureComposer:
    """A widget to compose a chain architecture layer by layer and watch its summary update.

    Args:
        space: A chain space (its choices fill the dropdowns).
        spec: The task the network is built for (input shape, classes).
        arch: The architecture to start from; by default up to three layers of
            each field's first choice.

    Example:
        >>> import naslib_mini as nm
        >>> c = architecture_composer(nm.SPACES.create("chain-small"), nm.TaskSpec("toy", (1, 8, 8), 10))
        >>> c.rows[0]["stride"].value = 2  # what a user's click does
        >>> "conv3x3-16-s2-series" in c.output.value
        True
    """
    return ArchitectureComposer(space, spec, arch)
