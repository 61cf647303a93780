"""Build the SQLite event database from the curated sources.

Deterministic (the same sources give the same content), and atomic: the database is
written to a temporary file beside the target and moved into place only when complete,
so a failed build never harms an existing database.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from explorer import __version__
from explorer.core.coverage import citation_problems
from explorer.core.curated import Curated, Problem, load_curated, read_article
from explorer.core.database import SQLITE_MAGIC, SQLiteBackend, open_database, sqlite_url
from explorer.core.files import (
    create_beside,
    discard,
    file_in_the_way,
    is_folder,
    is_protected,
    is_special,
    through_links,
)
from explorer.core.schema import (
    SCHEMA_VERSION,
    ArticleRow,
    Base,
    CategoryRow,
    CitationRow,
    ConflictRow,
    EventRow,
    EventStorylineRow,
    FigureRow,
    Meta,
    PassageRow,
    StorylineRow,
    ZoneNameRow,
    ZoneRow,
)
from explorer.core.search import write_postings
from explorer.core.store import write_column_cache
from explorer.core.text import normalise_for_search, passage_for_span

DATABASE_SUFFIXES = (".sqlite", ".sqlite3", ".db")  # names a database (damaged, it may hold anything) may have


class BuildError(Exception):
    """The curated sources have problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the curated sources")
        self.problems = problems


