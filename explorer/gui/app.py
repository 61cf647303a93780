"""Entry points of the Qt layer: the window, ``render`` and ``--self-test``."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication

from explorer import collector
from explorer.gui.application import apply_language, create_app, migrate_settings, resolve_language, settings
from explorer.gui.first_paint import after_first_paint
from explorer.gui.main_window import MainWindow
from explorer.gui.preload import Preload

RESUME_COLLECTOR_MS = 5000


def run(args, preload: Preload | None = None) -> int:
    """Open the main window and run the event loop (``preload``: the database being read)."""
    window = open_window(args, preload)  # the window lives as long as this reference
    close_on_signals(window)
    return QApplication.instance().exec()


def close_on_signals(window: MainWindow) -> None:
    """SIGTERM, SIGHUP and SIGINT (a session ending, ``kill``, Ctrl+C in the terminal) close
    the window as its close button does, its layout and filters saved; Python's default
    ended the process on the spot, or, for Ctrl+C, not until Python next ran.

    Python runs a signal's handler only when it next runs Python code, and the event loop
    runs none while idle: the signal also writes a byte to a socket (``signal.set_wakeup_fd``)
    that Qt watches, and the slot reading it lets the handler run."""
    import signal  # noqa: PLC0415 (only for the window)
    import socket  # noqa: PLC0415

    reader, writer = socket.socketpair()
    for sock in (reader, writer):
        sock.setblocking(False)
    signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, window)
    notifier.activated.connect(lambda *_: _drain(reader))
    window.signal_sockets = (reader, writer)  # kept open while the window is

    def close(_signum, _frame) -> None:
        window.close()  # saves the settings (closeEvent), as a click on its close button does
        QApplication.quit()  # and leaves any dialog's loop too

    for name in ("SIGTERM", "SIGHUP", "SIGINT"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), close)


def _drain(sock) -> None:
    try:
        while sock.recv(64):
            pass
    except BlockingIOError:
        pass


def open_window(args, preload: Preload | None = None) -> MainWindow:
    """The main window, shown, for the command-line ``args``; the event loop not yet run."""
    app = create_app()
    s = settings()
    migrate_settings(s)
    lang = resolve_language(args.lang, s)
    apply_language(app, lang)
    win = MainWindow(settings=s, lang=lang, forced_lang=bool(args.lang))
    # The entry point paused the garbage collector for start-up (see explorer.collector):
    # it runs again once the window has shown, or after a while if it never paints
    # (e.g. started minimised, or behind a dialog about the database).
    report = os.environ.get("ZONE_TIMELINE_STARTUP_REPORT")

    def first_painted() -> None:
        collector.resume()
        if report:
            report_first_paint(quit_after=report == "exit")

    after_first_paint(win, first_painted, win)
    QTimer.singleShot(RESUME_COLLECTOR_MS, collector.resume)
    # The preload is taken only for the path it is reading (the CLI's default when no --db
    # is given, which the window opens unless another database was open when the app last closed).
    win.open_initial(Path(args.db) if args.db else None, preload)
    win.show()
    return win


def report_first_paint(quit_after: bool) -> None:
    """Prints how long a user waited for the window: process start to the end of its first
    paint (``ZONE_TIMELINE_STARTUP_REPORT=1``; ``=exit`` also quits, for the benchmark).

    The line carries ``time.monotonic()`` too, so a parent process can time the launch.
    """
    print(f"first window after {seconds_since_start():.2f} s (monotonic {time.monotonic():.6f})",
          file=sys.stderr, flush=True)
    if quit_after:
        QApplication.instance().quit()


def seconds_since_start() -> float:
    """Seconds since this process started (Linux: from /proc; elsewhere: since import)."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return uptime - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - _IMPORTED


_IMPORTED = time.perf_counter()


def render_main(args) -> int:
    """``zone-timeline render``: the whole window to a PNG, offscreen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from explorer.gui.render import render_window  # noqa: PLC0415 (not needed at start-up)

    return render_window(args)


def self_test_main(args) -> int:
    """``zone-timeline --self-test``: exercise the packaged app end to end."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from explorer.gui.self_test import self_test  # noqa: PLC0415 (not needed at start-up)

    return self_test(args)
