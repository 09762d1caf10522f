//! The embedded default: one SQLite file (bundled SQLite, WAL journal).
//!
//! Each `append` is one `BEGIN IMMEDIATE` transaction that checks every
//! tenant's head, inserts the rows and moves the heads, so a batch is stored
//! whole or not at all, and two processes appending to the same file are
//! serialised by SQLite's write lock instead of forking a chain. Heads live
//! in their own table so that a tenant's position survives even when old
//! rows are purged.

use crate::bindings::{ChainHead, Row, ScanRequest, StoreError};
use crate::storage::event_store::{EventStore, GENESIS, conflict_backoff};
use crate::storage::time_window::{NARROW_RANGE_ROWS, Window};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

/// How long a write waits, by default, for another process's transaction
/// before the store reports `busy`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The schema's version (`PRAGMA user_version`), as `schema.sql` states it
/// on its `-- schema-version:` line (checked by a test).
const SCHEMA_VERSION: i64 = 3;

/// The schema: one file, `schema.sql`, also read by the Python host.
const SCHEMA: &str = include_str!("schema.sql");

/// A store in one SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    busy_timeout: Duration,
    /// The last time range found to hold [`NARROW_RANGE_ROWS`] or more rows
    /// (tenant, since, until): a range only grows as rows are appended, so
    /// it need not be counted again.
    wide: Option<(String, i64, i64)>,
    /// The last narrow time range's window: (tenant, since, until, the
    /// tenant's head when it was computed, the window). Rows are only ever
    /// appended above the head, so while the head stays, the window holds:
    /// a reader's batches share one count instead of one each.
    narrow: Option<(String, i64, i64, i64, Window)>,
}

impl SqliteStore {
    /// Opens (creating when needed) the store at `path`, with the schema,
    /// waiting up to [`BUSY_TIMEOUT`] for other writers.
    pub fn open(path: &Path) -> Result<Self, String> {
        Self::open_with_busy_timeout(path, BUSY_TIMEOUT)
    }

