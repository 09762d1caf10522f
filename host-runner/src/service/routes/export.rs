//! `GET /v1/tenants/{tenant}/export`: the component's export, streamed.
//!
//! A worker runs the exporter and hands each chunk (about 256 KiB) to the
//! response through a channel of two, so the server holds at most a few
//! chunks whatever the log's size. A client that goes away closes the
//! channel: the worker drops the exporter (the export is abandoned) and
//! goes back to the pool. An error after the first byte cannot change the
//! status any more: the response is cut without its final chunk, so no
//! client takes an incomplete file for a complete one.

use crate::service::access::read_caller;
use crate::service::params::{ExportParams, FormatParam, Params, RowsParam, named_by_params};
use crate::service::peer::Peer;
use crate::service::problem::{ApiError, ErrorBody};
use crate::service::state::Shared;
use audit_host::bindings::{ExportFormat, ExportRequest, ExportRows};
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use tokio_stream::wrappers::ReceiverStream;

/// Export the events matching a filter, as CSV or JSON Lines, streamed.
/// The export is recorded in the log as `audit_log.exported`.
#[utoipa::path(get, path = "/v1/tenants/{tenant}/export", tag = "events",
    params(("tenant" = String, Path, description = "The tenant"), ExportParams,
           ("Audit-Viewer" = Option<String>, Header, description = "With a service key: who exports")),
    responses((status = 200, description = "The file", content((String = "text/csv"), (String = "application/x-ndjson"))),
              (status = "4XX", body = ErrorBody), (status = "5XX", body = ErrorBody)),
    security(("service_key" = []), ("viewer_token" = [])))]
pub async fn export(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    Params(params): Params<ExportParams>,
    peer: Peer,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let viewer = read_caller(&state, &headers, &tenant, peer)?;
    let format = params.format.unwrap_or_default();
    let request = ExportRequest {
        filter: params.filter(&tenant),
        order: params.order(),
        viewer,
        format: match format {
            FormatParam::Csv => ExportFormat::Csv,
            FormatParam::Jsonl => ExportFormat::Jsonl,
        },
        columns: params
            .columns
            .as_deref()
            .map(|c| c.split(',').map(|c| c.trim().to_string()).collect())
            .unwrap_or_default(),
        rows: match params.rows.unwrap_or_default() {
            RowsParam::Events => ExportRows::Events,
            RowsParam::Changes => ExportRows::Changes,
        },
        byte_order_mark: params.bom.unwrap_or(false),
        utc_offset: params.utc_offset.clone(),
        proof: None,
    };
    let mut lent = state.workers.lend().await?;
    let (started_tx, started_rx) = tokio::sync::oneshot::channel();
    let (chunks_tx, chunks_rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(2);
    tokio::task::spawn_blocking(move || {
        let session = lent.session();
        let mut export = match session.export(&request) {
            Ok(export) => export,
            Err(e) => {
                let _ = started_tx.send(Err(named_by_params(e.into())));
                return;
            }
        };
        let _ = started_tx.send(Ok(()));
        loop {
            let next = match export.next_chunk() {
                Ok(Some(chunk)) => Ok(Bytes::from(chunk)),
                Ok(None) => return,
                Err(e) => Err(std::io::Error::other(e.to_string())),
            };
            let failed = next.is_err();
            // A send fails once the client has gone: stop there.
            if chunks_tx.blocking_send(next).is_err() || failed {
                return;
            }
        }
    });
    started_rx.await.map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "other",
            None,
            "the export's worker failed",
        )
    })??;
    let (content_type, extension) = match format {
        FormatParam::Csv => ("text/csv; charset=utf-8", "csv"),
        FormatParam::Jsonl => ("application/x-ndjson", "jsonl"),
    };
    let date = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    // Tenant names are ASCII letters, digits and `.-_:@`: safe in a quoted
    // file name, except `:` which some systems refuse in file names.
    let name = format!("audit-{}-{date}.{extension}", tenant.replace(':', "_"));
    let mut response = Response::new(Body::from_stream(ReceiverStream::new(chunks_rx)));
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
