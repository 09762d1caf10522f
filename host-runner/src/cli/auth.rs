//! `audit-host auth`: the authentication log, kept apart from the log of
//! changes: who signed in or out, when, from where, how, with what outcome,
//! and how long each session lasted; and `auth login|logout|recovery`,
//! which record sign-ins, sign-outs and password recoveries through the
//! component's `auth` interface (the one path for them: `append` refuses
//! their actions), from the JSON of the WIT records.

use super::filter_args::{FilterArgs, named_by_flags};
use super::global::Global;
use super::page_args::{Format, PageArgs};
use super::render;
use anyhow::Result;
use audit_host::bindings::{AuthEntry, LoginMethod};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    record: Option<Record>,

    /// (Absent only with a subcommand.)
    #[command(flatten)]
    filter: Option<FilterArgs>,

    #[command(flatten)]
    page: PageArgs,
}

#[derive(Debug, clap::Subcommand)]
enum Record {
    /// Record sign-in attempts: JSON objects with the fields of the WIT
    /// `login-attempt` (tenant, account, identifier, method, failure,
    /// context, occurred_at); prints each stored event (and the brute-force
    /// alert it raised) as JSON Lines.
    Login(RecordArgs),
    /// Record sign-outs: the fields of the WIT `logout` (tenant, account,
    /// context with its session_id, occurred_at).
    Logout(RecordArgs),
    /// Record password-recovery requests: the fields of the WIT
    /// `recovery-request` (tenant, account, identifier, context,
    /// occurred_at).
    Recovery(RecordArgs),
}

#[derive(Debug, clap::Args)]
struct RecordArgs {
    /// The records: a file, or `-` for standard input (one JSON object, an
    /// array, or JSON Lines).
    #[arg(default_value = "-", value_name = "FILE|-")]
    input: PathBuf,

    /// The tenant of records that name none.
    #[arg(long, value_name = "TENANT")]
    tenant: Option<String>,
}

pub fn run(cli: &Global, args: &Args) -> Result<ExitCode> {
    if let Some(record) = &args.record {
        return super::auth_records::run(cli, record.kind(), record.args());
    }
    let mut session = cli.session()?;
    let filter = args
        .filter
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("--tenant: required"))?;
    let page = session
        .auth_log(&args.page.request(filter))
        .map_err(named_by_flags)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.page.format {
        Format::Table => table(&mut out, &page.entries)?,
        Format::Jsonl => {
            for entry in &page.entries {
                writeln!(out, "{}", session.to_json(&entry.event)?)?;
            }
        }
    }
    args.page
        .trailer(&mut out, "entries", page.total, page.next_cursor.as_deref())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

impl Record {
    fn kind(&self) -> crate::json::auth_record::Kind {
        use crate::json::auth_record::Kind;
        match self {
            Record::Login(_) => Kind::Login,
            Record::Logout(_) => Kind::Logout,
            Record::Recovery(_) => Kind::Recovery,
        }
    }

    fn args(&self) -> (&std::path::Path, Option<&str>) {
        let (Record::Login(a) | Record::Logout(a) | Record::Recovery(a)) = self;
        (&a.input, a.tenant.as_deref())
    }
}

/// The authentication log as a table.
pub fn table(out: &mut impl Write, entries: &[AuthEntry]) -> std::io::Result<()> {
    if entries.is_empty() {
        return writeln!(out, "(no entries)");
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                e.event.seq.to_string(),
                render::short_time(&e.event.occurred_at),
                render::safe(&e.user),
                render::action(&e.event),
                render::safe(e.event.context.ip.as_deref().unwrap_or("")),
                e.method.map(method).unwrap_or_default().to_string(),
                render::outcome(&e.event.outcome),
                e.session_duration_ms.map(duration).unwrap_or_default(),
            ]
        })
        .collect();
    render::aligned(
        out,
        &[
            ("SEQ", 8),
            ("TIME (UTC)", 20),
            ("USER", 28),
            ("EVENT", 64),
            ("IP", 39),
            ("METHOD", 19),
            ("OUTCOME", 30),
            ("SESSION", 12),
        ],
        &rows,
    )
}

fn method(m: LoginMethod) -> &'static str {
    match m {
        LoginMethod::Password => "password",
        LoginMethod::PasswordTotp => "password + TOTP",
        LoginMethod::PasswordEmailCode => "password + e-mail",
        LoginMethod::Sso => "SSO",
    }
}

/// A session's length: `1h 27m`, `15m 04s`, `42s`.
pub fn duration(ms: u64) -> String {
    let s = ms / 1000;
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, 0, sec) => format!("{sec}s"),
        (0, min, sec) => format!("{min}m {sec:02}s"),
        (h, min, _) => format!("{h}h {min:02}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_read_like_people_say_them() {
        assert_eq!(duration(42_000), "42s");
        assert_eq!(duration(15 * 60_000 + 4_000), "15m 04s");
        assert_eq!(duration(87 * 60_000), "1h 27m");
    }
}