def source_digest(source: Path) -> str:
    """A digest of every curated file, recorded in the database."""
    h = hashlib.sha256()
    for p in sorted(Path(source).rglob("*.toml")):
        h.update(str(p.relative_to(source)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def zone_order(cur: Curated) -> list[tuple[str, int]]:
    """Zones depth-first in the order the curated files list them, with their depth."""
    children: dict[str, list[str]] = {}
    for z in cur.zones.values():
        children.setdefault(z.parent or "", []).append(z.id)
    out: list[tuple[str, int]] = []

    def walk(pid: str, depth: int) -> None:
        for cid in children.get(pid, []):
            out.append((cid, depth))
            walk(cid, depth + 1)

    walk("", 0)
    return out


def build_database(source: Path, out: Path, corpus: Path | None = None,
                   passages_from: Path | None = None) -> Curated:
    """Validate ``source`` and write the database to ``out`` atomically.

    With no ``corpus``, the passages of ``passages_from`` (a database built with the
    articles: the packaged app's own) are carried over when it cites every event as the
    sources do (:func:`carry_passages`): a rebuild keeps what it cannot make again.

    Raises
    ------
    BuildError
        With every problem found; ``out`` is left untouched.
    OSError
        ``out`` cannot be written (see :func:`check_target`); ``out`` is left untouched.
    """
    source, out = Path(source), Path(out)
    check_target(out)
    cur = load_curated(source, corpus)
    problems = list(cur.problems)
    if corpus is not None:
        problems += citation_problems(cur, corpus)
    if problems:
        raise BuildError(problems)
    with new_database(out) as (engine, tmp):
        with engine.begin() as conn:
            write_curated(conn, cur, source_digest(source), corpus)
            if corpus is None and passages_from is not None:
                cur.passages_from = passages_from if carry_passages(conn, passages_from) else None
            write_indexes(conn)
        finish_database(tmp)
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM")
    return cur


@contextmanager
def new_database(out: Path) -> Iterator[tuple[Engine, Path]]:
    """An engine on an empty database of this schema (and its path), made beside ``out``
    and moved into place when the block ends; on any failure nothing is left behind and
    an existing ``out`` is untouched (build and synth write through it).

    A link at ``out`` keeps leading to the database, and the file gets the mode the export's
    files get (:func:`~explorer.core.files.create_beside`: an existing file's own, else that
    of any new file).  SQLite's failures to write (a full disk, a read-only folder) are an
    ``OSError`` whose ``strerror`` is SQLite's reason."""
    out = through_links(Path(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, name = create_beside(out, suffix=".tmp")  # empty: SQLite takes it as a new database
    os.close(fd)
    tmp = Path(name)
    try:
        engine = create_engine(sqlite_url(tmp, read_only=False))
        try:
            Base.metadata.create_all(engine)
            yield engine, tmp
        finally:
            engine.dispose()
        os.replace(tmp, out)
    except (OperationalError, sqlite3.OperationalError) as exc:  # SQLite could not write: said as the system's errors are
        _discard_database(tmp)
        raise OSError(errno.EIO, str(getattr(exc, "orig", None) or exc), str(out)) from exc
    except BaseException:
        _discard_database(tmp)
        raise


def _discard_database(path: Path) -> None:
    """Remove an unfinished database and the files SQLite keeps beside it while writing (a
    journal left by a full disk was 140 kB of hidden file)."""
    for extra in ("", "-journal", "-wal", "-shm"):
        discard(f"{path}{extra}")


def check_target(out: Path) -> None:
    """Raise an ``OSError`` whose ``strerror`` says why, if ``out`` cannot become a database
    file: it is a folder, a device or pipe, a write-protected file, or a file stands where one of its folders should
    be.  Missing folders are fine (they are made); other failures show when the file is
    written."""
    out = through_links(Path(out))
    if is_folder(out):
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(out))
    if is_special(out):
        raise OSError(errno.EINVAL, "it is a device or pipe, not a file", str(out))
    if is_protected(out):
        raise PermissionError(errno.EACCES, "it is write-protected", str(out))
    if not_a_database(out):
        kind = f"a {out.suffix} file" if out.suffix else "a file"
        raise FileExistsError(errno.EEXIST, f"it is {kind} that is not a database; only a database, or a file named "
                              f"{', '.join(DATABASE_SUFFIXES[:-1])} or {DATABASE_SUFFIXES[-1]}, is replaced", str(out))
    blocker = file_in_the_way(out.parent)
    if blocker:
        raise NotADirectoryError(errno.ENOTDIR, f"{blocker} is not a folder", str(blocker))


def not_a_database(out: Path) -> bool:
    """Whether ``out`` is a file a build must not replace: one with content, neither named
    as a database nor starting as one (a source file, notes, an image named by mistake).
    A damaged database under a database's name is replaced: rebuilding it is the way out."""
    try:
        if not out.is_file() or out.suffix.lower() in DATABASE_SUFFIXES or out.stat().st_size == 0:
            return False
        with open(out, "rb") as fh:
            return fh.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC
    except (OSError, ValueError):
        return False  # unreadable: writing it says why


def write_indexes(conn) -> None:  # noqa: ANN001 (an SQLAlchemy connection)
    """The search indexes of the events just written: the backend's full-text index and
    the n-gram posting lists (build and synth both call this after writing every event,
    before :func:`finish_database`)."""
    SQLiteBackend().create_search_index(conn.connection)
    write_postings(conn)


def finish_database(path: Path) -> None:
    """Open a freshly written database as the app will (checking it) and store its column
    cache; every connection is closed on return."""
    db = open_database(path, read_only=False)
    try:
        write_column_cache(db)
    finally:
        db.close()


def _chunks(rows: Iterable[dict], n: int = 5000):
    buf = []
    for r in rows:
        buf.append(r)
        if len(buf) >= n:
            yield buf
            buf = []
    if buf:
        yield buf


def carry_passages(conn: Connection, old: Path) -> bool:
    """Copy into the citations just written the passages ``old`` holds for the same
    citations (same event, order, article, line and span); only when every citation has
    one there, else none (a database whose events cite other passages than the sources
    now do is not theirs).  Whether they were carried."""
    try:
        src = sqlite3.connect(f"{Path(old).resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = src.execute('SELECT c.event_id, c.seq, c.article_id, c.para, c.start, c."end", '
                               "p.text, p.hl_start, p.hl_end FROM citations c JOIN passages p ON p.citation_id = c.id"
                               ).fetchall()
        finally:
            src.close()
    except sqlite3.Error:  # missing, not a database, or one without passages
        return False
    held = {tuple(r[:6]): r[6:] for r in rows}
    cites = conn.exec_driver_sql('SELECT id, event_id, seq, article_id, para, start, "end" FROM citations').fetchall()
    found = [(c[0], held.get(tuple(c[1:]))) for c in cites]
    if not found or any(p is None for _, p in found):
        return False
    conn.execute(insert(PassageRow), [{"citation_id": cid, "text": p[0], "hl_start": p[1], "hl_end": p[2]}
                                      for cid, p in found])
    conn.exec_driver_sql("UPDATE meta SET value = 'yes' WHERE key = 'passages'")
    return True


def write_curated(conn: Connection, cur: Curated, digest: str, corpus: Path | None) -> None:
    """Insert everything from ``cur`` into an empty schema."""
    conn.execute(
        insert(Meta),
        [
            {"key": "schema_version", "value": str(SCHEMA_VERSION)},
            {"key": "app_version", "value": __version__},
            {"key": "source_digest", "value": digest},
            {"key": "passages", "value": "yes" if corpus is not None else "no"},
        ],
    )
    conn.execute(
        insert(ArticleRow),
        [
            {
                "id": a.id, "outlet_zh": a.outlet_zh, "outlet_en": a.outlet_en,
                "title_zh": a.title_zh, "title_en": a.title_en,
                "authors": json.dumps(a.authors, ensure_ascii=False),
                "published": a.published.iso(), "published_precision": a.published.precision.label,
                "published_basis": a.published_basis, "published_confidence": a.published_confidence,
                "script": a.script, "defects": json.dumps(a.defects, ensure_ascii=False),
            }
            for a in sorted(cur.articles.values(), key=lambda a: a.id)
        ],
    )
    order = zone_order(cur)
    conn.execute(
        insert(ZoneRow),
        [
            {
                "id": zid, "seq": i, "name_zh": cur.zones[zid].name_zh, "name_en": cur.zones[zid].name_en,
                "kind": cur.zones[zid].kind, "parent_id": cur.zones[zid].parent or None, "depth": depth,
                "lat": cur.zones[zid].lat, "lon": cur.zones[zid].lon, "approximate": cur.zones[zid].approximate,
            }
            for i, (zid, depth) in enumerate(order)
        ],
    )
    names = [
        {"zone_id": zid, "name": n, "kind": kind}
        for zid, _ in order
        for kind, lst in (("former", cur.zones[zid].former_names), ("alias", cur.zones[zid].aliases))
        for n in lst
    ]
    if names:
        conn.execute(insert(ZoneNameRow), names)
    conn.execute(insert(CategoryRow), [
        {"id": t.id, "seq": i, "zh": t.zh, "en": t.en, "description": t.description, "description_zh": t.description_zh}
        for i, t in enumerate(cur.categories.values())
    ])
    conn.execute(insert(StorylineRow), [
        {"id": t.id, "seq": i, "zh": t.zh, "en": t.en} for i, t in enumerate(cur.storylines.values())
    ])
    if cur.conflicts:
        conn.execute(insert(ConflictRow), [
            {"id": c.id, "note_zh": c.note_zh, "note_en": c.note_en} for c in cur.conflicts.values()
        ])

    zone_seq = {zid: i for i, (zid, _) in enumerate(order)}
    zone_text = {
        z.id: " ".join([z.name_zh, z.name_en, *z.aliases, *z.former_names]) for z in cur.zones.values()
    }
    events = sorted(cur.events, key=lambda e: (e.date.span()[0], e.date.sort_key(), zone_seq[e.zone], e.id))
    rows = []
    for seq, e in enumerate(events):
        t0 = e.date.span()[0]
        t1 = (e.date_end or e.date).span()[1]
        rows.append({
            "id": e.id, "seq": seq, "date": e.date.iso(), "date_precision": e.date.precision.label,
            "date_end": e.date_end.iso() if e.date_end else None,
            "date_end_precision": e.date_end.precision.label if e.date_end else None,
            "year": e.date.year, "year_end": (e.date_end or e.date).year, "t_start": t0, "t_end": t1,
            "inferred": e.inferred, "inference": e.inference, "inference_zh": e.inference_zh, "status": e.status,
            "zone_id": e.zone, "category_id": e.category, "importance": e.importance,
            "title_zh": e.title_zh, "title_en": e.title_en, "summary_zh": e.summary_zh, "summary_en": e.summary_en,
            "conflict_id": e.conflict or None,
            "search_text": normalise_for_search(
                " ".join([e.title_zh, e.title_en, e.summary_zh, e.summary_en, zone_text[e.zone]])
            ),
        })
    for chunk in _chunks(rows):
        conn.execute(insert(EventRow), chunk)
    links = [{"event_id": e.id, "storyline_id": s} for e in events for s in dict.fromkeys(e.storylines)]
    if links:
        conn.execute(insert(EventStorylineRow), links)
    figs = [
        {"event_id": e.id, "seq": j, "value": f.value, "value_to": f.value_to, "unit": f.unit,
         "label_zh": f.label_zh, "label_en": f.label_en}
        for e in events for j, f in enumerate(e.figures)
    ]
    if figs:
        conn.execute(insert(FigureRow), figs)
    cites = []
    passages = []
    texts: dict[str, str] = {}
    cid = 0
    for e in events:
        for j, c in enumerate(e.citations):
            cid += 1
            cites.append({"id": cid, "event_id": e.id, "seq": j, "article_id": c.article,
                          "para": c.para, "start": c.start, "end": c.end})
            if corpus is not None:
                if c.article not in texts:
                    texts[c.article] = read_article(corpus, c.article)
                ptext, hs, he = passage_for_span(texts[c.article], c.para, c.start, c.end,
                                                 cur.articles[c.article].continued)
                passages.append({"citation_id": cid, "text": ptext, "hl_start": hs, "hl_end": he})
    if cites:
        conn.execute(insert(CitationRow), cites)
    if passages:
        conn.execute(insert(PassageRow), passages)
