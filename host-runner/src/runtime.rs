//! The engine, set up once per process: compile (or load from the cache)
//! the component, link its imports, and pre-instantiate it. Sessions are
//! cheap to make from it, on any thread.

use crate::bindings::AuditPre;
use crate::cache::{self, CacheStatus};
use crate::clock::Clock;
use crate::error::HostError;
use crate::session::Session;
use crate::state::HostState;
use crate::storage::EventStore;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;
use wasmtime::component::{HasSelf, Linker};
use wasmtime::{Config, Engine};

/// The component built by this workspace, embedded in the host.
pub static COMPONENT: &[u8] = include_bytes!(env!("AUDIT_COMPONENT_WASM"));

/// How often the engine's epoch advances: the granularity of call deadlines.
const EPOCH_TICK: Duration = Duration::from_millis(10);

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
}

impl Default for Options {
    fn default() -> Self {
        Options {
            memory_limit_bytes: 512 * 1024 * 1024,
            call_deadline: Duration::from_secs(30),
            cache_dir: cache::default_dir(),
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
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
}

impl Runtime {
    /// The embedded component with these options.
    pub fn new(options: Options) -> Result<Self, HostError> {
        Self::with_component(COMPONENT, options)
    }

    /// Another build of the component (a plugin developer's, a test fixture).
    pub fn with_component(component: &[u8], options: Options) -> Result<Self, HostError> {
        let engine = shared_engine()?;
        let (component, cache_status) =
            cache::load_or_compile(&engine, component, options.cache_dir.as_deref())?;
        let mut linker = Linker::<HostState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(load_error)?;
        crate::bindings::Audit::add_to_linker::<_, HasSelf<_>>(&mut linker, |state| state)
            .map_err(load_error)?;
        let instance_pre = linker.instantiate_pre(&component).map_err(load_error)?;
        let pre = AuditPre::new(instance_pre).map_err(load_error)?;
        Ok(Runtime {
            pre,
            options,
            cache_status,
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

    /// The engine: the same one for every runtime of the process.
    pub fn engine(&self) -> &Engine {
        self.pre.engine()
    }

    /// The deadline of one call, in epoch ticks.
    pub(crate) fn deadline_ticks(deadline: Duration) -> u64 {
        (deadline.as_millis() / EPOCH_TICK.as_millis()).max(1) as u64
    }
}

/// The process's one engine, made at first use with its epoch ticker.
///
/// wasmtime's engine is thread-safe and meant to be shared: its compiled
/// code, type registry and the ticker's epoch serve every runtime, so two
/// components (or the same one loaded twice) cost one engine and one ticker
/// thread, and a `Store` of one runtime never waits for another's.
fn shared_engine() -> Result<Engine, HostError> {
    static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let engine = engine().map_err(|e| format!("{e:#}"))?;
            start_epoch_ticker(&engine);
            Ok(engine)
        })
        .clone()
        .map_err(HostError::Load)
}

/// The engine configuration: the component model, Cranelift tuned for
/// speed, and epoch interruption for call deadlines (see the README's
/// "Limits": a deadline in time is what a host product cares about, and
/// epoch checks cost less than fuel).
fn engine() -> wasmtime::Result<Engine> {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.cranelift_opt_level(wasmtime::OptLevel::Speed);
    config.epoch_interruption(true);
    Engine::new(&config)
}

/// Advances the engine's epoch every tick, for as long as the engine lives
/// (the shared engine lives as long as the process).
fn start_epoch_ticker(engine: &Engine) {
    let weak = engine.weak();
    let spawned = std::thread::Builder::new()
        .name("audit-epoch".into())
        .spawn(move || {
            while let Some(engine) = weak.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(EPOCH_TICK);
            }
        });
    // Without the ticker, deadlines never fire; calls still work.
    drop(spawned);
}

fn load_error(e: wasmtime::Error) -> HostError {
    HostError::Load(format!("{e:#}"))
}
