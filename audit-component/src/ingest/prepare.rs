//! Validation and normalisation of one event input, before anything is
//! stored: sizes first (cheap), then formats, then the action is classified
//! by the tenant's catalog ([`crate::catalog`]: refused when its profile
//! does not know it), then the state documents are parsed and diffed.

use crate::catalog::Writer;
use crate::core::error::{Error, Result, store_error};
use crate::core::fields;
use crate::core::limits::*;
use crate::core::model::{Actor, Change, Context, EventInput, Outcome, Target};
use crate::core::store::Store;
use crate::core::{ip, time};
use crate::ingest::{capture, secrets};
use crate::settings::rules::Rules;
use crate::settings::{self, TenantSettings};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::BTreeMap;

/// An input that passed validation, normalised, waiting for its place in
/// the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// Tenant.
    pub tenant: String,
    /// Action.
    pub action: String,
    /// Category from the action.
    pub category: String,
    /// Change type from the action.
    pub change_type: &'static str,
    /// Who.
    pub actor: Actor,
    /// What.
    pub targets: Vec<Target>,
    /// Outcome.
    pub outcome: Outcome,
    /// Failure reason.
    pub failure_reason: Option<String>,
    /// Context with a canonical IP.
    pub context: Context,
    /// When, if given.
    pub occurred_at: Option<DateTime<Utc>>,
    /// What changed.
    pub changes: Vec<Change>,
    /// Metadata object.
    pub metadata: Option<Value>,
    /// The action's label, where the catalog has one.
    pub label: Option<String>,
    /// How the event links to others recorded in the same call.
    pub correlation: Correlation,
    /// The producer's idempotency key, checked.
    pub idempotency_key: Option<String>,
}

/// How an event is linked to others by a correlation id (a bulk operation
/// and the events of its entities).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Correlation {
    /// Not linked.
    #[default]
    None,
    /// The parent: its correlation id is its own event id.
    Parent,
    /// A child: its correlation id is the id of the last parent sealed
    /// before it in the same call.
    Child,
}

/// Validates and normalises inputs, reading each tenant's settings (its
/// catalog, redaction and diff rules) once.
pub struct Preparer<'s, S: Store> {
    store: &'s mut S,
    settings: BTreeMap<String, TenantSettings>,
    writer: Writer,
}

/// Validates and normalises one of the log's own events (any action of the
/// catalog, `audit_log.*` included).
pub fn prepare(input: EventInput, store: &mut impl Store) -> Result<Prepared> {
    Preparer::with_writer(store, Writer::Log).prepare(input)
}

impl<'s, S: Store> Preparer<'s, S> {
    /// A preparer of a host's events, reading settings and fingerprints
    /// through `store`.
    pub fn new(store: &'s mut S) -> Self {
        Self::with_writer(store, Writer::Host)
    }

    /// A preparer of events recorded by `writer` (the catalog's checks
    /// depend on it).
    pub fn with_writer(store: &'s mut S, writer: Writer) -> Self {
        Preparer {
            store,
            settings: BTreeMap::new(),
            writer,
        }
    }

    /// The tenant's settings, read once per preparer.
    pub fn settings(&mut self, tenant: &str) -> Result<&TenantSettings> {
        if !self.settings.contains_key(tenant) {
            let loaded = settings::load(self.store, tenant)?;
            self.settings.insert(tenant.to_string(), loaded);
        }
        Ok(self
            .settings
            .get(tenant)
            .expect("the tenant's settings were just loaded"))
    }

    /// The store, for reads between preparations (the brute-force window).
    pub fn store(&mut self) -> &mut S {
        self.store
    }

