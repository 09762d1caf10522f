//! The boundary: what crossing into the component costs per call, per unit
//! of work and per process start.
//!
//! - a trivial call, `parse-inputs` of whitespace (no events, refused at
//!   once) with 0, 4 KiB and 256 KiB of text, against the same function
//!   natively: the fixed cost of a call and the cost of copying its
//!   arguments into the guest;
//! - instantiation per unit of work (a session made, the component
//!   instantiated, dropped), with the library's pooling allocator and with
//!   on-demand allocation (what `audit-host` uses);
//! - a cold start as a process (this binary again, `--child start`): from
//!   spawn to exit, loading the runtime, opening a new SQLite store and
//!   appending one event, with the compiled-code cache warm, natively, and
//!   compiling the component at start (no cache).
//!
//! Check: the trivial call gives the same answer through the component and
//! natively; every child appended its event and exited with success.

use crate::config::Config;
use crate::native_store::{Native, Stepping, host_clock};
use crate::report::{Row, Section, Unit};
use crate::timing::{median, per_call};
use anyhow::{Context as _, Result, bail, ensure};
use audit_host::{MemoryStore, Options, Runtime, SqliteStore};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The environment variable through which child processes learn which
/// component to run (`--component`).
pub const COMPONENT_ENV: &str = "AUDIT_BENCH_COMPONENT";

/// The runtime every benchmark uses: the library's defaults, with room for
/// a million-event verification in one call; `component` (a file) when
/// given, else the embedded component.
pub fn runtime(component: Option<&Path>) -> Result<Runtime> {
    runtime_with(component, options(true))
}

fn runtime_with(component: Option<&Path>, options: Options) -> Result<Runtime> {
    Ok(match component {
        Some(path) => {
            let bytes = std::fs::read(path)
                .with_context(|| format!("reading the component {}", path.display()))?;
            Runtime::with_component(&bytes, options)?
        }
        None => Runtime::new(options)?,
    })
}

/// `n` sessions over the SQLite file `db`, each its own connection, with
/// the reads' clock: what a split verification or export is given.
pub fn sessions(runtime: &Runtime, db: &Path, n: usize) -> Result<Vec<audit_host::Session>> {
    (0..n)
        .map(|_| {
            let store = audit_host::SqliteStore::open(db).map_err(anyhow::Error::msg)?;
            Ok(runtime.session(
                Box::new(store),
                crate::native_store::host_clock(crate::query::READ_CLOCK)?,
            ))
        })
        .collect()
}

/// The component a child process runs: the parent's `--component`.
pub fn child_component() -> Option<std::path::PathBuf> {
    std::env::var_os(COMPONENT_ENV).map(Into::into)
}

/// A command running this suite's binary as a child, with the run's
/// component.
pub fn child_command(exe: &Path, config: &Config) -> Command {
    let mut cmd = Command::new(exe);
    if let Some(c) = &config.component {
        cmd.env(COMPONENT_ENV, c);
    }
    cmd
}

fn options(pooling: bool) -> Options {
    let defaults = Options::default();
    Options {
        call_deadline: Duration::from_secs(600),
        memory_limit_bytes: 1024 * 1024 * 1024,
        max_instances: if pooling { defaults.max_instances } else { 0 },
        ..defaults
    }
}

/// The event a cold start appends.
const EVENT: &str = r#"{"tenant":"acme","action":"user.mfa_challenge_passed","actor":{"id":"u_42","kind":"user"},"outcome":"success"}"#;

