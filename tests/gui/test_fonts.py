"""The CJK font: the system's copy when it has one, else the bundled file."""

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo

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
