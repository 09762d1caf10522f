//! The wasmtime engine: one per process (per distinct setting of
//! [`Options::max_instances`](crate::Options::max_instances), which only
//! tests change), made at first use with its epoch ticker.
//!
//! wasmtime's engine is thread-safe and meant to be shared: its compiled
//! code, type registry, instance pool and the ticker's epoch serve every
//! runtime, so two components (or the same one loaded twice) cost one
//! engine and one ticker thread, and a `Store` of one runtime never waits
//! for another's.

use crate::error::HostError;
use std::sync::Mutex;
use std::time::Duration;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

/// How often the engine's epoch advances: the granularity of call deadlines.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(10);

/// The variable that turns on wasmtime's perf map (`perfmap`).
const PROFILER_ENV: &str = "AUDIT_WASM_PROFILER";

/// The default of [`Options::max_instances`](crate::Options::max_instances).
pub const DEFAULT_MAX_INSTANCES: u32 = 256;

/// The largest linear memory a pooled slot holds: all a 32-bit memory can
/// address, so that every [`Options::memory_limit_bytes`] is honoured (the
/// limiter, not the slot, enforces the limit).
///
/// [`Options::memory_limit_bytes`]: crate::Options::memory_limit_bytes
const SLOT_MEMORY_BYTES: usize = 4 << 30;

/// How the engine allocates instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allocation {
    /// Slots taken from a pool made once (`max_instances` of them).
    Pooling {
        /// Instances live at once, at most.
        max_instances: u32,
    },
    /// Memory mapped and unmapped for each instance: no pool was asked
    /// for, or it could not be reserved (an address-space limit).
    OnDemand,
}

/// The engine for `max_instances` (0: no pool), and how it allocates.
pub(crate) fn shared(max_instances: u32) -> Result<(Engine, Allocation), HostError> {
    static ENGINES: Mutex<Vec<(u32, Engine, Allocation)>> = Mutex::new(Vec::new());
    let mut engines = ENGINES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, engine, allocation)) = engines.iter().find(|(n, ..)| *n == max_instances) {
        return Ok((engine.clone(), *allocation));
    }
    let (engine, allocation) = match max_instances {
        0 => (build(None), Allocation::OnDemand),
        n => match build(Some(n)) {
            Ok(engine) => (Ok(engine), Allocation::Pooling { max_instances: n }),
            // The pool reserves address space up front; where that is not
            // allowed, instances are still served, one mapping each.
            Err(_) => (build(None), Allocation::OnDemand),
        },
    };
    let engine = engine.map_err(|e| HostError::Load(format!("{e:#}")))?;
    start_epoch_ticker(&engine);
    engines.push((max_instances, engine.clone(), allocation));
    Ok((engine, allocation))
}

/// The engine configuration: the component model, Cranelift tuned for
/// speed, epoch interruption for call deadlines (see the README's
/// "Limits": a deadline in time is what a host product cares about, and
/// epoch checks cost less than fuel), and, unless `pool` is `None`,
/// wasmtime's pooling allocator, which measured about twice as fast to
/// instantiate as mapping memory for each instance (`benches/engines.rs`).
fn build(pool: Option<u32>) -> wasmtime::Result<Engine> {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.cranelift_opt_level(wasmtime::OptLevel::Speed);
    config.epoch_interruption(true);
    // A profiling aid (BENCHMARKS.md, "Profiles"): with
    // AUDIT_WASM_PROFILER=perfmap, wasmtime writes /tmp/perf-PID.map so
    // that `perf report` names the component's compiled functions.
    if std::env::var_os(PROFILER_ENV).is_some_and(|v| v == "perfmap") {
        config.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    if let Some(slots) = pool {
        let mut pool = PoolingAllocationConfig::new();
        // The audit component instantiates a few core modules (its own,
        // and the canonical ABI's shims), each with at most one memory and
        // one table: eight of each per component instance is ample.
        pool.total_component_instances(slots)
            .total_core_instances(slots.saturating_mul(8))
            .total_memories(slots.saturating_mul(2))
            .total_tables(slots.saturating_mul(8))
            .max_memory_size(SLOT_MEMORY_BYTES);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    }
    Engine::new(&config)
}

/// Advances the engine's epoch every tick, for as long as the engine lives
/// (shared engines live as long as the process).
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
