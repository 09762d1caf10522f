//! `audit-host auth`: the authentication log, kept apart from the log of
//! changes:
//! who signed in or out, when, from where, how, with what outcome, and how
//! long each session lasted.

use super::filter_args::FilterArgs;
use super::global::Global;
use super::page_args::{Format, PageArgs};
use super::render;
use anyhow::Result;
use audit_host::bindings::{AuthEntry, LoginMethod};
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    filter: FilterArgs,

    #[command(flatten)]
    page: PageArgs,
}

pub fn run(cli: &Global, args: &Args) -> Result<ExitCode> {
    let mut session = cli.session()?;
    let page = session.auth_log(&args.page.request(&args.filter))?;
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
