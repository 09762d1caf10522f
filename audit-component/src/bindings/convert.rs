//! Conversions between the generated WIT types and the engine's own, both
//! ways, and the engine's error as the WIT `error`.

use super::generated::audit::log::types as wit;
use crate::core::model;
use crate::json::{canonical, parse};
use crate::read::{access, filter, page};

pub(super) fn error(e: crate::Error) -> wit::Error {
    match e {
        crate::Error::InvalidInput { field, reason } => {
            wit::Error::InvalidInput(wit::FieldError { field, reason })
        }
        crate::Error::LimitExceeded {
            field,
            limit,
            actual,
            unit,
        } => wit::Error::LimitExceeded(wit::LimitError {
            field,
            limit,
            actual,
            unit: unit.to_string(),
        }),
        crate::Error::NotFound(m) => wit::Error::NotFound(m),
        crate::Error::Store(m) => wit::Error::Store(m),
        crate::Error::Other(m) => wit::Error::Other(m),
        crate::Error::Denied(m) => wit::Error::Denied(m),
    }
}

pub(super) fn filter_in(f: wit::Filter) -> filter::Filter {
    filter::Filter {
        tenant: f.tenant,
        since: f.since,
        until: f.until,
        actor_id: f.actor_id,
        action: f.action,
        actor_name: f.actor_name,
        category: f.category,
        change_type: f.change_type,
        target_kind: f.target_kind,
        target_id: f.target_id,
        outcome: f.outcome.map(|o| match o {
            wit::OutcomeKind::Success => model::Outcome::Success,
            wit::OutcomeKind::Failure => model::Outcome::Failure,
        }),
        ip: f.ip,
        text: f.text,
    }
}

pub(super) fn page_request_in(r: wit::PageRequest) -> page::PageRequest {
    page::PageRequest {
        filter: filter_in(r.filter),
        order: order_in(r.order),
        limit: r.limit,
        cursor: r.cursor,
        viewer: viewer_in(r.viewer),
        count: r.count,
    }
}

pub(super) fn order_in(o: wit::Order) -> page::Order {
    match o {
        wit::Order::NewestFirst => page::Order::NewestFirst,
        wit::Order::OldestFirst => page::Order::OldestFirst,
    }
}

pub(super) fn viewer_in(v: wit::Viewer) -> access::Viewer {
    access::Viewer {
        actor: actor_in(v.actor),
        roles: v.roles,
        context: context_in(v.context),
    }
}

pub(super) fn actor_kind_in(k: wit::ActorKind) -> model::ActorKind {
    match k {
        wit::ActorKind::User => model::ActorKind::User,
        wit::ActorKind::System => model::ActorKind::System,
        wit::ActorKind::ApiKey => model::ActorKind::ApiKey,
        wit::ActorKind::Service => model::ActorKind::Service,
    }
}

pub(super) fn actor_kind_out(k: model::ActorKind) -> wit::ActorKind {
    match k {
        model::ActorKind::User => wit::ActorKind::User,
        model::ActorKind::System => wit::ActorKind::System,
        model::ActorKind::ApiKey => wit::ActorKind::ApiKey,
        model::ActorKind::Service => wit::ActorKind::Service,
    }
}

pub(super) fn actor_in(a: wit::Actor) -> model::Actor {
    model::Actor {
        id: a.id,
        name: a.name,
        email: a.email,
        kind: actor_kind_in(a.kind),
    }
}

pub(super) fn actor_out(a: model::Actor) -> wit::Actor {
    wit::Actor {
        id: a.id,
        name: a.name,
        email: a.email,
        kind: actor_kind_out(a.kind),
    }
}

pub(super) fn target_in(t: wit::Target) -> model::Target {
    model::Target {
        kind: t.kind,
        id: t.id,
        name: t.name,
    }
}

pub(super) fn target_out(t: model::Target) -> wit::Target {
    wit::Target {
        kind: t.kind,
        id: t.id,
        name: t.name,
    }
}

pub(super) fn context_in(c: wit::RequestContext) -> model::Context {
    model::Context {
        ip: c.ip,
        user_agent: c.user_agent,
        session_id: c.session_id,
        request_id: c.request_id,
    }
}

pub(super) fn context_out(c: model::Context) -> wit::RequestContext {
    wit::RequestContext {
        ip: c.ip,
        user_agent: c.user_agent,
        session_id: c.session_id,
        request_id: c.request_id,
    }
}

pub(super) fn outcome_in(o: wit::Outcome) -> (model::Outcome, Option<String>) {
    match o {
        wit::Outcome::Success => (model::Outcome::Success, None),
        wit::Outcome::Failure(reason) => (model::Outcome::Failure, reason),
    }
}

