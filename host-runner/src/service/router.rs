//! The router of API v1: every route to its handler, the bound on requests
//! in flight around the tenant routes, and the one error object for paths
//! and methods that do not exist.

use super::limits;
use super::openapi;
use super::problem::ApiError;
use super::routes::{admin, auth, events, export, health};
use super::state::Shared;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
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
        .route("/v1/openapi.json", get(openapi::serve))
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
