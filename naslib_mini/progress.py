"""Progress reporting for searches: a tqdm progress bar as a loop callback.

The library never prints; the CLI and notebooks choose to show this bar.
"""
from __future__ import annotations


from naslib_mini.history import History
from naslib_mini.types import Trial

__all__ = ["ProgressBar"]


class ProgressBar:
    """A ``run`` callback that advances a tqdm bar and shows the incumbent score.

    Args:
        total: Expected number of trials (``None`` if unknown).
        notebook: Use ``tqdm.auto`` (a widget in Jupyter) instead of the text bar.
        **tqdm_kwargs: Passed to ``tqdm`` (``disable=True`` hides it).

    Example:
        >>> bar = ProgressBar(total=3, disable=True)
        >>> bar.close()
    """

    def __init__(self, total: int | None = None, *, notebook: bool = False, **tqdm_kwargs) -> None:
        if notebook:
            from tqdm.auto import tqdm
        else:
            from tqdm import tqdm
        self.bar = tqdm(total=total, unit="trial", **tqdm_kwargs)

    def __call__(self, trial: Trial, history: History) -> None:
        best = history.best()
        failed = sum(1 for t in history if not t.ok)
        self.bar.set_postfix(best=f"{best.score:.4g}" if best else "-", failed=failed, refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
