"""CSV export: format, precision, encodings, injection, atomicity, CLI."""

import contextlib
import csv
import io
import os
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from explorer.core import export as export_mod
from explorer.core import export_sql
from explorer.core.database import DatabaseError, open_database
from explorer.core.export import (
    COLUMNS,
    ENCODINGS,
    ExportCancelled,
    ExportError,
    ExportSpec,
    neutralise,
    write_csv,
)
from explorer.core.files import target_problem
from explorer.core.filter_state import Filters
from explorer.core.store import EventStore
from explorer.core.synth import synthesise
from tests.modes import umask

REPO = Path(__file__).resolve().parents[2]


def _spec(**kw):
    return ExportSpec(filters=Filters(**kw))


def test_csv_reads_back_equal_to_filtered_events(store, tmp_path):
    f = Filters(zones=frozenset({"yangquan-hitech"}), years=(2019, 2024))
    out = tmp_path / "x.csv"
    n = write_csv(store, ExportSpec(filters=f), out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    df = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(df.columns) == list(COLUMNS)
    expected = store.records(np.flatnonzero(store.mask(f)))
    assert n == len(df) == len(expected)
    assert list(df["event_id"]) == [r.id for r in expected]
    assert list(df["date"]) == [r.date.iso() for r in expected]
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["title_zh"] for r in rows] == [r.title_zh for r in expected]


def test_dates_keep_precision(store, tmp_path):
    out = tmp_path / "all.csv"
    write_csv(store, ExportSpec(), out)
    df = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    by_prec = df.groupby("date_precision")["date"].apply(lambda s: {len(x) for x in s}).to_dict()
    assert by_prec["year"] == {4} and by_prec["month"] == {7} and by_prec["day"] == {10}
    founded = df[df["date"] == "1924"]
    assert len(founded) >= 1 and "-01-01" not in "".join(df["date"])
    assert (df["sources"].str.contains("¶")).all()
    assert df["conflict_group"].str.len().gt(0).sum() >= 6


@pytest.mark.parametrize("enc", ["utf-8", "gb18030"])
def test_other_encodings(store, tmp_path, enc):
    out = tmp_path / f"{enc}.csv"
    write_csv(store, _spec(text="阀门"), out, encoding=enc)
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "阀门" in raw.decode(enc)