pub(super) fn outcome_out(o: model::Outcome, reason: Option<String>) -> wit::Outcome {
    match o {
        model::Outcome::Success => wit::Outcome::Success,
        model::Outcome::Failure => wit::Outcome::Failure(reason),
    }
}

pub(super) fn input(e: wit::EventInput) -> model::EventInput {
    let (outcome, failure_reason) = outcome_in(e.outcome);
    model::EventInput {
        tenant: e.tenant,
        action: e.action,
        actor: actor_in(e.actor),
        targets: e.targets.into_iter().map(target_in).collect(),
        outcome,
        failure_reason,
        context: context_in(e.context),
        occurred_at: e.occurred_at,
        before: e.before,
        after: e.after,
        metadata: e.metadata,
        idempotency_key: e.idempotency_key,
    }
}

pub(super) fn input_out(e: model::EventInput) -> wit::EventInput {
    wit::EventInput {
        tenant: e.tenant,
        action: e.action,
        actor: actor_out(e.actor),
        targets: e.targets.into_iter().map(target_out).collect(),
        outcome: outcome_out(e.outcome, e.failure_reason),
        context: context_out(e.context),
        occurred_at: e.occurred_at,
        before: e.before,
        after: e.after,
        metadata: e.metadata,
        idempotency_key: e.idempotency_key,
    }
}

pub(super) fn json_text(v: &serde_json::Value) -> String {
    canonical::to_string(v)
}

pub(super) fn change_out(c: model::Change) -> wit::Change {
    wit::Change {
        path: c.path,
        op: match c.op {
            model::ChangeOp::Add => wit::ChangeOp::Add,
            model::ChangeOp::Remove => wit::ChangeOp::Remove,
            model::ChangeOp::Replace => wit::ChangeOp::Replace,
            model::ChangeOp::Move => wit::ChangeOp::Move,
        },
        old: c.old.as_ref().map(json_text),
        new: c.new.as_ref().map(json_text),
        from_path: c.from,
        redacted: c.redacted,
        old_fingerprint: c.old_fingerprint,
        new_fingerprint: c.new_fingerprint,
        collapsed: c.collapsed,
    }
}

pub(super) fn change_in(c: wit::Change) -> crate::Result<model::Change> {
    let parse =
        |field: &str, v: Option<String>| v.map(|t| parse::parse_json(field, &t)).transpose();
    Ok(model::Change {
        op: match c.op {
            wit::ChangeOp::Add => model::ChangeOp::Add,
            wit::ChangeOp::Remove => model::ChangeOp::Remove,
            wit::ChangeOp::Replace => model::ChangeOp::Replace,
            wit::ChangeOp::Move => model::ChangeOp::Move,
        },
        old: parse("changes.old", c.old)?,
        new: parse("changes.new", c.new)?,
        path: c.path,
        from: c.from_path,
        redacted: c.redacted,
        old_fingerprint: c.old_fingerprint,
        new_fingerprint: c.new_fingerprint,
        collapsed: c.collapsed,
    })
}

pub(super) fn event_out(e: model::Event) -> wit::Event {
    wit::Event {
        id: e.id,
        seq: e.seq,
        tenant: e.tenant,
        action: e.action,
        label: e.label,
        category: e.category,
        change_type: e.change_type,
        correlation_id: e.correlation_id,
        idempotency_key: e.idempotency_key,
        actor: actor_out(e.actor),
        targets: e.targets.into_iter().map(target_out).collect(),
        outcome: outcome_out(e.outcome, e.failure_reason),
        context: context_out(e.context),
        occurred_at: e.occurred_at,
        recorded_at: e.recorded_at,
        changes: e.changes.into_iter().map(change_out).collect(),
        metadata: e.metadata.as_ref().map(json_text),
        prev_hash: e.prev_hash,
        hash: e.hash.unwrap_or_default(),
    }
}

pub(super) fn event_in(e: wit::Event) -> crate::Result<model::Event> {
    let (outcome, failure_reason) = outcome_in(e.outcome);
    Ok(model::Event {
        id: e.id,
        seq: e.seq,
        tenant: e.tenant,
        action: e.action,
        label: e.label,
        category: e.category,
        change_type: e.change_type,
        correlation_id: e.correlation_id,
        idempotency_key: e.idempotency_key,
        actor: actor_in(e.actor),
        targets: e.targets.into_iter().map(target_in).collect(),
        outcome,
        failure_reason,
        context: context_in(e.context),
        occurred_at: e.occurred_at,
        recorded_at: e.recorded_at,
        changes: e
            .changes
            .into_iter()
            .map(change_in)
            .collect::<crate::Result<_>>()?,
        metadata: e
            .metadata
            .map(|m| parse::parse_json("metadata", &m))
            .transpose()?,
        prev_hash: e.prev_hash,
        hash: Some(e.hash),
    })
}
