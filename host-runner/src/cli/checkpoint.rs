//! `audit-host checkpoint`: verify a tenant's chain, then sign a checkpoint
//! of its head with the host's key; optionally write the tenant's events
//! through that checkpoint as a JSON Lines export carrying its proof.

use super::global::Global;
use super::verify;
use anyhow::{Context as _, Result, bail};
use audit_host::Session;
use audit_host::SigningKey;
use audit_host::bindings::{ExportFormat, ExportRequest, ExportRows, Filter, Order};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tenant whose head is signed.
    #[arg(long)]
    tenant: String,

    /// The private key (PKCS#8 PEM, from `audit-host keygen`).
    #[arg(long, value_name = "FILE")]
    signing_key: PathBuf,

    /// Write the checkpoint here instead of to standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Also write the tenant's events, oldest first, through the checkpoint,
    /// as JSON Lines ending with the proof line: an export anyone with the
    /// public key verifies offline (`audit-host verify --export FILE`).
    #[arg(long, value_name = "FILE")]
    export: Option<PathBuf>,
}

pub fn run(cli: &Global, args: &Args) -> Result<ExitCode> {
    let pem = std::fs::read_to_string(&args.signing_key)
        .with_context(|| format!("--signing-key {}: reading", args.signing_key.display()))?;
    let key = SigningKey::from_pem(&pem)
        .map_err(|e| anyhow::anyhow!("--signing-key {}: {e}", args.signing_key.display()))?;
    let mut session = cli.session()?;
    let (report, document) = session.checkpoint(&args.tenant, &key)?;
    let Some(document) = document else {
        verify::print_report(&report, None)?;
        eprintln!(
            "error: no checkpoint: the chain is not intact, and a checkpoint would vouch for it"
        );
        return Ok(verify::status(&report));
    };
    if let Some(path) = &args.export {
        export(&mut session, &args.tenant, &document, path)
            .with_context(|| format!("--export {}", path.display()))?;
    }
    match &args.output {
        Some(path) => std::fs::write(path, format!("{document}\n"))
            .with_context(|| format!("--output {}: writing", path.display()))?,
        None => println!("{document}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the tenant's events through the checkpoint and its proof line:
/// the JSON Lines export with proof.
fn export(session: &mut Session, tenant: &str, checkpoint: &str, path: &Path) -> Result<()> {
    let file = std::fs::File::create(path).context("creating")?;
    let mut out = std::io::BufWriter::new(file);
    let request = ExportRequest {
        filter: Filter::whole_log(tenant),
        order: Order::OldestFirst,
        viewer: super::filter_args::viewer("local-operator", &["super_admin".to_string()]),
        format: ExportFormat::Jsonl,
        columns: Vec::new(),
        rows: ExportRows::Events,
        byte_order_mark: false,
        utc_offset: None,
        proof: Some(checkpoint.to_string()),
    };
    let mut export = session.export(&request)?;
    while let Some(chunk) = export.next_chunk()? {
        out.write_all(&chunk).context("writing")?;
    }
    if !export.is_complete() {
        bail!("the export stopped before its end");
    }
    drop(export);
    out.flush().context("writing")?;
    out.get_ref().sync_all().context("writing")?;
    Ok(())
}
