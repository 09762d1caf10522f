//! Liveness, readiness and the API's own description.

use crate::service::problem::{ApiError, ErrorBody};
use crate::service::respond::ok_json;
use crate::service::state::Shared;
use axum::extract::State;
use axum::response::Response;

/// Alive: the process answers.
#[utoipa::path(get, path = "/v1/health", tag = "service",
    responses((status = 200, body = Object, description = "{\"status\": \"ok\"}")))]
pub async fn health() -> Result<Response, ApiError> {
    ok_json(&serde_json::json!({"status": "ok"}))
}

/// Ready: the component answers a call and the store is readable.
#[utoipa::path(get, path = "/v1/ready", tag = "service",
    responses((status = 200, body = Object, description = "{\"status\": \"ready\"}"),
              (status = 503, body = ErrorBody)))]
pub async fn ready(State(state): State<Shared>) -> Result<Response, ApiError> {
    if !state.keys.reachable() {
        return Err(ApiError::unavailable("the key table cannot be read", 1));
    }
    // Reading a tenant's settings loads the component and reads the store,
    // and records nothing.
    state
        .workers
        .run(|session| session.get_settings("readiness-check"))
        .await?
        .map_err(|e| ApiError::unavailable(format!("not ready: {e}"), 1))?;
    ok_json(&serde_json::json!({"status": "ready"}))
}
