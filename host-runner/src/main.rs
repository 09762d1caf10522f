//! `audit-host`: the reference runner of the audit component. Records events
//! into an embedded SQLite store, reads them back, and runs a demo; see
//! `audit-host --help`.

// The JSON forms of WIT records, below both the service and the CLI.
mod json;
// The HTTP service (`audit-host serve`).
mod service;
// The command line, over both.
mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
