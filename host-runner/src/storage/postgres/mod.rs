//! The store in a PostgreSQL database, for products that run several hosts
//! (several `audit-host serve` processes, several app servers) on one log.
//!
//! Each `append` is one READ COMMITTED transaction around one statement
//! per tenant that moves the tenant's head from the seq and hash the batch
//! continues to its last row's, and inserts the rows only if it did: the
//! UPDATE takes the head row's lock (waiting for a writer that holds it)
//! and, under READ COMMITTED, compares the newest committed head, so a
//! writer that read a stale head changes nothing and is told `conflict`
//! (the component reads the head again and retries). Writers of one tenant
//! take turns on its row; writers of different tenants never wait on each
//! other; a batch of several tenants takes their rows in tenant order, so
//! two never deadlock. A row lock rather than an advisory lock: it is the
//! head itself that is locked, it needs no key space shared with the
//! product's own advisory locks, shows in `pg_locks` as the tenant's row,
//! and is released by the server with the transaction whatever happens to
//! the client. `UNIQUE (tenant, seq)` and `UNIQUE (tenant, prev_hash)` make
//! a fork a hard error even for a writer that went around the heads.
//!
//! That alone never forks a chain, but it is not fair: a writer that has
//! just appended reads its own new head and wins again, and under a dozen
//! writers of one tenant some writer loses every one of the component's
//! attempts. So writers also take turns: reading a head outside a read
//! (what the component does before it appends) first takes the tenant's
//! writer turn, a session advisory lock the server grants in the order
//! asked, held until the component call ends ([`EventStore::end_call`],
//! which the host calls after every call, trap or not; a connection that
//! dies gives its turns back with it). A turn is no transaction: nothing is
//! left open across the call, and correctness never depends on it. A user
//! of the store without a host session calls `end_call` after its writes.
//!
//! An append in its turn costs two round trips of the store's own: the turn
//! and the head read in one simple query (two statements, the read taking
//! its snapshot once the turn is granted), and the rows, the commit and the
//! turn given back in another (values written as literals: the synchronous
//! client cannot pipeline parameterised statements). The component's read
//! of the head row's time is the third. One commit per append is the floor.

mod database;
pub mod errors;
mod schema;

pub use schema::NO_SCHEMA;

pub use database::{Connection, Database, is_postgres_url, without_password};

use crate::bindings::{ChainHead, Row, ScanRequest, StoreError};
use crate::storage::event_store::{EventStore, GENESIS, conflict_backoff};
use crate::storage::time_window::{NARROW_RANGE_ROWS, Window};
use postgres::Statement;
use std::collections::HashMap;
use std::time::Duration;

/// How many times a transaction the server rolled back as a deadlock or
/// serialisation victim is run again before the call fails with `busy`.
const RETRIES: u32 = 4;

/// A store over one connection of a [`Database`]'s pool (taken at the first
/// call, kept for the next ones, replaced when it breaks).
pub struct PostgresStore {
    db: Database,
    conn: Option<Connection>,
    /// The statements prepared on `conn`.
    statements: HashMap<&'static str, Statement>,
    /// A read transaction (`begin-read`) is open on `conn`.
    reading: bool,
    /// The tenants whose writer turn this connection holds until the end
    /// of the component call.
    turns: Vec<String>,
    /// The last time range's window: (tenant, since, until, the tenant's
    /// head seq when it was computed, the window). Rows are only appended
    /// above the head, so while the head stays, the window holds: a
    /// reader's batches share one look at the time index.
    window: Option<(String, i64, i64, u64, Window)>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("db", &self.db)
            .field("reading", &self.reading)
            .finish()
    }
}

