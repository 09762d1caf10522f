//! The benchmark suite of the audit log: every hot path measured three
//! ways in one run, side by side, so that ratios hold even where absolute
//! times drift (a shared machine):
//!
//! - **component**: the real component through wasmtime, by the reference
//!   host's library (`audit_host`);
//! - **native**: the same Rust engine (`audit_component`) built natively,
//!   the limit this design can reach;
//! - **peer**: what a host would use instead (SQLite directly, the
//!   `json-patch` crate, the `csv` crate), named on each row.
//!
//! Each hot path is one module ([`append`], [`diff`], [`query`],
//! [`export`], [`verify`], [`boundary`], [`serve`],
//! [`polyglot`], [`postgres`]); each measures at three sizes and
//! checks that its columns computed the same thing (same hashes, counts,
//! CSV bytes, patches that apply) before it reports a number, so the suite
//! cannot compare unlike work. The data comes from [`data`], a fixed-seed
//! generator of the four profiles' events. `cargo run --release -p
//! audit-bench -- --quick` (about a minute) or `-- --full`; see
//! `BENCHMARKS.md`.

pub mod append;
pub mod boundary;
pub mod config;
pub mod data;
pub mod dataset;
pub mod diff;
pub mod export;
pub mod native_store;
pub mod polyglot;
pub mod postgres;
pub mod query;
pub mod report;
pub mod serve;
pub mod timing;
pub mod verify;
pub mod wit;

pub use config::{Config, Mode, Path};
pub use report::{Row, Section};

/// Runs the hot paths the configuration selects, in order, and returns
/// their sections. `exe` is this suite's binary (for the measurements made
/// in child processes: cold starts and peak memory).
pub fn run(config: &Config, exe: &std::path::Path) -> anyhow::Result<Vec<Section>> {
    let runtime = boundary::runtime(config.component.as_deref())?;
    let mut sections = Vec::new();
    for path in config.paths() {
        eprintln!("audit-bench: {} ...", path.name());
        let started = std::time::Instant::now();
        let section = match path {
            Path::Append => append::run(config, &runtime)?,
            Path::Diff => diff::run(config, &runtime)?,
            Path::Query => query::run(config, &runtime)?,
            Path::Export => export::run(config, &runtime, exe)?,
            Path::Verify => verify::run(config, &runtime)?,
            Path::Boundary => boundary::run(config, &runtime, exe)?,
            Path::Serve => serve::run(config, &runtime, exe)?,
            Path::Polyglot => polyglot::run(config, &runtime)?,
            Path::Postgres => postgres::run(config, &runtime)?,
        };
        eprintln!(
            "audit-bench: {} done in {:.1} s",
            path.name(),
            started.elapsed().as_secs_f64()
        );
        sections.push(section);
    }
    Ok(sections)
}
