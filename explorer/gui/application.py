"""Application set-up shared by every entry point: QApplication, fonts, translations, settings."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator, qInstallMessageHandler
from PySide6.QtGui import QFont, QFontDatabase, QFontInfo, QIcon
from PySide6.QtWidgets import QApplication

from explorer import APP_NAME, ORG_DOMAIN, ORG_NAME, __version__
from explorer.core import paths
from explorer.gui.style import AppStyle

SETTINGS_VERSION = 1
LANGUAGES = ("zh_CN", "en")
_translators: list[QTranslator] = []
_families: dict[str, str] = {}  # "ui": the system's interface font family; "cjk": the CJK one (create_app)
_language = ["zh_CN"]  # the interface language last applied (apply_language); Chinese until then


def settings() -> QSettings:
    """The app's settings (INI under the per-user folder when ZONE_TIMELINE_HOME is set)."""
    override = os.environ.get(paths.ENV_HOME)
    if override:
        return QSettings(str(Path(override) / "settings.ini"), QSettings.Format.IniFormat)
    return QSettings()


def settings_problem(s: QSettings) -> str | None:
    """Why ``s`` cannot be saved, as far as can be told before trying: its file, or the
    folder it would be made in, cannot be written, or a file stands where that folder
    should be (a read-only home, say).  None when it can."""
    path = Path(s.fileName())
    if path.exists():
        return None if path.is_file() and os.access(path, os.W_OK) else f"{path} cannot be written"
    for folder in path.parents:  # the nearest that exists: the rest would be made in it
        if folder.exists():
            if not folder.is_dir():
                return f"{folder} is not a folder"
            return None if os.access(folder, os.W_OK | os.X_OK) else f"{folder} cannot be written"
    return None


def text_setting(s: QSettings, key: str) -> str:
    """The text saved under ``key``; "" when there is none or the value is something else
    (the settings file is the user's: a hand edit or another program's may hold anything)."""
    value = s.value(key, "")
    return value if isinstance(value, str) else ""


def migrate_settings(s: QSettings) -> None:
    """Bring settings written by older versions up to :data:`SETTINGS_VERSION`."""
    try:
        version = int(s.value("settings_version", 0) or 0)  # text in an INI file, a number elsewhere
    except (TypeError, ValueError):
        version = 0  # unreadable: as old as can be
    if version < 1:
        # Version 0 had no versioning; nothing it stored is kept.
        s.remove("window")
    if version != SETTINGS_VERSION:  # an unchanged file is not written again at every start
        s.setValue("settings_version", SETTINGS_VERSION)


CJK_FAMILY = "WenQuanYi Micro Hei"  # the bundled font's family


def register_fonts() -> str | None:
    """The CJK font family Chinese text falls back on, so it renders on machines without one.

    A system that has the family already is used as it is: loading the bundled 5 MB file
    costs about 7 ms of start-up on this machine, for the same glyphs."""
    if QFontDatabase.hasFamily(CJK_FAMILY):
        return CJK_FAMILY
    return load_bundled_font()


def load_bundled_font() -> str | None:
    """Load the bundled CJK font file; its family, or ``None`` when it cannot be loaded."""
    font_file = paths.resource("fonts", "wqy-microhei.ttc")
    fid = QFontDatabase.addApplicationFont(str(font_file)) if font_file.exists() else -1
    if fid < 0:
        return None
    families = QFontDatabase.applicationFontFamilies(fid)
    return families[0] if families else None


def resolve_language(cli_lang: str | None, s: QSettings) -> str:
    """``--lang`` beats the saved choice, which beats the system locale."""
    if cli_lang in LANGUAGES:
        return cli_lang
    saved = text_setting(s, "language")
    if saved in LANGUAGES:
        return saved
    return "zh_CN" if QLocale.system().name().startswith("zh") else "en"


def apply_language(app: QApplication, lang: str) -> None:
    """Set the interface language ``lang`` app-wide: its translators and its font order
    (:func:`interface_font`)."""
    install_translators(app, lang)
    _language[0] = lang
    app.setFont(interface_font(lang))


def interface_font(lang: str) -> QFont:
    """The application font for interface language ``lang``: the CJK family first for
    Chinese, the system's interface family first for English, the other one after it.

    Punctuation shared by both scripts comes from the first family: a CJK font draws
    "’" and "“" full-width, as Chinese text sets them, which in English text reads
    "zone’ s" and " “One body” ".  Han characters always come from the CJK family (the
    system family has none, or they would not match the CJK font's).
    """
    f = QFont(QApplication.font())
    f.setFamilies(font_families(lang))
    return f


def font_families(lang: str) -> list[str]:
    """The font families text in ``lang`` is set in, first choice first (see :func:`interface_font`)."""
    ui, cjk = _families.get("ui"), _families.get("cjk")
    order = [cjk, ui] if lang.startswith("zh") else [ui, cjk]
    return [name for name in order if name]


