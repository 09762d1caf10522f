//! The limits and settings a [`crate::Runtime`] runs every session with.

use crate::cache;
use crate::engine;
use std::path::PathBuf;
use std::time::Duration;

/// The default of [`Options::max_input_bytes`].
pub const DEFAULT_MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// Limits and settings of a [`Runtime`]. The defaults are what `audit-host`
/// uses.
#[derive(Debug, Clone)]
pub struct Options {
    /// Linear memory one instance may use. Default 512 MiB.
    pub memory_limit_bytes: usize,
    /// Wall-clock time one call may run before it is interrupted. Default 30 s.
    pub call_deadline: Duration,
    /// Where compiled code is cached; `None` compiles at every start.
    /// Default: [`cache::default_dir`].
    pub cache_dir: Option<PathBuf>,
    /// The most text one call may lower into the component, in bytes: the
    /// sum of every string of its arguments (JSON text, state documents,
    /// names). Checked by the host before anything is copied into the
    /// guest, so an oversized call is refused with
    /// [`HostError::Refused`] instead of filling the guest's memory.
    /// Default 64 MiB, the component's own limit on `parse-inputs` text.
    pub max_input_bytes: usize,
    /// Instances live at once in the process (the pooling allocator's
    /// slots; a session holds one from its first call until it is dropped
    /// or traps). One more fails with [`HostError::Exhausted`]. 0 maps
    /// memory for each instance instead of pooling. An engine is made per
    /// distinct value, so every runtime of a process should use the same
    /// one. Default [`engine::DEFAULT_MAX_INSTANCES`] (256).
    pub max_instances: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            memory_limit_bytes: 512 * 1024 * 1024,
            call_deadline: Duration::from_secs(30),
            cache_dir: cache::default_dir(),
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
            max_instances: engine::DEFAULT_MAX_INSTANCES,
        }
    }
}

impl Options {
    /// The deadline of one call, in epoch ticks.
    pub(crate) fn deadline_ticks(&self) -> u64 {
        (self.call_deadline.as_millis() / engine::EPOCH_TICK.as_millis()).max(1) as u64
    }
}
