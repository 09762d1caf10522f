//! `audit-host demo`: the quality-management scenario of the seed product
//! (seeds 000 and 001), recorded one action at a time as the product would,
//! then shown as its admins would see it.

use super::filter_args::viewer;
use super::{Cli, render};
use anyhow::{Context as _, Result};
use audit_host::bindings::{
    Event, ExportFormat, ExportRequest, ExportRows, Filter, Order, PageRequest,
};
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The tenant the scenario records into.
    #[arg(long, default_value = "demo-qa")]
    tenant: String,
}

/// The scenario, as the JSON a product would send, one event per line.
/// `{tenant}` is filled in from the arguments.
const SCENARIO: &str = r#"
{"action":"user.login_failed","actor":{"id":"u_7","name":"John Smith","email":"john.smith@acme.test","kind":"user"},"targets":[{"kind":"user","id":"u_7","name":"john.smith"}],"outcome":"failure","failure_reason":"wrong_password","context":{"ip":"203.0.113.24","user_agent":"Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0","request_id":"req-1001"}}
{"action":"user.login_succeeded","actor":{"id":"u_7","name":"John Smith","email":"john.smith@acme.test","kind":"user"},"targets":[{"kind":"user","id":"u_7","name":"john.smith"}],"outcome":"success","context":{"ip":"203.0.113.24","user_agent":"Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0","session_id":"s-7f3a","request_id":"req-1002"}}
{"action":"user.updated","actor":{"id":"u_42","name":"Ana Admin","email":"ana@acme.test","kind":"user"},"targets":[{"kind":"user","id":"u_7","name":"john.smith"}],"outcome":"success","context":{"ip":"198.51.100.7","session_id":"s-a11c","request_id":"req-1003"},"before":{"first_name":"John","last_name":"Smith","email":"john.smith@acme.test","role":"agent","title":"Agent"},"after":{"first_name":"John","last_name":"Smyth","email":"john.smith@acme.test","role":"agent","title":"=SUM(B2:B9)"},"metadata":{"screen":"User Management"}}
{"action":"user.team_assigned","actor":{"id":"u_42","name":"Ana Admin","email":"ana@acme.test","kind":"user"},"targets":[{"kind":"user","id":"u_7","name":"john.smith"},{"kind":"team","id":"t_3","name":"Blue Team"}],"outcome":"success","context":{"ip":"198.51.100.7","session_id":"s-a11c","request_id":"req-1004"},"before":{"teams":["Onboarding"]},"after":{"teams":["Onboarding","Blue Team"]}}
{"action":"user.role_changed","actor":{"id":"u_42","name":"Ana Admin","email":"ana@acme.test","kind":"user"},"targets":[{"kind":"user","id":"u_7","name":"john.smith"}],"outcome":"success","context":{"ip":"198.51.100.7","session_id":"s-a11c","request_id":"req-1005"},"before":{"role":"agent"},"after":{"role":"supervisor"}}
{"action":"export.users","actor":{"id":"u_42","name":"Ana Admin","email":"ana@acme.test","kind":"user"},"targets":[{"kind":"report","id":"users","name":"Users"}],"outcome":"success","context":{"ip":"198.51.100.7","session_id":"s-a11c","request_id":"req-1006"},"metadata":{"format":"csv","rows":42}}
"#;

pub fn run(cli: &Cli, args: &Args) -> Result<ExitCode> {
    let mut session = cli.session()?;
    let inputs = session.parse_inputs(SCENARIO, Some(&args.tenant))?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let where_ = if cli.store.as_os_str() == ":memory:" {
        "memory".to_string()
    } else {
        cli.store.display().to_string()
    };
    writeln!(
        out,
        "Recording the quality-management scenario into {where_} (tenant {}):",
        args.tenant
    )?;
    let mut recorded: Vec<Event> = Vec::new();
    for input in &inputs {
        // One call per action, as a product records them.
        let event = session
            .append(input)
            .with_context(|| format!("recording {}", input.action))?;
        writeln!(
            out,
            "  #{:<4} {:<22} by {}",
            event.seq,
            event.action,
            render::actor(&event)
        )?;
        recorded.push(event);
    }

    writeln!(
        out,
        "\nThe audit log, newest first (audit-host query --tenant {}):\n",
        args.tenant
    )?;
    // The demo reads as the local operator, as `audit-host query` does.
    let operator = viewer("local-operator", &["super_admin".to_string()]);
    let mut request = PageRequest {
        filter: Filter {
            tenant: args.tenant.clone(),
            since: None,
            until: None,
            actor_id: None,
            action: None,
            actor_name: None,
            category: None,
            change_type: None,
            target_kind: None,
            target_id: None,
            outcome: None,
            ip: None,
            text: None,
        },
        order: Order::NewestFirst,
        limit: 10,
        cursor: None,
        viewer: operator.clone(),
        count: false,
    };
    render::table(&mut out, &session.query(&request)?.events)?;

    writeln!(
        out,
        "\nOnly user.* actions by Ana Admin (--actor u_42 --action 'user.*'):\n"
    )?;
    request.filter.actor_id = Some("u_42".into());
    request.filter.action = Some("user.*".into());
    render::table(&mut out, &session.query(&request)?.events)?;

    let edit = recorded
        .iter()
        .find(|e| e.action == "user.updated")
        .context("the scenario has a profile edit")?;
    writeln!(
        out,
        "\nWhat changed in event {} (the detail window):\n",
        edit.seq
    )?;
    render::detail(
        &mut out,
        &session.get_event(&edit.tenant, &edit.id, &operator)?,
    )?;

    writeln!(
        out,
        "\nThe same filter as a CSV export, one row per changed field, formulas neutralised\n(audit-host export --tenant {} --actor u_42 --action 'user.*' --order oldest --rows changes\n  --columns timestamp,actor,action,target,field,old_value,new_value,ip):\n",
        args.tenant
    )?;
    let export = ExportRequest {
        filter: request.filter.clone(),
        order: Order::OldestFirst,
        viewer: operator.clone(),
        format: ExportFormat::Csv,
        columns: vec![
            "timestamp".into(),
            "actor".into(),
            "action".into(),
            "target".into(),
            "field".into(),
            "old_value".into(),
            "new_value".into(),
            "ip".into(),
        ],
        rows: ExportRows::Changes,
        byte_order_mark: false,
        utc_offset: None,
        proof: None,
    };
    let mut export = session.export(&export)?;
    while let Some(chunk) = export.next_chunk()? {
        out.write_all(&chunk)?;
    }
    drop(export);

    let last = recorded.last().context("the scenario recorded events")?;
    writeln!(
        out,
        "\n{} events recorded; the chain head is now seq {} ({}…).",
        recorded.len(),
        last.seq,
        &last.hash[..16]
    )?;
    writeln!(
        out,
        "Each read above was recorded too: audit-host query --tenant {} --action 'audit_log.*'",
        args.tenant
    )?;
    Ok(ExitCode::SUCCESS)
}
