//! A tenant's integrity, catalog, settings and viewer tokens over HTTP.

use crate::json::records;
use crate::json::viewer::ViewerJson;
use crate::service::access::{Caller, authorize};
use crate::service::api_keys::Scope;
use crate::service::limits::{check_read_rate, read_body};
use crate::service::peer::Peer;
use crate::service::problem::{ApiError, ErrorBody};
use crate::service::respond::{created, ok_json};
use crate::service::state::Shared;
use crate::service::viewer_token::{self, Claims, DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS};
use audit_host::session::integrity::intact;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// Verify the tenant's whole hash chain. Tampering is not an error: the
/// report's `intact` and `findings` say what was found.
#[utoipa::path(get, path = "/v1/tenants/{tenant}/verify", tag = "integrity",
    params(("tenant" = String, Path, description = "The tenant")),
    responses((status = 200, body = Object, description = "The verification report"),
              (status = "4XX", body = ErrorBody), (status = "5XX", body = ErrorBody)),
    security(("service_key" = []), ("viewer_token" = [])))]
pub async fn verify(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let caller = authorize(&state, &headers, &tenant, Scope::Read)?;
    check_read_rate(&state.read_rate, &state.limits, caller.rate_key(&tenant))?;
    let workers = state.workers.clone();
    let report = state
        .workers
        .run(move |session| {
            // A long log is verified on the workers that are free too.
            let mut more = workers.lend_idle(workers.size() - 1);
            let mut sessions: Vec<&mut audit_host::Session> = std::iter::once(session)
                .chain(more.iter_mut().map(|l| l.session()))
                .collect();
            audit_host::fanout::verify::verify(&mut sessions, &tenant)
        })
        .await??;
    ok_json(&records::verify_report(&report))
}

/// A signed checkpoint, with the verification it follows.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CheckpointMade {
    /// The checkpoint document (`docs/integrity.md`), as the component
    /// sealed it.
    #[schema(value_type = Object)]
    pub checkpoint: Box<RawValue>,
    /// The verification of the chain it vouches for.
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
}

/// Verify the chain, then sign a checkpoint of its head with the service's
/// key (`serve --signing-key`). 409 when the chain is not intact.
#[utoipa::path(post, path = "/v1/tenants/{tenant}/checkpoints", tag = "integrity",
    params(("tenant" = String, Path, description = "The tenant")),
    responses((status = 201, body = CheckpointMade), (status = "4XX", body = ErrorBody), (status = "5XX", body = ErrorBody)),
    security(("service_key" = [])))]
pub async fn checkpoint(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, &tenant, Scope::Admin)?;
    let Some(key) = state.signing_key.clone() else {
        return Err(ApiError::unavailable(
            "this service signs no checkpoints: start it with --signing-key",
            3600,
        ));
    };
    let (report, document) = state
        .workers
        .run(move |session| session.checkpoint(&tenant, &key))
        .await??;
    let Some(document) = document else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not-intact",
            None,
            format!(
                "the chain is not intact ({} finding(s)); a checkpoint would vouch for it (see GET .../verify)",
                report.findings.len() as u64 + report.findings_omitted
            ),
        ));
    };
    debug_assert!(intact(&report));
    let checkpoint = RawValue::from_string(document).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "other",
            None,
            format!("{e}"),
        )
    })?;
    created(&CheckpointMade {
        checkpoint,
        report: records::verify_report(&report),
    })
}

/// The tenant's action catalog (what an admin page's action drop-down
/// lists): the log's own actions, the authentication log's, its profile's
/// and those it registered.
#[utoipa::path(get, path = "/v1/tenants/{tenant}/actions", tag = "catalog",
    params(("tenant" = String, Path, description = "The tenant")),
    responses((status = 200, body = Object, description = "{\"actions\": [{name, label, category, change_type, target_kinds, origin}]}"),
              (status = "4XX", body = ErrorBody), (status = "5XX", body = ErrorBody)),
    security(("service_key" = []), ("viewer_token" = [])))]
pub async fn actions(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, &tenant, Scope::Read)?;
    let actions = state
        .workers
        .run(move |session| session.tenant_actions(&tenant))
        .await??;
    ok_json(&serde_json::json!({
        "actions": actions.iter().map(records::action).collect::<Vec<_>>()
    }))
}

/// The tenant's settings, every default filled in (`docs/settings.md`).
#[utoipa::path(get, path = "/v1/tenants/{tenant}/settings", tag = "settings",
    params(("tenant" = String, Path, description = "The tenant")),
    responses((status = 200, body = Object), (status = "4XX", body = ErrorBody), (status = "5XX", body = ErrorBody)),
    security(("service_key" = [])))]
