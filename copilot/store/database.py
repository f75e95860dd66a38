"""One connection to the record database: SQLite by default, PostgreSQL when configured.

The store writes SQL with `?` placeholders; this module translates them for psycopg. Every write
runs in `write()`: a transaction that holds the database's single writer lock (SQLite's
`BEGIN IMMEDIATE`, a PostgreSQL advisory lock), because each record extends a hash chain whose
tail must not move while the record is appended. Failures of the database become `StoreError`
with one line saying what to do.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from copilot.errors import StoreError

Dialect = Literal["sqlite", "postgresql"]
CHAIN_LOCK = 740_211
"""The advisory lock id every PostgreSQL writer takes: one writer extends the chain at a time."""
BUSY_TIMEOUT_MS = 30_000


POSTGRES_SCHEMES = ("postgresql://", "postgres://")
SUPPORTED_DATABASE_URLS = (
    "postgresql://user:pass@host/db (or postgres://, postgresql+psycopg://); "
    "unset for the SQLite files under COPILOT_DATA_DIR"
)


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and str(url).startswith(POSTGRES_SCHEMES)


def normalise_database_url(url: str | None) -> str | None:
    """The URL the store and the checkpointer open; anything they cannot open is refused.

    SQLAlchemy's driver spelling `postgresql+psycopg://` is accepted as `postgresql://`. Other
    schemes (mysql://, sqlite://...) raise ValueError instead of falling back to local SQLite.
    The message never repeats the URL: it may hold a password.
    """
    if url is None or not url.strip():
        return None
    url = url.strip()
    if url.startswith("postgresql+psycopg://"):
        url = "postgresql://" + url.removeprefix("postgresql+psycopg://")
    if is_postgres_url(url):
        return url
    scheme = f"'{url.split('://')[0][:30]}://'" if "://" in url else "a URL without a scheme"
    raise ValueError(f"unsupported database URL: {scheme}; supported: {SUPPORTED_DATABASE_URLS}")


class Database:
    """A thread-safe connection with read and write transactions."""

    def __init__(self, conn: Any, dialect: Dialect, where: str, home: Path):
        self.conn = conn
        self.dialect = dialect
        self.where = where
        self.home = home
        """The local data directory: the SQLite file's folder, where the audit key and head file
        live (for PostgreSQL too: they must be kept outside the database)."""
        self._lock = threading.RLock()

    @classmethod
    def open(cls, url: str | None, sqlite_path: Path) -> Database:
        try:
            url = normalise_database_url(url)
        except ValueError as exc:
            raise StoreError(f"COPILOT_DATABASE_URL: {exc}") from exc
        if url is not None:
            return cls._open_postgres(url, sqlite_path.parent)
        return cls._open_sqlite(sqlite_path)

    @classmethod
    def _open_sqlite(cls, path: Path) -> Database:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                path, check_same_thread=False, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
            )
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode=WAL")
            # FULL: a decision acknowledged to the advisor survives a crash of the machine too
            conn.execute("PRAGMA synchronous=FULL")
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the record store {path}: {exc}") from exc
        return cls(conn, "sqlite", str(path), path.parent)

    @classmethod
    def _open_postgres(cls, url: str, home: Path) -> Database:
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - psycopg is a dependency
            raise StoreError("PostgreSQL needs psycopg: pip install 'psycopg[binary]'") from exc
        try:
            conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except Exception as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise StoreError(
                f"cannot connect to PostgreSQL ({first}): check COPILOT_DATABASE_URL "
                "and that the server is running"
            ) from exc
        host = url.split("@")[-1]  # never echo the password
        return cls(conn, "postgresql", f"postgresql://…@{host}", home)

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgresql" else sql

    def _run(self, sql: str, params: Sequence[Any]) -> Any:
        if self.dialect == "postgresql":  # no parameters: a literal % must stay as written
            return self.conn.execute(self._sql(sql), tuple(params) or None)
        return self.conn.execute(sql, tuple(params))

    def _fail(self, exc: Exception) -> StoreError:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "locked" in first:
            return StoreError(
                f"the record store {self.where} is locked by another program ({first})"
            )
        return StoreError(f"the record store {self.where} failed: {first}")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                cursor = self._run(sql, params)
                return list(cursor.fetchall())
            except Exception as exc:
                raise self._fail(exc) from exc

    def columns(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows as dicts keyed by column name."""
        with self._lock:
            try:
                cursor = self._run(sql, params)
                names = [d[0] for d in cursor.description]
                return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            except Exception as exc:
                raise self._fail(exc) from exc

    @contextmanager
    def write(self) -> Iterator[Writer]:
        """One transaction holding the writer lock; commits on success, rolls back on error."""
        with self._lock:
            try:
                if self.dialect == "sqlite":
                    self.conn.execute("BEGIN IMMEDIATE")
                else:
                    self.conn.execute("BEGIN")
                    self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK,))
            except Exception as exc:
                raise self._fail(exc) from exc
            try:
                yield Writer(self)
                self.conn.execute("COMMIT")
            except BaseException as exc:
                with contextlib.suppress(Exception):  # the original error is the one to report
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, StoreError) or not isinstance(exc, Exception):
                    raise
                raise self._fail(exc) from exc

    def close(self) -> None:
        with self._lock:
            self.conn.close()


class Writer:
    """Statements inside a write transaction."""

    def __init__(self, db: Database):
        self.db = db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.db._run(sql, params)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self.db._run(sql, params).fetchall())
