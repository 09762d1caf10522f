//! The engine, set up once per process: compile (or load from the cache)
//! the component, link its imports, and pre-instantiate it. Sessions are
//! cheap to make from it, on any thread.

use crate::bindings::AuditPre;
use crate::cache::{self, CacheStatus};
use crate::clock::Clock;
use crate::engine::{self, Allocation, EPOCH_TICK};
use crate::error::HostError;
use crate::session::Session;
use crate::state::HostState;
use crate::storage::EventStore;
use std::path::PathBuf;
use std::time::Duration;
use wasmtime::Engine;
use wasmtime::component::{HasSelf, Linker};

/// The component built by this workspace, embedded in the host.
pub static COMPONENT: &[u8] = include_bytes!(env!("AUDIT_COMPONENT_WASM"));

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

/// One pre-instantiated component on the process's engine, shared by every
/// session. Cloning is cheap (reference counts); clones and sessions made
/// from them may be used from any thread.
#[derive(Clone)]
pub struct Runtime {
    pre: AuditPre<HostState>,
    options: Options,
    cache_status: CacheStatus,
    allocation: Allocation,
}

impl Runtime {
    /// The embedded component with these options.
    pub fn new(options: Options) -> Result<Self, HostError> {
        Self::with_component(COMPONENT, options)
    }

    /// Another build of the component (a plugin developer's, a test fixture).
    pub fn with_component(component: &[u8], options: Options) -> Result<Self, HostError> {
        let (engine, allocation) = engine::shared(options.max_instances)?;
        let (component, cache_status) =
            cache::load_or_compile(&engine, component, options.cache_dir.as_deref())?;
        let linker = linker(&engine)?;
        let instance_pre = linker.instantiate_pre(&component).map_err(load_error)?;
        let pre = AuditPre::new(instance_pre).map_err(load_error)?;
        Ok(Runtime {
            pre,
            options,
            cache_status,
            allocation,
        })
    }

    /// A session over a store and a clock: the unit of work that owns one
    /// instance at a time.
    pub fn session(&self, storage: Box<dyn EventStore>, clock: Box<dyn Clock>) -> Session {
        Session::new(self.pre.clone(), self.options.clone(), storage, clock)
    }

    /// The options in force.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Whether the compiled code came from the cache, and why not.
    pub fn cache_status(&self) -> &CacheStatus {
        &self.cache_status
    }

    /// How the engine allocates instances.
    pub fn allocation(&self) -> Allocation {
        self.allocation
    }

    /// The engine: the same one for every runtime of the process.
    pub fn engine(&self) -> &Engine {
        self.pre.engine()
    }

    /// The deadline of one call, in epoch ticks.
    pub(crate) fn deadline_ticks(deadline: Duration) -> u64 {
        (deadline.as_millis() / EPOCH_TICK.as_millis()).max(1) as u64
    }
}

/// A linker with the component's imports: the host's store and clock and
/// the (locked-down) WASI interfaces. [`Runtime`] uses it on the shared
/// engine; it is public for hosts and benchmarks that configure an engine
/// of their own.
pub fn linker(engine: &Engine) -> Result<Linker<HostState>, HostError> {
    let mut linker = Linker::<HostState>::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(load_error)?;
    crate::bindings::Audit::add_to_linker::<_, HasSelf<_>>(&mut linker, |state| state)
        .map_err(load_error)?;
    Ok(linker)
}

fn load_error(e: wasmtime::Error) -> HostError {
    HostError::Load(format!("{e:#}"))
}
