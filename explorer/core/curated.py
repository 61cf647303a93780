"""Load and validate the curated TOML sources in ``db/``.

Validation collects *every* problem in one pass; each names the file, the entry, the
field and what is wrong.  Nothing here raises on bad data: :func:`load_curated`
returns what it could read plus the list of problems.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from explorer.core.dates import DateError, PartialDate
from explorer.core.files import is_special

ZONE_KINDS = (
    "province",
    "prefecture-city",
    "county",
    "township",
    "development-zone",
    "park",
    "company-site",
    "outside",
)
STATUSES = ("occurred", "planned", "reported")
SCRIPTS = ("simplified", "traditional")
CONFIDENCES = ("high", "medium", "low")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Characters no text of the sources may hold: C0 controls (tab and line breaks too: every text
# is one line, and none of the sources has another), DEL, C1 controls, and the bidirectional
# embeddings, overrides and isolates, which reorder what is shown around them.
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_INT64 = (-(2**63), 2**63 - 1)  # what an SQLite INTEGER holds


def _code_points(text: str) -> list[str]:
    """The forbidden characters in ``text``, each once, as ``U+XXXX`` in order of appearance."""
    return list(dict.fromkeys(f"U+{ord(ch):04X}" for ch in _FORBIDDEN.findall(text)))


def _number(value: int) -> str:
    """An integer for a message: itself, or how many digits it has when that is too long to read."""
    digits = len(str(value))
    return str(value) if digits <= 30 else f"an integer of {digits} digits"


def _visible(text: str) -> str:
    """``text`` with each forbidden character written as ``<U+XXXX>``, safe to print."""
    return _FORBIDDEN.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the curated sources."""

    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file + (f" [{self.entry}]" if self.entry else "")
        what = f" {self.field}:" if self.field else ""
        return _visible(f"{where}{what} {self.message}")


@dataclass
class Article:
    id: str
    outlet_zh: str
    outlet_en: str
    title_zh: str
    title_en: str
    authors: list[str]
    published: PartialDate
    published_basis: str
    published_confidence: str
    script: str
    defects: list[str]
    lines: int
    chars: int
    sha256: str
    continued: frozenset[int] = frozenset()  # lines a page break cut with no sign of it


@dataclass
class Zone:
    id: str
    name_zh: str
    name_en: str
    kind: str
    parent: str
    lat: float
    lon: float
    approximate: bool
    aliases: list[str]
    former_names: list[str]


@dataclass
class Term:
    """A vocabulary entry (category or storyline)."""

    id: str
    zh: str
    en: str
    description: str = ""  # English
    description_zh: str = ""


@dataclass
class Figure:
    value: float
    value_to: float | None
    unit: str
    label_zh: str
    label_en: str


@dataclass
class Citation:
    article: str
    para: int
    start: int
    end: int


@dataclass
class Event:
    id: str
    file: str
    date: PartialDate
    date_end: PartialDate | None
    inferred: bool
    inference: str  # how the date was worked out, in English
    inference_zh: str  # the same, in Chinese
    status: str
    zone: str
    category: str
    storylines: list[str]
    importance: int
    title_zh: str
    title_en: str
    summary_zh: str
    summary_en: str
    conflict: str
    figures: list[Figure] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)


@dataclass
class Conflict:
    id: str
    note_zh: str
    note_en: str


@dataclass
class Exclusion:
    article: str
    start: int
    text: str
    reason: str
    file: str = ""


@dataclass
class Curated:
    """Everything read from a curated source folder."""

    articles: dict[str, Article] = field(default_factory=dict)
    zones: dict[str, Zone] = field(default_factory=dict)
    categories: dict[str, Term] = field(default_factory=dict)
    storylines: dict[str, Term] = field(default_factory=dict)
    conflicts: dict[str, Conflict] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    exclusions: list[Exclusion] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    passages_from: Path | None = None  # the database a build carried the passages over from


