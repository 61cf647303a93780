"""Reading the database while the interface loads.

Before the window can be built, Python spends about 0.3 s importing Qt and pyqtgraph.
Opening the event database and laying every event out in the timeline's lanes need
none of that (at a million events about 0.1 s of reading and 0.15 s of numpy, which
mostly runs without holding the GIL), so a thread does them meanwhile, on the second
core.  The thread starts and ends many numpy calls, each of which gives the GIL up and
must get it back from the importing thread: with Python's 5 ms switch interval that
wait dominated, so the interval is short while the thread runs.

The window takes the result with :meth:`Preload.take`.  For any other file it opens
the file itself.  When reading failed, ``take`` raises the thread's error again in the
window's thread, and ``open_database`` reports it as it reports any file that cannot
be opened.

Qt-free on purpose: this module is imported before Qt is.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from explorer.core.database import open_database
from explorer.core.store import EventStore
from explorer.gui.timeline_layout import UNSIZED_VIEW_ROWS, prepare_all

SWITCH_INTERVAL_S = 0.0002  # while the thread runs (Python's default: 0.005)


class Preload:
    """Opens ``path`` in a thread, started at once."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._store: EventStore | None = None
        self._error: BaseException | None = None
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        self._thread: threading.Thread | None = threading.Thread(target=self._load, name="preload", daemon=True)
        self._thread.start()

    def _load(self) -> None:
        try:
            self._read()
        finally:
            sys.setswitchinterval(self._interval)

    def _read(self) -> None:
        try:
            store = EventStore(open_database(self.path))
        except Exception as exc:  # noqa: BLE001 - raised again in the window's thread, which reports it
            self._error = exc
            return
        # The timeline's first layout: every event, in zone lanes, made before the pane has a
        # size; unless the user left other filters or lanes last time (then it goes unused).
        try:
            prepare_all(store, "zone", UNSIZED_VIEW_ROWS)
        except Exception:  # noqa: BLE001, S110 - only a head start: the timeline orders the rows itself
            pass
        self._store = store

    def take(self, path: Path) -> EventStore | None:
        """The store read from ``path``, waiting for the thread; ``None`` for another path
        or once taken.  Raises what opening the file raised."""
        if self._thread is None or Path(path) != self.path:
            return None
        self._thread.join()
        self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        store, self._store = self._store, None
        if store is not None:
            store.db.adopt()  # its connection now serves the window's thread
        return store
