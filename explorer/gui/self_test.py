"""``zone-timeline --self-test``: prove a (packaged) app works end to end, offscreen.

Opens the database, renders every pane, applies a zone and a year filter, selects an
event, exports CSV to a temporary folder and reads it back, and checks that SQLite's memory
statistics are off on Linux (see :mod:`explorer.core.sqlite_setup`) and that Qt painted
without its raster thread pool (:func:`explorer.gui.application.serial_raster_fills`).
Prints one line; exit 0 on success, 1 with the reason on failure; a database that cannot
be used is an error of the command line, exit 3, as for the other commands.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings

from explorer import __version__
from explorer.core import paths, sqlite_setup
from explorer.core.database import DatabaseError
from explorer.core.export import COLUMNS, ExportSpec, write_csv
from explorer.gui.application import apply_language, create_app, load_bundled_font, raster_pool_threads
from explorer.gui.render import check_drawn, prepare_window, settle


class SelfTestFailure(Exception):
    pass


def _check(cond: bool, what: str) -> None:
    if not cond:
        raise SelfTestFailure(what)


def self_test(args) -> int:
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="zone-timeline-selftest-") as tmp:
        os.environ[paths.ENV_HOME] = str(Path(tmp) / "home")  # never touch a real profile
        try:
            summary = _run(args, Path(tmp))
        except SelfTestFailure as exc:
            print(f"self-test FAILED: {exc}", file=sys.stderr)
            return 1
        except DatabaseError:
            raise  # the command line's exit 3, with the file and the reason
        except Exception as exc:  # noqa: BLE001 - report any failure as one line
            print(f"self-test FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
    print(f"self-test OK: zone-timeline {__version__}; {summary}; {time.perf_counter() - t0:.1f}s")
    return 0


def _run(args, tmp: Path) -> str:
    app = create_app()
    font = load_bundled_font()  # the bundle's own copy, even where the system has one
    _check(font is not None, "the bundled CJK font could not be loaded")
    missing = [str(f) for f in (paths.resource("licenses", "LGPL-3.0.txt"), paths.resource("licenses", "GPL-3.0.txt"),
                                paths.app_root() / "LICENSE") if not f.is_file()]
    _check(not missing, f"licence texts missing: {', '.join(missing)}")  # Qt's LGPL asks for them
    lang = args.lang or "zh_CN"
    apply_language(app, lang)
    if lang == "zh_CN":  # Qt's own words too (dialog buttons): its translation is bundled
        word = ("QPlatformTheme", "Cancel")  # in qtbase's catalog (not a literal call: lupdate would take it for ours)
        _check(QCoreApplication.translate(*word) != word[1], "Qt's Chinese translation is missing")
    db_path = Path(args.db) if args.db else paths.default_db()
    s = QSettings(str(tmp / "selftest.ini"), QSettings.Format.IniFormat)
    win = prepare_window(db_path, lang, (1400, 900), s)
    session = win.session
    store = session.store
    _check(store.n > 0, f"{db_path} holds no events")
    settle(app)
    check_drawn(win)
    _check(win.map.basemap_problem is None, f"the basemap could not be read: {win.map.basemap_problem}")
    for name in ("timeline", "map", "table", "detail", "filters"):
        img = getattr(win, name).grab()
        _check(not img.isNull() and img.width() > 50 and img.height() > 50, f"the {name} pane did not render")
    session.state.update(None, zones={"yangquan-hitech"}, years=(2019, 2024))
    settle(app)
    n = len(session.rows)
    _check(0 < n < store.n, f"zone + year filter gave {n} of {store.n} events")
    _check(win.table.model.rowCount() == n, "the table does not follow the filter")
    row = int(session.rows[0])
    session.selection.select_one(row, None)
    settle(app)
    title = store.record(row).title("zh")
    _check(title in win.detail.plain_text(), "the detail pane does not show the selected event")
    out = tmp / "export.csv"
    written = write_csv(store, ExportSpec(filters=session.filters), out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    _check(rows[0] == list(COLUMNS), "the CSV header is wrong")
    _check(len(rows) - 1 == written == n, f"the CSV holds {len(rows) - 1} rows, expected {n}")
    stats = sqlite_setup.memory_statistics_on()  # off since the entry point (see explorer.core.sqlite_setup)
    _check(not (sys.platform.startswith("linux") and stats), "SQLite's memory statistics are still on")
    shot = tmp / "window.png"
    _check(win.grab().save(str(shot), "PNG") and shot.stat().st_size > 10_000, "the window could not be rendered")
    pooled = raster_pool_threads()  # after painting every pane (see explorer.gui.application)
    _check(not pooled, f"Qt painted with {pooled} pooled threads")
    win.close()
    return (f"{store.n} events ({'with' if store.has_passages else 'WITHOUT'} cited passages), filter kept {n}, "
            f"selected {store.record(row).id}, exported {written} rows, "
            f"font {font}, SQLite memory statistics {'unknown' if stats is None else 'on' if stats else 'off'}, "
            f"raster fills {'unknown' if pooled is None else 'serial'}")