    /// Opens the store at `path`; a write that finds the file locked by
    /// another connection retries (SQLite's busy handler, sleeping between
    /// attempts) for up to `busy_timeout`, then fails with `busy`.
    pub fn open_with_busy_timeout(path: &Path, busy_timeout: Duration) -> Result<Self, String> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| format!("opening {}: {}", path.display(), message(&e)))?;
        Self::setup(conn, busy_timeout).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Opens the existing store at `path` for reading only: nothing is
    /// created (a missing file is an error, not an empty store), nothing is
    /// written, and a copy the user may not write (a read-only file or
    /// folder, an archive) can be read, and so verified.
    pub fn open_read_only(path: &Path, busy_timeout: Duration) -> Result<Self, String> {
        let shown = path.display();
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(format!(
                    "{shown}: no such store (a command that only reads never creates one)"
                ));
            }
            Err(e) => return Err(format!("{shown}: {e}")),
            Ok(m) if !m.is_file() => return Err(format!("{shown}: not a store file")),
            Ok(_) => {}
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let open = |flags: OpenFlags, uri: Option<String>| -> Result<Connection, String> {
            let conn = match uri {
                Some(uri) => Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI),
                None => Connection::open_with_flags(path, flags),
            }
            .map_err(|e| format!("opening {shown}: {}", message(&e)))?;
            conn.busy_timeout(busy_timeout).map_err(|e| message(&e))?;
            // The first read: it fails here when a WAL store's shared-memory
            // file cannot be made (a folder the user may not write).
            let version: i64 = conn
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(|e| format!("{shown}: {}", message(&e)))?;
            if version == 0 {
                return Err(format!("{shown}: not an audit store (no schema)"));
            }
            if version > SCHEMA_VERSION {
                return Err(format!(
                    "{shown}: the store has schema version {version}, newer than this program's {SCHEMA_VERSION}; use a newer audit-host"
                ));
            }
            Ok(conn)
        };
        let conn = match open(flags, None) {
            Ok(conn) => conn,
            // A copy nobody writes to: read it as an immutable file.
            Err(first) if !writable(path) => {
                let uri = format!("file:{}?immutable=1", uri_path(path));
                open(flags, Some(uri)).map_err(|_| first)?
            }
            Err(e) => return Err(e),
        };
        Ok(SqliteStore {
            conn,
            busy_timeout,
            wide: None,
            narrow: None,
        })
    }

    /// A store that lives in memory only (SQLite's `:memory:`).
    pub fn in_memory() -> Result<Self, String> {
        let conn = Connection::open_in_memory().map_err(|e| message(&e))?;
        Self::setup(conn, BUSY_TIMEOUT)
    }

    fn setup(conn: Connection, busy_timeout: Duration) -> Result<Self, String> {
        conn.busy_timeout(busy_timeout).map_err(|e| message(&e))?;
        // WAL lets readers work while a writer appends; FULL syncs the WAL at
        // every commit, so an acknowledged event survives a power cut.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| message(&e))?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(|e| message(&e))?;
        // 32 MiB of page cache instead of SQLite's 2 MiB: a week of a busy
        // tenant's rows and the indexes' upper levels stay in memory between
        // the reads of an admin page, instead of being read again page by
        // page. Bounded, so an export's memory stays flat.
        conn.pragma_update(None, "cache_size", -32 * 1024)
            .map_err(|e| message(&e))?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| message(&e))?;
        if version > SCHEMA_VERSION {
            return Err(format!(
                "the store has schema version {version}, newer than this program's {SCHEMA_VERSION}; use a newer audit-host"
            ));
        }
        if version < SCHEMA_VERSION {
            // Another connection opening a new store at the same moment (the
            // workers of `serve`) may create the schema first: look again
            // once the write lock is ours.
            let create = || -> rusqlite::Result<()> {
                conn.execute_batch("BEGIN IMMEDIATE")?;
                let now: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
                if now < SCHEMA_VERSION {
                    conn.execute_batch(&format!(
                        "{SCHEMA} PRAGMA user_version = {SCHEMA_VERSION};"
                    ))?;
                }
                conn.execute_batch("COMMIT")
            };
            if let Err(e) = create() {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(format!("creating the schema: {}", message(&e)));
            }
        }
        Ok(SqliteStore {
            conn,
            busy_timeout,
            wide: None,
            narrow: None,
        })
    }

    fn append_in_transaction(&mut self, rows: &[Row]) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(store_error)?;
        Self::insert_rows(&tx, rows)?;
        tx.commit().map_err(store_error)
    }

    /// Inside `tx`: checks each tenant's head, inserts the rows, moves the
    /// heads (shared by append and purge, which appends its anchor).
    fn insert_rows(tx: &rusqlite::Transaction<'_>, rows: &[Row]) -> Result<(), StoreError> {
        let mut heads: HashMap<&str, (u64, String)> = HashMap::new();
        {
            let mut read_head = tx
                .prepare_cached("SELECT seq, hash FROM audit_heads WHERE tenant = ?1")
                .map_err(store_error)?;
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO audit_events (tenant, seq, id, occurred_at_us, prev_hash, hash, body)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(store_error)?;
            for row in rows {
                let (seq, hash) = match heads.get(row.tenant.as_str()) {
                    Some(head) => head.clone(),
                    None => read_head
                        .query_row([&row.tenant], |r| {
                            Ok((r.get::<_, i64>(0)? as u64, r.get::<_, String>(1)?))
                        })
                        .optional()
                        .map_err(store_error)?
                        .unwrap_or((0, GENESIS.to_string())),
                };
                if row.seq != seq + 1 || row.prev_hash != hash {
                    return Err(StoreError::Conflict);
                }
                let seq_i64 = i64::try_from(row.seq)
                    .map_err(|_| StoreError::Failed("seq out of range".into()))?;
                insert
                    .execute(params![
                        row.tenant,
                        seq_i64,
                        row.id,
                        row.occurred_at_us,
                        row.prev_hash,
                        row.hash,
                        row.body
                    ])
                    .map_err(store_error)?;
                heads.insert(&row.tenant, (row.seq, row.hash.clone()));
            }
            let mut write_head = tx
                .prepare_cached(
                    "INSERT INTO audit_heads (tenant, seq, hash) VALUES (?1, ?2, ?3)
                     ON CONFLICT (tenant) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
                )
                .map_err(store_error)?;
            for (tenant, (seq, hash)) in &heads {
                write_head
                    .execute(params![tenant, *seq as i64, hash])
                    .map_err(store_error)?;
            }
        }
        Ok(())
    }
}

