"""Opening, checking and reading event databases.

Reading goes straight through Python's ``sqlite3`` (plain SQL, parameters bound with
``?``): opening a database and every query of the store and the search run without
importing SQLAlchemy, whose import alone costs ~0.35 s at start-up and whose statement
handling costs ~0.3–0.5 ms a query.  SQLAlchemy, with the models of
:mod:`explorer.core.schema`, stays the tool that creates and writes databases (build,
synth, the column cache): :attr:`Database.engine` makes an engine on first use.

What is SQLite-specific beyond the SQL dialect (pragmas, the FTS5 trigram index) sits
behind :class:`Backend`, which works on DBAPI connections.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path

import numpy as np

from explorer.core.files import is_special
from explorer.core.tables import SCHEMA_VERSION, TABLES

SQLITE_MAGIC = b"SQLite format 3\x00"


class DatabaseError(Exception):
    """A database that cannot be used, with a message naming the file and the reason."""

    def __init__(self, path: str | Path, reason: str, kind: str = "invalid"):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason
        # "missing" | "folder" | "not-file" | "empty" | "not-sqlite" | "wrong-shape" | "wrong-version"
        # (older, or none) | "newer-version" | "damaged" | "invalid"
        self.kind = kind


def damaged(path: str | Path, exc: BaseException) -> DatabaseError:
    """The :class:`DatabaseError` of a database found unusable while reading it, after it
    opened: SQLite reports damaged pages only when it reads them, and values that do not
    decode (a date that is not one, a row number beyond the events) show only when used."""
    if isinstance(exc, sqlite3.Error):
        why = str(exc)
    else:
        why = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return DatabaseError(path, f"the file is damaged or inconsistent ({why}); rebuild it", "damaged")


class Backend:
    """The small interface behind which SQLite-only features live.

    Every method takes a DBAPI connection (``sqlite3``'s, or the one under an SQLAlchemy
    connection, ``conn.connection``) and uses only ``cursor()``.
    """

    name = "generic"

    def configure(self, dbapi_conn, read_only: bool) -> None:  # noqa: ANN001
        """Per-connection settings."""

    def create_search_index(self, dbapi_conn) -> None:  # noqa: ANN001
        """Create and fill a full-text index over ``events.search_text`` if supported."""

    def match_rows(self, dbapi_conn, query: str) -> np.ndarray | None:  # noqa: ANN001
        """``events.seq`` of rows whose search text contains ``query`` (an array, fetched
        without a Python object per row), or ``None`` when this backend cannot answer
        (the caller then scans)."""
        return None


class SQLiteBackend(Backend):
    """SQLite: pragmas for a read-mostly file and an FTS5 trigram index."""

    name = "sqlite"

    def configure(self, dbapi_conn, read_only: bool) -> None:  # noqa: ANN001
        cur = dbapi_conn.cursor()
        try:
            cur.execute("PRAGMA foreign_keys=ON")
            if read_only:
                cur.execute("PRAGMA query_only=ON")
        finally:
            cur.close()

    def create_search_index(self, dbapi_conn) -> None:  # noqa: ANN001
        cur = dbapi_conn.cursor()
        try:
            cur.execute("CREATE VIRTUAL TABLE events_fts USING fts5("
                        "search_text, content='events', content_rowid='seq', tokenize='trigram')")
            cur.execute("INSERT INTO events_fts(rowid, search_text) SELECT seq, search_text FROM events")
        finally:
            cur.close()

    def match_rows(self, dbapi_conn, query: str) -> np.ndarray | None:  # noqa: ANN001
        # The trigram tokenizer silently finds nothing for queries under 3 characters.
        if len(query) < 3:
            return None
        cur = dbapi_conn.cursor()
        try:
            # One comma-separated string parsed by numpy: far cheaper than a tuple per row.
            cur.execute("SELECT group_concat(rowid) FROM events_fts WHERE search_text MATCH ?",
                        ('"' + query.replace('"', '""') + '"',))
            (found,) = cur.fetchone()
        except sqlite3.Error:  # no such table (built without FTS5), or no FTS5 here
            return None
        finally:
            cur.close()
        return np.fromstring(found, np.int64, sep=",") if found else np.zeros(0, np.int64)


def in_lists(sql: str, values: Sequence, most: int = 512) -> Iterator[tuple[str, list]]:
    """``(sql + "(?,?,…)", values)`` statements that together cover ``values``, at most
    ``most`` values each (SQLite before 3.32 takes 999 parameters at the most).

    ``sql`` ends with ``IN``.  A list is padded to a power of two by repeating its last
    value (harmless in ``IN``), so only a few distinct statements exist: ``sqlite3``
    caches prepared statements by their text.
    """
    for i in range(0, len(values), most):
        part = list(values[i : i + most])
        size = 1 << (len(part) - 1).bit_length()
        part += part[-1:] * (size - len(part))
        yield sql + "(" + ",".join("?" * size) + ")", part


def sqlite_url(path: str | Path, read_only: bool = True) -> str:
    """The SQLAlchemy URL of a database file (for writing, or :attr:`Database.engine`)."""
    p = Path(path).resolve()
    if read_only:
        return f"sqlite:///file:{p.as_posix()}?mode=ro&uri=true"
    return f"sqlite:///{p.as_posix()}"


def connect(path: str | Path, backend: Backend, read_only: bool = True) -> sqlite3.Connection:
    """A new ``sqlite3`` connection to an existing file, configured by ``backend``.

    Read-only connections open the file with ``mode=ro`` (nothing can be written, not
    even a journal) and ``PRAGMA query_only``.  No transaction is ever opened implicitly
    (``isolation_level=None``), so reads never hold a lock after their statement ends.
    The connection may be handed to another thread, but used by one at a time.
    """
    uri = Path(path).resolve().as_uri() + ("?mode=ro" if read_only else "?mode=rw")
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    try:
        backend.configure(conn, read_only)
    except BaseException:
        conn.close()
        raise
    return conn


class Database:
    """An opened, checked database.

    Readers take a ``sqlite3`` connection from :meth:`reading`; writers use the
    SQLAlchemy :attr:`engine`, made on first use.
    """

    def __init__(self, path: str | Path, backend: Backend, schema_version: int, read_only: bool = True,
                 conn: sqlite3.Connection | None = None):
        self.path = str(path)
        self.backend = backend
        self.schema_version = schema_version
        self.read_only = read_only
        self._conn = conn  # the reading connection of the thread that made it
        self._conn_thread = threading.get_ident()
        self._lock = threading.Lock()
        self._engine = None

    def connect(self) -> sqlite3.Connection:
        """A new connection to this database, configured as the others; the caller closes it."""
        return connect(self.path, self.backend, self.read_only)

    def adopt(self) -> None:
        """Make the calling thread the one that keeps the open connection, once the thread
        that first read (e.g. one that loaded the database ahead) is done with it."""
        with self._lock:
            self._conn_thread = threading.get_ident()

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A connection for reading in the calling thread.

        The thread that opened the database, or adopted it (the app's GUI thread, after a
        preload), keeps one connection open (no cost per query); another thread gets a connection of its own for the
        duration of the ``with`` block, so threads never share one.
        """
        me = threading.get_ident()
        with self._lock:
            if self._conn is None:  # first use, or used again after close()
                self._conn, self._conn_thread = self.connect(), me
            own = self._conn if self._conn_thread == me else None
        try:
            if own is not None:
                yield own
                return
            conn = self.connect()
            try:
                yield conn
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:  # a damaged page, found when read: the file, not the code
            raise damaged(self.path, exc) from exc

    @property
    def engine(self):  # noqa: ANN201 (sqlalchemy.Engine: not imported here)
        """An SQLAlchemy engine of this file, made on first use (imports SQLAlchemy)."""
        with self._lock:
            if self._engine is None:
                from sqlalchemy import create_engine, event  # noqa: PLC0415 (not on the read path)

                engine = create_engine(sqlite_url(self.path, self.read_only))
                backend, read_only = self.backend, self.read_only

                @event.listens_for(engine, "connect")
                def _on_connect(dbapi_conn, _record):  # noqa: ANN001
                    backend.configure(dbapi_conn, read_only)

                self._engine = engine
            return self._engine

    def close(self) -> None:
        """Close the reading connection and dispose of the engine, if any (both are made
        again if the database is used after all)."""
        conn, self._conn = self._conn, None
        engine, self._engine = self._engine, None
        try:
            if conn is not None:
                conn.close()
        finally:
            if engine is not None:
                engine.dispose()


