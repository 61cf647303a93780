"""The main window: panes around one shared session, menus, shortcuts, remembered state."""

from __future__ import annotations

import json
import os
import sys
import traceback
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import shiboken6
from PySide6.QtCore import QByteArray, QEvent, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QWidget,
)

from explorer import APP_NAME, APP_NAME_ZH, __version__, collector
from explorer.core import paths
from explorer.core.database import DatabaseError, open_database
from explorer.core.files import same_file
from explorer.core.filter_state import Filters
from explorer.core.session import Session
from explorer.core.store import LANE_MODES, EventStore
from explorer.gui import failures
from explorer.gui.application import apply_language, data_lang, settings_problem, text_setting
from explorer.gui.detail_view import DetailView
from explorer.gui.event_table import COLUMN_WIDTHS, EventTable
from explorer.gui.filter_panel import FilterPanel
from explorer.gui.first_paint import after_first
from explorer.gui.line_label import LineLabel
from explorer.gui.map_view import MapView
from explorer.gui.start_page import StartPage
from explorer.gui.timeline_view import TimelineView

if TYPE_CHECKING:
    from explorer.gui.preload import Preload

DEFAULT_SIZE = (1600, 1000)
QWIDGETSIZE_MAX = (1 << 24) - 1  # Qt's "no maximum"
SCREEN_SHARE = 0.9  # of the screen's free area, at most, a new window takes


def default_size(screen) -> QSize:  # noqa: ANN001 (a QScreen, or None)
    """A new window's size: :data:`DEFAULT_SIZE`, made smaller to fit ``screen`` (a laptop's
    1366x768 would not show a 1600x1000 window whole)."""
    w, h = DEFAULT_SIZE
    if screen is not None:
        free = screen.availableGeometry()
        w, h = min(w, int(free.width() * SCREEN_SHARE)), min(h, int(free.height() * SCREEN_SHARE))
    return QSize(w, h)


# The actions that need a database: off while none is open.
DATA_ACTIONS = ("export", "export_image", "fit", "zoom_sel", "zoom_yq", "map_province", "select_lanes", "search",
                "prev", "next", "clear_sel", "clear_filters", "lanes_zone", "lanes_category", "lanes_storyline")
# The filter dock's share of the window's width at first (and after "Reset layout"), within
# bounds: its lists would otherwise ask for the width of their longest name (a storyline),
# which leaves a 1200-pixel window's panes squeezed.
DOCK_SHARE, DOCK_MIN_PX, DOCK_MAX_PX = 0.22, 250, 400


def column_widths_setting(raw: object) -> list[int] | None:
    """The table's column widths as saved (one per column of ``COLUMN_WIDTHS``, in pixels), or ``None`` when the
    setting is missing or not that (a hand-edited or damaged settings file)."""
    if not isinstance(raw, list | tuple) or len(raw) != len(COLUMN_WIDTHS):
        return None
    try:
        widths = [int(w) for w in raw]
    except (TypeError, ValueError):
        return None
    return widths if all(16 <= w <= 4000 for w in widths) else None


