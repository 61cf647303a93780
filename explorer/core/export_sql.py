"""The SQLite path of the CSV export: every row is built as finished CSV text in SQL.

Python never sees a cell.  One query per chunk of rows (two for the rare chunk with a line
break in a cell, see below) returns the chunk's lines, already quoted (RFC 4180, as
``csv.QUOTE_MINIMAL`` does), neutralised (OWASP "CSV injection") and joined, as UTF-8
bytes.  What does not vary per event (zone and city names, timeline labels, article
outlets) is rendered once in Python with :mod:`csv` and handed to the query as JSON lookup
tables; figure values that are not small integers are formatted by the same Python code as
the detail pane (a registered SQL function).

Cells with a line break are rare, so a chunk query first quotes only the cells that hold a
separator or a quote; the chunk's CR and LF bytes are then counted, and a chunk with any
besides its line ends is run again by the query that also quotes line breaks.

Two worker threads, each with its own ``sqlite3`` connection, run the chunk queries
(SQLite releases the GIL while it steps) and the caller receives the chunks in file order.  At most
:data:`AHEAD` chunks wait in memory, so memory stays flat whatever the export size.  The
threads only run side by side because the common path allocates almost nothing per row
(see "SQL pieces" below).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from explorer.core.store import EventStore, number_text

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
WORKERS = 2
AHEAD = 6  # chunks computed but not yet written, at most
_NUM_FN = "zte_export_number"
# A cell holding a separator, a quote or a line break is quoted (csv.QUOTE_MINIMAL, CRLF).
_SPECIAL = (",", '"', "\n", "\r")
_NO_BREAKS = _SPECIAL[:2]  # what the first query of a chunk looks for (see _run)
_SLICE = 1 << 19  # bytes of a chunk counted at a time (bounds the temporary arrays)
PAD = 1024  # bytes printed before each line, then dropped (see "SQL pieces")
QUOTE, PREFIX = '"', "'"
# GLOB pattern of a dangerous first character ("-" last in the set: a literal, not a range).
_GLOB_DANGEROUS = "'[" + "".join(sorted(DANGEROUS, key=lambda c: c == "-")) + "]*'"


def neutralise(cell: str) -> str:
    """Prefix a cell that a spreadsheet would evaluate as a formula with ``'``."""
    return "'" + cell if cell.startswith(DANGEROUS) else cell


def csv_text(rows: Iterable[Sequence[str]]) -> str:
    """``rows`` as the export writes them (``csv.QUOTE_MINIMAL``, CRLF line ends)."""
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def csv_cells(cells: Sequence[str]) -> str:
    """``cells`` neutralised and written as by the export's ``csv.writer``, without the line end."""
    # A trailing empty cell keeps a lone empty cell unquoted, as it is inside a full row.
    return csv_text([[neutralise(c) for c in cells] + [""]])[: -len(",\r\n")]


def source_head(article, lang: str) -> str:  # noqa: ANN001 (a store Article row)
    """A source as the export's Sources column writes it, up to its paragraph number."""
    outlet = article.outlet_zh if lang.startswith("zh") else article.outlet_en
    return f"{outlet}, {article.published}, {article.id}, ¶"


def supported(store: EventStore) -> bool:
    """Whether ``store`` is an SQLite database whose SQLite has what the queries here use:
    the JSON functions and ``AS MATERIALIZED`` common table expressions (SQLite 3.35)."""
    if store.db.backend.name != "sqlite":
        return False
    try:
        with store.db.reading() as conn:
            conn.execute("WITH one(x) AS MATERIALIZED (SELECT 1) "
                         "SELECT key, value FROM one, json_each('{\"a\": 1}')").fetchall()
    except Exception:  # any failure means: use the generic path
        return False
    return True


# ---------------------------------------------------------------------- SQL pieces
# Every allocation of the usual SQLite builds takes one process-wide mutex (memory
# statistics on; Debian's also has no lookaside): two threads that build a few strings for
# each row mostly wait for each other.  The app's entry point switches the statistics off
# (explorer.core.sqlite_setup), which drops that mutex; allocations still cost, and a
# process that started SQLite first (a test, a script) keeps it.  So a line is one
# printf() whose arguments are column values and constants, and tests computed once per
# event are joined as one-row tables: on the common path there is no || and no scalar
# subquery returning text (each allocates).  Only rare cells (quotes to double, several
# figures or sources) build strings.
#
# printf() sizes its buffer by its first piece and then doubles it: a 500-byte line that
# starts with a 13-byte id took six reallocations.  So the line is printed after a pad of
# PAD bytes (one allocation, one reallocation for lines up to about PAD bytes) and
# substr() drops the pad, on the line as a BLOB (byte offsets, no walk over characters),
# copying it into a buffer SQLite keeps from row to row.


