#!/usr/bin/env python3
"""One benchmark run on one database, in a fresh process; prints one JSON line.

Called by ``bench.py``.  Each measurement ends when Qt has processed the resulting
paint events, so it is what the user waits for, not just the model update.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import QEvent, QObject, QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow  # noqa: E402

from explorer.core.export import ExportSpec, write_csv  # noqa: E402
from explorer.gui.application import create_app  # noqa: E402
from explorer.gui.main_window import MainWindow  # noqa: E402


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
    app = create_app()
    # The floor: a bare window with an empty pyqtgraph plot.
    t0 = time.perf_counter()
    floor = QMainWindow()
    floor.setCentralWidget(pg.PlotWidget())
    floor.resize(1600, 1000)
    floor.show()
    until_painted(app, floor)
    floor_s = time.perf_counter() - t0
    floor.close()
    settle(app)

    tmp = Path(tempfile.mkdtemp(prefix="zt-bench-"))
    settings = QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat)
    t0 = time.perf_counter()
    win = MainWindow(settings=settings, lang="zh_CN")
    win.resize(1600, 1000)
    assert win.open_database(db, interactive=False)
    win.show()
    until_painted(app, win)
    first_s = time.perf_counter() - t0
    s = win.session
    store = s.store
    rng = np.random.default_rng(7)
    zones = [z.id for z in store.zones if z.kind in ("development-zone", "county", "park")]
    cats = [c.id for c in store.categories]

    def filt(i):
        k = i % 3
        if k == 0:
            s.state.update("bench", zones={zones[i % len(zones)]})
        elif k == 1:
            y = 1900 + int(rng.integers(0, 120))
            s.state.update("bench", years=(y, y + 10))
        else:
            s.state.update("bench", categories={cats[i % len(cats)]})

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
