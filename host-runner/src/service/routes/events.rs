//! `/v1/tenants/{tenant}/events`: record events (one object, an array or
//! JSON Lines; a bulk operation), read a page of them, read one.

use crate::json::records;
use crate::service::access::authorize;
use crate::service::access::read_caller;
use crate::service::api_keys::Scope;
use crate::service::limits::read_body;
use crate::service::params::{PageParams, Params, named_by_params};
use crate::service::peer::Peer;
use crate::service::problem::{ApiError, ErrorBody};
use crate::service::respond::{created, ok_json};
use crate::service::state::Shared;
use audit_host::bindings::EventInput;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use serde::Serialize;
use serde_json::value::RawValue;

/// The events a call stored, as stored.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StoredEvents {
    /// Each stored event, canonical JSON as `codec.to-json` writes it
    /// (`docs/hashing.md`), in the order given.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<Box<RawValue>>,
}

/// A page of events.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EventPage {
    /// The events, in the requested order.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<Box<RawValue>>,
    /// Pass as `cursor` to read the next page; null on the last.
    pub next_cursor: Option<String>,
    /// With `count=true`: how many events match in all.
    pub count: Option<u64>,
}

/// The longest `Idempotency-Key` a request may carry (the event keys made
/// from it add `#` and the event's index).
const MAX_IDEMPOTENCY_KEY: usize = 200;

/// Record events, all or nothing.
///
/// The body is one event object, a JSON array of them, or JSON Lines
/// (`application/x-ndjson`). Events without `tenant` get the path's; an
/// event naming another tenant is refused, naming its index. The answer
/// comes only after the store has committed every event. With an
/// `Idempotency-Key`, event `i` of the request is recorded with the
/// idempotency key `KEY#i` (unless it has its own), so a retry of the same
/// request returns the events stored the first time instead of recording
/// them again.
#[utoipa::path(post, path = "/v1/tenants/{tenant}/events", tag = "events",
    params(("tenant" = String, Path, description = "The tenant"),
           ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first response (1 to 200 visible ASCII characters)")),
    request_body(content = Object, description = "An event, an array of events, or JSON Lines",
                 content_type = "application/json"),
    responses((status = 201, body = StoredEvents, description = "Stored and committed"),
              (status = "4XX", body = ErrorBody), (status = "5XX", body = ErrorBody)),
    security(("service_key" = [])))]
pub async fn append(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let (body, key) = ingest_body(&state, &tenant, &headers, body).await?;
    let text =
        String::from_utf8(body.to_vec()).map_err(|_| ApiError::bad_request("body", "not UTF-8"))?;
    let stored = state
        .workers
        .run(move |session| -> Result<_, ApiError> {
            let mut inputs = session.parse_inputs(&text, Some(&tenant))?;
            own_tenant(&inputs, &tenant, |i| format!("events[{i}].tenant"))?;
            if let Some(key) = &key {
                for (i, input) in inputs.iter_mut().enumerate() {
                    input
                        .idempotency_key
                        .get_or_insert_with(|| format!("{key}#{i}"));
                }
            }
            let events = session.append_batch(&inputs)?;
            Ok(records::events(session, &events)?)
        })
        .await??;
    created(&StoredEvents { events: stored })
}

/// The body of a bulk operation.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkBody {
    /// The operation's own event (`lead.bulk_updated`, `user.imported`).
    #[schema(value_type = Object)]
    pub parent: Box<RawValue>,
    /// One event per affected entity.
    #[schema(value_type = Vec<Object>)]
    pub children: Vec<Box<RawValue>>,
}

/// Record a bulk operation: the parent and one event per entity, linked
/// by the parent's id as their `correlation_id`, all or nothing.
#[utoipa::path(post, path = "/v1/tenants/{tenant}/events/bulk", tag = "events",
    params(("tenant" = String, Path, description = "The tenant"),
           ("Idempotency-Key" = Option<String>, Header, description = "The parent is recorded with KEY#0, child i with KEY#(i+1)")),
    request_body = BulkBody,
    responses((status = 201, body = StoredEvents, description = "The parent, then the children"),
              (status = "4XX", body = ErrorBody), (status = "5XX", body = ErrorBody)),
    security(("service_key" = [])))]
pub async fn append_bulk(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let (body, key) = ingest_body(&state, &tenant, &headers, body).await?;
    let mut de = serde_json::Deserializer::from_slice(&body);
    let bulk: BulkBody = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        ApiError::bad_request(
            if path == "." { "body" } else { &path },
            crate::json::auth_record::one_line_serde(e.inner()),
        )
    })?;
    let stored = state
        .workers
        .run(move |session| -> Result<_, ApiError> {
            let (mut parent, mut children) = bulk_inputs(session, &bulk, &tenant)?;
            if let Some(key) = &key {
                parent
                    .idempotency_key
                    .get_or_insert_with(|| format!("{key}#0"));
                for (i, child) in children.iter_mut().enumerate() {
                    child
                        .idempotency_key
                        .get_or_insert_with(|| format!("{key}#{}", i + 1));
                }
            }
            let events = session.append_bulk(&parent, &children)?;
            Ok(records::events(session, &events)?)
        })
        .await??;
    created(&StoredEvents { events: stored })
}

