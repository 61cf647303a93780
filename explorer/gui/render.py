"""``zone-timeline render``: the main window in a given state, saved as a PNG."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSettings
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QApplication

from explorer.core import paths
from explorer.core.files import create_beside, discard, same_file, target_problem, through_links
from explorer.core.options import UsageError, check_text, filters_from_args
from explorer.gui.application import apply_language, create_app, resolve_language
from explorer.gui.main_window import MainWindow


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in text.lower().split("x"))
    except ValueError as exc:
        raise UsageError(f"--size {text!r}: use WIDTHxHEIGHT, e.g. 1600x1000") from exc
    if not (200 <= w <= 8000 and 200 <= h <= 8000):
        raise UsageError(f"--size {text!r}: each side must be between 200 and 8000 pixels")
    return w, h


def settle(app: QApplication, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()


def prepare_window(db_path: Path, lang: str, size: tuple[int, int], settings: QSettings) -> MainWindow:
    """A window showing ``db_path``, laid out at ``size``; raises DatabaseError."""
    win = MainWindow(settings=settings, lang=lang, forced_lang=True)
    win.resize(*size)
    if not win.open_database(db_path, interactive=False):
        win.close()
        raise win.database_problem
    win.show()
    return win


def check_drawn(win: MainWindow) -> None:
    """Raise the DatabaseError the window met while drawing, if any (a damaged part of the
    file is found when a pane reads it: see :mod:`explorer.gui.failures`)."""
    if win.database_problem is not None:
        raise win.database_problem


def render_window(args) -> int:
    """Render with the export issue's filter flags, ``--select`` and ``--size``."""
    size = parse_size(args.size)
    out = Path(args.output)
    if out.suffix.lower() != ".png":
        raise UsageError(f"{out}: the output must be a .png file")
    if args.select is not None:
        check_text("--select", args.select)
    problem = target_problem(out)
    if problem:  # found before the window is made and drawn
        print(f"zone-timeline: {out}: {problem[1]}", file=sys.stderr)
        return 1
    db_path = Path(args.db) if args.db else paths.default_db()
    if same_file(out, db_path):  # (through a link, or a database named *.png): it would be replaced
        print(f"zone-timeline: {out}: is the database being drawn; choose another file name", file=sys.stderr)
        return 1
    app = create_app()
    with tempfile.TemporaryDirectory() as tmp:
        s = QSettings(str(Path(tmp) / "render.ini"), QSettings.Format.IniFormat)  # never the user's layout
        lang = resolve_language(args.lang, s)
        apply_language(app, lang)
        win = prepare_window(db_path, lang, size, s)
        session = win.session
        session.set_lane_mode(args.lanes, None)
        session.state.set(filters_from_args(args, session.store))
        if args.select:
            row = session.store.row_of(args.select)
            if row is None:
                raise UsageError(f"--select {args.select!r}: no event with that id")
            session.selection.select_one(row, None)
        settle(app)
        win.fit_all()
        if args.select and _in_yangquan(session, row):
            win.map.zoom_to_yangquan()
        settle(app, 10)
        check_drawn(win)
        focused = QApplication.focusWidget()
        if focused is not None:
            focused.clearFocus()  # an image of the window, not of where its keys would go (no focus ring)
            settle(app)
        pix = win.grab()
        got = (pix.width(), pix.height())  # device pixels: the scale factor's too
        scale = pix.devicePixelRatio()
        data = png_bytes(pix)
        win.close()
        if data is None:
            print(f"zone-timeline: {out}: the window could not be drawn into an image", file=sys.stderr)
            return 1
        try:
            write_replacing(out, data)
        except OSError as exc:
            print(f"zone-timeline: {out}: could not be written ({exc.strerror or exc}); any existing file is unchanged",
                  file=sys.stderr)
            return 1
    asked = f"{size[0]}x{size[1]}"
    if got == size:
        note = ""
    elif got == (round(size[0] * scale), round(size[1] * scale)):
        note = f": {asked} at scale {scale:g}"
    else:
        note = f"; asked for {asked}: the window cannot be smaller"
    print(f"wrote {out} ({got[0]}x{got[1]}{note})")
    return 0


def png_bytes(image: QImage | QPixmap) -> bytes | None:
    """``image`` encoded as PNG, or None if it cannot be."""
    if image.isNull():
        return None
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = image.save(buf, "PNG")
    buf.close()
    return bytes(data.data()) if ok else None


def write_replacing(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file moved into place, so a failure
    (``OSError``, with the system's reason) leaves no partial file and an existing one as it was.
    Qt's own saving says only that it failed, not why."""
    target = through_links(target)  # a link keeps leading to the image
    fd, tmp = create_beside(target)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        discard(tmp)
        raise


def _in_yangquan(session, row: int) -> bool:
    store = session.store
    return any(z.id == "yangquan" for z in store.zone_path(store.record(row).zone))
