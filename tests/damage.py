"""Damaged copies of a built event database, made the same way every run, for the tests
of what the app does with one (see explorer.core.database.damaged)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest


def altered(src: Path, dst: Path, *statements: str) -> Path:
    """A copy of ``src`` with ``statements`` run on it (foreign keys not enforced: the
    copy is meant to be inconsistent)."""
    shutil.copy(src, dst)
    con = sqlite3.connect(dst)
    try:
        for sql in statements:
            con.execute(sql)
        con.commit()
    finally:
        con.close()
    return dst


def garbled(src: Path, dst: Path, table: str) -> Path:
    """A copy of ``src`` whose ``table`` has its leaf pages overwritten with bytes SQLite
    cannot read, the rest of the file as it was: it opens, and fails when the rows are read."""
    con = sqlite3.connect(src)
    try:
        (size,) = con.execute("PRAGMA page_size").fetchone()
        pages = [p for (p,) in con.execute("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf'",
                                           (table,))]
    except sqlite3.OperationalError as exc:
        pytest.skip(f"this SQLite has no dbstat table to find {table}'s pages ({exc})")
    finally:
        con.close()
    assert pages, f"{table} has no leaf pages"
    data = bytearray(src.read_bytes())
    for p in pages:
        data[(p - 1) * size : p * size] = b"\x0d\xff" * (size // 2)
    dst.write_bytes(bytes(data))
    return dst