/// Where event `i` of a bulk body's inputs is: the parent, then the
/// children.
fn bulk_place(i: usize) -> String {
    match i {
        0 => "parent".to_string(),
        i => format!("children[{}]", i - 1),
    }
}

/// The parent and children of a bulk body, read by the component's codec
/// in one call (as one array: the parent first) and named by their place
/// (`children[3].context.ip`).
fn bulk_inputs(
    session: &mut audit_host::Session,
    bulk: &BulkBody,
    tenant: &str,
) -> Result<(EventInput, Vec<EventInput>), ApiError> {
    let all: Vec<&str> = std::iter::once(bulk.parent.get())
        .chain(bulk.children.iter().map(|c| c.get()))
        .collect();
    if let Some(i) = all.iter().position(|e| !e.trim_start().starts_with('{')) {
        return Err(ApiError::bad_request(
            &bulk_place(i),
            "expected an event object",
        ));
    }
    let array = format!("[{}]", all.join(","));
    let mut inputs = session.parse_inputs(&array, Some(tenant)).map_err(|e| {
        let mut e = ApiError::from(e);
        if let Some(field) = &e.field
            && let Some(rest) = field.strip_prefix("events[")
            && let Some((index, rest)) = rest.split_once(']')
            && let Ok(i) = index.parse::<usize>()
        {
            e.field = Some(format!("{}{rest}", bulk_place(i)));
        }
        e
    })?;
    own_tenant(&inputs, tenant, |i| format!("{}.tenant", bulk_place(i)))?;
    let children = inputs.split_off(1);
    Ok((inputs.remove(0), children))
}

/// Refuses an event of another tenant than the path's.
fn own_tenant(
    inputs: &[EventInput],
    tenant: &str,
    field: impl Fn(usize) -> String,
) -> Result<(), ApiError> {
    match inputs.iter().position(|e| e.tenant != tenant) {
        Some(i) => Err(ApiError::invalid(
            &field(i),
            "another tenant than the request's path names",
        )),
        None => Ok(()),
    }
}

/// What every recording call checks first: an ingest key of the tenant, a
/// JSON body within the limits, and the `Idempotency-Key` if there is one.
async fn ingest_body(
    state: &Shared,
    tenant: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<(axum::body::Bytes, Option<String>), ApiError> {
    authorize(state, headers, tenant, Scope::Ingest)?;
    content_type(headers)?;
    let key = idempotency_key(headers)?;
    Ok((read_body(&state.limits, headers, body).await?, key))
}

fn content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let media = value
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match media.as_str() {
        "application/json"
        | "application/x-ndjson"
        | "application/jsonl"
        | "application/json-seq"
        | "text/plain" => Ok(()),
        _ => Err(ApiError::new(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            Some("Content-Type"),
            "expected application/json or application/x-ndjson",
        )),
    }
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("Idempotency-Key") else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("");
    if text.is_empty()
        || text.len() > MAX_IDEMPOTENCY_KEY
        || !text.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(ApiError::bad_request(
            "Idempotency-Key",
            format!("1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters"),
        ));
    }
    Ok(Some(text.to_string()))
}

/// Read a page of events, newest first by default, for a viewer (the read
/// is recorded in the log as `audit_log.viewed`).
#[utoipa::path(get, path = "/v1/tenants/{tenant}/events", tag = "events",
    params(("tenant" = String, Path, description = "The tenant"), PageParams,
           ("Audit-Viewer" = Option<String>, Header, description = "With a service key: who reads, JSON {\"id\", \"name\", \"roles\"}")),
    responses((status = 200, body = EventPage), (status = "4XX", body = ErrorBody), (status = "5XX", body = ErrorBody)),
    security(("service_key" = []), ("viewer_token" = [])))]
pub async fn list(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    Params(params): Params<PageParams>,
    peer: Peer,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let viewer = read_caller(&state, &headers, &tenant, peer)?;
    let request = params.request(&tenant, viewer);
    let page = state
        .workers
        .run(move |session| -> Result<_, ApiError> {
            let page = session
                .query(&request)
                .map_err(|e| named_by_params(e.into()))?;
            Ok(EventPage {
                events: records::events(session, &page.events)?,
                next_cursor: page.next_cursor,
                count: page.total,
            })
        })
        .await??;
    ok_json(&page)
}

/// Read one event by its id, for a viewer (recorded like a page).
#[utoipa::path(get, path = "/v1/tenants/{tenant}/events/{id}", tag = "events",
    params(("tenant" = String, Path, description = "The tenant"), ("id" = String, Path, description = "The event's id"),
           ("Audit-Viewer" = Option<String>, Header, description = "With a service key: who reads")),
    responses((status = 200, body = Object, description = "The event as stored"),
              (status = "4XX", body = ErrorBody), (status = "5XX", body = ErrorBody)),
    security(("service_key" = []), ("viewer_token" = [])))]
pub async fn get(
    State(state): State<Shared>,
    Path((tenant, id)): Path<(String, String)>,
    peer: Peer,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let viewer = read_caller(&state, &headers, &tenant, peer)?;
    let event = state
        .workers
        .run(move |session| -> Result<_, ApiError> {
            let event = session
                .get_event(&tenant, &id, &viewer)
                .map_err(|e| named_by_params(e.into()))?;
            Ok(records::event(session, &event)?)
        })
        .await??;
    ok_json(&event)
}
