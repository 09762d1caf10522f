//! Success responses: JSON bodies with their status.

use super::problem::ApiError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

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
