//! `audit-host serve`: the audit log as an HTTP service (API v1, JSON).
//!
//! axum's router on hyper and tokio; every component call runs on a
//! blocking thread with a session of the worker pool (`workers.rs`), so the
//! async threads only move bytes. The connection loop is hyper-util's, for
//! two things `axum::serve` does not do: a timeout on reading a request's
//! headers, and a graceful shutdown that finishes the requests in flight
//! on SIGTERM before the process exits 0.
//!
//! Nothing acknowledged is lost: a `201` is sent only after the store
//! committed the events (the component's append returns after the store's
//! transaction), so `kill -9` at any moment loses no event that got one; a
//! request that got no answer may or may not be stored, and its retry with
//! the same `Idempotency-Key` never stores it twice.

pub mod access;
pub mod api_keys;
pub mod limits;
pub mod openapi;
pub mod params;
pub mod peer;
pub mod problem;
pub mod respond;
pub mod router;
pub mod routes;
pub mod state;
pub mod viewer_token;
pub mod workers;

use anyhow::{Context as _, Result};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use state::{AppState, Shared};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt as _;

/// How a service runs.
pub struct Config {
    /// Where it listens.
    pub listen: SocketAddr,
    /// Threads that move bytes (the async runtime's).
    pub io_threads: usize,
    /// How long SIGTERM waits for requests in flight.
    pub shutdown_grace: Duration,
}

/// Runs the service until SIGTERM or SIGINT, then finishes what is in
/// flight and returns.
pub fn run(config: Config, state: AppState) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.io_threads.max(1))
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let result = runtime.block_on(serve(config, Arc::new(state)));
    // Requests cut off by the grace period leave their blocking calls to
    // finish on their own; the process does not wait for them forever.
    runtime.shutdown_timeout(Duration::from_secs(5));
    result
}

async fn serve(config: Config, state: Shared) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("--listen {}: cannot listen", config.listen))?;
    let local = listener.local_addr()?;
    let router = router::router(state.clone());
    let header_timeout = state.limits.header_timeout;
    let graceful = GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop_signal());
    eprintln!("listening on http://{local}");
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(a) => a,
                    // Out of file descriptors, a connection reset before it
                    // was accepted: wait a moment rather than spin.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let router = router.clone();
                let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(peer);
                    router.clone().oneshot(request.map(axum::body::Body::new))
                });
                let connection = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(header_timeout)
                    .serve_connection(TokioIo::new(stream), service);
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    // A client that goes away mid-request is its own business.
                    let _ = connection.await;
                });
            }
            _ = &mut stop => break,
        }
    }
    drop(listener);
    eprintln!("stopping: finishing the requests in flight");
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(config.shutdown_grace) => {
            eprintln!("stopping: the grace period ended with requests still in flight");
        }
    }
    state.workers.close();
    Ok(())
}

async fn stop_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        // Without handlers the default disposition ends the process.
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}