pub async fn get_settings(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, &tenant, Scope::Admin)?;
    let settings = state
        .workers
        .run(move |session| session.get_settings(&tenant))
        .await??;
    let settings = RawValue::from_string(settings).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "other",
            None,
            format!("{e}"),
        )
    })?;
    ok_json(&settings)
}

/// The event that recorded a change of settings.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SettingsChanged {
    /// The `audit_log.settings_updated` event, as stored.
    #[schema(value_type = Object)]
    pub event: Box<RawValue>,
}

/// Replace the tenant's settings (members left out take their defaults);
/// the change is recorded in its log, by the key.
#[utoipa::path(put, path = "/v1/tenants/{tenant}/settings", tag = "settings",
    params(("tenant" = String, Path, description = "The tenant")),
    request_body(content = Object, description = "The settings document"),
    responses((status = 200, body = SettingsChanged), (status = "4XX", body = ErrorBody), (status = "5XX", body = ErrorBody)),
    security(("service_key" = [])))]
pub async fn put_settings(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    change_settings(state, tenant, headers, body, false).await
}

/// Change some of the tenant's settings with a JSON Merge Patch (RFC
/// 7396): members given replace, `null` returns a member to its default,
/// the rest is kept.
#[utoipa::path(patch, path = "/v1/tenants/{tenant}/settings", tag = "settings",
    params(("tenant" = String, Path, description = "The tenant")),
    request_body(content = Object, description = "A JSON Merge Patch", content_type = "application/merge-patch+json"),
    responses((status = 200, body = SettingsChanged), (status = "4XX", body = ErrorBody), (status = "5XX", body = ErrorBody)),
    security(("service_key" = [])))]
pub async fn patch_settings(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    change_settings(state, tenant, headers, body, true).await
}

async fn change_settings(
    state: Shared,
    tenant: String,
    headers: HeaderMap,
    body: Body,
    merge: bool,
) -> Result<Response, ApiError> {
    let caller = authorize(&state, &headers, &tenant, Scope::Admin)?;
    let body = read_body(&state.limits, &headers, body).await?;
    let text =
        String::from_utf8(body.to_vec()).map_err(|_| ApiError::bad_request("body", "not UTF-8"))?;
    let actor = caller.actor();
    let event = state
        .workers
        .run(move |session| -> Result<_, ApiError> {
            let event = if merge {
                session.patch_settings(&tenant, &text, &actor)?
            } else {
                session.put_settings(&tenant, &text, &actor)?
            };
            Ok(records::event(session, &event)?)
        })
        .await??;
    ok_json(&SettingsChanged { event })
}

/// What a viewer token is asked for with.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// Who will read with it.
    pub viewer: ViewerJson,
    /// How long it lives, 1 to 86400 seconds (default 900).
    pub ttl_seconds: Option<u64>,
}

/// A viewer token.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenIssued {
    /// The token: `Authorization: Bearer TOKEN` reads this tenant's log
    /// as the viewer, and nothing else.
    pub token: String,
    /// When it stops working (RFC 3339, UTC).
    pub expires_at: String,
}

/// Make a short-lived token with which a browser reads the tenant's log
/// as one viewer (a read or admin key asks; the component's access rules
/// still decide each read).
#[utoipa::path(post, path = "/v1/tenants/{tenant}/viewer-tokens", tag = "access",
    params(("tenant" = String, Path, description = "The tenant")),
    request_body = TokenRequest,
    responses((status = 201, body = TokenIssued), (status = "4XX", body = ErrorBody), (status = "5XX", body = ErrorBody)),
    security(("service_key" = [])))]
pub async fn viewer_token(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    _peer: Peer,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let caller = authorize(&state, &headers, &tenant, Scope::Read)?;
    if matches!(caller, Caller::Viewer(_)) {
        return Err(ApiError::forbidden(
            "Authorization: a viewer token cannot make tokens; a service key can",
        ));
    }
    let body = read_body(&state.limits, &headers, body).await?;
    let mut de = serde_json::Deserializer::from_slice(&body);
    let request: TokenRequest = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        ApiError::bad_request(
            if path == "." { "body" } else { &path },
            crate::json::auth_record::one_line_serde(e.inner()),
        )
    })?;
    let ttl = request.ttl_seconds.unwrap_or(DEFAULT_TTL_SECONDS);
    if !(1..=MAX_TTL_SECONDS).contains(&ttl) {
        return Err(ApiError::invalid(
            "ttl_seconds",
            format!("1 to {MAX_TTL_SECONDS} seconds"),
        ));
    }
    let exp = chrono::Utc::now().timestamp() + ttl as i64;
    let token = viewer_token::issue(
        &state.master,
        &Claims {
            tenant,
            viewer: request.viewer,
            exp,
        },
    );
    let expires_at = chrono::DateTime::from_timestamp(exp, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    created(&TokenIssued { token, expires_at })
}
