"""The one-line count label: a new text repaints it without re-laying out the window."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from explorer.gui.application import create_app
from explorer.gui.line_label import LineLabel

from . import on_screen


class _LayoutRequests(QObject):
    def __init__(self):
        super().__init__()
        self.count = 0

    def eventFilter(self, obj, event):  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def _layout_requests_after_texts(qtbot, label_type) -> int:
    """Layout requests the label's parent gets while the label's text changes width."""
    create_app()
    outer = QWidget()
    inner = QWidget(outer)
    QVBoxLayout(outer).addWidget(inner)
    label = label_type()
    QVBoxLayout(inner).addWidget(label)
    on_screen(qtbot, outer, (400, 80))
    label.setText("1 of 1,000 events")
    qtbot.wait(10)
    watch = _LayoutRequests()
    inner.installEventFilter(watch)
    outer.installEventFilter(watch)
    for text in ("12,345 of 1,000,000 events", "7 of 1,000,000 events", "123 of 1,000,000 events"):
        label.setText(text)
        qtbot.wait(5)
    return watch.count


def test_new_text_does_not_lay_out_the_parents(qtbot):
    assert _layout_requests_after_texts(qtbot, QLabel) > 0  # what the plain label costs
    assert _layout_requests_after_texts(qtbot, LineLabel) == 0


def _ink_columns(label: LineLabel) -> list[int]:
    img = label.grab().toImage()
    background = img.pixel(0, 0)
    return [x for x in range(img.width()) if any(img.pixel(x, y) != background for y in range(img.height()))]


def test_text_is_drawn_elided_and_kept_whole_in_the_tooltip(qtbot):
    create_app()
    label = on_screen(qtbot, LineLabel(), (300, 24))
    assert _ink_columns(label) == []
    label.setText("五百 of 1,000 events")
    assert label.text() == "五百 of 1,000 events"
    inked = _ink_columns(label)
    assert inked and inked[0] < 10 and inked[-1] < 200  # left-aligned, drawn
    long = "很长的文字 " * 40
    label.setText(long)
    inked = _ink_columns(label)
    assert inked[-1] < label.width()
    assert label.toolTip() == long and label.accessibleName() == long
    assert label.sizeHint().height() == label.minimumSizeHint().height() > 0
    assert label.sizePolicy().verticalPolicy() == label.sizePolicy().Policy.Fixed
