"""Registries that map names to components, so notebooks and the CLI hold names.

A ``Registry`` knows nothing about what it holds; spaces, strategies, estimators
and tasks each have one (timm's ``create_model``/``list_models``).
"""
from __future__ import annotations

from typing import Any, Callable, Generic, TypeVar

__all__ = ["Registry"]

T = TypeVar("T")


class Registry(Generic[T]):
    """A named table of factories.

    Example:
        >>> COLOURS = Registry("colour")
        >>> @COLOURS.register("red")
        ... def red(shade=1):
        ...     return ("red", shade)
        >>> COLOURS.create("red", shade=2)
        ('red', 2)
        >>> COLOURS.create("blue")
        Traceback (most recent call last):
        ...
        KeyError: "unknown colour 'blue'; valid choices: red"
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._factories: dict[str, Callable[..., T]] = {}
        self._aliases: dict[str, str] = {}

    def register(self, name: str, *, aliases: tuple[str, ...] = ()) -> Callable[[Callable[..., T]], Callable[..., T]]:
        """Decorator that registers a class or factory under ``name``.

        ``aliases`` are other names that ``get`` and ``create`` accept (such as a
        paper's abbreviation); ``names`` lists only the main names.
        """

        def decorate(factory: Callable[..., T]) -> Callable[..., T]:
            for key in (name, *aliases):
                if key in self._factories or key in self._aliases:
                    raise ValueError(f"{self.kind} {key!r} is already registered")
            self._factories[name] = factory
            self._aliases.update({alias: name for alias in aliases})
            return factory

        return decorate

    def canonical(self, name: str) -> str:
        """The main name for ``name`` or one of its aliases; unknown names list the valid ones."""
        if name in self._factories:
            return name
        if name in self._aliases:
            return self._aliases[name]
        raise KeyError(f"unknown {self.kind} {name!r}; valid choices: {', '.join(self.names())}")

    def get(self, name: str) -> Callable[..., T]:
        """The factory registered under ``name`` (or an alias); unknown names list the valid ones."""
        return self._factories[self.canonical(name)]

    def create(self, name: str, /, **kwargs: Any) -> T:
        """Build the component registered under ``name`` with ``kwargs``."""
        return self.get(name)(**kwargs)

    def names(self) -> list[str]:
        """Registered names, sorted."""
        return sorted(self._factories)

    def __contains__(self, name: object) -> bool:
        return name in self._factories or name in self._aliases

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}, {self.names()})"
