"""The filter panel: search, active-filter chips, zone tree, year range, categories, storylines.

A thin view over :class:`explorer.core.session.Session`.  Every user action becomes one
``session.state.update(self, ...)``; every change of the filters, from here or from
another pane (a map click, a timeline brush), comes back through ``session.filtered``
and is only *reflected* here.  Typing and spinning are debounced, and a widget whose
debounce timer is still running is not overwritten, so the echo never fights the user.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, QRect, QRectF, QSignalBlocker, QSize, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPalette, QPixmap, QRegion
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QScrollArea,
    QScrollBar,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from explorer.core.session import Session
from explorer.gui.line_label import LineLabel
from explorer.gui.palette import category_colour

SEARCH_DEBOUNCE_MS = 250
YEAR_DEBOUNCE_MS = 300
COUNT_PAD = 14  # px beside the widest count
CHIP_MAX_WIDTH = 200  # px of label text before a chip elides (full text in its tooltip)
MIN_CHIP_TEXT_PX = 24  # px of label text a chip keeps however narrow the panel
ID_ROLE = Qt.ItemDataRole.UserRole
REMOVE_MARK = "✕"
DIMMED_ROWS_REPAINTED = 12  # up to this many rows changing colour are repainted one by one, else the whole list


class FlowLayout(QLayout):
    """Widgets left to right, wrapping onto new lines (after Qt's flow-layout example)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)
        # As Qt's own layouts do: laid out before (a chip shown lays its row out at once),
        # the row would keep that arrangement, the chips added since left where they were.
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        """As tall as the tallest item, but no wider than the margins: the row takes the
        width it is given (its owner fits the items to it), never making its panel wider."""
        height = max((item.minimumSize().height() for item in self._items), default=0)
        m = self.contentsMargins()
        return QSize(m.left() + m.right(), height + m.top() + m.bottom())

    def _arrange(self, rect: QRect, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and line > 0:
                x, y, line = area.x(), y + line + self._gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), QSize(min(hint.width(), area.width()), hint.height())))
            x += hint.width() + self._gap
            line = max(line, hint.height())
        return y + line - rect.y() + m.bottom()


class _Rows:
    """The rows of one check list (zone tree, categories, storylines) and what they show.

    ``show`` touches only the rows whose count, check mark or dimming changed: an item
    edit costs a model signal and a view update, even when the text stays the same.  Rows
    under a collapsed parent (most of the zone tree) are brought up to date when it is
    expanded, not at every filter change.
    """

    def __init__(self, tree: QTreeWidget, items: dict[str, QTreeWidgetItem], index: dict[str, int],
                 dim: Callable[[], QBrush | None]):
        self.tree = tree
        self.items = items
        self._list = list(items.values())
        self._at = np.array([index[key] for key in items], np.intp)  # each row's entry in the counts
        self._source: np.ndarray | None = None  # the counts array last shown (unchanged arrays are skipped)
        self._counts: np.ndarray | None = None  # each row's latest count
        self._shown: np.ndarray | None = None  # the count each row shows
        self._dim = dim  # the brush of a row with a count of 0
        self._hidden = self._collapsed_rows()
        self.checked: frozenset[str] = frozenset()  # the rows ticked in the widget
        self._partial: frozenset[str] = frozenset()  # the branches shown part-ticked
        self._key_of = {id(item): key for key, item in items.items()}
        tree.itemExpanded.connect(self._expansion_changed)
        tree.itemCollapsed.connect(self._expansion_changed)

    def show(self, counts: np.ndarray, active: frozenset) -> None:
        if counts is not self._source:
            self._source = counts
            self._counts = counts[self._at]
            self._write()
        ticked = frozenset(k for k in active if k in self.items)
        if ticked != self.checked:
            # A branch holding a ticked row shows a part-ticked box: folded away, the row
            # would leave no mark (a click ticks the branch, and so all of it).
            partial = frozenset(self._key_of.get(id(p)) for k in ticked for p in _ancestors(self.items[k])) - ticked - {None}
            with QSignalBlocker(self.tree):
                for key in (ticked ^ self.checked) | (partial ^ self._partial):
                    state = (Qt.CheckState.Checked if key in ticked else
                             Qt.CheckState.PartiallyChecked if key in partial else Qt.CheckState.Unchecked)
                    self.items[key].setCheckState(0, state)
            self.checked, self._partial = ticked, partial

    def _write(self) -> None:
        """Write the latest counts into the rows not under a collapsed parent whose shown
        count differs (every row the first time), and have them repainted."""
        new, old = self._counts, self._shown
        if new is None:
            return
        if old is None:
            todo = range(len(new))
            self._shown = new.copy()
        else:
            todo = np.flatnonzero((new != old) & ~self._hidden).tolist()
        dimmed = []  # rows whose names change colour
        # Told item by item, the view would repaint once per edit: batch them, update once.
        with QSignalBlocker(self.tree.model()):
            for k in todo:
                item, n = self._list[k], int(new[k])
                item.setText(1, str(n))
                # Rows with nothing left under the other filters stay checkable but recede.
                if old is None or (old[k] == 0) != (n == 0):
                    dimmed.append(item)
                    for col in (0, 1):
                        item.setData(col, Qt.ItemDataRole.ForegroundRole, self._dim() if n == 0 else None)
        if old is not None:
            old[todo] = new[todo]
        if todo:
            self._repaint(dimmed, whole=old is None or len(dimmed) > DIMMED_ROWS_REPAINTED)

    def _repaint(self, dimmed: list[QTreeWidgetItem], whole: bool) -> None:
        """Have the view paint the counts again, and the rows whose names changed colour:
        not the whole list, whose names (most of the painting) stay as they were."""
        viewport = self.tree.viewport()
        if whole:
            viewport.update()
            return
        header = self.tree.header()
        region = QRegion(header.sectionViewportPosition(1), 0, header.sectionSize(1), viewport.height())
        for item in dimmed:
            row = self.tree.visualItemRect(item)
            if row.isValid():
                region += QRect(0, row.top(), viewport.width(), row.height())
        viewport.update(region)

    def _collapsed_rows(self) -> np.ndarray:
        """Per row: whether it is under a collapsed parent, so cannot be seen."""
        return np.array([_under_collapsed(item) for item in self._list], bool)

    def _expansion_changed(self, _item: QTreeWidgetItem) -> None:
        self._hidden = self._collapsed_rows()
        self._write()

    def read_checked(self) -> frozenset[str]:
        """The ticked rows as the user left them (after a click in the list)."""
        self.checked = frozenset(k for k, it in self.items.items() if it.checkState(0) == Qt.CheckState.Checked)
        self._partial = frozenset(k for k, it in self.items.items() if it.checkState(0) == Qt.CheckState.PartiallyChecked)
        return self.checked


