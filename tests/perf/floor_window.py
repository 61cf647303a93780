#!/usr/bin/env python3
"""The first-paint floor: a bare PySide6 window holding an empty pyqtgraph PlotWidget.

Run as a fresh process by ``bench_run.py``; prints ``monotonic <t>`` on standard error
when the window has been painted, then quits.  The size matches the explorer's default.
"""

import sys
import time

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


class _FirstPaint(QObject):
    seen = False

    def eventFilter(self, obj, event):  # noqa: N802 (Qt API)
        if not self.seen and event.type() == QEvent.Type.Paint:
            self.seen = True
            QTimer.singleShot(0, _report)
        return False


def _report() -> None:
    print(f"monotonic {time.monotonic():.6f}", file=sys.stderr, flush=True)
    QApplication.instance().quit()


if __name__ == "__main__":
    app = QApplication(sys.argv)
    win = QMainWindow()
    win.setCentralWidget(pg.PlotWidget())
    win.resize(int(sys.argv[1]), int(sys.argv[2]))
    watch = _FirstPaint()
    app.installEventFilter(watch)
    win.show()
    app.exec()
