//! What the engine needs from its host: a store of rows and a clock. In the
//! component these are the WIT imports; natively, any implementation (the
//! in-memory one, `memory.rs`, serves the unit tests).

use chrono::{DateTime, Utc};

/// One stored event as the store keeps it (the WIT `row`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Tenant.
    pub tenant: String,
    /// Position in the tenant's log.
    pub seq: u64,
    /// Event id.
    pub id: String,
    /// Occurrence time in microseconds since the epoch, rounded down.
    pub occurred_at_us: i64,
    /// Previous row's hash.
    pub prev_hash: String,
    /// Hash of `body`.
    pub hash: String,
    /// Canonical JSON of the event without its hash.
    pub body: String,
    /// Columns the store found holding the wrong type, by name (empty for a
    /// sound row): the row is reported `modified`, the others stay
    /// readable.
    pub defects: Vec<String>,
}

/// The newest row of a tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// Its seq.
    pub seq: u64,
    /// Its hash.
    pub hash: String,
}

/// Which rows to scan (the WIT `scan-request`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScanRequest {
    /// Tenant.
    pub tenant: String,
    /// Rows with a greater seq.
    pub after_seq: Option<u64>,
    /// Rows with a smaller seq.
    pub before_seq: Option<u64>,
    /// Rows that occurred at or after.
    pub since_us: Option<i64>,
    /// Rows that occurred before.
    pub until_us: Option<i64>,
    /// Highest seq first.
    pub descending: bool,
    /// At most this many.
    pub limit: u32,
}

/// Why a store call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The head moved since it was read; nothing was written.
    Conflict,
    /// Busy past the store's retry bound.
    Busy(String),
    /// Anything else.
    Failed(String),
}

/// A store of rows, per tenant, in seq order.
pub trait Store {
    /// Appends rows all or nothing; refuses with `Conflict` when a tenant's
    /// first row does not continue its head.
    fn append(&mut self, rows: Vec<Row>) -> Result<(), StoreError>;
    /// The tenant's newest row.
    fn head(&mut self, tenant: &str) -> Result<Option<Head>, StoreError>;
    /// Starts a read of one moment of the store: until [`Store::end_read`],
    /// `head`, `scan`, `count` and `get` see the store as it was when it
    /// started. A store whose reads cannot interleave with writes keeps
    /// this default.
    fn begin_read(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
    /// Ends the read [`Store::begin_read`] started.
    fn end_read(&mut self) {}
    /// Rows matching the request, in seq order.
    fn scan(&mut self, request: &ScanRequest) -> Result<Vec<Row>, StoreError>;
    /// How many rows `scan` would hand back over all its batches (ignoring
    /// `descending` and `limit`). This default scans; stores with an index
    /// answer directly.
    fn count(&mut self, request: &ScanRequest) -> Result<u64, StoreError> {
        let mut q = ScanRequest {
            descending: false,
            limit: 4096,
            ..request.clone()
        };
        let mut n = 0u64;
        loop {
            let rows = self.scan(&q)?;
            let Some(last) = rows.last() else {
                return Ok(n);
            };
            n += rows.len() as u64;
            q.after_seq = Some(last.seq);
        }
    }
    /// The row with this id.
    fn get(&mut self, tenant: &str, id: &str) -> Result<Option<Row>, StoreError>;
    /// The tenant's settings document.
    fn get_settings(&mut self, tenant: &str) -> Result<Option<String>, StoreError>;
    /// Replaces the tenant's settings document.
    fn put_settings(&mut self, tenant: &str, settings: &str) -> Result<(), StoreError>;
    /// Deletes the tenant's rows with seq up to `through_seq` and appends
    /// `anchor`, all or nothing: `Conflict` when the anchor does not continue
    /// the head or when not exactly `expected_count` rows would go. A store
    /// that cannot purge keeps this default.
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

    /// The keyed fingerprints (HMAC-SHA-256 under the tenant's key) of
    /// redacted values, computed by the host, which holds the key (in the
    /// component: the `keyring` import). `Ok(None)` when the host has no
    /// key; the default has none.
    fn fingerprints(
        &mut self,
        tenant: &str,
        messages: &[Vec<u8>],
    ) -> Result<Option<Vec<[u8; 32]>>, StoreError> {
        let _ = (tenant, messages);
        Ok(None)
    }
}

/// A source of the current time.
pub trait Clock {
    /// Now, in UTC.
    fn now(&mut self) -> DateTime<Utc>;
}
