//! The command line: argument parsing and dispatch. Each subcommand lives in
//! its own module and only turns arguments into calls of the host library.

mod actions;
mod apikey;
mod append;
mod auth;
mod auth_records;
mod checkpoint;
mod demo;
mod diff;
mod export;
mod filter_args;
mod framing;
mod global;
mod input;
mod keygen;
mod output;
mod page_args;
mod purge;
mod query;
mod render;
mod serve;
mod settings;
mod status;
mod verify;

use anyhow::Result;
use audit_host::HostError;
use clap::{Parser, Subcommand};
use global::Global;
use std::process::ExitCode;

/// The audit-log component's reference host: record audit events, read them
/// back, export them, on an embedded SQLite store or a PostgreSQL database.
#[derive(Debug, Parser)]
#[command(
    name = "audit-host",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    #[command(flatten)]
    global: Global,

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
    /// Show, change or replace a tenant's settings (every change recorded in
    /// its log).
    Settings(settings::Args),
    /// Compare two JSON documents: print the RFC 6902 patch (or the change
    /// list), with secrets redacted as the log would store them.
    Diff(diff::Args),
    /// Run a morning of one kind of product (logins and a brute-force attempt,
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
    /// Run the audit log as an HTTP service (API v1, JSON): record events,
    /// read, export and verify them; see /v1/openapi.json.
    Serve(serve::Args),
    /// Make, list and revoke the service keys that `serve` takes.
    Apikey(apikey::Args),
}

/// Runs the program; the exit statuses are `status.rs`'s (0 success, 1
/// failure with one line on stderr and nothing stored, 2 usage errors from
/// clap, ...).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // `serve` handles SIGTERM itself: it finishes the requests in flight.
    if !matches!(cli.command, Command::Serve(_)) {
        output::clean_up_on_signals();
    }
    let writes_events = matches!(cli.command, Command::Append(_));
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`| head`) ends a reading command quietly; what
            // `append` stored is reported by its own status.
            if !writes_events && status::is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            let (code, message) = match (
                e.downcast_ref::<status::Exit>(),
                e.downcast_ref::<HostError>(),
            ) {
                (Some(exit), _) => (exit.code, format!("{e:#}")),
                (None, Some(HostError::Trap { stored_rows, .. })) if *stored_rows > 0 => (
                    status::STORED_UNACKNOWLEDGED,
                    format!(
                        "{e:#}: {stored_rows} row(s) were stored but not acknowledged; retrying would record them again"
                    ),
                ),
                _ => (status::FAILURE, format!("{e:#}")),
            };
            eprintln!("error: {}", audit_host::error::one_line(&message));
            ExitCode::from(code)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Append(args) => append::run(&cli.global, args),
        Command::Query(args) => query::run(&cli.global, args),
        Command::Export(args) => export::run(&cli.global, args),
        Command::Demo(args) => demo::run(&cli.global, args),
        Command::Settings(args) => settings::run(&cli.global, args),
        Command::Verify(args) => verify::run(&cli.global, args),
        Command::Checkpoint(args) => checkpoint::run(&cli.global, args),
        Command::Keygen(args) => keygen::run(&cli.global, args),
        Command::Purge(args) => purge::run(&cli.global, args),
        Command::Diff(args) => diff::run(&cli.global, args),
        Command::Actions(args) => actions::run(&cli.global, args),
        Command::Auth(args) => auth::run(&cli.global, args),
        Command::Serve(args) => serve::run(&cli.global, args),
        Command::Apikey(args) => apikey::run(&cli.global, args),
    }
}
