//! PostgreSQL: appends from concurrent writers, each a session of its own
//! over its own connection, into one tenant and into 8 tenants at once, in
//! batches of 1 and of 100; and the first page and count of a week at the
//! largest log size. The component through wasmtime into the PostgreSQL
//! store; the same writers into the SQLite store; and PostgreSQL inserting
//! the very rows the component stored with plain SQL (prepared `INSERT`s
//! into the same table, one transaction per batch, the same concurrency,
//! no chain to keep): what any host writing those rows pays.
//!
//! The server: `AUDIT_BENCH_POSTGRES_URL` (a URL whose role may create
//! databases), else the one on 127.0.0.1:5432 as `postgres`. Each run
//! makes its databases and drops them; the large log is copied from the
//! query path's SQLite file once and kept (`audit_bench_log_v2_N`).
//!
//! Check: every chain is seq 1..n with each row linking to the one before,
//! n the events written; the plain-SQL table holds the same rows; the pages
//! and counts agree across the three columns.

use crate::config::Config;
use crate::data::Generator;
use crate::dataset::{self, TENANT};
use crate::native_store::host_clock;
use crate::report::{Row, Section, Unit};
use crate::timing::time;
use crate::wit;
use anyhow::{Context as _, Result, bail, ensure};
use audit_host::storage::postgres::Database;
use audit_host::{EventStore, PostgresStore, Runtime, SqliteStore};
use std::time::Duration;

/// How long a writer waits for its turn or a connection.
const BUSY: Duration = Duration::from_secs(60);

/// The server's URL without a database.
fn server() -> Result<String> {
    let base = match std::env::var("AUDIT_BENCH_POSTGRES_URL") {
        Ok(url) => {
            let (scheme, rest) = url.split_once("://").context("AUDIT_BENCH_POSTGRES_URL")?;
            format!(
                "{scheme}://{}",
                rest.split(['/', '?']).next().unwrap_or(rest)
            )
        }
        Err(_) => "postgres://postgres@127.0.0.1:5432".to_string(),
    };
    admin(&base).with_context(|| {
        format!("the postgres path needs a server: {base} (or set AUDIT_BENCH_POSTGRES_URL)")
    })?;
    Ok(base)
}

fn admin(base: &str) -> Result<postgres::Client> {
    Ok(format!("{base}/postgres")
        .parse::<postgres::Config>()?
        .connect(postgres::NoTls)?)
}

/// A database made for this run, dropped at its end.
struct Scratch {
    base: String,
    name: String,
}

