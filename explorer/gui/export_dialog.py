"""Export dialogs: CSV of timelines (in the background, cancellable) and pane images."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from explorer.core.export import ExportCancelled, ExportError, ExportSpec, plan, row_count, write_csv
from explorer.core.files import same_file, target_problem, through_links
from explorer.core.session import Session

BACKGROUND_ROWS = 20000  # above this the export runs in a worker thread with a progress bar


def grouped(text: str, n: int) -> str:
    """``text`` (a translation of a ``%n`` message, where Qt wrote ``n`` without grouping)
    with ``n`` written as the status bar writes its counts: 437,430."""
    return text.replace(str(n), f"{n:,}", 1)


def confirm_target(dialog: QDialog, path: str, confirmed: str | None, example: str = "timeline.csv",
                   database: Path | None = None) -> bool:
    """Whether the dialog may write ``path``: a full path (``-`` is the command line's
    standard output, and a relative one would land wherever the app was started), not the
    open ``database``, and one whose existing file the user agreed to replace
    (``confirmed``: the path the file picker already asked about).  ``example``: the file
    name the warning suggests."""
    # (Written out: lupdate files a string under the context it reads in the call.)
    if not path or not Path(path).is_absolute():
        QMessageBox.warning(dialog, QCoreApplication.translate("ExportDialog", "Choose a file"),
                            QCoreApplication.translate("ExportDialog", "Choose a full path for the file, such as %1.")
                            .replace("%1", str(Path.home() / example)))
        return False
    problem = target_problem(through_links(Path(path)))
    if problem is None and database is not None and same_file(path, database):
        problem = ("is-database", "is the database being exported; choose another file name")
    if problem:  # a folder, a device, a write-protected file, the database…: said first, not asked about replacing
        QMessageBox.warning(dialog, QCoreApplication.translate("ExportDialog", "Export failed"),
                            export_error_text(ExportError(f"{path}: {problem[1]}", problem[0], path)))
        return False
    if Path(path).exists() and path != confirmed:
        answer = QMessageBox.question(
            dialog, QCoreApplication.translate("ExportDialog", "Replace the file?"),
            QCoreApplication.translate("ExportDialog", "%1 already exists. Replace it?").replace("%1", path),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes
    return True


def _path_row(label: str, edit: QLineEdit, browse_text: str, on_browse) -> tuple[QLabel, QWidget]:
    """A file-name field with its Browse button, as one form row: its label (the field's
    buddy) and the two; the field named by the label for a screen reader."""
    caption = QLabel(label)
    caption.setBuddy(edit)
    edit.setAccessibleName(label.rstrip(":："))  # (Qt finds a buddy's label only beside it)
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    browse = QPushButton(browse_text)
    browse.clicked.connect(on_browse)
    edit.setMinimumWidth(320)  # room for a real path
    row.addWidget(edit)
    row.addWidget(browse)
    return caption, holder


def export_error_text(exc) -> str:  # noqa: ANN001 (an ExportError or an ImageExportError)
    """The error in the interface language; the technical detail follows on its own line."""
    words = {
        "extension": QCoreApplication.translate("ExportDialog", "Name the image file .png or .svg."),
        "encoding": QCoreApplication.translate("ExportDialog", "This text encoding is not supported."),
        "is-folder": QCoreApplication.translate("ExportDialog", "The chosen path is a folder. Choose a file name."),
        "no-folder": QCoreApplication.translate("ExportDialog", "The folder of this file does not exist."),
        "not-folder": QCoreApplication.translate(
            "ExportDialog", "A name in this path is a file, where a folder should be."),
        "not-file": QCoreApplication.translate(
            "ExportDialog", "The chosen path is a device or pipe, not a file. Choose a file name."),
        "read-only": QCoreApplication.translate(
            "ExportDialog", "The chosen file is write-protected. Choose another name, or make it writable."),
        "is-database": QCoreApplication.translate(
            "ExportDialog", "The chosen file is the open event database. Choose another file name."),
        "unwritable": QCoreApplication.translate("ExportDialog", "Cannot write in this folder (no permission or read-only)."),
        "not-encodable": QCoreApplication.translate("ExportDialog", "Some text cannot be written in this encoding. Choose UTF-8."),
        "write-failed": QCoreApplication.translate(
            "ExportDialog",
            "The file could not be written (disk full, or the file is open in another program). "
            "Any existing file is unchanged."),
    }
    return f"{words.get(exc.kind, words['write-failed'])}\n{exc.path}\n\n{exc}"


class ExportWorker(QObject):
    """Runs :func:`write_csv` off the GUI thread."""

    progress = Signal(int, int)
    finished = Signal(int)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, session: Session, spec: ExportSpec, path: str, encoding: str):
        super().__init__()
        self.session, self.spec, self.path, self.encoding = session, spec, path, encoding
        self.cancel_event = threading.Event()

    def run(self) -> None:
        try:
            n = write_csv(self.session.store, self.spec, self.path, self.encoding,
                          progress=lambda d, t: self.progress.emit(d, t), cancel=self.cancel_event)
        except ExportCancelled:
            self.cancelled.emit()
        except ExportError as exc:
            self.failed.emit(export_error_text(exc))
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash
            self.failed.emit(f"{self.path}: {exc}")
        else:
            self.finished.emit(n)


class ExportDialog(QDialog):
    """Choose scope, grouping, encoding and file; shows the row count before writing."""

    def __init__(self, session: Session, default_dir: str = "", parent=None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("Export timelines to CSV"))
        self.scope_group = QButtonGroup(self)
        self.scope_buttons: dict[str, QRadioButton] = {}
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("What to export (always within the current filters):")))
        for key, label in (("lanes", self.tr("Selected timelines")),
                           ("selection", self.tr("Selected events")),
                           ("filter", self.tr("All events under the current filters"))):
            b = QRadioButton(label)
            self.scope_group.addButton(b)
            self.scope_buttons[key] = b
            lay.addWidget(b)
        form = QFormLayout()
        self.lane_combo = QComboBox()
        for mode, label in (("zone", self.tr("Zone")), ("category", self.tr("Category")),
                            ("storyline", self.tr("Storyline"))):
            self.lane_combo.addItem(label, mode)
        self.lane_combo.setCurrentIndex(self.lane_combo.findData(session.lane_mode))
        form.addRow(self.tr("Timelines by:"), self.lane_combo)
        self.encoding_combo = QComboBox()
        for enc, label in (("utf-8-sig", self.tr("UTF-8 with BOM (Excel)")), ("utf-8", self.tr("UTF-8")),
                           ("gb18030", self.tr("GB18030"))):
            self.encoding_combo.addItem(label, enc)
        form.addRow(self.tr("Encoding:"), self.encoding_combo)
        self.path_edit = QLineEdit(str(Path(default_dir or Path.home()) / "timeline.csv"))
        form.addRow(*_path_row(self.tr("File:"), self.path_edit, self.tr("Browse…"), self._browse))
        lay.addLayout(form)
        self.count_label = QLabel()
        self.count_label.setObjectName("exportRowCount")
        lay.addWidget(self.count_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(self.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        sel = session.selection
        self.scope_buttons["lanes"].setEnabled(bool(sel.lanes))
        self.scope_buttons["selection"].setEnabled(bool(sel.rows))
        # The first scope that writes rows: a selection the filters now hide writes none.
        default = next((k for k in ("lanes", "selection") if self.scope_buttons[k].isEnabled()
                        and self._rows_for(k)), "filter")
        self.scope_buttons[default].setChecked(True)
        self._confirmed: str | None = None  # a path the file picker asked to replace
        self.scope_group.buttonToggled.connect(lambda *_: self._update_count())
        self.lane_combo.currentIndexChanged.connect(lambda *_: self._update_count())
        self._update_count()

    def scope(self) -> str:
        return next(k for k, b in self.scope_buttons.items() if b.isChecked())

    def spec(self) -> ExportSpec:
        return self._spec_for(self.scope())

    def _spec_for(self, scope: str) -> ExportSpec:
        sel = self.session.selection
        lane_mode = self.lane_combo.currentData()
        lanes = tuple(k for k in sel.lanes if k.startswith(lane_mode + ":"))
        return ExportSpec(filters=self.session.filters, scope=scope, lane_mode=lane_mode,
                          lanes=lanes, rows=tuple(sorted(sel.rows)), lang=self.session.lang)

    def encoding(self) -> str:
        return self.encoding_combo.currentData()

    def path(self) -> str:
        return self.path_edit.text().strip()

    def row_count(self) -> int:
        return row_count(plan(self.session.store, self.spec()))

    def _rows_for(self, scope: str) -> int:
        return row_count(plan(self.session.store, self._spec_for(scope)))

    def accept(self) -> None:
        if confirm_target(self, self.path(), self._confirmed, database=self.session.store.db.path):
            super().accept()

    def _update_count(self) -> None:
        n = self.row_count()
        self.count_label.setText(grouped(self.tr("%n row(s) will be written.", "", n), n))
        self.export_button.setEnabled(n > 0)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export to"), self.path(), self.tr("CSV files (*.csv)"))
        if path:
            self.path_edit.setText(path if path.lower().endswith(".csv") else path + ".csv")
            self._confirmed = path  # the picker asked before replacing it (not when a suffix was added)


def run_export(parent: QWidget, session: Session, spec: ExportSpec, path: str, encoding: str) -> bool:
    """Write the export; large ones in a worker with progress and Cancel. Returns success."""
    n = row_count(plan(session.store, spec))
    if n < BACKGROUND_ROWS:
        try:
            write_csv(session.store, spec, path, encoding)
        except ExportError as exc:
            QMessageBox.critical(parent, QCoreApplication.translate("ExportDialog", "Export failed"),
                                 export_error_text(exc))
            return False
        return True
    progress = QProgressDialog(grouped(QCoreApplication.translate("ExportDialog", "Exporting %n rows…", "", n), n),
                               QCoreApplication.translate("ExportDialog", "Cancel"), 0, n, parent)
    progress.setWindowTitle(QCoreApplication.translate("ExportDialog", "Export"))
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(0)
    worker = ExportWorker(session, spec, path, encoding)
    thread = QThread(parent)
    worker.moveToThread(thread)
    outcome = _ExportOutcome(progress)
    thread.started.connect(worker.run)
    worker.progress.connect(outcome.on_progress)
    worker.finished.connect(outcome.on_finished)
    worker.failed.connect(outcome.on_failed)
    worker.cancelled.connect(outcome.on_cancelled)
    progress.canceled.connect(worker.cancel_event.set)
    loop = QEventLoop()
    thread.finished.connect(loop.quit)  # queued to this thread: safe even if the worker is already done
    thread.start()
    progress.show()
    loop.exec()
    thread.wait()
    progress.reset()
    progress.deleteLater()
    if outcome.error:
        QMessageBox.critical(parent, QCoreApplication.translate("ExportDialog", "Export failed"), outcome.error)
    return outcome.ok


class _ExportOutcome(QObject):
    """Receives the worker's signals in the GUI thread (its slots are queued here)."""

    def __init__(self, progress: QProgressDialog):
        super().__init__()
        self.progress = progress
        self.ok = False
        self.error = ""

    def _stop(self) -> None:
        self.sender().thread().quit()

    @Slot(int, int)
    def on_progress(self, done: int, _total: int) -> None:
        self.progress.setValue(done)

    @Slot(int)
    def on_finished(self, _n: int) -> None:
        self.ok = True
        self._stop()

    @Slot(str)
    def on_failed(self, message: str) -> None:
        self.error = message
        self._stop()

    @Slot()
    def on_cancelled(self) -> None:
        self._stop()


