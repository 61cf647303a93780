"""Python's cyclic garbage collector while the app starts.

Starting the window makes about 110,000 objects that live as long as the app: Qt's and
pyqtgraph's modules, numpy, the panes.  The collector would scan them again and again
while they are made (a full pass over them takes ~20 ms here), ~40 ms of a 0.5 s launch
on this 2-core machine.  So :func:`pause` stops it at the entry point, and :func:`resume`
starts it again once the window has shown, first *freezing* the objects made so far: the
collector then never scans them again, so the passes it would otherwise owe (the start-up
objects were never looked at) do not land on the user's first clicks.

Frozen objects are never collected.  Those of a session the window replaces (another
database opened, the language switched) are let go again by :func:`release`, or the old
store would stay in memory.  Start-up's own cyclic garbage is frozen too and kept (a
full collection right after the first paint frees ~450 objects): collecting it first
would cost a full pass, ~20 ms, just as the user starts.
"""

from __future__ import annotations

import gc


def pause() -> None:
    """Stop the collector (at the entry point, before anything heavy is imported)."""
    gc.disable()


def resume() -> None:
    """Freeze what start-up made and start the collector again; nothing if it is running
    (so a process that never paused it, e.g. the tests, never freezes anything)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def release() -> None:
    """Let the collector see the objects frozen at start-up again (the window is replacing
    their session); nothing if none are frozen."""
    gc.unfreeze()
