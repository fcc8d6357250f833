"""What computing a block comes to: the engine's answers to the adapters, and the worker's to the engine.

A chart of a page is a ``PendingChart`` (computed now, or still being computed by the worker) that
resolves to a ``ChartResult``: its figure and whether the page needs the chart script. The worker
answers each block it is sent with a ``Done``, ``Failed`` or ``Crashed`` outcome; all of them are small
frozen dataclasses that pickle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ChartResult:
    """A chart ready for its page: the figure's HTML (with its id) and whether it is interactive."""

    html: str
    interactive: bool
    """The page needs the chart script (``retroblog.js``) when any of its charts is interactive."""


class PendingChart:
    """A chart of a page, already computed or still being computed elsewhere; ``result()`` waits for it.

    ``interactive`` is known at once (as the block asks), so a page can hold a placeholder that says
    whether it needs the chart script before the chart is done.
    """

    def __init__(self, interactive: bool, finish: Callable[[], ChartResult], done: Callable[[], bool]) -> None:
        self.interactive = interactive
        self._finish, self._done = finish, done

    @classmethod
    def ready(cls, result: ChartResult) -> PendingChart:
        """A chart computed already, held back like one still being computed until the page is written."""
        return cls(result.interactive, lambda: result, lambda: True)

    def done(self) -> bool:
        """Whether ``result()`` returns without waiting for the worker."""
        return self._done()

    def result(self) -> ChartResult:
        """The chart, waiting for it if need be; raises the block's ``BlockError`` if it cannot be made."""
        return self._finish()


@dataclass(frozen=True)
class Done:
    """A block computed (and stored in the fragment cache): its HTML, a chart's id still ``CHART_ID``."""

    html: str


@dataclass(frozen=True)
class Failed:
    """A block the page's conversion reports: its error, and the line inside the block (0: the fence)."""

    message: str
    line: int = 0
    shared: bool = False
    """The dataset's error (``BlockError.shared``), not the block's own."""


@dataclass(frozen=True)
class Crashed:
    """The worker could not compute a block (a bug, or no worker): the build computes it itself."""

    reason: str


Outcome = Done | Failed | Crashed
"""The answer to a block sent to an executor."""
