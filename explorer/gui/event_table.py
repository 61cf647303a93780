"""The event table: a lazy Qt model over the session's filtered rows, multi-select synced
with the shared selection."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QPointF,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QActionGroup,
    QBrush,
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetricsF,
    QIcon,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QMenu,
    QStyle,
    QStyleOptionFocusRect,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from explorer.core.dates import PartialDate, format_range
from explorer.core.session import Session
from explorer.core.store import FLAG_CONFLICT, FLAG_INFERRED
from explorer.gui.badge import badge_icon
from explorer.gui.first_paint import after_first_paint
from explorer.gui.focus_ring import FocusRing
from explorer.gui.line_label import LineLabel
from explorer.gui.palette import category_colour
from explorer.gui.static_texts import StaticTexts

COL_DATE, COL_ZONE, COL_CATEGORY, COL_TITLE = range(4)
TEXTS_KEPT = 4000  # cell texts kept laid out (dates, zones, categories) before starting afresh
# The date, zone and category columns' widths (px) in a table wide enough for them, and the
# least they shrink to in a narrow one; the title column takes the rest.
COLUMN_WIDTHS = {COL_DATE: 120, COL_ZONE: 170, COL_CATEGORY: 110}
COLUMN_MIN_WIDTHS = {COL_DATE: 64, COL_ZONE: 72, COL_CATEGORY: 64}
# In a narrow table the columns give way in steps, each down to the widths given: the date
# column's room for its longest form (a day range) first, then the zone and category
# columns together (each by its share of the room it has: a zone cut to "Yangqua…" told no
# zone from another), then the date.
SHRINK_ORDER = ({COL_DATE: COLUMN_WIDTHS[COL_DATE]}, {COL_ZONE: COLUMN_MIN_WIDTHS[COL_ZONE],
                COL_CATEGORY: COLUMN_MIN_WIDTHS[COL_CATEGORY]}, {COL_DATE: COLUMN_MIN_WIDTHS[COL_DATE]})
# Of a narrow table's width kept for the titles (unless the columns were set by hand, or the
# others are down to their least widths).
TITLE_SHARE = 0.35
CATEGORY_MAX_WIDTH = 200  # the most the category column widens to show its longest name
DATE_MAX_WIDTH = 240  # the most the date column widens to show its longest form (a day range)
# Rows read with the first one that is not yet in memory: a few above it (for scrolling up),
# and those the view paints with it (or PREFETCH_AFTER, asked for without a view).  Rows
# below the view are not read ahead: after a filter change they cost as much as the rows
# shown (scattered rows of a large database: 30-180 µs each, more when the file is not in
# the system's cache) and are seldom scrolled to.
PREFETCH_BEFORE, PREFETCH_AFTER = 10, 50
# A database of at most this many events is read into the store's record cache once the
# window has first been painted (~30 ms at 5,000): then no filter change waits for the disk
# to show rows it has not shown before, in the table or as the timeline's labels.  (At most
# the store's record cache, 20,000.)
READ_AHEAD_MAX = 5000
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.DecorationRole,
                    Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.UserRole,
                    Qt.ItemDataRole.AccessibleTextRole})
_CONFLICT_COLOUR = QColor("#B71C1C")
_CONFLICT_BRUSH = QBrush(_CONFLICT_COLOUR)


class EventTableModel(QAbstractTableModel):
    """Rows are event rows of the store in the current sort order; text is fetched on demand.

    Only the rows Qt asks to paint are read from the database, so the cost of a reset
    does not grow with the number of events (a small database is read ahead whole once the
    window has painted: see ``READ_AHEAD_MAX``).
    """

    order_changed = Signal()
    about_to_sort = Signal()  # before the rows are put in a new order

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
        # Per category, its colour: the swatch of its cells (the view's, and DecorationRole's).
        self.swatches = [QColor(category_colour(i)) for i in range(len(session.store.categories))]
        self._italic = QFont()
        self._italic.setItalic(True)
        self._badge: QIcon | None = None  # see badge

    @property
    def badge(self) -> QIcon:
        """The timeline's red "!" before a title whose sources disagree: drawn when first
        shown (the first drawing of its bold text costs ~8 ms, too much for start-up)."""
        if self._badge is None:
            self._badge = badge_icon(QFont())
        return self._badge

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
        # The table's own paint reads cells(); this answers tooltips, Qt's delegate when the
        # view paints as Qt does (right to left, or disabled: seven roles per cell on every
        # repaint), keyboard search and any other view, from the same caches.
        if role not in _ROLES or not index.isValid():
            return None
        i, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._row_texts(i)[col]
        row = int(self.rows[i])
        store = self.session.store
        if role == Qt.ItemDataRole.DecorationRole:
            if col == COL_CATEGORY:
                return self.swatches[int(store.category[row])]
            return self.badge if col == COL_TITLE and store.flags[row] & FLAG_CONFLICT else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return _CONFLICT_BRUSH if col == COL_TITLE and store.flags[row] & FLAG_CONFLICT else None
        if role == Qt.ItemDataRole.FontRole:
            return self._italic if col == COL_DATE and store.flags[row] & FLAG_INFERRED else None
        if role == Qt.ItemDataRole.UserRole:
            return row
        if role == Qt.ItemDataRole.AccessibleTextRole:  # what the red "!" and the "*" say, in words
            text = self._row_texts(i)[col]
            if col == COL_DATE and store.flags[row] & FLAG_INFERRED:
                return text.removesuffix(" *") + ", " + self.tr("date inferred")
            if col == COL_TITLE and store.flags[row] & FLAG_CONFLICT:
                return self.tr("Sources disagree") + ": " + text
            return text
        if col == COL_ZONE:  # the whole name, where it is cut short, and where the place lies
            return self._zone_tooltip(int(store.zone[row]))
        return self._tooltip(i)  # ToolTipRole

    def cells(self, i: int, last: int | None = None) -> tuple[tuple[str, str, str, str], int, int]:
        """View row ``i`` as the view paints it: its display texts, category and flags.

        ``last``: the last row the view is painting with it, read in the same query."""
        row = int(self.rows[i])
        store = self.session.store
        return self._row_texts(i, last), int(store.category[row]), int(store.flags[row])

    def _row_texts(self, i: int, last: int | None = None) -> tuple[str, str, str, str]:
        return self._texts.get(int(self.rows[i])) or self._fill(i, last)

    def _fill(self, i: int, last: int | None = None) -> tuple[str, str, str, str]:
        """Display texts for view row ``i`` and its neighbours up to row ``last``, read in
        one query (see ``PREFETCH_BEFORE``)."""
        if len(self._texts) > 20000:
            self._texts.clear()
        lo = max(0, i - PREFETCH_BEFORE)
        hi = i + PREFETCH_AFTER if last is None else max(i, last) + 1
        rows = [int(r) for r in self.rows[lo:hi]]
        store, lang = self.session.store, self.session.lang
        for rec in store.records(rows):
            self._texts[rec.row] = (
                format_range(rec.date, rec.date_end, lang) + (" *" if rec.inferred else ""),
                store.zones[rec.zone].name(lang),
                store.categories[rec.category].name(lang),
                rec.title(lang),
            )
        return self._texts[int(self.rows[i])]

    def _zone_tooltip(self, zone: int) -> str:
        store, lang = self.session.store, self.session.lang
        z = store.zones[zone]
        other = z.name("en" if lang == "zh" else "zh")
        path = " › ".join(p.name(lang) for p in store.zone_path(zone))
        return path + (f"\n{other}" if other and other != z.name(lang) else "")

    def _tooltip(self, i: int) -> str:
        rec = self.session.store.record(int(self.rows[i]))
        lang = self.session.lang
        other = "en" if lang == "zh" else "zh"
        tip = f"{rec.title(lang)}\n{rec.title(other)}"
        if rec.inferred:
            tip += "\n" + self.tr("Date inferred: %s") % rec.inference_in(lang)
        if rec.conflict:
            tip += "\n" + self.tr("Sources disagree (conflict group %s)") % rec.conflict
        return tip

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column, self.sort_order = column, order
        self.about_to_sort.emit()
        # (Emitted with a VerticalSortHint from Python, the signal crashes PySide 6.11.)
        self.layoutAboutToBeChanged.emit()
        # The view's current row and its selection: each index follows its event (left in
        # place, the current row pointed at another event after the sort).
        kept = self.persistentIndexList()
        old = self.rows[np.array([i.row() for i in kept], np.intp)]
        self.rows = self._sorted(self.session.rows)
        if kept:
            where = np.empty(self.session.store.n, np.intp)
            where[self.rows] = np.arange(len(self.rows))
            self.changePersistentIndexList(kept, [self.index(int(r), i.column())
                                                  for r, i in zip(where[old], kept, strict=True)])
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
        """Where an event row sits in the current order (``None``: not shown)."""
        pos = int(self.view_rows_of(np.array([row], np.int64))[0])
        return pos if pos >= 0 else None

    def view_rows_of(self, rows: np.ndarray) -> np.ndarray:
        """Where event ``rows`` sit in the current order (-1: not shown): by binary search in
        date order (the rows' own, ascending or reversed), else through an inverse built
        once per order (a filter change with one row selected would otherwise build one per
        change)."""
        rows = np.asarray(rows, np.int64)
        if self.sort_column == COL_DATE:
            ascending = self.sort_order == Qt.SortOrder.AscendingOrder
            shown = self.rows if ascending else self.rows[::-1]
            i = np.minimum(np.searchsorted(shown, rows), max(len(shown) - 1, 0))
            found = (shown[i] == rows) if len(shown) else np.zeros(len(rows), bool)
            return np.where(found, i if ascending else len(shown) - 1 - i, -1)
        if self._inverse is None or self._inverse_of is not self.rows:
            inv = np.full(self.session.store.n, -1, dtype=np.int64)
            inv[self.rows] = np.arange(len(self.rows))
            self._inverse, self._inverse_of = inv, self.rows
        inside = (rows >= 0) & (rows < len(self._inverse))
        return np.where(inside, self._inverse[np.where(inside, rows, 0)], -1)


@dataclass
class _Look:
    """What a paint of the table's rows needs, worked out once per paint."""

    palette: QPalette
    highlight: QBrush  # a selected row's background, text
    highlighted_text: QColor
    alternate: QBrush | None  # every other row's background (None: alternating colours off)
    text: QColor
    columns: list[tuple[int, int, int]]  # (column, left, width) per column shown, in viewport pixels
    left: int  # where the columns shown start and end
    right: int
    gap: int  # the grid line under and right of each cell (0 without a grid)
    margin: int  # between a cell's edge and its swatch or text
    swatch_inset: int  # from a swatch cell's edge to its text area
    fonts: tuple[QFont, QFont]  # plain, italic
    metrics: tuple[QFontMetricsF, QFontMetricsF]
    lines: tuple[tuple[int, float], ...]  # per font: line height (rounded up), ascent
    elide: Qt.TextElideMode


def date_forms(store, lang: str) -> list[tuple[str, bool]]:  # noqa: ANN001 (an EventStore)
    """The longest date texts the table may show for ``store``, as ``(text, italic)``: for
    each precision its events have, a date, and a range of two when an event of that
    precision spans more than one year, month or day; marked and in italics when some date
    is inferred.  Two-digit days and every month's name stand for any."""
    if not store.n:
        return []
    spans = store.t_end - store.t_start
    inferred = bool((store.flags & FLAG_INFERRED).any())
    out = []
    for p, unit in enumerate((1.0, 1 / 12, 1 / 366)):  # year, month, day (PRECISIONS)
        these = store.precision == p
        if not these.any():
            continue
        dates = [PartialDate(2028)] if p == 0 else [PartialDate(2028, m, 28 if p == 2 else None) for m in range(1, 13)]
        ranged = bool((spans[these] > 1.5 * unit).any())
        for d in dates:
            text = format_range(d, d if ranged else None, lang)
            out.append((text + " *", True) if inferred else (text, False))
    return out


class EventTableView(QTableView):
    """The table's view, painting its rows itself.

    Qt's item delegate paints a cell in about 30 µs here: it asks the Python model for
    seven roles, lays the cell out through the style and lays its text out twice (to draw
    it, and to elide it).  This paint draws what the delegate draws (the rows' backgrounds,
    selection, category swatches, elided text, grid and focus frame) as it draws them (pixel
    for pixel at the app's font; at a few other sizes a line of text sits a pixel higher), in
    about half the time, reading each row's texts once.  Everything else (selection,
    keyboard, scrolling, tooltips, the header) is QTableView's own.
    """

    def __init__(self, model: EventTableModel):
        super().__init__()
        self.setModel(model)
        self.setTabKeyNavigation(False)  # Tab leaves the table (the arrows move within it)
        self._swatches: dict[tuple, QPixmap] = {}  # (category or -1 for the badge, selected, icon size) -> its icon
        self._texts = StaticTexts(TEXTS_KEPT)  # the cells' texts as drawn
        self._by_hand = False  # the user has set the columns' widths: they are left as set
        self._fitting = False
        self._usual = dict(COLUMN_WIDTHS)  # the widths the columns take where there is room
        header = self.horizontalHeader()
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(self._on_section_resized)
        # The header asks, at each paint after a selection change, whether its columns are
        # selected, row by row (Ctrl+A on 100,000 rows: 400,000 calls into the model, ~1 s):
        # a selection of its own, always empty, answers at once.  (Rows are what is selected.)
        header.setSelectionModel(QItemSelectionModel(model, self))
        self._fit_columns()  # fitted again to the table's real width when it is first shown

    # ------------------------------------------------------------------ column widths
    def column_widths(self) -> list[int] | None:
        """The date, zone and category columns' widths when set by hand, else ``None``
        (they follow the table's width)."""
        if not self._by_hand:
            return None
        return [self.horizontalHeader().sectionSize(c) for c in COLUMN_WIDTHS]

    def set_column_widths(self, widths: Sequence[int]) -> None:
        """Set the date, zone and category columns' widths, as if by hand (e.g. restored)."""
        self._by_hand = True
        for c, w in zip(COLUMN_WIDTHS, widths, strict=True):
            self.horizontalHeader().resizeSection(c, int(w))

    def reset_columns(self) -> None:
        """Back to widths that follow the table's width."""
        self._by_hand = False
        self._fit_columns()

    def fit_categories(self, names: Sequence[str]) -> None:
        """Make the category column's usual width hold the longest of ``names`` (at most
        ``CATEGORY_MAX_WIDTH``, at least its width in ``COLUMN_WIDTHS``)."""
        look = self._look()
        text = max((look.metrics[0].horizontalAdvance(n) for n in names), default=0.0)
        need = math.ceil(look.swatch_inset + text + 2 * look.margin + look.gap)
        self._usual[COL_CATEGORY] = min(max(need, COLUMN_WIDTHS[COL_CATEGORY]), CATEGORY_MAX_WIDTH)
        self._fit_columns()

    def fit_dates(self, texts: Sequence[tuple[str, bool]]) -> None:
        """Make the date column's usual width hold the widest of ``texts`` (``(text,
        italic)``: an inferred date is drawn in italics), at most ``DATE_MAX_WIDTH``, at least
        its width in ``COLUMN_WIDTHS``."""
        look = self._look()
        text = max((look.metrics[int(italic)].horizontalAdvance(t) for t, italic in texts), default=0.0)
        need = math.ceil(text + 2 * look.margin + look.gap + 1)
        self._usual[COL_DATE] = min(max(need, COLUMN_WIDTHS[COL_DATE]), DATE_MAX_WIDTH)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """The columns' usual widths; in a table too narrow to leave the titles
        ``TITLE_SHARE`` of its width, the zone and category columns give way first, then
        the date (none below its least width)."""
        if self._by_hand:
            return
        widths = dict(self._usual)
        excess = max(0, sum(widths.values()) - round(self.viewport().width() * (1 - TITLE_SHARE)))
        for group in SHRINK_ORDER:
            spare = {c: max(0, widths[c] - least) for c, least in group.items()}
            total = sum(spare.values())
            give_all = min(excess, total)
            gives = {c: spare[c] * give_all // total if total else 0 for c in group}  # each by its share
            for c in group:  # and what rounding left, where there is room
                more = min(give_all - sum(gives.values()), spare[c] - gives[c])
                gives[c] += more
                widths[c] -= gives[c]
            excess -= give_all
        self._fitting = True
        try:
            for c, w in widths.items():
                self.horizontalHeader().resizeSection(c, w)
        finally:
            self._fitting = False

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        if not self._fitting and column != COL_TITLE:  # the title column stretches to the rest
            self._by_hand = True

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._fit_columns()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._swatches.clear()  # a selected swatch is tinted with the palette's highlight, sized by the style
        if event.type() == QEvent.Type.FontChange:
            self._texts = StaticTexts(TEXTS_KEPT)
        super().changeEvent(event)

    def _swatch(self, category: int, selected: bool) -> QPixmap:
        """A category's colour as the item delegate draws a colour: a filled square icon,
        tinted as a selected icon on a selected row; for ``category`` -1, the conflict
        badge (the title's decoration) as the delegate draws an icon."""
        key = (category, selected, self.iconSize().width(), self.iconSize().height())
        got = self._swatches.get(key)
        if got is None:
            size = self._swatch_size()
            if category < 0:  # the conflict badge
                icon = self.model().badge
            else:
                pm = QPixmap(size)
                pm.fill(self.model().swatches[category])
                icon = QIcon(pm)
            got = self._swatches[key] = icon.pixmap(size, QIcon.Mode.Selected if selected else QIcon.Mode.Normal)
        return got

    def _swatch_size(self) -> QSize:
        """A swatch's size: the view's icon size, or the style's small icon size."""
        if self.iconSize().isValid():
            return self.iconSize()
        side = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, self)
        return QSize(side, side)

    def _look(self) -> _Look:
        style = self.style()
        # As Qt's item views: the active colours only while the view has the focus.
        group = QPalette.ColorGroup.Active if self.hasFocus() and self.isActiveWindow() else QPalette.ColorGroup.Inactive
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1
        header = self.horizontalHeader()
        italic = QFont(self.font())  # an inferred date (the model's FontRole)
        italic.setItalic(True)
        fonts = (self.font(), italic)
        metrics = (QFontMetricsF(fonts[0]), QFontMetricsF(fonts[1]))
        columns = [(c, header.sectionViewportPosition(c), header.sectionSize(c))
                   for c in range(header.count()) if not header.isSectionHidden(c)]
        pal = self.palette()
        return _Look(
            palette=pal, highlight=pal.brush(group, QPalette.ColorRole.Highlight),
            highlighted_text=pal.color(group, QPalette.ColorRole.HighlightedText),
            alternate=pal.brush(group, QPalette.ColorRole.AlternateBase) if self.alternatingRowColors() else None,
            text=pal.color(group, QPalette.ColorRole.Text), columns=columns,
            left=min((x for _, x, _ in columns), default=0), right=max((x + w for _, x, w in columns), default=0),
            gap=1 if self.showGrid() else 0, margin=margin,
            swatch_inset=self._swatch_size().width() + 2 * margin, fonts=fonts, metrics=metrics,
            # A line is centred as the style centres its text layout: by its whole height,
            # rounded up, then drawn from its ascent.
            lines=tuple((math.ceil(fm.ascent() + fm.descent()), fm.ascent()) for fm in metrics),
            elide=self.textElideMode())

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self.isRightToLeft() or not self.isEnabled():  # mirrored or greyed: Qt's own drawing
            super().paintEvent(event)
            return
        n = self.model().rowCount()
        if not n:
            self._paint_empty()
            return
        dirty = event.rect()
        first = self.rowAt(dirty.top())
        if first < 0:
            return
        last = self.rowAt(dirty.bottom())
        last = n - 1 if last < 0 else last
        look = self._look()
        p = QPainter(self.viewport())
        try:  # the rows are read as they paint: a damaged database raises (see explorer.gui.failures)
            for r in range(first, last + 1):
                self._paint_row(p, r, last, look)
            if look.gap:
                self._paint_grid(p, first, last, dirty, look)
            current = self.currentIndex()
            if current.isValid() and self.hasFocus() and first <= current.row() <= last:
                self._paint_focus(p, current.row(), current.column(), look)
        finally:
            p.end()

    def _paint_empty(self) -> None:
        """An empty table says why, rather than leaving a blank pane."""
        p = QPainter(self.viewport())
        p.setPen(self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        area = self.viewport().rect().adjusted(12, 12, -12, -12)
        p.drawText(area, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap),
                   self.tr("No events match the current filters."))
        p.end()

    def _paint_row(self, p: QPainter, r: int, last: int, look: _Look) -> None:
        y, h = self.rowViewportPosition(r), self.rowHeight(r) - look.gap
        selected = self.selectionModel().isRowSelected(r, QModelIndex())
        if selected:
            p.fillRect(look.left, y, look.right - look.left, h, look.highlight)
        elif look.alternate is not None and r % 2:
            p.fillRect(look.left, y, look.right - look.left, h, look.alternate)
        texts, category, flags = self.model().cells(r, last)  # rows r..last read together when new
        for c, x, w in look.columns:
            left = x
            if c == COL_CATEGORY or (c == COL_TITLE and flags & FLAG_CONFLICT):
                icon = self._swatch(category if c == COL_CATEGORY else -1, selected)
                p.drawPixmap(QPointF(x + look.margin, y + (h - icon.height() / icon.devicePixelRatio()) // 2), icon)
                left += look.swatch_inset
            k = 1 if c == COL_DATE and flags & FLAG_INFERRED else 0  # italic: an inferred date
            p.setFont(look.fonts[k])
            if selected:
                p.setPen(look.highlighted_text)
            elif c == COL_TITLE and flags & FLAG_CONFLICT:
                p.setPen(_CONFLICT_COLOUR)
            else:
                p.setPen(look.text)
            text_w = x + w - look.gap - left - 2 * look.margin
            line_h, ascent = look.lines[k]
            if c == COL_TITLE:  # (a title is seldom drawn again soon: laying it out to keep costs more)
                p.drawText(QPointF(left + look.margin, y + (h - line_h) // 2 + ascent),
                           look.metrics[k].elidedText(texts[c], look.elide, text_w))
                continue
            # Dates, zones and categories repeat down the table: each is laid out once per font
            # (and per width only while its column is too narrow for it).
            st = self._texts.elided(texts[c], text_w, look.metrics[k], look.fonts[k], look.elide, key=(k,))
            p.drawStaticText(QPointF(left + look.margin, y + (h - line_h) // 2), st)  # its top left

    def _paint_grid(self, p: QPainter, first: int, last: int, dirty: QRect, look: _Look) -> None:
        opt = QStyleOptionViewItem()
        opt.initFrom(self)
        colour = QColor.fromRgba(self.style().styleHint(QStyle.StyleHint.SH_Table_GridLineColor, opt, self) & 0xFFFFFFFF)
        left, right = max(dirty.left(), look.left), min(dirty.right(), look.right - 1)
        bottom = self.rowViewportPosition(last) + self.rowHeight(last) - 1
        lines = [QRect(left, self.rowViewportPosition(r) + self.rowHeight(r) - 1, right - left + 1, 1)
                 for r in range(first, last + 1)]
        lines += [QRect(x + w - 1, dirty.top(), 1, bottom - dirty.top() + 1) for _, x, w in look.columns]
        if self.gridStyle() == Qt.PenStyle.SolidLine:  # a pixel row or column each, as Qt fills them at any scale
            for line in lines:
                p.fillRect(line, colour)
        else:
            p.setPen(QPen(colour, 1, self.gridStyle()))
            for line in lines:
                p.drawLine(line.topLeft(), line.bottomRight())

    def _paint_focus(self, p: QPainter, r: int, c: int, look: _Look) -> None:
        """The current cell's focus frame, around its text (after a swatch), as the style frames it."""
        shown = [(x, w) for col, x, w in look.columns if col == c]
        if not shown:
            return
        x, w = shown[0]
        if c == COL_CATEGORY:
            x, w = x + look.swatch_inset, w - look.swatch_inset
        selected = self.selectionModel().isRowSelected(r, QModelIndex())
        opt = QStyleOptionFocusRect()
        opt.initFrom(self)
        opt.rect = QRect(x, self.rowViewportPosition(r), w - look.gap, self.rowHeight(r) - look.gap)
        opt.state |= QStyle.StateFlag.State_KeyboardFocusChange | QStyle.StateFlag.State_Item
        if selected:
            opt.state |= QStyle.StateFlag.State_Selected
        opt.backgroundColor = look.palette.color(QPalette.ColorGroup.Normal, QPalette.ColorRole.Highlight if selected
                                                 else QPalette.ColorRole.Window)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, opt, p, self)


class EventTable(QWidget):
    """Table pane with an "N of M events" caption; selection follows the shared one."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.caption = LineLabel()
        self.caption.setObjectName("eventCountCaption")
        self.model = EventTableModel(session, self)
        self.view = EventTableView(self.model)
        self.view.setAccessibleName(self.tr("Events"))
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
        # Qt's own mark (a 1-pixel outline of the current cell) was all but invisible: the
        # table is ringed as the other panes are.
        self._focus_ring = FocusRing(self.view)
        # Sorting by a click on a header has no key: the context menu (the Menu key,
        # Shift+F10, or a right click on the rows or the header) sorts too.
        for widget in (self.view, self.view.viewport(), self.view.horizontalHeader()):
            widget.installEventFilter(self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.caption)
        lay.addWidget(self.view)
        self._syncing = False
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection)
        self.view.selectionModel().currentRowChanged.connect(self._on_current)
        self.model.order_changed.connect(self._show_selection)
        self.model.about_to_sort.connect(self._unshow_selection)
        session.filtered.connect(self._on_filtered)
        session.selection.changed.connect(self._on_selection)
        session.language_changed.connect(self._on_language)
        self._update_caption()
        self._fit_to_texts()
        after_first_paint(self.view.viewport(), self._read_ahead, self)  # painted with the window, at its first paint

    def sort_menu(self) -> QMenu:
        """The table's context menu: sort by a column, ascending or descending."""
        menu = QMenu(self)
        header = self.view.horizontalHeader()
        column, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
        for k, choices in enumerate((
            [(self.tr("Sort by %1").replace("%1", self.model.headerData(c, Qt.Orientation.Horizontal)), c, order)
             for c in range(self.model.columnCount())],
            [(self.tr("Ascending"), column, Qt.SortOrder.AscendingOrder),
             (self.tr("Descending"), column, Qt.SortOrder.DescendingOrder)],
        )):
            if k:
                menu.addSeparator()
            group = QActionGroup(menu)  # one of them checked, drawn as a radio button
            for text, c, o in choices:
                act = menu.addAction(text)
                act.setCheckable(True)
                act.setChecked((c, o) == (column, order))
                act.setActionGroup(group)
                act.triggered.connect(lambda _checked=False, c=c, o=o: self.view.sortByColumn(c, o))
        return menu

    def _show_menu(self, at: QPoint | None) -> None:
        """The context menu at ``at`` (global), or, opened from the keys, under the current
        row's first cell (the top left of the rows when it is out of sight)."""
        if at is None:
            viewport = self.view.viewport()
            index = self.view.currentIndex()
            rect = self.view.visualRect(index.siblingAtColumn(0)) if index.isValid() else QRect()
            at = viewport.mapToGlobal(rect.bottomLeft() if viewport.rect().intersects(rect) else QPoint(0, 0))
        menu = self.sort_menu()
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(at)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        kind = event.type()
        if kind == QEvent.Type.ContextMenu:
            keys = event.reason() == QContextMenuEvent.Reason.Keyboard
            self._show_menu(None if keys else event.globalPos())
            return True
        if kind == QEvent.Type.KeyPress and obj is self.view and event.key() == Qt.Key.Key_F10 \
                and event.modifiers() == Qt.KeyboardModifier.ShiftModifier:
            self._show_menu(None)  # the menu's key where there is no Menu key (not every platform makes it one)
            return True
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
        self._fit_to_texts()
        self._show_selection()

    def _fit_to_texts(self) -> None:
        """The category and date columns' usual widths, for the names and date forms shown."""
        self.view.fit_categories([c.name(self.session.lang) for c in self.session.store.categories])
        self.view.fit_dates(date_forms(self.session.store, self.session.lang))

    def _on_selection(self, selection, initiator) -> None:
        if initiator is not self:
            self._show_selection()

    def _show_selection(self) -> None:
        """Mirror the shared selection in the view without echoing it back."""
        sel = self.session.selection
        qsel = QItemSelection()
        # One range a run of adjacent rows: a range a row made a selection of thousands
        # slow to show (a sort with 8,000 selected took 1.6 s, with 50,000 over half a minute).
        at = np.sort(self.model.view_rows_of(np.fromiter(sel.rows, np.int64, len(sel.rows))))
        at = at[at >= 0]
        if len(at):
            breaks = np.flatnonzero(np.diff(at) != 1) + 1
            for first, last in zip(at[np.r_[0, breaks]].tolist(), at[np.r_[breaks - 1, len(at) - 1]].tolist(),
                                   strict=True):
                qsel.select(self.model.index(first, 0), self.model.index(last, 3))
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

    def _unshow_selection(self) -> None:
        """Clear the view's selection before a sort (shown again after it, from the
        session's): Qt would keep every selected cell's place through the sort, at a
        cost growing faster than their number (50,000 rows: seconds)."""
        self._syncing = True
        try:
            self.view.selectionModel().clearSelection()
        finally:
            self._syncing = False

    def _on_view_selection(self, *_):
        if self._syncing:
            return
        # From the selection's ranges (a row at a time, Ctrl+A on 100,000 rows took 1.3 s).
        ranges = [np.arange(r.top(), r.bottom() + 1) for r in self.view.selectionModel().selection()]
        rows = set(self.model.rows[np.unique(np.concatenate(ranges))].tolist()) if ranges else set()
        if QApplication.keyboardModifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
            # Added to or taken from (Ctrl- or Shift-click, Ctrl+A): the events the filters
            # hide stay selected, as on the timeline; a plain click or a key selects anew.
            rows |= {r for r in self.session.selection.rows if not self.session.mask[r]}
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
