"""The Chinese interface is complete and shows no English; the English one is intact."""

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMenu

from explorer.gui.application import apply_language, create_app
from explorer.gui.main_window import MainWindow
from tests.gui import I18N, built_qm

REPO = Path(__file__).resolve().parents[2]
TS = I18N / "zone_timeline_zh_CN.ts"
TS_EN = I18N / "zone_timeline_en.ts"  # the plural forms of the English source
BIN = Path(sys.executable).parent


def _messages(ts: Path):
    root = ET.parse(ts).getroot()
    for ctx in root.iter("context"):
        name = ctx.findtext("name")
        for m in ctx.iter("message"):
            yield name, m


def _unfinished(ts: Path) -> list[str]:
    bad = []
    for ctx, m in _messages(ts):
        tr = m.find("translation")
        forms = [f.text for f in tr.iter("numerusform")] if m.get("numerus") == "yes" else [tr.text]
        if tr.get("type") in ("unfinished", "vanished", "obsolete") or not all(f and f.strip() for f in forms):
            bad.append(f"{ctx}: {m.findtext('source')!r}")
    return bad


@pytest.mark.parametrize("ts", [TS, TS_EN], ids=["zh_CN", "en"])
def test_committed_translation_is_complete(ts):
    assert _unfinished(ts) == []


@pytest.mark.parametrize(("ts", "flags"), [(TS, []), (TS_EN, ["-pluralonly"])], ids=["zh_CN", "en"])
def test_every_source_string_is_translated(tmp_path, ts, flags):
    """lupdate over today's code finds no message the .ts lacks (for English: no "%n" message)."""
    copy = tmp_path / ts.name
    shutil.copy(ts, copy)
    sources = sorted(str(p) for p in (REPO / "explorer" / "gui").glob("*.py"))
    subprocess.run([str(BIN / "pyside6-lupdate"), *sources, "-ts", str(copy), *flags, "-no-obsolete",
                    "-locations", "none"], check=True, capture_output=True)
    missing = _unfinished(copy)
    assert missing == [], "untranslated messages (run `make i18n` and translate):\n" + "\n".join(missing)


def test_english_counts_take_the_singular_or_the_plural(qapp):
    apply_language(qapp, "en")  # as the tests start (see conftest), and the English app

    def tr(context: str, text: str, n: int) -> str:
        return QCoreApplication.translate(context, text, None, n)

    assert tr("ExportDialog", "%n row(s) will be written.", 1) == "1 row will be written."
    assert tr("ExportDialog", "%n row(s) will be written.", 187) == "187 rows will be written."
    assert tr("MapView", "%n event(s) here", 1) == "1 event here"
    assert tr("MapView", "%n event(s) here", 0) == "0 events here"


@pytest.fixture(scope="module")
def zh_qm():
    return built_qm("zh_CN")


_ALLOWED = re.compile(r"\.[a-z]{2,4}\b|CSV|UTF-8|GB18030|BOM|PNG|SVG|Excel|English|ID|km|px|Ctrl|Shift|\+|…|[\d\s.,:/()（）·%\-–—×&?]")


def _visible_texts(win: MainWindow) -> list[str]:
    texts = []
    for menu in win.menuBar().findChildren(QMenu):
        texts.append(menu.title())
        texts += [a.text() for a in menu.actions() if not a.isSeparator()]
    texts.append(win.dock.windowTitle())
    for w in win.findChildren(QLabel):
        if w.isVisible() and w.text() and not w.text().startswith("<"):
            texts.append(w.text())
    for w in win.findChildren(QAbstractButton):
        if w.isVisible() and w.text():
            texts.append(w.text())
    for w in win.findChildren(QGroupBox):
        texts.append(w.title())
    model = win.table.model
    texts += [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    return [t for t in texts if t]


def _english_words(texts):
    out = []
    for t in texts:
        rest = _ALLOWED.sub("", t.replace("&", ""))
        if re.search(r"[A-Za-z]{2,}", rest) and "/" not in t:
            out.append(t)
    return out


def test_chinese_window_has_no_english(qtbot, db_path, tmp_path, zh_qm):
    app = create_app()
    apply_language(app, "zh_CN")
    w = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), lang="zh_CN")
    qtbot.addWidget(w)
    w.open_database(db_path, interactive=False)
    w.resize(1600, 1000)
    w.show()
    qtbot.waitExposed(w)
    texts = _visible_texts(w)
    assert _english_words(["Fit all", "筛选"]) == ["Fit all"], "the detector itself must catch English"
    assert "文件(&F)" in texts
    assert _english_words(texts) == []
    img = w.grab()
    img.save(str(tmp_path / "zh.png"))
    assert not img.isNull()