impl SqliteStore {
    fn purge_in_transaction(
        &mut self,
        tenant: &str,
        through_seq: u64,
        expected_count: u64,
        anchor: &Row,
    ) -> Result<(), StoreError> {
        let through = i64::try_from(through_seq)
            .map_err(|_| StoreError::Failed("seq out of range".into()))?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(store_error)?;
        let deleted = tx
            .execute(
                "DELETE FROM audit_events WHERE tenant = ?1 AND seq <= ?2",
                params![tenant, through],
            )
            .map_err(store_error)?;
        if anchor.tenant != tenant || deleted as u64 != expected_count {
            return Err(StoreError::Conflict);
        }
        // The anchor is appended under the same rules as any row.
        Self::insert_rows(&tx, std::slice::from_ref(anchor))?;
        tx.commit().map_err(store_error)
    }
}

impl EventStore for SqliteStore {
    fn append(&mut self, rows: Vec<Row>) -> Result<(), StoreError> {
        // Dropping the transaction on any error rolls it back: nothing of a
        // refused batch stays behind.
        self.append_in_transaction(&rows).map_err(|e| match e {
            StoreError::Busy(_) => StoreError::Busy(format!(
                "another connection held the store for over {} ms",
                self.busy_timeout.as_millis()
            )),
            StoreError::Conflict => {
                // Another writer committed between the component's read of
                // the head and this write; the component reads the head
                // again and retries. Waiting a moment first, a different
                // moment for each writer, lets a crowd of writers take
                // turns instead of colliding again and again (16 writers
                // in one file without it could exhaust the retries).
                std::thread::sleep(conflict_backoff());
                StoreError::Conflict
            }
            e => e,
        })
    }

    fn begin_read(&mut self) -> Result<(), StoreError> {
        if !self.conn.is_autocommit() {
            return Ok(());
        }
        // In WAL mode a read transaction sees the database as of its first
        // read, so read once now: every later read sees this moment.
        self.conn
            .execute_batch("BEGIN DEFERRED; SELECT count(*) FROM audit_heads WHERE rowid = 0;")
            .map_err(store_error)
    }

    fn end_read(&mut self) {
        if !self.conn.is_autocommit() {
            // A read-only transaction: nothing to keep or lose.
            let _ = self.conn.execute_batch("COMMIT");
        }
    }