def _ancestors(item: QTreeWidgetItem):
    parent = item.parent()
    while parent is not None:
        yield parent
        parent = parent.parent()


def _under_collapsed(item: QTreeWidgetItem) -> bool:
    return any(not parent.isExpanded() for parent in _ancestors(item))


WINDOW_KEYS = (Qt.Key.Key_E, Qt.Key.Key_Y)  # with Ctrl: the window's, even while typing (see _KeysFirst)


class _KeysFirst(QObject):
    """Keys the panel's widgets take before the window's shortcuts: ← and → open and close
    the zone tree's branches (the window steps through events with them), and Esc empties a
    search box with text in it (with none, it clears the selection, as elsewhere).  The
    wheel over a year box without the focus scrolls the panel instead of changing the year.
    """

    def __init__(self, parent: QObject, search: QLineEdit, trees: list[QTreeWidget],
                 spins: list[QSpinBox] = (), scroll_bar: QScrollBar | None = None):
        super().__init__(parent)
        self._search, self._trees, self._spins, self._scroll_bar = search, trees, list(spins), scroll_bar
        for w in (search, *trees, *self._spins):
            w.installEventFilter(self)

    def _takes(self, obj: QObject, key: int) -> bool:
        if obj is self._search:
            return key == Qt.Key.Key_Escape and bool(self._search.text())
        return key in (Qt.Key.Key_Left, Qt.Key.Key_Right)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        if (event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
                and obj in self._chip_for.values()):
            self._on_chip_clicked(obj)
            return True
        kind = event.type()
        if kind == QEvent.Type.Wheel and obj in self._spins and not obj.hasFocus():
            # The wheel over a year box the user is not editing scrolls the panel; it changed
            # the year filter while the user only scrolled past.
            if self._scroll_bar is not None:
                QCoreApplication.sendEvent(self._scroll_bar, event)
            return True
        if kind == QEvent.Type.ShortcutOverride and obj in (self._search, *self._spins) \
                and event.key() in WINDOW_KEYS and event.modifiers() == Qt.KeyboardModifier.ControlModifier:
            # Typing, the boxes took the window's Ctrl+Y (the map on Yangquan) as their redo
            # (Windows' binding; Ctrl+Shift+Z still is) and Ctrl+E (export) as "end of line"
            # (X11's): the keys did nothing there.  The window's shortcuts they are.
            event.ignore()
            return True
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) \
                and event.modifiers() == Qt.KeyboardModifier.NoModifier and self._takes(obj, event.key()):
            if kind == QEvent.Type.ShortcutOverride:
                event.accept()  # a key press, not the window's shortcut
                return True
            if obj is self._search:
                self._search.clear()  # applied at once, as the clear button is
                return True
        return False


