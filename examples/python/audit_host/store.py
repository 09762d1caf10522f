"""The component's ``store`` import on the standard library's ``sqlite3``.

The same file format and the same semantics as the Rust reference host's
store (``host-runner/src/storage/sqlite.rs``), so ``audit-host --store
FILE`` reads and verifies a file this store wrote:

- one append is one ``BEGIN IMMEDIATE`` transaction: the rows are stored
  all or none;
- a tenant's first row must continue its head (``seq`` = head + 1,
  ``prev_hash`` = head hash), else the append is refused with a conflict and
  nothing is written: that is how two writers share one log without forking
  its chain;
- heads live in their own table, so a tenant's position survives a purge;
- a purge deletes a prefix and appends its anchor in one transaction, and is
  refused when the anchor does not continue the head or when not exactly the
  expected number of rows would go.

Rows are dictionaries with the WIT record's fields in snake_case:
``tenant``, ``seq``, ``id``, ``occurred_at_us``, ``prev_hash``, ``hash``,
``body``.
"""

import sqlite3
from pathlib import Path
from typing import Optional

GENESIS = "0" * 64

#: The schema of host-runner's store, read from the one file both hosts use.
SCHEMA_PATH = Path(__file__).resolve().parents[3] / "host-runner" / "src" / "storage" / "schema.sql"
SCHEMA = SCHEMA_PATH.read_text(encoding="utf-8")

#: The schema version (``PRAGMA user_version``), as the file states it.
SCHEMA_VERSION = next(
    int(line.split(":", 1)[1])
    for line in SCHEMA.splitlines()
    if line.startswith("-- schema-version:")
)

COLUMNS = "tenant, seq, id, occurred_at_us, prev_hash, hash, body"


class StoreError(Exception):
    """A store call failed; ``tag`` is the WIT ``store-error`` case."""

    tag = "failed"


class Conflict(StoreError):
    """The tenant's head moved: the rows do not continue it. Nothing was written."""

    tag = "conflict"

    def __init__(self) -> None:
        super().__init__("conflict: the rows do not continue the tenant's head")


class Busy(StoreError):
    """Another connection held the store past the busy timeout."""

    tag = "busy"


class Failed(StoreError):
    """Anything else (disk full, read-only, corrupt)."""

    tag = "failed"


