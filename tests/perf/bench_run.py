#!/usr/bin/env python3
"""One benchmark run on one database, in a fresh process; prints one JSON line.

Called by ``bench.py``.  Each measurement ends when Qt has processed the resulting
paint events, so it is what the user waits for, not just the model update.

First paint is a cold start, as a user launches the app: the real entry point
(``python -m explorer --db DB``, empty settings) from process launch to the end of the
main window's first paint; the floor is the same for a bare window holding an empty
pyqtgraph PlotWidget (``floor_window.py``).  Each is the median of ``COLD_RUNS`` launches,
after one untimed launch of each, with Python allowed to cache bytecode as an installed app
has it (``PYTHONDONTWRITEBYTECODE`` would time compiling the app's sources at every launch).
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Measure the checkout this script belongs to, even when the environment's installed
# (editable) copy of the app is another one: e.g. a second worktree sharing the venv,
# timed against this one.  The cold starts (``-m explorer``, run from the checkout) do too.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QEvent, QObject, QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from explorer import collector  # noqa: E402
from explorer.core import sqlite_setup  # noqa: E402

sqlite_setup.no_memory_statistics()  # as the app's entry point does, before SQLite starts

from explorer.core.export import ExportSpec, write_csv  # noqa: E402
from explorer.core.filter_state import Filters  # noqa: E402
from explorer.gui.application import create_app  # noqa: E402
from explorer.gui.main_window import DEFAULT_SIZE, MainWindow  # noqa: E402

COLD_RUNS = 5
HERE = Path(__file__).resolve().parent


def cold_start(cmd: list[str], env: dict) -> float:
    """Seconds from launching ``cmd`` to the ``monotonic <t>`` it reports after painting."""
    t0 = time.monotonic()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, cwd=HERE.parents[1])
    m = re.search(r"monotonic ([0-9.]+)", out.stderr)
    if out.returncode != 0 or not m:
        raise RuntimeError(f"{cmd} failed ({out.returncode}):\n{out.stderr}")
    return float(m.group(1)) - t0


def first_launch(cmd: list[str]) -> float:
    """:func:`cold_start` of ``cmd`` as a first launch: in a new, empty home, so with no
    saved settings.

    Each launch gets its own: the app saves its window at exit, and a window restored
    from a launch before would not be a first launch (here it would also be smaller than
    the floor's: the offscreen screen is 800x800, and a restored window is fitted to it).

    Offscreen, the screen is a desktop's 1920x1200 (``screen.json``): a new window takes
    its default 1600x1000, the floor's size, where the 800x800 default screen would have
    it fitted to 720x720."""
    with tempfile.TemporaryDirectory(prefix="zt-bench-home-") as home:
        env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=f"{home}/.config",
                   XDG_DATA_HOME=f"{home}/.local/share", ZONE_TIMELINE_STARTUP_REPORT="exit")
        if env.get("QT_QPA_PLATFORM") == "offscreen":
            env["QT_QPA_PLATFORM"] = f"offscreen:configfile={HERE / 'screen.json'}"
        env.pop("ZONE_TIMELINE_HOME", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        return cold_start(cmd, env)


def first_paints(db: Path) -> tuple[float, float]:
    """Median cold first paint of the explorer on ``db`` and of the floor window."""
    floor_cmd = [sys.executable, str(HERE / "floor_window.py"), *map(str, DEFAULT_SIZE)]
    app_cmd = [sys.executable, "-m", "explorer", "--db", str(db), "--lang", "zh_CN"]
    first_launch(floor_cmd)  # warm-up: bytecode caches written, files in the page cache
    first_launch(app_cmd)
    floor, first = [], []
    for _ in range(COLD_RUNS):
        floor.append(first_launch(floor_cmd))
        first.append(first_launch(app_cmd))
    return float(np.median(first)), float(np.median(floor))


class PaintWatch(QObject):
    def __init__(self):
        super().__init__()
        self.painted = False

    def eventFilter(self, obj, ev):  # noqa: N802
        if ev.type() == QEvent.Type.Paint:
            self.painted = True
        return False


def until_painted(app: QApplication, widget) -> None:
    watch = PaintWatch()
    widget.installEventFilter(watch)
    for child in widget.findChildren(QObject):
        child.installEventFilter(watch)
    while not watch.painted:
        app.processEvents()
    app.processEvents()


def settle(app: QApplication) -> None:
    app.processEvents()
    app.processEvents()


def stats(samples: list[float]) -> dict:
    a = np.array(samples) * 1000.0
    return {"p50": round(float(np.percentile(a, 50)), 2), "p95": round(float(np.percentile(a, 95)), 2)}


def timed(app, fn, repeats: int) -> dict:
    out = []
    for i in range(repeats):
        t = time.perf_counter()
        fn(i)
        settle(app)
        out.append(time.perf_counter() - t)
    return stats(out)


def main(db: Path) -> None:
    # The run's settings and its export (~480 MB of CSV at a million events) go in a
    # folder removed when the run ends, however it ends.
    with tempfile.TemporaryDirectory(prefix="zt-bench-") as tmp:
        measure(db, Path(tmp))


def measure(db: Path, tmp: Path) -> None:
    first_s, floor_s = first_paints(db)
    collector.pause()  # as the app starts its window (see explorer.collector)
    app = create_app()
    settings = QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings=settings, lang="zh_CN")
    win.resize(*DEFAULT_SIZE)
    assert win.open_database(db, interactive=False)
    win.show()
    until_painted(app, win)
    collector.resume()  # as the app does once its window has painted
    s = win.session
    store = s.store
    rng = np.random.default_rng(7)
    zones = [z.id for z in store.zones if z.kind in ("development-zone", "county", "park")]
    cats = [c.id for c in store.categories]

    def filt(i):
        # One filter at a time (the other two cleared), as a user tries one zone, decade or
        # category after another: the changes show events.  Changes that stack a zone, a
        # decade and a category show none at 1k after the first few, and an empty window
        # paints in a third of the time (earlier rounds measured that sequence).
        k = i % 3
        if k == 0:
            s.state.set(Filters(zones=frozenset({zones[i % len(zones)]})), "bench")
        elif k == 1:
            y = 1900 + int(rng.integers(0, 120))
            s.state.set(Filters(years=(y, y + 10)), "bench")
        else:
            s.state.set(Filters(categories=frozenset({cats[i % len(cats)]})), "bench")

    filter_ms = timed(app, filt, 30)
    s.state.clear("bench")
    settle(app)
    t3 = ["阀门公司", "产业园区", "标准厂房", "智能制造", "数字经济", "创新创业"]
    text3_ms = timed(app, lambda i: s.state.update("bench", text=t3[i % len(t3)] + ("" if i % 2 else " ")), 24)
    t2 = ["阀", "园区", "厂房", "基金", "高新", "道路"]
    text2_ms = timed(app, lambda i: s.state.update("bench", text=t2[i % len(t2)] + ("" if i % 2 else " ")), 24)
    s.state.clear("bench")
    settle(app)
    rows = rng.integers(0, store.n, 30)
    select_ms = timed(app, lambda i: s.selection.select_one(int(rows[i])), 30)
    s.selection.clear()
    win.timeline.fit_all()
    settle(app)
    vb = win.timeline.plot_widget.getPlotItem().getViewBox()
    (x0, x1), _ = vb.viewRange()

    def pan(i):
        w = (x1 - x0) / (1 + (i % 5))
        c = x0 + (x1 - x0) * ((i * 0.037) % 1.0)
        win.timeline.set_x_range(c - w / 2, c + w / 2)
        win.timeline.plot_widget.viewport().repaint()

    pan_ms = timed(app, pan, 40)
    out = tmp / "all.csv"
    t = time.perf_counter()
    write_csv(store, ExportSpec(), out)
    export_s = time.perf_counter() - t
    mb = out.stat().st_size / 1e6
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({
        "events": int(store.n), "first_paint_s": round(first_s, 3), "floor_first_paint_s": round(floor_s, 3),
        "filter_ms": filter_ms, "text3_ms": text3_ms, "text2_ms": text2_ms, "select_ms": select_ms,
        "pan_frame_ms": pan_ms, "export_s": round(export_s, 3), "export_mb_s": round(mb / export_s, 1),
        "peak_rss_mb": round(peak, 1),
    }))
    win.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
