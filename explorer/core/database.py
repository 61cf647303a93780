"""Opening, checking and creating event databases.

All access goes through SQLAlchemy so a PostgreSQL URL could later serve a team.  What
is SQLite-specific (pragmas, the FTS5 trigram index) sits behind :class:`Backend`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import SQLAlchemyError

from explorer.core.schema import SCHEMA_VERSION, Base, Meta

SQLITE_MAGIC = b"SQLite format 3\x00"


class DatabaseError(Exception):
    """A database that cannot be used, with a message naming the file and the reason."""

    def __init__(self, path: str | Path, reason: str, kind: str = "invalid"):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason
        self.kind = kind  # "missing" | "not-sqlite" | "wrong-shape" | "wrong-version" | "invalid"


class Backend:
    """The small interface behind which SQLite-only features live."""

    name = "generic"

    def configure(self, engine: Engine, read_only: bool) -> None:
        """Per-connection settings."""

    def create_search_index(self, conn) -> None:
        """Create and fill a full-text index over ``events.search_text`` if supported."""

    def match_rows(self, conn, query: str) -> np.ndarray | None:
        """``events.seq`` of rows whose search text contains ``query`` (an array, fetched
        without a Python object per row), or ``None`` when this backend cannot answer
        (the caller then scans)."""
        return None


class SQLiteBackend(Backend):
    """SQLite: pragmas for a read-mostly file and an FTS5 trigram index."""

    name = "sqlite"

    def configure(self, engine: Engine, read_only: bool) -> None:
        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if read_only:
                cur.execute("PRAGMA query_only=ON")
            cur.close()

    def create_search_index(self, conn) -> None:
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE events_fts USING fts5("
            "search_text, content='events', content_rowid='seq', tokenize='trigram')"
        )
        conn.exec_driver_sql("INSERT INTO events_fts(rowid, search_text) SELECT seq, search_text FROM events")

    def match_rows(self, conn, query: str) -> np.ndarray | None:
        # The trigram tokenizer silently finds nothing for queries under 3 characters.
        if len(query) < 3:
            return None
        try:
            # One comma-separated string parsed by numpy: far cheaper than a tuple per row.
            found = conn.exec_driver_sql(
                "SELECT group_concat(rowid) FROM events_fts WHERE search_text MATCH ?",
                ('"' + query.replace('"', '""') + '"',),
            ).scalar()
        except SQLAlchemyError:
            return None
        return np.fromstring(found, np.int64, sep=",") if found else np.zeros(0, np.int64)


def backend_for(url: str) -> Backend:
    return SQLiteBackend() if url.startswith("sqlite") else Backend()


def sqlite_url(path: str | Path, read_only: bool = True) -> str:
    p = Path(path).resolve()
    if read_only:
        return f"sqlite:///file:{p.as_posix()}?mode=ro&uri=true"
    return f"sqlite:///{p.as_posix()}"


@dataclass
class Database:
    """An opened, checked database."""

    engine: Engine
    backend: Backend
    path: str
    schema_version: int

    def close(self) -> None:
        self.engine.dispose()


def _schema_version(conn, tables: set[str], missing: list[str]) -> int | None:
    """The ``schema_version`` recorded in ``meta`` (-1 when not a number), or ``None``
    when there is none: no ``meta`` table, or, in a file lacking tables anyway, an
    unreadable one."""
    if Meta.__tablename__ not in tables:
        return None
    try:
        row = conn.execute(select(Meta.value).where(Meta.key == "schema_version")).scalar()
    except SQLAlchemyError:
        if missing:
            return None
        raise
    if row is None:
        return None
    try:
        return int(row)
    except ValueError:
        return -1


def open_database(path: str | Path, read_only: bool = True) -> Database:
    """Open and check a database file.

    Raises
    ------
    DatabaseError
        Missing file, not SQLite, wrong shape (tables missing) or another schema version.
        Nothing is ever written to the file.
    """
    p = Path(path)
    if not p.exists():
        raise DatabaseError(p, "database file not found", "missing")
    if p.is_dir():
        raise DatabaseError(p, "is a folder, not a database file", "not-sqlite")
    try:
        with p.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise DatabaseError(p, f"cannot read: {exc.strerror or exc}", "invalid") from exc
    if head != SQLITE_MAGIC:
        raise DatabaseError(p, "not an SQLite database (wrong file header)", "not-sqlite")
    url = sqlite_url(p, read_only=read_only)
    backend = backend_for(url)
    engine = create_engine(url)
    backend.configure(engine, read_only)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            missing = sorted(set(Base.metadata.tables) - tables)
            # An event database of another version may lack tables of this one: it is
            # named as such (rebuild it), not as something else.
            version = _schema_version(conn, tables, missing)
            if missing and version in (None, SCHEMA_VERSION):
                raise DatabaseError(p, f"not an event database of this app (missing tables: {', '.join(missing)})", "wrong-shape")
            if version != SCHEMA_VERSION:
                raise DatabaseError(
                    p, f"schema version {-1 if version is None else version} but this app reads version "
                    f"{SCHEMA_VERSION}; rebuild it", "wrong-version"
                )
            conn.execute(text("SELECT count(*) FROM events")).scalar()
    except DatabaseError:
        engine.dispose()
        raise
    except SADatabaseError as exc:
        engine.dispose()
        raise DatabaseError(p, f"corrupt or unreadable SQLite file ({exc.orig})", "not-sqlite") from exc
    except SQLAlchemyError as exc:
        engine.dispose()
        raise DatabaseError(p, f"cannot open: {exc}", "invalid") from exc
    return Database(engine, backend, str(p), version)
