"""SQLite's memory statistics (explorer.core.sqlite_setup): switched off by the entry point,
before SQLite starts, and left alone once it has.

Each check runs in its own interpreter: the setting is the whole process's, and this one
started SQLite long ago.
"""

import sys

import pytest

from tests.core import run_python

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the setting is made on Linux only")


def _python(code: str) -> list[str]:
    return run_python(code).split()


@pytest.fixture(scope="module")
def on_by_default() -> None:
    (on,) = _python("""
        from explorer.core import sqlite_setup
        print(sqlite_setup.memory_statistics_on())
    """)
    if on != "True":
        pytest.skip(f"this SQLite keeps no memory statistics to switch off (memory_statistics_on: {on})")


def test_switched_off_before_sqlite_starts(on_by_default):
    out = _python("""
        from explorer.core import sqlite_setup
        done = sqlite_setup.no_memory_statistics()
        import sqlite3
        conn = sqlite3.connect(":memory:")
        conn.execute("CREATE TABLE t(x)")
        conn.executemany("INSERT INTO t VALUES (?)", [("x" * 200,)] * 500)  # allocates
        print(done, sqlite_setup.memory_statistics_on(), conn.execute("SELECT count(*) FROM t").fetchone()[0])
    """)
    assert out == ["True", "False", "500"]


def test_left_alone_once_sqlite_has_started(on_by_default):
    out = _python("""
        import sqlite3
        from explorer.core import sqlite_setup
        print(sqlite_setup.no_memory_statistics(), sqlite_setup.memory_statistics_on())
    """)
    assert out == ["False", "True"]


def test_the_entry_point_switches_them_off(on_by_default):
    out = _python("""
        import sys
        from explorer.__main__ import main
        sys.argv = ["zone-timeline", "--version"]
        try:
            main()
        except SystemExit:
            pass
        from explorer.core import sqlite_setup
        print(sqlite_setup.memory_statistics_on())
    """)
    assert out[-1] == "False"
