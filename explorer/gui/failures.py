"""A database found damaged while the window runs: reported to the window showing it.

SQLite reports a damaged page only when a query reads it, and a value that does not decode
shows only when it is used, so such a database opens and fails later, in whatever pane reads
it first: a paint, a slot, a timer.  The store raises :class:`DatabaseError` there
(see :func:`explorer.core.database.damaged`); Qt's bindings hand an exception that leaves a
slot or a virtual method to ``sys.excepthook``, and this module's hook passes one about a
database to the windows that watch it (:meth:`MainWindow.database_failed`), which close it
and say why instead of painting half a window again and again.  Any other exception goes on
to the hook that was there before.
"""

from __future__ import annotations

import sys
import weakref
from typing import Protocol

from explorer.core.database import DatabaseError


class Watcher(Protocol):
    def database_failed(self, exc: DatabaseError) -> bool:
        """Take ``exc`` if it is about the database shown; whether it was taken."""


_watchers: weakref.WeakSet = weakref.WeakSet()
_previous = sys.excepthook


def database_error(exc: BaseException | None) -> DatabaseError | None:
    """The :class:`DatabaseError` that ``exc`` is, or was raised from or during (its
    ``__cause__`` / ``__context__`` chain), if any."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DatabaseError):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def detached(exc: DatabaseError) -> DatabaseError:
    """``exc`` again, without the traceback and the chain: they hold the failed frames (a
    painter, a half-built pane) alive while the error is kept."""
    return DatabaseError(exc.path, exc.reason, exc.kind)


def watch(window: Watcher) -> None:
    """Have ``window`` told of database errors that reach the hook (installed if need be:
    a test runner may have put its own in since)."""
    global _previous
    if sys.excepthook is not _hook:
        _previous = sys.excepthook
        sys.excepthook = _hook
    _watchers.add(window)


def _hook(kind: type[BaseException], exc: BaseException, tb) -> None:  # noqa: ANN001
    err = database_error(exc)
    if err is not None:
        taken = [w for w in list(_watchers) if w.database_failed(err)]
        if taken:
            print(f"zone-timeline: {err}", file=sys.stderr)  # one line for a log, not a traceback
            return
    _previous(kind, exc, tb)