impl Scratch {
    fn new(base: &str, what: &str) -> Result<Scratch> {
        let name = format!("audit_bench_{what}_{}", std::process::id());
        let mut c = admin(base)?;
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
        c.batch_execute(&format!(
            "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'"
        ))?;
        Ok(Scratch {
            base: base.to_string(),
            name,
        })
    }
    fn url(&self) -> String {
        format!("{}/{}", self.base, self.name)
    }
    fn client(&self) -> Result<postgres::Client> {
        Ok(self
            .url()
            .parse::<postgres::Config>()?
            .connect(postgres::NoTls)?)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Ok(mut c) = admin(&self.base) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// One append measurement: `writers` writers, `batch` events per call,
/// over `tenants` tenants.
#[derive(Clone, Copy)]
struct Load {
    writers: usize,
    batch: usize,
    tenants: usize,
}

/// Writer `w`'s batches, each of one tenant: its events, `batch` at a time,
/// the tenants taken in turn.
fn batches(
    load: Load,
    w: usize,
    inputs: &[audit_host::bindings::EventInput],
) -> Vec<Vec<audit_host::bindings::EventInput>> {
    let mine: Vec<_> = inputs
        .iter()
        .skip(w)
        .step_by(load.writers)
        .cloned()
        .collect();
    mine.chunks(load.batch)
        .enumerate()
        .map(|(k, chunk)| {
            let tenant = format!("t{}", (w + k) % load.tenants);
            chunk
                .iter()
                .cloned()
                .map(|mut e| {
                    e.tenant = tenant.clone();
                    e
                })
                .collect()
        })
        .collect()
}

/// Runs the load's writers at once, each over a store `open` makes, and
/// returns the time until the last finished.
fn component(
    runtime: &Runtime,
    load: Load,
    inputs: &[audit_host::bindings::EventInput],
    open: &(dyn Fn() -> Result<Box<dyn EventStore>> + Sync),
) -> Result<Duration> {
    let work: Vec<_> = (0..load.writers)
        .map(|w| batches(load, w, inputs))
        .collect();
    let sessions = (0..load.writers)
        .map(|_| Ok(runtime.session(open()?, Box::new(audit_host::SystemClock))))
        .collect::<Result<Vec<_>>>()?;
    let (result, took) = time(|| {
        std::thread::scope(|s| {
            let handles: Vec<_> = sessions
                .into_iter()
                .zip(&work)
                .map(|(mut session, batches)| {
                    s.spawn(move || -> Result<()> {
                        for b in batches {
                            if b.len() == 1 {
                                session.append(&b[0])?;
                            } else {
                                session.append_batch(b)?;
                            }
                        }
                        Ok(())
                    })
                })
                .collect();
            handles
                .into_iter()
                .try_for_each(|h| h.join().map_err(|_| anyhow::anyhow!("a writer panicked"))?)
        })
    });
    result?;
    Ok(took)
}

/// A stored row: tenant, seq, id, occurred_at_us, prev_hash, hash, body.
type Stored = (String, i64, String, i64, String, String, String);

/// The stored rows of every tenant, checked to form unbroken chains.
fn chains(client: &mut postgres::Client, tenants: usize) -> Result<Vec<Stored>> {
    let rows: Vec<Stored> = client
        .query(
            "SELECT tenant, seq, id, occurred_at_us, prev_hash, hash, body FROM audit_events ORDER BY tenant, seq",
            &[],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6)))
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    let mut last: Option<(&String, i64, &String)> = None;
    for (tenant, seq, _, _, prev, hash, _) in &rows {
        seen.insert(tenant.clone());
        match last {
            Some((t, s, h)) if t == tenant => {
                ensure!(
                    *seq == s + 1 && prev == h,
                    "postgres: {tenant} breaks at seq {seq}"
                )
            }
            _ => ensure!(*seq == 1, "postgres: {tenant} starts at seq {seq}"),
        }
        last = Some((tenant, *seq, hash));
    }
    ensure!(
        seen.len() == tenants,
        "postgres: {} tenants, not {tenants}",
        seen.len()
    );
    Ok(rows)
}

/// Inserts `rows` with plain SQL into a fresh table of the same layout:
/// `writers` connections at once, `batch` rows per transaction.
fn peer(db: &Scratch, load: Load, rows: &[Stored]) -> Result<Duration> {
    let mut c = db.client()?;
    c.batch_execute(
        "DROP TABLE IF EXISTS plain_events;
         CREATE TABLE plain_events (tenant text NOT NULL, seq bigint NOT NULL, id text NOT NULL,
             occurred_at_us bigint NOT NULL, prev_hash text NOT NULL, hash text NOT NULL, body text NOT NULL,
             PRIMARY KEY (tenant, seq), UNIQUE (tenant, id), UNIQUE (tenant, prev_hash));
         CREATE INDEX ON plain_events (tenant, occurred_at_us, seq);",
    )?;
    let mut clients = (0..load.writers)
        .map(|_| db.client())
        .collect::<Result<Vec<_>>>()?;
    let (result, took) = time(|| {
        std::thread::scope(|s| {
            let handles: Vec<_> = clients
                .iter_mut()
                .enumerate()
                .map(|(w, client)| {
                    s.spawn(move || -> Result<()> {
                        let insert = client.prepare(
                            "INSERT INTO plain_events (tenant, seq, id, occurred_at_us, prev_hash, hash, body)
                             VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        )?;
                        let mine: Vec<_> = rows.iter().skip(w).step_by(load.writers).collect();
                        for chunk in mine.chunks(load.batch) {
                            let mut tx = client.transaction()?;
                            for r in chunk {
                                tx.execute(&insert, &[&r.0, &r.1, &r.2, &r.3, &r.4, &r.5, &r.6])?;
                            }
                            tx.commit()?;
                        }
                        Ok(())
                    })
                })
                .collect();
            handles.into_iter().try_for_each(|h| {
                h.join()
                    .map_err(|_| anyhow::anyhow!("a peer writer panicked"))?
            })
        })
    });
    result?;
    let n: i64 = c
        .query_one("SELECT count(*) FROM plain_events", &[])?
        .get(0);
    ensure!(
        n as usize == rows.len(),
        "postgres: the plain table holds {n} rows"
    );
    Ok(took)
}

