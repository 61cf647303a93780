"""Widget tests (pytest-qt)."""

from PySide6.QtCore import QEvent, QObject


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