/// The first key of every writer turn's advisory lock ("AUDT"): the
/// product's own advisory locks in the same database are told apart by it.
const TURN_CLASS: i32 = 0x4155_4454;
/// Takes a tenant's writer turn if it is free (a session advisory lock on
/// the tenant's name, hashed: two tenants that share a hash only share the
/// queue; the first turn of a call is waited for in `head_in_turn`).
const TRY_TURN: &str = "SELECT pg_try_advisory_lock($1, hashtext($2))";
/// Gives back every turn of the session.
const END_TURNS: &str = "SELECT pg_advisory_unlock_all()::text";
/// How many of a time range's rows there are (up to a limit), and their
/// lowest and highest seq, from the time index.
const WINDOW: &str = "SELECT count(*), min(seq), max(seq) FROM (
         SELECT seq FROM audit_events
         WHERE tenant = $1 AND occurred_at_us >= $2 AND occurred_at_us < $3 LIMIT $4) AS w";
/// Locks a tenant's head row (a purge counts its rows under it).
const LOCK_HEAD: &str = "SELECT seq FROM audit_heads WHERE tenant = $1 FOR UPDATE";
const HEAD: &str = "SELECT seq, hash FROM audit_heads WHERE tenant = $1 AND seq > 0";
const SCAN_UP: &str =
    "SELECT tenant, seq, id, occurred_at_us, prev_hash, hash, body FROM audit_events
     WHERE tenant = $1 AND seq > $2 AND seq < $3 ORDER BY seq ASC LIMIT $4";
const SCAN_DOWN: &str =
    "SELECT tenant, seq, id, occurred_at_us, prev_hash, hash, body FROM audit_events
     WHERE tenant = $1 AND seq > $2 AND seq < $3 ORDER BY seq DESC LIMIT $4";
const SCAN_TIMED_UP: &str =
    "SELECT tenant, seq, id, occurred_at_us, prev_hash, hash, body FROM audit_events
     WHERE tenant = $1 AND seq > $2 AND seq < $3 AND occurred_at_us >= $5 AND occurred_at_us < $6
     ORDER BY seq ASC LIMIT $4";
const SCAN_TIMED_DOWN: &str =
    "SELECT tenant, seq, id, occurred_at_us, prev_hash, hash, body FROM audit_events
     WHERE tenant = $1 AND seq > $2 AND seq < $3 AND occurred_at_us >= $5 AND occurred_at_us < $6
     ORDER BY seq DESC LIMIT $4";
const COUNT: &str = "SELECT count(*) FROM audit_events
     WHERE tenant = $1 AND seq > $2 AND seq < $3 AND occurred_at_us >= $4 AND occurred_at_us < $5";
const GET: &str = "SELECT tenant, seq, id, occurred_at_us, prev_hash, hash, body FROM audit_events
     WHERE tenant = $1 AND id = $2";
const GET_SETTINGS: &str = "SELECT settings FROM audit_settings WHERE tenant = $1";
const PUT_SETTINGS: &str = "INSERT INTO audit_settings (tenant, settings) VALUES ($1, $2)
     ON CONFLICT (tenant) DO UPDATE SET settings = excluded.settings";
const PURGE: &str = "DELETE FROM audit_events WHERE tenant = $1 AND seq <= $2";

/// Why a write's transaction stopped before its commit.
enum Step {
    /// A statement failed.
    Db(postgres::Error),
    /// The rows do not continue the head (or a purge found other rows):
    /// refused, nothing written.
    Refuse(StoreError),
}

impl From<postgres::Error> for Step {
    fn from(e: postgres::Error) -> Self {
        Step::Db(e)
    }
}

impl PostgresStore {
    /// Opens the database at `url` for writing (see [`Database::open`]):
    /// one store; open the [`Database`] once and make a store per session
    /// with [`PostgresStore::new`] to share its pool.
    pub fn open(url: &str, busy_timeout: Duration) -> Result<Self, String> {
        Ok(Self::new(Database::open(url, busy_timeout)?))
    }

    /// A store over a connection of `db`'s pool.
    pub fn new(db: Database) -> Self {
        PostgresStore {
            db,
            conn: None,
            statements: HashMap::new(),
            reading: false,
            turns: Vec::new(),
            window: None,
        }
    }

