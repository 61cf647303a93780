"""Widget tests (pytest-qt)."""


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