def _special(x: str, chars: Sequence[str]) -> str:
    """SQL: true when the text ``x`` holds one of ``chars`` (all of them: it must be quoted).

    (``GLOB '*,*'`` with one literal character scans with ``strcspn``: one of them per
    character costs far less than one ``GLOB '*[,"…]*'`` or an ``instr`` per character.)
    """
    return "(" + " OR ".join(f"{x} GLOB '*{c}*'" for c in chars) + ")"


def _dangerous(x: str) -> str:
    """SQL: true when the text ``x`` starts with a character a spreadsheet would run.

    (Every such character sorts below ``A``: text from ``A`` on, most cells, costs one
    comparison instead of a GLOB.)
    """
    return f"({x} < 'A' AND {x} GLOB {_GLOB_DANGEROUS})"


def _escaped(x: str, quoted: str) -> str:
    """SQL: the text of a cell, its quotes doubled when the cell is quoted."""
    return f"CASE WHEN {quoted} AND instr({x}, '\"') THEN replace({x}, '\"', '\"\"') ELSE {x} END"


def _cell(x: str, chars: Sequence[str]) -> str:
    """SQL: the text ``x`` as one whole neutralised CSV cell, quoted if it holds one of ``chars``
    (builds strings: rare paths only)."""
    return (f"(CASE WHEN {_special(x, chars)} THEN '\"' || CASE WHEN {_dangerous(x)} THEN '''' ELSE '' END "
            f"|| replace({x}, '\"', '\"\"') || '\"' WHEN {_dangerous(x)} THEN '''' || {x} ELSE {x} END)")


def _number(v: str) -> str:
    """SQL: a figure value as :func:`explorer.core.store.number_text` writes it."""
    return (f"(CASE WHEN {v} = CAST({v} AS INTEGER) AND abs({v}) < 1e15 THEN CAST(CAST({v} AS INTEGER) AS TEXT) "
            f"ELSE {_NUM_FN}({v}) END)")


def _pick(zh: bool, a: str, b: str) -> str:
    """SQL form of :func:`explorer.core.store.pick` over two text columns."""
    first, other = (a, b) if zh else (b, a)
    return f"CASE WHEN {first} <> '' THEN {first} ELSE {other} END"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _glue(close: str | None, opening: tuple[str, str] | None, sep: str = ",") -> str:
    """SQL: between two cells: the closing quote of the previous one if ``close``, the
    separator, and the opening of the next one (``opening`` = its quoted and dangerous tests)."""
    def opened(before: str) -> str:
        if opening is None:
            return _literal(before)
        quoted, dangerous = opening
        return (f"CASE WHEN {quoted} THEN CASE WHEN {dangerous} THEN {_literal(before + QUOTE + PREFIX)} "
                f"ELSE {_literal(before + QUOTE)} END WHEN {dangerous} THEN {_literal(before + PREFIX)} "
                f"ELSE {_literal(before)} END")

    if close is None:
        return opened(sep)
    return f"CASE WHEN {close} THEN {opened(QUOTE + sep)} ELSE {opened(sep)} END"


class _Line:
    """One CSV line of event ``e``: a ``printf`` format, its arguments and the joins they need.

    Cells are added in order; what stands between two cells (closing quote, comma, opening
    quote, ``'`` prefix) is one argument chosen by a CASE.  Free text is quoted when it holds
    one of ``chars``.
    """

    def __init__(self, chars: Sequence[str]):
        self.chars = chars
        self.format: list[str] = []
        self.args: list[str] = []
        self.joins: list[str] = []
        self.close: str | None = None  # the previous cell ends with a quote when this is true
        self.started = False

    def flag(self, condition: str) -> str:
        """SQL: ``condition``, evaluated once per event (a one-row table joined on it)."""
        name = f"flag{len(self.joins)}"
        self.joins.append(f"LEFT JOIN one AS {name} ON {condition}")
        return f"({name}.x IS NOT NULL)"

    def cell(self, *args: str, opening: tuple[str, str] | None = None, close: str | None = None) -> None:
        """A cell written as ``args`` (``printf('%s', NULL)`` writes nothing)."""
        sep = "," if self.started else ""
        if self.close is None and opening is None:
            self.format.append(sep + "%s" * len(args))  # a constant glue goes in the format
        else:
            self.format.append("%s" * (len(args) + 1))
            self.args.append(_glue(self.close, opening, sep))
        self.args += args
        self.close = close
        self.started = True

    def text(self, x: str) -> None:
        """A cell of free text: quoted with its quotes doubled, or prefixed, as it must be."""
        quoted = self.flag(_special(x, self.chars))
        self.cell(_escaped(x, quoted), opening=(quoted, _dangerous(x)), close=quoted)

    def sql(self) -> str:
        end = [f"CASE WHEN {self.close} THEN '\"' END"] if self.close else []
        line = ("printf('%s" + "".join(self.format) + "%s" * len(end) + "\r\n', "
                + ", ".join([_literal(" " * PAD), *self.args, *end]) + ")")
        return f"substr(CAST({line} AS BLOB), {PAD + 1})"


