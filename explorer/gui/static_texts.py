"""Plain texts laid out once and kept, so a text drawn again on a later paint (a pan, a
zoom, the same filter again) is not shaped again: Chinese text shaping is most of what
drawing a short label costs."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF, QStaticText


class StaticTexts:
    """``QStaticText`` per key; emptied when it holds ``limit`` of them."""

    def __init__(self, limit: int = 4000):
        self._texts: dict[Hashable, QStaticText] = {}
        self._widths: dict[tuple, float] = {}  # key + (text,) -> the text's width, whole
        self._limit = limit

    def get(self, key: Hashable, text: str | Callable[[], str], font: QFont) -> QStaticText:
        """The text for ``key``, laid out in ``font`` the first time (``text`` may be a
        function, called only then: e.g. eliding, which costs as much as the drawing)."""
        st = self._texts.get(key)
        if st is None:
            if len(self._texts) >= self._limit:
                self._texts.clear()
            st = self._texts[key] = QStaticText(text() if callable(text) else text)
            st.setTextFormat(Qt.TextFormat.PlainText)
            st.prepare(font=font)
        return st

    def elided(self, text: str, width: float, metrics: QFontMetricsF, font: QFont,
               mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight, key: tuple = ()) -> QStaticText:
        """``text`` elided to ``width`` pixels in ``font`` (measured by ``metrics``).

        A text that fits is laid out once whatever the width (a column or pane being
        resized does not lay it out again); one that does not, once per width.  ``key``
        tells apart the fonts one set of texts serves."""
        whole = (*key, text)
        natural = self._widths.get(whole)
        if natural is None:
            if len(self._widths) >= self._limit:
                self._widths.clear()
            natural = self._widths[whole] = metrics.horizontalAdvance(text)
        if natural <= width:
            return self.get(whole, text, font)
        shorter = (*whole, width, mode)
        st = self._texts.get(shorter)  # kept: no eliding function to make
        return st if st is not None else self.get(shorter, partial(metrics.elidedText, text, mode, width), font)
