//! Verify: check a tenant's whole chain (every body's SHA-256, every link,
//! the head) over logs of growing size in a real SQLite file. The
//! component through wasmtime (`integrity.verify`), the same engine
//! natively, and as the peer a bare native check a host could write itself
//! without the component (SQL read, SHA-256 of each body against its
//! `hash`, each `prev_hash` against the previous `hash`): the native engine
//! is the real bar here, the bare check shows what the engine's findings
//! and anchors (purges, checkpoints) cost on top.
//!
//! Check: all three find the log intact, over the same number of events,
//! ending at the same hash.

use crate::config::Config;
use crate::dataset::{self, TENANT};
use crate::native_store::{Native, host_clock};
use crate::report::{Row, Section, Unit};
use crate::timing::time;
use anyhow::{Result, ensure};
use audit_host::{Runtime, SqliteStore};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::time::Duration;

/// Measures verification over three log sizes.
pub fn run(config: &Config, runtime: &Runtime) -> Result<Section> {
    let sizes = config.sizes(
        [300, 1_000, 3_000],
        [10_000, 30_000, 100_000],
        [10_000, 100_000, 1_000_000],
    );
    let runs = config.runs(2, 2);
    let mut rows = Vec::new();
    for n in sizes {
        let db = dataset::open(&config.data_dir, n)?;
        let mut best = [Duration::MAX; 4];
        let mut events = 0;
        for _ in 0..runs {
            let (c, t0) = time(|| component(runtime, &db));
            let (nv, t1) = time(|| native(&db));
            let (p, t2) = time(|| bare(&db));
            let (f, t3) = time(|| fanned(runtime, &db));
            let (c, nv, p, f) = (c?, nv?, p?, f?);
            ensure!(
                c == nv && nv == p && f == c,
                "verify: the columns disagree over {n} events: {c:?} / {nv:?} / {p:?} / {f:?}"
            );
            events = c.0;
            for (b, t) in best.iter_mut().zip([t0, t1, t2, t3]) {
                *b = (*b).min(t);
            }
        }
        let rate = |d: Duration| Some(events as f64 / d.as_secs_f64());
        rows.push(Row::new(
            "verify the whole chain",
            format!("{n} events"),
            Unit::Rate("events"),
            rate(best[0]),
            rate(best[1]),
            rate(best[2]),
        ));
        rows.push(Row::new(
            format!(
                "verify, split over {} instances (`fanout::verify`)",
                parts()
            ),
            format!("{n} events"),
            Unit::Rate("events"),
            rate(best[3]),
            rate(best[1]),
            rate(best[2]),
        ));
    }
    Ok(Section {
        path: "verify",
        columns: [
            "`integrity.verify` through wasmtime on the host's SQLite store",
            "`verify::verify_chain`, the same engine natively on the same store (the bar: no other tool verifies this chain)",
            "a bare check a host could write natively: SQL read, SHA-256 of each body, links",
        ],
        rows,
        notes: vec![
            "All three found every log intact, over the same events, ending at the same hash, and so did the split verification (one instance and SQLite connection per core, ranges of seq put together by the host library; logs under 40,000 events are verified by one instance). The logs include the `audit_log.viewed` events the query benchmark's reads recorded.".into(),
        ],
    })
}

/// (events, last hash) when intact.
type Verdict = (u64, String);

fn component(runtime: &Runtime, db: &Path) -> Result<Verdict> {
    let store = SqliteStore::open(db).map_err(anyhow::Error::msg)?;
    let mut session = runtime.session(Box::new(store), host_clock(crate::query::READ_CLOCK)?);
    let report = session.verify(TENANT, &[], &[])?;
    ensure!(
        audit_host::session::integrity::intact(&report),
        "verify: the component found the log broken"
    );
    Ok((report.events, report.last_hash.unwrap_or_default()))
}

/// Instances a split verification uses: one per core.
fn parts() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The host library's split verification (what `audit-host verify` runs).
fn fanned(runtime: &Runtime, db: &Path) -> Result<Verdict> {
    let mut sessions = crate::boundary::sessions(runtime, db, parts())?;
    let mut sessions: Vec<&mut audit_host::Session> = sessions.iter_mut().collect();
    let report = audit_host::fanout::verify::verify(&mut sessions, TENANT)?;
    ensure!(
        audit_host::session::integrity::intact(&report),
        "verify: the split verification found the log broken"
    );
    Ok((report.events, report.last_hash.unwrap_or_default()))
}

fn native(db: &Path) -> Result<Verdict> {
    let mut store = Native(SqliteStore::open(db).map_err(anyhow::Error::msg)?);
    let report = audit_component::integrity::verify::verify_chain(&mut store, TENANT, &[], &[])?;
    ensure!(
        report.intact(),
        "verify: the native engine found the log broken"
    );
    Ok((report.events, report.last_hash.unwrap_or_default()))
}

fn bare(db: &Path) -> Result<Verdict> {
    let conn = rusqlite::Connection::open(db)?;
    let mut stmt = conn
        .prepare("SELECT prev_hash, hash, body FROM audit_events WHERE tenant = ?1 ORDER BY seq")?;
    let mut rows = stmt.query([TENANT])?;
    let mut last = audit_component::core::chain::GENESIS.to_string();
    let mut events = 0u64;
    let mut hex = String::with_capacity(64);
    while let Some(row) = rows.next()? {
        let prev: String = row.get(0)?;
        let hash: String = row.get(1)?;
        let body = row.get_ref(2)?.as_str()?;
        hex.clear();
        for b in Sha256::digest(body.as_bytes()) {
            use std::fmt::Write as _;
            let _ = write!(hex, "{b:02x}");
        }
        ensure!(
            prev == last && hex == hash,
            "verify: the bare check found the log broken at event {}",
            events + 1
        );
        last = hash;
        events += 1;
    }
    Ok((events, last))
}
