//! The one error object of the HTTP API, `{"error": {"kind", "field",
//! "message"}}`, and the status each failure gets: the component's error
//! kinds keep their names (`invalid-input`, `limit-exceeded`, `not-found`,
//! `denied`, `store`, `other`); the service adds its own for what never
//! reaches the component (`unauthorized`, `forbidden`, `bad-request`, ...).

use audit_host::HostError;
use audit_host::TrapKind;
use audit_host::bindings::Error as WitError;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A refused or failed request.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The error kind, stable for matching.
    pub kind: &'static str,
    /// The field, parameter or header at fault, when one is.
    pub field: Option<String>,
    /// One line for people; never echoes a secret.
    pub message: String,
    /// Seconds after which a retry may succeed (429, 503).
    pub retry_after: Option<u64>,
}

/// The body of every error response.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// `invalid-input`, `limit-exceeded`, `not-found`, `denied`, `store`,
    /// `other`, `trap` (the component's), or `bad-request`,
    /// `unauthorized`, `forbidden`, `conflict`, `unsupported-media-type`,
    /// `method-not-allowed`, `rate-limited`, `unavailable`, `timeout`,
    /// `not-intact` (the service's).
    pub kind: String,
    /// The field, query parameter or header at fault (`events[2].context.ip`,
    /// `from`, `Audit-Viewer.roles`), or null.
    pub field: Option<String>,
    /// One line for people.
    pub message: String,
}

impl ApiError {
    /// An error with this status, kind, field and message.
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            kind,
            field: field.map(String::from),
            message: audit_host::error::one_line(&message.into()),
            retry_after: None,
        }
    }

    /// 400: a parameter, header or body the service cannot read.
    pub fn bad_request(field: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", Some(field), message)
    }

    /// 422: a field of the request the log refuses, as the component's
    /// own `invalid-input` would be.
    pub fn invalid(field: &str, reason: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-input",
            Some(field),
            reason,
        )
    }

    /// 401: no credentials, or ones that are not valid.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            Some("Authorization"),
            message,
        )
    }

    /// 403: valid credentials that do not reach this tenant or call.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            Some("Authorization"),
            message,
        )
    }

    /// 413: a body over the service's limit.
    pub fn too_large(limit: usize, actual: Option<usize>) -> Self {
        let actual = actual.map(|a| format!("{a} bytes, ")).unwrap_or_default();
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "limit-exceeded",
            Some("body"),
            format!("{actual}over the limit of {limit} bytes (serve --max-body-mib)"),
        )
    }

    /// 503 with `Retry-After`: the service cannot take the request now.
    pub fn unavailable(message: impl Into<String>, retry_after: u64) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            None,
            message,
        )
        .retry_after(retry_after)
    }

    /// The same error with a `Retry-After` of `seconds`.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds.max(1));
        self
    }
}

impl From<HostError> for ApiError {
    fn from(e: HostError) -> Self {
        let message = e.to_string();
        match &e {
            HostError::Audit(w) | HostError::Refused(w) => match w {
                WitError::InvalidInput(f) => {
                    // The same idempotency key on a different event: the
                    // request conflicts with what is stored.
                    let conflict = f.field.ends_with("idempotency_key")
                        && f.reason.starts_with("already the key");
                    let status = if conflict {
                        StatusCode::CONFLICT
                    } else {
                        StatusCode::UNPROCESSABLE_ENTITY
                    };
                    ApiError::new(status, "invalid-input", Some(&f.field), f.reason.clone())
                }
                WitError::LimitExceeded(l) => ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "limit-exceeded",
                    Some(&l.field),
                    format!(
                        "{} {}, over the limit of {} {}",
                        l.actual, l.unit, l.limit, l.unit
                    ),
                ),
                WitError::NotFound(what) => {
                    ApiError::new(StatusCode::NOT_FOUND, "not-found", None, what.clone())
                }
                WitError::Denied(why) => {
                    ApiError::new(StatusCode::FORBIDDEN, "denied", None, why.clone())
                }
                WitError::Store(m) => ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "store",
                    None,
                    format!("store: {m}"),
                )
                .retry_after(1),
                WitError::Other(m) => {
                    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "other", None, m.clone())
                }
            },
            HostError::Trap { kind, .. } => match kind {
                // A call that ran out of time or memory may pass on retry
                // (smaller, or when the machine is less busy).
                TrapKind::Deadline | TrapKind::OutOfMemory => {
                    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "trap", None, message)
                        .retry_after(1)
                }
                _ => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "trap", None, message),
            },
            HostError::Exhausted(_) => ApiError::unavailable(message, 1),
            HostError::Load(_) | HostError::Storage(_) | HostError::Key(_) => {
                ApiError::unavailable(message, 5)
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                kind: self.kind.to_string(),
                field: self.field,
                message: self.message,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"audit-log\""),
            );
        }
        response
    }
}
