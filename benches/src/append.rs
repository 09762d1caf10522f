//! Append: validate, redact, diff, hash and store batches of the seed
//! products' events. The component through wasmtime into the host's SQLite
//! store; the same engine natively into the same store; and SQLite
//! inserting the very rows the engine produced, directly (what a host
//! without an audit engine would at least pay). The same comparison over
//! in-memory stores isolates the engine from the disk.
//!
//! Check: the three SQLite files hold the same rows byte for byte (same
//! ids, bodies and hashes), and the in-memory runs return the same hashes.

use crate::config::Config;
use crate::data::Generator;
use crate::native_store::{Native, Stepping, host_clock};
use crate::report::{Row, Section, Unit};
use crate::timing::time;
use crate::wit;
use anyhow::{Context as _, Result, ensure};
use audit_host::{MemoryStore, Runtime, SqliteStore};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::Duration;

/// Events per `append-batch` call: a host's bulk write.
pub const BATCH: usize = 500;
/// The tenant of the appended events.
pub const TENANT: &str = "acme";
/// The clock both columns start from.
pub const CLOCK: &str = "2027-01-01T00:00:00Z";

/// Measures append at three batch totals.
pub fn run(config: &Config, runtime: &Runtime) -> Result<Section> {
    let sizes = config.sizes(
        [40, 100, 200],
        [1_000, 3_000, 10_000],
        [5_000, 20_000, 50_000],
    );
    let runs = config.runs(1, 2);
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for n in sizes {
        let inputs = Generator::new(TENANT, n).inputs(n);
        let wit_inputs: Vec<_> = inputs.iter().map(wit::event_input).collect();
        let state_bytes: usize = inputs
            .iter()
            .map(|e| {
                e.before.as_ref().map_or(0, String::len) + e.after.as_ref().map_or(0, String::len)
            })
            .sum();
        // The best of `runs` interleaved rounds: the least disturbed.
        let mut best = [Duration::MAX; 5];
        for _ in 0..runs {
            let dir = tempfile::tempdir()?;
            let (c, t0) = component_sqlite(runtime, &dir.path().join("c.db"), &wit_inputs)?;
            let (nat, t1) = native_sqlite(&dir.path().join("n.db"), &inputs)?;
            let (stored, peer_rows) = read_rows(&dir.path().join("n.db"))?;
            let t2 = peer_sqlite(&dir.path().join("p.db"), &peer_rows)?;
            let (p, _) = read_rows(&dir.path().join("p.db"))?;
            ensure!(
                c == stored && nat == stored && p == stored,
                "append: the three SQLite files differ ({n} events)"
            );
            let (hc, t3) = component_memory(runtime, &wit_inputs)?;
            let (hn, t4) = native_memory(&inputs)?;
            ensure!(
                hc == hn,
                "append: component and native returned different hashes ({n} events)"
            );
            for (b, t) in best.iter_mut().zip([t0, t1, t2, t3, t4]) {
                *b = (*b).min(t);
            }
        }
        let rate = |d: Duration| Some(n as f64 / d.as_secs_f64());
        let size = format!("{n} events");
        rows.push(Row::new(
            "append into SQLite (batches of 500)",
            size.clone(),
            Unit::Rate("events"),
            rate(best[0]),
            rate(best[1]),
            rate(best[2]),
        ));
        rows.push(Row::new(
            "append, in-memory store (the engine alone)",
            size,
            Unit::Rate("events"),
            rate(best[3]),
            rate(best[4]),
            None,
        ));
        if n == sizes[2] {
            notes.push(format!(
                "{n} events carry {:.1} MB of before/after states ({:.0} bytes per event); the three files held identical rows and the in-memory runs identical hashes.",
                state_bytes as f64 / 1e6,
                state_bytes as f64 / n as f64
            ));
        }
    }
    Ok(Section {
        path: "append",
        columns: [
            "the component through wasmtime (`Session::append_batch`)",
            "the same engine natively (`append::append_batch`) on the same store",
            "SQLite inserting the same rows directly (prepared `INSERT`, one transaction per batch, WAL, `synchronous = FULL` as the host's store)",
        ],
        rows,
        notes,
    })
}

