//! What the demo shows after the morning: the log, the authentication log,
//! a filtered view, one event in detail, and the CSV export (an excerpt,
//! and the whole log in a file).

use super::super::filter_args::viewer;
use super::super::global::Global;
use super::super::output::Output;
use super::super::{auth, render};
use super::scenario::Scenario;
use anyhow::{Context as _, Result};
use audit_host::Session;
use audit_host::bindings::{
    Event, ExportFormat, ExportRequest, ExportRows, Filter, Order, PageRequest,
};
use std::io::Write;

/// Rows of the log table.
const TABLE_ROWS: u32 = 15;

pub fn everything(
    cli: &Global,
    session: &mut Session,
    out: &mut impl Write,
    tenant: &str,
    scenario: &Scenario,
    recorded: &[Event],
) -> Result<()> {
    // The demo reads as the local operator, as `audit-host query` does.
    let operator = viewer("local-operator", &["super_admin".to_string()]);
    let everything = Filter::whole_log(tenant);
    let mut request = PageRequest {
        filter: everything.clone(),
        order: Order::NewestFirst,
        limit: TABLE_ROWS,
        cursor: None,
        viewer: operator.clone(),
        count: false,
    };
    writeln!(
        out,
        "\nThe audit log, newest first (audit-host query --tenant {tenant} --limit {TABLE_ROWS}):\n"
    )?;
    let page = session.query(&request)?;
    render::table(out, &page.events)?;
    if let Some(cursor) = &page.next_cursor {
        writeln!(out, "more: --cursor {cursor}")?;
    }

    writeln!(
        out,
        "\nThe authentication log (audit-host auth --tenant {tenant}):\n"
    )?;
    request.limit = 50;
    auth::table(out, &session.auth_log(&request)?.entries)?;

    let (description, narrow) = scenario.filtered;
    writeln!(out, "\n{description}:\n")?;
    narrow(&mut request.filter);
    render::table(out, &session.query(&request)?.events)?;

    let detail = recorded
        .iter()
        .find(|e| e.action == scenario.detail)
        .context("the scenario has the event it shows in detail")?;
    writeln!(
        out,
        "\nWhat changed in event {} (the detail window):\n",
        detail.seq
    )?;
    render::detail(
        out,
        &session.get_event(&detail.tenant, &detail.id, &operator)?,
    )?;

    writeln!(
        out,
        "\nThe filtered view as CSV, one row per changed field, formulas neutralised\n(audit-host export --tenant {tenant} ... --order oldest --rows changes\n  --columns timestamp,actor,action,target,field,old_value,new_value):\n"
    )?;
    let excerpt = ExportRequest {
        filter: request.filter.clone(),
        order: Order::OldestFirst,
        viewer: operator.clone(),
        format: ExportFormat::Csv,
        columns: [
            "timestamp",
            "actor",
            "action",
            "target",
            "field",
            "old_value",
            "new_value",
        ]
        .map(String::from)
        .to_vec(),
        rows: ExportRows::Changes,
        byte_order_mark: false,
        utc_offset: None,
        proof: None,
    };
    let mut export = session.export(&excerpt)?;
    while let Some(chunk) = export.next_chunk()? {
        out.write_all(&chunk)?;
    }
    drop(export);

    let file = match cli.store.parent() {
        Some(dir) if cli.store_is_file() => dir.join(format!("{tenant}.csv")),
        _ => format!("{tenant}.csv").into(),
    };
    let whole = ExportRequest {
        filter: everything,
        order: Order::OldestFirst,
        viewer: operator,
        format: ExportFormat::Csv,
        columns: Vec::new(),
        rows: ExportRows::Events,
        byte_order_mark: true,
        utc_offset: None,
        proof: None,
    };
    let mut bytes = Vec::new();
    let mut export = session.export(&whole)?;
    while let Some(chunk) = export.next_chunk()? {
        bytes.extend_from_slice(&chunk);
    }
    let progress = export.progress()?;
    drop(export);
    // The demo's own file, replaced at every run (never the store or its key).
    let mut csv = Output::create("the demo's CSV", &file, true, &cli.protected())?;
    csv.writer()
        .write_all(&bytes)
        .with_context(|| format!("writing {}", file.display()))?;
    csv.finish()?;
    writeln!(
        out,
        "\nThe whole log as CSV (audit-host export --tenant {tenant} --bom --output {}):\n  {} events, {} rows, {} bytes written to {}",
        file.display(),
        progress.events,
        progress.rows,
        progress.bytes,
        file.display()
    )?;

    let last = recorded.last().context("the scenario recorded events")?;
    writeln!(
        out,
        "\n{} events recorded by the scenario; the chain head was then seq {} ({}…).",
        recorded.len(),
        last.seq,
        &last.hash[..16]
    )?;
    writeln!(
        out,
        "Each read above was recorded too: audit-host query --tenant {tenant} --action 'audit_log.*'"
    )?;
    Ok(())
}

/// What a logout says about its session.
pub fn session_note(logout: &Event) -> String {
    let ms = logout
        .metadata
        .as_deref()
        .and_then(|m| serde_json::from_str::<serde_json::Value>(m).ok())
        .and_then(|m| m["session_duration_ms"].as_u64());
    match ms {
        Some(ms) => format!("  (session of {})", auth::duration(ms)),
        None => "  (no sign-in of this session found)".into(),
    }
}
