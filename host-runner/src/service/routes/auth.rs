//! The authentication log over HTTP: sign-ins, sign-outs and password
//! recovery (the records of `audit-host auth`, as JSON), and its pages.

use crate::json::auth_record::{self, Kind};
use crate::json::records::{self, AuthEntryJson};
use crate::service::access::authorize;
use crate::service::access::read_caller;
use crate::service::api_keys::Scope;
use crate::service::limits::read_body;
use crate::service::params::{PageParams, Params, named_by_params};
use crate::service::peer::Peer;
use crate::service::problem::{ApiError, ErrorBody};
use crate::service::respond::{created, ok_json};
use crate::service::routes::events::StoredEvents;
use crate::service::state::Shared;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;

async fn record(
    state: Shared,
    tenant: String,
    headers: HeaderMap,
    body: Body,
    kind: Kind,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, &tenant, Scope::Ingest)?;
    if headers.contains_key("Idempotency-Key") {
        // The component keeps no idempotency key on authentication records
        // (each attempt is its own event); refusing is better than a key
        // that silently does nothing.
        return Err(ApiError::bad_request(
            "Idempotency-Key",
            "not taken by the authentication log's calls: every attempt is recorded",
        ));
    }
    let body = read_body(&state.limits, &headers, body).await?;
    let record = auth_record::parse(kind, &body, Some(&tenant), "")
        .map_err(|e| ApiError::invalid(&e.field, e.reason))?;
    if record.tenant() != tenant {
        return Err(ApiError::invalid(
            "tenant",
            "another tenant than the request's path names",
        ));
    }
    let stored = state
        .workers
        .run(move |session| -> Result<_, ApiError> {
            let events = record.record(session, "")?;
            Ok(records::events(session, &events)?)
        })
        .await??;
    created(&StoredEvents { events: stored })
}

/// Record a sign-in attempt: `user.login_succeeded`, `user.login_failed`
/// or `user.login_failed_valid_account`, then the brute-force alert it
/// raised, if any.
#[utoipa::path(post, path = "/v1/tenants/{tenant}/auth/login", tag = "authentication",
    params(("tenant" = String, Path, description = "The tenant")),
    request_body(content = Object, description = "The WIT login-attempt as JSON: account, identifier, method, failure, context, occurred_at"),
    responses((status = 201, body = StoredEvents), (status = "4XX", body = ErrorBody), (status = "5XX", body = ErrorBody)),
    security(("service_key" = [])))]
pub async fn login(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    record(state, tenant, headers, body, Kind::Login).await
}

/// Record a sign-out (`user.logout`, with the session's length).
#[utoipa::path(post, path = "/v1/tenants/{tenant}/auth/logout", tag = "authentication",
    params(("tenant" = String, Path, description = "The tenant")),
    request_body(content = Object, description = "The WIT logout as JSON: account, context (session_id required), occurred_at"),
    responses((status = 201, body = StoredEvents), (status = "4XX", body = ErrorBody), (status = "5XX", body = ErrorBody)),
    security(("service_key" = [])))]
pub async fn logout(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    record(state, tenant, headers, body, Kind::Logout).await
}

/// Record a password-recovery request.
#[utoipa::path(post, path = "/v1/tenants/{tenant}/auth/recovery", tag = "authentication",
    params(("tenant" = String, Path, description = "The tenant")),
    request_body(content = Object, description = "The WIT recovery-request as JSON: account, identifier, context, occurred_at"),
    responses((status = 201, body = StoredEvents), (status = "4XX", body = ErrorBody), (status = "5XX", body = ErrorBody)),
    security(("service_key" = [])))]
pub async fn recovery(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    record(state, tenant, headers, body, Kind::Recovery).await
}

/// A page of the authentication log.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AuthLogPage {
    /// The entries: the event, the user as people see it, the sign-in
    /// method, a sign-out's session length.
    #[schema(value_type = Vec<Object>)]
    pub entries: Vec<AuthEntryJson>,
    /// Pass as `cursor` to read on.
    pub next_cursor: Option<String>,
    /// With `count=true`: how many entries match in all.
    pub count: Option<u64>,
}

/// Read a page of the authentication log, for a viewer (recorded).
#[utoipa::path(get, path = "/v1/tenants/{tenant}/auth-log", tag = "authentication",
    params(("tenant" = String, Path, description = "The tenant"), PageParams,
           ("Audit-Viewer" = Option<String>, Header, description = "With a service key: who reads")),
    responses((status = 200, body = AuthLogPage), (status = "4XX", body = ErrorBody), (status = "5XX", body = ErrorBody)),
    security(("service_key" = []), ("viewer_token" = [])))]
pub async fn log(
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
                .auth_log(&request)
                .map_err(|e| named_by_params(e.into()))?;
            let entries = page
                .entries
                .iter()
                .map(|e| records::auth_entry(session, e))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(AuthLogPage {
                entries,
                next_cursor: page.next_cursor,
                count: page.total,
            })
        })
        .await??;
    ok_json(&page)
}
