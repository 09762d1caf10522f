//! The compiled-code cache: Cranelift's output for the component, kept on
//! disk so that a second start does not compile again.
//!
//! Entries are named by BLAKE3 over the component's bytes and the engine's
//! compatibility hash (wasmtime version, compiler settings, CPU features), so
//! a new component or a new engine configuration never reads a stale entry.
//! Each entry carries, in a sidecar file, the BLAKE3 hash of its name and
//! its bytes, checked before wasmtime reads them: a truncated or corrupted file,
//! or another entry's file copied under this name, is recompiled instead of
//! loaded, and an entry that wasmtime itself refuses (written by
//! another wasmtime or for other CPU features) is recompiled and replaced.
//! Writes go to a uniquely named temporary file renamed into place, so
//! concurrent starts, in one process or several, never see half a file.

use crate::error::HostError;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use wasmtime::Engine;
use wasmtime::component::Component;

/// Where the cache lives unless told otherwise: `$AUDIT_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/audit-host`, else `~/.cache/audit-host`.
pub fn default_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("AUDIT_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(PathBuf::from(dir).join("audit-host"));
    }
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache").join("audit-host"))
}

/// Feeds `Hash` output into BLAKE3, for a key that is stable across runs
/// (std's hashers are not).
struct Blake3Hasher(blake3::Hasher);

impl Hasher for Blake3Hasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    fn finish(&self) -> u64 {
        0 // only the BLAKE3 state is used
    }
}

/// The cache key of `component` for `engine`.
pub fn key(engine: &Engine, component: &[u8]) -> String {
    let mut h = Blake3Hasher(blake3::Hasher::new());
    h.write(b"audit-host compiled component v2\0");
    h.write(blake3::hash(component).as_bytes());
    engine.precompile_compatibility_hash().hash(&mut h);
    h.0.finalize().to_hex().to_string()
}

/// Where a runtime's compiled code came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheStatus {
    /// No cache directory: compiled at start.
    Disabled,
    /// Loaded from the cache; nothing was compiled.
    Hit,
    /// Compiled, because of `why`; `stored` says whether the result was
    /// written to the cache for the next start (a read-only or full cache
    /// directory only costs the compile time).
    Compiled {
        /// Why the cache could not serve.
        why: Miss,
        /// Whether the new entry was written.
        stored: bool,
    },
}

/// Why the cache could not serve a start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Miss {
    /// No entry (or no checksum) for this component and engine.
    Missing,
    /// The entry's bytes do not match its checksum (truncated, corrupted).
    Corrupt,
    /// The bytes are intact but wasmtime refused them (another wasmtime
    /// version or configuration wrote them).
    Refused,
}

/// Loads the compiled component from the cache, or compiles it and stores
/// the result. Without a cache directory it always compiles. A cache that
/// cannot be read or written only costs the compile time.
pub fn load_or_compile(
    engine: &Engine,
    component: &[u8],
    dir: Option<&Path>,
) -> Result<(Component, CacheStatus), HostError> {
    let Some(dir) = dir else {
        return Ok((compile(engine, component)?, CacheStatus::Disabled));
    };
    let key = key(engine, component);
    let artifact = dir.join(format!("{key}.cwasm"));
    let sum = dir.join(format!("{key}.blake3"));
    let why = match load(engine, &key, &artifact, &sum) {
        Ok(loaded) => return Ok((loaded, CacheStatus::Hit)),
        Err(why) => why,
    };
    let compiled = engine
        .precompile_component(component)
        .map_err(|e| HostError::Load(format!("{e:#}")))?;
    let stored = store(dir, &key, &artifact, &sum, &compiled).is_ok();
    // Load the bytes just compiled: one code path for both cases.
    let loaded = deserialize(engine, &compiled).or_else(|_| compile(engine, component))?;
    Ok((loaded, CacheStatus::Compiled { why, stored }))
}

fn compile(engine: &Engine, component: &[u8]) -> Result<Component, HostError> {
    Component::new(engine, component).map_err(|e| HostError::Load(format!("{e:#}")))
}

fn load(engine: &Engine, key: &str, artifact: &Path, sum: &Path) -> Result<Component, Miss> {
    let expected = std::fs::read_to_string(sum).map_err(|_| Miss::Missing)?;
    let bytes = std::fs::read(artifact).map_err(|_| Miss::Missing)?;
    if checksum(key, &bytes) != expected.trim() {
        return Err(Miss::Corrupt);
    }
    deserialize(engine, &bytes).map_err(|_| Miss::Refused)
}

fn deserialize(engine: &Engine, bytes: &[u8]) -> Result<Component, HostError> {
    // SAFETY: wasmtime requires that the bytes were produced by
    // `Engine::precompile_component` of a compatible engine. They were: by
    // this process a moment ago, or read back from a cache entry whose name
    // covers the engine's compatibility hash and whose BLAKE3 hash (with
    // that name) matched the sidecar written with it. The cache directory must
    // be as trusted as the program itself: whoever can write both files can
    // make this process run their code. wasmtime also checks its own header and
    // version before using them.
    #[allow(unsafe_code)]
    let component = unsafe { Component::deserialize(engine, bytes) };
    component.map_err(|e| HostError::Load(format!("{e:#}")))
}

fn store(
    dir: &Path,
    key: &str,
    artifact: &Path,
    sum: &Path,
    compiled: &[u8],
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    write_atomically(dir, artifact, compiled)?;
    write_atomically(dir, sum, checksum(key, compiled).as_bytes())
}

/// What the sidecar holds: BLAKE3 over the entry's key and its bytes.
pub fn checksum(key: &str, compiled: &[u8]) -> String {
    let mut h = blake3::Hasher::new();
    h.update(key.as_bytes());
    h.update(b"\0");
    h.update(compiled);
    h.finalize().to_hex().to_string()
}

/// Writes a temporary file with a unique name (two threads or processes
/// storing the same entry never share one), then renames it into place; a
/// failed write removes the temporary file.
fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
