"""Widget: compose a chain architecture layer by layer and see its network summary.

A thin ipywidgets shell around plain, unit-tested functions (``compose``,
``composition_text``), because headless notebook runs never fire widget events.
Works on the chain space of Elsken, Metzen & Hutter (2019, Sec. 2) as
``naslib_mini.spaces.chain`` defines it, and shows how the space rewrites a layer
list to its canonical form. Never trains: callbacks only build a network to
summarise it.
"""
from __future__ import annotations

import html
from typing import Any, Mapping, Sequence

from naslib_mini.spaces.base import SearchSpace
from naslib_mini.spaces.chain import ChainArch, ChainSpace, Layer
from naslib_mini.summary import summarize
from naslib_mini.tasks.base import TaskSpec

__all__ = ["LAYER_FIELDS", "ArchitectureComposer", "architecture_composer", "compose", "composition_text",
           "layer_choices"]
#: The fields of one chain layer, in the order the composer shows them.
LAYER_FIELDS = ("op", "channels", "stride", "connection")


def layer_choices(space: SearchSpace) -> dict[str, tuple]:
    """The values each layer field can take in a chain space.

    Example:
        >>> import naslib_mini as nm
        >>> layer_choices(nm.SPACES.create("chain-small"))["channels"]
        (16, 32)
    """
    if not isinstance(space, ChainSpace):
        raise TypeError(f"the composer builds chain architectures layer by layer; got a "
                        f"{type(space).__name__} ({space.name!r}); valid choices: a 'chain' or 'chain-small' space")
    cfg = space.config
    return {"op": cfg.ops, "channels": cfg.channels, "stride": cfg.strides, "connection": cfg.connections}


def _as_layer(values: Layer | Mapping[str, Any] | Sequence[Any], position: int) -> Layer:
    if isinstance(values, Layer):
        return values
    if isinstance(values, Mapping):
        missing = [f for f in LAYER_FIELDS if f not in values]
        unknown = sorted(set(values) - set(LAYER_FIELDS))
        if missing or unknown:
            raise ValueError(f"layer {position} has missing fields {missing} and unknown fields {unknown}; "
                             f"valid fields: {', '.join(LAYER_FIELDS)}")
        return Layer(**{f: values[f] for f in LAYER_FIELDS})
    if isinstance(values, str) or len(values) != len(LAYER_FIELDS):
        raise ValueError(f"layer {position} must be a mapping or a sequence of "
                         f"{', '.join(LAYER_FIELDS)}; got {values!r}")
    return Layer(*values)


def compose(space: SearchSpace, layers: Sequence[Mapping[str, Any] | Sequence[Any]]) -> ChainArch:
    """The canonical chain architecture for layer choices given input to output.

    Args:
        space: A chain space.
        layers: One mapping per layer with ``op``, ``channels``, ``stride`` and
            ``connection`` (or a 4-tuple in that order, or a ``Layer``).

    Returns:
        The space's canonical architecture for that layer list (equivalent layer
        lists give the same architecture).

    Raises:
        ValueError: A field is missing or outside the space's choices, or the
            depth is outside ``min_depth..max_depth``; the message names the bad value.

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("chain-small")
        >>> arch = compose(space, [("conv3x3", 16, 2, "dense"), ("maxpool3x3", 32, 1, "skip")])
        >>> space.to_str(arch)  # dense on the first layer reads one map: it is series
        'conv3x3-16-s2-series|maxpool3x3-32-s1-skip'
    """
    layer_choices(space)  # checks that the space composes layer by layer
    return space.canonicalize(ChainArch(tuple(_as_layer(v, i + 1) for i, v in enumerate(layers))))


def composition_text(space: SearchSpace, layers: Sequence[Mapping[str, Any] | Sequence[Any]],
                     spec: TaskSpec) -> str:
    """What the composer shows: the architecture, any canonical rewrite, and the network summary.

    Example:
        >>> import naslib_mini as nm
        >>> space = nm.SPACES.create("chain-small")
        >>> print(composition_text(space, [("zero", 16, 1, "skip")], nm.TaskSpec("toy", (1, 8, 8), 10)))
        architecture: identity-16-s1-series
        you asked for: zero-16-s1-skip (the same network; the space keeps one canonical form)
        stem ...
        total ...
    """
    raw = ChainArch(tuple(_as_layer(v, i + 1) for i, v in enumerate(layers)))
    arch = compose(space, raw.layers)
    lines = [f"architecture: {space.to_str(arch)}"]
    if arch != raw:
        lines.append(f"you asked for: {space.to_str(raw)} (the same network; the space keeps one canonical form)")
    lines.append(str(summarize(space, arch, spec)))
    return "\n".join(lines)


def _pre(text: str) -> str:
    return f"<pre style='line-height:1.3'>{html.escape(text)}</pre>"


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
            self.output.value = _pre(composition_text(self.space, self.layers(), self.spec))
        except ValueError as exc:
            self.output.value = _pre(f"invalid choice: {exc}")

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
