"""Texts laid out once: eliding, and breaking a long text over a few lines."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF

from explorer.gui.static_texts import LINE_BREAK, StaticTexts, fill_lines

NAME = "Shanxi Transformation and Comprehensive Reform Demonstration Zone"


@pytest.fixture
def font(qapp):
    return QFont(qapp.font())


def test_each_line_but_the_last_is_filled_to_a_break_and_the_last_elided(font):
    fm = QFontMetricsF(font)
    width = fm.horizontalAdvance("Shanxi Transformation and") + 1
    lines = fill_lines(NAME, width, fm, font, 2).split(LINE_BREAK)
    assert lines[0] == "Shanxi Transformation and"
    assert lines[1].endswith("…") and NAME.startswith(f"{lines[0]} {lines[1][:-1]}")
    assert all(fm.horizontalAdvance(line) <= width for line in lines)
    whole = [lines[0], "Comprehensive Reform", "Demonstration Zone"]
    assert fill_lines(NAME, width, fm, font, 3).split(LINE_BREAK) == whole  # all of it, on three lines
    assert fill_lines(NAME, width, fm, font, 9).split(LINE_BREAK) == whole  # no more lines than it needs


def test_a_word_wider_than_the_line_is_elided_there(font):
    fm = QFontMetricsF(font)
    width = fm.horizontalAdvance("Shanxi Trans")
    lines = fill_lines(NAME, width, fm, font, 3).split(LINE_BREAK)
    assert lines[0] == "Shanxi" and len(lines) == 2 and lines[1].startswith("Trans") and lines[1].endswith("…")
    assert fm.horizontalAdvance(lines[1]) <= width


def test_chinese_breaks_between_characters(font):
    fm = QFontMetricsF(font)
    text = "山西转型综合改革示范区"
    width = fm.horizontalAdvance("山西转型综合") + 1
    assert fill_lines(text, width, fm, font, 2).split(LINE_BREAK) == ["山西转型综合", "改革示范区"]


def test_a_text_that_fits_stays_on_one_line(font):
    fm = QFontMetricsF(font)
    texts = StaticTexts()
    assert texts.wrapped("Datong", 200, fm, font, 3).text() == "Datong"
    assert texts.wrapped(NAME, 120, fm, font, 1).text() == fm.elidedText(NAME, Qt.TextElideMode.ElideRight, 120)  # one line: elided
    st = texts.wrapped(NAME, 120, fm, font, 3)
    assert st.text().count(LINE_BREAK) == 2 and texts.wrapped(NAME, 120, fm, font, 3) is st  # laid out once


def test_a_text_that_fits_is_set_on_balanced_lines(font):
    """No word or Chinese character alone on a last line: the lines are broken at the
    narrowest width that still takes no more of them."""
    fm = QFontMetricsF(font)
    text = "山西转型综合改革示范区"
    width = fm.horizontalAdvance(text[:10]) + 1  # greedy filling leaves "区" alone
    assert fill_lines(text, width, fm, font, 3).split(LINE_BREAK) == ["山西转型综合", "改革示范区"]
    for width in (fm.horizontalAdvance(NAME) * 0.6, fm.horizontalAdvance(NAME) * 0.4):
        lines = fill_lines(NAME, width, fm, font, 3).split(LINE_BREAK)
        widest = max(fm.horizontalAdvance(line) for line in lines)
        assert " ".join(lines) == NAME and widest <= width
        # The widest line as narrow as it can be: a pixel less and the same lines do not hold it.
        assert fill_lines(NAME, widest - 1, fm, font, len(lines)).endswith("…")


def test_a_hyphenated_word_is_kept_whole(font):
    fm = QFontMetricsF(font)
    name = "Yangquan High-tech Industrial Development Zone"
    for width in (fm.horizontalAdvance("Yangquan High-t"), fm.horizontalAdvance("Yangquan High-tech") + 1, 150):
        lines = fill_lines(name, width, fm, font, 3).split(LINE_BREAK)
        assert len(lines) > 1 and any("High-tech" in line.split() for line in lines), lines


def test_a_short_bracketed_part_is_kept_whole(font):
    # 日昌晶新材料(山 / 西)有限责任公司 read badly: the line breaks before the bracket.
    fm = QFontMetricsF(font)
    name = "日昌晶新材料(山西)有限责任公司"
    split = fm.horizontalAdvance("日昌晶新材料(山") + 1  # the old balanced break, or the greedy one
    for width in (split, split + 8, fm.horizontalAdvance("日昌晶新材料(山西)") + 1):
        for most in (2, 3):
            lines = fill_lines(name, width, fm, font, most).split(LINE_BREAK)
            assert len(lines) > 1 and any("(山西)" in line for line in lines), (width, most, lines)
    # A long bracketed part still breaks inside, as any text.
    long = "山西仁汇(医康养服务有限公司)"
    lines = fill_lines(long, fm.horizontalAdvance("山西仁汇(医康养") + 1, fm, font, 3).split(LINE_BREAK)
    assert lines[0].endswith("医康养"), lines
