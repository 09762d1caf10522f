//! Records the component returns, as JSON for people's programs: stored
//! events as the component writes them (`codec.to-json`, byte for byte the
//! export's lines), and the reports and catalogs around them.

use audit_host::HostError;
use audit_host::Session;
use audit_host::bindings::{ActionDefinition, ActionOrigin, AuthEntry, Event, LoginMethod};
use audit_host::session::integrity::{VerifyReport, intact, kind_name};
use serde_json::value::RawValue;
use serde_json::{Value, json};

/// Stored events as the component writes them, each kept as its exact text.
pub fn events(session: &mut Session, events: &[Event]) -> Result<Vec<Box<RawValue>>, HostError> {
    events.iter().map(|e| event(session, e)).collect()
}

/// One stored event as the component writes it.
pub fn event(session: &mut Session, event: &Event) -> Result<Box<RawValue>, HostError> {
    let text = session.to_json(event)?;
    RawValue::from_string(text).map_err(|e| {
        HostError::Audit(audit_host::bindings::Error::Other(format!(
            "the component wrote an event that is not JSON: {e}"
        )))
    })
}

/// One action as JSON: the members a registration takes, and its origin.
pub fn action(a: &ActionDefinition) -> Value {
    json!({
        "name": a.name,
        "label": a.label,
        "category": a.category,
        "change_type": a.change_type,
        "target_kinds": a.target_kinds,
        "origin": origin(a.origin),
    })
}

/// Where an action comes from, as listed.
pub fn origin(o: ActionOrigin) -> &'static str {
    match o {
        ActionOrigin::Log => "log",
        ActionOrigin::Authentication => "authentication",
        ActionOrigin::Profile => "profile",
        ActionOrigin::Registered => "registered",
    }
}

/// A verification's report; `intact` says what the findings mean.
pub fn verify_report(r: &VerifyReport) -> Value {
    json!({
        "tenant": r.tenant,
        "intact": intact(r),
        "events": r.events,
        "first_seq": r.first_seq,
        "last_seq": r.last_seq,
        "last_hash": r.last_hash,
        "purged_through": r.purged_through,
        "checkpoints_verified": r.checkpoints_verified,
        "checkpoints_skipped": r.checkpoints_skipped,
        "findings": r.findings.iter().map(|f| json!({
            "kind": kind_name(f.kind),
            "seq": f.seq,
            "related_seq": f.related_seq,
            "detail": f.detail,
        })).collect::<Vec<_>>(),
        "findings_omitted": r.findings_omitted,
    })
}

/// A sign-in method as the WIT names it.
pub fn method(m: LoginMethod) -> &'static str {
    match m {
        LoginMethod::Password => "password",
        LoginMethod::PasswordTotp => "password-totp",
        LoginMethod::PasswordEmailCode => "password-email-code",
        LoginMethod::Sso => "sso",
    }
}

/// One line of the authentication log, its event as the component wrote it.
#[derive(serde::Serialize)]
pub struct AuthEntryJson {
    /// The event.
    pub event: Box<RawValue>,
    /// Who, as people see it.
    pub user: String,
    /// How they signed in.
    pub method: Option<&'static str>,
    /// A sign-out's session length.
    pub session_duration_ms: Option<u64>,
}

/// One line of the authentication log.
pub fn auth_entry(session: &mut Session, e: &AuthEntry) -> Result<AuthEntryJson, HostError> {
    Ok(AuthEntryJson {
        event: event(session, &e.event)?,
        user: e.user.clone(),
        method: e.method.map(method),
        session_duration_ms: e.session_duration_ms,
    })
}
