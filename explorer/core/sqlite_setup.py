"""Process-wide SQLite settings, made at the entry point before SQLite starts.

SQLite keeps memory statistics unless it is built without them, and its own guide to
compile-time options recommends building without them (``SQLITE_DEFAULT_MEMSTATUS=0``):
with them on, every allocation takes one mutex shared by the whole process.  Debian's
SQLite, the one Python uses here, keeps them on (and has no lookaside memory either), so
the CSV export's two worker threads (:mod:`explorer.core.export_sql`) waited for each other
at every string SQLite allocated: the export wrote ~90 MB/s with them and ~115 without.

They can only be switched off before SQLite starts (``sqlite3_config`` answers
``SQLITE_MISUSE`` after), and Python's ``sqlite3`` module starts it when it is imported: so
:func:`no_memory_statistics` runs first thing at the entry point.  What stops working without
them is nothing the app uses: ``sqlite3_memory_used``, ``sqlite3_memory_highwater``,
``sqlite3_status64`` and the soft and hard heap limits.
"""

from __future__ import annotations

import ctypes
import importlib.util
import sys

SQLITE_CONFIG_MEMSTATUS = 9  # sqlite3.h
SQLITE_OK = 0


def _library() -> ctypes.CDLL | None:
    """The SQLite library Python's ``sqlite3`` module uses, loaded without starting the module.

    Loading the ``_sqlite3`` extension's file loads the SQLite it links to (the system's,
    or the copy a packaged app carries beside it), and its symbols are looked up there.
    """
    spec = importlib.util.find_spec("_sqlite3")
    if spec is None or not spec.origin:
        return None
    try:
        return ctypes.CDLL(spec.origin)
    except OSError:
        return None


def no_memory_statistics() -> bool:
    """Switch SQLite's memory statistics off for this process; whether that took effect.

    Only on Linux (``sqlite3_config`` takes variable arguments, which ctypes passes
    correctly only where they travel as fixed ones do: not on Apple's arm64), and only
    before SQLite has started: otherwise nothing changes and the answer is False.
    """
    if not sys.platform.startswith("linux") or "_sqlite3" in sys.modules:
        return False
    lib = _library()
    config = getattr(lib, "sqlite3_config", None) if lib is not None else None
    if config is None:
        return False
    config.restype = ctypes.c_int
    return config(SQLITE_CONFIG_MEMSTATUS, ctypes.c_int(0)) == SQLITE_OK


def memory_statistics_on() -> bool | None:
    """Whether SQLite counts the memory it uses (None: cannot tell here).

    With statistics off, ``sqlite3_memory_used`` stays 0 even while a connection is open.
    """
    lib = _library()
    used = getattr(lib, "sqlite3_memory_used", None) if lib is not None else None
    if used is None:
        return None
    import sqlite3  # noqa: PLC0415 (only asked after start-up: starting SQLite here is fine)

    used.restype = ctypes.c_int64
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("SELECT 1").fetchall()
        return used() > 0
    finally:
        conn.close()
