//! `audit-host export`: a tenant's events matching a filter, streamed as CSV
//! or JSON Lines to standard output or a file.
//!
//! A file is written under a temporary name in its directory and renamed
//! only once the component has said the export is complete, so a file at
//! the given path is always a whole export; an export cut short leaves no
//! file, and the command exits 1. What a path may name is `output.rs`'s
//! rule: never the store or its key, an existing file only with --force.

use super::filter_args::{FilterArgs, named_by_flags};
use super::global::Global;
use super::input;
use super::output::Output;
use anyhow::{Context as _, Result};
use audit_host::bindings::{ExportFormat, ExportRequest, ExportRows};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    filter: FilterArgs,

    /// CSV (RFC 4180, formulas neutralised) or JSON Lines (the stored events).
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,

    /// Write to this file instead of standard output. It appears only once
    /// the export is complete; an existing file is kept unless --force.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Replace the --output file if it exists (once the new one is
    /// complete). Never the store, its key file or an input.
    #[arg(long, requires = "output")]
    force: bool,

    /// CSV: the columns, comma-separated, in order (see docs/export.md;
    /// default: timestamp,actor,action,category,target,change_type,old_value,
    /// new_value,ip,outcome,event_id,hash).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    columns: Vec<String>,

    /// CSV: one row per event (changes summarised) or one per changed field.
    #[arg(long, value_enum, default_value_t = Rows::Events)]
    rows: Rows,

    /// CSV: start with a UTF-8 byte-order mark (for spreadsheet programs).
    #[arg(long)]
    bom: bool,

    /// CSV: write times at this UTC offset (+02:00, -05:30) instead of UTC.
    #[arg(long, value_name = "OFFSET", allow_hyphen_values = true)]
    utc_offset: Option<String>,

    /// Make the export verifiable: the whole log through this signed
    /// checkpoint (from `audit-host checkpoint`), oldest first, ending with
    /// its proof; CSV gains the seq, prev_hash, hash and event columns.
    /// Check it offline with `audit-host verify --export FILE --public-key KEY`.
    #[arg(long, value_name = "CHECKPOINT")]
    proof: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Comma-separated values.
    Csv,
    /// One canonical JSON event per line.
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Rows {
    /// One row per event.
    Events,
    /// One row per changed field.
    Changes,
}

pub fn run(cli: &Global, args: &Args) -> Result<ExitCode> {
    let request = ExportRequest {
        filter: args.filter.filter(),
        order: args.filter.order(),
        viewer: args.filter.viewer(),
        format: match args.format {
            Format::Csv => ExportFormat::Csv,
            Format::Jsonl => ExportFormat::Jsonl,
        },
        columns: args.columns.clone(),
        rows: match args.rows {
            Rows::Events => ExportRows::Events,
            Rows::Changes => ExportRows::Changes,
        },
        byte_order_mark: args.bom,
        utc_offset: args.utc_offset.clone(),
        proof: match &args.proof {
            Some(path) => Some(input::text("--proof", path, input::CHECKPOINT_BYTES)?),
            None => None,
        },
    };
    // Where the bytes go: a file (see output.rs), or stdout.
    let mut file = match &args.output {
        Some(path) => {
            let mut protected = cli.protected();
            if let Some(proof) = &args.proof {
                protected.add("the --proof checkpoint", proof);
            }
            Some(Output::create("--output", path, args.force, &protected)?)
        }
        None => None,
    };
    if request.proof.is_none() && cli.store.as_os_str() != ":memory:" {
        return fanned(cli, &request, file, args);
    }
    let mut session = cli.session()?;
    let mut export = session.export(&request).map_err(named_by_flags)?;
    let bar = (file.is_some() && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {percent:>3}%  {msg}  {elapsed_precise} (~{eta} left)",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let stdout = std::io::stdout();
    let mut out: Box<dyn Write> = match &mut file {
        Some(output) => Box::new(std::io::BufWriter::with_capacity(1 << 20, output.writer())),
        None => Box::new(std::io::BufWriter::new(stdout.lock())),
    };
    let result: Result<()> = (|| {
        while let Some(chunk) = export.next_chunk()? {
            out.write_all(&chunk).context("writing the export")?;
            if let Some(bar) = &bar {
                let p = export.progress()?;
                bar.set_length(p.span.max(1));
                bar.set_position(p.covered);
                bar.set_message(format!("{} events", p.events));
            }
        }
        out.flush().context("writing the export")?;
        Ok(())
    })();
    drop(out);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let progress = export.progress().ok();
    drop(export);
    let events = progress.map_or(0, |p| p.events);
    if let Err(e) = result {
        return Err(cut_short(e, events, file.is_some()));
    }
    if let (Some(output), Some(path)) = (file, &args.output) {
        output.finish()?;
        if let Some(p) = progress {
            eprintln!(
                "exported {} events ({} rows, {} bytes) to {}",
                p.events,
                p.rows,
                p.bytes,
                path.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The export written by one instance per core (`audit_host::fanout::export`):
/// the same bytes, in ranges of the log produced at once. No progress bar:
/// the ranges finish out of order.
fn fanned(
    cli: &Global,
    request: &ExportRequest,
    mut file: Option<Output>,
    args: &Args,
) -> Result<ExitCode> {
    let mut sessions = cli.sessions_per_core(false)?;
    let mut sessions: Vec<&mut audit_host::Session> = sessions.iter_mut().collect();
    let stdout = std::io::stdout();
    let mut out: Box<dyn Write> = match &mut file {
        Some(output) => Box::new(std::io::BufWriter::with_capacity(1 << 20, output.writer())),
        None => Box::new(std::io::BufWriter::new(stdout.lock())),
    };
    let mut counted = Counted {
        inner: &mut out,
        bytes: 0,
    };
    let result = audit_host::fanout::export::export(&mut sessions, request, &mut counted);
    let started = counted.bytes > 0;
    let flushed = out.flush();
    drop(out);
    let outcome = match (result, flushed) {
        (Ok(w), Ok(())) => Ok(w),
        // Refused before a byte was written: the request's own error.
        (Err(cut), _) if !started => return Err(named_by_flags(cut.error).into()),
        (Err(cut), _) => Err((
            anyhow::Error::from(named_by_flags(cut.error)),
            cut.written.events,
        )),
        (Ok(w), Err(e)) => Err((
            anyhow::Error::from(e).context("writing the export"),
            w.events,
        )),
    };
    let written = match outcome {
        Ok(w) => w,
        Err((e, events)) => return Err(cut_short(e, events, file.is_some())),
    };
    if let (Some(output), Some(path)) = (file, &args.output) {
        output.finish()?;
        eprintln!(
            "exported {} events ({} rows, {} bytes) to {}",
            written.events,
            written.rows,
            written.bytes,
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A writer that counts what went through it.
struct Counted<'w> {
    inner: &'w mut dyn Write,
    bytes: u64,
}

impl Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The error of an export that failed after it began (the temporary file,
/// if any, is removed when its `Output` drops).
fn cut_short(e: anyhow::Error, events: u64, to_file: bool) -> anyhow::Error {
    e.context(format!(
        "the export was cut short after {events} events and is incomplete{}",
        if to_file { "; no file was written" } else { "" }
    ))
}