    /// Validates and normalises one input: sizes, formats, then the states
    /// are parsed, redacted and diffed (see [`crate::ingest::capture`]).
    pub fn prepare(&mut self, input: EventInput) -> Result<Prepared> {
        let Checked {
            mut input,
            context,
            occurred_at,
        } = check(input)?;
        input.context = context;
        let writer = self.writer;
        let settings = self.settings(&input.tenant)?;
        let class = settings
            .catalog
            .catalog()
            .classify(&input.action, &input.targets, writer)?;
        let rules = if input.before.is_some() || input.after.is_some() || input.metadata.is_some() {
            settings.rules(Some(&input.action))
        } else {
            Rules::default()
        };
        let metadata = match input.metadata.as_deref() {
            None => None,
            Some(text) => match capture::redacted_value("metadata", text, &rules)? {
                Value::Object(map) => Some(Value::Object(map)),
                _ => return Err(Error::invalid("metadata", "must be a JSON object")),
            },
        };
        let store = &mut *self.store;
        let tenant = input.tenant.clone();
        let mut fingerprints =
            |messages: &[Vec<u8>]| store.fingerprints(&tenant, messages).map_err(store_error);
        secrets::hide(&mut input, &mut fingerprints)?;
        let changes = capture::event_changes(
            input.before.as_deref(),
            input.after.as_deref(),
            &rules,
            &mut fingerprints,
        )?;
        Ok(Prepared {
            tenant: input.tenant,
            action: input.action,
            category: class.category,
            change_type: class.change_type,
            actor: input.actor,
            targets: input.targets,
            outcome: input.outcome,
            failure_reason: input.failure_reason,
            context: input.context,
            occurred_at,
            changes,
            metadata,
            label: class.label,
            correlation: Correlation::None,
            idempotency_key: input.idempotency_key,
        })
    }
}

/// An input whose fields passed their checks.
struct Checked {
    input: EventInput,
    context: Context,
    occurred_at: Option<DateTime<Utc>>,
}

/// Every check that needs no parsing of JSON.
fn check(input: EventInput) -> Result<Checked> {
    check_sizes(&input)?;
    fields::tenant(&input.tenant)?;
    fields::action(&input.action)?;
    if let Some(key) = &input.idempotency_key {
        fields::idempotency_key(key)?;
        // Kept in the event as given (a retry must find it), so it may not
        // be a secret.
        if crate::redact::sensitive_text(key).is_some() {
            return Err(Error::invalid(
                "idempotency_key",
                "holds what looks like a credential or a card number; a key is stored in the clear, so use one that is not a secret",
            ));
        }
    }
    actor(&input.actor)?;
    for (i, t) in input.targets.iter().enumerate() {
        target(t).map_err(|e| e.within(&format!("targets[{i}]")))?;
    }
    if input.failure_reason.is_some() && input.outcome != Outcome::Failure {
        return Err(Error::invalid(
            "failure_reason",
            "only allowed when outcome is failure",
        ));
    }
    let mut context = input.context.clone();
    if let Some(addr) = &context.ip {
        context.ip = Some(ip::canonical(addr).map_err(|why| Error::invalid("context.ip", why))?);
    }
    for (field, value) in [
        ("context.session_id", &context.session_id),
        ("context.request_id", &context.request_id),
    ] {
        if let Some(v) = value {
            not_blank(field, v)?;
        }
    }
    let occurred_at = match &input.occurred_at {
        Some(t) => Some(time::parse(t).map_err(|why| Error::invalid("occurred_at", why))?),
        None => None,
    };
    Ok(Checked {
        input,
        context,
        occurred_at,
    })
}

