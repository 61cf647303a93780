"""Entry points of the Qt layer: the window, ``render`` and ``--self-test``."""

from __future__ import annotations

import os
from pathlib import Path

from explorer.gui.application import create_app, install_translators, migrate_settings, resolve_language, settings
from explorer.gui.main_window import MainWindow
from explorer.gui.render import render_window
from explorer.gui.self_test import self_test


def run(args) -> int:
    """Open the main window and run the event loop."""
    app = create_app()
    s = settings()
    migrate_settings(s)
    lang = resolve_language(args.lang, s)
    install_translators(app, lang)
    win = MainWindow(settings=s, lang=lang, forced_lang=bool(args.lang))
    win.open_initial(Path(args.db) if args.db else None)
    win.show()
    return app.exec()


def render_main(args) -> int:
    """``zone-timeline render``: the whole window to a PNG, offscreen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return render_window(args)


def self_test_main(args) -> int:
    """``zone-timeline --self-test``: exercise the packaged app end to end."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return self_test(args)
