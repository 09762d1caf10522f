//! `audit-host append`: JSON in, stored events out as JSON Lines.

use super::global::Global;
use anyhow::{Context as _, Result};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The events: a file, or `-` for standard input.
    #[arg(default_value = "-", value_name = "FILE|-")]
    input: PathBuf,

    /// The tenant of events that name none.
    #[arg(long, value_name = "TENANT")]
    tenant: Option<String>,

    /// Record the events in batches of at most N, each all or nothing and
    /// printed once stored [default: all of them in one batch].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000), conflicts_with = "bulk")]
    batch_size: Option<u32>,

    /// Record the input as one bulk operation: the first event is the
    /// parent (the mass update, the import), every other one an affected
    /// entity; all are linked by the parent's id (`correlation_id`), all
    /// or nothing.
    #[arg(long)]
    bulk: bool,
}

pub fn run(cli: &Global, args: &Args) -> Result<ExitCode> {
    let mut session = cli.session()?;
    let limit = cli.max_input_mib.saturating_mul(1024 * 1024);
    let bytes = read_input(&args.input, limit)?;
    // The library refuses text over the limit or not UTF-8 before it
    // reaches the component.
    let inputs = session.parse_input_bytes(&bytes, args.tenant.as_deref())?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.bulk {
        let Some((parent, children)) = inputs.split_first() else {
            anyhow::bail!("input: a bulk operation needs a parent event and its children");
        };
        for event in &session.append_bulk(parent, children)? {
            writeln!(out, "{}", session.to_json(event)?)?;
        }
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let batch = args.batch_size.map_or(inputs.len().max(1), |n| n as usize);
    for chunk in inputs.chunks(batch) {
        let stored = session.append_batch(chunk)?;
        for event in &stored {
            writeln!(out, "{}", session.to_json(event)?)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Reads the input, at most one byte over `limit` (enough for the library
/// to name the limit, without reading a huge file whole).
fn read_input(path: &PathBuf, limit: usize) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let reader: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?)
    };
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .context("reading the input")?;
    Ok(bytes)
}
