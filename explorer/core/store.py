"""The in-memory view of an event database: numpy columns for drawing and filtering,
everything else fetched on demand.

Filters become boolean masks that compose with ``&`` (as glue's subsets do).  Text is
matched through the n-gram posting lists of :mod:`explorer.core.search`.
"""

from __future__ import annotations

import functools
import json
import struct
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from explorer.core import search
from explorer.core.arrays import distinct
from explorer.core.database import Database, DatabaseError, damaged, in_lists
from explorer.core.dates import PartialDate
from explorer.core.filter_state import FIELDS, Filters
from explorer.core.tables import TABLES
from explorer.core.text import normalise_for_search

# The store reads with plain SQL through sqlite3 (see explorer.core.database); the table
# and column names are those of explorer.core.tables, checked against the schema by tests.
_RECORD_COLUMNS = ("seq", "id", "date", "date_end", "inferred", "inference", "inference_zh", "status", "zone_id",
                   "category_id", "importance", "title_zh", "title_en", "summary_zh", "summary_en", "conflict_id")
_RECORDS = f"SELECT {', '.join(_RECORD_COLUMNS)} FROM events WHERE "
COLUMN_CACHE = "events-v1"
COLUMN_NAMES = ("t_start", "t_end", "year", "year_end", "zone", "category", "flags", "importance", "precision",
                "story_rows", "story_ids")
FLAG_INFERRED = 1
FLAG_PLANNED = 2
FLAG_REPORTED = 4
FLAG_CONFLICT = 8
PRECISIONS = ("year", "month", "day")
LANE_MODES = ("zone", "category", "storyline")
# What reading values that do not decode raises: a date that is not one, a zone or
# category id the vocabularies lack, a row number beyond the events, a blob cut short.
_UNDECODABLE = (LookupError, ValueError, TypeError, struct.error)


def _reads(method: Callable) -> Callable:
    """Report a database whose values do not decode as a damaged database
    (:func:`explorer.core.database.damaged`), not as the lookup that failed deep inside."""

    @functools.wraps(method)
    def reading(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        try:
            return method(self, *args, **kwargs)
        except DatabaseError:
            raise
        except _UNDECODABLE as exc:
            raise damaged(self.db.path, exc) from exc

    return reading


def pick(lang: str, zh: str, en: str) -> str:
    """The text in the interface language, falling back to the other."""
    return (zh or en) if lang.startswith("zh") else (en or zh)


@dataclass
class ZoneInfo:
    id: str
    index: int
    name_zh: str
    name_en: str
    kind: str
    parent: int  # index, -1 for a root
    depth: int
    lat: float
    lon: float
    approximate: bool
    aliases: list[str] = field(default_factory=list)
    former_names: list[str] = field(default_factory=list)

    def name(self, lang: str) -> str:
        return pick(lang, self.name_zh, self.name_en)


@dataclass
class Term:
    id: str
    index: int
    zh: str
    en: str
    description: str = ""  # English
    description_zh: str = ""

    def name(self, lang: str) -> str:
        return pick(lang, self.zh, self.en)

    def about(self, lang: str) -> str:
        """What the term stands for, in ``lang`` (the other language's when it has none)."""
        return pick(lang, self.description_zh, self.description)


@dataclass
class Lane:
    """One timeline: a zone, a category or a storyline."""

    key: str  # "zone:yangquan-hitech", "category:reform", "storyline:sanhua-sanzhi"
    label_zh: str
    label_en: str
    depth: int = 0

    def label(self, lang: str) -> str:
        return pick(lang, self.label_zh, self.label_en)


@dataclass
class EventRecord:
    """The text fields of one event, for tables, tooltips and export."""

    row: int
    id: str
    date: PartialDate
    date_end: PartialDate | None
    inferred: bool
    inference: str  # how an inferred date was worked out, in English
    inference_zh: str  # the same, in Chinese
    status: str
    zone: int
    category: int
    importance: int
    title_zh: str
    title_en: str
    summary_zh: str
    summary_en: str
    conflict: str | None

    def title(self, lang: str) -> str:
        return pick(lang, self.title_zh, self.title_en)

    def summary(self, lang: str) -> str:
        return pick(lang, self.summary_zh, self.summary_en)

    def inference_in(self, lang: str) -> str:
        """How the date was inferred, in the interface language (falling back to the other)."""
        return pick(lang, self.inference_zh, self.inference)

    def inference_language(self, lang: str) -> str:
        """The language ("zh" or "en") of :meth:`inference_in`, to set it in that language's font."""
        return "zh" if self.inference_zh and (lang.startswith("zh") or not self.inference) else "en"


@dataclass
class Source:
    article_id: str
    outlet_zh: str
    outlet_en: str
    title_zh: str
    title_en: str
    authors: list[str]
    published: PartialDate
    published_basis: str
    published_confidence: str
    para: int
    start: int
    end: int
    passage: str | None = None
    hl_start: int = 0
    hl_end: int = 0

    def outlet(self, lang: str) -> str:
        return pick(lang, self.outlet_zh, self.outlet_en)


STORYLINE_LISTED = 50  # other events of a storyline listed in an event's detail

# A figure's unit in English: (factor, unit).  Those that read better in millions or
# billions are worked out from the value (_english_unit); counters (个, 家, 条, …) are left out.
_UNITS_EN: dict[str, tuple[float, str]] = {
    "%": (1, "%"), "℃": (1, " °C"), "平方公里": (1, " km²"), "公里": (1, " km"), "亩": (1, " mu"),
    "年": (1, " years"), "天": (1, " days"), "小时": (1, " hours"), "岁": (1, " years old"),
    "字": (1, " characters"), "人": (1, " people"), "名": (1, " people"), "万人": (1e4, " people"),
    "万平方米": (1e4, " m²"),
}
_COUNTERS = frozenset("个家条项枚座户批次")


def _english_unit(unit: str, value: float) -> tuple[float, str]:
    """How a figure in ``unit`` reads in English: the factor its number is multiplied by,
    and the English unit after it."""
    if unit == "亿元":  # 10^8 yuan
        return (0.1, " billion yuan") if abs(value) >= 10 else (100.0, " million yuan")
    if unit == "万元":  # 10^4 yuan
        return (0.01, " million yuan") if abs(value) >= 100 else (1e4, " yuan")
    if unit == "万吨":  # 10^4 tonnes
        return (0.01, " million tonnes") if abs(value) >= 100 else (1e4, " tonnes")
    if unit in _UNITS_EN:
        return _UNITS_EN[unit]
    return (1.0, "") if unit in _COUNTERS else (1.0, unit)


def _grouped(v: float) -> str:
    """A large whole number with thousands grouped (``40,000``)."""
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.10g}"


