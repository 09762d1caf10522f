//! Checks on what a call would copy into the guest, made by the host before
//! anything is lowered: the component checks every field itself, but only
//! after the arguments sit in its linear memory, so an argument of a
//! gigabyte would fill that memory (and trap) before any check could run.
//! Here the sum of a call's strings is held to [`Options::max_input_bytes`]
//! and a batch to the component's event limit; a refusal is an ordinary
//! error naming the field, in the component's own shape.
//!
//! [`Options::max_input_bytes`]: crate::Options::max_input_bytes

use crate::bindings::{
    Actor, Error, Event, EventInput, ExportRequest, FieldError, Filter, LimitError, LoginAttempt,
    Logout, Outcome, PageRequest, RecoveryRequest, RequestContext, Viewer,
};
use crate::error::HostError;

/// Events per `append-batch`: the component's own limit
/// (`audit-component/src/limits.rs`), repeated here so that a longer list is
/// never lowered.
pub const MAX_BATCH_EVENTS: usize = 10_000;

/// Text given as bytes must be UTF-8 and at most `limit` bytes.
pub(crate) fn text_bytes(bytes: &[u8], limit: usize) -> Result<&str, HostError> {
    within("input", bytes.len(), limit)?;
    std::str::from_utf8(bytes).map_err(|e| {
        HostError::Refused(Error::InvalidInput(FieldError {
            field: "input".into(),
            reason: format!("not valid UTF-8 (at byte {})", e.valid_up_to()),
        }))
    })
}

/// Bytes (not text) of one argument: at most `limit`.
pub(crate) fn bytes(field: &str, len: usize, limit: usize) -> Result<(), HostError> {
    within(field, len, limit)
}

/// Strings of one call, by field name: their total must stay within `limit`.
pub(crate) fn strings<'a>(
    fields: impl IntoIterator<Item = (&'a str, &'a str)>,
    limit: usize,
) -> Result<(), HostError> {
    let mut total = 0usize;
    let mut largest = ("", 0usize);
    for (field, text) in fields {
        total = total.saturating_add(text.len());
        if text.len() > largest.1 {
            largest = (field, text.len());
        }
    }
    if total <= limit {
        return Ok(());
    }
    if largest.1 > limit {
        return within(largest.0, largest.1, limit);
    }
    within("arguments", total, limit)
}

/// A batch of inputs: at most [`MAX_BATCH_EVENTS`], and at most `limit`
/// bytes of strings in all. A field over the limit by itself is named with
/// its index (`events[3].after`); otherwise the batch (`events`).
pub(crate) fn event_inputs(events: &[EventInput], limit: usize) -> Result<(), HostError> {
    if events.len() > MAX_BATCH_EVENTS {
        return Err(too_large("events", MAX_BATCH_EVENTS, events.len(), "items"));
    }
    inputs(events, limit, true)
}

/// One input (the `append` call): the same check, naming the field alone
/// (`after`), or `event`.
pub(crate) fn event_input(event: &EventInput, limit: usize) -> Result<(), HostError> {
    inputs(std::slice::from_ref(event), limit, false)
}

/// A bulk operation: the parent and at most [`MAX_BATCH_EVENTS`] - 1
/// children, at most `limit` bytes of strings in all; a field over the
/// limit by itself is named (`parent.after`, `children[3].after`).
pub(crate) fn bulk_inputs(
    parent: &EventInput,
    children: &[EventInput],
    limit: usize,
) -> Result<(), HostError> {
    if children.len() >= MAX_BATCH_EVENTS {
        return Err(too_large(
            "children",
            MAX_BATCH_EVENTS - 1,
            children.len(),
            "items",
        ));
    }
    let mut total = 0usize;
    let named = std::iter::once(("parent".to_string(), parent)).chain(
        children
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("children[{i}]"), c)),
    );
    for (name, event) in named {
        total = total.saturating_add(input_total(event, limit, &name)?);
    }
    within("events", total, limit)
}

fn inputs(events: &[EventInput], limit: usize, batch: bool) -> Result<(), HostError> {
    let mut total = 0usize;
    for (i, event) in events.iter().enumerate() {
        let name = if batch {
            format!("events[{i}]")
        } else {
            String::new()
        };
        total = total.saturating_add(input_total(event, limit, &name)?);
    }
    within(if batch { "events" } else { "event" }, total, limit)
}