    fn head(&mut self, tenant: &str) -> Result<Option<ChainHead>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT seq, hash FROM audit_heads WHERE tenant = ?1")
            .map_err(store_error)?;
        stmt.query_row([tenant], |r| {
            Ok(ChainHead {
                seq: r.get::<_, i64>(0)? as u64,
                hash: r.get(1)?,
            })
        })
        .optional()
        .map_err(store_error)
    }

    fn scan(&mut self, q: &ScanRequest) -> Result<Vec<Row>, StoreError> {
        // The bounds as exclusive seq limits and a half-open time range.
        let clamp = |s: u64| i64::try_from(s).unwrap_or(i64::MAX);
        let mut after = q.after_seq.map_or(0, clamp);
        let mut before = q.before_seq.map_or(i64::MAX, clamp);
        let since = q.since_us.unwrap_or(i64::MIN);
        let until = q.until_us.unwrap_or(i64::MAX);
        if q.since_us.is_some() || q.until_us.is_some() {
            match self.window(&q.tenant, since, until)?.narrow(after, before) {
                Some(bounds) => (after, before) = bounds,
                None => return Ok(Vec::new()),
            }
        }
        // `+occurred_at_us` keeps SQLite from walking the time index here:
        // the rows are wanted in seq order, which the primary key gives
        // without sorting, and the time range was already turned into seq
        // bounds above when that helps.
        // Without a time range no time is compared, so that a row whose
        // `occurred_at_us` was edited to another type is still handed back
        // (verification reports it; nothing hides it).
        let timed = q.since_us.is_some() || q.until_us.is_some();
        let sql = match (q.descending, timed) {
            (true, true) => {
                "SELECT tenant, seq, id, occurred_at_us, prev_hash, hash, body FROM audit_events
                 WHERE tenant = ?1 AND seq > ?2 AND seq < ?3 AND +occurred_at_us >= ?4 AND +occurred_at_us < ?5
                 ORDER BY seq DESC LIMIT ?6"
            }
            (false, true) => {
                "SELECT tenant, seq, id, occurred_at_us, prev_hash, hash, body FROM audit_events
                 WHERE tenant = ?1 AND seq > ?2 AND seq < ?3 AND +occurred_at_us >= ?4 AND +occurred_at_us < ?5
                 ORDER BY seq ASC LIMIT ?6"
            }
            (true, false) => {
                "SELECT tenant, seq, id, occurred_at_us, prev_hash, hash, body FROM audit_events
                 WHERE tenant = ?1 AND seq > ?2 AND seq < ?3 AND ?4 IS NOT NULL AND ?5 IS NOT NULL
                 ORDER BY seq DESC LIMIT ?6"
            }
            (false, false) => {
                "SELECT tenant, seq, id, occurred_at_us, prev_hash, hash, body FROM audit_events
                 WHERE tenant = ?1 AND seq > ?2 AND seq < ?3 AND ?4 IS NOT NULL AND ?5 IS NOT NULL
                 ORDER BY seq ASC LIMIT ?6"
            }
        };
        let mut stmt = self.conn.prepare_cached(sql).map_err(store_error)?;
        let rows = stmt
            .query_map(
                params![
                    q.tenant,
                    after,
                    before,
                    since,
                    until,
                    i64::from(q.limit.max(1)),
                ],
                read_row,
            )
            .map_err(store_error)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(store_error)
    }

    fn count(&mut self, q: &ScanRequest) -> Result<u64, StoreError> {
        let clamp = |s: u64| i64::try_from(s).unwrap_or(i64::MAX);
        // Answered from the time index alone (tenant, occurred_at_us, seq):
        // a week of a million-event log is counted without reading a body.
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM audit_events INDEXED BY audit_events_by_time_seq
                 WHERE tenant = ?1 AND occurred_at_us >= ?2 AND occurred_at_us < ?3
                   AND seq > ?4 AND seq < ?5",
            )
            .map_err(store_error)?;
        let n: i64 = stmt
            .query_row(
                params![
                    q.tenant,
                    q.since_us.unwrap_or(i64::MIN),
                    q.until_us.unwrap_or(i64::MAX),
                    q.after_seq.map_or(0, clamp),
                    q.before_seq.map_or(i64::MAX, clamp),
                ],
                |r| r.get(0),
            )
            .map_err(store_error)?;
        Ok(n as u64)
    }

    fn get(&mut self, tenant: &str, id: &str) -> Result<Option<Row>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT tenant, seq, id, occurred_at_us, prev_hash, hash, body FROM audit_events WHERE tenant = ?1 AND id = ?2",
            )
            .map_err(store_error)?;
        stmt.query_row([tenant, id], read_row)
            .optional()
            .map_err(store_error)
    }

    fn get_settings(&mut self, tenant: &str) -> Result<Option<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT settings FROM audit_settings WHERE tenant = ?1")
            .map_err(store_error)?;
        stmt.query_row([tenant], |r| r.get(0))
            .optional()
            .map_err(store_error)
    }

    fn purge(
        &mut self,
        tenant: &str,
        through_seq: u64,
        expected_count: u64,
        anchor: Row,
    ) -> Result<(), StoreError> {
        // Dropping the transaction on any error rolls it back: the rows are
        // deleted exactly when their anchor is stored.
        self.purge_in_transaction(tenant, through_seq, expected_count, &anchor)
    }

    fn put_settings(&mut self, tenant: &str, settings: &str) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "INSERT INTO audit_settings (tenant, settings) VALUES (?1, ?2)
                 ON CONFLICT (tenant) DO UPDATE SET settings = excluded.settings",
            )
            .map_err(store_error)?;
        stmt.execute([tenant, settings])
            .map(drop)
            .map_err(store_error)
    }
}

