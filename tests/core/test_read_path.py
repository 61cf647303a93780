"""The read path: plain sqlite3 (no SQLAlchemy or pandas imported), names matching the
schema, read-only connections, one connection per thread, SQLAlchemy only on demand."""

import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
from functools import partial

import numpy as np
import pytest

from explorer.core import database, tables
from explorer.core import store as store_module
from explorer.core.database import DatabaseError, open_database
from explorer.core.filter_state import Filters
from explorer.core.store import Article, Conflict, EventStore

READ_EVERYTHING = textwrap.dedent("""
    import sys

    from explorer.core import search
    from explorer.core.database import open_database
    from explorer.core.export import ExportSpec, write_csv
    from explorer.core.filter_state import Filters
    from explorer.core.session import Session
    from explorer.core.store import EventStore

    store = EventStore(open_database(sys.argv[1]))
    session = Session(store)
    recs = store.records(range(store.n))
    assert len(recs) == store.n
    store._cache.clear()
    assert [r.row for r in store.records([store.n - 1, 0, store.n // 2])] == [store.n - 1, 0, store.n // 2]
    detail = store.detail(recs[0].row)
    assert detail.record.id == recs[0].id and detail.sources
    assert store.row_of(recs[-1].id) == recs[-1].row
    store.sources_for(range(store.n))
    store.figures_for(range(store.n))
    # Every way a text filter is answered: postings alone, rows' text read, the FTS5 index.
    for cost in (search.CONFIRM_COST, 0, 10**9):
        search.CONFIRM_COST = cost
        for query in ("阀", "高新", "阳泉高新", "阀门公司", "valve", "阳泉 高新 2019"):
            store._text_cache = None
            store.mask(Filters(text=query))
    session.state.set(Filters(text="阀门", years=(2000, 2030)))
    session.zone_counts()
    write_csv(store, ExportSpec(), sys.argv[2])
    loaded = sorted(m for m in ("sqlalchemy", "pandas") if m in sys.modules)
    print("imported:", loaded)
    sys.exit(1 if loaded else 0)
""")


