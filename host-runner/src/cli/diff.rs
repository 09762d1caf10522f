//! `audit-host diff`: two JSON documents in, the RFC 6902 patch (or the
//! change list) out, computed and redacted by the component exactly as an
//! appended event's changes are.

use super::global::Global;
use super::render;
use anyhow::{Context as _, Result, bail};
use audit_host::bindings::{Change, ChangeOp, DiffRequest};
use audit_host::{MemoryStore, SystemClock};
use serde_json::{Map, Value, json};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The largest document accepted (the component's limit), checked before
/// it is read whole.
const MAX_DOCUMENT_BYTES: u64 = 1024 * 1024;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document before: a JSON file, or `-` for standard input.
    #[arg(value_name = "BEFORE.json")]
    before: PathBuf,

    /// The document after: a JSON file, or `-` for standard input.
    #[arg(value_name = "AFTER.json")]
    after: PathBuf,

    /// `patch`: the RFC 6902 patch as a JSON array; `changes`: the change
    /// list as an event stores it (a JSON array); `table`: the change list
    /// for people.
    #[arg(long, value_enum, default_value_t = Format::Patch)]
    format: Format,

    /// Use this tenant's settings (its redaction and diff rules, from the
    /// store) and fingerprint redacted values with its key, as its events
    /// would be.
    #[arg(long, value_name = "TENANT")]
    tenant: Option<String>,

    /// Apply the per-action rules of this action (entity.verb).
    #[arg(long, value_name = "ACTION")]
    action: Option<String>,

    /// Take the rules from this settings file (a tenant settings document)
    /// instead of the tenant's.
    #[arg(long, value_name = "FILE")]
    settings: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The RFC 6902 JSON Patch, one JSON array.
    Patch,
    /// The change list (path, op, old, new and the markers), one JSON array.
    Changes,
    /// The change list as a table.
    Table,
}

pub fn run(cli: &Global, args: &Args) -> Result<ExitCode> {
    if args.before.as_os_str() == "-" && args.after.as_os_str() == "-" {
        eprintln!("error: only one of BEFORE and AFTER can be read from standard input (-)");
        return Ok(ExitCode::from(2));
    }
    let before = read_document("before", &args.before)?;
    let after = read_document("after", &args.after)?;
    let mut settings = match &args.settings {
        Some(path) => Some(super::input::text(
            "--settings",
            path,
            cli.max_input_bytes(),
        )?),
        None => None,
    };
    // A tenant's rules and key live with its store; without a tenant nothing
    // is read or written there.
    let mut session = match &args.tenant {
        Some(tenant) => {
            let mut session = cli.session()?;
            if settings.is_none() {
                settings = Some(session.get_settings(tenant)?);
            }
            session
        }
        None => cli
            .runtime()?
            .session(Box::new(MemoryStore::new()), Box::new(SystemClock)),
    };
    let result = session.diff(&DiffRequest {
        before,
        after,
        settings,
        action: args.action.clone(),
        tenant: args.tenant.clone(),
    })?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        Format::Patch => writeln!(out, "{}", result.patch)?,
        Format::Changes => {
            let list: Vec<Value> = result
                .changes
                .iter()
                .map(change_json)
                .collect::<Result<_>>()?;
            writeln!(out, "{}", Value::Array(list))?;
        }
        Format::Table => render::changes(&mut out, &result.changes)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Reads one document, refusing more than the component takes and text
/// that is not UTF-8 before anything reaches the component.
fn read_document(field: &str, path: &Path) -> Result<String> {
    let mut bytes = Vec::new();
    let reader: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(
            std::fs::File::open(path)
                .with_context(|| format!("{field}: reading {}", path.display()))?,
        )
    };
    reader
        .take(MAX_DOCUMENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("{field}: reading {}", path.display()))?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        bail!("{field}: over the limit of {MAX_DOCUMENT_BYTES} bytes");
    }
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{field}: not valid UTF-8 (at byte {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// A change as JSON, with the member names of a stored event's `changes`.
fn change_json(c: &Change) -> Result<Value> {
    let mut m = Map::new();
    m.insert("path".into(), json!(c.path));
    let op = match c.op {
        ChangeOp::Add => "add",
        ChangeOp::Remove => "remove",
        ChangeOp::Replace => "replace",
        ChangeOp::Move => "move",
    };
    m.insert("op".into(), json!(op));
    if let Some(from) = &c.from_path {
        m.insert("from".into(), json!(from));
    }
    for (name, text) in [("old", &c.old), ("new", &c.new)] {
        if let Some(text) = text {
            let value: Value = serde_json::from_str(text).context("the component's JSON")?;
            m.insert(name.into(), value);
        }
    }
    if c.redacted {
        m.insert("redacted".into(), json!(true));
    }
    if let Some(f) = &c.old_fingerprint {
        m.insert("old_fingerprint".into(), json!(f));
    }
    if let Some(f) = &c.new_fingerprint {
        m.insert("new_fingerprint".into(), json!(f));
    }
    if c.collapsed {
        m.insert("collapsed".into(), json!(true));
    }
    Ok(Value::Object(m))
}