/// Measures appends and reads.
pub fn run(config: &Config, runtime: &Runtime) -> Result<Section> {
    let base = server()?;
    let [single, batched, _] = config.sizes([48, 1_600, 0], [1_600, 16_000, 0], [6_400, 64_000, 0]);
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for (batch, events) in [(1, single), (100, batched)] {
        for tenants in [1, 8] {
            for writers in [1, 4, 16] {
                let load = Load {
                    writers,
                    batch,
                    tenants,
                };
                let inputs: Vec<_> = Generator::new("acme", events)
                    .inputs(events)
                    .iter()
                    .map(wit::event_input)
                    .collect();
                let db = Scratch::new(&base, "append")?;
                let pg = Database::open(&db.url(), BUSY).map_err(anyhow::Error::msg)?;
                let t_pg = component(runtime, load, &inputs, &|| {
                    Ok(Box::new(PostgresStore::new(pg.clone())) as Box<dyn EventStore>)
                })?;
                // The tenants the writers' batches name (a small load may
                // not reach all 8).
                let named: std::collections::BTreeSet<String> = (0..writers)
                    .flat_map(|w| batches(load, w, &inputs))
                    .map(|b| b[0].tenant.clone())
                    .collect();
                let stored = chains(&mut db.client()?, named.len())?;
                ensure!(
                    stored.len() == events,
                    "postgres: {} rows of {events}",
                    stored.len()
                );
                let dir = tempfile::tempdir()?;
                let file = dir.path().join("a.db");
                drop(SqliteStore::open(&file).map_err(anyhow::Error::msg)?);
                // SQLite's writers poll one file lock: under many writers of
                // one tenant some writer can lose every one of the
                // component's attempts. Reported, not hidden.
                let t_sqlite = match component(runtime, load, &inputs, &|| {
                    Ok(Box::new(
                        SqliteStore::open_with_busy_timeout(&file, BUSY)
                            .map_err(anyhow::Error::msg)?,
                    ) as Box<dyn EventStore>)
                }) {
                    Ok(t) => Some(t),
                    Err(e) => {
                        notes.push(format!(
                            "SQLite store, {writers} writers, {tenants} tenant(s), batches of {batch}: {e:#}"
                        ));
                        None
                    }
                };
                let t_peer = peer(&db, load, &stored)?;
                let rate = |d: Duration| Some(events as f64 / d.as_secs_f64());
                rows.push(Row::new(
                    format!(
                        "appends, {}, batches of {batch}",
                        if tenants == 1 {
                            "1 tenant".to_string()
                        } else {
                            format!("{tenants} tenants at once")
                        }
                    ),
                    format!("{writers} writer{}", if writers == 1 { "" } else { "s" }),
                    Unit::Rate("events"),
                    rate(t_pg),
                    t_sqlite.and_then(rate),
                    rate(t_peer),
                ));
            }
        }
    }
    notes.push(format!(
        "{single} single-event appends and {batched} events in batches of 100 per row; writer w's batches go to the tenants in turn; every chain was checked unbroken after each run, and the plain-SQL table held the same rows."
    ));
    // Reads at the query path's largest log.
    let [_, _, n] = config.sizes(
        [300, 1_000, 3_000],
        [10_000, 30_000, 100_000],
        [10_000, 100_000, 1_000_000],
    );
    let file = dataset::open(&config.data_dir, n)?;
    let log_url = log_copy(&base, &file, n)?;
    let runs = config.runs(5, 9);
    let week = audit_component::read::filter::Filter {
        since: Some(crate::query::WEEK.0.into()),
        until: Some(crate::query::WEEK.1.into()),
        ..audit_component::read::filter::Filter::tenant(TENANT)
    };
    let mut on_pg = runtime.session(
        Box::new(PostgresStore::open(&log_url, BUSY).map_err(anyhow::Error::msg)?),
        host_clock(crate::query::READ_CLOCK)?,
    );
    let mut on_sqlite = runtime.session(
        Box::new(SqliteStore::open(&file).map_err(anyhow::Error::msg)?),
        host_clock(crate::query::READ_CLOCK)?,
    );
    let mut plain = log_url
        .parse::<postgres::Config>()?
        .connect(postgres::NoTls)?;
    let since = crate::query::micros(crate::query::WEEK.0)?;
    let until = crate::query::micros(crate::query::WEEK.1)?;
    for count in [false, true] {
        let mut t = [Vec::new(), Vec::new(), Vec::new()];
        let mut matched = String::new();
        for run in 0..=runs {
            let (a, ta) = time(|| crate::query::component(&mut on_pg, &week, count));
            let (b, tb) = time(|| crate::query::component(&mut on_sqlite, &week, count));
            let (c, tc) = time(|| plain_query(&mut plain, since, until, count));
            let (a, b, c) = (a?, b?, c?);
            ensure!(
                a == b && b == c,
                "postgres: the reads disagree (count {count}): {a:?} / {b:?} / {c:?}"
            );
            matched = if count {
                a[0].clone()
            } else {
                a.len().to_string()
            };
            if run > 0 {
                for (v, d) in t.iter_mut().zip([ta, tb, tc]) {
                    v.push(d);
                }
            }
        }
        let med = |v: &Vec<Duration>| Some(crate::timing::median(v));
        rows.push(Row::new(
            if count {
                "count, one week"
            } else {
                "first page of 50, one week"
            },
            format!(
                "{n} events ({matched} {})",
                if count { "match" } else { "on the page" }
            ),
            Unit::Time,
            med(&t[0]),
            med(&t[1]),
            med(&t[2]),
        ));
    }
    notes.push("The reads: the component's `log.query` on PostgreSQL and on the SQLite file of the same log, and the same page and count in SQL on PostgreSQL; each read is also recorded by the component as an `audit_log.viewed` event (a committed write), which the SQL column does not pay.".into());
    Ok(Section {
        path: "postgres",
        columns: [
            "the component through wasmtime into PostgreSQL (`PostgresStore`, a session and connection per writer)",
            "the same writers (and reads) on the SQLite store",
            "PostgreSQL with plain SQL: the same rows by prepared `INSERT`s, one transaction per batch, the same concurrency, no chain (reads: the same page and count in SQL)",
        ],
        rows,
        notes,
    })
}