def _check_tree(flat: bool) -> QTreeWidget:
    """A two-column (name | count) list of checkable rows, header hidden."""
    tree = QTreeWidget()
    tree.setColumnCount(2)
    tree.setHeaderHidden(True)
    tree.setRootIsDecorated(not flat)
    tree.setUniformRowHeights(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    tree.setTextElideMode(Qt.TextElideMode.ElideRight)
    header = tree.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)  # see _fit_count_column
    header.setMinimumSectionSize(1)
    if flat:
        # Short lists: as tall as their rows, so only the panel itself scrolls.
        tree.setIndentation(0)
        tree.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        tree.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        tree.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    return tree


def _fit_count_column(tree: QTreeWidget, most: int) -> None:
    """Make the count column as wide as ``most``, the largest count it can ever show.

    Fixed rather than fitted to the counts shown: a fitted column is re-measured, and the
    panel re-laid out and repainted, on every filter change.
    """
    tree.header().resizeSection(1, tree.fontMetrics().horizontalAdvance(str(int(most))) + COUNT_PAD)


def _checkable_item(parent, ident: str) -> QTreeWidgetItem:
    item = QTreeWidgetItem(parent)
    item.setData(0, ID_ROLE, ident)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(0, Qt.CheckState.Unchecked)
    item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


SWATCH_RATIOS = (1.0, 1.25, 1.5, 2.0, 3.0)  # the screens' device pixel ratios a swatch is drawn for


def _swatch(colour: str, size: int = 12) -> QIcon:
    """A category's colour tile, drawn for each of :data:`SWATCH_RATIOS` (one pixmap of
    ``size`` logical pixels, scaled up, was blurred on a high-density screen)."""
    icon = QIcon()
    for ratio in SWATCH_RATIOS:
        pix = QPixmap(round(size * ratio), round(size * ratio))
        pix.setDevicePixelRatio(ratio)
        pix.fill(Qt.GlobalColor.transparent)
        with QPainter(pix) as p:  # in logical pixels: its outline is `ratio` device pixels wide
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setPen(QColor(colour).darker(130))
            p.setBrush(QColor(colour))
            p.drawRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), 2, 2)
        icon.addPixmap(pix)
    return icon


