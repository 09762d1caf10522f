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
    let workers = state.workers.clone();
    tokio::task::spawn_blocking(move || {
        // A long export is produced on the workers that are free too
        // (audit_host::fanout::export: the same bytes as one instance).
        let mut more = workers.lend_idle(workers.size() - 1);
        let mut sessions: Vec<&mut audit_host::Session> = std::iter::once(lent.session())
            .chain(more.iter_mut().map(|l| l.session()))
            .collect();
        let mut body = BodyWriter {
            chunks: &chunks_tx,
            started: Some(started_tx),
        };
        let result = audit_host::fanout::export::export(&mut sessions, &request, &mut body);
        match (result, body.started.take()) {
            // Refused before the first byte: the request's own error.
            (Err(cut), Some(started)) => {
                let _ = started.send(Err(named_by_params(cut.error.into())));
            }
            (Ok(_), Some(started)) => {
                let _ = started.send(Ok(()));
            }
            // Cut short after the response began: the body ends with an
            // error, and the client sees an incomplete transfer.
            (Err(cut), None) => {
                let _ = chunks_tx.blocking_send(Err(std::io::Error::other(cut.error.to_string())));
            }
            (Ok(_), None) => {}
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

/// The response body as the export's output: the first write says the
/// export started; a write fails once the client has gone, which stops
/// the export.
struct BodyWriter<'c> {
    chunks: &'c tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    started: Option<tokio::sync::oneshot::Sender<Result<(), ApiError>>>,
}

impl std::io::Write for BodyWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(started) = self.started.take() {
            let _ = started.send(Ok(()));
        }
        self.chunks
            .blocking_send(Ok(Bytes::copy_from_slice(buf)))
            .map_err(|_| std::io::Error::other("the client has gone"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
