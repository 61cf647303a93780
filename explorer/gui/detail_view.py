"""The detail pane: everything about the active event, its sources and conflicting versions."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from explorer.core.dates import format_range
from explorer.core.filter_state import Filters
from explorer.core.session import Session
from explorer.core.store import EventDetail, Source, pick
from explorer.gui.application import font_families
from explorer.gui.badge import ICON_PX, badge_pixmap
from explorer.gui.focus_ring import FocusRing
from explorer.gui.palette import category_colour

CSS = """
body { font-size: 10pt; }
h2 { margin: 0 0 2px 0; font-size: 14pt; }
.other { color: #666; margin-bottom: 6px; }
table.facts td { padding: 1px 8px 1px 0; vertical-align: top; }
td.k { color: #555; white-space: nowrap; }
.note { color: #8D6E00; }
.warn { background: #FFEBEE; border: 1px solid #E57373; padding: 4px; }
.src { margin: 6px 0 2px 0; }
.passage { background: #FAFAFA; border-left: 3px solid #90A4AE; padding: 4px 6px; color: #333; }
mark { background: #FFF176; }
table.grid { border-collapse: collapse; }
table.grid td, table.grid th { border: 1px solid #CFD8DC; padding: 2px 6px; vertical-align: top; }
.muted { color: #777; }
"""


BADGE_URL = "badge:conflict"


def _when(rec, lang: str) -> str:
    """An event's date as the table writes it, as HTML: a range with both ends, an
    inferred date in italics with its mark."""
    when = escape(format_range(rec.date, rec.date_end, lang))
    return f"<i>{when} *</i>" if rec.inferred else when


def _gap(bracketed: str) -> str:
    """The space before a bracketed note: none before a full-width bracket, which brings its own."""
    return "" if bracketed.startswith("（") else " "


class _Browser(QTextBrowser):
    """A text browser that draws the conflict badge the table and the timeline draw, and
    that Tab moves through to its links and then on to the next pane (Qt's starts over at
    the first link: Tab never left the pane); Ctrl+Tab (Ctrl+Shift+Tab) goes on to the next
    (previous) pane at once, past the links (a long storyline has over forty)."""

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        key, mods = event.key(), event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and mods == Qt.KeyboardModifier.ControlModifier:
            forward = key == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            self.setTextCursor(QTextCursor(self.document()))
            QWidget.focusNextPrevChild(self, forward)
            return
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and mods == Qt.KeyboardModifier.NoModifier:
            forward = key == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            cursor = self.textCursor()
            here = (cursor.selectionEnd() if forward else cursor.selectionStart()) if cursor.hasSelection() \
                else (-1 if forward else self.document().characterCount())
            if not self._link_beyond(here, forward):  # no link left that way: on to the next pane
                self.setTextCursor(QTextCursor(self.document()))
                QWidget.focusNextPrevChild(self, forward)
                return
        super().keyPressEvent(event)

    def _link_beyond(self, pos: int, forward: bool) -> bool:
        """Whether a link starts at or after ``pos`` (``forward``) or ends before it (a link
        selected by Tab spans from its start to its end)."""
        block = self.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                frag = it.fragment()
                if frag.isValid() and frag.charFormat().isAnchor():
                    if (frag.position() >= pos) if forward else (frag.position() + frag.length() <= pos):
                        return True
                it += 1
            block = block.next()
        return False

    def loadResource(self, kind: int, url: QUrl):  # noqa: N802 (Qt API)
        if kind == QTextDocument.ResourceType.ImageResource.value and url.toString() == BADGE_URL:
            return badge_pixmap(ICON_PX, self.font(), self.devicePixelRatioF())
        return super().loadResource(kind, url)


class DetailView(QWidget):
    """Shows ``session.selection.active``; links to other events select them."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.browser = _Browser()
        self.browser.setAccessibleName(self.tr("Event details"))
        self.browser.setAccessibleDescription(self.tr("Tab goes through the links, Ctrl+Tab on to the next pane."))
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        # Text in the other language keeps its own punctuation: English quotes in a Chinese
        # pane are not set full-width, nor Chinese ones narrow in an English pane.
        lang_css = "".join(f".lang-{code} {{ font-family: {', '.join(repr(f) for f in font_families(code))}; }}\n"
                           for code in ("zh", "en") if font_families(code))
        self.browser.document().setDefaultStyleSheet(CSS + lang_css)
        self.browser.anchorClicked.connect(self._on_link)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.browser)
        self._focus_ring = FocusRing(self.browser)  # where Tab and the keys go
        self._hidden = False  # the event shown is one the filters hide
        self._none = False  # no event shown, and the filters leave none to select
        session.selection.changed.connect(lambda *_: self.refresh())
        session.filtered.connect(self._on_filtered)
        session.language_changed.connect(lambda *_: self.refresh())
        self.refresh()

    def retranslate(self) -> None:
        self.refresh()

    def html(self) -> str:
        return self.browser.toHtml()

    def plain_text(self) -> str:
        return self.browser.toPlainText()

    def _active_hidden(self) -> bool:
        row = self.session.selection.active
        return row is not None and not self.session.mask[row]

    def _none_to_select(self) -> bool:
        s = self.session
        return s.selection.active is None and not s.selection.rows and not len(s.rows)

    def _on_filtered(self, *_) -> None:
        if self._active_hidden() != self._hidden or self._none_to_select() != self._none:  # else it stays as it is
            self.refresh()

    def refresh(self) -> None:
        self._hidden = self._active_hidden()
        self._none = self._none_to_select()
        row = self.session.selection.active
        if row is None:
            n = len(self.session.selection.rows)
            msg = self.tr("Select an event on the timeline, the map or the table to see its details and sources.")
            if n:
                msg = self.tr("%n events selected.", "", n)
            elif self._none:  # nothing to select: say so, as the timeline and the table do
                msg = self.tr("No events match the current filters.")
            self.browser.setHtml(f"<p class='muted'>{escape(msg)}</p>")
            return
        self.browser.setHtml(self._render(self.session.store.detail(row)))

    # ----------------------------------------------------------------- html
    def _render(self, d: EventDetail) -> str:
        s, lang = self.session.store, self.session.lang
        other = "en" if lang == "zh" else "zh"
        r = d.record
        parts = [f"<h2>{escape(r.title(lang))}</h2><div class='other lang-{other}'>{escape(r.title(other))}</div>"]
        if self._hidden:
            parts.append("<p class='note'>" + escape(self.tr(
                "Hidden by the current filters: the other panes show it again when they are cleared.")) + "</p>")
        date = format_range(r.date, r.date_end, lang)
        prec = {"year": self.tr("year"), "month": self.tr("month"), "day": self.tr("day")}[r.date.precision.label]
        precision = self.tr("(precision: %1)").replace("%1", prec)
        date_html = f"{escape(date)}{_gap(precision)}<span class='muted'>{escape(precision)}</span>"
        if r.inferred:
            # The reasoning in the pane's language (the other one when it has none), set in its own fonts.
            before, _, after = self.tr("Inferred date: %1").partition("%1")
            note = f"<span class='lang-{r.inference_language(lang)}'>{escape(r.inference_in(lang))}</span>"
            date_html += f"<br><span class='note'>{escape(before)}{note}{escape(after)}</span>"
        status = {"occurred": self.tr("Occurred"), "planned": self.tr("Planned"),
                  "reported": self.tr("Reported as of publication")}
        path = " › ".join(escape(z.name(lang)) for z in s.zone_path(r.zone))
        cat = s.categories[r.category]
        swatch = f"<span style='color:{category_colour(r.category)}'>■</span>"
        stories = ("、" if lang == "zh" else ", ").join(escape(s.storylines[i].name(lang)) for i in d.storylines) or "—"
        rows = [
            (self.tr("Date"), date_html),
            (self.tr("Status"), escape(status.get(r.status, r.status))),
            (self.tr("Zone"), path),
            (self.tr("Category"), f"{swatch} {escape(cat.name(lang))}"),
            (self.tr("Storylines"), stories),
            (self.tr("Importance"), "★" * r.importance + "☆" * (3 - r.importance)),
            (self.tr("Event id"), f"<code>{escape(r.id)}</code>"),
        ]
        parts.append("<table class='facts'>" + "".join(
            f"<tr><td class='k'>{escape(k)}</td><td>{v}</td></tr>" for k, v in rows) + "</table>")
        parts.append(f"<p>{escape(r.summary(lang))}</p><p class='other lang-{other}'>{escape(r.summary(other))}</p>")
        if d.figures:
            figures = self.tr("Figures")
            parts.append(f"<h3>{escape(figures)}</h3><table class='grid'>" + "".join(
                f"<tr><td>{escape(f.label(lang))}</td><td align='right'><b>{escape(f.value_text(lang))}</b></td></tr>"
                for f in d.figures) + "</table>")
        if r.conflict:
            parts.append(self._conflict_html(d))
        sources = self.tr("Sources")
        parts.append(f"<h3>{escape(sources)}</h3>")
        for src in d.sources:
            parts.append(self._source_html(src))
        if d.sources and d.sources[0].passage is None:
            parts.append("<p class='muted'>" + escape(self.tr(
                "Cited passages are not stored in this database. Rebuild it with "
                "“zone-timeline db build --corpus DIR”, where DIR holds the article files "
                "(../shared/seeds beside the project).")) + "</p>")
        for sid, rows_ in d.storyline_rows.items():
            if not rows_:
                continue
            same = self.tr("Same storyline: %1").replace("%1", s.storylines[sid].name(lang))
            parts.append(f"<h3>{escape(same)}</h3><ul>")
            for rec in s.records(rows_):
                parts.append(f"<li><a href='event:{rec.row}'>{_when(rec, lang)} · {escape(rec.title(lang))}</a></li>")
            parts.append("</ul>")
            if d.storyline_more.get(sid):
                more = self.tr("…and %n more: show the whole storyline", "", d.storyline_more[sid])
                parts.append(f"<p><a href='storyline:{escape(s.storylines[sid].id)}'>{escape(more)}</a></p>")
        return "".join(parts)

    def _source_html(self, src: Source) -> str:
        lang = self.session.lang
        authors = "、".join(src.authors) if lang == "zh" else ", ".join(src.authors)
        conf = {"high": self.tr("high"), "medium": self.tr("medium"),
                "low": self.tr("low")}.get(src.published_confidence, "")
        published = self.tr("Published")
        confidence = self.tr("(confidence: %1)").replace("%1", conf)
        # The article file's line (blank lines count), and its characters counted from 1, both ends in.
        where = (self.tr("line %1, characters %2–%3").replace("%1", str(src.para))
                 .replace("%2", str(src.start + 1)).replace("%3", str(src.end)))
        head = (f"<div class='src'><b>{escape(src.outlet(lang))}</b> · {escape(pick(lang, src.title_zh, src.title_en))}"
                + (f" · {escape(authors)}" if authors else "")
                + f"<br><span class='muted'>{escape(published)} "
                f"{escape(src.published.format(lang))}{_gap(confidence)}{escape(confidence)} · {escape(src.article_id)} · "
                f"{escape(where)}"
                "</span></div>")
        if src.passage is None:
            return head
        p = src.passage
        a, b = src.hl_start, src.hl_end
        body = escape(p[:a]) + "<mark>" + escape(p[a:b]) + "</mark>" + escape(p[b:])
        return head + f"<div class='passage lang-zh'>{body}</div>"  # the articles are Chinese

    def _conflict_html(self, d: EventDetail) -> str:
        s, lang = self.session.store, self.session.lang
        note = pick(lang, d.conflict_note_zh, d.conflict_note_en)
        versions = [d] + [s.detail(r) for r in d.conflict_rows]
        cells = []
        for v in versions:
            rec = v.record
            figs = "<br>".join(escape(f"{f.label(lang)} {f.value_text(lang)}") for f in v.figures)
            opening, closing = ("（", "）") if lang == "zh" else (" (", ")")  # brackets as the language sets them
            srcs = "<br>".join(escape(f"{x.outlet(lang)}{opening}{x.published.format(lang)}{closing} ¶{x.para}")
                               for x in v.sources)
            title = escape(rec.title(lang))
            if rec.row != d.record.row:
                title = f"<a href='event:{rec.row}'>{title}</a>"
            cells.append(f"<td><b>{_when(rec, lang)}</b><br>{title}"
                         f"<br>{figs}<br><span class='muted'>{srcs}</span></td>")
        disagree = self.tr("Sources disagree")
        badge = f"<img src='{BADGE_URL}' width={ICON_PX} height={ICON_PX} align='middle'>"
        return (f"<h3>{badge} {escape(disagree)}</h3><div class='warn'>{escape(note)}</div>"
                f"<table class='grid'><tr>{''.join(cells)}</tr></table>")

    def _on_link(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("storyline:"):  # the storyline's every event, this one kept selected
            self.session.state.set(Filters(storylines=frozenset({text.split(":", 1)[1]})), self)
            return
        if text.startswith("event:"):
            try:
                row = int(text.split(":", 1)[1])
            except ValueError:
                return
            self.session.selection.select_one(row, self)
