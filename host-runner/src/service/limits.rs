//! The limits a service runs with by default: a body size, a time to send
//! the headers and the body, a bound on requests in flight (503 with
//! `Retry-After` beyond it), and a rate of reads per key (429). The
//! component's own deadline per call applies inside (`--deadline-ms`).

use super::problem::ApiError;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota};
use http_body_util::BodyExt as _;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The limits, each a `serve` flag.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Time for a client to send its request headers.
    pub header_timeout: Duration,
    /// Time for a client to send its body once the headers are in.
    pub body_timeout: Duration,
    /// Requests handled at once; more get 503.
    pub max_in_flight: usize,
    /// Reads (queries, exports, verifications) per second per key.
    pub reads_per_second: u32,
    /// Reads a key may make at once before the rate applies.
    pub read_burst: u32,
}

/// Reads per key.
pub type RateLimiter = DefaultKeyedRateLimiter<String>;

/// The limiter of reads per key for these limits.
pub fn rate_limiter(limits: &Limits) -> RateLimiter {
    let rate = NonZeroU32::new(limits.reads_per_second.max(1)).expect("at least 1");
    let burst = NonZeroU32::new(limits.read_burst.max(1)).expect("at least 1");
    governor::RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))
}

/// 429 when `key` has read more than its rate.
pub fn check_read_rate(rate: &RateLimiter, limits: &Limits, key: String) -> Result<(), ApiError> {
    match rate.check_key(&key) {
        Ok(()) => Ok(()),
        Err(not_until) => {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ));
            Err(ApiError::new(
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                None,
                format!(
                    "more than {} reads a second with this credential (serve --reads-per-second)",
                    limits.reads_per_second
                ),
            )
            .retry_after(wait.as_secs_f64().ceil() as u64))
        }
    }
}

/// The bound on requests in flight, as middleware.
pub async fn in_flight(
    State(gate): State<Arc<Semaphore>>,
    request: Request,
    next: Next,
) -> Response {
    match gate.try_acquire_owned() {
        Ok(permit) => {
            let response = next.run(request).await;
            drop(permit);
            response
        }
        Err(_) => ApiError::unavailable(
            "too many requests in flight (serve --max-in-flight); retry shortly",
            1,
        )
        .into_response(),
    }
}

/// The whole body, within the size limit and the body timeout. A body
/// over the limit is still read (and dropped) up to a bound, so that the
/// client, still sending, reads the 413 instead of a reset connection.
pub async fn read_body(
    limits: &Limits,
    headers: &axum::http::HeaderMap,
    body: Body,
) -> Result<Bytes, ApiError> {
    let limit = limits.max_body_bytes;
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let drain_cap = limit.saturating_mul(4).max(64 * 1024 * 1024);
    let collect = async {
        let mut body = body;
        let mut bytes = Vec::new();
        let mut seen = 0usize;
        let too_large = declared.is_some_and(|n| n > limit);
        while let Some(frame) = body.frame().await {
            let frame = frame
                .map_err(|e| ApiError::bad_request("body", format!("reading the body: {e}")))?;
            if let Ok(data) = frame.into_data() {
                seen += data.len();
                if too_large || seen > limit {
                    if seen > drain_cap {
                        break;
                    }
                    continue;
                }
                bytes.extend_from_slice(&data);
            }
        }
        if too_large || seen > limit {
            return Err(ApiError::too_large(limit, declared.or(Some(seen))));
        }
        Ok(Bytes::from(bytes))
    };
    tokio::time::timeout(limits.body_timeout, collect)
        .await
        .map_err(|_| {
            ApiError::new(
                axum::http::StatusCode::REQUEST_TIMEOUT,
                "timeout",
                Some("body"),
                format!(
                    "the body did not arrive within {} ms (serve --body-timeout-ms)",
                    limits.body_timeout.as_millis()
                ),
            )
        })?
}
