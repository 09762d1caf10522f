//! What every store of the component's rows must do: the host's side of
//! the `store` import.

use crate::bindings::{ChainHead, Row, ScanRequest, StoreError};

/// A store of rows, one append-only sequence per tenant. Implementations
/// must make `append` all or nothing and refuse with
/// [`StoreError::Conflict`] when a tenant's first row does not continue its
/// head (seq + 1, prev-hash = head hash): that is what keeps two writers from
/// forking a chain.
pub trait EventStore: Send {
    /// Appends rows of one or more tenants in one transaction.
    fn append(&mut self, rows: Vec<Row>) -> Result<(), StoreError>;
    /// The tenant's newest row.
    fn head(&mut self, tenant: &str) -> Result<Option<ChainHead>, StoreError>;
    /// Starts a read of one moment of the store: until `end_read`, `head`,
    /// `scan`, `count` and `get` see the store as it was then (one read
    /// transaction). A store whose reads cannot interleave with writes
    /// keeps this default.
    fn begin_read(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
    /// Ends the read `begin_read` started; nothing when none is open.
    fn end_read(&mut self) {}
    /// The component call that used the store has ended (returned or
    /// trapped): a store lets go of what it held for that call only (the
    /// PostgreSQL store's writer turns). A host calls it after every call.
    fn end_call(&mut self) {}
    /// Rows in seq order matching every bound of the request.
    fn scan(&mut self, request: &ScanRequest) -> Result<Vec<Row>, StoreError>;
    /// How many rows `scan` would hand back over all its batches
    /// (`descending` and `limit` do not apply).
    fn count(&mut self, request: &ScanRequest) -> Result<u64, StoreError>;
    /// The row with this id in the tenant's log.
    fn get(&mut self, tenant: &str, id: &str) -> Result<Option<Row>, StoreError>;
    /// The tenant's settings document, byte for byte as last put.
    fn get_settings(&mut self, tenant: &str) -> Result<Option<String>, StoreError>;
    /// Replaces the tenant's settings document.
    fn put_settings(&mut self, tenant: &str, settings: &str) -> Result<(), StoreError>;
    /// Deletes the tenant's rows up to `through_seq` and appends `anchor`, in
    /// one transaction; [`StoreError::Conflict`] when the anchor does not
    /// continue the head or not exactly `expected_count` rows would go. A
    /// store that cannot purge keeps this default.
    fn purge(
        &mut self,
        tenant: &str,
        through_seq: u64,
        expected_count: u64,
        anchor: Row,
    ) -> Result<(), StoreError> {
        let _ = (tenant, through_seq, expected_count, anchor);
        Err(StoreError::Failed("this store cannot purge".into()))
    }
}

/// The genesis `prev-hash`: 64 zeros.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A pause of 0.1 to 2 ms, drawn from the clock's nanoseconds and the
/// thread: enough for the writer that got in first to finish, a different
/// moment for each writer.
pub(crate) fn conflict_backoff() -> std::time::Duration {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::time::SystemTime::now().hash(&mut h);
    std::thread::current().id().hash(&mut h);
    std::time::Duration::from_micros(100 + h.finish() % 1_900)
}