def _figures(line: _Line, zh: bool) -> None:
    """The ``figures`` cell: ``label value unit; …`` in figure order.

    An event with one figure is joined to it; several are gathered and sorted by a subquery.
    """
    several = line.flag("(SELECT 1 FROM figures f2 WHERE f2.event_id = e.id LIMIT 1 OFFSET 1)")
    line.joins.append(f"LEFT JOIN figures f ON f.event_id = e.id AND NOT {several}")
    label = _pick(zh, "f.label_zh", "f.label_en")
    quoted = line.flag(f"f.id IS NOT NULL AND ({_special(label, line.chars)} OR {_special('f.unit', line.chars)})")
    o_label = _pick(zh, "o.label_zh", "o.label_en")
    o_text = (f"{o_label} || ' ' || {_number('o.value')} "
              f"|| CASE WHEN o.value_to <> 0 THEN '–' || {_number('o.value_to')} ELSE '' END || o.unit")
    ordered = (f"(SELECT {_cell('g', line.chars)} FROM (SELECT group_concat(t, '; ') AS g FROM "
               f"(SELECT {o_text} AS t FROM figures o WHERE o.event_id = e.id ORDER BY o.seq, o.id)))")
    line.cell(
        f"CASE WHEN {several} THEN {ordered} END",
        _escaped(label, quoted),
        "CASE WHEN f.id IS NOT NULL THEN ' ' END",
        f"CASE WHEN f.id IS NOT NULL THEN {_number('f.value')} END",
        "CASE WHEN f.value_to <> 0 THEN '–' END",
        f"CASE WHEN f.value_to <> 0 THEN {_number('f.value_to')} END",
        _escaped("f.unit", quoted),
        opening=(quoted, f"(f.id IS NOT NULL AND {_dangerous(label)})"), close=quoted,
    )


def _sources(line: _Line) -> None:
    """The ``sources`` cell: ``outlet, published, id, ¶line`` joined by `` | ``.

    ``art.head`` is ``"`` (a non-empty cell always holds ", "), the ``'`` prefix if the
    outlet needs it, and ``outlet, published, id, ¶`` with quotes doubled; ``art.frag``
    the same without the opening.
    """
    several = line.flag("(SELECT 1 FROM citations c2 WHERE c2.event_id = e.id LIMIT 1 OFFSET 1)")
    line.joins.append(f"LEFT JOIN citations c ON c.event_id = e.id AND NOT {several}")
    line.joins.append("LEFT JOIN art ON art.id = c.article_id")
    ordered = (f"(SELECT '\"' || CASE WHEN {_dangerous('g')} THEN '''' ELSE '' END || g || '\"' FROM "
               "(SELECT group_concat(t, ' | ') AS g FROM (SELECT oa.frag || o.para AS t FROM citations o "
               "CROSS JOIN art AS oa ON oa.id = o.article_id WHERE o.event_id = e.id ORDER BY o.seq, o.id)))")
    line.cell(f"CASE WHEN {several} THEN {ordered} ELSE art.head END", "c.para", close="(c.id IS NOT NULL)")


def _line(zh: bool, timeline: str, chars: Sequence[str]) -> _Line:
    """Event ``e`` as one CSV line, in :data:`export.COLUMNS` order, quoting text that holds
    one of ``chars``."""
    line = _Line(chars)
    line.text("e.id")
    line.cell(timeline)  # zone or lane name, rendered in Python
    line.cell("e.date")
    line.cell("e.date_end")
    both = "CASE WHEN e.inferred THEN '{0},true' ELSE '{0},false' END"  # date_precision, date_inferred
    line.cell(f"CASE length(e.date) WHEN 4 THEN {both.format('year')} WHEN 7 THEN {both.format('month')} "
              f"ELSE {both.format('day')} END")
    line.cell("CAST(e.date AS INTEGER)")  # the year, without leading zeros
    line.cell("z.frag")  # zone_id, zone_zh, zone_en, city_zh, rendered in Python
    for column in ("e.category_id", "e.title_zh", "e.title_en", "e.summary_zh", "e.summary_en"):
        line.text(column)
    _figures(line, zh)
    _sources(line)
    line.text("coalesce(e.conflict_id, '')")
    return line