    /// The seqs of a time range's rows, from the time index alone (an
    /// index-only scan of at most [`NARROW_RANGE_ROWS`] entries).
    fn window(&mut self, tenant: &str, since: i64, until: i64) -> Result<Window, StoreError> {
        let head = self.head_seq(tenant)?;
        if let Some((t, s, u, h, w)) = &self.window
            && t == tenant
            && *s == since
            && *u == until
            && (*h == head || matches!(w, Window::Wide))
        {
            return Ok(*w);
        }
        let limit = NARROW_RANGE_ROWS;
        let (count, first, last) = self.read(WINDOW, |c, s| {
            let r = c.query_one(s, &[&tenant, &since, &until, &limit])?;
            Ok((
                r.get::<_, i64>(0),
                r.get::<_, Option<i64>>(1),
                r.get::<_, Option<i64>>(2),
            ))
        })?;
        let window = match (first, last) {
            _ if count >= NARROW_RANGE_ROWS => Window::Wide,
            (Some(first), Some(last)) => Window::Seqs(first, last),
            _ => Window::Empty,
        };
        self.window = Some((tenant.to_string(), since, until, head, window));
        Ok(window)
    }

    /// The tenant's head seq (0 for none), read without taking a turn.
    fn head_seq(&mut self, tenant: &str) -> Result<u64, StoreError> {
        self.read(HEAD, |c, s| {
            Ok(c.query_opt(s, &[&tenant])?
                .map_or(0, |r| r.get::<_, i64>(0) as u64))
        })
    }

    /// Opens the connection (or replaces the one the last call found
    /// broken) if needed. Inside a read it is never replaced: a new one
    /// would not see the read's moment.
    fn connect(&mut self) -> Result<(), StoreError> {
        if self.conn.as_ref().is_some_and(|c| c.is_closed()) {
            self.drop_connection();
        }
        if self.conn.is_none() {
            if self.reading {
                return Err(StoreError::Failed(
                    "the connection to the server was lost during a read".into(),
                ));
            }
            self.conn = Some(self.db.connection().map_err(StoreError::Failed)?);
        }
        Ok(())
    }

    fn drop_connection(&mut self) {
        // A session's advisory locks end with it.
        self.conn = None;
        self.statements.clear();
        self.turns.clear();
    }

    /// Takes a second tenant's writer turn for the rest of the component
    /// call (a batch of several tenants), only if it is free: a call that
    /// waited for one turn while holding another could deadlock with a call
    /// doing the same the other way round. The first turn of a call is
    /// waited for, in [`PostgresStore::head_in_turn`].
    fn take_turn(&mut self, tenant: &str) -> Result<(), StoreError> {
        if !self.wants_turn(tenant) {
            return Ok(());
        }
        let got = self.read(TRY_TURN, |c, s| {
            Ok(c.query_one(s, &[&TURN_CLASS, &tenant])?.get::<_, bool>(0))
        })?;
        if got {
            self.turns.push(tenant.to_string());
        }
        Ok(())
    }

    /// Whether reading `tenant`'s head now is a writer's read that needs
    /// the tenant's turn (not inside a read, not on a read-only database,
    /// not held already).
    fn wants_turn(&self, tenant: &str) -> bool {
        !self.reading && !self.db.read_only() && !self.turns.iter().any(|t| t == tenant)
    }

