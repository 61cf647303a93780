"""The CJK font: the system's copy when it has one, else the bundled file; the application
font's order of families for each interface language."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QFontDatabase, QFontInfo, QFontMetricsF, QTextLayout

from explorer.gui import application
from explorer.gui.application import CJK_FAMILY, load_bundled_font, register_fonts


def test_bundled_font_loads_and_is_the_cjk_family(qapp):
    assert load_bundled_font() == CJK_FAMILY
    assert QFontDatabase.hasFamily(CJK_FAMILY)
    assert QFontInfo(QFont(CJK_FAMILY)).family() == CJK_FAMILY


def test_a_system_copy_is_used_without_loading_the_file(qapp, monkeypatch):
    monkeypatch.setattr(QFontDatabase, "hasFamily", staticmethod(lambda family: family == CJK_FAMILY))

    def must_not_load():
        raise AssertionError("the bundled file was loaded although the system has the family")

    monkeypatch.setattr(application, "load_bundled_font", must_not_load)
    assert register_fonts() == CJK_FAMILY


def test_without_a_system_copy_the_bundled_file_is_loaded(qapp, monkeypatch):
    monkeypatch.setattr(QFontDatabase, "hasFamily", staticmethod(lambda family: False))
    loaded = []
    monkeypatch.setattr(application, "load_bundled_font", lambda: loaded.append(1) or "Bundled Family")
    assert register_fonts() == "Bundled Family"
    assert loaded == [1]


def _runs(text: str, font: QFont) -> list[tuple[str, str]]:
    """(characters, family) for each run of glyphs Qt shapes ``text`` into with ``font``."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    out = []
    for run in layout.glyphRuns(-1, -1, QTextLayout.GlyphRunRetrievalFlag.RetrieveAll):
        first, last = min(run.stringIndexes()), max(run.stringIndexes())
        out.append((text[first:last + 1], run.rawFont().familyName()))
    return out


def test_english_takes_its_punctuation_from_the_system_family_and_han_from_the_cjk_one(qapp):
    application.create_app()
    ui = application._families["ui"]
    if ui == CJK_FAMILY:
        pytest.skip(f"the system's interface font is the CJK font itself ({ui})")
    en, zh = application.interface_font("en"), application.interface_font("zh_CN")
    assert QFontInfo(en).family() == ui
    assert QFontInfo(zh).family() == CJK_FAMILY
    # A CJK font sets "’" and "“" full-width, as Chinese does: "zone’ s" in English text.
    en_metrics, zh_metrics = QFontMetricsF(en), QFontMetricsF(zh)
    for mark in ("’", "“"):
        assert en_metrics.horizontalAdvance(mark) < 0.6 * en_metrics.horizontalAdvance("中"), mark
        assert zh_metrics.horizontalAdvance(mark) > 0.9 * zh_metrics.horizontalAdvance("中"), mark
    # Han characters in English text still come from the CJK family.
    runs = dict(_runs("Zone “三化三制” reform", en))
    assert any("三化三制" in chars and family == CJK_FAMILY for chars, family in runs.items()), runs
    assert any("Zone" in chars and family == ui for chars, family in runs.items()), runs


def test_apply_language_sets_the_application_font_order(qapp):
    application.create_app()
    application.apply_language(qapp, "en")
    assert qapp.font().families()[0] == application._families["ui"]
    application.apply_language(qapp, "zh_CN")
    assert qapp.font().families()[0] == CJK_FAMILY


def test_english_in_a_chinese_locale_is_set_in_a_latin_family(tmp_path):
    # fontconfig answers a Chinese locale's default font with a CJK one (WenQuanYi here): the
    # English interface took its Latin letters and punctuation from it.
    code = (
        "from PySide6.QtGui import QFontDatabase\n"
        "from explorer.gui.application import _CJK_SYSTEMS, LATIN_FAMILIES, create_app, font_families\n"
        "create_app()\n"
        "ui = font_families('en')[0]\n"
        "latin = [f for f in LATIN_FAMILIES if QFontDatabase.hasFamily(f)\n"
        "         and not any(w in QFontDatabase.writingSystems(f) for w in _CJK_SYSTEMS)]\n"
        "print(ui, '|', ','.join(latin), '|', any(w in QFontDatabase.writingSystems(ui) for w in _CJK_SYSTEMS))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LANG="zh_CN.UTF-8", LC_ALL="zh_CN.UTF-8",
               PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    ui, latin, cjk = (part.strip() for part in out.stdout.strip().splitlines()[-1].split("|"))
    if not latin:
        pytest.skip("no Latin interface family installed: the CJK one is all there is")
    assert cjk == "False", out.stdout  # ui: a family without Han characters