_LOOKUPS = {
    "one": "one(x) AS MATERIALIZED (SELECT 1)",
    "z": "z(id, tl, frag) AS MATERIALIZED (SELECT key, json_extract(value, '$[0]'), json_extract(value, '$[1]') "
         "FROM json_each(:zones))",
    "art": "art(id, frag, head) AS MATERIALIZED (SELECT a.key, a.value, h.value FROM json_each(:articles) a "
           "JOIN json_each(:heads) h ON h.key = a.key)",
}
_ROWS = {
    "range": ("FROM events e", "WHERE e.seq BETWEEN :lo AND :hi ORDER BY e.seq"),
    "sorted": ("FROM events e", "WHERE e.seq IN (SELECT value FROM json_each(:rows)) ORDER BY e.seq"),
    "list": ("FROM json_each(:rows) j CROSS JOIN events e ON e.seq = j.value", "ORDER BY j.key"),
}


def _query(zh: bool, by_zone: bool, rows: str, breaks: bool) -> str:
    """SQL returning one chunk's lines as one text, and their count: timelines by zone (or
    ``:timeline``), rows ``range`` (``:lo``–``:hi``), ``sorted`` (``:rows``, ascending) or ``list``
    (``:rows``, any order).  Without ``breaks``, cells holding only a line break are not quoted."""
    line = _line(zh, "z.tl" if by_zone else ":timeline", _SPECIAL if breaks else _NO_BREAKS)
    joins = " ".join(["CROSS JOIN z ON z.id = e.zone_id", *line.joins])
    source, order = _ROWS[rows]
    return (f"WITH {', '.join(_LOOKUPS.values())} SELECT group_concat(l, ''), count(*) FROM "
            f"(SELECT {line.sql()} AS l {source} {joins} {order})")


# ---------------------------------------------------------------------- chunks
@dataclass
class _Chunk:
    rows: int
    sql: str  # quotes cells holding a separator or a quote
    sql_breaks: str  # also cells holding a line break
    params: dict


class SqlExport:
    """The chunk queries of one export (see :meth:`chunks`)."""

    def __init__(self, store: EventStore, lang: str):
        self.store = store
        self.zh = lang.startswith("zh")
        self.lang = lang
        self._sql: dict[tuple[bool, str, bool], str] = {}
        zones = {}
        for z in store.zones:
            city = store.city_of(z.index)
            zones[z.id] = [csv_cells([z.name(lang)]), csv_cells([z.id, z.name_zh, z.name_en, city.name_zh if city else ""])]
        articles, heads = {}, {}
        for a in store.articles.values():
            frag = source_head(a, lang)
            articles[a.id] = frag.replace('"', '""')
            heads[a.id] = '"' + neutralise(frag).replace('"', '""')
        self.lookups = {k: json.dumps(v, ensure_ascii=False) for k, v in (
            ("zones", zones), ("articles", articles), ("heads", heads))}

    def sql(self, by_zone: bool, rows: str, breaks: bool) -> str:
        key = (by_zone, rows, breaks)
        if key not in self._sql:
            self._sql[key] = _query(self.zh, by_zone, rows, breaks)
        return self._sql[key]

    def chunks(self, groups: list[tuple[str, np.ndarray]], size: int) -> list[_Chunk]:
        """The planned groups cut into queries of at most ``size`` rows, in file order."""
        out = []
        for key, rows in groups:
            base = dict(self.lookups)
            if key:
                base["timeline"] = csv_cells([self.store.lane_label(key, self.lang)])
            for i in range(0, len(rows), size):
                part = np.asarray(rows[i : i + size], dtype=np.int64)
                params = dict(base)
                if part[-1] - part[0] + 1 == len(part) and np.all(np.diff(part) == 1):
                    kind = "range"
                    params.update(lo=int(part[0]), hi=int(part[-1]))
                else:
                    kind = "sorted" if np.all(np.diff(part) > 0) else "list"
                    params["rows"] = json.dumps(part.tolist())
                out.append(_Chunk(len(part), self.sql(not key, kind, False), self.sql(not key, kind, True), params))
        return out


def _fetch(conn, sql: str, params: dict) -> tuple[bytes, int]:
    ((text, lines),) = conn.execute(sql, params).fetchall()  # to the end: the statement is reset
    return text or b"", lines