    /// Waits for the tenant's turn and reads its head, in one round trip: two
    /// statements of one simple query, the read a statement of its own so
    /// that it sees what was committed while the turn was waited for (a
    /// statement's snapshot is taken when it starts).
    fn head_in_turn(&mut self, tenant: &str) -> Result<Option<ChainHead>, StoreError> {
        let t = literal(tenant)?;
        let sql = format!(
            "SELECT pg_advisory_lock({TURN_CLASS}, hashtext({t}))::text; SELECT seq::text, hash FROM audit_heads WHERE tenant = {t} AND seq > 0"
        );
        let messages = self.simple(&sql)?;
        self.turns.push(tenant.to_string());
        let mut done = 0;
        for m in &messages {
            match m {
                postgres::SimpleQueryMessage::CommandComplete(_) => done += 1,
                postgres::SimpleQueryMessage::Row(row) if done == 1 => {
                    let seq = row.get(0).and_then(|s| s.parse::<u64>().ok());
                    return match (seq, row.get(1)) {
                        (Some(seq), Some(hash)) => Ok(Some(ChainHead {
                            seq,
                            hash: hash.to_string(),
                        })),
                        _ => Err(StoreError::Failed(
                            "a head row without its seq or hash".into(),
                        )),
                    };
                }
                _ => {}
            }
        }
        Ok(None)
    }

    /// Runs a simple query (its statements in one message) that changes
    /// nothing if it fails, as [`PostgresStore::read`] runs a statement.
    fn simple(&mut self, sql: &str) -> Result<Vec<postgres::SimpleQueryMessage>, StoreError> {
        self.retrying(|conn, _| conn.simple_query(sql))
    }

    fn busy_ms(&self) -> u128 {
        self.db.busy_timeout().as_millis()
    }

    /// Runs one read statement (prepared once per connection).
    fn read<T>(
        &mut self,
        sql: &'static str,
        f: impl Fn(&mut Connection, &Statement) -> Result<T, postgres::Error>,
    ) -> Result<T, StoreError> {
        self.retrying(|conn, statements| {
            let s = prepared(conn, statements, sql)?;
            f(conn, &s)
        })
    }

    /// Runs `f`, which changes nothing if it fails, on the connection. A
    /// connection found broken (the server restarted while it was idle) is
    /// replaced and `f` run once more, except inside a read (a new
    /// connection would not see its moment).
    fn retrying<T>(
        &mut self,
        mut f: impl FnMut(
            &mut Connection,
            &mut HashMap<&'static str, Statement>,
        ) -> Result<T, postgres::Error>,
    ) -> Result<T, StoreError> {
        let mut reconnected = false;
        loop {
            self.connect()?;
            let conn = self.conn.as_mut().expect("connected");
            match f(conn, &mut self.statements) {
                Ok(value) => return Ok(value),
                Err(e) => {
                    if errors::lost(&e) || conn.is_closed() {
                        self.drop_connection();
                        if !reconnected && !self.reading {
                            reconnected = true;
                            continue;
                        }
                    }
                    return Err(errors::store_error(&e, self.busy_ms()));
                }
            }
        }
    }

