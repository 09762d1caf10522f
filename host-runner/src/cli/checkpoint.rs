//! `audit-host checkpoint`: verify a tenant's chain, then sign a checkpoint
//! of its head with the host's key; optionally write the tenant's events
//! through that checkpoint as a JSON Lines export carrying its proof.

use super::global::Global;
use super::input;
use super::output::Output;
use super::status::{Exit, NO_SUCH_TENANT};
use super::verify;
use anyhow::{Context as _, Result, bail};
use audit_host::HostError;
use audit_host::Session;
use audit_host::SigningKey;
use audit_host::bindings::Error as WitError;
use audit_host::bindings::{ExportFormat, ExportRequest, ExportRows, Filter, Order};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tenant whose head is signed.
    #[arg(long)]
    tenant: String,

    /// The private key (PKCS#8 PEM, from `audit-host keygen`).
    #[arg(long, value_name = "FILE")]
    signing_key: PathBuf,

    /// Write the checkpoint here instead of to standard output (an existing
    /// file is kept unless --force).
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Also write the tenant's events, oldest first, through the checkpoint,
    /// as JSON Lines ending with the proof line: an export anyone with the
    /// public key verifies offline (`audit-host verify --export FILE`).
    #[arg(long, value_name = "FILE")]
    export: Option<PathBuf>,

    /// Replace the --output and --export files if they exist (each once the
    /// new one is complete). Never the store, its key file or the signing
    /// key.
    #[arg(long)]
    force: bool,
}

pub fn run(cli: &Global, args: &Args) -> Result<ExitCode> {
    let pem = input::text("--signing-key", &args.signing_key, input::KEY_BYTES)?;
    let key = SigningKey::from_pem(&pem)
        .map_err(|e| anyhow::anyhow!("--signing-key {}: {e}", args.signing_key.display()))?;
    let mut protected = cli.protected();
    protected.add("the signing key (--signing-key)", &args.signing_key);
    // Both files are opened before anything is signed, so that a path that
    // cannot be written costs no verification; neither may be the other.
    let export_file = match &args.export {
        Some(path) => {
            let out = Output::create("--export", path, args.force, &protected)?;
            protected.add("the --export file", path);
            Some(out)
        }
        None => None,
    };
    let output_file = match &args.output {
        Some(path) => Some(Output::create("--output", path, args.force, &protected)?),
        None => None,
    };
    // Without --export the store is only read; an export records its read.
    let mut session = if args.export.is_some() {
        cli.session()?
    } else {
        cli.read_only_session(false)?
    };
    let (report, document) = match session.checkpoint(&args.tenant, &key) {
        Err(HostError::Audit(WitError::NotFound(why))) => {
            return Err(anyhow::Error::new(Exit::new(NO_SUCH_TENANT, why)));
        }
        other => other?,
    };
    let Some(document) = document else {
        verify::print_report(&report, None)?;
        eprintln!(
            "error: no checkpoint: the chain is not intact, and a checkpoint would vouch for it"
        );
        return Ok(verify::status(&report));
    };
    if let Some(mut file) = export_file {
        let shown = file.path().display().to_string();
        export(&mut session, &args.tenant, &document, file.writer())
            .with_context(|| format!("--export {shown}"))?;
        file.finish()?;
    }
    match output_file {
        Some(mut file) => {
            let shown = file.path().display().to_string();
            file.writer()
                .write_all(format!("{document}\n").as_bytes())
                .with_context(|| format!("--output {shown}: writing"))?;
            file.finish()?;
        }
        None => println!("{document}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the tenant's events through the checkpoint and its proof line:
/// the JSON Lines export with proof.
fn export(
    session: &mut Session,
    tenant: &str,
    checkpoint: &str,
    file: &mut std::fs::File,
) -> Result<()> {
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
    Ok(())
}