@pytest.mark.parametrize("cell", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
def test_formula_injection_neutralised(cell):
    assert neutralise(cell) == "'" + cell
    assert neutralise("阀门=1") == "阀门=1"


# Hostile text in a copy of the real data: formula starts, separators, quotes, line breaks,
# odd figure values, several figures and citations stored out of order.
EVIL_SQL = """
PRAGMA foreign_keys=OFF;
UPDATE events SET title_zh='=1+1' WHERE seq=5;
UPDATE events SET title_en='+SUM(A1)' WHERE seq=6;
UPDATE events SET summary_zh='-2+3' WHERE seq=7;
UPDATE events SET summary_en='@cmd' WHERE seq=8;
UPDATE events SET title_zh=char(9)||'tab' WHERE seq=9;
UPDATE events SET title_en=char(13)||'cr'||char(10)||'lf' WHERE seq=10;
UPDATE events SET summary_zh='第一行'||char(10)||'第二行, "引号"' WHERE seq=11;
UPDATE events SET summary_en='a,b' WHERE seq=12;
UPDATE events SET summary_en='', title_en='' WHERE seq=13;
UPDATE events SET title_zh=' =space first', summary_zh='''quote first' WHERE seq=14;
UPDATE events SET title_zh='emoji 😀 ＝全角', summary_en='"=quoted"' WHERE seq=15;
UPDATE events SET title_en=char(13) WHERE seq=16;
UPDATE events SET title_en='=a,"b"'||char(10) WHERE seq=17;
UPDATE figures SET event_id='-dash-id' WHERE event_id=(SELECT id FROM events WHERE seq=25);
UPDATE citations SET event_id='-dash-id' WHERE event_id=(SELECT id FROM events WHERE seq=25);
UPDATE event_storylines SET event_id='-dash-id' WHERE event_id=(SELECT id FROM events WHERE seq=25);
UPDATE events SET id='-dash-id' WHERE seq=25;
UPDATE zones SET name_en='=evil zone' WHERE id=(SELECT zone_id FROM events WHERE seq=0);
UPDATE zones SET name_zh='' WHERE id=(SELECT zone_id FROM events WHERE seq=30);
UPDATE zones SET name_zh='阳泉,"市"' WHERE kind='prefecture-city';
UPDATE categories SET zh='', en='-minus cat' WHERE id=(SELECT category_id FROM events WHERE seq=1);
UPDATE storylines SET zh='@故事', en='' WHERE id=(SELECT min(id) FROM storylines);
UPDATE storylines SET zh='', en='+plus story' WHERE id=(SELECT max(id) FROM storylines);
UPDATE articles SET outlet_zh='=南风窗, "x"', outlet_en='' WHERE id=(SELECT min(id) FROM articles);
UPDATE articles SET outlet_en='-Shanxi' WHERE id=(SELECT max(id) FROM articles);
INSERT INTO figures(event_id, seq, value, value_to, unit, label_zh, label_en) SELECT id, 9, 1e20, NULL, '亿,元', '=大数', 'big' FROM events WHERE seq=20;
INSERT INTO figures(event_id, seq, value, value_to, unit, label_zh, label_en) SELECT id, -1, 0.1+0.2, 0.0, '', '', 'third "q"' FROM events WHERE seq=20;
INSERT INTO figures(event_id, seq, value, value_to, unit, label_zh, label_en) SELECT id, 3, 1.0/3, 2.5, '%', '三', '' FROM events WHERE seq=20;
INSERT INTO figures(event_id, seq, value, value_to, unit, label_zh, label_en) SELECT id, 0, -5.5, -1e-7, 'm', '负', 'neg' FROM events WHERE seq=21;
INSERT INTO figures(event_id, seq, value, value_to, unit, label_zh, label_en) SELECT id, -1, 123456789012.5, 1e16, 'x', '-开头', '-start' FROM events WHERE seq=22;
INSERT INTO figures(event_id, seq, value, value_to, unit, label_zh, label_en) SELECT id, 1, 1.5e300, -0.0, 'y', 'huge', 'huge' FROM events WHERE seq=22;
INSERT INTO citations(event_id, seq, article_id, para, start, "end") SELECT id, -5, (SELECT min(id) FROM articles), 77, 0, 1 FROM events WHERE seq=20;
INSERT INTO citations(event_id, seq, article_id, para, start, "end") SELECT id, 50, (SELECT max(id) FROM articles), 3, 0, 1 FROM events WHERE seq=20;
UPDATE events SET conflict_id='-conf' WHERE seq=40;
UPDATE events SET summary_en=replace(hex(zeroblob(1500)), '00', '长, ') WHERE seq=50;
"""


@pytest.fixture(scope="module")
def evil_store(db_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("evil") / "evil.sqlite"
    shutil.copy(db_path, path)
    con = sqlite3.connect(path)
    con.executescript(EVIL_SQL)
    con.close()
    return EventStore(open_database(path))


@pytest.fixture(scope="module")
def synth_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "synth.sqlite"
    synthesise(1500, path, seed=3)
    return EventStore(open_database(path))


def _read(path, enc="utf-8-sig"):
    with open(path, encoding=enc, newline="") as fh:
        return list(csv.DictReader(fh))


def _generic_bytes(store, spec, path, monkeypatch, enc="utf-8-sig"):
    """The export written through :func:`iter_rows` (the generic path), as bytes."""
    with monkeypatch.context() as m:
        m.setattr(export_sql, "supported", lambda _store: False)
        write_csv(store, spec, path, encoding=enc)
    return path.read_bytes()


def test_hostile_text_is_neutralised_and_quoted(evil_store, tmp_path):
    out = tmp_path / "e.csv"
    n = write_csv(evil_store, ExportSpec(), out)
    rows = _read(out)
    assert n == len(rows) == evil_store.n  # line breaks inside cells do not split rows
    assert rows[5]["title_zh"] == "'=1+1" and rows[6]["title_en"] == "'+SUM(A1)"
    assert rows[7]["summary_zh"] == "'-2+3" and rows[8]["summary_en"] == "'@cmd"
    assert rows[9]["title_zh"] == "'\ttab" and rows[10]["title_en"] == "'\rcr\nlf"
    assert rows[11]["summary_zh"] == '第一行\n第二行, "引号"' and rows[12]["summary_en"] == "a,b"
    assert rows[14]["title_zh"] == " =space first" and rows[14]["summary_zh"] == "'quote first"
    assert rows[15]["title_zh"] == "emoji 😀 ＝全角" and rows[15]["summary_en"] == '"=quoted"'
    assert rows[17]["title_en"] == "'=a,\"b\"\n"
    assert rows[25]["event_id"] == "'-dash-id" and rows[40]["conflict_group"] == "'-conf"
    assert rows[50]["summary_en"] == "长, " * 1500  # a line far longer than export_sql.PAD
    assert rows[0]["zone_en"] == "'=evil zone"
    assert all(r["city_zh"] in ("", '阳泉,"市"') for r in rows)
    assert any(r["sources"].startswith("'=南风窗, \"x\", ") for r in rows)
    raw = out.read_bytes()
    assert b'"\'=a,""b""\n"' in raw and b"\r\n" in raw


def test_several_figures_and_sources_in_order(evil_store, tmp_path):
    out = tmp_path / "f.csv"
    write_csv(evil_store, ExportSpec(scope="selection", rows=(20, 21, 22)), out)
    rows = _read(out)
    for r, row in zip(rows, (20, 21, 22), strict=True):
        d = evil_store.detail(row)
        figs = "; ".join(f"{f.label('zh')} {f.value_text()}" for f in d.figures)
        srcs = " | ".join(f"{s.outlet_zh}, {evil_store.articles[s.article_id].published}, {s.article_id}, ¶{s.para}"
                          for s in d.sources)
        assert r["figures"] == neutralise(figs) and r["sources"] == neutralise(srcs)
    assert rows[0]["figures"].startswith('third "q" 0.3; ')  # a value_to of 0 is no range
    assert "; 三 0.3333333333–2.5%; =大数 100000000000000000000亿,元" in rows[0]["figures"]
    assert " | " in rows[0]["sources"] and rows[0]["sources"].startswith("'=南风窗")
    assert "负 -5.5–-1e-07m" in rows[1]["figures"]
    assert rows[2]["figures"].startswith("'-开头 1.23456789e+11–10000000000000000x")
    assert f"; huge {int(1.5e300)}y" in rows[2]["figures"]  # written in full, as the detail pane does


@pytest.mark.parametrize("spec", [
    ExportSpec(),
    ExportSpec(lang="en", lane_mode="category"),
    ExportSpec(lane_mode="storyline"),
    ExportSpec(scope="lanes", lane_mode="storyline", lanes=("storyline:", "storyline:nope", "storyline:sanhua-sanzhi")),
    ExportSpec(scope="lanes", lane_mode="zone", lanes=("zone:yangquan-hitech", "zone:yangquan-valve"), lang="en"),
    ExportSpec(scope="selection", rows=(150, 3, 77, 5, 5, 10**9, -1, 0, 11), lane_mode="storyline", lang="en"),
    ExportSpec(filters=Filters(text="阀门")),
])
@pytest.mark.parametrize("enc", ENCODINGS)
def test_sql_path_writes_the_bytes_of_the_generic_path(evil_store, tmp_path, monkeypatch, spec, enc):
    monkeypatch.setattr(export_mod, "BATCH", 7)  # many chunks: both workers, chunk seams
    out = tmp_path / "fast.csv"
    write_csv(evil_store, spec, out, encoding=enc)
    assert out.read_bytes() == _generic_bytes(evil_store, spec, tmp_path / "slow.csv", monkeypatch, enc)


@pytest.mark.parametrize("spec", [
    ExportSpec(lane_mode="category", lang="en"),
    ExportSpec(scope="lanes", lane_mode="storyline", lanes=("storyline:", "storyline:yangquan-valve")),
    ExportSpec(filters=Filters(years=(1950, 2000))),
])
def test_synthetic_export_matches_generic_path(synth_store, tmp_path, monkeypatch, spec):
    monkeypatch.setattr(export_mod, "BATCH", 200)
    out = tmp_path / "fast.csv"
    n = write_csv(synth_store, spec, out)
    assert n > 200
    assert out.read_bytes() == _generic_bytes(synth_store, spec, tmp_path / "slow.csv", monkeypatch)


def test_selection_scope_with_scattered_rows(evil_store, tmp_path):
    out = tmp_path / "s.csv"
    n = write_csv(evil_store, ExportSpec(scope="selection", rows=(150, 3, 77, 5, 5, 10**9, -1, 0)), out)
    rows = _read(out)
    assert n == len(rows) == 5
    assert [r["event_id"] for r in rows] == [neutralise(evil_store.record(i).id) for i in (0, 3, 5, 77, 150)]


def _generic_body(store, groups):
    """The body :func:`iter_rows` gives for ``groups``, as text."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(
        [neutralise(c) for c in row] for row in export_mod.iter_rows(store, groups, "zh"))
    return buf.getvalue()


def test_rows_in_any_order_keep_their_order(evil_store):
    groups = [("", np.array([30, 2, 17, 16, 1])), ("category:founding", np.array([4, 5, 6, 9]))]
    body = b"".join(data for _, data in export_sql.stream(evil_store, groups, "zh", "utf-8", 3))
    assert body.decode("utf-8") == _generic_body(evil_store, groups)


def test_only_a_chunk_with_line_breaks_in_cells_is_built_again(evil_store, monkeypatch):
    runs = []
    fetch = export_sql._fetch

    def counted(conn, sql, params):
        runs.append(params["lo"])
        return fetch(conn, sql, params)

    monkeypatch.setattr(export_sql, "_fetch", counted)
    groups = [("", np.arange(9, 15))]  # rows 10 and 11 hold line breaks, 12 to 14 none
    body = b"".join(data for _, data in export_sql.stream(evil_store, groups, "zh", "utf-8", 3))
    assert sorted(runs) == [9, 9, 12]
    assert body.decode("utf-8") == _generic_body(evil_store, groups)


def test_failure_mid_write_leaves_existing_file_untouched(store, tmp_path, monkeypatch):
    out = tmp_path / "keep.csv"
    out.write_text("precious", encoding="utf-8")
    real_fdopen = os.fdopen

    class DiskFull(io.BufferedWriter):
        writes = 0

        def write(self, data):
            DiskFull.writes += 1
            if DiskFull.writes == 3:
                raise OSError(28, "No space left on device")
            return super().write(data)

    def fdopen(fd, mode, **kw):
        return DiskFull(real_fdopen(fd, mode, buffering=0))

    monkeypatch.setattr(export_mod.os, "fdopen", fdopen)
    monkeypatch.setattr(export_mod, "BATCH", 10)
    with pytest.raises(ExportError) as info:
        write_csv(store, ExportSpec(), out)
    assert info.value.kind == "write-failed"
    assert "No space left on device" in str(info.value) and "keep.csv" in str(info.value)
    assert out.read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.csv"]
    assert not [t for t in threading.enumerate() if t.name.startswith("csv-export")]


@pytest.mark.parametrize("fallocate", ["works", "refused", "missing"])
def test_disk_space_reserved_ahead_is_cut_to_the_written_length(store, tmp_path, monkeypatch, fallocate):
    monkeypatch.setattr(export_mod, "BATCH", 20)
    monkeypatch.setattr(export_mod, "RESERVE", 1000)
    real = export_mod._FALLOCATE
    if fallocate == "works" and real is None:
        pytest.skip("no fallocate on this platform")
    monkeypatch.setattr(export_mod, "_FALLOCATE", None)
    write_csv(store, ExportSpec(), tmp_path / "plain.csv")
    calls = []

    def reserve(fd, mode, offset, size):
        calls.append((offset, size))
        return real(fd, mode, offset, size) if fallocate == "works" else -1

    monkeypatch.setattr(export_mod, "_FALLOCATE", None if fallocate == "missing" else reserve)
    write_csv(store, ExportSpec(), tmp_path / "reserved.csv")
    assert (tmp_path / "reserved.csv").read_bytes() == (tmp_path / "plain.csv").read_bytes()
    if fallocate == "works":  # reserved in steps, each where the last ended
        assert len(calls) > 2 and all(a + n == b for (a, n), (b, _) in zip(calls, calls[1:], strict=False))
    else:  # a refusal stops reserving
        assert len(calls) == (1 if fallocate == "refused" else 0)


def test_cancel_leaves_nothing(store, tmp_path, monkeypatch):
    monkeypatch.setattr(export_mod, "BATCH", 5)
    cancel = threading.Event()
    seen = []

    def progress(done, total):
        seen.append(done)
        cancel.set()

    with pytest.raises(ExportCancelled):
        write_csv(store, ExportSpec(), tmp_path / "c.csv", progress=progress, cancel=cancel)
    assert list(tmp_path.iterdir()) == [] and seen
    assert seen[0] < store.n  # stopped mid-way, not after the last chunk


def test_cancel_in_a_large_export_stops_the_workers(synth_store, tmp_path, monkeypatch):
    monkeypatch.setattr(export_mod, "BATCH", 50)
    cancel = threading.Event()
    seen = []

    def progress(done, total):
        seen.append((done, total))
        if done >= 200:
            cancel.set()

    with pytest.raises(ExportCancelled):
        write_csv(synth_store, ExportSpec(lane_mode="storyline"), tmp_path / "c.csv", progress=progress, cancel=cancel)
    assert list(tmp_path.iterdir()) == []
    done, total = seen[-1]
    assert 200 <= done < 250 < total  # one chunk (at most 50 rows) after the cancel
    assert not [t for t in threading.enumerate() if t.name.startswith("csv-export")]
    # The pooled connections went back as they were: text comes back as str, not bytes.
    assert isinstance(synth_store.record(7).title_zh, str) and synth_store.detail(3).record.row == 3


def test_unwritable_targets_have_clear_messages(store, tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        write_csv(store, ExportSpec(), tmp_path / "nope" / "x.csv")
    with pytest.raises(ExportError, match="is a folder"):
        write_csv(store, ExportSpec(), tmp_path)
    if os.geteuid() != 0:  # root ignores permissions
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        with pytest.raises(ExportError, match="cannot write"):
            write_csv(store, ExportSpec(), ro / "x.csv")


def test_lane_scope_and_timeline_column(store, tmp_path):
    spec = ExportSpec(scope="lanes", lane_mode="storyline", lanes=("storyline:yangquan-valve", "storyline:sanhua-sanzhi"))
    out = tmp_path / "l.csv"
    n = write_csv(store, spec, out)
    df = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert n == len(df) > 0
    assert set(df["timeline"]) == {"阳泉阀门", "三化三制"}
    expected = int(store.storyline_mask(["yangquan-valve"]).sum() + store.storyline_mask(["sanhua-sanzhi"]).sum())
    assert n == expected


def test_selection_scope(store, tmp_path):
    out = tmp_path / "s.csv"
    n = write_csv(store, ExportSpec(scope="selection", rows=(0, 3, 5)), out)
    df = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert n == 3 and list(df["event_id"]) == [store.record(r).id for r in (0, 3, 5)]


def _cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, cwd=REPO, **kw)


def test_cli_export_matches_library(db_path, store, tmp_path):
    out = tmp_path / "cli.csv"
    r = _cli("export", "--db", str(db_path), "--zone", "阳泉经济开发区", "--from", "2019", "--to", "2024", "-o", str(out))
    assert r.returncode == 0, r.stderr.decode()
    lib = tmp_path / "lib.csv"
    write_csv(store, ExportSpec(filters=Filters(zones=frozenset({"yangquan-hitech"}), years=(2019, 2024))), lib)
    assert out.read_bytes() == lib.read_bytes()


def test_cli_export_all_to_stdout(db_path, store):
    r = _cli("--db", str(db_path), "export", "--all", "--encoding", "utf-8", "-o", "-")
    assert r.returncode == 0
    rows = list(csv.reader(io.StringIO(r.stdout.decode("utf-8"), newline="")))
    assert rows[0] == list(COLUMNS) and len(rows) == store.n + 1


def test_cli_unknown_zone_lists_closest_and_writes_nothing(db_path, tmp_path):
    out = tmp_path / "never.csv"
    r = _cli("export", "--db", str(db_path), "--zone", "阳泉高新", "-o", str(out))
    assert r.returncode == 2
    err = r.stderr.decode()
    assert "unknown zone '阳泉高新'" in err and "阳泉高新区 (yangquan-hitech)" in err
    assert not out.exists()
    # Each zone once, by its closest name and its id (陽泉高新區, the same zone, came again).
    closest = err.split("closest: ")[1].strip().split(", ")
    ids = [re.search(r"\(([^)]+)\)$", c)[1] for c in closest]
    assert closest[0] == "阳泉高新区 (yangquan-hitech)" and len(ids) == len(set(ids)) == 5


def test_cli_unwritable_path_exit_1(db_path, tmp_path):
    r = _cli("export", "--db", str(db_path), "--all", "-o", str(tmp_path / "no" / "x.csv"))
    assert r.returncode == 1 and b"does not exist" in r.stderr and b"Traceback" not in r.stderr


def test_an_sqlite_without_materialized_ctes_exports_through_the_generic_path(store, tmp_path, monkeypatch):
    # SQLite before 3.35 has the JSON functions but not "AS MATERIALIZED": the fast path's
    # queries would fail there, so the probe must send such a database the generic way.
    assert export_sql.supported(store)
    real = store.db.reading

    class OldSqlite:
        def __init__(self, conn):
            self._conn = conn

        def execute(self, sql, *args):
            if "MATERIALIZED" in sql:
                raise sqlite3.OperationalError('near "MATERIALIZED": syntax error')
            return self._conn.execute(sql, *args)

    @contextlib.contextmanager
    def reading():
        with real() as conn:
            yield OldSqlite(conn)

    monkeypatch.setattr(store.db, "reading", reading)
    assert not export_sql.supported(store)
    out = tmp_path / "old.csv"
    write_csv(store, ExportSpec(), out)
    monkeypatch.undo()
    assert out.read_bytes() == _generic_bytes(store, ExportSpec(), tmp_path / "generic.csv", monkeypatch)


def test_a_file_where_the_folder_should_be_is_named(store, tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(ExportError) as info:
        write_csv(store, ExportSpec(), tmp_path / "file" / "out.csv")
    assert str(info.value) == f"{tmp_path / 'file' / 'out.csv'}: {tmp_path / 'file'} is not a folder"
    with pytest.raises(ExportError, match="is not a folder"):
        write_csv(store, ExportSpec(), tmp_path / "file" / "deeper" / "out.csv")


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_new_file_has_the_umask_mode_and_a_replaced_file_keeps_its_mode(store, tmp_path):
    new = tmp_path / "new.csv"
    with umask(0o027):
        write_csv(store, ExportSpec(), new)
    assert new.stat().st_mode & 0o777 == 0o640  # 0o666 less the umask, not mkstemp's 0o600
    kept = tmp_path / "kept.csv"
    kept.write_text("old", encoding="utf-8")
    kept.chmod(0o644)
    with umask(0o077):
        write_csv(store, ExportSpec(), kept)
    assert kept.stat().st_mode & 0o777 == 0o644 and kept.read_bytes() != b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.csv", "new.csv"]


def _damage_events(path):
    """Overwrite every leaf page of the events table (found with SQLite's dbstat) with a
    fixed pattern that is no page type: what a bad disk does to a file that still opens."""
    con = sqlite3.connect(path)
    try:
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        pages = [r[0] for r in con.execute("SELECT pageno FROM dbstat WHERE name = 'events' AND pagetype = 'leaf'")]
    except sqlite3.OperationalError:
        pytest.skip("this SQLite has no dbstat table")
    finally:
        con.close()
    assert pages
    with open(path, "r+b") as fh:
        for n in pages:
            fh.seek((n - 1) * page_size)
            fh.write(b"\xa5" * page_size)


@pytest.mark.parametrize("path", ["sql", "generic"])
def test_a_database_found_damaged_while_exporting_is_a_database_error(db_path, tmp_path, monkeypatch, path):
    damaged = tmp_path / "damaged.sqlite"
    shutil.copyfile(db_path, damaged)
    _damage_events(damaged)
    store = EventStore(open_database(damaged))  # opens: the damage shows only when the events are read
    if path == "generic":
        monkeypatch.setattr(export_sql, "supported", lambda store: False)
    out = tmp_path / "out.csv"
    out.write_text("precious", encoding="utf-8")
    with pytest.raises(DatabaseError) as info:
        write_csv(store, ExportSpec(), out)
    assert info.value.kind == "damaged" and info.value.path == str(damaged)
    assert "damaged" in info.value.reason and "malformed" in info.value.reason
    assert out.read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["damaged.sqlite", "out.csv"]  # no temporary file
    assert not [t for t in threading.enumerate() if t.name.startswith("csv-export")]


def test_a_name_too_long_is_an_export_error_with_the_reason(store, tmp_path):
    with pytest.raises(ExportError, match=r"cannot write in .*\(File name too long\)") as info:
        write_csv(store, ExportSpec(), tmp_path / ("x" * 300 + ".csv"))
    assert info.value.kind == "unwritable" and list(tmp_path.iterdir()) == []


def test_a_file_in_the_way_is_its_own_kind_of_problem(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert target_problem(tmp_path / "file" / "out.csv") == ("not-folder", f"{tmp_path / 'file'} is not a folder")
    assert target_problem(tmp_path / "none" / "out.csv") == ("no-folder", f"folder {tmp_path / 'none'} does not exist")
    assert target_problem(tmp_path) == ("is-folder", "is a folder; choose a file name")
    assert target_problem(tmp_path / "out.csv") is None


def test_a_device_or_pipe_is_not_replaced_by_the_export(store, tmp_path):
    # Moved into place, the finished file would replace the pipe (or /dev/null itself).
    assert target_problem(Path(os.devnull)) == ("not-file", "is a device or pipe, not a file; choose a file name")
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    with pytest.raises(ExportError, match="is a device or pipe") as info:
        write_csv(store, ExportSpec(), pipe)
    assert info.value.kind == "not-file"
    assert stat.S_ISFIFO(os.stat(pipe).st_mode) and [p.name for p in tmp_path.iterdir()] == ["pipe.csv"]


def test_the_database_being_exported_is_not_overwritten(db_path, tmp_path):
    copy = tmp_path / "events.sqlite"
    shutil.copyfile(db_path, copy)
    before = copy.read_bytes()
    store = EventStore(open_database(copy))
    for target in (copy, tmp_path / "." / "events.sqlite"):
        with pytest.raises(ExportError, match="is the database being exported") as info:
            write_csv(store, ExportSpec(), target)
        assert info.value.kind == "is-database"
    assert copy.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["events.sqlite"]


def test_an_export_through_a_link_writes_the_file_it_leads_to(store, tmp_path):
    real = tmp_path / "real.csv"
    link = tmp_path / "link.csv"
    link.symlink_to(real)  # not there yet: the export makes it
    n = write_csv(store, ExportSpec(), link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert len(real.read_text(encoding="utf-8-sig").splitlines()) == n + 1


def test_a_signal_to_end_removes_the_half_written_export(store, tmp_path, monkeypatch):
    # What ``kill`` or ``timeout`` sends: the command ends as Ctrl+C does, through the clean-up.
    from explorer.cli import ending_as_interrupted

    monkeypatch.setattr(export_mod, "BATCH", 5)
    signals = iter([signal.SIGTERM])

    def progress(done, total):
        sig = next(signals, None)
        if sig is not None:
            os.kill(os.getpid(), sig)

    with ending_as_interrupted(), pytest.raises(SystemExit) as info:
        write_csv(store, ExportSpec(), tmp_path / "x.csv", progress=progress)
    assert info.value.code == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # as it was


def test_a_write_protected_file_is_not_replaced(store, tmp_path, curated_dir, monkeypatch):
    # As a shell's > refuses: the export replaced a file its owner had made read-only
    # (mode 444), taking it over.  Root may write anything, so the refusal is simulated.
    from explorer.core.build import build_database
    from explorer.core.export import ExportError

    kept = tmp_path / "kept.csv"
    kept.write_text("mine", encoding="utf-8")
    kept.chmod(0o444)
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, *a, **k: False if Path(p) == kept and mode & os.W_OK
                        else real(p, mode, *a, **k))
    with pytest.raises(ExportError) as err:
        write_csv(store, ExportSpec(), kept)
    assert err.value.kind == "read-only" and "write-protected" in str(err.value)
    with pytest.raises(PermissionError, match="write-protected"):
        build_database(curated_dir, kept)
    assert kept.read_text(encoding="utf-8") == "mine"