def number_text(v: float) -> str:
    """A figure's number as the detail pane and the export write it (no needless ``.0``)."""
    return str(int(v)) if float(v).is_integer() else f"{v:.10g}"


@dataclass
class FigureInfo:
    value: float
    value_to: float | None
    unit: str
    label_zh: str
    label_en: str

    def value_text(self, lang: str = "zh") -> str:
        """The figure as read in ``lang``: in Chinese as the article writes it (``69.84亿元``);
        in English in English units (``6.984 billion yuan``), counters left out (``15``,
        not ``15家``: the label says what is counted)."""
        scale, unit = (1.0, self.unit) if lang.startswith("zh") else _english_unit(self.unit, self.value)
        ends = [self.value, self.value_to] if self.value_to else [self.value]
        return "–".join(_grouped(v * scale) if scale >= 1e4 else number_text(v * scale) for v in ends) + unit

    def label(self, lang: str) -> str:
        return pick(lang, self.label_zh, self.label_en)


# One row of ``articles`` / ``conflicts``, fields named as the columns (``authors`` and
# ``defects`` hold JSON lists, ``published`` a partial date as text).
Article = namedtuple("Article", TABLES["articles"])
Conflict = namedtuple("Conflict", TABLES["conflicts"])


@dataclass
class EventDetail:
    """Everything the detail pane shows about one event."""

    record: EventRecord
    storylines: list[int]
    figures: list[FigureInfo]
    sources: list[Source]
    conflict_note_zh: str = ""
    conflict_note_en: str = ""
    conflict_rows: list[int] = field(default_factory=list)  # other versions
    storyline_rows: dict[int, list[int]] = field(default_factory=dict)  # storyline -> other events (the first 50)
    storyline_more: dict[int, int] = field(default_factory=dict)  # storyline -> other events beyond those