class SqliteStore:
    """A store in one SQLite file (``":memory:"`` for a throwaway one)."""

    def __init__(self, path: str, busy_timeout_s: float = 10.0) -> None:
        self.busy_timeout_s = busy_timeout_s
        # Autocommit mode: every transaction below is opened explicitly.
        self.conn = sqlite3.connect(path, timeout=busy_timeout_s, isolation_level=None)
        # WAL lets readers work while a writer appends; FULL syncs the WAL at
        # every commit, so an acknowledged event survives a power cut.
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise Failed(
                f"{path}: the store has schema version {version}, newer than {SCHEMA_VERSION}"
            )
        if version < SCHEMA_VERSION:
            self.conn.executescript(
                f"BEGIN IMMEDIATE; {SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
            )

    def close(self) -> None:
        self.conn.close()

    # The import's functions.

    def append(self, rows: list) -> None:
        with self._transaction():
            self._insert_rows(rows)

    def begin_read(self) -> None:
        """Starts a read of one moment: until ``end_read``, every read sees
        the store as it was now (one read transaction; in WAL mode its first
        read fixes the snapshot)."""
        if self.conn.in_transaction:
            return
        self._execute("BEGIN DEFERRED", ())
        self._query_one("SELECT count(*) FROM audit_heads WHERE rowid = 0", ())

    def end_read(self) -> None:
        """Ends the read ``begin_read`` started (nothing when none is)."""
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")

    def head(self, tenant: str) -> Optional[dict]:
        found = self._query_one("SELECT seq, hash FROM audit_heads WHERE tenant = ?", (tenant,))
        return None if found is None else {"seq": found[0], "hash": found[1]}

    def scan(self, request: dict) -> list:
        order = "DESC" if request["descending"] else "ASC"
        timed = request.get("since_us") is not None or request.get("until_us") is not None
        # Without a time range no time is compared, so that a row whose
        # ``occurred_at_us`` was edited to another type is still handed back.
        time = " AND occurred_at_us >= ? AND occurred_at_us < ?" if timed else ""
        sql = (
            f"SELECT {COLUMNS} FROM audit_events WHERE tenant = ?"
            f" AND seq > ? AND seq < ?{time}"
            f" ORDER BY seq {order} LIMIT ?"
        )
        bounds = _bounds(request)
        params = (bounds if timed else bounds[:3]) + (max(request["limit"], 1),)
        return [_row(r) for r in self._query_all(sql, params)]

    def count(self, request: dict) -> int:
        sql = (
            "SELECT count(*) FROM audit_events WHERE tenant = ?"
            " AND seq > ? AND seq < ? AND occurred_at_us >= ? AND occurred_at_us < ?"
        )
        return self._query_one(sql, _bounds(request))[0]

    def get(self, tenant: str, id: str) -> Optional[dict]:
        found = self._query_one(
            f"SELECT {COLUMNS} FROM audit_events WHERE tenant = ? AND id = ?", (tenant, id)
        )
        return None if found is None else _row(found)

    def get_settings(self, tenant: str) -> Optional[str]:
        found = self._query_one("SELECT settings FROM audit_settings WHERE tenant = ?", (tenant,))
        return None if found is None else found[0]

    def put_settings(self, tenant: str, settings: str) -> None:
        with self._transaction():
            self._execute(
                "INSERT INTO audit_settings (tenant, settings) VALUES (?, ?)"
                " ON CONFLICT (tenant) DO UPDATE SET settings = excluded.settings",
                (tenant, settings),
            )

    def purge(self, tenant: str, through_seq: int, expected_count: int, anchor: dict) -> None:
        with self._transaction():
            deleted = self._execute(
                "DELETE FROM audit_events WHERE tenant = ? AND seq <= ?", (tenant, through_seq)
            ).rowcount
            if anchor["tenant"] != tenant or deleted != expected_count:
                raise Conflict()
            # The anchor is appended under the same rules as any row.
            self._insert_rows([anchor])

    # Inside a transaction.

    def _insert_rows(self, rows: list) -> None:
        heads: dict = {}
        for row in rows:
            tenant = row["tenant"]
            if tenant not in heads:
                found = self._query_one(
                    "SELECT seq, hash FROM audit_heads WHERE tenant = ?", (tenant,)
                )
                heads[tenant] = (0, GENESIS) if found is None else (found[0], found[1])
            seq, hash_ = heads[tenant]
            if row["seq"] != seq + 1 or row["prev_hash"] != hash_:
                raise Conflict()
            self._execute(
                f"INSERT INTO audit_events ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                tuple(row[c] for c in COLUMNS.split(", ")),
            )
            heads[tenant] = (row["seq"], row["hash"])
        for tenant, (seq, hash_) in heads.items():
            self._execute(
                "INSERT INTO audit_heads (tenant, seq, hash) VALUES (?, ?, ?)"
                " ON CONFLICT (tenant) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
                (tenant, seq, hash_),
            )

    def _transaction(self) -> "_Transaction":
        return _Transaction(self)

    def _execute(self, sql: str, params: tuple) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, params)
        except sqlite3.Error as e:
            raise self._error(e) from e

    def _query_one(self, sql: str, params: tuple) -> Optional[tuple]:
        return self._execute(sql, params).fetchone()

    def _query_all(self, sql: str, params: tuple) -> list:
        return self._execute(sql, params).fetchall()

    def _error(self, e: sqlite3.Error) -> StoreError:
        name = getattr(e, "sqlite_errorname", "")
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            ms = int(self.busy_timeout_s * 1000)
            return Busy(f"another connection held the store for over {ms} ms")
        # A duplicate (tenant, seq) or (tenant, id): another writer got there first.
        if name in ("SQLITE_CONSTRAINT_PRIMARYKEY", "SQLITE_CONSTRAINT_UNIQUE"):
            return Conflict()
        return Failed(" ".join(str(e).split()))


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``; any exception rolls it back, so
    nothing of a refused batch stays behind."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store

    def __enter__(self) -> None:
        self.store._execute("BEGIN IMMEDIATE", ())

    def __exit__(self, kind, value, traceback) -> None:
        try:
            if kind is None:
                self.store._execute("COMMIT", ())
        finally:
            if self.store.conn.in_transaction:
                self.store.conn.execute("ROLLBACK")


def _bounds(request: dict) -> tuple:
    """A scan request's tenant, seq and time bounds as SQL parameters."""
    return (
        request["tenant"],
        _clamp(request.get("after_seq"), 0),
        _clamp(request.get("before_seq"), 2**63 - 1),
        _clamp(request.get("since_us"), -(2**63)),
        _clamp(request.get("until_us"), 2**63 - 1),
    )


def _clamp(value: Optional[int], default: int) -> int:
    if value is None:
        return default
    return max(-(2**63), min(value, 2**63 - 1))


def _row(r: tuple) -> dict:
    """A row as the store holds it. A column of another type than the store
    writes (an edit: ``cast(body as blob)``, text in ``occurred_at_us``) is
    read as best it can be and named in ``defects``, so that verification
    reports that row and every other row stays readable."""
    row = dict(zip(COLUMNS.split(", "), r))
    defects = []
    for name in COLUMNS.split(", "):
        value = row[name]
        integer = name in ("seq", "occurred_at_us")
        if integer and isinstance(value, int) and not isinstance(value, bool):
            continue
        if not integer and isinstance(value, str):
            continue
        defects.append(name)
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="replace")
        if integer:
            try:
                row[name] = int(value)
            except (TypeError, ValueError):
                try:
                    row[name] = int(float(value))
                except (TypeError, ValueError, OverflowError):
                    row[name] = 0
        else:
            row[name] = "" if value is None else str(value)
    row["defects"] = defects
    return row
