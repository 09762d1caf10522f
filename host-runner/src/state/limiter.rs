//! The memory limit of one instance.

/// Caps the instance's linear memory, and remembers a refusal so that the
/// trap that follows (Rust aborts when an allocation fails) is reported as
/// running out of memory rather than as a panic.
pub struct MemoryLimiter {
    pub(crate) limit_bytes: usize,
    pub(crate) denied: bool,
}

impl wasmtime::ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let allowed = desired <= self.limit_bytes;
        self.denied |= !allowed;
        Ok(allowed)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}
