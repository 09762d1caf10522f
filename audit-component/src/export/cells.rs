//! What a CSV row is made from: a decoded [`Event`] (when a filter needed
//! one) or an [`EventView`] borrowed from the stored JSON (the fast path of
//! an export). Both give the same cells, byte for byte; `csv_export` tests
//! hold them to that.

use crate::core::model::{ActorKind, Event, Outcome};
use crate::export::view::{EventView, raw_text};
use serde_json::Value;
use std::borrow::Cow;

/// The plain text fields of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// `id`.
    Id,
    /// `tenant`.
    Tenant,
    /// `actor.id`.
    ActorId,
    /// `actor.name`.
    ActorName,
    /// `actor.email`.
    ActorEmail,
    /// `action`.
    Action,
    /// `label` (the action's, from the catalog).
    Label,
    /// `correlation_id`.
    CorrelationId,
    /// `category`.
    Category,
    /// `change_type`.
    ChangeType,
    /// `failure_reason`.
    FailureReason,
    /// `context.ip`.
    Ip,
    /// `context.user_agent`.
    UserAgent,
    /// `context.session_id`.
    SessionId,
    /// `context.request_id`.
    RequestId,
    /// `occurred_at`.
    OccurredAt,
    /// `recorded_at`.
    RecordedAt,
    /// `prev_hash`.
    PrevHash,
    /// `hash`.
    Hash,
}

/// An event as the CSV writer reads it.
pub trait CellSource {
    /// Position in the log.
    fn seq(&self) -> u64;
    /// A text field; `None` when absent.
    fn text(&self, field: Text) -> Option<&str>;
    /// The actor's kind.
    fn actor_kind(&self) -> ActorKind;
    /// The outcome.
    fn outcome(&self) -> Outcome;
    /// How many targets.
    fn target_count(&self) -> usize;
    /// Target `i`: kind, id, name.
    fn target(&self, i: usize) -> (&str, &str, Option<&str>);
    /// How many changes.
    fn change_count(&self) -> usize;
    /// Change `i`'s path.
    fn change_path(&self, i: usize) -> &str;
    /// Change `i`'s operation: `add`, `remove`, `replace` or `move`.
    fn change_op(&self, i: usize) -> &str;
    /// For a `move`, where change `i`'s value came from.
    fn change_from(&self, i: usize) -> Option<&str>;
    /// Change `i`'s old (or `new`) value: a string as its text, anything
    /// else as canonical JSON; `None` when absent.
    fn change_value(&self, i: usize, new: bool) -> Option<Cow<'_, str>>;
    /// The metadata as canonical JSON.
    fn metadata(&self) -> Option<Cow<'_, str>>;
    /// The whole event as `codec::to_json` writes it (the `event` column of
    /// verifiable exports); `None` where the source cannot give it, so the
    /// exporter decodes the event whenever a layout has that column.
    fn event_json(&self) -> Option<Cow<'_, str>>;
}

/// A string as its text; any other value as canonical JSON.
pub fn value_text(v: &Value) -> Cow<'_, str> {
    match v {
        Value::String(s) => Cow::Borrowed(s),
        other => Cow::Owned(crate::json::canonical::to_string(other)),
    }
}

