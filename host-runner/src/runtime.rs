//! The engine, set up once per process: compile (or load from the cache)
//! the component, link its imports, and pre-instantiate it. Sessions are
//! cheap to make from it, on any thread.

use crate::bindings::AuditPre;
use crate::cache;
use crate::clock::Clock;
use crate::error::HostError;
use crate::session::Session;
use crate::state::HostState;
use crate::storage::EventStore;
use std::path::PathBuf;
use std::time::Duration;
use wasmtime::component::{HasSelf, Linker};
use wasmtime::{Config, Engine};

/// The component built by this workspace, embedded in the host.
pub static COMPONENT: &[u8] = include_bytes!(env!("AUDIT_COMPONENT_WASM"));

/// How often the engine's epoch advances: the granularity of call deadlines.
const EPOCH_TICK: Duration = Duration::from_millis(10);

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
}

impl Default for Options {
    fn default() -> Self {
        Options {
            memory_limit_bytes: 512 * 1024 * 1024,
            call_deadline: Duration::from_secs(30),
            cache_dir: cache::default_dir(),
        }
    }
}

/// One engine and one pre-instantiated component, shared by every session.
#[derive(Clone)]
pub struct Runtime {
    pre: AuditPre<HostState>,
    options: Options,
}

impl Runtime {
    /// The embedded component with these options.
    pub fn new(options: Options) -> Result<Self, HostError> {
        Self::with_component(COMPONENT, options)
    }

    /// Another build of the component (a plugin developer's, a test fixture).
    pub fn with_component(component: &[u8], options: Options) -> Result<Self, HostError> {
        let engine = engine()?;
        let component = cache::load_or_compile(&engine, component, options.cache_dir.as_deref())?;
        let mut linker = Linker::<HostState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(load_error)?;
        crate::bindings::Audit::add_to_linker::<_, HasSelf<_>>(&mut linker, |state| state)
            .map_err(load_error)?;
        let instance_pre = linker.instantiate_pre(&component).map_err(load_error)?;
        let pre = AuditPre::new(instance_pre).map_err(load_error)?;
        start_epoch_ticker(&engine);
        Ok(Runtime { pre, options })
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

    /// The deadline of one call, in epoch ticks.
    pub(crate) fn deadline_ticks(deadline: Duration) -> u64 {
        (deadline.as_millis() / EPOCH_TICK.as_millis()).max(1) as u64
    }
}

/// The engine configuration: the component model, Cranelift tuned for
/// speed, and epoch interruption for call deadlines (cheaper than fuel, and
/// a deadline in time is what a host product cares about).
fn engine() -> Result<Engine, HostError> {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.cranelift_opt_level(wasmtime::OptLevel::Speed);
    config.epoch_interruption(true);
    Engine::new(&config).map_err(load_error)
}

/// Advances the engine's epoch every tick, for as long as the engine lives.
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