fn plain_query(
    c: &mut postgres::Client,
    since: i64,
    until: i64,
    count: bool,
) -> Result<Vec<String>> {
    Ok(if count {
        let n: i64 = c
            .query_one(
                "SELECT count(*) FROM audit_events WHERE tenant = $1 AND occurred_at_us >= $2 AND occurred_at_us < $3",
                &[&TENANT, &since, &until],
            )?
            .get(0);
        vec![n.to_string()]
    } else {
        c.query(
            "SELECT id FROM audit_events WHERE tenant = $1 AND occurred_at_us >= $2 AND occurred_at_us < $3 ORDER BY seq DESC LIMIT 50",
            &[&TENANT, &since, &until],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect()
    })
}

/// Rows as columns, for one `unnest` insert.
type Columns = (
    Vec<String>,
    Vec<i64>,
    Vec<String>,
    Vec<i64>,
    Vec<String>,
    Vec<String>,
    Vec<String>,
);

/// The log of `n` events in PostgreSQL: copied once from the SQLite file
/// (its rows as the host's store wrote them, through the store's schema)
/// and kept for later runs.
fn log_copy(base: &str, file: &std::path::Path, n: usize) -> Result<String> {
    let name = format!("audit_bench_log_v2_{n}");
    let url = format!("{base}/{name}");
    let mut a = admin(base)?;
    let exists = a
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])?
        .is_some();
    if exists {
        let mut c = url.parse::<postgres::Config>()?.connect(postgres::NoTls)?;
        let ready = c
            .query_opt(
                "SELECT 1 FROM pg_tables WHERE tablename = 'bench_ready'",
                &[],
            )?
            .is_some();
        if ready {
            return Ok(url);
        }
        drop(c);
        a.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))?;
    }
    eprintln!("audit-bench: copying the {n}-event log into PostgreSQL (once; later runs reuse it)");
    a.batch_execute(&format!(
        "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'"
    ))?;
    drop(Database::open(&url, BUSY).map_err(anyhow::Error::msg)?);
    let mut c = url.parse::<postgres::Config>()?.connect(postgres::NoTls)?;
    let sqlite = rusqlite::Connection::open(file)?;
    let mut stmt = sqlite.prepare(
        "SELECT tenant, seq, id, occurred_at_us, prev_hash, hash, body FROM audit_events ORDER BY tenant, seq",
    )?;
    let mut rows = stmt.query([])?;
    let insert = c.prepare(
        "INSERT INTO audit_events (tenant, seq, id, occurred_at_us, prev_hash, hash, body)
         SELECT * FROM unnest($1::text[], $2::int8[], $3::text[], $4::int8[], $5::text[], $6::text[], $7::text[])",
    )?;
    let mut cols = Columns::default();
    let flush = |c: &mut postgres::Client, cols: &mut Columns| -> Result<()> {
        if !cols.0.is_empty() {
            c.execute(
                &insert,
                &[
                    &cols.0, &cols.1, &cols.2, &cols.3, &cols.4, &cols.5, &cols.6,
                ],
            )?;
            *cols = Default::default();
        }
        Ok(())
    };
    let mut head: Option<(String, i64, String)> = None;
    while let Some(r) = rows.next()? {
        let (t, s, h): (String, i64, String) = (r.get(0)?, r.get(1)?, r.get(5)?);
        cols.0.push(t.clone());
        cols.1.push(s);
        cols.2.push(r.get(2)?);
        cols.3.push(r.get(3)?);
        cols.4.push(r.get(4)?);
        cols.5.push(h.clone());
        cols.6.push(r.get(6)?);
        head = Some((t, s, h));
        if cols.0.len() == 5_000 {
            flush(&mut c, &mut cols)?;
        }
    }
    flush(&mut c, &mut cols)?;
    if head.is_none() {
        bail!("postgres: the SQLite log is empty");
    }
    let mut heads = sqlite.prepare("SELECT tenant, seq, hash FROM audit_heads")?;
    let mut heads = heads.query([])?;
    while let Some(r) = heads.next()? {
        let (t, s, h): (String, i64, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        c.execute(
            "INSERT INTO audit_heads (tenant, seq, hash) VALUES ($1, $2, $3)",
            &[&t, &s, &h],
        )?;
    }
    c.batch_execute("VACUUM ANALYZE audit_events")?;
    c.batch_execute("CREATE TABLE bench_ready ()")?;
    Ok(url)
}