    /// Runs `f` in one transaction with the statements `sqls` prepared, and
    /// commits it. A transaction the server rolled back as a deadlock or
    /// serialisation victim is run again, up to [`RETRIES`] times; one
    /// that could not start on a broken connection is run on a new one.
    fn write<T>(
        &mut self,
        sqls: &[&'static str],
        mut f: impl FnMut(&mut postgres::Transaction<'_>, &[Statement]) -> Result<T, Step>,
    ) -> Result<T, StoreError> {
        let busy_ms = self.busy_ms();
        let mut reconnected = false;
        let mut attempt = 0;
        loop {
            self.connect()?;
            let conn = self.conn.as_mut().expect("connected");
            let outcome = run_once(conn, &mut self.statements, sqls, &mut f);
            let closed = self.conn.as_ref().is_some_and(|c| c.is_closed());
            let failed = match outcome {
                Attempt::Done(value) => return Ok(value),
                Attempt::Refused(refusal) => return Err(refusal),
                Attempt::NotStarted(e) => {
                    // Nothing was written: safe to run on a new connection.
                    if errors::lost(&e) || closed {
                        self.drop_connection();
                        if !reconnected {
                            reconnected = true;
                            continue;
                        }
                    }
                    return Err(errors::store_error(&e, busy_ms));
                }
                Attempt::CommitLost(e) => {
                    self.drop_connection();
                    return Err(errors::lost_in_commit(&e));
                }
                Attempt::Failed(e) => e,
            };
            if errors::retryable(&failed) && attempt < RETRIES {
                attempt += 1;
                std::thread::sleep(conflict_backoff() * attempt);
                continue;
            }
            if errors::lost(&failed) || closed {
                self.drop_connection();
            }
            return Err(errors::store_error(&failed, busy_ms));
        }
    }
}

/// How one run of a write's transaction ended.
enum Attempt<T> {
    Done(T),
    Refused(StoreError),
    /// The statements could not be prepared or the transaction begun.
    NotStarted(postgres::Error),
    /// A statement failed; the transaction was rolled back.
    Failed(postgres::Error),
    /// The connection broke during the commit: its outcome is unknown.
    CommitLost(postgres::Error),
}

fn run_once<T>(
    conn: &mut Connection,
    statements: &mut HashMap<&'static str, Statement>,
    sqls: &[&'static str],
    f: &mut impl FnMut(&mut postgres::Transaction<'_>, &[Statement]) -> Result<T, Step>,
) -> Attempt<T> {
    let prepared = match sqls
        .iter()
        .map(|sql| prepared(conn, statements, sql))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(p) => p,
        Err(e) => return Attempt::NotStarted(e),
    };
    let mut tx = match conn.transaction() {
        Ok(tx) => tx,
        Err(e) => return Attempt::NotStarted(e),
    };
    match f(&mut tx, &prepared) {
        Ok(value) => match tx.commit() {
            Ok(()) => Attempt::Done(value),
            Err(e) if errors::lost(&e) => Attempt::CommitLost(e),
            Err(e) => Attempt::Failed(e),
        },
        // Dropping the transaction rolls it back.
        Err(Step::Refuse(refusal)) => Attempt::Refused(refusal),
        Err(Step::Db(e)) => Attempt::Failed(e),
    }
}

impl PostgresStore {
    /// Appends one tenant's rows in one statement, committed on its own:
    /// the writer holds the tenant's turn, taken on this connection during
    /// this call, so the connection was alive a moment ago and a failure
    /// here is the server's answer (or its loss, which is reported as such).
    fn append_in_turn(&mut self, rows: &[Row]) -> Result<(), StoreError> {
        let busy_ms = self.busy_ms();
        // The rows, the commit and the turn given back, in one round trip:
        // the statements of one simple query, with the values as literals.
        let sql = format!("BEGIN; {}; COMMIT; {END_TURNS}", literal_append(rows)?);
        self.connect()?;
        let conn = self.conn.as_mut().expect("connected");
        match conn.simple_query(&sql) {
            Ok(messages) => {
                self.turns.clear();
                // BEGIN's count, then the rows'.
                if completed(&messages, 1) == Some(rows.len() as u64) {
                    Ok(())
                } else {
                    Err(StoreError::Conflict)
                }
            }
            Err(e) if errors::lost(&e) || conn.is_closed() => {
                self.drop_connection();
                Err(errors::lost_in_commit(&e))
            }
            Err(e) => {
                // The statements after the failed one were skipped: the
                // transaction is open and failed; the turn is still held
                // (given back at the end of the call).
                if conn.batch_execute("ROLLBACK").is_err() {
                    self.drop_connection();
                }
                Err(errors::store_error(&e, busy_ms))
            }
        }
    }
}

/// `text` as an SQL string literal. The connection runs with
/// `standard_conforming_strings` on (set for every connection), where a
/// backslash is an ordinary character and a quote is doubled: no text can
/// end the literal early. PostgreSQL's text cannot hold NUL.
fn literal(text: &str) -> Result<String, StoreError> {
    if text.contains('\0') {
        return Err(StoreError::Failed(
            "a value holds a NUL character, which PostgreSQL's text cannot store".into(),
        ));
    }
    Ok(format!("'{}'", text.replace('\'', "''")))
}

/// The statement that appends one tenant's rows, checked to follow each
/// other, with literal values. It moves an existing tenant's head from the
/// seq and hash the rows continue to the last row's (or, for a tenant's
/// first rows, makes its head, getting nothing if another writer made it
/// first) and inserts the rows only if it did: the UPDATE takes the head
/// row's lock (waiting for a writer that holds it) and, under READ
/// COMMITTED, compares the newest committed head, so a writer that read a
/// stale head updates nothing, inserts nothing, and is told `conflict`.
fn literal_append(rows: &[Row]) -> Result<String, StoreError> {
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return Err(StoreError::Failed("no rows".into()));
    };
    for pair in rows.windows(2) {
        if pair[1].tenant != first.tenant
            || pair[1].seq != pair[0].seq + 1
            || pair[1].prev_hash != pair[0].hash
        {
            return Err(StoreError::Conflict);
        }
    }
    let int =
        |seq: u64| i64::try_from(seq).map_err(|_| StoreError::Failed("seq out of range".into()));
    let mut values = String::with_capacity(rows.iter().map(|r| r.body.len() + 300).sum());
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            values.push_str(", ");
        }
        values.push_str(&format!(
            "({}, {}::int8, {}, {}::int8, {}, {}, {})",
            literal(&r.tenant)?,
            int(r.seq)?,
            literal(&r.id)?,
            r.occurred_at_us,
            literal(&r.prev_hash)?,
            literal(&r.hash)?,
            literal(&r.body)?
        ));
    }
    let tenant = literal(&first.tenant)?;
    let (last_seq, last_hash) = (int(last.seq)?, literal(&last.hash)?);
    let guard = if first.seq == 1 {
        if first.prev_hash != GENESIS {
            return Err(StoreError::Conflict);
        }
        format!(
            "INSERT INTO audit_heads (tenant, seq, hash) VALUES ({tenant}, {last_seq}, {last_hash})
             ON CONFLICT (tenant) DO NOTHING RETURNING 1"
        )
    } else {
        format!(
            "UPDATE audit_heads SET seq = {last_seq}, hash = {last_hash}
             WHERE tenant = {tenant} AND seq = {} AND hash = {} RETURNING 1",
            int(first.seq - 1)?,
            literal(&first.prev_hash)?
        )
    };
    Ok(format!(
        "WITH moved AS ({guard})
         INSERT INTO audit_events (tenant, seq, id, occurred_at_us, prev_hash, hash, body)
         SELECT * FROM (VALUES {values}) AS v (tenant, seq, id, occurred_at_us, prev_hash, hash, body)
         WHERE EXISTS (SELECT 1 FROM moved)"
    ))
}