def test_opening_and_reading_import_neither_sqlalchemy_nor_pandas(db_path, tmp_path):
    """What the app does from start-up to a filtered table, a detail pane and an export
    runs on sqlite3 alone (SQLAlchemy's import costs ~0.4 s)."""
    out = subprocess.run([sys.executable, "-c", READ_EVERYTHING, str(db_path), str(tmp_path / "all.csv")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "imported: []" in out.stdout
    assert (tmp_path / "all.csv").stat().st_size > 1000


def test_rows_read_with_plain_sql_equal_the_orm_objects(store):
    """Articles, conflicts and zones as the store reads them hold what SQLAlchemy loads
    through the models."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session as OrmSession

    from explorer.core.schema import ArticleRow, ConflictRow, ZoneRow

    assert Article._fields == tables.TABLES["articles"] and Conflict._fields == tables.TABLES["conflicts"]
    assert set(store_module._RECORD_COLUMNS) <= set(tables.TABLES["events"])
    with OrmSession(store.db.engine) as orm:
        for model, rows in ((ArticleRow, store.articles), (ConflictRow, store.conflicts)):
            loaded = orm.execute(select(model)).scalars().all()
            assert list(rows) == [x.id for x in loaded]
            assert [tuple(r) for r in rows.values()] == [tuple(getattr(x, c) for c in r._fields)
                                                         for x, r in zip(loaded, rows.values(), strict=True)]
        zones = orm.execute(select(ZoneRow).order_by(ZoneRow.seq)).scalars().all()
    assert [(z.id, z.name_zh, z.kind, z.depth, z.lat, z.approximate) for z in store.zones] == [
        (z.id, z.name_zh, z.kind, z.depth, z.lat, z.approximate) for z in zones]
    assert all(type(z.approximate) is bool for z in store.zones)


def test_records_of_scattered_rows_in_small_statements(db_path, monkeypatch):
    """Rows read with IN (...) in several padded statements come back complete, in the
    order asked, as when read one by one."""
    monkeypatch.setattr(store_module, "in_lists", partial(database.in_lists, most=2))
    one_by_one = EventStore(open_database(db_path))
    s = EventStore(open_database(db_path), cache_size=3)
    rng = np.random.default_rng(4)
    for _ in range(5):
        rows = [int(r) for r in rng.choice(s.n, 12)] + [0, s.n - 1, 70, 140, 5, 5]
        s._cache.clear()
        got = s.records(rows)
        assert [r.row for r in got] == rows
        assert got == [one_by_one.record(r) for r in rows]
    sql = [q for q, _ in store_module.in_lists("x IN ", list(range(11)))]
    assert sql == ["x IN (?,?)"] * 5 + ["x IN (?)"]  # 11 rows: five pairs, then one


def test_in_lists_pad_to_a_power_of_two():
    assert list(database.in_lists("IN ", [3, 4, 5])) == [("IN (?,?,?,?)", [3, 4, 5, 5])]
    assert list(database.in_lists("IN ", [7])) == [("IN (?)", [7])]
    assert list(database.in_lists("IN ", range(5), most=3)) == [("IN (?,?,?,?)", [0, 1, 2, 2]), ("IN (?,?)", [3, 4])]
    assert list(database.in_lists("IN ", [])) == []


def test_reading_connections_are_read_only(db_path, tmp_path):
    path = tmp_path / "ro.sqlite"
    shutil.copy(db_path, path)
    before = path.read_bytes()
    db = open_database(path)
    store = EventStore(db)
    store.records(range(store.n))
    store.mask(Filters(text="阀门公司"))
    other = db.connect()
    with db.reading() as own:
        for conn in (own, other):
            assert conn.execute("PRAGMA query_only").fetchone() == (1,)
            with pytest.raises(sqlite3.OperationalError):
                conn.execute("CREATE TABLE x (y)")
            with pytest.raises(sqlite3.OperationalError):
                conn.execute("DELETE FROM events")
    other.close()
    db.close()
    assert path.read_bytes() == before


def test_odd_file_names_open(db_path, tmp_path):
    """The file name goes into a ``file:`` URI: characters that mean something there
    (``?``, ``#``, ``%``, spaces) and CJK names must still name the same file."""
    for name in ("a #1 ?mode=rw&x.sqlite", "100% 数据.sqlite", "%3F.sqlite"):
        path = tmp_path / name
        shutil.copy(db_path, path)
        store = EventStore(open_database(path))
        assert store.n > 0 and store.records([0])[0].row == 0
        store.db.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["a #1 ?mode=rw&x.sqlite", "100% 数据.sqlite", "%3F.sqlite"])


def test_other_threads_read_with_their_own_connections(db_path):
    """An export runs in a worker thread while the window keeps reading."""
    store = EventStore(open_database(db_path))
    queries = ("阀门", "高新区", "阳泉 高新", "阀门公司")
    expect = {q: store.mask(Filters(text=q)) for q in queries}
    recs = store.records(range(store.n))
    sources, figures = store.sources_for(range(store.n)), store.figures_for(range(store.n))
    errors, seen = [], []

    def work():
        try:
            for _ in range(5):
                for q in queries:
                    store._text_cache = None
                    assert np.array_equal(store.mask(Filters(text=q)), expect[q]), q
                assert [store.row_of(r.id) for r in recs[::9]] == [r.row for r in recs[::9]]
                assert store.sources_for(range(store.n)) == sources
                assert store.figures_for(range(store.n)) == figures
            with store.db.reading() as conn:
                seen.append(conn)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for _ in range(20):
        assert store.detail(recs[3].row).record == recs[3]
        assert np.array_equal(store.mask(Filters(text="高新区")), expect["高新区"])
    for t in threads:
        t.join()
    assert not errors, errors
    with store.db.reading() as own:
        assert all(c is not own for c in seen)
    with pytest.raises(sqlite3.ProgrammingError):  # closed when the thread's block ended
        seen[0].execute("SELECT 1")


def test_close_and_use_again(db_path):
    db = open_database(db_path)
    store = EventStore(db)
    with db.reading() as conn:
        first = conn
    db.close()
    with pytest.raises(sqlite3.ProgrammingError):
        first.execute("SELECT 1")
    assert store.records([1])[0].row == 1  # a new connection, made on demand
    db.close()


def test_engine_is_made_on_demand_read_only_and_disposed(db_path):
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    db = open_database(db_path)
    engine = db.engine
    assert db.engine is engine
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM events")).scalar() > 0
        assert conn.exec_driver_sql("PRAGMA query_only").scalar() == 1
        with pytest.raises(OperationalError):
            conn.exec_driver_sql("CREATE TABLE x (y)")
    db.close()
    assert db.engine is not engine  # disposed by close(); a new one on demand
    db.close()


def test_corrupt_file_is_refused_naming_the_file(tmp_path, db_path):
    data = db_path.read_bytes()
    page = int.from_bytes(data[16:18], "big")
    cases = {
        "page-two.sqlite": data[:page] + b"\x07" * page + data[2 * page :],  # sqlite_master's first child, or data
        "page-size.sqlite": data[:16] + b"\x00\x03" + data[18:],
        "header-only.sqlite": data[:100],
    }
    for name, blob in cases.items():
        (tmp_path / name).write_bytes(blob)
        with pytest.raises(DatabaseError) as info:
            EventStore(open_database(tmp_path / name))
        assert info.value.kind == "not-sqlite", name
        assert name in str(info.value) and "corrupt or unreadable SQLite file" in info.value.reason, info.value
