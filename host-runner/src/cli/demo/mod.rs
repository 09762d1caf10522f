//! `audit-host demo`: a morning of one kind of product, recorded one call at a
//! time as the product would (sign-ins through the auth interface, edits
//! through `append`, an import through `append-bulk`), then shown as its
//! admins would see it: the log, the authentication log, a filtered view,
//! one event in detail with its diff, and a CSV export.
//!
//! The scenarios are data (`qa.rs`, `contact_center.rs`, `crm.rs`,
//! `cx.rs`); this module plays and shows them.

mod contact_center;
mod crm;
mod cx;
mod qa;
mod scenario;
mod show;

use super::global::Global;
use anyhow::{Context as _, Result};
use audit_host::Session;
use audit_host::bindings::{
    Actor, ActorKind, Event, EventInput, LoginAttempt, LoginFailure, LoginMethod, Logout,
    RecoveryRequest, RequestContext,
};
use chrono::{DateTime, Duration, DurationRound, Utc};
use scenario::{Person, Scenario, Step};
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The kind of product whose morning is played.
    #[arg(long, value_enum, default_value_t = ProfileArg::Qa)]
    profile: ProfileArg,

    /// The tenant the scenario records into [default: demo-qa, demo-cc,
    /// demo-crm or demo-cx].
    #[arg(long)]
    tenant: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ProfileArg {
    /// A quality-management platform.
    Qa,
    /// A contact-center dialer.
    ContactCenter,
    /// A CRM and messaging tool.
    Crm,
    /// A sales CX suite.
    Cx,
}

pub fn run(cli: &Global, args: &Args) -> Result<ExitCode> {
    let scenario = match args.profile {
        ProfileArg::Qa => &qa::SCENARIO,
        ProfileArg::ContactCenter => &contact_center::SCENARIO,
        ProfileArg::Crm => &crm::SCENARIO,
        ProfileArg::Cx => &cx::SCENARIO,
    };
    let tenant = args.tenant.as_deref().unwrap_or(scenario.tenant);
    let mut session = cli.session()?;
    // The morning ends two hours after it starts, at the clock's minute.
    let now = cli.clock()?.now();
    let now = DateTime::from_timestamp(now.seconds, now.nanoseconds)
        .context("the clock is out of range")?;
    let start = now.duration_trunc(Duration::minutes(1))? - Duration::hours(2);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let where_ = if cli.store.as_os_str() == ":memory:" {
        "memory".to_string()
    } else {
        cli.store_shown()
    };
    writeln!(
        out,
        "Recording {} into {where_} (tenant {tenant}, profile {}):",
        scenario.title, scenario.profile
    )?;
    prepare(&mut session, &mut out, tenant, scenario)?;
    let mut recorded = Vec::new();
    for (minute, step) in scenario.steps {
        let at = start + Duration::minutes(*minute);
        play(&mut session, &mut out, tenant, at, step, &mut recorded)
            .with_context(|| format!("at minute {minute} of the scenario"))?;
    }
    show::everything(cli, &mut session, &mut out, tenant, scenario, &recorded)?;
    Ok(ExitCode::SUCCESS)
}

/// Chooses the profile (when the tenant has another) and registers the
/// scenario's own actions (when they are not registered yet), each change
/// recorded in the log as the settings change it is.
fn prepare(
    session: &mut Session,
    out: &mut impl Write,
    tenant: &str,
    scenario: &Scenario,
) -> Result<()> {
    let operator = Actor {
        id: "local-operator".into(),
        name: None,
        email: None,
        kind: ActorKind::User,
    };
    let current: serde_json::Value = serde_json::from_str(&session.get_settings(tenant)?)?;
    if current["catalog"]["profile"] != scenario.profile {
        let settings = serde_json::json!({"catalog": {"profile": scenario.profile}});
        let event = session.put_settings(tenant, &settings.to_string(), &operator)?;
        writeln!(
            out,
            "  #{:<4} {} (profile {})",
            event.seq, event.action, scenario.profile
        )?;
    }
    if let Some(register) = scenario.register {
        let wanted: Vec<serde_json::Value> = serde_json::from_str(register)?;
        let known = session.tenant_actions(tenant)?;
        let missing = wanted
            .iter()
            .any(|w| !known.iter().any(|k| w["name"] == k.name.as_str()));
        if missing {
            let event = session.register_actions(tenant, register, &operator)?;
            let names: Vec<&str> = wanted.iter().filter_map(|w| w["name"].as_str()).collect();
            writeln!(
                out,
                "  #{:<4} {} (registered {})",
                event.seq,
                event.action,
                names.join(", ")
            )?;
        }
    }
    Ok(())
}