/// The bytes of an input's strings; an error naming the first field over
/// `limit` by itself (under `prefix`, when not empty).
fn input_total(event: &EventInput, limit: usize, prefix: &str) -> Result<usize, HostError> {
    let mut total = 0usize;
    let mut over = None;
    each_input_string(event, &mut |field, text| {
        total = total.saturating_add(text.len());
        if over.is_none() && text.len() > limit {
            over = Some((field, text.len()));
        }
    });
    match over {
        Some((field, len)) if prefix.is_empty() => {
            within(&field.to_string(), len, limit).map(|()| 0)
        }
        Some((field, len)) => within(&format!("{prefix}.{field}"), len, limit).map(|()| 0),
        None => Ok(total),
    }
}

/// An actor's strings, under `prefix` (`account`, `actor`).
pub(crate) fn actor_strings<'a>(
    prefix: &'a str,
    a: &'a Actor,
) -> impl Iterator<Item = (&'a str, &'a str)> {
    [Some(a.id.as_str()), a.name.as_deref(), a.email.as_deref()]
        .into_iter()
        .flatten()
        .map(move |t| (prefix, t))
}

/// A request context's strings.
fn context_strings(c: &RequestContext) -> impl Iterator<Item = (&str, &str)> {
    [
        ("context.ip", &c.ip),
        ("context.user_agent", &c.user_agent),
        ("context.session_id", &c.session_id),
        ("context.request_id", &c.request_id),
    ]
    .into_iter()
    .filter_map(|(n, v)| v.as_deref().map(|v| (n, v)))
}

/// A sign-in attempt's strings, by field name.
pub(crate) fn login_strings(a: &LoginAttempt) -> impl Iterator<Item = (&str, &str)> {
    [
        ("tenant", Some(a.tenant.as_str())),
        ("identifier", a.identifier.as_deref()),
        ("occurred_at", a.occurred_at.as_deref()),
    ]
    .into_iter()
    .filter_map(|(n, v)| v.map(|v| (n, v)))
    .chain(a.account.iter().flat_map(|a| actor_strings("account", a)))
    .chain(context_strings(&a.context))
}

/// A sign-out's strings, by field name.
pub(crate) fn logout_strings(l: &Logout) -> impl Iterator<Item = (&str, &str)> {
    [
        ("tenant", Some(l.tenant.as_str())),
        ("occurred_at", l.occurred_at.as_deref()),
    ]
    .into_iter()
    .filter_map(|(n, v)| v.map(|v| (n, v)))
    .chain(actor_strings("account", &l.account))
    .chain(context_strings(&l.context))
}

/// A recovery request's strings, by field name.
pub(crate) fn recovery_strings(r: &RecoveryRequest) -> impl Iterator<Item = (&str, &str)> {
    [
        ("tenant", Some(r.tenant.as_str())),
        ("identifier", r.identifier.as_deref()),
        ("occurred_at", r.occurred_at.as_deref()),
    ]
    .into_iter()
    .filter_map(|(n, v)| v.map(|v| (n, v)))
    .chain(r.account.iter().flat_map(|a| actor_strings("account", a)))
    .chain(context_strings(&r.context))
}

/// A page request: its filter strings, cursor and viewer.
pub(crate) fn page_request(r: &PageRequest, limit: usize) -> Result<(), HostError> {
    strings(
        filter_strings(&r.filter)
            .chain(r.cursor.as_deref().map(|c| ("cursor", c)))
            .chain(viewer_strings(&r.viewer)),
        limit,
    )
}

/// An export request: its filter strings, viewer, columns and offset.
pub(crate) fn export_request(r: &ExportRequest, limit: usize) -> Result<(), HostError> {
    strings(
        filter_strings(&r.filter)
            .chain(viewer_strings(&r.viewer))
            .chain(r.columns.iter().map(|c| ("columns", c.as_str())))
            .chain(r.utc_offset.as_deref().map(|o| ("utc_offset", o))),
        limit,
    )
}

/// A filter's strings, by field name.
fn filter_strings(f: &Filter) -> impl Iterator<Item = (&str, &str)> {
    let optional = [
        ("filter.since", &f.since),
        ("filter.until", &f.until),
        ("filter.actor_id", &f.actor_id),
        ("filter.action", &f.action),
        ("filter.actor_name", &f.actor_name),
        ("filter.category", &f.category),
        ("filter.change_type", &f.change_type),
        ("filter.target_kind", &f.target_kind),
        ("filter.target_id", &f.target_id),
        ("filter.ip", &f.ip),
        ("filter.text", &f.text),
    ];
    std::iter::once(("filter.tenant", f.tenant.as_str())).chain(
        optional
            .into_iter()
            .filter_map(|(n, v)| v.as_deref().map(|v| (n, v))),
    )
}

