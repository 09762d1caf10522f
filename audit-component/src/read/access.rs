//! Who may read a tenant's log, and the record every read leaves.
//!
//! Each read (a query page, one event, an export) names its [`Viewer`]. The
//! tenant's `access` settings decide: the log must be enabled for reading,
//! and one of the viewer's roles must be allowed. Allowed or not, the read
//! is recorded in the tenant's own log (`audit_log.viewed`,
//! `audit_log.exported`, PCI DSS 10.2.1.3 and 10.2.1.4), with the viewer as
//! actor and the filter in the metadata. Recording never depends on these
//! settings: a tenant can hide its log from readers, never stop it.

use crate::core::error::{Error, Result, quoted};
use crate::core::model::{Actor, Context, Event, EventInput, Outcome};
use crate::core::own;
use crate::core::store::{Clock, Store};
use crate::ingest::append::append_own;
use crate::ingest::prepare::prepare;
use crate::settings;
use serde_json::{Map, Value, json};

/// Who reads (the WIT `viewer`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// The reader, recorded as the actor of the read's event.
    pub actor: Actor,
    /// Their roles in the host product.
    pub roles: Vec<String>,
    /// Where the read came from.
    pub context: Context,
}

/// What kind of read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// A query page or one event.
    View,
    /// An export.
    Export,
}

impl Read {
    fn action(self) -> &'static str {
        match self {
            Read::View => own::VIEWED,
            Read::Export => own::EXPORTED,
        }
    }
}

/// A read about to happen: checked, and its record prepared.
pub struct Pending {
    input: EventInput,
    metadata: Map<String, Value>,
    roles: Vec<String>,
}

/// Checks the viewer and prepares the record of a read with `details` (the
/// filter and the like); errors name `viewer.*`. Nothing is stored.
pub fn prepare_read(
    store: &mut impl Store,
    tenant: &str,
    viewer: &Viewer,
    read: Read,
    details: Map<String, Value>,
) -> Result<Pending> {
    crate::settings::access::roles("viewer.roles", &viewer.roles)?;
    let mut metadata = details;
    metadata.insert("viewer_roles".into(), json!(viewer.roles));
    let input = EventInput {
        context: viewer.context.clone(),
        metadata: Some(crate::json::canonical::to_string(&Value::Object(
            metadata.clone(),
        ))),
        ..own::event(tenant, read.action(), viewer.actor.clone())
    };
    // Validate now, so that a bad viewer is refused before anything is read.
    prepare(input.clone(), store).map_err(|e| match e {
        Error::InvalidInput { field, reason }
            if field.starts_with("actor") || field.starts_with("context") =>
        {
            Error::InvalidInput {
                field: format!("viewer.{field}"),
                reason,
            }
        }
        Error::LimitExceeded {
            field,
            limit,
            actual,
            unit,
        } if field.starts_with("actor") || field.starts_with("context") => Error::LimitExceeded {
            field: format!("viewer.{field}"),
            limit,
            actual,
            unit,
        },
        other => other,
    })?;
    Ok(Pending {
        input,
        metadata,
        roles: viewer.roles.clone(),
    })
}

impl Pending {
    /// Checks the tenant's access settings. A refusal is recorded (a failed
    /// read, with the reason) and returned as [`Error::Denied`].
    pub fn authorize(&self, store: &mut impl Store, clock: &mut impl Clock) -> Result<()> {
        let tenant = &self.input.tenant;
        let access = settings::load(store, tenant)?.access;
        let refusal = if !access.enabled {
            Some((
                "audit_log_not_enabled",
                format!(
                    "the audit log of tenant {tenant} is not enabled for reading (setting access.enabled)"
                ),
            ))
        } else if !self.roles().any(|r| {
            access
                .roles
                .iter()
                .any(|allowed| allowed.eq_ignore_ascii_case(r))
        }) {
            let had = match self.roles().map(quoted).collect::<Vec<_>>() {
                v if v.is_empty() => "no role".to_string(),
                v => format!("roles {}", v.join(", ")),
            };
            Some((
                "role_not_allowed",
                format!(
                    "the viewer has {had}; tenant {tenant} allows {} (setting access.roles)",
                    access.roles.join(", ")
                ),
            ))
        } else {
            None
        };
        let Some((reason, message)) = refusal else {
            return Ok(());
        };
        let mut input = self.input.clone();
        input.outcome = Outcome::Failure;
        input.failure_reason = Some(reason.into());
        append_own(store, clock, input)?;
        Err(Error::Denied(message))
    }

    /// Whether `event` is this read's record: the same action by the same
    /// viewer, with the metadata recording it now would store (after the
    /// redaction every recorded event goes through).
    pub fn recorded_by(&self, event: &Event, store: &mut impl Store) -> Result<bool> {
        let prepared = prepare(self.input.clone(), store)?;
        Ok(event.action == self.input.action
            && event.actor == prepared.actor
            && event.metadata == prepared.metadata)
    }

    /// Records the read, with `more` added to its metadata (what it returned).
    pub fn record(
        self,
        store: &mut impl Store,
        clock: &mut impl Clock,
        more: Map<String, Value>,
    ) -> Result<Event> {
        let mut input = self.input;
        let mut metadata = self.metadata;
        metadata.extend(more);
        input.metadata = Some(crate::json::canonical::to_string(&Value::Object(metadata)));
        append_own(store, clock, input)
    }

    fn roles(&self) -> impl Iterator<Item = &str> {
        self.roles.iter().map(String::as_str)
    }
}