impl SqliteStore {
    /// Counts, up to [`NARROW_RANGE_ROWS`], the rows of a time range from the
    /// time index alone, and returns their lowest and highest seq. A narrow
    /// week in a year-long log is then read by seq between those two
    /// instead of from the head of the log down.
    fn window(&mut self, tenant: &str, since: i64, until: i64) -> Result<Window, StoreError> {
        if self
            .wide
            .as_ref()
            .is_some_and(|(t, s, u)| t == tenant && *s == since && *u == until)
        {
            return Ok(Window::Wide);
        }
        let head = self.head(tenant)?.map_or(0, |h| h.seq as i64);
        if let Some((t, s, u, h, window)) = &self.narrow
            && t == tenant
            && *s == since
            && *u == until
            && *h == head
        {
            return Ok(*window);
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT count(*), min(seq), max(seq) FROM (
                     SELECT seq FROM audit_events INDEXED BY audit_events_by_time_seq
                     WHERE tenant = ?1 AND occurred_at_us >= ?2 AND occurred_at_us < ?3
                     LIMIT ?4)",
            )
            .map_err(store_error)?;
        let (count, first, last): (i64, Option<i64>, Option<i64>) = stmt
            .query_row(params![tenant, since, until, NARROW_RANGE_ROWS], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .map_err(store_error)?;
        let window = match (first, last) {
            _ if count >= NARROW_RANGE_ROWS => {
                self.wide = Some((tenant.to_string(), since, until));
                return Ok(Window::Wide);
            }
            (Some(first), Some(last)) => Window::Seqs(first, last),
            _ => Window::Empty,
        };
        self.narrow = Some((tenant.to_string(), since, until, head, window));
        Ok(window)
    }
}

/// A row as the store holds it. A column of another storage type than the
/// store writes (an edit: `cast(body as blob)`, text in `occurred_at_us`)
/// is read as best it can be and named in `defects`, so that verification
/// reports that row and every other row stays readable.
fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    let mut defects = Vec::new();
    let mut text = |i: usize, name: &str| -> rusqlite::Result<String> {
        Ok(match r.get_ref(i)? {
            // `str::from_utf8` first: its check is several times faster than
            // the lossy conversion's, which walked every byte of every body
            // (7% of a verification); text that is not UTF-8 still reads.
            ValueRef::Text(t) => match std::str::from_utf8(t) {
                Ok(s) => s.to_owned(),
                Err(_) => String::from_utf8_lossy(t).into_owned(),
            },
            other => {
                defects.push(name.to_string());
                match other {
                    ValueRef::Blob(b) => String::from_utf8_lossy(b).into_owned(),
                    ValueRef::Integer(n) => n.to_string(),
                    ValueRef::Real(x) => x.to_string(),
                    _ => String::new(),
                }
            }
        })
    };
    let tenant = text(0, "tenant")?;
    let id = text(2, "id")?;
    let prev_hash = text(4, "prev_hash")?;
    let hash = text(5, "hash")?;
    let body = text(6, "body")?;
    let mut integer = |i: usize, name: &str| -> rusqlite::Result<i64> {
        Ok(match r.get_ref(i)? {
            ValueRef::Integer(n) => n,
            other => {
                defects.push(name.to_string());
                match other {
                    ValueRef::Real(x) if x.is_finite() => x as i64,
                    ValueRef::Text(t) => std::str::from_utf8(t)
                        .ok()
                        .and_then(|s| s.trim().parse().ok())
                        .unwrap_or(0),
                    _ => 0,
                }
            }
        })
    };
    let seq = integer(1, "seq")?;
    let occurred_at_us = integer(3, "occurred_at_us")?;
    // The SQL's column order, for the defects' order.
    let order = [
        "tenant",
        "seq",
        "id",
        "occurred_at_us",
        "prev_hash",
        "hash",
        "body",
    ];
    defects.sort_by_key(|d| order.iter().position(|o| o == d));
    Ok(Row {
        tenant,
        seq: seq.max(0) as u64,
        id,
        occurred_at_us,
        prev_hash,
        hash,
        body,
        defects,
    })
}

fn store_error(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        // SQLite's busy handler has already retried until the busy timeout.
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            StoreError::Busy("another connection held the store past the busy timeout".into())
        }
        // A duplicate (tenant, seq) or (tenant, id): another writer got there first.
        Some(ErrorCode::ConstraintViolation) if is_duplicate(&e) => StoreError::Conflict,
        // Read-only file or mount, full disk, I/O error: the transaction is
        // rolled back and the message says which.
        _ => StoreError::Failed(message(&e)),
    }
}

fn is_duplicate(e: &rusqlite::Error) -> bool {
    const PRIMARY_KEY: i32 = rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY;
    const UNIQUE: i32 = rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE;
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == PRIMARY_KEY || f.extended_code == UNIQUE)
}

/// Whether this process may write the file and the folder it is in (where
/// SQLite would make its `-wal` and `-shm` files).
fn writable(path: &Path) -> bool {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::OpenOptions::new().write(true).open(path).is_ok() && tempfile::tempfile_in(dir).is_ok()
}

/// `path` as the path of a `file:` URI (absolute, `%`, `?` and `#` escaped).
fn uri_path(path: &Path) -> String {
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    abs.to_string_lossy()
        .replace('%', "%25")
        .replace('?', "%3f")
        .replace('#', "%23")
}

/// One line describing an SQLite error.
fn message(e: &rusqlite::Error) -> String {
    crate::error::one_line(&e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_states_its_version() {
        let line = SCHEMA
            .lines()
            .find_map(|l| l.strip_prefix("-- schema-version:"))
            .expect("schema.sql has a -- schema-version: line");
        assert_eq!(
            line.trim().parse::<i64>().expect("a number"),
            SCHEMA_VERSION
        );
    }
}