/// Plays one step at time `at`, printing what was recorded.
fn play(
    session: &mut Session,
    out: &mut impl Write,
    tenant: &str,
    at: DateTime<Utc>,
    step: &Step,
    recorded: &mut Vec<Event>,
) -> Result<()> {
    let when = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let clock = at.format("%H:%M").to_string();
    let show = |out: &mut dyn Write, e: &Event, note: &str| -> Result<()> {
        writeln!(
            out,
            "  {clock}  #{:<4} {:<56} by {}{note}",
            e.seq,
            super::render::action(e),
            super::render::actor(e)
        )?;
        Ok(())
    };
    match step {
        Step::Act(json) => {
            let input = input(session, tenant, json, &when)?;
            let event = session.append(&input)?;
            show(out, &event, "")?;
            recorded.push(event);
        }
        Step::Refused(json) => {
            let input = input(session, tenant, json, &when)?;
            match session.append(&input) {
                Ok(_) => anyhow::bail!("{} was recorded, but the catalog refuses it", input.action),
                Err(e) => writeln!(out, "  {clock}  refused {e}")?,
            }
        }
        Step::Login {
            who,
            method,
            failure,
            ip,
            session: session_id,
        } => {
            let attempt = LoginAttempt {
                tenant: tenant.into(),
                account: Some(person(who)),
                identifier: None,
                method: *method,
                failure: *failure,
                context: context(ip, *session_id),
                occurred_at: Some(when),
            };
            let done = session.record_login(&attempt)?;
            show(out, &done.event, "")?;
            recorded.push(done.event);
            if let Some(alert) = done.alert {
                show(out, &alert, &alert_note(&alert))?;
                recorded.push(alert);
            }
        }
        Step::Unknown { identifier, ip } => {
            let attempt = LoginAttempt {
                tenant: tenant.into(),
                account: None,
                identifier: Some((*identifier).into()),
                method: LoginMethod::Password,
                failure: Some(LoginFailure::UnknownAccount),
                context: context(ip, None),
                occurred_at: Some(when),
            };
            let done = session.record_login(&attempt)?;
            show(out, &done.event, "")?;
            recorded.push(done.event);
            if let Some(alert) = done.alert {
                show(out, &alert, &alert_note(&alert))?;
                recorded.push(alert);
            }
        }
        Step::Logout {
            who,
            ip,
            session: session_id,
        } => {
            let logout = Logout {
                tenant: tenant.into(),
                account: person(who),
                context: context(ip, Some(session_id)),
                occurred_at: Some(when),
            };
            let event = session.record_logout(&logout)?;
            let note = show::session_note(&event);
            show(out, &event, &note)?;
            recorded.push(event);
        }
        Step::RecoveryUnknown { identifier, ip } => {
            let request = RecoveryRequest {
                tenant: tenant.into(),
                account: None,
                identifier: Some((*identifier).into()),
                context: context(ip, None),
                occurred_at: Some(when),
            };
            let event = session.record_password_recovery(&request)?;
            show(out, &event, "")?;
            recorded.push(event);
        }
        Step::Bulk {
            parent,
            count,
            child,
        } => {
            let parent = input(session, tenant, parent, &when)?;
            let children = (0..*count)
                .map(|i| input(session, tenant, &child(i), &when))
                .collect::<Result<Vec<_>>>()?;
            let events = session.append_bulk(&parent, &children)?;
            let (first, rest) = events.split_first().context("a bulk stores its parent")?;
            show(out, first, "")?;
            if let Some(last) = rest.last() {
                writeln!(
                    out,
                    "         #{}..{} {} × {}, linked by correlation id {}",
                    rest[0].seq,
                    last.seq,
                    rest.len(),
                    super::render::action(last),
                    first.id
                )?;
            }
            recorded.extend(events);
        }
    }
    Ok(())
}

fn alert_note(alert: &Event) -> String {
    let attempts = alert
        .metadata
        .as_deref()
        .and_then(|m| serde_json::from_str::<serde_json::Value>(m).ok())
        .map(|m| m["failed_attempts"].to_string())
        .unwrap_or_default();
    format!("  (failed attempts in the window: {attempts})")
}

/// A scenario's JSON as an input of `tenant` at `when`.
fn input(session: &mut Session, tenant: &str, json: &str, when: &str) -> Result<EventInput> {
    let mut inputs = session.parse_inputs(json, Some(tenant))?;
    let mut input = inputs.pop().context("a scenario step holds one event")?;
    input.occurred_at = Some(when.to_string());
    Ok(input)
}

fn person(p: &Person) -> Actor {
    Actor {
        id: p.id.into(),
        name: Some(p.name.into()),
        email: Some(p.email.into()),
        kind: ActorKind::User,
    }
}

fn context(ip: &str, session: Option<&str>) -> RequestContext {
    RequestContext {
        ip: Some(ip.into()),
        user_agent: Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0".into()),
        session_id: session.map(String::from),
        request_id: None,
    }
}