def _only_line_ends(text: bytes, lines: int) -> bool:
    """Whether the CR and LF bytes of UTF-8 ``text`` are those ending its ``lines`` lines."""
    data = np.frombuffer(text, np.uint8)
    cr = lf = 0
    for i in range(0, len(data), _SLICE):
        part = data[i : i + _SLICE]
        cr += np.count_nonzero(part == 13)
        lf += np.count_nonzero(part == 10)
    return cr == lf == lines


def _run(conn, chunk: _Chunk, encoding: str) -> bytes:
    text, lines = _fetch(conn, chunk.sql, chunk.params)
    if lines != chunk.rows:  # the zone of an event is not in the zones table: the join dropped it
        raise sqlite3.DatabaseError(f"{chunk.rows - lines} of {chunk.rows} events refer to a zone "
                                    "that the database lacks")
    if not _only_line_ends(text, lines):  # a cell holds a line break: quote it too
        text, _ = _fetch(conn, chunk.sql_breaks, chunk.params)
    if encoding != "utf-8":
        text = text.decode("utf-8").encode(encoding)
    return text


class _Connection:
    """A connection of its own, set up for the export queries, for one thread."""

    def __init__(self, store: EventStore):
        self.conn = store.db.connect()
        self.conn.text_factory = bytes  # the lines stay UTF-8 bytes: no decoding for UTF-8 files
        self.conn.create_function(_NUM_FN, 1, number_text, deterministic=True)

    def close(self) -> None:
        self.conn.close()


def stream(store: EventStore, groups: list[tuple[str, np.ndarray]], lang: str, encoding: str,
           size: int) -> Iterator[tuple[int, bytes]]:
    """``(rows, bytes)`` per chunk of the export body, in file order, encoded in ``encoding``
    (a codec without a byte order mark: the caller writes any BOM with the header).

    Close the iterator (or let it finish) to stop the workers.
    """
    chunks = SqlExport(store, lang).chunks(groups, size)
    workers = min(WORKERS, os.cpu_count() or 1, len(chunks))
    if workers <= 1:
        conn = _Connection(store) if chunks else None
        try:
            for chunk in chunks:
                yield chunk.rows, _run(conn.conn, chunk, encoding)
        finally:
            if conn is not None:
                conn.close()
        return
    pipe = _Pipeline(store, chunks, encoding, workers)
    try:
        for i, chunk in enumerate(chunks):
            yield chunk.rows, pipe.result(i)
    finally:
        pipe.stop()


class _Pipeline:
    """Workers take the next chunk as they come free and leave its bytes for the writer,
    which takes them in file order.  They run at most :data:`AHEAD` chunks ahead of it."""

    def __init__(self, store: EventStore, chunks: list[_Chunk], encoding: str, workers: int):
        self.chunks = chunks
        self.encoding = encoding
        self.done: dict[int, bytes | BaseException] = {}
        self.next = 0
        self.stopped = False
        self.cond = threading.Condition()
        self.room = threading.Semaphore(AHEAD)
        self.conns: list[_Connection] = []
        self.threads = [threading.Thread(target=self._work, args=(store,), name=f"csv-export-{k}", daemon=True)
                        for k in range(workers)]
        for t in self.threads:
            t.start()

    def result(self, i: int) -> bytes:
        with self.cond:
            while i not in self.done:
                self.cond.wait()
            item = self.done.pop(i)
        self.room.release()
        if isinstance(item, BaseException):
            raise item
        return item

    def stop(self) -> None:
        with self.cond:
            self.stopped = True
            for c in self.conns:  # under the lock: a connection being closed is never interrupted
                c.conn.interrupt()
            self.cond.notify_all()
        for _ in self.threads:
            self.room.release()
        for t in self.threads:
            t.join()

    def _work(self, store: EventStore) -> None:
        conn = None
        try:
            conn = _Connection(store)
            with self.cond:
                self.conns.append(conn)
            while True:
                self.room.acquire()
                with self.cond:
                    i, self.next = self.next, self.next + 1
                    if self.stopped or i >= len(self.chunks):
                        return
                try:
                    item = _run(conn.conn, self.chunks[i], self.encoding)
                except BaseException as exc:  # handed to the writer, which raises it
                    item = exc
                with self.cond:
                    self.done[i] = item
                    self.cond.notify_all()
        except BaseException as exc:  # no connection: the writer's next chunk raises it
            with self.cond:
                self.done.setdefault(self.next, exc)
                self.cond.notify_all()
        finally:
            if conn is not None:
                with self.cond:
                    self.conns.remove(conn)
                    conn.close()