class _Reader:
    """Typed field access that records problems instead of raising."""

    def __init__(self, problems: list[Problem], file: str, entry: str, data: dict):
        self.problems, self.file, self.entry, self.data = problems, file, entry, data

    def problem(self, fld: str, msg: str) -> None:
        self.problems.append(Problem(self.file, self.entry, fld, msg))

    def get(self, name, kind, default=None, required=True):
        if name not in self.data:
            if required:
                self.problem(name, "missing")
            return default
        value = self.data[name]
        ok = isinstance(value, kind) and not (kind in (int, float) and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            try:
                return float(value)
            except OverflowError:
                self.problem(name, f"should be a finite number, got {_number(value)}")
                return default
        if kind is float and ok and not math.isfinite(value):
            self.problem(name, f"should be a finite number, got {value!r}")
            return default
        if kind is int and ok and not _INT64[0] <= value <= _INT64[1]:
            self.problem(name, f"out of range: {_number(value)} is beyond a 64-bit integer")
            return value  # named; kept, so that the checks against it add no knock-on problems
        if not ok:
            self.problem(name, f"should be {getattr(kind, '__name__', kind)}, got {value!r}")
            return default
        return value

    def text(self, name, required=True, nonempty=True) -> str:
        v = self.get(name, str, "", required)
        if required and nonempty and v == "" and name in self.data:
            self.problem(name, "is empty")
        self._printable(name, v)
        return v

    def strings(self, name, required=False) -> list[str]:
        v = self.get(name, list, [], required)
        if any(not isinstance(x, str) for x in v):
            self.problem(name, "should be a list of strings")
            v = [x for x in v if isinstance(x, str)]
        self._printable(name, "".join(v))
        return v

    def _printable(self, name: str, text: str) -> None:
        if bad := _code_points(text):
            self.problem(name, f"contains {', '.join(bad)}, which text may not hold "
                         "(control characters and bidirectional formatting characters are refused)")

    def date(self, name, required=True) -> PartialDate | None:
        """A partial date; an optional one left empty (``date_end = ""``) is none."""
        raw = self.get(name, str, "", required)
        if not raw:
            if required and name in self.data:
                self.problem(name, "is empty")
            return None
        try:
            return PartialDate.parse(raw)
        except DateError as exc:
            self.problem(name, f"impossible or malformed date {raw!r}: {exc}")
            return None


def _line_numbers(r: _Reader, name: str) -> list[int]:
    """An optional list of 1-based line numbers (a problem for anything else)."""
    v = r.get(name, list, [], required=False)
    if any(isinstance(x, bool) or not isinstance(x, int) or x < 1 for x in v):
        r.problem(name, "should be a list of line numbers (1 or more)")
        return [x for x in v if isinstance(x, int) and not isinstance(x, bool) and x >= 1]
    return v


def _load_toml(path: Path, root: Path, problems: list[Problem]) -> dict:
    rel = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    if is_special(path):  # a named pipe would be waited on: the check hung
        problems.append(Problem(rel, "", "", "cannot read: it is a device, pipe or socket, not a file"))
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        bom = path.read_bytes().startswith(b"\xef\xbb\xbf")  # as Windows Notepad may save it
        problems.append(Problem(rel, "", "", "starts with a byte order mark (BOM), which TOML does not allow; "
                                "save it as UTF-8 without BOM" if bom else f"malformed TOML: {exc}"))
    except UnicodeDecodeError as exc:
        problems.append(Problem(rel, "", "", f"not UTF-8 text: {exc}"))
    except OSError as exc:
        problems.append(Problem(rel, "", "", f"cannot read: {exc.strerror or exc}"))
    return {}


def _entries(doc: dict, key: str, rel: str, problems: list[Problem]) -> list[dict]:
    items = doc.get(key, [])
    if not isinstance(items, list) or any(not isinstance(x, dict) for x in items):
        problems.append(Problem(rel, "", key, f"should be an array of tables [[{key}]]"))
        return []
    return items


def load_curated(source: Path, corpus: Path | None = None) -> Curated:
    """Read every curated file under ``source`` and validate it.

    Parameters
    ----------
    source
        The curated folder (``db/``).
    corpus
        Optional folder of article files; when given, citation spans are checked
        against the real line boundaries and the files' checksums.
    """
    source = Path(source)
    cur = Curated()
    P = cur.problems
    if not source.is_dir():
        reason = "is not a folder" if source.exists() else "curated source folder not found"
        P.append(Problem(str(source), "", "", reason))
        return cur

    def rel(p: Path) -> str:
        return str(p.relative_to(source))

    # ---- articles
    ap = source / "articles.toml"
    doc = _load_toml(ap, source, P) if ap.exists() else {}
    if not ap.exists():
        P.append(Problem("articles.toml", "", "", "missing file"))
    for i, d in enumerate(_entries(doc, "article", "articles.toml", P)):
        r = _Reader(P, "articles.toml", d.get("id", f"#{i + 1}"), d)
        aid = r.text("id")
        art = Article(
            id=aid,
            outlet_zh=r.text("outlet_zh"),
            outlet_en=r.text("outlet_en"),
            title_zh=r.text("title_zh"),
            title_en=r.text("title_en"),
            authors=r.strings("authors"),
            published=r.date("published"),
            published_basis=r.text("published_basis"),
            published_confidence=r.text("published_confidence"),
            script=r.text("script"),
            defects=r.strings("defects"),
            lines=r.get("lines", int, 0),
            chars=r.get("chars", int, 0),
            sha256=r.text("sha256", required=False, nonempty=False),
            continued=frozenset(_line_numbers(r, "continued")),
        )
        if art.published_confidence and art.published_confidence not in CONFIDENCES:
            r.problem("published_confidence", f"must be one of {', '.join(CONFIDENCES)}")
        if art.lines and any(n > art.lines for n in art.continued):
            r.problem("continued", f"a line beyond the article's {art.lines}")
        if art.script and art.script not in SCRIPTS:
            r.problem("script", f"must be one of {', '.join(SCRIPTS)}")
        if aid in cur.articles:
            r.problem("id", "duplicate article id")
        elif aid:
            cur.articles[aid] = art

    # ---- vocabularies
    vp = source / "vocab.toml"
    doc = _load_toml(vp, source, P) if vp.exists() else {}
    if not vp.exists():
        P.append(Problem("vocab.toml", "", "", "missing file"))
    for key, target in (("category", cur.categories), ("storyline", cur.storylines)):
        for i, d in enumerate(_entries(doc, key, "vocab.toml", P)):
            r = _Reader(P, "vocab.toml", d.get("id", f"{key} #{i + 1}"), d)
            t = Term(r.text("id"), r.text("zh"), r.text("en"), r.text("description", required=False),
                     r.text("description_zh", required=False))
            if t.id in target:
                r.problem("id", f"duplicate {key} id")
            elif t.id:
                target[t.id] = t

    # ---- zones
    zone_files = sorted((source / "zones").glob("*.toml"))
    if not zone_files:
        P.append(Problem("zones/", "", "", "no zone files"))
    zone_origin: dict[str, str] = {}
    for zp in zone_files:
        doc = _load_toml(zp, source, P)
        for i, d in enumerate(_entries(doc, "zone", rel(zp), P)):
            r = _Reader(P, rel(zp), d.get("id", f"#{i + 1}"), d)
            z = Zone(
                id=r.text("id"),
                name_zh=r.text("name_zh"),
                name_en=r.text("name_en"),
                kind=r.text("kind"),
                parent=r.text("parent", nonempty=False),
                lat=r.get("lat", float, 0.0),
                lon=r.get("lon", float, 0.0),
                approximate=r.get("approximate", bool, True),
                aliases=r.strings("aliases"),
                former_names=r.strings("former_names"),
            )
            if z.id and not _SLUG.match(z.id):
                r.problem("id", "must be a lowercase slug (a-z, 0-9, -)")
            if z.kind and z.kind not in ZONE_KINDS:
                r.problem("kind", f"unknown kind {z.kind!r}; one of {', '.join(ZONE_KINDS)}")
            if not (-90 <= z.lat <= 90 and -180 <= z.lon <= 180):
                r.problem("lat/lon", "out of range")
            if z.id in cur.zones:
                r.problem("id", f"duplicate zone id (first in {zone_origin[z.id]})")
            elif z.id:
                cur.zones[z.id] = z
                zone_origin[z.id] = rel(zp)
    for z in cur.zones.values():
        if z.parent and z.parent not in cur.zones:
            P.append(Problem(zone_origin[z.id], z.id, "parent", f"unknown zone {z.parent!r}"))
    _check_zone_cycles(cur, zone_origin)

    # ---- conflicts
    cp = source / "conflicts.toml"
    doc = _load_toml(cp, source, P) if cp.exists() else {}
    for i, d in enumerate(_entries(doc, "conflict", "conflicts.toml", P)):
        r = _Reader(P, "conflicts.toml", d.get("id", f"#{i + 1}"), d)
        c = Conflict(r.text("id"), r.text("note_zh"), r.text("note_en"))
        if c.id in cur.conflicts:
            r.problem("id", "duplicate conflict id")
        elif c.id:
            cur.conflicts[c.id] = c

    # ---- events
    seen: dict[str, str] = {}
    event_files = sorted((source / "events").glob("*.toml"))
    if not event_files:
        P.append(Problem("events/", "", "", "no event files"))
    for ep in event_files:
        known = len(P)
        doc = _load_toml(ep, source, P)
        entries = _entries(doc, "event", rel(ep), P)
        if not entries and len(P) == known:  # read, but holds no event (a file it cannot read is named already)
            others = ", ".join(_visible(str(k)) for k in doc if k != "event")
            P.append(Problem(rel(ep), "", "", "has no events (no [[event]] entries"
                             + (f"; it holds only: {others})" if others else ")")))
        for i, d in enumerate(entries):
            ev = _read_event(cur, rel(ep), i, d)
            if ev is None:
                continue
            if ev.id in seen:
                P.append(Problem(rel(ep), ev.id, "id", f"duplicate event id (also in {seen[ev.id]})"))
                continue
            seen[ev.id] = rel(ep)
            cur.events.append(ev)

    members: dict[str, int] = {}
    for ev in cur.events:
        if ev.conflict:
            members[ev.conflict] = members.get(ev.conflict, 0) + 1
    for cid in cur.conflicts:
        if members.get(cid, 0) < 2:
            P.append(Problem("conflicts.toml", cid, "events", f"a conflict group needs >= 2 events, has {members.get(cid, 0)}"))

    # ---- exclusions
    for xp in sorted((source / "exclusions").glob("*.toml")):
        doc = _load_toml(xp, source, P)
        for i, d in enumerate(_entries(doc, "exclude", rel(xp), P)):
            r = _Reader(P, rel(xp), f"#{i + 1}", d)
            x = Exclusion(r.text("article"), r.get("start", int, -1), r.text("text"), r.text("reason"), rel(xp))
            if x.article and x.article not in cur.articles:
                r.problem("article", f"unknown article {x.article!r}")
            cur.exclusions.append(x)

    if corpus is not None:
        check_against_corpus(cur, Path(corpus))
    return cur


def _check_zone_cycles(cur: Curated, origin: dict[str, str]) -> None:
    for z in cur.zones.values():
        seen = {z.id}
        p = z.parent
        while p and p in cur.zones:
            if p in seen:
                cur.problems.append(Problem(origin[z.id], z.id, "parent", "zone hierarchy has a cycle"))
                break
            seen.add(p)
            p = cur.zones[p].parent


def _read_event(cur: Curated, file: str, i: int, d: dict) -> Event | None:
    P = cur.problems
    r = _Reader(P, file, str(d.get("id", f"#{i + 1}")), d)
    eid = r.text("id")
    if eid and not _SLUG.match(eid):
        r.problem("id", "must be a lowercase slug (a-z, 0-9, -)")
    start = r.date("date")
    end = r.date("date_end", required=False)
    if start and end and end.span()[1] <= start.span()[0]:
        r.problem("date_end", f"end {end} is before start {start}")
    status = r.text("status")
    if status and status not in STATUSES:
        r.problem("status", f"must be one of {', '.join(STATUSES)}")
    zone = r.text("zone")
    if zone and zone not in cur.zones:
        r.problem("zone", f"unknown zone {zone!r}")
    cat = r.text("category")
    if cat and cat not in cur.categories:
        r.problem("category", f"unknown category {cat!r}")
    stories = r.strings("storylines")
    for s in stories:
        if s not in cur.storylines:
            r.problem("storylines", f"unknown storyline {s!r}")
    importance = r.get("importance", int, 1)
    if not 1 <= importance <= 3:
        r.problem("importance", "must be 1, 2 or 3")
    conflict = r.text("conflict", required=False, nonempty=False)
    if conflict and conflict not in cur.conflicts:
        r.problem("conflict", f"unknown conflict group {conflict!r}")
    inferred = r.get("inferred", bool, False)
    inference = r.text("inference", required=False, nonempty=False)
    inference_zh = r.text("inference_zh", required=False, nonempty=False)
    if inferred and not inference:
        r.problem("inference", "an inferred date needs its reasoning")
    if inferred and not inference_zh:
        r.problem("inference_zh", "an inferred date needs its reasoning in Chinese too")
    ev = Event(
        id=eid,
        file=file,
        date=start,
        date_end=end,
        inferred=inferred,
        inference=inference,
        inference_zh=inference_zh,
        status=status,
        zone=zone,
        category=cat,
        storylines=stories,
        importance=importance,
        title_zh=r.text("title_zh"),
        title_en=r.text("title_en"),
        summary_zh=r.text("summary_zh"),
        summary_en=r.text("summary_en"),
        conflict=conflict,
    )
    for j, fd in enumerate(r.get("figures", list, [], required=False)):
        fr = _Reader(P, file, f"{eid} figure {j + 1}", fd if isinstance(fd, dict) else {})
        vt = fr.get("value_to", float, 0.0, required=False)
        ev.figures.append(
            Figure(fr.get("value", float, 0.0), vt or None, fr.text("unit"), fr.text("label_zh"), fr.text("label_en"))
        )
    cites = r.get("citations", list, [], required=False)
    if not cites:
        r.problem("citations", "missing citation: every event cites at least one source span")
    for j, cd in enumerate(cites):
        cr = _Reader(P, file, f"{eid} citation {j + 1}", cd if isinstance(cd, dict) else {})
        c = Citation(cr.text("article"), cr.get("para", int, 0), cr.get("start", int, -1), cr.get("end", int, -1))
        art = cur.articles.get(c.article)
        if c.article and art is None:
            cr.problem("article", f"unknown article {c.article!r}")
        if c.para < 1 or (art and art.lines and c.para > art.lines):
            cr.problem("para", f"locator out of range: line {c.para} (article has {art.lines if art else '?'} lines)")
        if c.start < 0 or c.end <= c.start or (art and art.chars and c.end > art.chars):
            cr.problem("start/end", f"locator out of range: span [{c.start}, {c.end})")
        ev.citations.append(c)
    if start is None:
        return ev if eid else None
    return ev


class ArticleError(Exception):
    """An article file that cannot be read as text; the message names the file and why."""


def read_article(corpus: Path, article_id: str) -> str:
    """An article's text exactly as the locators count it.

    Raises
    ------
    ArticleError
        The file cannot be read, or is not UTF-8 text.
    """
    p = Path(corpus) / f"{article_id}.txt"
    return _decode_article(_read_article_bytes(p), p)


def _read_article_bytes(p: Path) -> bytes:
    try:
        return p.read_bytes()
    except OSError as exc:
        raise ArticleError(f"article file {p} cannot be read ({exc.strerror or exc})") from exc


def _decode_article(raw: bytes, p: Path) -> str:
    # Decoded whole, not through a text stream: "\r\n" must stay two characters, as the
    # locators count them.
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.end].hex(" ")
        raise ArticleError(f"article file {p} is not UTF-8 text (byte {bad} at offset {exc.start})") from exc


