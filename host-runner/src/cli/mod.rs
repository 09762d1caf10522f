//! The command line: argument parsing and dispatch. Each subcommand lives in
//! its own module and only turns arguments into calls of the host library.

mod append;
mod demo;
mod export;
mod filter_args;
mod query;
mod render;
mod settings;

use anyhow::{Context as _, Result};
use audit_host::{
    Clock, EventStore, MemoryStore, Options, Runtime, Session, SqliteStore, SteppingClock,
    SystemClock,
};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// The audit-log component's reference host: record audit events, read them
/// back, export them, on an embedded SQLite store.
#[derive(Debug, Parser)]
#[command(
    name = "audit-host",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    /// The SQLite store file (created on first use); `:memory:` for a store
    /// that lives only as long as the command.
    #[arg(
        long,
        global = true,
        env = "AUDIT_STORE",
        default_value = "audit.db",
        value_name = "PATH"
    )]
    store: PathBuf,

    /// Run this build of the component (a .wasm file) instead of the one
    /// built into audit-host.
    #[arg(long, global = true, value_name = "FILE")]
    component: Option<PathBuf>,

    /// Where compiled code is cached [default: $XDG_CACHE_HOME/audit-host or ~/.cache/audit-host].
    #[arg(long, global = true, env = "AUDIT_CACHE_DIR", value_name = "DIR")]
    cache_dir: Option<PathBuf>,

    /// Compile the component at start instead of using the cache.
    #[arg(long, global = true)]
    no_cache: bool,

    /// Linear memory one component instance may use, in MiB.
    #[arg(long, global = true, default_value_t = 512, value_name = "MIB")]
    memory_limit_mib: usize,

    /// Time one call into the component may run, in milliseconds.
    #[arg(long, global = true, default_value_t = 30_000, value_name = "MS")]
    deadline_ms: u64,

    /// Text one call may hand to the component, in MiB (the input file of
    /// `append`; every string of a call in all).
    #[arg(long, global = true, default_value_t = 64, value_name = "MIB")]
    max_input_mib: usize,

    /// How long a write waits for another process holding the store before
    /// it fails with `store: busy`, in milliseconds.
    #[arg(long, global = true, default_value_t = 10_000, value_name = "MS")]
    busy_timeout_ms: u64,

    /// Use a clock that starts at this RFC 3339 time and advances 1 ms per
    /// reading, instead of the system clock: reproducible ids and hashes.
    #[arg(long, global = true, env = "AUDIT_CLOCK", value_name = "TIME")]
    clock: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Record events given as a JSON object, a JSON array or JSON Lines;
    /// print the stored events as JSON Lines. All or nothing.
    Append(append::Args),
    /// List a tenant's events, newest first, one page at a time.
    Query(query::Args),
    /// Export a tenant's events matching a filter as CSV or JSON Lines,
    /// streamed to standard output or a file.
    Export(export::Args),
    /// Show or replace a tenant's settings (recorded in its log).
    Settings(settings::Args),
    /// Run the quality-management scenario of the seed product (logins,
    /// a profile edit, a team and a role change, an export) and show the log.
    Demo(demo::Args),
}

/// Runs the program; exit status 0 on success, 1 on failure (one line on
/// stderr), 2 on usage errors (from clap).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            let message = format!("{e:#}");
            eprintln!("error: {}", audit_host::error::one_line(&message));
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Append(args) => append::run(&cli, args),
        Command::Query(args) => query::run(&cli, args),
        Command::Export(args) => export::run(&cli, args),
        Command::Demo(args) => demo::run(&cli, args),
        Command::Settings(args) => settings::run(&cli, args),
    }
}

impl Cli {
    /// The runtime with the options given on the command line.
    fn runtime(&self) -> Result<Runtime> {
        let options = Options {
            memory_limit_bytes: self.memory_limit_mib.saturating_mul(1024 * 1024),
            call_deadline: Duration::from_millis(self.deadline_ms),
            max_input_bytes: self.max_input_mib.saturating_mul(1024 * 1024),
            cache_dir: if self.no_cache {
                None
            } else {
                self.cache_dir
                    .clone()
                    .or_else(audit_host::cache::default_dir)
            },
            // One command is one session: a pool (3 ms to reserve at start)
            // would save 10 µs once. Long-lived hosts keep the pool.
            max_instances: 0,
        };
        Ok(match &self.component {
            None => Runtime::new(options)?,
            Some(path) => {
                let bytes = std::fs::read(path)
                    .with_context(|| format!("reading --component {}", path.display()))?;
                Runtime::with_component(&bytes, options)?
            }
        })
    }

    fn open_store(&self) -> Result<Box<dyn EventStore>> {
        if self.store.as_os_str() == ":memory:" {
            return Ok(Box::new(MemoryStore::new()));
        }
        let busy_timeout = Duration::from_millis(self.busy_timeout_ms);
        let store = SqliteStore::open_with_busy_timeout(&self.store, busy_timeout)
            .map_err(audit_host::HostError::Storage)?;
        Ok(Box::new(store))
    }

    fn clock(&self) -> Result<Box<dyn Clock>> {
        Ok(match &self.clock {
            None => Box::new(SystemClock),
            Some(start) => {
                Box::new(SteppingClock::parse(start).map_err(|e| anyhow::anyhow!("--clock: {e}"))?)
            }
        })
    }

    /// A session over the store and clock given on the command line.
    fn session(&self) -> Result<Session> {
        let runtime = self.runtime()?;
        Ok(runtime.session(self.open_store()?, self.clock()?))
    }
}
