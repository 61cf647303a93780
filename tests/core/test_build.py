"""Building the database: round trip, determinism, atomicity, and refusing bad files."""

import resource
import shutil
import signal
import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy import text

from explorer.core.build import BuildError, build_database, check_target
from explorer.core.curated import load_curated
from explorer.core.database import DatabaseError, open_database
from explorer.core.schema import SCHEMA_VERSION
from explorer.core.store import EventStore
from explorer.core.synth import synthesise


def _dump(path):
    con = sqlite3.connect(path)
    try:
        return [line for line in con.iterdump() if "sqlite_sequence" not in line]
    finally:
        con.close()


def test_round_trip_matches_curated(db_path, curated_dir):
    cur = load_curated(curated_dir)
    store = EventStore(open_database(db_path))
    assert store.n == len(cur.events)
    by_id = {e.id: e for e in cur.events}
    recs = store.records(range(store.n))
    for rec in recs:
        e = by_id[rec.id]
        assert rec.date == e.date and rec.date_end == e.date_end
        assert rec.title_zh == e.title_zh and rec.summary_en == e.summary_en
        assert store.zones[rec.zone].id == e.zone
        assert store.categories[rec.category].id == e.category
        assert (rec.conflict or "") == e.conflict
    # chronological row order
    assert all(store.t_start[i] <= store.t_start[i + 1] for i in range(store.n - 1))
    # precision survives storage: a year-only event is not 1 January
    founded = next(r for r in recs if r.date.iso() == "1924")
    assert founded.date.month is None
    d = store.detail(founded.row)
    assert d.sources and d.sources[0].article_id.startswith("000_")


def test_figures_and_multi_citations_round_trip(store, curated_dir):
    cur = load_curated(curated_dir)
    multi = [e for e in cur.events if len({c.article for c in e.citations}) > 1]
    assert multi, "one happening reported by several articles should be one event with several citations"
    e = multi[0]
    d = store.detail(store.row_of(e.id))
    assert [(s.article_id, s.para, s.start, s.end) for s in d.sources] == [
        (c.article, c.para, c.start, c.end) for c in e.citations
    ]
    fig_event = next(ev for ev in cur.events if ev.figures)
    d = store.detail(store.row_of(fig_event.id))
    assert [(f.value, f.unit) for f in d.figures] == [(f.value, f.unit) for f in fig_event.figures]


def test_build_is_deterministic(tmp_path, curated_dir):
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    build_database(curated_dir, a, None)
    build_database(curated_dir, b, None)
    assert _dump(a) == _dump(b)


def test_failed_build_leaves_existing_database_untouched(tmp_path, curated_dir):
    out = tmp_path / "events.sqlite"
    build_database(curated_dir, out, None)
    before = out.read_bytes()
    bad = tmp_path / "bad"
    shutil.copytree(curated_dir, bad, ignore=shutil.ignore_patterns("*.sqlite*"))
    (bad / "zones" / "broken.toml").write_text("[[zone]\n", encoding="utf-8")
    with pytest.raises(BuildError) as info:
        build_database(bad, out, None)
    assert any("broken.toml" in str(p) for p in info.value.problems)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "events.sqlite"]  # no temp file left


def test_schema_version_and_indexes(db_path):
    db = open_database(db_path)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT value FROM meta WHERE key='schema_version'")).scalar() == str(SCHEMA_VERSION)
        idx = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='index'"))}
    assert {"ix_events_zone_year", "ix_events_year"} <= idx


def test_not_sqlite_is_refused(tmp_path):
    p = tmp_path / "notes.sqlite"
    p.write_text("hello", encoding="utf-8")
    with pytest.raises(DatabaseError) as info:
        open_database(p)
    assert info.value.kind == "not-sqlite" and "notes.sqlite" in str(info.value)
    assert p.read_text(encoding="utf-8") == "hello"


def test_wrong_shape_and_wrong_version(tmp_path, db_path):
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError) as info:
        open_database(other)
    assert info.value.kind == "wrong-shape"
    old = tmp_path / "old.sqlite"
    shutil.copy(db_path, old)
    con = sqlite3.connect(old)
    con.execute("UPDATE meta SET value='0' WHERE key='schema_version'")
    con.commit()
    con.close()
    before = old.read_bytes()
    with pytest.raises(DatabaseError) as info:
        open_database(old)
    assert info.value.kind == "wrong-version" and "rebuild" in info.value.reason
    assert old.read_bytes() == before