def _section_label() -> QLabel:
    label = QLabel()
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class FilterPanel(QWidget):
    """Every filter of the shared :class:`FilterState`, for a narrow dock.

    Parameters
    ----------
    session
        The shared session.  The panel only changes ``session.state`` (with itself
        as the initiator) and reacts to ``session.filtered`` and
        ``session.language_changed``.
    parent
        The usual Qt parent.

    Attributes
    ----------
    search_edit, clear_all_button, zone_tree, year_from, year_to, all_years_button,
    category_list, storyline_list
        The widgets, for tests and for the main window's shortcuts.
    """

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.store = session.store
        self._zone_items: dict[str, QTreeWidgetItem] = {}
        self._category_items: dict[str, QTreeWidgetItem] = {}
        self._storyline_items: dict[str, QTreeWidgetItem] = {}
        self._chip_key: tuple | None = None  # what the chips show, to rebuild only on a change
        self._chip_for: dict[tuple, QToolButton] = {}  # (field, value) -> its chip, kept while shown
        self._spare_chips: list[QToolButton] = []  # hidden chips, reused before new ones are made
        self._swatches: dict[int, QIcon] = {}  # category index -> colour swatch
        self._ready = False  # item edits while building must not reach the shared state
        self._build()
        self._populate()
        self._zone_rows = _Rows(self.zone_tree, self._zone_items, self.store.zone_index, self._dim_brush)
        self._term_rows = {
            "categories": _Rows(self.category_list, self._category_items, self.store.category_index, self._dim_brush),
            "storylines": _Rows(self.storyline_list, self._storyline_items, self.store.storyline_index,
                                self._dim_brush),
        }
        self.retranslate_ui()
        self._apply_names()
        self._refresh(initiator=self)
        # Zones ticked before this panel was made (a language switch, a restart) in view: the
        # tree opens on the cities only, and a ticked place inside showed nowhere but its chip.
        self._reveal_zones(self._zone_rows.checked)
        self._ready = True
        session.filtered.connect(self._on_filtered)
        session.language_changed.connect(self._on_language_changed)
        # The session may outlive the panel: drop our callbacks when Qt deletes us.
        self.destroyed.connect(partial(_disconnect, session, self._on_filtered, self._on_language_changed))

    # ------------------------------------------------------------------ public
    def focus_search(self) -> None:
        """Put the cursor in the search box with its text selected (bound to Ctrl+F)."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def zone_item(self, zone_id: str) -> QTreeWidgetItem | None:
        """The tree row of a zone (``None`` for zones without any event)."""
        return self._zone_items.get(zone_id)

    def category_item(self, category_id: str) -> QTreeWidgetItem | None:
        return self._category_items.get(category_id)

    def storyline_item(self, storyline_id: str) -> QTreeWidgetItem | None:
        return self._storyline_items.get(storyline_id)

    def chip_buttons(self) -> list[QToolButton]:
        """The removable chips of the active filters, in display order."""
        return list(self._chip_for.values())

    def chip_texts(self) -> list[str]:
        """The chips' labels as the user reads them, e.g. ``"2019–2021 ✕"``."""
        return [chip.text().replace("&&", "&") for chip in self._chip_for.values()]

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        # The search box stays pinned above the scrolling part: always one key away.
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._on_text_changed)
        self.search_edit.returnPressed.connect(self._apply_text)
        search_row = QHBoxLayout()
        search_row.setContentsMargins(8, 8, 8, 4)
        search_row.addWidget(self.search_edit)
        outer.addLayout(search_row)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._seen = self.session.filters  # the filters last shown (which fields another pane changes)
        self._search_timer.timeout.connect(self._apply_text)

        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a Tab stop of its own (it scrolls to what has focus)
        self._scroll.viewport().installEventFilter(self)  # its width: the chips' room (see _label_chip)
        self._chip_room_px = 0  # the width the chips were last fitted to
        outer.addWidget(self._scroll)
        content = QWidget()
        lay = QVBoxLayout(content)
        lay.setContentsMargins(8, 4, 8, 8)
        lay.setSpacing(6)
        self._scroll.setWidget(content)

        # Active filters: a count, "Clear all", then one chip per item.
        self._summary_label = LineLabel(hint_chars=24)  # its new text each filter lays nothing out again
        self._summary_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.clear_all_button = QToolButton()
        self.clear_all_button.clicked.connect(self.clear_all)
        row = QHBoxLayout()
        row.addWidget(self._summary_label, 1)
        row.addWidget(self.clear_all_button)
        lay.addLayout(row)
        self._chip_box = QWidget()
        # One style sheet for every chip, set once: a sheet per chip made each new chip
        # re-polish (about 0.5 ms per filter change that adds one).
        self._chip_box.setStyleSheet(
            "QToolButton#filterChip { border: 1px solid palette(mid); border-radius: 10px;"
            " padding: 1px 7px; background: palette(alternate-base); }"
            "QToolButton#filterChip:hover { background: palette(midlight); }"
            "QToolButton#filterChip:focus { border: 2px solid palette(highlight); padding: 0px 6px; }"
        )
        self._chip_layout = FlowLayout(self._chip_box)
        # With no filter, a line saying so, as tall as a line of chips: the first filter
        # ticked no longer pushes the lists under the chips down (the row just clicked
        # went from under the pointer, the next click landing rows lower).
        self._no_chips = QLabel(self._chip_box)
        self._no_chips.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        probe = self._make_chip(None, [])
        probe.setText("X")
        self._no_chips.setMinimumHeight(probe.sizeHint().height())
        probe.hide()
        self._spare_chips.append(probe)
        lay.addWidget(self._chip_box)

        self._zones_label = _section_label()
        lay.addWidget(self._zones_label)
        self.zone_tree = _check_tree(flat=False)
        self.zone_tree.setIndentation(14)
        self.zone_tree.setMinimumHeight(180)
        # A scroll bar coming and going as a filter expands a branch would lay the list out
        # and paint it a second time.
        self.zone_tree.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.zone_tree.itemChanged.connect(self._on_zone_checked)
        lay.addWidget(self.zone_tree, 1)

        self._years_label = _section_label()
        self.all_years_button = QToolButton()
        self.all_years_button.clicked.connect(lambda: self._remove_filter("years"))  # an edit waiting is dropped
        row = QHBoxLayout()
        row.addWidget(self._years_label, 1)
        row.addWidget(self.all_years_button)
        lay.addLayout(row)
        self._from_label, self._to_label = QLabel(), QLabel()
        self.year_from, self.year_to = QSpinBox(), QSpinBox()
        self._year_timer = QTimer(self, singleShot=True, interval=YEAR_DEBOUNCE_MS)
        self._year_timer.timeout.connect(self._apply_years)
        row = QHBoxLayout()
        for label, spin in ((self._from_label, self.year_from), (self._to_label, self.year_to)):
            spin.setRange(self.store.year_min, self.store.year_max)
            spin.setKeyboardTracking(False)  # typing "2019" must not filter by 2, 20, 201
            spin.valueChanged.connect(self._on_year_changed)
            spin.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel does not take the focus to it
            label.setBuddy(spin)
            row.addWidget(label)
            row.addWidget(spin, 1)
        lay.addLayout(row)

        self._categories_label = _section_label()
        lay.addWidget(self._categories_label)
        self.category_list = _check_tree(flat=True)
        self.category_list.itemChanged.connect(partial(self._on_term_checked, "categories"))
        lay.addWidget(self.category_list)

        self._storylines_label = _section_label()
        lay.addWidget(self._storylines_label)
        self.storyline_list = _check_tree(flat=True)
        self.storyline_list.itemChanged.connect(partial(self._on_term_checked, "storylines"))
        lay.addWidget(self.storyline_list)
        self._keys_first = _KeysFirst(self, self.search_edit, [self.zone_tree], [self.year_from, self.year_to],
                                      self._scroll.verticalScrollBar())
        # The flat lists have no scroll bar of their own: the panel scrolls to their current
        # row, or ↓ moved it below the fold and Space ticked a row the user could not see.
        for tree in (self.category_list, self.storyline_list):
            tree.currentItemChanged.connect(partial(self._show_row, tree))
            tree.installEventFilter(self)  # its focus-in (see eventFilter)

    def _populate(self) -> None:
        """Rows for every zone, category and storyline with at least one event."""
        store = self.store
        totals = store.roll_up(store.totals("zones"))  # every event, each zone with those below it
        for z in store.zones:  # parents come before their children
            if totals[z.index] == 0:
                continue
            parent = self._zone_items.get(store.zones[z.parent].id) if z.parent >= 0 else None
            self._zone_items[z.id] = _checkable_item(parent or self.zone_tree, z.id)
        self.zone_tree.expandToDepth(0)  # the province and its cities
        _fit_count_column(self.zone_tree, store.n)  # a zone counts at most every event

        cat_totals = store.totals("categories")
        for c in store.categories:
            if cat_totals[c.index]:
                item = _checkable_item(self.category_list, c.id)
                item.setIcon(0, self._swatch(c.index))
                self._category_items[c.id] = item
        story_totals = store.totals("storylines")
        for s in store.storylines:
            if story_totals[s.index]:
                self._storyline_items[s.id] = _checkable_item(self.storyline_list, s.id)
        _fit_count_column(self.category_list, cat_totals.max(initial=0))
        _fit_count_column(self.storyline_list, story_totals.max(initial=0))

    # ------------------------------------------------------------------ texts
    def retranslate_ui(self) -> None:
        """Interface strings (called again on a ``QEvent.LanguageChange``)."""
        self.search_edit.setPlaceholderText(self.tr("Search titles, summaries, zones…"))
        self.search_edit.setToolTip(self.tr("Every word must match; Traditional and Simplified both work (Ctrl+F)"))
        self.clear_all_button.setText(self.tr("Clear all"))
        self.clear_all_button.setToolTip(self.tr("Remove every filter"))
        self._zones_label.setText(self.tr("Zones"))
        self._years_label.setText(self.tr("Years"))
        self.all_years_button.setText(self.tr("All years"))
        self.all_years_button.setToolTip(self.tr("Remove the year range"))
        self._from_label.setText(self.tr("From"))
        self._to_label.setText(self.tr("To"))
        self._categories_label.setText(self.tr("Categories"))
        self._storylines_label.setText(self.tr("Storylines"))
        # What a screen reader names each list and the search box by.
        for widget, name in ((self.search_edit, self.tr("Search")), (self.zone_tree, self.tr("Zones")),
                             (self.category_list, self.tr("Categories")), (self.storyline_list, self.tr("Storylines"))):
            widget.setAccessibleName(name)
        self._update_summary()
        self._no_chips.setText(self.tr("No filters set"))
        self._rebuild_chips(fresh=True)  # tooltips are translated too
        # The dock may not be dragged narrower than the panel's words and boxes (it clipped
        # its right side: buttons cut in half, the counts and the chips' ✕ gone).
        content = self._scroll.widget()
        room = content.minimumSizeHint().width() + self._scroll.verticalScrollBar().sizeHint().width()
        self._scroll.setMinimumWidth(room + 2 * self._scroll.frameWidth())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _apply_names(self) -> None:
        """Data names and tooltips in ``session.lang``."""
        lang, store = self.session.lang, self.store
        for zid, item in self._zone_items.items():
            z = store.zones[store.zone_index[zid]]
            item.setText(0, z.name(lang))
            item.setToolTip(0, self._zone_tooltip(zid))
        for terms, items in ((store.categories, self._category_items), (store.storylines, self._storyline_items)):
            for t in terms:
                if t.id in items:
                    tip = "\n".join(x for x in dict.fromkeys((t.zh, t.en, t.about(lang))) if x)
                    items[t.id].setText(0, t.name(lang))
                    items[t.id].setToolTip(0, tip)

    def _zone_tooltip(self, zone_id: str) -> str:
        z = self.store.zones[self.store.zone_index[zone_id]]
        lines = list(dict.fromkeys(x for x in (z.name_zh, z.name_en) if x))
        if z.former_names:
            chain = " → ".join([*z.former_names, z.name_zh])
            lines.append(self.tr("Formerly: {names}").format(names=chain))
        if z.aliases:
            comma = "、" if self.session.lang == "zh" else ", "  # as each language lists names
            lines.append(self.tr("Also: {names}").format(names=comma.join(z.aliases)))
        return "\n".join(lines)

    # ------------------------------------------------------------------ user -> state
    def _set_state(self, **fields) -> None:
        self.session.state.update(self, **fields)

    def _on_text_changed(self, text: str) -> None:
        if text:
            self._search_timer.start()
        else:  # the clear button: no reason to wait
            self._apply_text()

    def _apply_text(self) -> None:
        self._search_timer.stop()
        self._set_state(text=self.search_edit.text())

    def _on_year_changed(self, _value: int) -> None:
        self._year_timer.start()  # not connected directly: start(int) would take the year as interval

    def _apply_years(self) -> None:
        a, b = self.year_from.value(), self.year_to.value()
        whole = (min(a, b), max(a, b)) == (self.store.year_min, self.store.year_max)
        self._set_state(years=None if whole else (a, b))

    def _on_zone_checked(self, item: QTreeWidgetItem, column: int) -> None:
        if column != 0 or not self._ready:
            return
        checked = self._zone_rows.read_checked()
        # Zones outside the tree (no events) may still be in the filter, e.g. from the map.
        kept = {z for z in self.session.filters.zones if z not in self._zone_items}
        self._set_state(zones=checked | kept)

    def _on_term_checked(self, field: str, item: QTreeWidgetItem, column: int) -> None:
        if column != 0 or not self._ready:
            return
        rows = self._term_rows[field]
        checked = rows.read_checked()
        kept = {k for k in getattr(self.session.filters, field) if k not in rows.items}
        self._set_state(**{field: checked | kept})

    def _remove_filter(self, field: str, value: object = None) -> None:
        """A chip's click: drop one item of one filter."""
        f = self.session.filters
        if field in ("zones", "categories", "storylines"):
            self._set_state(**{field: getattr(f, field) - {value}})
            return
        (self._search_timer if field == "text" else self._year_timer).stop()
        self.session.state.clear(self, field)
        self._refresh(self)  # also when the state was already clear but a widget was not

    def apply_pending(self) -> None:
        """Apply a search or year edit still waiting out its debounce: before an export
        reads the filters, or the window saves them as it closes (the edit would be lost)."""
        if self._search_timer.isActive():
            self._apply_text()
        if self._year_timer.isActive():
            self._year_timer.stop()
            self._apply_years()

    def clear_all(self) -> None:
        """Every filter cleared, an edit still waiting in the search or year boxes too (it
        would otherwise come back when its wait ends): *Clear all*, here or from the menu."""
        self._search_timer.stop()
        self._year_timer.stop()
        self.session.state.clear(self)
        self._refresh(self)

    # ------------------------------------------------------------------ state -> view
    def _on_filtered(self, session: Session, initiator: object) -> None:
        f = session.filters
        if initiator is not self:
            # Another pane set this field: an edit of it still waiting here is out of date.
            if f.years != self._seen.years:
                self._year_timer.stop()
            if f.text != self._seen.text:
                self._search_timer.stop()
        self._seen = f
        self._refresh(initiator)

    def _on_language_changed(self, session: Session) -> None:
        self._apply_names()
        self._refresh(self)

    def _refresh(self, initiator: object) -> None:
        f = self.session.filters
        if not self._search_timer.isActive() and self.search_edit.text() != f.text:
            with QSignalBlocker(self.search_edit):
                self.search_edit.setText(f.text)
        if not self._year_timer.isActive():
            a, b = f.years or (self.store.year_min, self.store.year_max)
            # The data's years, and those of a filter beyond them (a range brushed on the
            # timeline past the first or last event): the boxes say what is filtered.
            lo, hi = min(self.store.year_min, a), max(self.store.year_max, b)
            for spin, v in ((self.year_from, a), (self.year_to, b)):
                if (spin.minimum(), spin.maximum()) != (lo, hi):
                    with QSignalBlocker(spin):
                        spin.setRange(lo, hi)
                if spin.value() != v:
                    with QSignalBlocker(spin):
                        spin.setValue(v)
        self.all_years_button.setEnabled(f.years is not None)
        self._update_zone_rows(initiator)
        for field, rows in self._term_rows.items():
            rows.show(self.session.counts_without(field), getattr(f, field))
        self._update_summary()
        self._rebuild_chips()

    def _dim_brush(self) -> QBrush:
        return self.palette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)

    def _update_zone_rows(self, initiator: object) -> None:
        before = self._zone_rows.checked
        self._zone_rows.show(self.session.zone_counts()[1], self.session.filters.zones)
        if initiator is not self:  # e.g. a map click: show the newly checked zones
            self._reveal_zones(self._zone_rows.checked - before)

    def _reveal_zones(self, zone_ids) -> None:
        """Open the branches down to each of ``zone_ids`` and scroll it into view."""
        for zid in zone_ids:
            item = self._zone_items[zid]
            for parent in _ancestors(item):
                parent.setExpanded(True)
            self.zone_tree.scrollToItem(item)

    def _update_summary(self) -> None:
        total, shown = self.store.n, len(self.session.rows)
        if self.session.filters.is_empty():
            text = self.tr("All {total} events").format(total=f"{total:,}")  # 1,000,000: as the status bar
        else:
            text = self.tr("{shown} of {total} events").format(shown=f"{shown:,}", total=f"{total:,}")
        self._summary_label.setText(text)
        self.clear_all_button.setEnabled(not self.session.filters.is_empty())

    # ------------------------------------------------------------------ chips
    def _swatch(self, category: int) -> QIcon:
        if category not in self._swatches:
            self._swatches[category] = _swatch(category_colour(category))
        return self._swatches[category]

    def _chip_specs(self) -> list[tuple[str, str, object, int | None]]:
        """(label, field, value, category index for a swatch) for every active filter item, in panel order."""
        f, store, lang = self.session.filters, self.store, self.session.lang
        specs: list[tuple[str, str, object, int | None]] = []
        for zid in sorted(f.zones, key=lambda z: store.zone_index.get(z, len(store.zones))):
            name = store.zones[store.zone_index[zid]].name(lang) if zid in store.zone_index else zid
            specs.append((name, "zones", zid, None))
        if f.years:
            a, b = f.years
            specs.append((str(a) if a == b else f"{a}–{b}", "years", None, None))
        for c in store.categories:
            if c.id in f.categories:
                specs.append((c.name(lang), "categories", c.id, c.index))
        specs += [(k, "categories", k, None) for k in sorted(f.categories - store.category_index.keys())]
        for s in store.storylines:
            if s.id in f.storylines:
                specs.append((s.name(lang), "storylines", s.id, None))
        specs += [(k, "storylines", k, None) for k in sorted(f.storylines - store.storyline_index.keys())]
        if f.text.strip():
            specs.append((f"“{f.text.strip()}”", "text", None, None))
        return specs

    def _rebuild_chips(self, fresh: bool = False) -> None:
        """Show one chip per spec.

        A chip stands for one (field, value): it stays while that item is filtered and is
        only relabelled when its text changes (as the search text does while typing), so
        the chip row keeps its height and the panel is not re-laid out on every keystroke.
        A chip whose item goes is kept for the next new item: making a widget (and
        polishing it) costs more than relabelling one.  One taken up again by a new item
        in the same change stays shown (hidden and shown again, Qt would paint it twice);
        the others are hidden.
        """
        specs = self._chip_specs()
        key = tuple((label, field, value) for label, field, value, _icon in specs)
        if key == self._chip_key and not fresh:
            return
        self._chip_key = key
        below = self._zones_label.y()  # where the lists begin, to keep them in place
        old = self._chip_for
        for chip in old.values():
            self._chip_layout.removeWidget(chip)
        self._chip_layout.removeWidget(self._no_chips)
        self._chip_for = {}
        wanted = {(field, value) for _label, field, value, _category in specs}
        freed = [old.pop(target) for target in list(old) if target not in wanted]  # still shown
        for label, field, value, category in specs:
            chip = old.pop((field, value), None)
            made = chip is None
            if made:
                chip = self._make_chip(category, freed)
            if made or fresh or chip.property("chipLabel") != label:
                self._label_chip(chip, label)
            self._chip_for[(field, value)] = chip
            self._chip_layout.addWidget(chip)
            if made:
                chip.show()  # at once: a chip shown later would lay the row out twice
        for chip in freed:
            chip.hide()  # kept for the next new item (and the clicked chip may be running this code)
            self._spare_chips.append(chip)
        if not self._chip_for:
            self._chip_layout.addWidget(self._no_chips)
        self._no_chips.setVisible(not self._chip_for)
        self._chip_box.updateGeometry()
        # Tab goes through the chips where they stand, after "Clear all" (made later, they came last).
        before = self.clear_all_button
        for chip in self._chip_for.values():
            QWidget.setTabOrder(before, chip)
            before = chip
        QWidget.setTabOrder(before, self.zone_tree)
        # Lay the panel out now, before it is painted: left to Qt's posted layout request,
        # the chips would be painted where they were, then moved and painted again.
        self._scroll.widget().layout().activate()  # the chip row's height
        self._chip_layout.activate()  # the chips in it
        self._keep_lists_in_place(self._zones_label.y() - below)

    def _keep_lists_in_place(self, moved: int) -> None:
        """The chips took ``moved`` more pixels (or fewer): scroll the panel as much, where
        it can, while the user works in it below them, so the row they ticked stays under
        the pointer and in view (a second line of chips pushed it down, out of view at the
        bottom of a small panel)."""
        if not moved or not self.isVisible():
            return
        focus, content = QApplication.focusWidget(), self._scroll.widget()
        if focus is None or not content.isAncestorOf(focus) or focus.mapTo(content, QPoint()).y() < self._zones_label.y():
            return  # the keys elsewhere, or on the chips and the buttons above them
        bar = self._scroll.verticalScrollBar()
        bar.setValue(bar.value() + moved)

    def _make_chip(self, category: int | None, freed: list[QToolButton]) -> QToolButton:
        """A chip (with the swatch of ``category``, if any): one ``freed`` by this change
        (still shown), else a spare one (hidden), else a new one."""
        if freed:
            chip = freed.pop()
        elif self._spare_chips:
            chip = self._spare_chips.pop()
        else:
            chip = QToolButton(self._chip_box)
            chip.setObjectName("filterChip")
            chip.setCursor(Qt.CursorShape.PointingHandCursor)
            chip.setIconSize(QSize(10, 10))
            chip.clicked.connect(partial(self._on_chip_clicked, chip))
            chip.installEventFilter(self)  # Delete and Backspace remove it too
        if category is not None:
            chip.setIcon(self._swatch(category))
            chip.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        else:
            chip.setIcon(QIcon())
            chip.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return chip

    def _on_chip_clicked(self, chip: QToolButton) -> None:
        """Remove the filter the chip stands for now (a chip is reused for other items)."""
        target = next((t for t, c in self._chip_for.items() if c is chip), None)
        if target is not None:
            self._remove_filter(*target)

    def _chip_room(self) -> int:
        """The width a chip may take: the panel's, less its margins (0 before it has one)."""
        m = self._scroll.widget().layout().contentsMargins()
        return max(0, self._scroll.viewport().width() - m.left() - m.right())

    def _show_row(self, tree: QTreeWidget, item: QTreeWidgetItem | None, *_previous) -> None:
        """Scroll the panel so that ``item``, a row of a flat list, is in view with a row
        of room around it (the focused list's current row: where Space ticks)."""
        if item is None or not tree.hasFocus():
            return
        rect = tree.visualItemRect(item)
        centre = tree.viewport().mapTo(self._scroll.widget(), rect.center())
        self._scroll.ensureVisible(centre.x(), centre.y(), 0, rect.height() * 3 // 2)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        if (event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
                and obj in self._chip_for.values()):
            self._on_chip_clicked(obj)
            return True
        if event.type() == QEvent.Type.FocusIn and obj in (self.category_list, self.storyline_list):
            # The scroll area brings the list's top into view; its current row may lie lower.
            QTimer.singleShot(0, self, lambda tree=obj: self._show_row(tree, tree.currentItem()))
        if event.type() == QEvent.Type.Resize and obj is self._scroll.viewport():
            room = self._chip_room()
            if room != self._chip_room_px and self._chip_for:  # the dock was resized: fit the chips again
                for chip in self._chip_for.values():
                    self._label_chip(chip, chip.property("chipLabel"))
                self._chip_layout.invalidate()
        return super().eventFilter(obj, event)

    def _label_chip(self, chip: QToolButton, label: str) -> None:
        """Label ``chip`` with ``label``, elided to at most :data:`CHIP_MAX_WIDTH` pixels and
        to the panel's width (a narrow dock in English: a wider chip would widen the whole
        panel, its right edge cut off)."""
        chip.setProperty("chipLabel", label)
        metrics = self.fontMetrics()
        room = self._chip_room_px = self._chip_room()
        width = CHIP_MAX_WIDTH
        for _ in range(2):
            shown = metrics.elidedText(label, Qt.TextElideMode.ElideRight, width)
            chip.setText(f"{shown} {REMOVE_MARK}".replace("&", "&&"))  # "&" would be a mnemonic
            over = chip.sizeHint().width() - room
            if room <= 0 or over <= 0:
                break
            width = max(MIN_CHIP_TEXT_PX, width - over)
        # A screen reader says the name, then the description (the tooltip, unless set):
        # the filter, then what the button does (both were the tooltip: said twice).
        chip.setToolTip(self.tr("Remove the filter {name}").format(name=label))
        chip.setAccessibleName(label)


def _disconnect(session: Session, on_filtered, on_language, *_args) -> None:
    session.filtered.disconnect(on_filtered)
    session.language_changed.disconnect(on_language)

