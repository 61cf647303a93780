"""The panes that paint from caches or draw themselves, on a high-density screen.

Qt's device pixel ratio is fixed when the application starts, so each check runs in a
process of its own, with ``QT_SCALE_FACTOR`` set.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

TABLE = """
    from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QTableView, QWidget
    from explorer.core.database import open_database
    from explorer.core.session import Session
    from explorer.core.store import EventStore
    from explorer.gui.application import create_app
    from explorer.gui.event_table import EventTable

    app = create_app()
    store = EventStore(open_database(DB))
    session = Session(store, lang="zh")
    table = EventTable(session)
    plain = QTableView()  # Qt's own painting of the same model, selection and current cell
    plain.setModel(table.model)
    plain.setSelectionBehavior(table.view.selectionBehavior())
    plain.setAlternatingRowColors(True)
    plain.setWordWrap(False)
    plain.setVerticalScrollBarPolicy(table.view.verticalScrollBarPolicy())
    plain.verticalHeader().setVisible(False)
    plain.verticalHeader().setDefaultSectionSize(table.view.verticalHeader().defaultSectionSize())
    plain.setSelectionModel(table.view.selectionModel())
    box, sink = QWidget(), QLineEdit()
    row = QHBoxLayout(box)
    for w in (table, plain, sink):
        row.addWidget(w)
    box.resize(1900, 420)
    box.show()
    app.processEvents()
    plain.setFixedSize(table.view.size())
    for c in range(4):
        plain.horizontalHeader().resizeSection(c, table.view.horizontalHeader().sectionSize(c))
    session.selection.select_one(next(r for r in range(store.n) if store.record(r).inferred))
    for focused in (False, True):
        shots = []
        for view in (table.view, plain):
            (view if focused else sink).setFocus()
            app.processEvents()
            shots.append(view.viewport().grab().toImage())
        assert shots[0].devicePixelRatio() == RATIO, shots[0].devicePixelRatio()
        assert shots[0] == shots[1], f"focused={focused}"
    print("ok")
"""

LEGEND = """
    import numpy as np
    from PySide6 import QtGui
    from explorer.gui.application import create_app
    from explorer.gui.timeline_legend import LegendEntry, TimelineLegend

    app = create_app()
    entries = [LegendEntry("fill", f"类别 {k}", colour, dimmed=k % 3 == 0)
               for k, colour in enumerate(("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"))]
    entries += [LegendEntry("break"), LegendEntry("point", "精确到日", "#5F6368"),
                LegendEntry("hollow", "推断日期", "#5F6368"), LegendEntry("dashed", "计划中", "#5F6368"),
                LegendEntry("badge", "来源分歧"), LegendEntry("pile", "同日事件"), LegendEntry("overflow", "更多")]
    legend = TimelineLegend()
    legend.resize(330, 120)
    legend.set_entries(entries)
    legend.show()
    app.processEvents()
    fmt = QtGui.QImage.Format.Format_RGB32
    shown = legend.grab().toImage().convertToFormat(fmt)
    assert shown.devicePixelRatio() == RATIO, shown.devicePixelRatio()
    drawn = QtGui.QImage(shown.size(), fmt)
    drawn.setDevicePixelRatio(shown.devicePixelRatio())
    drawn.fill(legend.palette().color(QtGui.QPalette.ColorRole.Window))
    with QtGui.QPainter(drawn) as p:
        p.setFont(legend.font())
        for rect, e in legend._layout(legend.width()):
            legend._draw_entry(p, rect, e)
    a, b = (np.frombuffer(i.constBits(), np.uint8).reshape(i.height(), -1)[:, : i.width() * 4].astype(int)
            for i in (shown, drawn))
    assert np.abs(a - b).max() <= 2, np.abs(a - b).max()
    print("ok")
"""


def run_at(scale: str, script: str, db: Path | None = None) -> None:
    code = f"DB = {str(db)!r}\nRATIO = {float(scale)!r}\n" + textwrap.dedent(script)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR=scale, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr[-2000:]


@pytest.mark.parametrize("scale", ["1.5", "2"])
def test_the_table_paints_as_qt_does_on_a_dense_screen(scale, db_path):
    run_at(scale, TABLE, db_path)


@pytest.mark.parametrize("scale", ["1.25", "2"])
def test_the_legend_tiles_land_on_whole_device_pixels(scale):
    run_at(scale, LEGEND)
