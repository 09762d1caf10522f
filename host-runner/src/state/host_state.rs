//! What one wasmtime `Store` holds for one instance of the component: the
//! storage, clock and keyring behind its imports (implemented beside this
//! file, one per import), a locked-down WASI context, and the memory
//! limiter.

use crate::bindings;
use crate::clock::Clock;
use crate::keys::Keyring;
use crate::state::limiter::MemoryLimiter;
use crate::storage::EventStore;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

/// How much of the guest's stderr (panic messages) is kept for error reports.
const STDERR_CAPTURE_BYTES: usize = 16 * 1024;

/// The host-side data of one instance.
pub struct HostState {
    pub(crate) storage: Box<dyn EventStore>,
    pub(crate) clock: Box<dyn Clock>,
    /// The memory limiter, for `Store::limiter`.
    pub limiter: MemoryLimiter,
    /// Rows the store committed during the current call.
    pub(crate) rows_stored: usize,
    /// Whether the component opened a read (`store.begin-read`) that it has
    /// not ended: the host ends it when the call returns or traps.
    pub(crate) reading: bool,
    /// Fingerprints redacted values (the `keyring` import); `None`: no key.
    pub(crate) keyring: Option<std::sync::Arc<dyn Keyring>>,
    wasi: WasiCtx,
    table: ResourceTable,
    stderr: MemoryOutputPipe,
}

impl HostState {
    /// State for a fresh instance. The WASI context grants nothing: no
    /// preopened directories, no environment, no arguments, no stdin, no
    /// network; the guest's stderr goes to a small in-memory buffer so that
    /// a panic message can be reported.
    pub fn new(
        storage: Box<dyn EventStore>,
        clock: Box<dyn Clock>,
        memory_limit_bytes: usize,
    ) -> Self {
        let stderr = MemoryOutputPipe::new(STDERR_CAPTURE_BYTES);
        let wasi = WasiCtxBuilder::new().stderr(stderr.clone()).build();
        HostState {
            storage,
            clock,
            limiter: MemoryLimiter {
                limit_bytes: memory_limit_bytes,
                denied: false,
            },
            rows_stored: 0,
            reading: false,
            keyring: None,
            wasi,
            table: ResourceTable::new(),
            stderr,
        }
    }

    /// Ends a read the call left open (it trapped, or forgot).
    pub(crate) fn end_call(&mut self) {
        if self.reading {
            self.storage.end_read();
            self.reading = false;
        }
        self.storage.end_call();
    }

    /// Resets what is tracked per call.
    pub(crate) fn start_call(&mut self) {
        self.rows_stored = 0;
        self.limiter.denied = false;
    }

    /// What the guest said last on stderr, on one line: a panic's location
    /// and message (Rust prints them over several lines, then a note about
    /// backtraces, which is dropped), or else its last line.
    pub(crate) fn last_words(&self) -> Option<String> {
        let bytes = self.stderr.contents();
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("note: run with `RUST_BACKTRACE"))
            .collect();
        let said = match lines.iter().rposition(|l| l.contains("panicked at ")) {
            Some(at) => {
                let location = lines[at]
                    .split_once("panicked at ")
                    .map_or(lines[at], |(_, rest)| rest);
                let mut words = format!("panicked at {location}");
                for line in &lines[at + 1..] {
                    words.push(' ');
                    words.push_str(line);
                }
                words
            }
            None => (*lines.last()?).to_string(),
        };
        Some(crate::error::one_line(&said))
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl bindings::audit::log::types::Host for HostState {}
