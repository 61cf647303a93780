"""Widget tests (pytest-qt)."""

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject

from explorer.core import paths

I18N = Path(__file__).resolve().parents[2] / "resources" / "i18n"


def built_qm(lang: str) -> Path:
    """The compiled translation of ``lang``, compiled again when older than its source."""
    ts = I18N / f"zone_timeline_{lang}.ts"
    qm = paths.resource("i18n", ts.with_suffix(".qm").name)
    if not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
        lrelease = Path(sys.executable).parent / "pyside6-lrelease"
        subprocess.run([str(lrelease), "-silent", str(ts), "-qm", str(qm)], check=True)
    return qm


def on_screen(qtbot, widget, size):
    """``widget``, closed with the test, resized to ``size`` (a ``(w, h)`` pair or a QSize),
    shown and exposed."""
    qtbot.addWidget(widget)
    if isinstance(size, tuple):
        widget.resize(*size)
    else:
        widget.resize(size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


class PaintSpy(QObject):
    """Calls ``record(widget, paint_event)`` for each paint of the widgets it watches."""

    def __init__(self, widgets, record):
        super().__init__()
        self._record = record
        for w in widgets:
            w.installEventFilter(self)

    def eventFilter(self, obj, ev):  # noqa: N802 (Qt API)
        if ev.type() == QEvent.Type.Paint:
            self._record(obj, ev)
        return False