class ImageExportDialog(QDialog):
    """Pick a pane, a size and a PNG or SVG file."""

    def __init__(self, default_dir: str = "", parent=None, database: Path | None = None):
        super().__init__(parent)
        self.database = database  # the open database: never a target
        self.setWindowTitle(self.tr("Export image"))
        form = QFormLayout(self)
        self.pane_combo = QComboBox()
        self.pane_combo.addItem(self.tr("Timeline"), "timeline")
        self.pane_combo.addItem(self.tr("Map"), "map")
        form.addRow(self.tr("Pane:"), self.pane_combo)
        self.width_spin = QSpinBox()
        self.width_spin.setRange(200, 10000)
        self.width_spin.setValue(2000)
        self.width_spin.setSuffix(self.tr(" px"))
        form.addRow(self.tr("Width:"), self.width_spin)
        self.path_edit = QLineEdit(str(Path(default_dir or Path.home()) / "timeline.png"))
        form.addRow(*_path_row(self.tr("File (.png or .svg):"), self.path_edit, self.tr("Browse…"), self._browse))
        self.pane_combo.currentIndexChanged.connect(self._name_for_pane)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._confirmed: str | None = None  # a path the file picker asked to replace

    def path(self) -> str:
        return self.path_edit.text().strip()

    def _name_for_pane(self) -> None:
        """The suggested name follows the pane (timeline.png, map.png) until the user names the file."""
        path = Path(self.path())
        if path.stem in ("timeline", "map"):
            self.path_edit.setText(str(path.with_stem(self.pane_combo.currentData())))

    def accept(self) -> None:
        if confirm_target(self, self.path(), self._confirmed, f"{self.pane_combo.currentData()}.png", self.database):
            super().accept()

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export image"), self.path_edit.text(),
                                              self.tr("Images (*.png *.svg)"))
        if path:
            self.path_edit.setText(path)
            self._confirmed = path