def install_translators(app: QCoreApplication, lang: str) -> None:
    """Replace the installed translators with those of ``lang``.

    English is the source text; its translation holds only the plural forms of ``%n``
    messages ("1 row", "2 rows" for the source's "%n row(s)")."""
    for t in _translators:
        app.removeTranslator(t)
    _translators.clear()
    ours = QTranslator(app)
    if ours.load(str(paths.resource("i18n", f"zone_timeline_{lang}.qm"))):
        app.installTranslator(ours)
        _translators.append(ours)
    if lang == "en":
        return
    qt = QTranslator(app)
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _translators.append(qt)


# Qt's warnings that say nothing to the user: the offscreen platform (render, the
# self-test, a window with QT_QPA_PLATFORM=offscreen) cannot resize to size hints.
QUIET_QT_MESSAGES = frozenset({"This plugin does not support propagateSizeHints()"})
_qt_messages: list = []  # the handler that was installed before ours (None: Qt's own)


def _on_qt_message(kind, context, message: str) -> None:
    if message in QUIET_QT_MESSAGES:
        return
    before = _qt_messages[0] if _qt_messages else None
    if before is not None:
        before(kind, context, message)
    else:
        print(message, file=sys.stderr)


def quiet_qt_messages() -> None:
    """Leave out :data:`QUIET_QT_MESSAGES` from Qt's messages on the error stream (once)."""
    if not _qt_messages:
        _qt_messages.append(qInstallMessageHandler(_on_qt_message))


def serial_raster_fills() -> None:
    """Have Qt's raster engine fill on the painting thread (``QT_NO_GUI_THREADPOOL``,
    unless the environment says otherwise), before the QApplication exists.

    Qt 6 hands every translucent fill of 96 or more scanlines to a pool of threads and waits
    for them.  Most of the app's fills are small (a grid line, a bar, a marker, a lane band):
    on this 2-core machine a 410-pixel vertical line in a translucent pen cost ~0.2 ms that
    way and ~0.003 ms on the calling thread, even a 400x400 translucent fill was 3-4 times
    slower, and a filter change took ~1.5 ms less at 1k events and ~2.5 ms less at 100k
    without the pool (interleaved runs).  Qt reads the variable once, when its raster engine
    first wants the pool.
    """
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")


def raster_pool_threads() -> int | None:
    """How many threads Qt has pooled in this process (None where ``/proc`` does not say):
    none after painting when :func:`serial_raster_fills` ran first.  (The app starts no
    ``QThreadPool`` of its own, so Qt's pooled threads are its raster engine's.)"""
    tasks = Path("/proc/self/task")
    if not tasks.is_dir():
        return None
    names = []
    for t in tasks.iterdir():
        try:
            names.append((t / "comm").read_text().strip())
        except OSError:  # a thread that ended meanwhile
            continue
    return sum(name == "Thread (pooled)" for name in names)


# Common Latin interface families, for when the system's default is a CJK font.
LATIN_FAMILIES = ("Noto Sans", "DejaVu Sans", "Liberation Sans", "Cantarell", "Ubuntu", "Open Sans", "Roboto",
                  "Segoe UI", "Arial", "Helvetica")
_CJK_SYSTEMS = (QFontDatabase.WritingSystem.SimplifiedChinese, QFontDatabase.WritingSystem.TraditionalChinese,
                QFontDatabase.WritingSystem.Japanese, QFontDatabase.WritingSystem.Korean)


def latin_family(family: str) -> str:
    """``family``, the system's interface font, or, where that is a CJK font, the first
    of :data:`LATIN_FAMILIES` the system has: in a Chinese locale fontconfig answers the
    default with one (WenQuanYi here), and English text was set in its Latin letters and
    its full-width punctuation.  ``family`` again when none is there."""
    def cjk(f: str) -> bool:
        return any(ws in QFontDatabase.writingSystems(f) for ws in _CJK_SYSTEMS)

    if not cjk(family):
        return family
    return next((f for f in LATIN_FAMILIES if QFontDatabase.hasFamily(f) and not cjk(f)), family)


def create_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication, set up once: names, the app's style (:class:`AppStyle`), the CJK
    font (the system's copy, else the bundled one; see :func:`register_fonts`) in the
    application font (:func:`interface_font`; Chinese order until :func:`apply_language`)
    and the icon.  Qt's raster fills stay on the painting thread (:func:`serial_raster_fills`)."""
    if QApplication.instance() is None:
        serial_raster_fills()
        quiet_qt_messages()
    QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setOrganizationDomain(ORG_DOMAIN)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    if not isinstance(app.style(), AppStyle):
        app.setStyle(AppStyle())
    if "ui" not in _families:  # the family behind the default font (an alias such as "Sans Serif" here)
        _families["ui"] = latin_family(QFontInfo(app.font()).family())
    family = register_fonts()
    if family:
        _families["cjk"] = family
    app.setFont(interface_font(_language[0]))  # the language last applied (Chinese order until then)
    icon = paths.resource("icons", "app.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def data_lang(lang: str) -> str:
    """The event-data language for an interface language."""
    return "zh" if lang.startswith("zh") else "en"