@pytest.mark.parametrize(("statement", "found"), [
    ("UPDATE meta SET value = '0' WHERE key = 'schema_version'", "schema version 0"),
    ("DELETE FROM meta WHERE key = 'schema_version'", "no schema version"),
    ("UPDATE meta SET value = 'new' WHERE key = 'schema_version'", "a schema version that is not a number"),
])
def test_the_schema_version_found_is_said_as_it_is(tmp_path, db_path, statement, found):
    bad = tmp_path / "v.sqlite"
    shutil.copy(db_path, bad)
    con = sqlite3.connect(bad)
    con.execute(statement)
    con.commit()
    con.close()
    with pytest.raises(DatabaseError) as info:
        open_database(bad)
    assert info.value.reason.startswith(f"{found} but this app reads version {SCHEMA_VERSION}")


def test_truncated_database_is_refused(tmp_path, db_path):
    bad = tmp_path / "cut.sqlite"
    bad.write_bytes(db_path.read_bytes()[:4096])
    with pytest.raises(DatabaseError):
        EventStore(open_database(bad))


def test_missing_database(tmp_path):
    with pytest.raises(DatabaseError) as info:
        open_database(tmp_path / "none.sqlite")
    assert info.value.kind == "missing"


def test_an_article_file_that_is_not_utf8_fails_the_build_naming_it(tmp_path, curated_dir, corpus_not_utf8):
    corpus, bad = corpus_not_utf8
    out = tmp_path / "events.sqlite"
    out.write_bytes(b"old")
    with pytest.raises(BuildError) as info:
        build_database(curated_dir, out, corpus)
    assert any(str(bad) in str(p) and "not UTF-8" in str(p) for p in info.value.problems)
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "events.sqlite"]


def test_a_target_that_cannot_be_a_file_is_refused_before_the_build(tmp_path, curated_dir):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(NotADirectoryError) as info:
        build_database(curated_dir, tmp_path / "file" / "sub" / "e.sqlite", None)
    assert info.value.strerror == f"{tmp_path / 'file'} is not a folder"
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        build_database(curated_dir, tmp_path, None)
    check_target(tmp_path / "new" / "folders" / "e.sqlite")  # made when written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


@pytest.mark.parametrize("name", ["vocab.toml", "notes.txt", "README"])
def test_a_file_that_is_not_a_database_is_not_replaced(tmp_path, curated_dir, name):
    # `db build -o srcv/vocab.toml` turned a source file into a database, and `db synth -o
    # notes.txt` replaced the notes.
    target = tmp_path / name
    target.write_text("kept\n", encoding="utf-8")
    with pytest.raises(FileExistsError) as info:
        build_database(curated_dir, target, None)
    assert "that is not a database" in info.value.strerror
    with pytest.raises(FileExistsError):
        synthesise(3, target)
    assert target.read_text(encoding="utf-8") == "kept\n"
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize("content", [b"", b"damaged beyond reading", b"SQLite format 3\x00" + b"\x00" * 200])
def test_a_database_however_damaged_or_empty_is_replaced(tmp_path, content):
    # Rebuilding is the way out of a damaged database: its name, or its header, says what it is.
    for target in (tmp_path / "events.sqlite", tmp_path / "events.db", tmp_path / "named-oddly.bin"):
        if target.suffix == ".bin" and content and not content.startswith(b"SQLite"):
            continue  # (neither named nor made as a database: kept, as above)
        target.write_bytes(content)
        synthesise(3, target)
        assert EventStore(open_database(target)).n == 3


def test_a_build_that_runs_out_of_room_leaves_no_file_behind(tmp_path, curated_dir):
    # A disk filling up while SQLite writes: the unfinished database went, but its hidden
    # journal (140 kB) stayed. The file size limit stands in for the full disk.
    out = tmp_path / "out"
    out.mkdir()
    existing = out / "events.sqlite"
    existing.write_bytes(b"SQLite format 3\x00old")

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    run = subprocess.run([sys.executable, "-m", "explorer", "db", "build", "--source", str(curated_dir),
                          "--no-corpus", "-o", str(existing)], capture_output=True, text=True, preexec_fn=limited,
                         timeout=300, check=False)
    assert run.returncode != 0 and "could not be written" in run.stderr, run.stderr
    assert [p.name for p in out.iterdir()] == ["events.sqlite"]
    assert existing.read_bytes() == b"SQLite format 3\x00old"