/// The statement for `sql` on `conn`, prepared at its first use.
fn prepared(
    conn: &mut Connection,
    statements: &mut HashMap<&'static str, Statement>,
    sql: &'static str,
) -> Result<Statement, postgres::Error> {
    if let Some(s) = statements.get(sql) {
        return Ok(s.clone());
    }
    let statement = conn.prepare(sql)?;
    statements.insert(sql, statement.clone());
    Ok(statement)
}

/// Inside a write: appends one tenant's rows ([`literal_append`]);
/// `conflict` when they do not continue the head. Shared by append and
/// purge (which appends its anchor).
fn insert_rows(tx: &mut impl postgres::GenericClient, rows: &[Row]) -> Result<(), Step> {
    let sql = literal_append(rows).map_err(Step::Refuse)?;
    if completed(&tx.simple_query(&sql)?, 0) != Some(rows.len() as u64) {
        return Err(Step::Refuse(StoreError::Conflict));
    }
    Ok(())
}

/// The row count of the `k`-th statement of a simple query.
fn completed(messages: &[postgres::SimpleQueryMessage], k: usize) -> Option<u64> {
    messages
        .iter()
        .filter_map(|m| match m {
            postgres::SimpleQueryMessage::CommandComplete(n) => Some(*n),
            _ => None,
        })
        .nth(k)
}

