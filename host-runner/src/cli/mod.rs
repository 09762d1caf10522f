//! The command line: argument parsing and dispatch. Each subcommand lives in
//! its own module and only turns arguments into calls of the host library.

mod actions;
mod append;
mod auth;
mod checkpoint;
mod demo;
mod diff;
mod export;
mod filter_args;
mod keygen;
mod page_args;
mod purge;
mod query;
mod render;
mod settings;
mod verify;

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

    /// The master key that fingerprints redacted values (64 hex digits in a
    /// file, created with mode 0600 on first use) [default: the store's path
    /// with .key added; AUDIT_KEY may give the key itself].
    #[arg(long, global = true, env = "AUDIT_KEY_FILE", value_name = "PATH")]
    key_file: Option<PathBuf>,

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
    /// Compare two JSON documents: print the RFC 6902 patch (or the change
    /// list), with secrets redacted as the log would store them.
    Diff(diff::Args),
    /// Run a morning of one seed product (logins and a brute-force attempt,
    /// edits, a bulk import, exports; qa by default) and show the log, the
    /// authentication log, a filtered view, a diff and a CSV export.
    Demo(demo::Args),
    /// List the action catalog (a profile's, every profile's, or a
    /// tenant's), or register a tenant's own actions.
    Actions(actions::Args),
    /// Show a tenant's authentication log: who signed in or out, when, from
    /// where, how, the outcome and each session's duration.
    Auth(auth::Args),
    /// Check a tenant's hash chain (or an export file, offline): one line
    /// per finding, then a summary. Exit status 0 only when intact, 3 when
    /// tampering was found.
    Verify(verify::Args),
    /// Verify a tenant's chain, then sign a checkpoint of its head with the
    /// host's Ed25519 key (optionally with a verifiable export).
    Checkpoint(checkpoint::Args),
    /// Make a new Ed25519 key pair for signing checkpoints.
    Keygen(keygen::Args),
    /// Delete a tenant's events older than its retention period, recorded in
    /// its log as an audit_log.purged event that keeps the chain verifiable.
    Purge(purge::Args),
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
        Command::Verify(args) => verify::run(&cli, args),
        Command::Checkpoint(args) => checkpoint::run(&cli, args),
        Command::Keygen(args) => keygen::run(&cli, args),
        Command::Purge(args) => purge::run(&cli, args),
        Command::Diff(args) => diff::run(&cli, args),
        Command::Actions(args) => actions::run(&cli, args),
        Command::Auth(args) => auth::run(&cli, args),
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

    /// A session over the store and clock given on the command line, with
    /// the store's fingerprint key.
    fn session(&self) -> Result<Session> {
        let runtime = self.runtime()?;
        Ok(runtime
            .session(self.open_store()?, self.clock()?)
            .with_keyring(self.keyring()?))
    }

    /// The fingerprint key: `AUDIT_KEY`, else `--key-file`, else the file
    /// next to the store; a store in memory gets a key for this run only.
    fn keyring(&self) -> Result<std::sync::Arc<dyn audit_host::Keyring>> {
        if let Ok(hex) = std::env::var("AUDIT_KEY") {
            return Ok(std::sync::Arc::new(
                audit_host::MasterKey::from_hex(&hex).context("AUDIT_KEY")?,
            ));
        }
        Ok(match &self.key_file {
            Some(path) => std::sync::Arc::new(audit_host::KeyFile::new(path.clone())),
            None if self.store.as_os_str() == ":memory:" => {
                std::sync::Arc::new(audit_host::MasterKey::generate()?)
            }
            None => std::sync::Arc::new(audit_host::KeyFile::new(
                audit_host::MasterKey::path_for_store(&self.store),
            )),
        })
    }
}
