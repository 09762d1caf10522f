//! The event as the engine sees it, independent of any binding.
//!
//! [`EventInput`] mirrors the WIT `event-input` record (states and metadata as
//! JSON text); [`Event`] is the stored event, whose serde form is the stored
//! JSON body (snake_case names, absent options omitted).

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// What kind of principal acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActorKind {
    /// A person.
    User,
    /// The product itself, shown as "System".
    System,
    /// A caller with an API key.
    ApiKey,
    /// Another service.
    Service,
}

impl ActorKind {
    /// The name used in JSON and on screen.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::User => "user",
            ActorKind::System => "system",
            ActorKind::ApiKey => "api-key",
            ActorKind::Service => "service",
        }
    }
}

/// Who did it.
///
/// Fields are declared in the order of their JSON names, the canonical
/// (RFC 8785) order, so that writing a canonical body never has to reorder
/// them (`json::canonical_ser`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Stable identifier.
    pub id: String,
    /// Kind of principal.
    pub kind: ActorKind,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// What it was done to.
///
/// Fields are declared in the order of their JSON names, the canonical
/// (RFC 8785) order, so that writing a canonical body never has to reorder
/// them (`json::canonical_ser`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Identifier.
    pub id: String,
    /// Entity kind (`user`, `team`).
    pub kind: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Success or failure; a failure's reason travels beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It happened.
    Success,
    /// It was refused or failed.
    Failure,
}

impl Outcome {
    /// The name used in JSON and on screen.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
        }
    }
}

/// Where the request came from.
///
/// Fields are declared in the order of their JSON names, the canonical
/// (RFC 8785) order, so that writing a canonical body never has to reorder
/// them (`json::canonical_ser`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Context {
    /// Client IP address, canonical once stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// Request identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Session identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// User-Agent header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
}

/// One audited action as a host records it (the WIT `event-input`).
#[derive(Debug, Clone, PartialEq)]
pub struct EventInput {
    /// Tenant.
    pub tenant: String,
    /// Action, `entity.verb`.
    pub action: String,
    /// Who.
    pub actor: Actor,
    /// What.
    pub targets: Vec<Target>,
    /// Success or failure.
    pub outcome: Outcome,
    /// Why it failed, for failures.
    pub failure_reason: Option<String>,
    /// Where from.
    pub context: Context,
    /// When, RFC 3339; the recording time when absent.
    pub occurred_at: Option<String>,
    /// State before, JSON text.
    pub before: Option<String>,
    /// State after, JSON text.
    pub after: Option<String>,
    /// Metadata object, JSON text.
    pub metadata: Option<String>,
    /// The producer's key for this event: a retry with the same key
    /// returns the event first stored instead of storing it again.
    pub idempotency_key: Option<String>,
}

/// The operation of one change (RFC 6902 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    /// New field.
    Add,
    /// Field gone.
    Remove,
    /// Value changed.
    Replace,
    /// An array element moved (from `from` to `path`), value unchanged.
    Move,
}

impl ChangeOp {
    /// The RFC 6902 name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeOp::Add => "add",
            ChangeOp::Remove => "remove",
            ChangeOp::Replace => "replace",
            ChangeOp::Move => "move",
        }
    }
}

/// One changed field.
///
/// Fields are declared in the order of their JSON names, the canonical
/// (RFC 8785) order, so that writing a canonical body never has to reorder
/// them (`json::canonical_ser`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// A subtree that went over the diff's bounds, replaced whole.
    #[serde(default, skip_serializing_if = "is_false")]
    pub collapsed: bool,
    /// For `move`: where the value came from (RFC 6901).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Value after, same convention.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub new: Option<Value>,
    /// The same for `new`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_fingerprint: Option<String>,
    /// Value before; `Some(Value::Null)` is a JSON `null`, `None` is absent.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub old: Option<Value>,
    /// When `old` is a redacted value: its keyed fingerprint (lowercase hex
    /// HMAC-SHA-256 under the tenant's key), if the host has a key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_fingerprint: Option<String>,
    /// What happened.
    pub op: ChangeOp,
    /// RFC 6901 JSON Pointer.
    pub path: String,
    /// `old` or `new` is or contains a redacted value, written `"[redacted]"`
    /// (or a masked card number) in its place.
    #[serde(default, skip_serializing_if = "is_false")]
    pub redacted: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Deserializes a member that is present as `Some`, even when it is `null`
/// (serde's `Option` would read `null` as absent).
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// A stored event. Its serde form without `hash` is the stored body.
///
/// Fields are declared in the order of their JSON names, the canonical
/// (RFC 8785) order, so that writing a canonical body never has to reorder
/// them (`json::canonical_ser`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Action.
    pub action: String,
    /// Who.
    pub actor: Actor,
    /// Category of the action.
    pub category: String,
    /// Kind of change.
    pub change_type: String,
    /// What changed.
    pub changes: Vec<Change>,
    /// Where from.
    pub context: Context,
    /// The id shared by the events of one bulk operation (its parent's id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    /// This event's hash; not part of the hashed body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// UUIDv7 text.
    pub id: String,
    /// The producer's idempotency key, when it gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// The action's label, where the tenant's catalog has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Metadata object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// When it happened, UTC RFC 3339.
    pub occurred_at: String,
    /// Success or failure.
    pub outcome: Outcome,
    /// Previous event's hash.
    pub prev_hash: String,
    /// When it was recorded, UTC RFC 3339.
    pub recorded_at: String,
    /// Position in the tenant's log.
    pub seq: u64,
    /// What.
    pub targets: Vec<Target>,
    /// Tenant.
    pub tenant: String,
}
