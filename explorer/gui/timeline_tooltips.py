"""Hover texts of the timeline: one event, a group of events, or a density cell."""

from __future__ import annotations

import html

import numpy as np
from PySide6 import QtCore

from explorer.core.dates import format_range
from explorer.core.store import FLAG_CONFLICT, FLAG_INFERRED, FLAG_PLANNED, EventStore
from explorer.gui.palette import CONFLICT
from explorer.gui.timeline_layout import PILE, TimelineLayout

GROUP_TITLES = 8  # titles listed in a group's tooltip


class TimelineTooltips(QtCore.QObject):
    """Rich-text tooltips in the data language ``lang``; interface words through ``tr``."""

    def __init__(self, store: EventStore, parent: QtCore.QObject | None = None):
        super().__init__(parent)
        self.store = store

    def for_event(self, row: int, lang: str) -> str:
        """Title, date (a range when there is an end date), zone · category, and caveats."""
        st = self.store
        rec = st.record(row)
        flags = int(st.flags[row])
        lines = [f"<b>{html.escape(rec.title(lang))}</b>",
                 html.escape(format_range(rec.date, rec.date_end, lang)),
                 f"<span style='color:#5F6368'>{html.escape(st.zones[rec.zone].name(lang))} · "
                 f"{html.escape(st.categories[rec.category].name(lang))}</span>"]
        # tr() calls stand outside the f-strings so pyside6-lupdate can extract them.
        if flags & FLAG_INFERRED:
            text = self.tr("Date inferred from the text")
            lines.append(f"<i>{html.escape(text)}</i>")
        if flags & FLAG_PLANNED:
            text = self.tr("Planned")
            lines.append(f"<i>{html.escape(text)}</i>")
        if flags & FLAG_CONFLICT:
            text = self.tr("Sources disagree")
            lines.append(f"<span style='color:{CONFLICT}'>! {html.escape(text)}</span>")
        return "<br>".join(lines)

    def for_group(self, lay: TimelineLayout, g: int, lang: str) -> str:
        """How many events a pile or cluster holds, and the first few of them (those whose
        sources disagree first, marked as on the timeline)."""
        rows = lay.group_rows(g)
        disputed = (self.store.flags[rows] & FLAG_CONFLICT) > 0
        rows = np.concatenate([rows[disputed], rows[~disputed]])
        recs = self.store.records(rows[:GROUP_TITLES].tolist())
        if lay.g_kind[g] == PILE:
            head = self.tr("%n events on %1 (click to select them)", "", len(rows)).replace(
                "%1", format_range(recs[0].date, recs[0].date_end, lang))
        else:
            head = self.tr("%n events here (click to select them)", "", len(rows))
        mark, n_disputed = f"<span style='color:{CONFLICT}'><b>!</b></span> ", int(disputed.sum())
        items = [f"{mark if k < n_disputed else ''}{html.escape(format_range(r.date, r.date_end, lang))} "
                 f"{html.escape(r.title(lang))}"
                 for k, r in enumerate(recs)]
        if len(rows) > GROUP_TITLES:
            items.append("…")
        return f"<b>{html.escape(head)}</b><br>" + "<br>".join(items)

    def for_density(self, count: int) -> str:
        return self.tr("%n event(s) here; zoom in to see them", "", count)
