//! A stored event read without copying: its strings borrowed from the
//! stored JSON where they need no unescaping, its JSON values (the changes'
//! old and new values, the metadata) kept as the canonical text they are
//! stored as. Exports read every row of a large range; decoding into
//! [`crate::core::model::Event`] allocates a string per field and a tree per
//! value, which is most of the work inside the sandbox. Only what a CSV row
//! needs is read; the stored body stays the single source.

use crate::core::model::{ActorKind, Outcome};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use std::borrow::Cow;

/// The actor, borrowed.
#[derive(Debug, Deserialize)]
pub struct ActorView<'a> {
    /// Id.
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    /// Name.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub name: Option<Cow<'a, str>>,
    /// E-mail.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub email: Option<Cow<'a, str>>,
    /// Kind.
    pub kind: ActorKind,
}

/// A target, borrowed.
#[derive(Debug, Deserialize)]
pub struct TargetView<'a> {
    /// Kind.
    #[serde(borrow)]
    pub kind: Cow<'a, str>,
    /// Id.
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    /// Name.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub name: Option<Cow<'a, str>>,
}

/// The request context, borrowed.
#[derive(Debug, Default, Deserialize)]
pub struct ContextView<'a> {
    /// IP address.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub ip: Option<Cow<'a, str>>,
    /// User agent.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub user_agent: Option<Cow<'a, str>>,
    /// Session id.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub session_id: Option<Cow<'a, str>>,
    /// Request id.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub request_id: Option<Cow<'a, str>>,
}

/// One change, its values as stored JSON text.
#[derive(Debug, Deserialize)]
pub struct ChangeView<'a> {
    /// JSON Pointer.
    #[serde(borrow)]
    pub path: Cow<'a, str>,
    /// `add`, `remove`, `replace` or `move`.
    #[serde(borrow)]
    pub op: Cow<'a, str>,
    /// For `move`: where the value came from.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub from: Option<Cow<'a, str>>,
    /// Value before (a JSON `null` is `Some("null")`; absent is `None`).
    #[serde(borrow, default, deserialize_with = "present")]
    pub old: Option<&'a RawValue>,
    /// Value after, likewise.
    #[serde(borrow, default, deserialize_with = "present")]
    pub new: Option<&'a RawValue>,
}

/// An optional string, borrowed when it needs no unescaping (serde's own
/// `Option<Cow<str>>` always copies).
fn opt_cow<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Cow<'de, str>>, D::Error> {
    #[derive(Deserialize)]
    struct Borrowed<'a>(#[serde(borrow)] Cow<'a, str>);
    Option::<Borrowed<'de>>::deserialize(d).map(|o| o.map(|b| b.0))
}

/// Reads a member that is present as `Some`, even when it is `null`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}

/// A stored event, borrowed from its body. Members it does not name are
/// skipped.
#[derive(Debug, Deserialize)]
pub struct EventView<'a> {
    /// Id.
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    /// Seq.
    pub seq: u64,
    /// Tenant.
    #[serde(borrow)]
    pub tenant: Cow<'a, str>,
    /// Action.
    #[serde(borrow)]
    pub action: Cow<'a, str>,
    /// The action's label.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub label: Option<Cow<'a, str>>,
    /// Category.
    #[serde(borrow)]
    pub category: Cow<'a, str>,
    /// The correlation id of a bulk operation's events.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub correlation_id: Option<Cow<'a, str>>,
    /// Change type.
    #[serde(borrow)]
    pub change_type: Cow<'a, str>,
    /// Actor.
    #[serde(borrow)]
    pub actor: ActorView<'a>,
    /// Targets.
    #[serde(borrow)]
    pub targets: Vec<TargetView<'a>>,
    /// Outcome.
    pub outcome: Outcome,
    /// Failure reason.
    #[serde(borrow, default, deserialize_with = "opt_cow")]
    pub failure_reason: Option<Cow<'a, str>>,
    /// Context.
    #[serde(borrow, default)]
    pub context: ContextView<'a>,
    /// When it happened (UTC).
    #[serde(borrow)]
    pub occurred_at: Cow<'a, str>,
    /// When it was recorded (UTC).
    #[serde(borrow)]
    pub recorded_at: Cow<'a, str>,
    /// Changes.
    #[serde(borrow)]
    pub changes: Vec<ChangeView<'a>>,
    /// Metadata as stored (canonical JSON).
    #[serde(borrow, default)]
    pub metadata: Option<&'a RawValue>,
    /// Previous hash.
    #[serde(borrow)]
    pub prev_hash: Cow<'a, str>,
    /// The row's hash (not part of the body); set by the reader.
    #[serde(skip)]
    pub hash: Option<&'a str>,
}

/// A stored JSON value as a cell: a string as its text, anything else as
/// the canonical JSON it is stored as.
pub fn raw_text(raw: &RawValue) -> Cow<'_, str> {
    let text = raw.get();
    if !text.starts_with('"') {
        return Cow::Borrowed(text);
    }
    // Borrowed when the string has no escapes; a stored string always
    // parses, and should it not, it is shown as stored.
    match serde_json::from_str::<&str>(text) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => serde_json::from_str::<String>(text).map_or(Cow::Borrowed(text), Cow::Owned),
    }
}