/// `rows` split into runs of one tenant each, in tenant order (so that two
/// batches of several tenants lock their heads in the same order and never
/// deadlock), each run in its rows' order.
fn by_tenant(rows: &[Row]) -> Vec<Vec<Row>> {
    let mut runs: Vec<Vec<Row>> = Vec::new();
    let mut tenants: Vec<&str> = rows.iter().map(|r| r.tenant.as_str()).collect();
    tenants.sort_unstable();
    tenants.dedup();
    for t in tenants {
        runs.push(rows.iter().filter(|r| r.tenant == t).cloned().collect());
    }
    runs
}

fn read_row(r: &postgres::Row) -> Row {
    let seq: i64 = r.get(1);
    Row {
        tenant: r.get(0),
        seq: seq.max(0) as u64,
        id: r.get(2),
        occurred_at_us: r.get(3),
        prev_hash: r.get(4),
        hash: r.get(5),
        body: r.get(6),
        // Every column has its type enforced by the server: a row reads
        // whole or its edit was refused.
        defects: Vec::new(),
    }
}

/// `seq` bounds as the exclusive limits of the statements.
fn seq_bounds(q: &ScanRequest) -> (i64, i64) {
    let clamp = |s: u64| i64::try_from(s).unwrap_or(i64::MAX);
    (
        q.after_seq.map_or(0, clamp),
        q.before_seq.map_or(i64::MAX, clamp),
    )
}

