//! Who is calling, and whether they may make this call on this tenant:
//! `Authorization: Bearer` with a service key (its tenant and scope) or a
//! viewer token (read scope, its tenant, its viewer). The component's own
//! access rules (admin roles, per-tenant enablement) still decide every
//! read, and record it.
//!
//! No credential, or one that is not valid: 401. A valid one of another
//! tenant or without the scope: 403, whether or not the tenant exists, so
//! that nothing about a tenant reaches a caller who may not see it.

use super::api_keys::{KeyInfo, Scope};
use super::limits::check_read_rate;
use super::peer::Peer;
use super::problem::ApiError;
use super::state::AppState;
use super::viewer_token;
use crate::json::viewer::ViewerJson;
use audit_host::bindings::{Actor, ActorKind, RequestContext, Viewer};
use axum::http::HeaderMap;
use std::net::IpAddr;

/// The header in which a backend with a read key names the viewer (JSON).
pub const VIEWER_HEADER: &str = "Audit-Viewer";

/// An authenticated caller, allowed on the request's tenant.
pub enum Caller {
    /// A product backend with a service key.
    Key(KeyInfo),
    /// A browser with a viewer token.
    Viewer(ViewerJson),
}

/// The caller of a read (read scope, within its rate) and its viewer.
pub fn read_caller(
    state: &AppState,
    headers: &HeaderMap,
    tenant: &str,
    peer: Peer,
) -> Result<Viewer, ApiError> {
    let caller = authorize(state, headers, tenant, Scope::Read)?;
    check_read_rate(&state.read_rate, &state.limits, caller.rate_key(tenant))?;
    caller
        .viewer(headers, peer.0)
        .map_err(super::params::named_by_params)
}

/// The caller of a request on `tenant` that needs `scope`.
pub fn authorize(
    state: &AppState,
    headers: &HeaderMap,
    tenant: &str,
    scope: Scope,
) -> Result<Caller, ApiError> {
    let bearer = bearer(headers)?;
    let caller = if viewer_token::is_token(bearer) {
        let claims = viewer_token::check(&state.master, bearer, chrono::Utc::now().timestamp())
            .map_err(|why| ApiError::unauthorized(format!("Authorization: {why}")))?;
        if claims.tenant != tenant {
            return Err(ApiError::forbidden(
                "Authorization: this viewer token does not reach this tenant",
            ));
        }
        if scope != Scope::Read {
            return Err(ApiError::forbidden(
                "Authorization: a viewer token only reads; this call needs a service key",
            ));
        }
        Caller::Viewer(claims.viewer)
    } else {
        let key = state
            .keys
            .find(bearer)
            .map_err(|e| ApiError::unavailable(format!("reading the key table: {e:#}"), 1))?
            .ok_or_else(|| {
                ApiError::unauthorized("Authorization: not a valid key (unknown or revoked)")
            })?;
        if key.tenant != tenant {
            return Err(ApiError::forbidden(
                "Authorization: this key does not reach this tenant",
            ));
        }
        if !key.scope.includes(scope) {
            return Err(ApiError::forbidden(format!(
                "Authorization: this call needs a key of scope {}; this key's scope is {}",
                scope.name(),
                key.scope.name()
            )));
        }
        Caller::Key(key)
    };
    Ok(caller)
}

fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthorized("Authorization: required (Bearer KEY or TOKEN)"))?;
    let text = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("Authorization: not ASCII"))?;
    let (scheme, credential) = text
        .split_once(' ')
        .ok_or_else(|| ApiError::unauthorized("Authorization: expected `Bearer KEY`"))?;
    if !scheme.eq_ignore_ascii_case("bearer") || credential.trim().is_empty() {
        return Err(ApiError::unauthorized(
            "Authorization: expected `Bearer KEY`",
        ));
    }
    Ok(credential.trim())
}

impl Caller {
    /// Who reads, as the component records it: the token's viewer, or the
    /// one a key's holder names in `Audit-Viewer`. The viewer's address is
    /// the peer's unless the backend says where its user is
    /// (`Audit-Viewer-IP`: the backend knows, the connection is its own).
    pub fn viewer(&self, headers: &HeaderMap, peer: Option<IpAddr>) -> Result<Viewer, ApiError> {
        let user_agent = headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(String::from);
        match self {
            Caller::Viewer(viewer) => Ok(viewer.viewer(RequestContext {
                ip: peer.map(|ip| ip.to_canonical().to_string()),
                user_agent,
                session_id: None,
                request_id: None,
            })),
            Caller::Key(_) => {
                let value = headers.get(VIEWER_HEADER).ok_or_else(|| {
                    ApiError::bad_request(
                        VIEWER_HEADER,
                        "required with a service key: who reads, as JSON {\"id\", \"name\", \"roles\"}",
                    )
                })?;
                let viewer = parse_viewer(value.as_bytes())?;
                let ip = match headers.get("Audit-Viewer-IP") {
                    Some(v) => Some(
                        v.to_str()
                            .map_err(|_| ApiError::bad_request("Audit-Viewer-IP", "not ASCII"))?
                            .to_string(),
                    ),
                    None => None,
                };
                Ok(viewer.viewer(RequestContext {
                    ip,
                    user_agent,
                    session_id: None,
                    request_id: None,
                }))
            }
        }
    }

    /// Who changes something (settings, actions), as the log records it:
    /// the key, by its id and name.
    pub fn actor(&self) -> Actor {
        match self {
            Caller::Key(key) => Actor {
                id: key.id.clone(),
                name: key.name.clone(),
                email: None,
                kind: ActorKind::ApiKey,
            },
            Caller::Viewer(v) => {
                v.viewer(RequestContext {
                    ip: None,
                    user_agent: None,
                    session_id: None,
                    request_id: None,
                })
                .actor
            }
        }
    }

    /// What the rate limit counts by: the key, or the token's viewer.
    pub fn rate_key(&self, tenant: &str) -> String {
        match self {
            Caller::Key(key) => key.id.clone(),
            Caller::Viewer(v) => format!("viewer {tenant} {}", v.id),
        }
    }
}

/// The `Audit-Viewer` header's JSON.
pub fn parse_viewer(bytes: &[u8]) -> Result<ViewerJson, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." {
            VIEWER_HEADER.to_string()
        } else {
            format!("{VIEWER_HEADER}.{path}")
        };
        ApiError::bad_request(&field, crate::json::auth_record::one_line_serde(e.inner()))
    })
}
