"""The application style: Fusion everywhere, scroll bars drawn flat (cheap to repaint)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QScrollBar, QStyle, QStyleOptionSlider

from explorer.gui.application import create_app
from explorer.gui.style import GROOVE_DARKER, HANDLE_DARKER, AppStyle


def _bar(qtbot, enabled: bool = True) -> QScrollBar:
    create_app()
    bar = QScrollBar(Qt.Orientation.Vertical)
    qtbot.addWidget(bar)
    bar.resize(16, 300)
    bar.setRange(0, 100 if enabled else 0)
    bar.setPageStep(50)
    bar.setValue(50)
    return bar


def _close(a: QColor, b: QColor) -> bool:
    """Same colour to within 8-bit rounding."""
    return max(abs(x - y) for x, y in zip(a.getRgb(), b.getRgb(), strict=True)) <= 1


def _slider_rect(bar: QScrollBar):
    opt = QStyleOptionSlider()
    bar.initStyleOption(opt)
    return bar.style().subControlRect(QStyle.ComplexControl.CC_ScrollBar, opt,
                                      QStyle.SubControl.SC_ScrollBarSlider, bar)


def test_app_uses_fusion_with_flat_scroll_bars(qtbot):
    app = create_app()
    assert isinstance(app.style(), AppStyle)
    assert app.style().baseStyle().name().lower() == "fusion"
    create_app()  # a second call keeps the installed style
    assert isinstance(app.style(), AppStyle)


def test_scroll_bar_handle_is_drawn_where_fusion_puts_it(qtbot):
    bar = _bar(qtbot)
    image = bar.grab().toImage()
    window = bar.palette().color(QPalette.ColorRole.Window)
    handle = _slider_rect(bar)
    assert handle.height() > 50 and handle.top() > 100  # value 50 of 0..100: the lower half
    assert _close(QColor(image.pixel(handle.center())), window.darker(HANDLE_DARKER[0]))
    above = handle.top() - 20
    assert _close(QColor(image.pixel(handle.center().x(), above)), window.darker(GROOVE_DARKER))


def test_scroll_bar_with_nothing_to_scroll_has_no_handle(qtbot):
    bar = _bar(qtbot, enabled=False)
    image = bar.grab().toImage()
    window = bar.palette().color(QPalette.ColorRole.Window)
    groove = window.darker(GROOVE_DARKER)
    assert all(_close(QColor(image.pixel(8, y)), groove) for y in range(30, 270, 10))



def test_only_qt_messages_that_say_nothing_are_left_out():
    # In a process of its own: pytest-qt takes Qt's messages over in this one.
    code = ("from PySide6.QtCore import qWarning\n"
            "from explorer.gui.application import create_app\n"
            "create_app()\n"
            "qWarning('This plugin does not support propagateSizeHints()')\n"  # the offscreen platform's
            "qWarning('something the user should see')\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       cwd=Path(__file__).resolve().parents[2], env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 0, r.stderr
    assert "propagateSizeHints" not in r.stderr and "something the user should see" in r.stderr


def _contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two colours."""
    def lum(c: QColor) -> float:
        lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in (c.redF(), c.greenF(), c.blueF())]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_dimmed_texts_stay_readable():
    # WCAG's 4.5:1 for text: the greyed lane labels (3.0:1) and the map's key (3.0:1) were below it.
    from explorer.gui import timeline_axes, timeline_items

    for lane in (timeline_items.LANE_SHADE, QColor("#FFFFFF"), timeline_items._LANE_SELECTED):
        assert _contrast(timeline_axes._EMPTY_TEXT, lane) >= 4.5, lane.name()


def test_the_map_key_stays_readable(qtbot, session):
    from explorer.gui import palette
    from explorer.gui.map_view import MapView

    view = MapView(session)
    qtbot.addWidget(view)
    key = view._key
    assert _contrast(key.color, QColor(palette.MAP_LAND)) >= 4.5
    assert key.fill.color().alpha() >= 240  # the province borders do not show through it