/// Every size limit, checked before any parsing.
fn check_sizes(e: &EventInput) -> Result<()> {
    let mut fields: Vec<(&str, Option<&str>, usize)> = vec![
        ("tenant", Some(&e.tenant), MAX_NAME_BYTES),
        ("action", Some(&e.action), MAX_NAME_BYTES),
        ("actor.id", Some(&e.actor.id), MAX_ID_BYTES),
        ("actor.name", e.actor.name.as_deref(), MAX_TEXT_BYTES),
        ("actor.email", e.actor.email.as_deref(), MAX_TEXT_BYTES),
        (
            "failure_reason",
            e.failure_reason.as_deref(),
            MAX_TEXT_BYTES,
        ),
        ("context.ip", e.context.ip.as_deref(), MAX_NAME_BYTES),
        (
            "context.user_agent",
            e.context.user_agent.as_deref(),
            MAX_TEXT_BYTES,
        ),
        (
            "context.session_id",
            e.context.session_id.as_deref(),
            MAX_ID_BYTES,
        ),
        (
            "context.request_id",
            e.context.request_id.as_deref(),
            MAX_ID_BYTES,
        ),
        ("occurred_at", e.occurred_at.as_deref(), MAX_NAME_BYTES),
        ("before", e.before.as_deref(), MAX_STATE_BYTES),
        ("after", e.after.as_deref(), MAX_STATE_BYTES),
        ("metadata", e.metadata.as_deref(), MAX_METADATA_BYTES),
    ];
    if e.targets.len() > MAX_TARGETS {
        return Err(Error::too_large(
            "targets",
            MAX_TARGETS,
            e.targets.len(),
            "items",
        ));
    }
    let mut target_fields = Vec::new();
    for (i, t) in e.targets.iter().enumerate() {
        target_fields.push((
            format!("targets[{i}].kind"),
            Some(t.kind.as_str()),
            MAX_NAME_BYTES,
        ));
        target_fields.push((
            format!("targets[{i}].id"),
            Some(t.id.as_str()),
            MAX_ID_BYTES,
        ));
        target_fields.push((
            format!("targets[{i}].name"),
            t.name.as_deref(),
            MAX_TEXT_BYTES,
        ));
    }
    fields.extend(target_fields.iter().map(|(f, v, l)| (f.as_str(), *v, *l)));
    for (field, value, limit) in fields {
        if let Some(v) = value
            && v.len() > limit
        {
            return Err(Error::too_large(field, limit, v.len(), "bytes"));
        }
    }
    Ok(())
}

fn actor(a: &Actor) -> Result<()> {
    not_blank("actor.id", &a.id)?;
    if let Some(email) = &a.email {
        let ok = match email.rsplit_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            }
            None => false,
        };
        if !ok {
            return Err(Error::invalid(
                "actor.email",
                "not an e-mail address (name@domain)",
            ));
        }
    }
    Ok(())
}

fn target(t: &Target) -> Result<()> {
    if t.kind.is_empty()
        || !t
            .kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(Error::invalid(
            "kind",
            "must be lowercase letters, digits and _ (such as user)",
        ));
    }
    not_blank("id", &t.id)
}

