//! The same requests for both columns: the engine's native types turned
//! into the WIT types the host library lowers into the component.

use audit_component::core::model as m;
use audit_host::bindings as b;

/// An event input as the WIT record.
pub fn event_input(e: &m::EventInput) -> b::EventInput {
    b::EventInput {
        tenant: e.tenant.clone(),
        action: e.action.clone(),
        actor: actor(&e.actor),
        targets: e
            .targets
            .iter()
            .map(|t| b::Target {
                kind: t.kind.clone(),
                id: t.id.clone(),
                name: t.name.clone(),
            })
            .collect(),
        outcome: match e.outcome {
            m::Outcome::Success => b::Outcome::Success,
            m::Outcome::Failure => b::Outcome::Failure(e.failure_reason.clone()),
        },
        context: context(&e.context),
        occurred_at: e.occurred_at.clone(),
        before: e.before.clone(),
        after: e.after.clone(),
        metadata: e.metadata.clone(),
        idempotency_key: e.idempotency_key.clone(),
    }
}

fn actor(a: &m::Actor) -> b::Actor {
    b::Actor {
        id: a.id.clone(),
        name: a.name.clone(),
        email: a.email.clone(),
        kind: match a.kind {
            m::ActorKind::User => b::ActorKind::User,
            m::ActorKind::System => b::ActorKind::System,
            m::ActorKind::ApiKey => b::ActorKind::ApiKey,
            m::ActorKind::Service => b::ActorKind::Service,
        },
    }
}

fn context(c: &m::Context) -> b::RequestContext {
    b::RequestContext {
        ip: c.ip.clone(),
        user_agent: c.user_agent.clone(),
        session_id: c.session_id.clone(),
        request_id: c.request_id.clone(),
    }
}

/// The reader every benchmark read is recorded as: an admin.
pub fn native_viewer() -> audit_component::read::access::Viewer {
    audit_component::read::access::Viewer {
        actor: m::Actor {
            id: "bench".into(),
            name: None,
            email: None,
            kind: m::ActorKind::User,
        },
        roles: vec!["admin".into()],
        context: m::Context::default(),
    }
}

/// [`native_viewer`] as the WIT record.
pub fn viewer() -> b::Viewer {
    let v = native_viewer();
    b::Viewer {
        actor: actor(&v.actor),
        roles: v.roles,
        context: context(&v.context),
    }
}

/// A native filter as the WIT record.
pub fn filter(f: &audit_component::read::filter::Filter) -> b::Filter {
    b::Filter {
        tenant: f.tenant.clone(),
        since: f.since.clone(),
        until: f.until.clone(),
        actor_id: f.actor_id.clone(),
        action: f.action.clone(),
        actor_name: f.actor_name.clone(),
        category: f.category.clone(),
        change_type: f.change_type.clone(),
        target_kind: f.target_kind.clone(),
        target_id: f.target_id.clone(),
        outcome: f.outcome.map(|o| match o {
            m::Outcome::Success => b::OutcomeKind::Success,
            m::Outcome::Failure => b::OutcomeKind::Failure,
        }),
        ip: f.ip.clone(),
        text: f.text.clone(),
    }
}
