//! `audit-host`: the reference runner of the audit component. Records events
//! into an embedded SQLite store, reads them back, and runs a demo; see
//! `audit-host --help`.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