fn not_blank(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "required, and must not be blank"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::memory::MemoryStore;
    use crate::core::model::ActorKind;

    fn input() -> EventInput {
        EventInput {
            tenant: "acme".into(),
            action: "user.updated".into(),
            actor: Actor {
                id: "u_42".into(),
                name: Some("Ana Admin".into()),
                email: Some("ana@acme.test".into()),
                kind: ActorKind::User,
            },
            targets: vec![Target {
                kind: "user".into(),
                id: "u_7".into(),
                name: Some("john.smith".into()),
            }],
            outcome: Outcome::Success,
            failure_reason: None,
            context: Context {
                ip: Some("::ffff:203.0.113.9".into()),
                ..Context::default()
            },
            occurred_at: Some("2026-11-21T12:00:00+02:00".into()),
            before: Some(r#"{"last_name":"Smith","role":"agent"}"#.into()),
            after: Some(r#"{"last_name":"Smyth","role":"agent"}"#.into()),
            metadata: Some(r#"{"reason":"typo"}"#.into()),
            idempotency_key: None,
        }
    }

    fn refused(f: impl FnOnce(&mut EventInput)) -> String {
        let mut e = input();
        f(&mut e);
        prepare(e, &mut MemoryStore::default())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_good_input_is_normalised() {
        let p = prepare(input(), &mut MemoryStore::default()).unwrap();
        assert_eq!(p.context.ip.as_deref(), Some("203.0.113.9"));
        assert_eq!(time::format(p.occurred_at.unwrap()), "2026-11-21T10:00:00Z");
        assert_eq!(p.category, "user");
        assert_eq!(p.change_type, "updated");
        assert_eq!(p.changes.len(), 1);
    }

    #[test]
    fn each_bad_field_is_named() {
        assert_eq!(refused(|e| e.tenant.clear()), "tenant: required");
        assert!(refused(|e| e.tenant = "a b".into()).starts_with("tenant: only"));
        assert!(
            refused(|e| e.action = "User.Updated".into())
                .starts_with("action: must be entity.verb")
        );
        assert!(
            refused(|e| e.action = "updated".into()).starts_with("action: must be entity.verb")
        );
        assert!(refused(|e| e.action = "user..updated".into()).starts_with("action:"));
        assert_eq!(
            refused(|e| e.actor.id = "  ".into()),
            "actor.id: required, and must not be blank"
        );
        assert!(refused(|e| e.actor.email = Some("nobody".into())).starts_with("actor.email:"));
        assert!(refused(|e| e.targets[0].kind = "User".into()).starts_with("targets[0].kind:"));
        assert!(refused(|e| e.targets[0].id.clear()).starts_with("targets[0].id:"));
        assert!(refused(|e| e.context.ip = Some("1.2.3.4:80".into())).starts_with("context.ip:"));
        assert!(refused(|e| e.occurred_at = Some("yesterday".into())).starts_with("occurred_at:"));
        assert!(refused(|e| e.before = Some("{".into())).starts_with("before: not valid JSON"));
        assert!(
            refused(|e| e.metadata = Some("[1]".into()))
                .starts_with("metadata: must be a JSON object")
        );
        assert!(refused(|e| e.failure_reason = Some("x".into())).starts_with("failure_reason:"));
    }

    #[test]
    fn sizes_are_checked_first() {
        let m = refused(|e| {
            e.actor.name = Some("x".repeat(MAX_TEXT_BYTES + 1));
            e.before = Some("{".into());
        });
        assert_eq!(
            m,
            format!(
                "actor.name: {} bytes, over the limit of {MAX_TEXT_BYTES} bytes",
                MAX_TEXT_BYTES + 1
            )
        );
        let m = refused(|e| e.after = Some(format!("\"{}\"", "x".repeat(MAX_STATE_BYTES))));
        assert!(m.starts_with("after: "), "{m}");
    }

    #[test]
    fn deep_documents_are_a_typed_error() {
        for depth in [128, 129, 10_000, 500_000] {
            let deep = "[".repeat(depth) + &"]".repeat(depth);
            assert_eq!(
                refused(|e| e.before = Some(deep)),
                "before: nested deeper than the limit of 127 levels"
            );
        }
        let huge = "[".repeat(1_000_000) + &"]".repeat(1_000_000);
        assert!(
            refused(|e| e.before = Some(huge)).starts_with("before: 2000000 bytes, over the limit")
        );
        let ok = "[".repeat(127) + &"]".repeat(127);
        let mut e = input();
        e.before = Some(ok);
        assert!(prepare(e, &mut MemoryStore::default()).is_ok());
    }

    #[test]
    fn json_errors_do_not_quote_the_input() {
        let m = refused(|e| e.before = Some(r#"{"password": "hunter2" "#.into()));
        assert!(!m.contains("hunter2"), "{m}");
        let m = refused(|e| e.before = Some(r#"{"password": hunter2}"#.into()));
        assert!(!m.contains("hunter2"), "{m}");
    }

    #[test]
    fn control_characters_are_kept() {
        let mut e = input();
        e.actor.name = Some("alice\n2025-01-01T00:00:00Z admin delete\u{1b}[2J\u{202e}".into());
        let p = prepare(e.clone(), &mut MemoryStore::default()).unwrap();
        assert_eq!(p.actor.name, e.actor.name);
    }

    #[test]
    fn null_states_are_absent() {
        let mut e = input();
        e.before = Some("null".into());
        let p = prepare(e, &mut MemoryStore::default()).unwrap();
        assert!(
            p.changes
                .iter()
                .all(|c| c.op == crate::core::model::ChangeOp::Add)
        );
    }
}