def test_english_window_is_english(qtbot, db_path, tmp_path):
    app = create_app()
    apply_language(app, "en")
    w = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), lang="en")
    qtbot.addWidget(w)
    w.open_database(db_path, interactive=False)
    texts = _visible_texts(w)
    assert "&File" in texts and "Filters" in texts
    assert w.session.lang == "en"
    assert w.table.model.index(0, 1).data() == w.session.store.zones[w.session.store.zone[0]].name_en


def test_chinese_dialogs_have_no_english(qtbot, session, tmp_path, zh_qm):
    from explorer.gui.export_dialog import ExportDialog, ImageExportDialog

    app = create_app()
    apply_language(app, "zh_CN")
    for dlg in (ExportDialog(session, str(tmp_path)), ImageExportDialog(str(tmp_path))):
        qtbot.addWidget(dlg)
        dlg.show()
        texts = [dlg.windowTitle()]
        texts += [w.text() for w in dlg.findChildren(QLabel) if w.text()]
        texts += [w.text() for w in dlg.findChildren(QAbstractButton) if w.text()]
        assert _english_words(texts) == [], texts
        assert not dlg.grab().isNull()
        # The file field is named by its label to a screen reader (it had no name).
        name = QAccessible.queryAccessibleInterface(dlg.path_edit).text(QAccessible.Text.Name)
        assert name.startswith("文件"), name


def test_the_export_dialogs_questions_are_in_chinese(qtbot, tmp_path, zh_qm, monkeypatch):
    # Asked through a helper lupdate could not read, they were filed under no context and
    # shown in English: "Replace the file?" at every export to the same file.
    from PySide6.QtWidgets import QDialog, QMessageBox

    from explorer.gui import export_dialog

    app = create_app()
    apply_language(app, "zh_CN")
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, text, *a: asked.append((title, text)) or 0)
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text, *a: asked.append((title, text)) or 0)
    there = tmp_path / "timeline.csv"
    there.write_text("old", encoding="utf-8")
    dialog = QDialog()
    qtbot.addWidget(dialog)
    assert not export_dialog.confirm_target(dialog, str(there), None)
    assert not export_dialog.confirm_target(dialog, "timeline.csv", None)
    assert asked[0] == ("替换文件？", f"{there} 已存在。要替换它吗？")
    assert asked[1][0] == "请选择文件" and asked[1][1].startswith("请为文件选择完整路径")
    assert _english_words([t for pair in asked for t in pair if "/" not in t]) == []


def test_errors_are_worded_in_chinese(qtbot, tmp_path, zh_qm):
    from explorer.core.export import ExportError
    from explorer.gui.export_dialog import export_error_text
    from explorer.gui.image_export import ImageExportError

    app = create_app()
    apply_language(app, "zh_CN")
    bad = tmp_path / "bad.sqlite"
    bad.write_text("nope")
    w = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), lang="zh_CN")
    qtbot.addWidget(w)
    assert not w.open_database(bad, interactive=False)
    assert "不是 SQLite 数据库" in w.centralWidget().text()
    text = export_error_text(ExportError("x: folder y does not exist", "no-folder", "x.csv"))
    assert text.startswith("该文件所在的文件夹不存在")
    text = export_error_text(ExportError("x: y is not a folder", "not-folder", "x.csv"))
    assert text.startswith("路径中有一项是文件，而那里应是文件夹。")
    text = export_error_text(ExportError("x: is a device or pipe, not a file", "not-file", "x.csv"))
    assert text.startswith("所选路径是设备或管道，不是文件。")
    text = export_error_text(ExportError("x: is the database being exported", "is-database", "x.csv"))
    assert text.startswith("所选文件正是打开着的事件数据库。")
    from explorer.gui.image_export import export_plot  # its errors are worded as the CSV export's

    for target, words in ((tmp_path / "nope" / "x.png", "该文件所在的文件夹不存在"),
                          (tmp_path / "x.jpg", "图像文件名须以 .png 或 .svg 结尾。")):
        with pytest.raises(ImageExportError) as info:
            export_plot(None, target)
        assert export_error_text(info.value).startswith(words)