fn component_sqlite(
    runtime: &Runtime,
    path: &Path,
    inputs: &[audit_host::bindings::EventInput],
) -> Result<(String, Duration)> {
    let store = SqliteStore::open(path).map_err(anyhow::Error::msg)?;
    let mut session = runtime.session(Box::new(store), host_clock(CLOCK)?);
    let (r, t) = time(|| -> Result<()> {
        for chunk in inputs.chunks(BATCH) {
            session.append_batch(chunk)?;
        }
        Ok(())
    });
    r?;
    drop(session);
    Ok((read_rows(path)?.0, t))
}

fn native_sqlite(
    path: &Path,
    inputs: &[audit_component::core::model::EventInput],
) -> Result<(String, Duration)> {
    let mut store = Native(SqliteStore::open(path).map_err(anyhow::Error::msg)?);
    let mut clock = Stepping::parse(CLOCK)?;
    let (r, t) = time(|| -> Result<()> {
        for chunk in inputs.chunks(BATCH) {
            audit_component::ingest::append::append_batch(&mut store, &mut clock, chunk.to_vec())?;
        }
        Ok(())
    });
    r?;
    drop(store);
    Ok((read_rows(path)?.0, t))
}

/// One stored row: tenant, seq, id, occurred_at_us, prev_hash, hash, body.
pub type StoredRow = (String, i64, String, i64, String, String, String);

/// Every row of a store file in seq order, and a SHA-256 over them all.
pub fn read_rows(path: &Path) -> Result<(String, Vec<StoredRow>)> {
    let conn = rusqlite::Connection::open(path)?;
    let mut stmt = conn.prepare(
        "SELECT tenant, seq, id, occurred_at_us, prev_hash, hash, body FROM audit_events ORDER BY tenant, seq",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<StoredRow>>>()?;
    let mut h = Sha256::new();
    for r in &rows {
        h.update(format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            r.0, r.1, r.2, r.3, r.4, r.5, r.6
        ));
    }
    Ok((format!("{:x}", h.finalize()), rows))
}

/// The peer: the same rows into a new file of the same schema, with SQL.
fn peer_sqlite(path: &Path, rows: &[StoredRow]) -> Result<Duration> {
    // The host's store makes the schema (table and indexes), nothing else.
    drop(SqliteStore::open(path).map_err(anyhow::Error::msg)?);
    let mut conn = rusqlite::Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    let (r, t) = time(|| -> Result<()> {
        for chunk in rows.chunks(BATCH) {
            let tx = conn.transaction()?;
            {
                let mut insert = tx.prepare_cached(
                    "INSERT INTO audit_events (tenant, seq, id, occurred_at_us, prev_hash, hash, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )?;
                for r in chunk {
                    insert.execute(rusqlite::params![r.0, r.1, r.2, r.3, r.4, r.5, r.6])?;
                }
            }
            tx.commit()?;
        }
        Ok(())
    });
    r.context("the peer's inserts")?;
    Ok(t)
}

fn component_memory(
    runtime: &Runtime,
    inputs: &[audit_host::bindings::EventInput],
) -> Result<(String, Duration)> {
    let mut session = runtime.session(Box::new(MemoryStore::new()), host_clock(CLOCK)?);
    let mut h = Sha256::new();
    let (r, t) = time(|| -> Result<()> {
        for chunk in inputs.chunks(BATCH) {
            for e in session.append_batch(chunk)? {
                h.update(e.hash.as_bytes());
            }
        }
        Ok(())
    });
    r?;
    Ok((format!("{:x}", h.finalize()), t))
}

fn native_memory(
    inputs: &[audit_component::core::model::EventInput],
) -> Result<(String, Duration)> {
    let mut store = audit_component::core::memory::MemoryStore::default();
    let mut clock = Stepping::parse(CLOCK)?;
    let mut h = Sha256::new();
    let (r, t) = time(|| -> Result<()> {
        for chunk in inputs.chunks(BATCH) {
            for e in audit_component::ingest::append::append_batch(
                &mut store,
                &mut clock,
                chunk.to_vec(),
            )? {
                h.update(e.hash.unwrap_or_default().as_bytes());
            }
        }
        Ok(())
    });
    r?;
    Ok((format!("{:x}", h.finalize()), t))
}
