//! The engine, set up once per process: compile (or load from the cache)
//! the component, link its imports, and pre-instantiate it. Sessions are
//! cheap to make from it, on any thread.

use crate::bindings::AuditPre;
use crate::cache::{self, CacheStatus};
use crate::clock::Clock;
use crate::engine::{self, Allocation};
use crate::error::HostError;
use crate::options::Options;
use crate::session::Session;
use crate::state::HostState;
use crate::storage::EventStore;
use wasmtime::Engine;
use wasmtime::component::{HasSelf, Linker};

/// The component built by this workspace, embedded in the host.
pub static COMPONENT: &[u8] = include_bytes!(env!("AUDIT_COMPONENT_WASM"));

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
