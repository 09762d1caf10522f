//! `audit-host append`: JSON in, stored events out as JSON Lines.

use super::Cli;
use anyhow::{Context as _, Result, bail};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// The largest input accepted, checked before it is handed to the component.
const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

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
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    batch_size: Option<u32>,
}

pub fn run(cli: &Cli, args: &Args) -> Result<ExitCode> {
    let text = read_input(&args.input)?;
    let mut session = cli.session()?;
    let inputs = session.parse_inputs(&text, args.tenant.as_deref())?;
    let batch = args.batch_size.map_or(inputs.len().max(1), |n| n as usize);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for chunk in inputs.chunks(batch) {
        let stored = session.append_batch(chunk)?;
        for event in &stored {
            writeln!(out, "{}", session.to_json(event)?)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Reads the input, refusing more than [`MAX_INPUT_BYTES`] and text that is
/// not UTF-8 before anything reaches the component.
fn read_input(path: &PathBuf) -> Result<String> {
    let mut bytes = Vec::new();
    let reader: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?)
    };
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .context("reading the input")?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        bail!("input: over the limit of {MAX_INPUT_BYTES} bytes; split it into several appends");
    }
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "input: not valid UTF-8 (at byte {})",
            e.utf8_error().valid_up_to()
        )
    })
}
