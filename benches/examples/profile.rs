//! One hot path, one engine, nothing else in the process: what a profiler
//! is pointed at (`BENCHMARKS.md`, "Profiles").
//!
//! `cargo run --release -p audit-bench --example profile -- PATH ENGINE [N]`
//!
//! - PATH: `append` (N events, 2 KB states, batches of 500, in memory),
//!   `diff` (N diffs of the suite's 1.6 KB profile pair), `verify` (the
//!   suite's log of N events, made if missing) or `export` (its CSV);
//! - ENGINE: `native` (the engine built natively: run it under
//!   `valgrind --tool=callgrind`) or `component` (through wasmtime: run it
//!   under `perf record` with `AUDIT_WASM_PROFILER=perfmap`, so that perf
//!   names the component's functions).
//!
//! It prints what it did and how long it took, so that a run under a
//! profiler can be told from one that failed.

use anyhow::{Result, bail};
use audit_bench::native_store::{Native, Stepping, host_clock};
use audit_bench::{Config, data, dataset, wit};
use audit_host::{MemoryStore, Runtime, SqliteStore};
use std::time::Instant;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path, engine, rest @ ..] = &args[..] else {
        bail!("usage: profile append|diff|verify|export native|component [N]");
    };
    let n: usize = rest.first().map_or(Ok(5_000), |s| s.parse())?;
    let component = match engine.as_str() {
        "native" => false,
        "component" => true,
        other => bail!("unknown engine {other:?} (native or component)"),
    };
    let runtime = if component {
        Some(audit_bench::boundary::runtime(None)?)
    } else {
        None
    };
    let started = Instant::now();
    let done = match path.as_str() {
        "append" => append(runtime.as_ref(), n)?,
        "diff" => diff(runtime.as_ref(), n)?,
        "verify" => verify(runtime.as_ref(), n)?,
        "export" => export(runtime.as_ref(), n)?,
        other => bail!("unknown path {other:?}"),
    };
    eprintln!(
        "profile: {path} {engine}: {done} in {:.3} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn append(runtime: Option<&Runtime>, n: usize) -> Result<String> {
    let inputs = data::Generator::new("acme", n).inputs(n);
    let mut last = String::new();
    match runtime {
        Some(runtime) => {
            let wit_inputs: Vec<_> = inputs.iter().map(wit::event_input).collect();
            let mut session = runtime.session(
                Box::new(MemoryStore::new()),
                host_clock("2027-01-01T00:00:00Z")?,
            );
            for chunk in wit_inputs.chunks(500) {
                if let Some(e) = session.append_batch(chunk)?.pop() {
                    last = e.hash;
                }
            }
        }
        None => {
            let mut store = audit_component::core::memory::MemoryStore::default();
            let mut clock = Stepping::parse("2027-01-01T00:00:00Z")?;
            for chunk in inputs.chunks(500) {
                let events = audit_component::ingest::append::append_batch(
                    &mut store,
                    &mut clock,
                    chunk.to_vec(),
                )?;
                if let Some(e) = events.into_iter().last() {
                    last = e.hash.unwrap_or_default();
                }
            }
        }
    }
    Ok(format!("{n} events appended, last hash {last}"))
}

fn diff(runtime: Option<&Runtime>, n: usize) -> Result<String> {
    let before = data::profile(1);
    let mut after = before.clone();
    after["last_name"] = "Smyth".into();
    after["settings"]["dialer"]["max_lines"] = 4.into();
    after["active"] = false.into();
    after["queues"][1]["priority"] = 5.into();
    let (b, a) = (before.to_string(), after.to_string());
    let mut bytes = 0;
    match runtime {
        Some(runtime) => {
            let mut session = runtime.session(
                Box::new(MemoryStore::new()),
                host_clock("2027-01-01T00:00:00Z")?,
            );
            let request = audit_host::bindings::DiffRequest {
                before: b,
                after: a,
                settings: None,
                action: None,
                tenant: None,
            };
            for _ in 0..n {
                bytes += session.diff(&request)?.patch.len();
            }
        }
        None => {
            for _ in 0..n {
                bytes += audit_bench::diff::native(&b, &a)?.len();
            }
        }
    }
    Ok(format!("{n} diffs, {bytes} bytes of patches"))
}

fn log(n: usize) -> Result<std::path::PathBuf> {
    dataset::open(&Config::default_data_dir(), n)
}

fn verify(runtime: Option<&Runtime>, n: usize) -> Result<String> {
    let db = log(n)?;
    let events = match runtime {
        Some(runtime) => {
            let store = SqliteStore::open(&db).map_err(anyhow::Error::msg)?;
            let mut session =
                runtime.session(Box::new(store), host_clock(audit_bench::query::READ_CLOCK)?);
            session.verify(dataset::TENANT, &[], &[])?.events
        }
        None => {
            let mut store = Native(SqliteStore::open(&db).map_err(anyhow::Error::msg)?);
            audit_component::integrity::verify::verify_chain(&mut store, dataset::TENANT, &[], &[])?
                .events
        }
    };
    Ok(format!("{events} events verified"))
}

fn export(runtime: Option<&Runtime>, n: usize) -> Result<String> {
    let db = log(n)?;
    let out = tempfile::NamedTempFile::new()?;
    let column = if runtime.is_some() {
        "component"
    } else {
        "native"
    };
    audit_bench::export::child_main(&[
        column.to_string(),
        db.display().to_string(),
        out.path().display().to_string(),
    ])?;
    Ok(format!(
        "{} bytes of CSV",
        std::fs::metadata(out.path())?.len()
    ))
}