/// Measures calls, instantiation and cold starts.
pub fn run(config: &Config, runtime: &Runtime, exe: &Path) -> Result<Section> {
    let samples = config.runs(20, 30);
    let calls = config.runs(500, 2_000);
    let mut rows = Vec::new();

    let mut session = runtime.session(
        Box::new(MemoryStore::new()),
        host_clock("2027-01-01T00:00:00Z")?,
    );
    session.instantiate()?;
    for bytes in [0usize, 4 << 10, 256 << 10] {
        let text = " ".repeat(bytes);
        let through = session
            .parse_inputs(&text, None)
            .map(|v| v.len())
            .map_err(|e| e.to_string());
        let native = audit_component::json::codec::parse_inputs(&text, None)
            .map(|v| v.len())
            .map_err(|e| e.to_string());
        ensure!(
            through.is_ok() == native.is_ok(),
            "boundary: parse-inputs of {bytes} bytes: component {through:?}, native {native:?}"
        );
        let per_sample = if bytes > 64 << 10 { calls / 50 } else { calls };
        let c = per_call(samples, per_sample, || {
            let _ = std::hint::black_box(session.parse_inputs(&text, None));
            Ok(())
        })?;
        let n = per_call(samples, per_sample, || {
            let _ = std::hint::black_box(audit_component::json::codec::parse_inputs(
                std::hint::black_box(&text),
                None,
            ));
            Ok(())
        })?;
        rows.push(Row::new(
            "trivial call (parse-inputs of whitespace)",
            format!("{} KiB of text", bytes >> 10),
            Unit::Time,
            Some(c),
            Some(n),
            None,
        ));
    }

    let on_demand = runtime_with(config.component.as_deref(), options(false))?;
    for (label, rt) in [
        ("pooling allocator (library)", runtime),
        ("on-demand allocation (CLI)", &on_demand),
    ] {
        let c = per_call(samples, calls / 5, || {
            let mut s = rt.session(
                Box::new(MemoryStore::new()),
                host_clock("2027-01-01T00:00:00Z")?,
            );
            s.instantiate()?;
            Ok(())
        })?;
        rows.push(Row::new(
            "instantiation per unit of work",
            label,
            Unit::Time,
            Some(c),
            None,
            None,
        ));
    }

    let dir = tempfile::tempdir()?;
    let cache = dir.path().join("cache");
    let starts = config.runs(10, 20);
    // Fills the cache.
    start(
        exe,
        config,
        "component",
        &cache,
        &dir.path().join("warm.db"),
    )?;
    let mut t = [Vec::new(), Vec::new(), Vec::new()];
    for i in 0..starts {
        for (c, column) in ["component", "native", "component-no-cache"]
            .iter()
            .enumerate()
        {
            // Compiling takes a second or so: a third as many samples.
            if c == 2 && i % 3 != 0 {
                continue;
            }
            let db = dir.path().join(format!("{column}-{i}.db"));
            t[c].push(start(exe, config, column, &cache, &db)?);
        }
    }
    rows.push(Row::new(
        "cold start: process spawn to exit, one event into a new SQLite file",
        "1 event",
        Unit::Time,
        Some(median(&t[0])),
        Some(median(&t[1])),
        Some(median(&t[2])),
    ));
    Ok(Section {
        path: "boundary",
        columns: [
            "through wasmtime (cold start: compiled code from the cache)",
            "the same engine natively",
            "cold start only: the component compiled at start (no cache)",
        ],
        rows,
        notes: vec![
            "The trivial call and instantiation have no size that grows with data but the call's text, so their three sizes are argument sizes and allocation strategies. The cold start's processes each append one event; each was checked to exit with success.".into(),
        ],
    })
}

/// Spawns a cold start; its duration from spawn to exit.
fn start(exe: &Path, config: &Config, column: &str, cache: &Path, db: &Path) -> Result<Duration> {
    let begin = Instant::now();
    let out = child_command(exe, config)
        .arg("--child")
        .arg("start")
        .arg(column)
        .arg(cache)
        .arg(db)
        .output()
        .with_context(|| format!("running {}", exe.display()))?;
    let took = begin.elapsed();
    if !out.status.success() || out.stdout != b"1\n" {
        bail!(
            "cold start ({column}) failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(took)
}

/// In a child process: load (or compile) the component, open a new SQLite
/// store, append one event; print how many events the store then holds.
pub fn child_main(args: &[String]) -> Result<()> {
    let [column, cache, db] = args else {
        bail!("usage: --child start component|native|component-no-cache CACHE DB");
    };
    let db = Path::new(db);
    let seq = match column.as_str() {
        "component" | "component-no-cache" => {
            let runtime = runtime_with(
                child_component().as_deref(),
                Options {
                    cache_dir: (column == "component").then(|| cache.into()),
                    max_instances: 0,
                    ..Options::default()
                },
            )?;
            let store = SqliteStore::open(db).map_err(anyhow::Error::msg)?;
            let mut session = runtime.session(Box::new(store), Box::new(audit_host::SystemClock));
            let inputs = session.parse_inputs(EVENT, None)?;
            session.append_batch(&inputs)?.len()
        }
        "native" => {
            let mut store = Native(SqliteStore::open(db).map_err(anyhow::Error::msg)?);
            let inputs = audit_component::json::codec::parse_inputs(EVENT, None)?;
            let mut clock = Stepping::now();
            audit_component::ingest::append::append_batch(&mut store, &mut clock, inputs)?.len()
        }
        other => bail!("unknown start column {other:?}"),
    };
    println!("{seq}");
    Ok(())
}
