"""CSV export: format, precision, encodings, injection, atomicity, CLI."""

import csv
import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from explorer.core import export as export_mod
from explorer.core.export import COLUMNS, ExportCancelled, ExportError, ExportSpec, neutralise, write_csv
from explorer.core.filter_state import Filters

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


def test_injection_in_data_is_neutralised_in_file(store, tmp_path, monkeypatch):
    real = export_mod.iter_rows

    def evil(*a, **k):
        for row in real(*a, **k):
            row[12] = "=HYPERLINK(\"http://x\")"
            yield row

    monkeypatch.setattr(export_mod, "iter_rows", evil)
    out = tmp_path / "e.csv"
    write_csv(store, _spec(text="阀门"), out)
    df = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert all(v.startswith("'=") for v in df["title_zh"])


def test_multiline_text_is_quoted(store, tmp_path, monkeypatch):
    real = export_mod.iter_rows

    def multi(*a, **k):
        for row in real(*a, **k):
            row[14] = "第一行\n第二行, \"引号\""
            yield row

    monkeypatch.setattr(export_mod, "iter_rows", multi)
    out = tmp_path / "m.csv"
    n = write_csv(store, _spec(text="阀门"), out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == n and rows[0]["summary_zh"] == "第一行\n第二行, \"引号\""


def test_failure_mid_write_leaves_existing_file_untouched(store, tmp_path, monkeypatch):
    out = tmp_path / "keep.csv"
    out.write_text("precious", encoding="utf-8")
    real = export_mod.iter_rows

    def boom(*a, **k):
        for i, row in enumerate(real(*a, **k)):
            if i == 3:
                raise OSError(28, "No space left on device")
            yield row

    monkeypatch.setattr(export_mod, "iter_rows", boom)
    monkeypatch.setattr(export_mod, "BATCH", 2)
    with pytest.raises(ExportError) as info:
        write_csv(store, ExportSpec(), out)
    assert "No space left on device" in str(info.value) and "keep.csv" in str(info.value)
    assert out.read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.csv"]


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
    assert "unknown zone '阳泉高新'" in err and "阳泉高新区" in err
    assert not out.exists()


def test_cli_unwritable_path_exit_1(db_path, tmp_path):
    r = _cli("export", "--db", str(db_path), "--all", "-o", str(tmp_path / "no" / "x.csv"))
    assert r.returncode == 1 and b"does not exist" in r.stderr and b"Traceback" not in r.stderr