class EventStore:
    """Read-only access to one opened :class:`Database`.

    Attributes
    ----------
    n
        Number of events; rows are ``0..n-1`` in chronological order (``events.seq``).
    t_start, t_end, year, year_end, zone, category, flags, importance, precision
        numpy columns of length ``n``.
    """

    @_reads
    def __init__(self, db: Database, cache_size: int = 20000, use_column_cache: bool = True):
        self.db = db
        self._cache: OrderedDict[int, EventRecord] = OrderedDict()
        self._cache_size = cache_size
        self._text_cache: dict[str, np.ndarray] | None = None  # word -> mask, the words of the latest query
        self._totals: dict[str, np.ndarray] = {}  # field -> events per zone / category / storyline, every row
        self._no_storyline: np.ndarray | None = None  # see no_storyline
        self._all_lanes: dict[str, list[Lane]] = {}
        with db.reading() as conn:
            self.meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            self._load_vocab(conn)
            # Rows are numbered 0..n-1 (checked when the columns are read row by row): the
            # last number is an index lookup, where count(*) reads the whole table.
            (last,) = conn.execute("SELECT max(seq) FROM events").fetchone()
            n = 0 if last is None else int(last) + 1
            blob = _scalar(conn, "SELECT data FROM column_cache WHERE name = ?", (COLUMN_CACHE,))
            cols = unpack_columns(blob) if (blob and use_column_cache) else None
            if cols is None or len(cols["t_start"]) != n:
                cols = self._read_columns(conn)
            for name in COLUMN_NAMES:
                cols[name].setflags(write=False)  # shared by every pane (and views into the cache blob)
                setattr(self, name, cols[name])
            if n and not (0 <= self.zone.min() and self.zone.max() < len(self.zones)
                          and 0 <= self.category.min() and self.category.max() < len(self.categories)):
                raise ValueError("events refer to a zone or a category that the database lacks")
            self.n = n
            self.year_min = int(self.year.min()) if n else 2000
            self.year_max = int(self.year_end.max()) if n else 2025
            self.has_passages = self.meta.get("passages") == "yes"

    # ------------------------------------------------------------------ loading
    def _load_vocab(self, conn) -> None:
        zrows = conn.execute("SELECT id, name_zh, name_en, kind, depth, lat, lon, approximate, parent_id "
                             "FROM zones ORDER BY seq").fetchall()
        self.zone_index = {z[0]: i for i, z in enumerate(zrows)}
        self.zones = [
            ZoneInfo(zid, i, name_zh, name_en, kind, -1, depth, lat, lon, bool(approximate))
            for i, (zid, name_zh, name_en, kind, depth, lat, lon, approximate, _) in enumerate(zrows)
        ]
        for z, row in zip(self.zones, zrows, strict=True):
            parent_id = row[-1]
            z.parent = self.zone_index.get(parent_id, -1) if parent_id else -1
        for zid, name, kind in conn.execute("SELECT zone_id, name, kind FROM zone_names ORDER BY id").fetchall():
            z = self.zones[self.zone_index[zid]]
            (z.former_names if kind == "former" else z.aliases).append(name)
        self._descendants: list[np.ndarray] = []
        children: dict[int, list[int]] = {}
        for z in self.zones:
            children.setdefault(z.parent, []).append(z.index)
        for z in self.zones:
            out, stack = [], [z.index]
            while stack:
                k = stack.pop()
                out.append(k)
                stack.extend(children.get(k, ()))
            self._descendants.append(np.array(sorted(out), dtype=np.int32))
        self._children = children
        self.categories = [
            Term(cid, i, *texts) for i, (cid, *texts) in enumerate(
                conn.execute("SELECT id, zh, en, description, description_zh FROM categories ORDER BY seq").fetchall())
        ]
        self.category_index = {c.id: c.index for c in self.categories}
        self.storylines = [
            Term(sid, i, zh, en)
            for i, (sid, zh, en) in enumerate(conn.execute("SELECT id, zh, en FROM storylines ORDER BY seq").fetchall())
        ]
        self.storyline_index = {s.id: s.index for s in self.storylines}
        self.conflicts = {r[0]: Conflict(*r) for r in conn.execute(_select_all("conflicts")).fetchall()}
        self.articles = {r[0]: Article(*r) for r in conn.execute(_select_all("articles")).fetchall()}

    def _read_columns(self, conn) -> dict[str, np.ndarray]:
        """The columns read row by row (no cache, or a stale one)."""
        rows = conn.execute("SELECT seq, t_start, t_end, year, year_end, zone_id, category_id, status, inferred, "
                            "conflict_id, importance, date_precision FROM events ORDER BY seq").fetchall()
        n = len(rows)
        if any(r[0] != i for i, r in enumerate(rows)):
            raise ValueError("events.seq must be 0..n-1")
        zi, ci, si = self.zone_index, self.category_index, self.storyline_index
        out = {
            "t_start": np.fromiter((r[1] for r in rows), np.float64, n),
            "t_end": np.fromiter((r[2] for r in rows), np.float64, n),
            "year": np.fromiter((r[3] for r in rows), np.int32, n),
            "year_end": np.fromiter((r[4] for r in rows), np.int32, n),
            "zone": np.fromiter((zi[r[5]] for r in rows), np.int32, n),
            "category": np.fromiter((ci[r[6]] for r in rows), np.int16, n),
            "flags": np.fromiter(
                ((FLAG_INFERRED if r[8] else 0) | (FLAG_PLANNED if r[7] == "planned" else 0)
                 | (FLAG_REPORTED if r[7] == "reported" else 0) | (FLAG_CONFLICT if r[9] else 0) for r in rows),
                np.uint8, n),
            "importance": np.fromiter((r[10] for r in rows), np.int8, n),
            "precision": np.fromiter((PRECISIONS.index(r[11]) for r in rows), np.int8, n),
        }
        pairs = conn.execute(
            "SELECT e.seq, s.storyline_id FROM event_storylines s JOIN events e ON e.id = s.event_id "
            "ORDER BY e.seq, s.storyline_id"
        ).fetchall()
        out["story_rows"] = np.fromiter((p[0] for p in pairs), np.int64, len(pairs))
        out["story_ids"] = np.fromiter((si[p[1]] for p in pairs), np.int32, len(pairs))
        return out

    def columns(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in COLUMN_NAMES}

    # ------------------------------------------------------------------ zones
    def zone_descendants(self, index: int) -> np.ndarray:
        """Indices of a zone and every zone under it."""
        return self._descendants[index]

    def zone_children(self, index: int) -> list[int]:
        return self._children.get(index, [])

    def zone_path(self, index: int) -> list[ZoneInfo]:
        """The zone and its ancestors, root first."""
        out = []
        while index >= 0:
            out.append(self.zones[index])
            index = self.zones[index].parent
        return out[::-1]

    def city_of(self, index: int) -> ZoneInfo | None:
        """The prefecture-level city a zone lies in, if any."""
        for z in self.zone_path(index):
            if z.kind == "prefecture-city":
                return z
        return None

    # ------------------------------------------------------------------ masks
    def zone_mask(self, zone_ids: Iterable[str]) -> np.ndarray:
        """Rows in any of the zones or the zones under them."""
        wanted = [self._descendants[self.zone_index[z]] for z in zone_ids if z in self.zone_index]
        return rows_in(self.zone, np.concatenate(wanted) if wanted else [], len(self.zones))

    def year_mask(self, years: tuple[int, int]) -> np.ndarray:
        lo, hi = years
        return (self.year <= hi) & (self.year_end >= lo)

    def category_mask(self, cats: Iterable[str]) -> np.ndarray:
        return rows_in(self.category, [self.category_index[c] for c in cats if c in self.category_index],
                       len(self.categories))

    def storyline_mask(self, stories: Iterable[str]) -> np.ndarray:
        member = rows_in(self.story_ids, [self.storyline_index[s] for s in stories if s in self.storyline_index],
                         len(self.storylines))
        m = np.zeros(self.n, bool)
        m[self.story_rows[member]] = True
        return m

    def text_mask(self, query: str) -> np.ndarray:
        """Rows whose titles, summaries or zone names contain ``query``.

        Insensitive to Traditional/Simplified, case and full-width forms; several words
        must all match.  Any text is accepted: quotes, ``%``, ``*`` and the like are
        matched literally.
        """
        words = normalise_for_search(query).split()
        old = self._text_cache or {}  # read once: an export thread may replace it meanwhile
        new: dict[str, np.ndarray] = {}
        for w in words:
            if w not in new:
                new[w] = old[w] if w in old else self._word_mask(w)
        self._text_cache = new  # assigned once, complete
        return combine(self.n, new.values())

    @_reads
    def _word_mask(self, word: str) -> np.ndarray:
        with self.db.reading() as conn:
            return search.word_mask(conn, word, self.n, self.db.backend)

    def field_mask(self, name: str, value) -> np.ndarray | None:
        """The mask of one filter field (see :data:`~explorer.core.filter_state.FIELDS`),
        or ``None`` when ``value`` does not restrict anything."""
        if name == "text":
            return self.text_mask(value) if value.strip() else None
        if not value:
            return None
        if name == "zones":
            return self.zone_mask(value)
        if name == "years":
            return self.year_mask(value)
        if name == "categories":
            return self.category_mask(value)
        if name == "storylines":
            return self.storyline_mask(value)
        raise ValueError(f"unknown filter field {name!r}")

    def mask(self, f: Filters) -> np.ndarray:
        """Rows passing every filter in ``f`` (masks composed with ``&``)."""
        return combine(self.n, (self.field_mask(name, getattr(f, name)) for name in FIELDS))

    def totals(self, field: str) -> np.ndarray:
        """Events per zone (own events only), category or storyline over every row
        (``field`` as in :data:`~explorer.core.filter_state.FIELDS`; kept, read-only)."""
        out = self._totals.get(field)
        if out is None:
            keys, size = self._count_keys(field)
            out = self._totals[field] = np.bincount(keys, minlength=size)
            out.setflags(write=False)
        return out

    def _count_keys(self, field: str) -> tuple[np.ndarray, int]:
        if field == "zones":
            return self.zone, len(self.zones)
        if field == "categories":
            return self.category, len(self.categories)
        if field == "storylines":
            return self.story_ids, len(self.storylines)
        raise ValueError(f"no counts by {field!r}")

    def counts(self, field: str, mask: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Events per zone (own events only), category or storyline among ``mask``
        (``rows``: its row numbers, if known; storylines count through ``story_rows``
        and do not use them)."""
        keys, size = self._count_keys(field)
        if field == "storylines":  # an event counts once per storyline it is in
            return masked_bincount(keys, mask[self.story_rows], size, self.totals(field))
        return masked_bincount(keys, mask, size, self.totals(field), rows)

    def zone_counts(self, mask: np.ndarray) -> np.ndarray:
        """Events per zone (own events only) among ``mask``."""
        return self.counts("zones", mask)

    def zone_counts_inclusive(self, mask: np.ndarray) -> np.ndarray:
        """Events per zone including every zone below it."""
        return self.roll_up(self.zone_counts(mask))

    def roll_up(self, own: np.ndarray) -> np.ndarray:
        """Per-zone counts with each zone's descendants added in."""
        out = own.copy()
        for z in reversed(self.zones):  # children come after parents in seq order
            if z.parent >= 0:
                out[z.parent] += out[z.index]
        return out

    # ------------------------------------------------------------------ lanes
    def all_lanes(self, mode: str) -> list[Lane]:
        """Every lane ``mode`` can show, in lane order, whatever the filters (made once per mode;
        the list is shared: do not change it)."""
        lanes = self._all_lanes.get(mode)
        if lanes is None:
            if mode == "zone":
                lanes = [Lane(f"zone:{z.id}", z.name_zh, z.name_en, z.depth) for z in self.zones]
            elif mode == "category":
                lanes = [Lane(f"category:{c.id}", c.zh, c.en) for c in self.categories]
            else:
                lanes = [*(Lane(f"storyline:{s.id}", s.zh, s.en) for s in self.storylines),
                         Lane("storyline:", "（无故事线）", "(no storyline)")]
            self._all_lanes[mode] = lanes
        return lanes

    @property
    def no_storyline(self) -> np.ndarray:
        """Per row: in no storyline (made once; read-only)."""
        if self._no_storyline is None:
            m = np.ones(self.n, bool)
            m[self.story_rows] = False
            m.setflags(write=False)
            self._no_storyline = m
        return self._no_storyline

    def lanes(self, mode: str, mask: np.ndarray | None = None,
              rows: np.ndarray | None = None) -> tuple[list[Lane], np.ndarray, np.ndarray]:
        """Lanes of a mode and the (row, lane) pairs placing events in them.

        Only lanes holding at least one row of ``mask`` are returned.  In storyline mode
        an event with two storylines sits in both lanes; events with none go to a
        final "no storyline" lane.  ``rows`` (``np.flatnonzero(mask)``, when the caller has
        it) saves finding them again in zone and category mode (storylines place events
        through their own table).
        """
        if mode not in LANE_MODES:
            raise ValueError(f"unknown lane mode {mode!r}; one of {', '.join(LANE_MODES)}")
        if mask is None:
            mask = np.ones(self.n, bool)
        if mode != "storyline" and rows is None:
            rows = np.flatnonzero(mask)
        if mode == "zone":
            keys = np.arange(len(self.zones))
            lane_of = self.zone[rows]
        elif mode == "category":
            keys = np.arange(len(self.categories))
            lane_of = self.category[rows].astype(np.int32)
        else:
            keys = np.arange(len(self.storylines) + 1)
            sel = mask[self.story_rows]
            none_rows = np.flatnonzero(mask & self.no_storyline)
            rows = np.concatenate([self.story_rows[sel], none_rows])
            lane_of = np.concatenate([self.story_ids[sel], np.full(len(none_rows), len(self.storylines), np.int32)])
        used = np.zeros(len(keys), bool)
        used[lane_of] = True
        remap = np.cumsum(used) - 1
        lanes = [lane for lane, u in zip(self.all_lanes(mode), used, strict=True) if u]
        return lanes, rows, remap[lane_of].astype(np.int32)

    def lane_rows(self, mode: str, lane_keys: Sequence[str], mask: np.ndarray | None = None) -> list[tuple[str, np.ndarray]]:
        """For each lane key, its rows (chronological) among ``mask``."""
        out = []
        for key in lane_keys:
            kind, _, ident = key.partition(":")
            m = np.ones(self.n, bool) if mask is None else mask
            if kind == "zone":
                if ident not in self.zone_index:
                    continue
                sel = m & (self.zone == self.zone_index[ident])
            elif kind == "category":
                if ident not in self.category_index:
                    continue
                sel = m & (self.category == self.category_index[ident])
            elif kind == "storyline":
                if ident == "":
                    sel = m & self.no_storyline
                elif ident in self.storyline_index:
                    sel = m & self.storyline_mask([ident])
                else:
                    continue
            else:
                continue
            out.append((key, np.flatnonzero(sel)))
        return out

    def lane_label(self, key: str, lang: str) -> str:
        kind, _, ident = key.partition(":")
        if kind == "zone" and ident in self.zone_index:
            return self.zones[self.zone_index[ident]].name(lang)
        if kind == "category" and ident in self.category_index:
            return self.categories[self.category_index[ident]].name(lang)
        if kind == "storyline":
            if ident in self.storyline_index:
                return self.storylines[self.storyline_index[ident]].name(lang)
            return pick(lang, "（无故事线）", "(no storyline)")
        return key

    # ------------------------------------------------------------------ records
    @_reads
    def records(self, rows: Sequence[int]) -> list[EventRecord]:
        """Text fields of the given rows (cached; fetched in batches with plain SQL rows)."""
        want = sorted({int(r) for r in rows if int(r) not in self._cache})
        fetched: dict[int, EventRecord] = {}  # kept here too: a large request may evict its own rows
        if want:
            # Long runs are read with BETWEEN; the rows of short ones are gathered and read
            # with IN (...), in as few statements as possible.  Runs bridge gaps of at most
            # RECORD_GAP rows: wider, and the rows of a search (scattered) drag in many rows
            # nobody asked for (a table page of them took 5.9 ms with gaps of 64, 0.9 ms now).
            scattered: list[int] = []
            with self.db.reading() as conn:
                for lo, hi in _runs(want, RECORD_GAP):
                    if hi - lo > 8:
                        self._fetch(conn, _RECORDS + "seq BETWEEN ? AND ?", (lo, hi), fetched)
                    else:
                        scattered.extend(range(lo, hi + 1))
                for sql, params in in_lists(_RECORDS + "seq IN ", scattered):
                    self._fetch(conn, sql, params, fetched)
        out = []
        for r in rows:
            rec = fetched.get(int(r))
            if rec is None:
                rec = self._cache.get(int(r))
                if rec is not None:
                    self._cache.move_to_end(int(r))
            if rec is not None:
                out.append(rec)
        return out

    @_reads
    def record(self, row: int) -> EventRecord:
        return self.records([row])[0]

    def _fetch(self, conn, sql: str, params: Sequence, fetched: dict[int, EventRecord]) -> None:  # noqa: ANN001
        for r in conn.execute(sql, params).fetchall():
            rec = self._record(r)
            fetched[rec.row] = rec
            self._remember(rec)

    def _remember(self, rec: EventRecord) -> None:
        self._cache[rec.row] = rec
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def _record(self, r: tuple) -> EventRecord:
        """An :class:`EventRecord` of one row of the columns :data:`_RECORD_COLUMNS`."""
        (seq, eid, date, date_end, inferred, inference, inference_zh, status, zone_id, category_id, importance,
         title_zh, title_en, summary_zh, summary_en, conflict_id) = r
        return EventRecord(
            seq, eid, _parse_date(date), _parse_date(date_end) if date_end else None,
            bool(inferred), inference, inference_zh, status, self.zone_index[zone_id], self.category_index[category_id],
            importance, title_zh, title_en, summary_zh, summary_en, conflict_id,
        )

    def row_of(self, event_id: str) -> int | None:
        with self.db.reading() as conn:
            return _scalar(conn, "SELECT seq FROM events WHERE id = ?", (event_id,))

    @_reads
    def detail(self, row: int) -> EventDetail:
        """Everything about one event: figures, sources with passages, conflicts, storyline."""
        rec = self.record(row)
        stories = sorted(int(s) for s in self.story_ids[self.story_rows == row])
        with self.db.reading() as conn:
            figs = [
                FigureInfo(*f) for f in conn.execute(
                    "SELECT value, value_to, unit, label_zh, label_en FROM figures WHERE event_id = ? ORDER BY seq",
                    (rec.id,)).fetchall()
            ]
            sources = []
            cites = conn.execute(
                'SELECT c.article_id, c.para, c.start, c."end", p.citation_id, p.text, p.hl_start, p.hl_end '
                "FROM citations c LEFT OUTER JOIN passages p ON p.citation_id = c.id "
                "WHERE c.event_id = ? ORDER BY c.seq", (rec.id,)).fetchall()
            for article_id, para, start, end, passage_id, text, hl_start, hl_end in cites:
                a = self.articles[article_id]
                has = passage_id is not None
                sources.append(Source(
                    a.id, a.outlet_zh, a.outlet_en, a.title_zh, a.title_en, json.loads(a.authors),
                    PartialDate.parse(a.published), a.published_basis, a.published_confidence,
                    para, start, end,
                    text if has else None, hl_start if has else 0, hl_end if has else 0,
                ))
            conflict_rows = []
            if rec.conflict:
                conflict_rows = [r[0] for r in conn.execute(
                    "SELECT seq FROM events WHERE conflict_id = ? AND seq != ? ORDER BY seq",
                    (rec.conflict, row)).fetchall()]
        d = EventDetail(rec, stories, figs, sources, conflict_rows=conflict_rows)
        if rec.conflict and rec.conflict in self.conflicts:
            d.conflict_note_zh = self.conflicts[rec.conflict].note_zh
            d.conflict_note_en = self.conflicts[rec.conflict].note_en
        for s in stories:
            others = self.story_rows[(self.story_ids == s) & (self.story_rows != row)]
            d.storyline_rows[s] = [int(x) for x in others[:STORYLINE_LISTED]]
            d.storyline_more[s] = max(len(others) - STORYLINE_LISTED, 0)
        return d

    @_reads
    def sources_for(self, rows: Sequence[int]) -> dict[int, list[tuple[str, int]]]:
        """``row -> [(article_id, para), …]`` for many rows at once (export)."""
        out: dict[int, list[tuple[str, int]]] = {}
        sql = ("SELECT e.seq, c.article_id, c.para FROM citations c JOIN events e ON e.id = c.event_id "
               "WHERE e.seq BETWEEN ? AND ? ORDER BY e.seq, c.seq")
        with self.db.reading() as conn:
            for lo, hi in _runs(sorted(int(r) for r in rows)):
                for seq, aid, para in conn.execute(sql, (lo, hi)).fetchall():
                    out.setdefault(seq, []).append((aid, para))
        return out

    @_reads
    def figures_for(self, rows: Sequence[int]) -> dict[int, list[FigureInfo]]:
        """``row -> [FigureInfo, …]`` for many rows at once (export)."""
        out: dict[int, list[FigureInfo]] = {}
        sql = ("SELECT e.seq, f.value, f.value_to, f.unit, f.label_zh, f.label_en FROM figures f "
               "JOIN events e ON e.id = f.event_id WHERE e.seq BETWEEN ? AND ? ORDER BY e.seq, f.seq")
        with self.db.reading() as conn:
            for lo, hi in _runs(sorted(int(r) for r in rows)):
                for seq, *vals in conn.execute(sql, (lo, hi)).fetchall():
                    out.setdefault(seq, []).append(FigureInfo(*vals))
        return out

    # ------------------------------------------------------------------ names
    def resolve_zone(self, name: str) -> str | None:
        """A zone id from its id, Chinese or English name, alias or former name."""
        key = normalise_for_search(name)
        for z in self.zones:
            if key in (normalise_for_search(x) for x in (z.id, z.name_zh, z.name_en, *z.aliases, *z.former_names)):
                return z.id
        return None

    def zone_name_candidates(self) -> dict[str, int]:
        """Every name a zone can be given by (id, names, aliases, former names) -> its zone
        index (a name two zones share: the first's)."""
        out: dict[str, int] = {}
        for z in self.zones:
            for name in (z.id, z.name_zh, z.name_en, *z.aliases, *z.former_names):
                out.setdefault(name, z.index)
        return out


FEW_KEYS = 2  # up to this many wanted values, rows_in compares the keys with each


def rows_in(keys: np.ndarray, wanted, size: int) -> np.ndarray:
    """Per row: whether its key is one of ``wanted`` (keys and values in ``range(size)``).

    ``np.isin(keys, wanted)``, faster: a value or two is compared with every key (at 1M
    rows ~0.15-0.25 ms each); more are looked up in a table of ``size`` flags with
    ``np.take`` (~1.3 ms, half the time ``table[keys]`` takes).
    """
    wanted = distinct(np.asarray(wanted, dtype=np.int64))
    if not len(wanted):
        return np.zeros(len(keys), bool)
    if len(wanted) <= FEW_KEYS:
        first, *rest = wanted.tolist()  # Python ints: compared in the keys' own type
        out = keys == first
        for v in rest:
            out |= keys == v
        return out
    table = np.zeros(size, bool)
    table[wanted] = True
    return np.take(table, keys)


def masked_bincount(keys: np.ndarray, mask: np.ndarray, minlength: int, totals: np.ndarray | None = None,
                    rows: np.ndarray | None = None) -> np.ndarray:
    """``np.bincount(keys[mask], minlength=minlength)``, counting the smaller side of ``mask``.

    ``totals`` (the counts over every row) lets a mask that keeps most rows be counted
    through the rows it drops; with no filter at all the counts cost one pass over the mask.
    ``rows`` (``np.flatnonzero(mask)``, when the caller has it) saves finding them again.
    """
    kept = len(rows) if rows is not None else int(np.count_nonzero(mask))
    if totals is not None and 2 * kept > len(mask):
        if kept == len(mask):
            return totals.copy()
        return totals - np.bincount(_picked(keys, ~mask, len(mask) - kept), minlength=len(totals))
    return np.bincount(keys[rows] if rows is not None else _picked(keys, mask, kept), minlength=minlength)


def _picked(keys: np.ndarray, mask: np.ndarray, kept: int) -> np.ndarray:
    """``keys[mask]`` (``kept``: the mask's count).  Where the mask keeps rows here and there
    (a zone, a category), ``keys[mask]`` guesses wrong at every other row: at 1M rows, 20-50%
    of them kept, 3.8-6 ms, where ``np.compress`` takes 1.2-1.5 whatever the pattern.  (A
    mask of long runs, a year range, is picked faster by ``keys[mask]``: 0.2-0.4 ms against
    0.6-1.2, so below a tenth of the rows, where the two cost about the same, it is used.)"""
    return np.compress(mask, keys) if 10 * kept > len(mask) else keys[mask]


def combine(n: int, masks: Iterable[np.ndarray | None]) -> np.ndarray:
    """``&`` of the masks that restrict anything (``None`` is "everything")."""
    out = None
    for m in masks:
        if m is None:
            continue
        out = m.copy() if out is None else np.logical_and(out, m, out=out)
    return np.ones(n, bool) if out is None else out


ALIGN = 8  # every packed array starts at a multiple of this in the blob


def _aligned(nbytes: int) -> int:
    """``nbytes`` rounded up to a multiple of :data:`ALIGN`."""
    return -(-nbytes // ALIGN) * ALIGN


def pack_columns(cols: dict[str, np.ndarray]) -> bytes:
    """Deterministic binary form: a JSON header of ``(name, dtype, length, offset)`` then the
    raw arrays, each at an offset that is a multiple of :data:`ALIGN`, so that they can be
    used in place (see :func:`unpack_columns`)."""
    entries, arrays, pos = [], [], 0
    for k in COLUMN_NAMES:
        a = np.ascontiguousarray(cols[k])
        arrays.append(a)
        entries.append((k, a.dtype.str, int(len(a)), pos))
        pos += _aligned(a.nbytes)
    header = json.dumps(entries).encode()
    start = _aligned(4 + len(header))  # offsets count from here
    out = bytearray(start + pos)
    out[:4] = struct.pack("<I", len(header))
    out[4 : 4 + len(header)] = header
    for a, (_k, _dt, _n, off) in zip(arrays, entries, strict=True):
        raw = a.tobytes()
        out[start + off : start + off + len(raw)] = raw
    return bytes(out)


def unpack_columns(blob: bytes) -> dict[str, np.ndarray] | None:
    """Inverse of :func:`pack_columns`; ``None`` when the blob is not understood.

    The arrays are read-only views into ``blob`` where they are aligned (no copy of a
    million events' columns at start-up), else read-only copies: arrays of the first
    layout (no offsets: back to back after the header) are often not aligned.
    """
    try:
        (hlen,) = struct.unpack_from("<I", blob, 0)
        header = json.loads(blob[4 : 4 + hlen])
        start = _aligned(4 + hlen)
        pos = 4 + hlen  # the first layout
        out = {}
        for name, dtype, length, *offset in header:
            dt = np.dtype(dtype)
            at = start + offset[0] if offset else pos
            if at + dt.itemsize * length > len(blob):
                return None
            a = np.frombuffer(blob, dt, length, at)
            out[name] = a if a.flags.aligned else a.copy()
            out[name].setflags(write=False)
            pos += dt.itemsize * length
    except (struct.error, ValueError, TypeError):
        return None
    return out if set(out) == set(COLUMN_NAMES) else None


def write_column_cache(db: Database) -> None:
    """Store the packed columns in a freshly built database opened for writing (build and
    synth call this; the columns are read as the app reads them, written through SQLAlchemy)."""
    from sqlalchemy import delete, insert  # noqa: PLC0415 (writing: never on the app's read path)

    from explorer.core.schema import ColumnCacheRow  # noqa: PLC0415

    store = EventStore(db, use_column_cache=False)
    with db.engine.begin() as conn:
        conn.execute(delete(ColumnCacheRow))
        conn.execute(insert(ColumnCacheRow), [{"name": COLUMN_CACHE, "data": pack_columns(store.columns())}])


def _select_all(table: str) -> str:
    """SQL: every column of ``table``, in the order of :data:`~explorer.core.tables.TABLES`."""
    return f"SELECT {', '.join(TABLES[table])} FROM {table}"


def _scalar(conn, sql: str, params: Sequence = ()):  # noqa: ANN001, ANN202
    """The first column of the first row, or ``None`` when there is no row."""
    row = conn.execute(sql, params).fetchone()
    return None if row is None else row[0]


RECORD_GAP = 4  # rows not asked for that records() reads to keep a run of rows in one query


def _runs(sorted_rows: Sequence[int], gap: int = 64):
    """Group sorted row numbers into ``(lo, hi)`` runs; rows within ``gap`` share a run.

    A run may include rows that were not asked for; callers filter by what they need.
    """
    if not sorted_rows:
        return
    lo = prev = sorted_rows[0]
    for r in sorted_rows[1:]:
        if r - prev > gap:
            yield lo, prev
            lo = r
        prev = r
    yield lo, prev


_DATE_CACHE: dict[str, PartialDate] = {}


def _parse_date(text: str) -> PartialDate:
    d = _DATE_CACHE.get(text)
    if d is None:
        d = _DATE_CACHE[text] = PartialDate.parse(text)
    return d