def check_against_corpus(cur: Curated, corpus: Path) -> None:
    """Check each citation span against the real article files."""
    texts: dict[str, str] = {}
    for aid, art in cur.articles.items():
        p = corpus / f"{aid}.txt"
        if not p.exists():
            cur.problems.append(Problem("articles.toml", aid, "corpus", f"article file not found: {p}"))
            continue
        try:
            raw = _read_article_bytes(p)
            if art.sha256 and hashlib.sha256(raw).hexdigest() != art.sha256:
                cur.problems.append(Problem("articles.toml", aid, "sha256", f"{p} differs from the version the locators were made for"))
            texts[aid] = _decode_article(raw, p)
        except ArticleError as exc:
            cur.problems.append(Problem("articles.toml", aid, "corpus", str(exc)))
    for ev in cur.events:
        for j, c in enumerate(ev.citations):
            t = texts.get(c.article)
            if t is None or c.para < 1:
                continue
            lines = t.split("\n")
            if c.para > len(lines):
                continue
            ls = sum(len(x) + 1 for x in lines[: c.para - 1])
            le = ls + len(lines[c.para - 1])
            if not (ls <= c.start < c.end <= le):
                cur.problems.append(
                    Problem(ev.file, f"{ev.id} citation {j + 1}", "start/end",
                            f"locator out of range: span [{c.start}, {c.end}) is not inside line {c.para} [{ls}, {le})")
                )
    for x in cur.exclusions:
        t = texts.get(x.article)
        if t is not None and t[x.start : x.start + len(x.text)] != x.text:
            cur.problems.append(Problem(x.file, f"{x.article}@{x.start}", "text", f"{x.text!r} is not at offset {x.start}"))