def _schema_version(conn: sqlite3.Connection, tables: set[str], missing: list[str]) -> int | None:
    """The ``schema_version`` recorded in ``meta`` (-1 when not a number), or ``None``
    when there is none: no ``meta`` table, or, in a file lacking tables anyway, an
    unreadable one."""
    if "meta" not in tables:
        return None
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.Error:
        if missing:
            return None
        raise
    if row is None or row[0] is None:
        return None
    try:
        return int(row[0])
    except ValueError:
        return -1


def recorded_digest(path: str | Path) -> str | None:
    """The digest of the curated sources the database at ``path`` was built from (its
    ``meta`` table), or None where it cannot be read."""
    try:
        with closing(sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'source_digest'").fetchone()
    except (sqlite3.Error, OSError, ValueError):
        return None
    return row[0] if row and isinstance(row[0], str) else None


def _check(p: Path, conn: sqlite3.Connection) -> int:
    """The schema version of an opened file, or :class:`DatabaseError` if it is not an
    event database of this version."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = sorted(set(TABLES) - tables)
    # An event database of another version may lack tables of this one: it is named as
    # such (rebuild it), not as something else.
    version = _schema_version(conn, tables, missing)
    if missing and version in (None, SCHEMA_VERSION):
        raise DatabaseError(p, f"not an event database of this app (missing tables: {', '.join(missing)})", "wrong-shape")
    if version is not None and version > SCHEMA_VERSION:  # rebuilding would not open it: the app is too old
        raise DatabaseError(p, f"schema version {version}, made by a newer version of the app (this one reads "
                               f"version {SCHEMA_VERSION}); update the app to open it", "newer-version")
    if version != SCHEMA_VERSION:
        found = "no schema version" if version is None else \
            "a schema version that is not a number" if version == -1 else f"schema version {version}"
        raise DatabaseError(p, f"{found} but this app reads version {SCHEMA_VERSION}; rebuild it", "wrong-version")
    # Every column read, there (a file of this version altered by hand would fail at its
    # first query, deep in a pane): one small query per table.
    lacking: list[str] = []
    for table, cols in TABLES.items():
        have = {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
        lacking += [f"{table}.{col}" for col in cols if col not in have]
    if lacking:
        raise DatabaseError(p, f"not an event database of this app (missing columns: {', '.join(lacking)})",
                            "wrong-shape")
    conn.execute("SELECT max(seq) FROM events").fetchone()  # an index lookup: instant at any size
    return version


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
        raise DatabaseError(p, "is a folder, not a database file", "folder")
    if is_special(p):  # opening a named pipe would wait for a writer: the app hung
        raise DatabaseError(p, "is a device, pipe or socket, not a database file", "not-file")
    try:
        with p.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise DatabaseError(p, f"cannot read: {exc.strerror or exc}", "invalid") from exc
    if not head:
        raise DatabaseError(p, "the file is empty (0 bytes)", "empty")
    if head != SQLITE_MAGIC:
        raise DatabaseError(p, "not an SQLite database (wrong file header)", "not-sqlite")
    backend = SQLiteBackend()
    conn = None
    try:
        conn = connect(p, backend, read_only)
        version = _check(p, conn)
    except BaseException as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, sqlite3.DatabaseError):  # OperationalError too: corrupt, locked, unreadable
            raise DatabaseError(p, f"corrupt or unreadable SQLite file ({exc})", "not-sqlite") from exc
        if isinstance(exc, sqlite3.Error):
            raise DatabaseError(p, f"cannot open: {exc}", "invalid") from exc
        raise
    return Database(p, backend, version, read_only, conn)
