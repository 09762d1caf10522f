//! The logs the query, export and verify benchmarks read: `n` events of one
//! tenant (from [`crate::data`]) in a real SQLite file of the host's store,
//! made once by the engine built natively (real ids, hashes and chain) and
//! kept in the data directory for the next runs.

use crate::data::Generator;
use crate::native_store::{Native, Stepping};
use anyhow::{Context as _, Result};
use audit_host::SqliteStore;
use std::path::{Path, PathBuf};

/// The tenant of every benchmark log.
pub const TENANT: &str = "bench";
/// Bump when the generator or the engine's stored form changes, so that an
/// old file is not reused (2: bodies carry the catalog's `label`).
const VERSION: u32 = 2;
/// The recording clock: after every generated `occurred_at` (2026).
const RECORDED: &str = "2027-01-01T00:00:00Z";

/// The path of the log of `events` events under `dir`, made when missing.
pub fn open(dir: &Path, events: usize) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(format!("log-v{VERSION}-{events}.db"));
    let ready = path.with_extension("ready");
    if ready.exists() && path.exists() {
        return Ok(path);
    }
    for stale in [
        path.clone(),
        path.with_extension("db-wal"),
        path.with_extension("db-shm"),
    ] {
        let _ = std::fs::remove_file(stale);
    }
    eprintln!(
        "audit-bench: generating {events} events into {} (once; later runs reuse it)",
        path.display()
    );
    let started = std::time::Instant::now();
    generate(&path, events)?;
    std::fs::write(&ready, b"")?;
    eprintln!(
        "audit-bench: generated in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(path)
}

fn generate(path: &Path, events: usize) -> Result<()> {
    let mut store = Native(SqliteStore::open(path).map_err(anyhow::Error::msg)?);
    let mut clock = Stepping::parse(RECORDED)?;
    let mut generator = Generator::new(TENANT, events);
    let mut k = 0;
    while k < events {
        let n = 5_000.min(events - k);
        let inputs: Vec<_> = (k..k + n).map(|i| generator.input(i)).collect();
        audit_component::ingest::append::append_batch(&mut store, &mut clock, inputs)?;
        k += n;
    }
    Ok(())
}