/// A viewer's strings, by field name.
pub(crate) fn viewer_strings(v: &Viewer) -> impl Iterator<Item = (&str, &str)> {
    let optional = [
        ("viewer.actor.name", &v.actor.name),
        ("viewer.actor.email", &v.actor.email),
        ("viewer.context.ip", &v.context.ip),
        ("viewer.context.user_agent", &v.context.user_agent),
        ("viewer.context.session_id", &v.context.session_id),
        ("viewer.context.request_id", &v.context.request_id),
    ];
    std::iter::once(("viewer.actor.id", v.actor.id.as_str()))
        .chain(
            optional
                .into_iter()
                .filter_map(|(n, v)| v.as_deref().map(|v| (n, v))),
        )
        .chain(v.roles.iter().map(|r| ("viewer.roles", r.as_str())))
}

/// A stored event handed back to the component (`to-json`).
pub(crate) fn event(e: &Event, limit: usize) -> Result<(), HostError> {
    let mut total = 0usize;
    let mut add = |text: &str| total = total.saturating_add(text.len());
    for text in [&e.label, &e.correlation_id].into_iter().flatten() {
        add(text);
    }
    for text in [
        &e.id,
        &e.tenant,
        &e.action,
        &e.category,
        &e.change_type,
        &e.occurred_at,
        &e.recorded_at,
        &e.prev_hash,
        &e.hash,
        &e.actor.id,
    ] {
        add(text);
    }
    for text in [&e.actor.name, &e.actor.email, &e.metadata]
        .into_iter()
        .chain(context(&e.context))
        .flatten()
    {
        add(text);
    }
    for t in &e.targets {
        add(&t.kind);
        add(&t.id);
        add(t.name.as_deref().unwrap_or(""));
    }
    for c in &e.changes {
        add(&c.path);
        add(c.old.as_deref().unwrap_or(""));
        add(c.new.as_deref().unwrap_or(""));
    }
    if let Outcome::Failure(Some(reason)) = &e.outcome {
        add(reason);
    }
    within("event", total, limit)
}

fn context(c: &crate::bindings::RequestContext) -> [&Option<String>; 4] {
    [&c.ip, &c.user_agent, &c.session_id, &c.request_id]
}

/// A field of an event input, spelled out only when an error names it.
#[derive(Clone, Copy)]
enum Field {
    Plain(&'static str),
    Target(usize, &'static str),
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Field::Plain(name) => f.write_str(name),
            Field::Target(i, name) => write!(f, "targets[{i}].{name}"),
        }
    }
}

/// Calls `f` with every string of an input and its field.
fn each_input_string<'a>(e: &'a EventInput, f: &mut dyn FnMut(Field, &'a str)) {
    f(Field::Plain("tenant"), &e.tenant);
    f(Field::Plain("action"), &e.action);
    f(Field::Plain("actor.id"), &e.actor.id);
    let optional: [(&'static str, &'a Option<String>); 10] = [
        ("actor.name", &e.actor.name),
        ("actor.email", &e.actor.email),
        ("context.ip", &e.context.ip),
        ("context.user_agent", &e.context.user_agent),
        ("context.session_id", &e.context.session_id),
        ("context.request_id", &e.context.request_id),
        ("occurred_at", &e.occurred_at),
        ("before", &e.before),
        ("after", &e.after),
        ("metadata", &e.metadata),
    ];
    for (field, value) in optional {
        if let Some(text) = value {
            f(Field::Plain(field), text);
        }
    }
    if let Outcome::Failure(Some(reason)) = &e.outcome {
        f(Field::Plain("failure_reason"), reason);
    }
    for (i, t) in e.targets.iter().enumerate() {
        f(Field::Target(i, "kind"), &t.kind);
        f(Field::Target(i, "id"), &t.id);
        if let Some(name) = &t.name {
            f(Field::Target(i, "name"), name);
        }
    }
}

fn within(field: &str, actual: usize, limit: usize) -> Result<(), HostError> {
    if actual <= limit {
        Ok(())
    } else {
        Err(too_large(field, limit, actual, "bytes"))
    }
}

fn too_large(field: &str, limit: usize, actual: usize, unit: &str) -> HostError {
    HostError::Refused(Error::LimitExceeded(LimitError {
        field: field.into(),
        limit: limit as u64,
        actual: actual as u64,
        unit: unit.into(),
    }))
}
