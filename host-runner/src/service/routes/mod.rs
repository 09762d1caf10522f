//! The API's routes, one file per group, and what their handlers share:
//! each handler authorizes the caller, then makes the same session calls
//! the command line makes, on a worker.

pub mod admin;
pub mod auth;
pub mod events;
pub mod export;
pub mod health;

use super::access::authorize;
use super::api_keys::Scope;
use super::limits::{self, check_read_rate};
use super::problem::ApiError;
use super::state::Shared;
use audit_host::bindings::Viewer;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The router of API v1.
pub fn router(state: Shared) -> Router {
    let gate = Arc::new(tokio::sync::Semaphore::new(
        state.limits.max_in_flight.max(1),
    ));
    let api = Router::new()
        .route(
            "/v1/tenants/{tenant}/events",
            post(events::append).get(events::list),
        )
        .route(
            "/v1/tenants/{tenant}/events/bulk",
            post(events::append_bulk),
        )
        .route("/v1/tenants/{tenant}/events/{id}", get(events::get))
        .route("/v1/tenants/{tenant}/auth/login", post(auth::login))
        .route("/v1/tenants/{tenant}/auth/logout", post(auth::logout))
        .route("/v1/tenants/{tenant}/auth/recovery", post(auth::recovery))
        .route("/v1/tenants/{tenant}/auth-log", get(auth::log))
        .route("/v1/tenants/{tenant}/export", get(export::export))
        .route("/v1/tenants/{tenant}/verify", get(admin::verify))
        .route("/v1/tenants/{tenant}/checkpoints", post(admin::checkpoint))
        .route("/v1/tenants/{tenant}/actions", get(admin::actions))
        .route(
            "/v1/tenants/{tenant}/settings",
            get(admin::get_settings)
                .put(admin::put_settings)
                .patch(admin::patch_settings),
        )
        .route(
            "/v1/tenants/{tenant}/viewer-tokens",
            post(admin::viewer_token),
        )
        .layer(axum::middleware::from_fn_with_state(
            gate,
            limits::in_flight,
        ));
    Router::new()
        .route("/v1/health", get(health::health))
        .route("/v1/ready", get(health::ready))
        .route("/v1/openapi.json", get(health::openapi))
        .merge(api)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not-found",
        None,
        "no such endpoint (see /v1/openapi.json)",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        None,
        "this endpoint does not take this method (see /v1/openapi.json)",
    )
}

/// The peer's address, which the listener puts in each request.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(parts.extensions.get::<SocketAddr>().map(|a| a.ip())))
    }
}

/// The caller of a read (read scope, within its rate) and its viewer.
pub fn read_caller(
    state: &Shared,
    headers: &HeaderMap,
    tenant: &str,
    peer: Peer,
) -> Result<Viewer, ApiError> {
    let caller = authorize(state, headers, tenant, Scope::Read)?;
    check_read_rate(state, caller.rate_key(tenant))?;
    caller
        .viewer(headers, peer.0)
        .map_err(super::params::named_by_params)
}

/// 201 with a JSON body.
pub fn created(body: &impl serde::Serialize) -> Result<Response, ApiError> {
    json_response(StatusCode::CREATED, body)
}

/// 200 with a JSON body.
pub fn ok_json(body: &impl serde::Serialize) -> Result<Response, ApiError> {
    json_response(StatusCode::OK, body)
}

fn json_response(status: StatusCode, body: &impl serde::Serialize) -> Result<Response, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "other",
            None,
            format!("writing JSON: {e}"),
        )
    })?;
    let mut response = (status, bytes).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}