class MainWindow(QMainWindow):
    """Timeline, map, table and detail panes plus the filter dock, linked by one Session."""

    def __init__(self, settings: QSettings, lang: str = "zh_CN", forced_lang: bool = False):
        super().__init__()
        self.settings = settings
        self.lang = lang
        self.forced_lang = forced_lang
        self.session: Session | None = None
        self.db_path: Path | None = None
        # Why the last database could not be used (opening it, or found damaged while
        # reading it); None while one is open and working.
        self.database_problem: DatabaseError | None = None
        self._interactive = True  # whether a problem with the open database may ask what to do
        failures.watch(self)
        self.setObjectName("MainWindow")
        self.setWindowTitle(self._title())
        self.resize(default_size(self.screen()))
        self.status = LineLabel(hint_chars=80)
        self._unshown_message: tuple[str, int] | None = None  # see say()
        self.statusBar().addWidget(self.status, 1)  # a message shown for a while takes its place
        unsaved = settings_problem(settings)
        if unsaved:
            self.say(self.tr("Settings cannot be saved (%1): the layout, language and filters "
                             "will not be remembered.").replace("%1", unsaved), 20000)
        self.dock = QDockWidget(self)
        self.dock.setObjectName("filterDock")
        self.dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                              | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        self._build_menus()
        self._show_placeholder(None)
        geo = settings.value("window/geometry")
        if isinstance(geo, QByteArray):
            self.restoreGeometry(geo)

    def _title(self) -> str:
        return f"{APP_NAME_ZH} · {APP_NAME}" if self.lang.startswith("zh") else f"{APP_NAME} · {APP_NAME_ZH}"

    # ----------------------------------------------------------------- menus
    def _build_menus(self) -> None:
        """The menus and their shortcuts, in the interface's language (again on a switch:
        the previous actions go, or every shortcut would be there twice and none would work)."""
        mb = self.menuBar()
        mb.clear()
        for a in getattr(self, "_menu_actions", ()):
            self.removeAction(a)
            a.deleteLater()
        for g in getattr(self, "_menu_groups", ()):
            g.deleteLater()
        self.actions: dict[str, QAction] = {}

        def act(key, text, slot, shortcut=None, checkable=False):
            a = QAction(text, self)
            if shortcut:
                a.setShortcut(QKeySequence(shortcut))
            a.setCheckable(checkable)
            a.triggered.connect(slot)
            self.actions[key] = a
            self.addAction(a)
            return a

        f = mb.addMenu(self.tr("&File"))
        f.addAction(act("open", self.tr("&Open database…"), self.choose_database, QKeySequence.StandardKey.Open))
        f.addAction(act("rebuild", self.tr("&Rebuild database from bundled sources"), self.rebuild_database))
        f.addSeparator()
        f.addAction(act("export", self.tr("&Export…"), self.export_csv, "Ctrl+E"))
        f.addAction(act("export_image", self.tr("Export &image…"), self.export_image, "Ctrl+Shift+E"))
        f.addSeparator()
        f.addAction(act("quit", self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit))

        v = mb.addMenu(self.tr("&View"))
        lanes = v.addMenu(self.tr("&Lanes by"))
        group = QActionGroup(self)
        self._menu_groups = [group]
        for mode, label in (("zone", self.tr("&Zone")), ("category", self.tr("&Category")),
                            ("storyline", self.tr("&Storyline"))):
            a = act(f"lanes_{mode}", label, lambda _=False, m=mode: self.set_lane_mode(m), checkable=True)
            group.addAction(a)
            lanes.addAction(a)
        v.addAction(act("fit", self.tr("Fit &all"), self.fit_all, "Ctrl+0"))
        v.addAction(act("zoom_sel", self.tr("&Zoom to selection"), self.zoom_to_selection, "Ctrl+9"))
        v.addAction(act("zoom_yq", self.tr("Map: zoom to &Yangquan"), self.zoom_to_yangquan, "Ctrl+Y"))
        v.addAction(act("map_province", self.tr("Map: all of Shan&xi"), self.map_province, "Ctrl+Shift+Y"))
        v.addAction(act("select_lanes", self.tr("Select the event's &timeline"), self.select_active_lanes, "Ctrl+L"))
        v.addSeparator()
        v.addAction(act("search", self.tr("&Search"), self.focus_search, QKeySequence.StandardKey.Find))
        v.addAction(act("prev", self.tr("&Previous event"), lambda: self._step(-1), Qt.Key.Key_Left))
        v.addAction(act("next", self.tr("&Next event"), lambda: self._step(+1), Qt.Key.Key_Right))
        v.addAction(act("clear_sel", self.tr("&Clear selection"), self.clear_selection, Qt.Key.Key_Escape))
        v.addAction(act("clear_filters", self.tr("Clear all &filters"), self.clear_filters, "Ctrl+Shift+Backspace"))
        v.addSeparator()
        lang_menu = v.addMenu(self.tr("Lan&guage"))
        lgroup = QActionGroup(self)
        self._menu_groups.append(lgroup)
        for code, label in (("zh_CN", "中文(&Z)"), ("en", "&English")):  # each in its own language
            a = act(f"lang_{code}", label, lambda _=False, c=code: self.set_language(c), checkable=True)
            a.setChecked(code == self.lang)
            lgroup.addAction(a)
            lang_menu.addAction(a)
        v.addAction(act("reset_layout", self.tr("&Reset layout"), self.reset_layout))

        h = mb.addMenu(self.tr("&Help"))
        h.addAction(act("about", self.tr("&About"), self.about))
        self._menu_actions = list(self.actions.values())
        self._sync_actions()

    def _sync_actions(self) -> None:
        """The actions that need a database on while one is shown, and its lane mode checked."""
        session = self.session
        for key in DATA_ACTIONS:
            self.actions[key].setEnabled(session is not None)
        self.actions[f"lanes_{session.lane_mode if session is not None else 'zone'}"].setChecked(True)

    def _remember_database(self, path: Path) -> None:
        """The database to open at the next start: by its absolute path (a relative one
        named another file from another folder), or, the default one (the bundled
        database), as none: another copy or version of the app opens its own."""
        if same_file(path, paths.default_db()):
            if self.settings.contains("database/last"):
                self.settings.remove("database/last")
        elif self.settings.value("database/last") != str(path.absolute()):  # else written at every start
            self.settings.setValue("database/last", str(path.absolute()))

    def say(self, text: str, ms: int = 0) -> None:
        """``text`` in the status bar, in place of the counts, for ``ms`` (0: until another).

        Said before the window shows (settings that cannot be saved, a database that cannot
        be used), it is said again when it shows: ``QStatusBar`` hides the counts only while
        shown, and the two were drawn over each other."""
        self.statusBar().showMessage(text, ms)
        self._unshown_message = None if self.isVisible() else (text, ms)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        said, self._unshown_message = self._unshown_message, None
        if said is not None and self.statusBar().currentMessage() == said[0]:
            self.statusBar().clearMessage()  # (the same message again would change nothing)
            self.statusBar().showMessage(*said)

    # ----------------------------------------------------------------- database
    def open_initial(self, path: Path | None, preload: Preload | None = None) -> None:
        """Open ``path``; with none, the database open when the app last closed (unless
        ``$ZONE_TIMELINE_DB`` names one), and should that fail, the default database, saying
        why in the status bar.  Offer a way out if the one opened at last cannot be used.
        ``preload`` may hold it already read (see :mod:`explorer.gui.preload`)."""
        target = path or paths.default_db()
        last = text_setting(self.settings, "database/last")
        if path is None and last and not os.environ.get(paths.ENV_DB) and Path(last) != target:
            if self.open_database(Path(last), interactive=False, preload=preload):
                self._interactive = True  # damage found later is asked about, as for any database opened
                return
            exc = self.database_problem
            self.say(self.tr("The database last open cannot be used (%1): %2")
                     .replace("%1", str(exc.path)).replace("%2", self.database_reason(exc)), 15000)
        self.open_database(target, interactive=True, preload=preload)

    def open_database(self, path: Path, interactive: bool = True, preload: Preload | None = None) -> bool:
        """Open ``path`` in the window; whether it could be used.

        A database that cannot be used leaves the one shown as it was; why is in
        ``database_problem``, and ``interactive`` asks what to do about it (rebuild, open
        another), else the window says it where there is no database shown."""
        try:
            store = preload.take(path) if preload else None
            if store is None:
                store = EventStore(open_database(path))
            session = Session(store, data_lang(self.lang))
            self._save_layout()  # the open database's filters, lanes and layout: the new one starts from them
            self._restore_state(session)  # before the panes exist: each is built once, for it
            panes = self._build_panes(session)
        except DatabaseError as exc:
            self._cannot_use(exc, interactive)
            return False
        except Exception as exc:  # noqa: BLE001 - a message, not a crash
            # Not a problem the file was found to have (those are DatabaseErrors): say what
            # happened, and leave the details on the error stream for a report.
            traceback.print_exc()
            what = self.tr("could not be shown (%1)").replace("%1", f"{type(exc).__name__}: {exc}")
            self._cannot_use(DatabaseError(path, what), interactive)
            return False
        self.db_path = Path(path)
        self.database_problem = None
        self._interactive = interactive
        self._remember_database(Path(path))
        self._set_session(session, panes)
        return True

    def _cannot_use(self, exc: DatabaseError, interactive: bool) -> None:
        exc = self.database_problem = failures.detached(exc)
        if interactive:
            self._database_problem(exc)
        elif self.session is None:
            self._show_placeholder(exc)

    def database_failed(self, exc: DatabaseError) -> bool:
        """A database error that left a slot or a paint unhandled (see
        :mod:`explorer.gui.failures`): if it is about the database shown, close it and say
        why, once the event being handled is over (it may be a paint).  Whether it was."""
        s = self.session
        if s is None or str(s.store.db.path) != exc.path:
            return False
        if self.database_problem is None:
            self.database_problem = failures.detached(exc)
            QTimer.singleShot(0, self._close_failed)
        return True

    def _close_failed(self) -> None:
        exc = self.database_problem
        if exc is None or self.session is None:
            return
        self._save_layout()
        collector.release()  # the session may have been frozen at start-up
        self.session.store.db.close()  # the file is free to be rebuilt in place
        self.session = None
        self._show_placeholder(exc)
        if self._interactive:
            self._database_problem(exc)

    def _database_problem(self, exc: DatabaseError) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Database cannot be used"))
        box.setText(self.tr("The event database cannot be opened:") + f"\n{exc.path}\n\n{self.database_reason(exc)}")
        box.setDetailedText(exc.reason)
        rebuild = box.addButton(self.tr("Rebuild from bundled sources"), QMessageBox.ButtonRole.AcceptRole)
        other = box.addButton(self.tr("Open another file…"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(self.tr("Close"), QMessageBox.ButtonRole.RejectRole)
        # Enter takes the first way on; for a newer app's file, rebuilding is no way to it.
        box.setDefaultButton(other if exc.kind == "newer-version" else rebuild)
        collector.resume()  # no window paints behind the dialog: what the answer builds is collected
        box.exec()
        clicked = box.clickedButton()
        if clicked is rebuild:
            self.rebuild_database()
        elif clicked is other:
            self.choose_database()
        elif self.session is None:  # else the database shown stays
            self._show_placeholder(exc)

    def database_reason(self, exc: DatabaseError) -> str:
        """Why a database cannot be used, in the interface language."""
        words = {
            "missing": self.tr("The file does not exist."),
            "folder": self.tr("It is a folder, not a database file."),
            "not-file": self.tr("It is a device or a pipe, not a database file."),
            "empty": self.tr("The file is empty: it holds no database."),
            "not-sqlite": self.tr("The file is not an SQLite database, or it is damaged."),
            "wrong-shape": self.tr("The file is an SQLite database, but not an event database of this app."),
            "wrong-version": self.tr("The database was made by another version of the app. Rebuild it."),
            "newer-version": self.tr("The database was made by a newer version of the app. Update the app to "
                                     "open it; rebuilding would make the bundled events, not this file's."),
            "damaged": self.tr("The file is damaged: some of it cannot be read."),
        }
        return words.get(exc.kind, self.tr("The file cannot be read."))

    def choose_database(self) -> None:
        start = str(self.db_path.parent if self.db_path else Path.home())
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open event database"), start,
                                              self.tr("Event databases (*.sqlite *.db);;All files (*)"))
        if path:
            self.open_database(Path(path))

    def rebuild_database(self) -> None:
        """Build a fresh database from the bundled curated files into a writable place."""
        target = paths.default_build_target()
        if paths.is_frozen() or (self.db_path and self.db_path.resolve() != target.resolve()):
            target = paths.user_data_dir() / paths.DB_FILENAME
        self.say(self.tr("Rebuilding the database…"))
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        from explorer.core.build import BuildError, build_database  # noqa: PLC0415 (not needed at start-up)

        try:
            build_database(paths.curated_dir(), target, paths.default_corpus(), passages_from=paths.bundled_db())
        except BuildError as exc:
            QApplication.restoreOverrideCursor()
            QMessageBox.critical(self, self.tr("Rebuild failed"),
                                 "\n".join(str(p) for p in exc.problems[:20]))
            return
        except OSError as exc:
            QApplication.restoreOverrideCursor()
            QMessageBox.critical(self, self.tr("Rebuild failed"), f"{target}: {exc.strerror or exc}")
            return
        QApplication.restoreOverrideCursor()
        self.say(self.tr("Database rebuilt: %1").replace("%1", str(target)), 5000)
        self.open_database(target)

    # ----------------------------------------------------------------- panes
    def _show_placeholder(self, problem: DatabaseError | None) -> None:
        """Where there is no database to show: the start page (which file cannot be used
        and why, or that none is open, and the ways on), the filter dock hidden (empty, it
        was a bare strip with no title) until panes come back."""
        if problem is None:
            heading, message, detail = self.tr("No database open"), "", ""
        else:
            heading = self.tr("The database cannot be used")
            message, detail = f"{problem.path}\n{self.database_reason(problem)}", problem.reason
        buttons = [(self.tr("Open a database…"), lambda: self.choose_database()),
                   (self.tr("Rebuild from bundled sources"), lambda: self.rebuild_database())]
        if problem is not None:  # (not at start-up: finding the default may read two databases' digests)
            bundled = paths.default_db()
            if bundled.is_file() and not same_file(problem.path, bundled):
                buttons.insert(0, (self.tr("Open the bundled database"), lambda: self.open_database(bundled)))
        page = StartPage(heading, message, detail, buttons)
        self.setCentralWidget(page)  # (Qt deletes the panes it held)
        page.setFocus()  # its first button: Enter takes the first way on
        panel = self.dock.widget()
        self.dock.setWidget(QWidget())
        if panel is not None:
            panel.deleteLater()  # the filter panel: its search waits on a timer
        self.dock.hide()
        self._sync_actions()  # (called with no session)
        self.status.setText("")

    def _keep_dock_width(self, width: int | None) -> None:
        """Give the dock back ``width`` (None: its share of a new window) once a shown
        window has laid it out again for a new widget in it or in the centre: Qt then makes
        it as wide as the panel asks, or all but the centre's least (a database opened from
        the menu left the panes ~170 px of a 1000-pixel window; a placeholder was squeezed
        to the right edge).  A window not shown yet lays itself out when shown."""
        if self.isVisible():
            w = width or self._dock_share()
            QTimer.singleShot(0, self, lambda: self._release_dock(w))

    def _hold_dock(self, width: int | None) -> None:
        """Keep a shown dock from growing past ``width`` (None: its share) while new panes
        are put in: laid out first as wide as the new panel asks, it had left the centre a
        sliver, where the timeline's legend, wrapped onto many lines, pushed the splitter
        under it down (a language switch showed the panes in those proportions for a
        moment, until :meth:`_keep_dock_width` gave the dock its width back)."""
        if self.isVisible():
            self.dock.setMaximumWidth(max(width or self._dock_share(), self.dock.minimumSizeHint().width()))

    def _release_dock(self, width: int) -> None:
        self.dock.setMaximumWidth(QWIDGETSIZE_MAX)
        self.resizeDocks([self.dock], [width], Qt.Orientation.Horizontal)

    def _dock_share(self) -> int:
        return min(max(round(self.width() * DOCK_SHARE), DOCK_MIN_PX), DOCK_MAX_PX)

    @staticmethod
    def _build_panes(session: Session) -> tuple:
        """Every pane, built around ``session``. Panes only talk through it.

        They read the database: a damaged one may raise here, before the window changes.
        The panes are made in a holder until then, so that the holder takes those built,
        and the one whose making failed, with it: their timers would read the database again."""
        holder = QWidget()
        try:
            panes = tuple(pane(session, holder) for pane in (TimelineView, MapView, EventTable, DetailView, FilterPanel))
        except BaseException:
            shiboken6.delete(holder)
            raise
        for pane in panes:
            pane.setParent(None)  # out of the holder, which goes (with its children) when this returns
        return panes

    def _set_session(self, session: Session, panes: tuple) -> None:
        """Show ``session`` in its ``panes`` (from :meth:`_build_panes`)."""
        if self.session is not None:
            collector.release()  # the session being replaced may have been frozen at start-up
        kept = self.dock.width() if self.session is not None else None  # a width the user may have set
        self._hold_dock(kept)
        focus = self._focus_place()
        self.session = session
        self.timeline, self.map, self.table, self.detail, self.filters = panes
        self.top_split = QSplitter(Qt.Orientation.Horizontal)
        self.top_split.setObjectName("topSplitter")
        self.top_split.addWidget(self.timeline)
        self.top_split.addWidget(self.map)
        self.bottom_split = QSplitter(Qt.Orientation.Horizontal)
        self.bottom_split.setObjectName("bottomSplitter")
        self.bottom_split.addWidget(self.table)
        self.bottom_split.addWidget(self.detail)
        self.main_split = QSplitter(Qt.Orientation.Vertical)
        self.main_split.setObjectName("mainSplitter")
        self.main_split.addWidget(self.top_split)
        self.main_split.addWidget(self.bottom_split)
        # No pane dragged shut: a shut pane still took the keys (Tab stopped in it, ↓ on its
        # hidden Lanes-by box changed the lanes), and only Reset layout brought it back.
        for split in (self.top_split, self.bottom_split, self.main_split):
            split.setChildrenCollapsible(False)
        self._default_splits()
        self.setCentralWidget(self.main_split)
        self.dock.setWindowTitle(self.tr("Filters"))
        old_panel = self.dock.widget()
        self.dock.setWidget(self.filters)
        if old_panel is not None:  # QDockWidget keeps a replaced widget: with it, its session and database
            old_panel.deleteLater()
        self._sync_actions()
        session.filtered.connect(lambda *_: self._update_status())
        session.selection.changed.connect(lambda *_: self._update_status())
        session.lane_mode_changed.connect(lambda s, _i: self.actions[f"lanes_{s.lane_mode}"].setChecked(True))
        self._restore_layout()
        self.dock.show()  # (hidden on the start page; not closable, so never hidden by the user)
        self._keep_dock_width(kept)
        self._update_status()
        if focus is not None:
            self._refocus(*focus)
        else:  # a first database: the keys to the timeline, where ←/→ step through the events
            self._focus(self.timeline.plot_widget)

    def _panes(self) -> tuple:
        return (self.timeline, self.map, self.table, self.detail, self.filters) if self.session is not None else ()

    def _focus_place(self) -> tuple[int, list[tuple[int, str]]] | None:
        """Where the keyboard's focus is among the panes: the pane's place in
        :meth:`_panes`, and the way down to the widget (each one's place among its
        parent's child widgets, and its class)."""
        w, down = QApplication.focusWidget(), []
        panes = self._panes()
        while w is not None and w.parent() is not None:
            if any(w is p for p in panes):
                return next(i for i, p in enumerate(panes) if w is p), down[::-1]
            down.append((_child_widgets(w.parent()).index(w), type(w).__name__))
            w = w.parent()
        return None

    def _refocus(self, pane: int, down: list[tuple[int, str]]) -> None:
        """The focus to the same place in the new panes (a language switch or another
        database makes them anew: the focus was nowhere, and keys did nothing); where the
        new pane differs there, to its first widget that takes the focus."""
        w = self._panes()[pane]
        for i, kind in down:
            kids = _child_widgets(w)
            if i >= len(kids) or type(kids[i]).__name__ != kind:
                w = next((c for c in self._panes()[pane].findChildren(QWidget)
                          if c.focusPolicy() & Qt.FocusPolicy.TabFocus and c.isVisibleTo(self)), None)
                break
            w = kids[i]
        if w is not None:
            self._focus(w)

    @staticmethod
    def _focus(w: QWidget) -> None:
        if w.isVisible():
            w.setFocus(Qt.FocusReason.OtherFocusReason)
        else:  # once shown: the layouts show new widgets later (a queued call, a toolbar's own layout)
            after_first(w, QEvent.Type.Show, lambda: w.setFocus(Qt.FocusReason.OtherFocusReason), w)

    def _default_splits(self) -> None:
        w, h = max(self.width(), 1200), max(self.height(), 800)
        self.resizeDocks([self.dock], [self._dock_share()], Qt.Orientation.Horizontal)
        self.top_split.setSizes([int(w * 0.52), int(w * 0.30)])
        self.bottom_split.setSizes([int(w * 0.45), int(w * 0.37)])
        self.main_split.setSizes([int(h * 0.55), int(h * 0.45)])

    def _update_status(self) -> None:
        s = self.session
        if s is None:
            return
        n, m, k = len(s.rows), s.store.n, len(s.selection.rows)
        text = self.tr("%1 of %2 events").replace("%1", f"{n:,}").replace("%2", f"{m:,}")
        if k:
            text += " · " + self.tr("%n selected", "", k)
            # Selected events the filters hide stay selected (they come back with the filters).
            hidden = k - int(np.count_nonzero(s.mask[np.fromiter(s.selection.rows, np.intp, k)]))
            if hidden:
                text += " " + self.tr("(%n hidden by the filters)", "", hidden)
        text += f" · {self.db_path}"
        self.status.setText(text)

    # ----------------------------------------------------------------- actions
    def set_lane_mode(self, mode: str) -> None:
        if self.session:
            self.session.set_lane_mode(mode, self)

    def fit_all(self) -> None:
        if self.session:
            self.timeline.fit_all()

    def zoom_to_selection(self) -> None:
        if self.session:
            self.timeline.zoom_to_selection()

    def zoom_to_yangquan(self) -> None:
        if self.session:
            self.map.zoom_to_yangquan()

    def map_province(self) -> None:
        if self.session:
            self.map.fit_province()

    def select_active_lanes(self) -> None:
        """The selected event's timeline(s) selected, as a click on a lane label does (for
        the *Selected timelines* export, from the keyboard)."""
        if self.session and not self.timeline.select_active_lanes():
            self.say(self.tr("Select an event first: its timeline is then selected."), 5000)

    def focus_search(self) -> None:
        if self.session:
            self.dock.show()
            self.filters.focus_search()

    def _step(self, delta: int) -> None:
        if self.session:
            self.session.step_active(delta, self)

    def clear_selection(self) -> None:
        if self.session:
            self.session.selection.clear(self)
            self.session.selection.set_lanes((), self)

    def clear_filters(self) -> None:
        if self.session:
            self.filters.clear_all()  # with an edit still waiting in the panel's boxes

    def export_csv(self) -> None:
        if not self.session:
            return
        from explorer.gui.export_dialog import ExportDialog, run_export  # noqa: PLC0415 (not needed at start-up)

        self.filters.apply_pending()  # a search typed just before: the rows it leaves are exported
        dlg = ExportDialog(self.session, text_setting(self.settings, "export/dir"), self)
        if dlg.exec() != ExportDialog.DialogCode.Accepted:
            return
        path = dlg.path()
        if run_export(self, self.session, dlg.spec(), path, dlg.encoding()):
            self.settings.setValue("export/dir", str(Path(path).parent))
            self.say(self.tr("Exported to %1").replace("%1", path), 6000)

    def export_image(self) -> None:
        if not self.session:
            return
        from explorer.gui.export_dialog import ImageExportDialog, export_error_text  # noqa: PLC0415 (not at start-up)
        from explorer.gui.image_export import ImageExportError, export_plot  # noqa: PLC0415

        self.filters.apply_pending()  # the picture shows a search typed just before
        dlg = ImageExportDialog(text_setting(self.settings, "export/dir"), self, database=self.session.store.db.path)
        if dlg.exec() != ImageExportDialog.DialogCode.Accepted:
            return
        pane = self.timeline if dlg.pane_combo.currentData() == "timeline" else self.map
        try:
            legend = self.timeline.legend if pane is self.timeline else None  # the map's key is in its picture
            out = export_plot(pane.plot_widget, dlg.path(), dlg.width_spin.value(), legend,
                              database=self.session.store.db.path)
        except ImageExportError as exc:
            QMessageBox.critical(self, self.tr("Image export failed"), export_error_text(exc))
            return
        self.settings.setValue("export/dir", str(out.parent))  # shared with the CSV export
        self.say(self.tr("Saved %1").replace("%1", str(out)), 6000)

    def set_language(self, lang: str) -> None:
        """Switch the interface and data language at once, keeping filters and selection."""
        if lang == self.lang:
            return
        self.lang = lang
        self.settings.setValue("language", lang)
        apply_language(QApplication.instance(), lang)
        self.setWindowTitle(self._title())
        self._build_menus()
        for code in ("zh_CN", "en"):
            self.actions[f"lang_{code}"].setChecked(code == lang)
        old = self.session
        if old is None:
            self._show_placeholder(self.database_problem)  # the start page in the new language
            return
        self._save_layout()
        new = Session(old.store, data_lang(lang))
        new.lane_mode = old.lane_mode
        new.state.set(old.filters)
        new.selection.set(old.selection.rows, old.selection.active)
        new.selection.set_lanes(old.selection.lanes)
        head = self.table.view.horizontalHeader()
        sort = head.sortIndicatorSection(), head.sortIndicatorOrder()
        views = self.timeline.view_state(), self.map.view_state()
        self._set_session(new, self._build_panes(new))
        # The panes are new: they show what the old ones showed, not their defaults.
        self.table.view.sortByColumn(*sort)
        self.timeline.restore_view(views[0])
        self.map.restore_view(views[1])

    def reset_layout(self) -> None:
        """The dock, splitters and columns as in a new window; its size too, unless the
        window is maximized or full screen (which it stays)."""
        self.dock.setFloating(False)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        self.dock.setVisible(self.session is not None)  # (empty on the start page)
        if not (self.isMaximized() or self.isFullScreen()):
            self.resize(default_size(self.screen()))
        if self.session:
            self._default_splits()
            self.table.view.reset_columns()
            self.fit_all()

    def about(self) -> None:
        name = APP_NAME_ZH if self.lang.startswith("zh") else APP_NAME
        QMessageBox.about(self, self.tr("About %1").replace("%1", name), self.about_text())

    def about_text(self) -> str:
        version = self.tr("Version")
        curated = self.tr("Events curated from five Chinese articles (2017–2025) on Shanxi development zones; "
                          "each event cites its source passage.")
        licences = self.tr("Data sources and licences")
        basemap = self.tr("Map: Natural Earth 10m province boundaries (public domain).")
        font = self.tr("Font: WenQuanYi Micro Hei (Apache License 2.0).")
        texts = self.tr("Event titles and summaries: written by the project in its own words; "
                        "facts and figures from the cited articles.")
        app = self.tr("The app: MIT licence.")
        libraries = self.tr("Built with Python (PSF licence), Qt for Python (PySide6 and Qt 6, LGPL-3.0), pyqtgraph "
                            "(MIT), NumPy (BSD-3-Clause), SQLAlchemy (MIT) and OpenCC (Apache-2.0); their licence "
                            "texts come with the app (%1).").replace("%1", str(paths.resource("licenses")))
        return (
            f"<h3>{APP_NAME_ZH} · {APP_NAME}</h3><p>{version} {__version__}</p>"
            f"<p>{curated}</p>"
            f"<p><b>{licences}</b><br>"
            f"{basemap}<br>"
            f"{font}<br>"
            f"{texts}<br>"
            f"{app}<br>"
            f"{libraries}</p>"
        )

    # ----------------------------------------------------------------- state
    def _restore_layout(self) -> None:
        for split in (self.top_split, self.bottom_split, self.main_split):
            state = self.settings.value(f"window/{split.objectName()}")
            if isinstance(state, QByteArray):
                split.restoreState(state)
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        widths = column_widths_setting(self.settings.value("table/columns"))
        if widths is not None:
            self.table.view.set_column_widths(widths)

    def _restore_state(self, session: Session) -> None:
        """The lane mode and filters saved last time, into a session no pane shows yet."""
        mode = text_setting(self.settings, "view/lane_mode")
        if mode in LANE_MODES:
            session.set_lane_mode(mode, self)
        raw = text_setting(self.settings, "filters/last")
        try:
            f = Filters.from_dict(json.loads(raw)) if raw else Filters()
        except (ValueError, TypeError):
            f = Filters()
        st = session.store  # ids this database does not have are no filter (a chip of a raw id, no events)
        session.state.set(replace(f, zones=frozenset(z for z in f.zones if z in st.zone_index),
                                  categories=frozenset(c for c in f.categories if c in st.category_index),
                                  storylines=frozenset(s for s in f.storylines if s in st.storyline_index)), self)

    def _save_layout(self) -> None:
        if self.session is None:
            return
        self.filters.apply_pending()  # a search typed just before closing is saved with the rest
        for split in (self.top_split, self.bottom_split, self.main_split):
            self.settings.setValue(f"window/{split.objectName()}", split.saveState())
        self.settings.setValue("window/state", self.saveState())  # the dock where the user put it
        self.settings.setValue("view/lane_mode", self.session.lane_mode)
        self.settings.setValue("filters/last", json.dumps(self.session.filters.to_dict(), ensure_ascii=False))
        widths = self.table.view.column_widths()
        if widths is not None:
            self.settings.setValue("table/columns", widths)
        elif self.settings.contains("table/columns"):
            self.settings.remove("table/columns")  # the columns follow the table's width again

    def save_settings(self) -> None:
        self._save_layout()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())  # (no database open: not saved above)
        self.settings.sync()
        if self.settings.status() != QSettings.Status.NoError:  # the window is closing: said where it can be
            print(f"zone-timeline: settings could not be saved to {self.settings.fileName()}", file=sys.stderr)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.save_settings()
        super().closeEvent(event)


def _child_widgets(w: QWidget) -> list[QWidget]:
    """``w``'s child widgets, in order (not its other children, some of which come and go:
    a pane's first-paint watcher, a toolbar's actions)."""
    return [c for c in w.children() if isinstance(c, QWidget)]
