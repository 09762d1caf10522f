//! The sessions that do the service's work: at most `size` at once, each on
//! a blocking thread (a component call never runs on the async threads),
//! each with its own connection to the store and one component instance
//! at a time, all made from the process's one `Runtime`. An idle session
//! is kept for the next request, so its instance and connection are
//! reused.

use super::problem::ApiError;
use audit_host::Session;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Makes a new session over a new connection to the store.
pub type MakeSession = dyn Fn() -> anyhow::Result<Session> + Send + Sync;

/// The pool of sessions.
pub struct Workers {
    idle: Mutex<Vec<Session>>,
    slots: Arc<Semaphore>,
    make: Box<MakeSession>,
    /// How long a request waits for a free session before 503.
    wait: Duration,
    size: usize,
}

/// A session lent to one request; it goes back to the pool when dropped.
pub struct Lent {
    session: Option<Session>,
    workers: Arc<Workers>,
    _slot: OwnedSemaphorePermit,
}

impl Workers {
    /// A pool of at most `size` sessions made by `make`.
    pub fn new(size: usize, wait: Duration, make: Box<MakeSession>) -> Arc<Self> {
        Arc::new(Workers {
            idle: Mutex::new(Vec::new()),
            slots: Arc::new(Semaphore::new(size.max(1))),
            make,
            wait,
            size: size.max(1),
        })
    }

    /// A session for one request, once one is free.
    pub async fn lend(self: &Arc<Self>) -> Result<Lent, ApiError> {
        let slot = tokio::time::timeout(self.wait, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| ApiError::unavailable("every worker is busy; retry shortly", 1))?
            .map_err(|_| ApiError::unavailable("the service is shutting down", 1))?;
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let session = match idle {
            Some(s) => s,
            // Opening a store is a blocking call too.
            None => {
                let workers = self.clone();
                tokio::task::spawn_blocking(move || (workers.make)())
                    .await
                    .map_err(|e| ApiError::unavailable(format!("opening a session: {e}"), 1))?
                    .map_err(|e| ApiError::unavailable(format!("{e:#}"), 1))?
            }
        };
        Ok(Lent {
            session: Some(session),
            workers: self.clone(),
            _slot: slot,
        })
    }

    /// Runs `f` with a session on a blocking thread.
    pub async fn run<R: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Session) -> R + Send + 'static,
    ) -> Result<R, ApiError> {
        let mut lent = self.lend().await?;
        tokio::task::spawn_blocking(move || f(lent.session()))
            .await
            .map_err(|e| {
                // The session went down with the panicking thread; the
                // pool makes another for the next request.
                ApiError::new(
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "other",
                    None,
                    format!("a worker failed: {e}"),
                )
            })
    }

    /// Up to `n` more sessions that are free right now (none waited for),
    /// for one request that splits its work over several instances
    /// (`audit_host::fanout`): a busy service lends none, and the request
    /// runs on the one it has. A blocking call (it may open stores).
    pub fn lend_idle(self: &Arc<Self>, n: usize) -> Vec<Lent> {
        let mut lent = Vec::new();
        while lent.len() < n {
            let Ok(slot) = self.slots.clone().try_acquire_owned() else {
                break;
            };
            let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
            let session = match idle {
                Some(s) => s,
                None => match (self.make)() {
                    Ok(s) => s,
                    Err(_) => break,
                },
            };
            lent.push(Lent {
                session: Some(session),
                workers: self.clone(),
                _slot: slot,
            });
        }
        lent
    }

    /// How many sessions the pool holds at most.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Stops lending: requests still waiting get 503.
    pub fn close(&self) {
        self.slots.close();
    }
}

impl Lent {
    /// The session.
    pub fn session(&mut self) -> &mut Session {
        self.session
            .as_mut()
            .expect("a lent session is present until dropped")
    }
}

impl Drop for Lent {
    fn drop(&mut self) {
        if let Some(session) = self.session.take() {
            self.workers
                .idle
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(session);
        }
    }
}