impl CellSource for Event {
    fn event_json(&self) -> Option<Cow<'_, str>> {
        crate::json::codec::to_json(self).ok().map(Cow::Owned)
    }

    fn seq(&self) -> u64 {
        self.seq
    }

    fn text(&self, field: Text) -> Option<&str> {
        Some(match field {
            Text::Id => &self.id,
            Text::Tenant => &self.tenant,
            Text::ActorId => &self.actor.id,
            Text::ActorName => return self.actor.name.as_deref(),
            Text::ActorEmail => return self.actor.email.as_deref(),
            Text::Action => &self.action,
            Text::Label => return self.label.as_deref(),
            Text::CorrelationId => return self.correlation_id.as_deref(),
            Text::Category => &self.category,
            Text::ChangeType => &self.change_type,
            Text::FailureReason => return self.failure_reason.as_deref(),
            Text::Ip => return self.context.ip.as_deref(),
            Text::UserAgent => return self.context.user_agent.as_deref(),
            Text::SessionId => return self.context.session_id.as_deref(),
            Text::RequestId => return self.context.request_id.as_deref(),
            Text::OccurredAt => &self.occurred_at,
            Text::RecordedAt => &self.recorded_at,
            Text::PrevHash => &self.prev_hash,
            Text::Hash => return self.hash.as_deref(),
        })
    }

    fn actor_kind(&self) -> ActorKind {
        self.actor.kind
    }

    fn outcome(&self) -> Outcome {
        self.outcome
    }

    fn target_count(&self) -> usize {
        self.targets.len()
    }

    fn target(&self, i: usize) -> (&str, &str, Option<&str>) {
        let t = &self.targets[i];
        (&t.kind, &t.id, t.name.as_deref())
    }

    fn change_count(&self) -> usize {
        self.changes.len()
    }

    fn change_path(&self, i: usize) -> &str {
        &self.changes[i].path
    }

    fn change_op(&self, i: usize) -> &str {
        self.changes[i].op.as_str()
    }

    fn change_from(&self, i: usize) -> Option<&str> {
        self.changes[i].from.as_deref()
    }

    fn change_value(&self, i: usize, new: bool) -> Option<Cow<'_, str>> {
        let c = &self.changes[i];
        if new { c.new.as_ref() } else { c.old.as_ref() }.map(value_text)
    }

    fn metadata(&self) -> Option<Cow<'_, str>> {
        self.metadata
            .as_ref()
            .map(|m| Cow::Owned(crate::json::canonical::to_string(m)))
    }
}

impl CellSource for EventView<'_> {
    fn event_json(&self) -> Option<Cow<'_, str>> {
        None
    }

    fn seq(&self) -> u64 {
        self.seq
    }

    fn text(&self, field: Text) -> Option<&str> {
        Some(match field {
            Text::Id => &self.id,
            Text::Tenant => &self.tenant,
            Text::ActorId => &self.actor.id,
            Text::ActorName => return self.actor.name.as_deref(),
            Text::ActorEmail => return self.actor.email.as_deref(),
            Text::Action => &self.action,
            Text::Label => return self.label.as_deref(),
            Text::CorrelationId => return self.correlation_id.as_deref(),
            Text::Category => &self.category,
            Text::ChangeType => &self.change_type,
            Text::FailureReason => return self.failure_reason.as_deref(),
            Text::Ip => return self.context.ip.as_deref(),
            Text::UserAgent => return self.context.user_agent.as_deref(),
            Text::SessionId => return self.context.session_id.as_deref(),
            Text::RequestId => return self.context.request_id.as_deref(),
            Text::OccurredAt => &self.occurred_at,
            Text::RecordedAt => &self.recorded_at,
            Text::PrevHash => &self.prev_hash,
            Text::Hash => return self.hash,
        })
    }

    fn actor_kind(&self) -> ActorKind {
        self.actor.kind
    }

    fn outcome(&self) -> Outcome {
        self.outcome
    }

    fn target_count(&self) -> usize {
        self.targets.len()
    }

    fn target(&self, i: usize) -> (&str, &str, Option<&str>) {
        let t = &self.targets[i];
        (&t.kind, &t.id, t.name.as_deref())
    }

    fn change_count(&self) -> usize {
        self.changes.len()
    }

    fn change_path(&self, i: usize) -> &str {
        &self.changes[i].path
    }

    fn change_op(&self, i: usize) -> &str {
        &self.changes[i].op
    }

    fn change_from(&self, i: usize) -> Option<&str> {
        self.changes[i].from.as_deref()
    }

    fn change_value(&self, i: usize, new: bool) -> Option<Cow<'_, str>> {
        let c = &self.changes[i];
        if new { c.new } else { c.old }.map(raw_text)
    }

    fn metadata(&self) -> Option<Cow<'_, str>> {
        self.metadata.map(|m| Cow::Borrowed(m.get()))
    }
}
