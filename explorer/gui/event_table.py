"""The event table: a lazy Qt model over the session's filtered rows, multi-select synced
with the shared selection."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from explorer.core.session import Session
from explorer.core.store import FLAG_CONFLICT, FLAG_INFERRED
from explorer.gui.line_label import LineLabel
from explorer.gui.palette import category_colour

COL_DATE, COL_ZONE, COL_CATEGORY, COL_TITLE = range(4)
PREFETCH_BEFORE, PREFETCH_AFTER = 10, 50  # rows read around the first one Qt asks for (a view and a bit)
# A database of at most this many events is read into the store's record cache once the
# table has first been painted (~30 ms at 5,000): then no filter change waits for the disk
# to show rows it has not shown before, in the table or as the timeline's labels.
READ_AHEAD_MAX = 5000
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.DecorationRole,
                    Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.UserRole})
_CONFLICT_BRUSH = QBrush(QColor("#B71C1C"))


class EventTableModel(QAbstractTableModel):
    """Rows are event rows of the store in the current sort order; text is fetched on demand.

    Only the rows Qt asks to paint are read from the database, so the cost of a reset
    does not grow with the number of events.
    """

    order_changed = Signal()

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.rows = session.rows
        self.sort_column = COL_DATE
        self.sort_order = Qt.SortOrder.AscendingOrder
        self._inverse: np.ndarray | None = None
        self._inverse_of: np.ndarray | None = None
        self._headers = (self.tr("Date"), self.tr("Zone"), self.tr("Category"), self.tr("Title"))
        self._texts: dict[int, tuple[str, str, str, str]] = {}  # event row -> display texts
        self._texts_lang = session.lang
        self._swatches = [QColor(category_colour(i)) for i in range(len(session.store.categories))]
        self._italic = QFont()
        self._italic.setItalic(True)

    def retranslate(self) -> None:
        self._headers = (self.tr("Date"), self.tr("Zone"), self.tr("Category"), self.tr("Title"))
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 3)

    # ----------------------------------------------------------------- Qt API
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 4

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        # Qt asks for about ten roles per cell on every repaint: answer from caches.
        if role not in _ROLES or not index.isValid():
            return None
        i, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            texts = self._texts.get(int(self.rows[i]))
            return (texts or self._fill(i))[col]
        row = int(self.rows[i])
        store = self.session.store
        if role == Qt.ItemDataRole.DecorationRole:
            return self._swatches[int(store.category[row])] if col == COL_CATEGORY else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return _CONFLICT_BRUSH if col == COL_TITLE and store.flags[row] & FLAG_CONFLICT else None
        if role == Qt.ItemDataRole.FontRole:
            return self._italic if col == COL_DATE and store.flags[row] & FLAG_INFERRED else None
        if role == Qt.ItemDataRole.UserRole:
            return row
        return self._tooltip(i)  # ToolTipRole

    def _fill(self, i: int) -> tuple[str, str, str, str]:
        """Display texts for view row ``i`` and its neighbours, read in one query."""
        if len(self._texts) > 20000:
            self._texts.clear()
        lo = max(0, i - PREFETCH_BEFORE)
        rows = [int(r) for r in self.rows[lo : i + PREFETCH_AFTER]]
        store, lang = self.session.store, self.session.lang
        for rec in store.records(rows):
            text = rec.date.format(lang)
            if rec.date_end:
                text += ("—" if lang == "zh" else " – ") + rec.date_end.format(lang)
            self._texts[rec.row] = (
                text + (" *" if rec.inferred else ""),
                store.zones[rec.zone].name(lang),
                store.categories[rec.category].name(lang),
                ("⚠ " if rec.conflict else "") + rec.title(lang),
            )
        return self._texts[int(self.rows[i])]

    def _tooltip(self, i: int) -> str:
        rec = self.session.store.record(int(self.rows[i]))
        lang = self.session.lang
        other = "en" if lang == "zh" else "zh"
        tip = f"{rec.title(lang)}\n{rec.title(other)}"
        if rec.inferred:
            tip += "\n" + self.tr("Date inferred: %s") % rec.inference
        if rec.conflict:
            tip += "\n" + self.tr("Sources disagree (conflict group %s)") % rec.conflict
        return tip

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column, self.sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        self.rows = self._sorted(self.session.rows)
        self.layoutChanged.emit()
        self.order_changed.emit()

    def _sorted(self, rows: np.ndarray) -> np.ndarray:
        store = self.session.store
        if self.sort_column == COL_DATE:
            out = rows  # rows are chronological already
        elif self.sort_column == COL_ZONE:
            out = rows[np.lexsort((rows, store.zone[rows]))]
        elif self.sort_column == COL_CATEGORY:
            out = rows[np.lexsort((rows, store.category[rows]))]
        else:
            recs = store.records([int(r) for r in rows])
            titles = np.array([r.title(self.session.lang) for r in recs], dtype=object)
            keys = np.argsort(titles, kind="stable")
            out = rows[keys]
        if self.sort_order == Qt.SortOrder.DescendingOrder:
            out = out[::-1]
        return np.ascontiguousarray(out)

    def reset_rows(self) -> None:
        self.beginResetModel()
        if self._texts_lang != self.session.lang:
            self._texts.clear()
            self._texts_lang = self.session.lang
        self.rows = self._sorted(self.session.rows)
        self.endResetModel()

    def view_row_of(self, row: int) -> int | None:
        """Where an event row sits in the current order: by binary search in date order
        (the rows' own, ascending or reversed), else through an inverse built once per order
        (a filter change with one row selected would otherwise build one per change)."""
        if self.sort_column == COL_DATE:
            ascending = self.sort_order == Qt.SortOrder.AscendingOrder
            rows = self.rows if ascending else self.rows[::-1]
            i = int(np.searchsorted(rows, row))
            if i >= len(rows) or rows[i] != row:
                return None
            return i if ascending else len(rows) - 1 - i
        if self._inverse is None or self._inverse_of is not self.rows:
            inv = np.full(self.session.store.n, -1, dtype=np.int64)
            inv[self.rows] = np.arange(len(self.rows))
            self._inverse, self._inverse_of = inv, self.rows
        if not 0 <= row < len(self._inverse):
            return None
        pos = int(self._inverse[row])
        return pos if pos >= 0 else None


class EventTable(QWidget):
    """Table pane with an "N of M events" caption; selection follows the shared one."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.caption = LineLabel()
        self.caption.setObjectName("eventCountCaption")
        self.model = EventTableModel(session, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(COL_DATE, Qt.SortOrder.AscendingOrder)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        # A scroll bar coming and going with the row count would re-lay out the pane per filter.
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        hh = self.view.horizontalHeader()
        hh.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        hh.resizeSection(COL_DATE, 120)
        hh.resizeSection(COL_ZONE, 170)
        hh.resizeSection(COL_CATEGORY, 110)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.caption)
        lay.addWidget(self.view)
        self._syncing = False
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection)
        self.view.selectionModel().currentRowChanged.connect(self._on_current)
        self.model.order_changed.connect(self._show_selection)
        session.filtered.connect(self._on_filtered)
        session.selection.changed.connect(self._on_selection)
        session.language_changed.connect(self._on_language)
        self._update_caption()
        self.view.viewport().installEventFilter(self)  # its first paint starts the reading ahead

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Paint and obj is self.view.viewport():
            obj.removeEventFilter(self)  # once: its first paint
            QTimer.singleShot(0, self, self._read_ahead)  # queued behind the window's first paint
        return super().eventFilter(obj, event)

    def _read_ahead(self) -> None:
        """Read every record of a small database into the store's cache (see READ_AHEAD_MAX)."""
        store = self.session.store
        if store.n <= READ_AHEAD_MAX:
            store.records(range(store.n))

    def retranslate(self) -> None:
        self.model.retranslate()
        self._update_caption()

    def _update_caption(self) -> None:
        n, m = len(self.session.rows), self.session.store.n
        self.caption.setText(self.tr("%1 of %2 events").replace("%1", f"{n:,}").replace("%2", f"{m:,}"))

    def _on_filtered(self, session, initiator) -> None:
        self.model.reset_rows()
        # Lay the rows out now rather than on Qt's deferred timer, which would paint the
        # pane a second time right after the change.
        self.view.doItemsLayout()
        self._update_caption()
        self._show_selection()

    def _on_language(self, session) -> None:
        self.model.reset_rows()
        self._show_selection()

    def _on_selection(self, selection, initiator) -> None:
        if initiator is not self:
            self._show_selection()

    def _show_selection(self) -> None:
        """Mirror the shared selection in the view without echoing it back."""
        sel = self.session.selection
        qsel = QItemSelection()
        for row in sel.rows:
            vr = self.model.view_row_of(row)
            if vr is not None:
                qsel.select(self.model.index(vr, 0), self.model.index(vr, 3))
        self._syncing = True
        try:
            sm = self.view.selectionModel()
            sm.select(qsel, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            if sel.active is not None:
                vr = self.model.view_row_of(sel.active)
                if vr is not None:
                    idx = self.model.index(vr, 0)
                    sm.setCurrentIndex(idx, QItemSelectionModel.SelectionFlag.NoUpdate)
                    self.view.scrollTo(idx, QAbstractItemView.ScrollHint.EnsureVisible)
        finally:
            self._syncing = False

    def _on_view_selection(self, *_):
        if self._syncing:
            return
        rows = {int(self.model.rows[i.row()]) for i in self.view.selectionModel().selectedRows()}
        cur = self.view.selectionModel().currentIndex()
        active = int(self.model.rows[cur.row()]) if cur.isValid() and int(self.model.rows[cur.row()]) in rows else None
        self.session.selection.set(rows, active, self)

    def _on_current(self, current, _previous):
        if self._syncing or not current.isValid():
            return
        row = int(self.model.rows[current.row()])
        sel = self.session.selection
        if row in sel.rows and row != sel.active:
            sel.set(sel.rows, row, self)
