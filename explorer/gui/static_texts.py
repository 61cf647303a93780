"""Plain texts laid out once and kept, so a text drawn again on a later paint (a pan, a
zoom, the same filter again) is not shaped again: Chinese text shaping is most of what
drawing a short label costs."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Hashable, Sequence
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF, QStaticText, QTextLayout, QTextOption

LINE_BREAK = "\u2028"  # Unicode's line separator: a plain ``QStaticText`` starts a new line there
NO_BREAK_HYPHEN = "\u2011"  # laid out in place of "-" where lines are broken, so none is broken after one
WORD_JOINER = "\u2060"  # no line break on either side of it; nothing drawn
BRACKETS = {"(": ")", "（": "）", "【": "】", "《": "》", "〈": "〉", "「": "」"}
BRACKET_KEPT = 4  # a bracketed part of at most this many characters is not broken: "(山西)"
_SHORT_BRACKETED = re.compile("|".join(f"{re.escape(o)}[^{re.escape(c)}]{{2,{BRACKET_KEPT}}}{re.escape(c)}"
                                        for o, c in BRACKETS.items()))


class StaticTexts:
    """``QStaticText`` per key; emptied when it holds ``limit`` of them."""

    def __init__(self, limit: int = 4000):
        self._texts: dict[Hashable, QStaticText] = {}
        self._widths: dict[tuple, float] = {}  # key + (text,) -> the text's width, whole
        self._limit = limit

    def get(self, key: Hashable, text: str | Callable[[], str], font: QFont, centred: bool = False) -> QStaticText:
        """The text for ``key``, laid out in ``font`` the first time (``text`` may be a
        function, called only then: e.g. eliding, which costs as much as the drawing);
        ``centred``: its lines centred on the widest."""
        st = self._texts.get(key)
        if st is None:
            if len(self._texts) >= self._limit:
                self._texts.clear()
            st = self._texts[key] = QStaticText(text() if callable(text) else text)
            st.setTextFormat(Qt.TextFormat.PlainText)
            if centred:  # lines are aligned within a text width: the widest line's
                st.prepare(font=font)
                st.setTextWidth(math.ceil(st.size().width()))
                st.setTextOption(QTextOption(Qt.AlignmentFlag.AlignHCenter))
            st.prepare(font=font)
        return st

    def elided(self, text: str, width: float, metrics: QFontMetricsF, font: QFont,
               mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight, key: tuple = ()) -> QStaticText:
        """``text`` elided to ``width`` pixels in ``font`` (measured by ``metrics``).

        A text that fits is laid out once whatever the width (a column or pane being
        resized does not lay it out again); one that does not, once per width.  ``key``
        tells apart the fonts one set of texts serves."""
        whole = (*key, text)
        if self._natural(whole, text, metrics) <= width:
            return self.get(whole, text, font)
        shorter = (*whole, width, mode)
        st = self._texts.get(shorter)  # kept: no eliding function to make
        return st if st is not None else self.get(shorter, partial(metrics.elidedText, text, mode, width), font)

    def wrapped(self, text: str, width: float, metrics: QFontMetricsF, font: QFont, lines: int,
                key: tuple = ()) -> QStaticText:
        """``text`` on at most ``lines`` lines of ``width`` pixels, as ``elided`` keeps it:
        one line when it fits; else broken where Unicode allows (between words, or between
        Chinese characters) into balanced lines, or, when it does not fit them, with the
        last line elided (``fill_lines``)."""
        whole = (*key, text)
        if lines < 2 or self._natural(whole, text, metrics) <= width:
            return self.elided(text, width, metrics, font, key=key)
        broken = (*whole, width, LINE_BREAK, lines)
        st = self._texts.get(broken)
        return st if st is not None else self.get(broken, partial(fill_lines, text, width, metrics, font, lines), font)

    def _natural(self, whole: tuple, text: str, metrics: QFontMetricsF) -> float:
        natural = self._widths.get(whole)
        if natural is None:
            if len(self._widths) >= self._limit:
                self._widths.clear()
            natural = self._widths[whole] = metrics.horizontalAdvance(text)
        return natural


def fill_lines(text: str, width: float, metrics: QFontMetricsF, font: QFont, lines: int) -> str:
    """``text`` as at most ``lines`` lines (joined by ``LINE_BREAK``) of at most ``width``
    pixels, broken where Unicode allows (but not after a hyphen, nor inside a short
    bracketed part: 日昌晶新材料(山 / 西)… would read badly).  A text that fits whole
    is set on as few lines as it needs at ``width``, and those lines are balanced: broken at
    the narrowest width that still takes no more lines (no word, or single Chinese
    character, left alone on its last line).  One that does not fit fills each line but
    the last up to a break, and the last takes the rest, elided; a word too long for a line
    is elided there, and ends the text."""
    # Shaped once, broken at each width tried.  A hyphenated word ("High-tech") is kept
    # whole, as a word (the same length: the same offsets).
    laid, offset = _unbreakable(text.replace("-", NO_BREAK_HYPHEN))
    layout = QTextLayout(laid, font)
    at = [(offset[s], offset[e], w) for s, e, w in _break(layout, width)]
    if len(at) > lines or max(w for _s, _e, w in at) > width:  # it does not fit
        out, start = [], 0
        for s, e, w in at[:lines - 1]:
            if w > width:  # one word wider than the line
                break
            out.append(text[s:e].strip())
            start = e
        rest = text[start:].strip()
        if rest:
            out.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
        return LINE_BREAK.join(out)
    n = len(at)
    lo, hi = sum(w for _s, _e, w in at) / n, width  # narrowest known to fit: hi
    while hi - lo > 0.5:
        mid = (lo + hi) / 2
        tried = [(offset[s], offset[e], w) for s, e, w in _break(layout, mid)]
        widest = max(w for _s, _e, w in tried)
        if len(tried) > n or widest > mid:
            lo = mid
        else:
            hi, at = widest, tried  # (the same breaks at its widest line's width)
    return LINE_BREAK.join(text[s:e].strip() for s, e, _w in at)


def _unbreakable(text: str) -> tuple[str, Sequence[int]]:
    """``text`` with a word joiner between the characters of each short bracketed part,
    and per offset in it (and its end) the offset in ``text``."""
    joins = {k for m in _SHORT_BRACKETED.finditer(text) for k in range(m.start() + 2, m.end() - 1)}
    if not joins:
        return text, range(len(text) + 1)
    laid, offset = [], []
    for k, ch in enumerate(text):
        if k in joins:
            laid.append(WORD_JOINER)
            offset.append(k)
        laid.append(ch)
        offset.append(k)
    offset.append(len(text))
    return "".join(laid), offset


def _break(layout: QTextLayout, width: float) -> list[tuple[int, int, float]]:
    """``layout``'s text broken into lines of ``width``: each line's start, end and the
    width its text takes (more than ``width`` for a word too wide for it)."""
    layout.beginLayout()
    out = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        out.append((line.textStart(), line.textStart() + line.textLength(), line.naturalTextWidth()))
    layout.endLayout()
    return out
