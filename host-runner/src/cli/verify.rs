//! `audit-host verify`: check a tenant's chain in the store, or an export
//! file offline; one line per finding, then a summary. Exit status 0 only
//! when intact, 3 when something was found (`status.rs`).

use super::global::Global;
use super::input;
use super::render;
use super::status;
use anyhow::{Result, bail};
use audit_host::session::integrity::{ExportFormat, VerifyReport, intact, kind_name};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["tenant", "export"])))]
pub struct Args {
    /// Verify this tenant's chain in the store.
    #[arg(long, value_name = "TENANT")]
    tenant: Option<String>,

    /// Also prove the chain against this signed checkpoint (from `audit-host
    /// checkpoint`): nothing up to its seq was altered, removed or replaced
    /// since. Repeatable; needs --public-key.
    #[arg(long, value_name = "FILE", requires = "tenant")]
    checkpoint: Vec<PathBuf>,

    /// Verify this export file offline instead (JSON Lines or CSV carrying
    /// its proof); the store is not read. Needs --public-key.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "tenant",
        requires = "public_key"
    )]
    export: Option<PathBuf>,

    /// The export's format [default: from the file name: .csv is CSV, anything else JSON Lines].
    #[arg(long, value_enum, requires = "export")]
    format: Option<Format>,

    /// A public key (SPKI PEM, from `audit-host keygen`) that checkpoints may
    /// be signed with. Repeatable (rotated keys).
    #[arg(long, value_name = "FILE")]
    public_key: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One stored event per line, then the proof line.
    Jsonl,
    /// CSV with seq, prev_hash, hash and event columns, then the proof record.
    Csv,
}

pub fn run(cli: &Global, args: &Args) -> Result<ExitCode> {
    let keys = input::texts("--public-key", &args.public_key, input::KEY_BYTES)?;
    let report = match (&args.tenant, &args.export) {
        (Some(tenant), _) => {
            if !args.checkpoint.is_empty() && keys.is_empty() {
                bail!("--checkpoint: needs --public-key, the key it was signed with");
            }
            let checkpoints =
                input::texts("--checkpoint", &args.checkpoint, input::CHECKPOINT_BYTES)?;
            if checkpoints.is_empty() && cli.store.as_os_str() != ":memory:" {
                // A long log is verified on every core, one instance and
                // connection each, with the verdict one instance gives
                // (audit_host::fanout::verify).
                let mut sessions = cli.sessions_per_core(true)?;
                let mut sessions: Vec<&mut audit_host::Session> = sessions.iter_mut().collect();
                audit_host::fanout::verify::verify(&mut sessions, tenant)?
            } else {
                cli.read_only_session(false)?
                    .verify(tenant, &checkpoints, &keys)?
            }
        }
        (None, Some(path)) => {
            let content = input::bytes("--export", path, input::EXPORT_BYTES)?;
            let format = match args.format {
                Some(Format::Csv) => ExportFormat::Csv,
                Some(Format::Jsonl) => ExportFormat::Jsonl,
                None if path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("csv")) =>
                {
                    ExportFormat::Csv
                }
                None => ExportFormat::Jsonl,
            };
            // Offline: no store is opened, whatever --store says.
            let runtime = cli.runtime()?;
            let mut session = runtime.session(
                Box::new(audit_host::MemoryStore::new()),
                Box::new(audit_host::SystemClock),
            );
            session.verify_export(format, &content, &keys)?
        }
        (None, None) => bail!("give --tenant or --export"),
    };
    if args.export.is_none() && report.events == 0 && intact(&report) {
        // No row and no head: not an intact log, but no such tenant here.
        println!(
            "tenant {}: no such tenant: the store holds no event of it",
            render::safe(&report.tenant)
        );
        return Ok(ExitCode::from(status::NO_SUCH_TENANT));
    }
    print_report(&report, args.export.as_deref())?;
    Ok(status(&report))
}

/// The exit status for a report.
pub fn status(report: &VerifyReport) -> ExitCode {
    if intact(report) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(status::NOT_INTACT)
    }
}

/// One line per finding, then one summary line, on stdout.
pub fn print_report(report: &VerifyReport, export: Option<&Path>) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for f in &report.findings {
        let place = match f.related_seq {
            Some(last) if kind_name(f.kind) == "missing" && last != f.seq => {
                format!("seq {}..{}", f.seq, last)
            }
            _ => format!("seq {}", f.seq),
        };
        writeln!(
            out,
            "{:<14}{:<16}{}",
            kind_name(f.kind),
            place,
            render::safe(&f.detail)
        )?;
    }
    if report.findings_omitted > 0 {
        writeln!(
            out,
            "… and {} more findings not listed",
            report.findings_omitted
        )?;
    }
    writeln!(out, "{}", summary(report, export))?;
    out.flush()?;
    Ok(())
}

fn summary(r: &VerifyReport, export: Option<&Path>) -> String {
    let what = match export {
        Some(path) => format!("{} (tenant {})", path.display(), render::safe(&r.tenant)),
        None => format!("tenant {}", render::safe(&r.tenant)),
    };
    let range = match (r.first_seq, r.last_seq) {
        (Some(first), Some(last)) => {
            let s = if r.events == 1 { "" } else { "s" };
            format!("{} event{s} (seq {first}..{last})", r.events)
        }
        _ => "no events".to_string(),
    };
    if !intact(r) {
        let n = r.findings.len() as u64 + r.findings_omitted;
        let s = if n == 1 { "" } else { "s" };
        return format!("{what}: NOT INTACT: {n} finding{s} in {range}");
    }
    let start = match (r.first_seq, r.purged_through) {
        (None, _) => String::new(),
        (_, Some(p)) => format!(", from the anchor of the purge through seq {p}"),
        (Some(_), None) => ", from the genesis hash".to_string(),
    };
    let mut text = format!("{what}: intact: {range}{start}");
    if r.checkpoints_verified > 0 {
        let s = if r.checkpoints_verified == 1 { "" } else { "s" };
        text.push_str(&format!(
            "; {} signed checkpoint{s} verified",
            r.checkpoints_verified
        ));
    }
    if r.checkpoints_skipped > 0 {
        text.push_str(&format!(
            "; {} checkpoint(s) older than the retained log not checked",
            r.checkpoints_skipped
        ));
    }
    text
}