impl EventStore for PostgresStore {
    fn append(&mut self, rows: Vec<Row>) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let single = rows.iter().all(|r| r.tenant == rows[0].tenant);
        if single && self.turns.iter().any(|t| *t == rows[0].tenant) {
            return self.append_in_turn(&rows);
        }
        let runs = if single { vec![rows] } else { by_tenant(&rows) };
        self.write(&[], |tx, _| {
            for run in &runs {
                insert_rows(tx, run)?;
            }
            Ok(())
        })
        // No pause before the component's retry (unlike the SQLite store,
        // whose writers poll a file lock): the server queues the writers of
        // a head row in order, and the writer that was just told `conflict`
        // reads the new head at once and queues again behind the others,
        // so the writers of one tenant take turns. A random pause would
        // shuffle that queue, and a writer could lose every round.
    }

    fn head(&mut self, tenant: &str) -> Result<Option<ChainHead>, StoreError> {
        // A writer reads the head it will continue: it takes its turn first.
        if self.wants_turn(tenant) && self.turns.is_empty() {
            return self.head_in_turn(tenant);
        }
        self.take_turn(tenant)?;
        self.read(HEAD, |c, s| {
            Ok(c.query_opt(s, &[&tenant])?.map(|r| ChainHead {
                seq: r.get::<_, i64>(0) as u64,
                hash: r.get(1),
            }))
        })
    }

    fn begin_read(&mut self) -> Result<(), StoreError> {
        if self.reading {
            return Ok(());
        }
        self.connect()?;
        let conn = self.conn.as_mut().expect("connected");
        // The snapshot is taken at the first statement after BEGIN: run one
        // now, so every later read sees this moment.
        match conn.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT 1") {
            Ok(()) => {
                self.reading = true;
                Ok(())
            }
            Err(e) => {
                if errors::lost(&e) || conn.is_closed() {
                    self.drop_connection();
                } else {
                    let _ = conn.batch_execute("ROLLBACK");
                }
                Err(errors::store_error(&e, self.busy_ms()))
            }
        }
    }

    fn end_read(&mut self) {
        if !self.reading {
            return;
        }
        self.reading = false;
        if let Some(conn) = self.conn.as_mut()
            && conn.batch_execute("COMMIT").is_err()
        {
            // A read-only transaction: nothing to keep or lose; a connection
            // that cannot end it is not used again.
            self.drop_connection();
        }
    }

    fn end_call(&mut self) {
        if self.turns.is_empty() {
            return;
        }
        if self
            .read(END_TURNS, |c, s| c.query_one(s, &[]).map(drop))
            .is_err()
        {
            // A connection that cannot give its turns back is not used again
            // (closing it gives them back).
            self.drop_connection();
        }
        self.turns.clear();
    }

    fn scan(&mut self, q: &ScanRequest) -> Result<Vec<Row>, StoreError> {
        let (mut after, mut before) = seq_bounds(q);
        let limit = i64::from(q.limit.max(1));
        let timed = q.since_us.is_some() || q.until_us.is_some();
        let since = q.since_us.unwrap_or(i64::MIN);
        let until = q.until_us.unwrap_or(i64::MAX);
        if timed {
            match self.window(&q.tenant, since, until)?.narrow(after, before) {
                Some(bounds) => (after, before) = bounds,
                None => return Ok(Vec::new()),
            }
        }
        let sql = match (q.descending, timed) {
            (false, false) => SCAN_UP,
            (true, false) => SCAN_DOWN,
            (false, true) => SCAN_TIMED_UP,
            (true, true) => SCAN_TIMED_DOWN,
        };
        let tenant = q.tenant.as_str();
        self.read(sql, |c, s| {
            let rows = if timed {
                c.query(s, &[&tenant, &after, &before, &limit, &since, &until])?
            } else {
                c.query(s, &[&tenant, &after, &before, &limit])?
            };
            Ok(rows.iter().map(read_row).collect())
        })
    }

    fn count(&mut self, q: &ScanRequest) -> Result<u64, StoreError> {
        let (after, before) = seq_bounds(q);
        let since = q.since_us.unwrap_or(i64::MIN);
        let until = q.until_us.unwrap_or(i64::MAX);
        let tenant = q.tenant.as_str();
        self.read(COUNT, |c, s| {
            let n: i64 = c
                .query_one(s, &[&tenant, &after, &before, &since, &until])?
                .get(0);
            Ok(n as u64)
        })
    }

    fn get(&mut self, tenant: &str, id: &str) -> Result<Option<Row>, StoreError> {
        self.read(GET, |c, s| {
            Ok(c.query_opt(s, &[&tenant, &id])?.map(|r| read_row(&r)))
        })
    }

    fn get_settings(&mut self, tenant: &str) -> Result<Option<String>, StoreError> {
        self.read(GET_SETTINGS, |c, s| {
            Ok(c.query_opt(s, &[&tenant])?.map(|r| r.get(0)))
        })
    }

    fn put_settings(&mut self, tenant: &str, settings: &str) -> Result<(), StoreError> {
        self.write(&[PUT_SETTINGS], |tx, s| {
            tx.execute(&s[0], &[&tenant, &settings])?;
            Ok(())
        })
    }

    fn purge(
        &mut self,
        tenant: &str,
        through_seq: u64,
        expected_count: u64,
        anchor: Row,
    ) -> Result<(), StoreError> {
        let through = i64::try_from(through_seq)
            .map_err(|_| StoreError::Failed("seq out of range".into()))?;
        if anchor.tenant != tenant {
            return Err(StoreError::Conflict);
        }
        // The head is locked before the rows are counted, so that no other
        // purge or append of the tenant runs in between.
        self.write(&[PURGE, LOCK_HEAD], |tx, s| {
            tx.query(&s[1], &[&tenant])?;
            let deleted = tx.execute(&s[0], &[&tenant, &through])?;
            if deleted != expected_count {
                return Err(Step::Refuse(StoreError::Conflict));
            }
            // The anchor is appended under the same rules as any row.
            insert_rows(tx, std::slice::from_ref(&anchor))
        })
    }
}
