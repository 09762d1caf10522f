//! The host's stores and clock seen by the engine built natively, so that
//! the native column reads and writes the same SQLite file, through the
//! same code, as the component does through its imports.

use audit_component::core::store::{Clock, Head, Row, ScanRequest, Store, StoreError};
use audit_host::EventStore;
use audit_host::bindings as b;
use chrono::{DateTime, Duration, Utc};

/// A host store (`SqliteStore`, `MemoryStore`) as the engine's `Store`.
pub struct Native<S>(pub S);

fn row_in(r: b::Row) -> Row {
    Row {
        tenant: r.tenant,
        seq: r.seq,
        id: r.id,
        occurred_at_us: r.occurred_at_us,
        prev_hash: r.prev_hash,
        hash: r.hash,
        body: r.body,
        defects: r.defects,
    }
}

fn row_out(r: Row) -> b::Row {
    b::Row {
        tenant: r.tenant,
        seq: r.seq,
        id: r.id,
        occurred_at_us: r.occurred_at_us,
        prev_hash: r.prev_hash,
        hash: r.hash,
        body: r.body,
        defects: r.defects,
    }
}

fn err(e: b::StoreError) -> StoreError {
    match e {
        b::StoreError::Conflict => StoreError::Conflict,
        b::StoreError::Busy(m) => StoreError::Busy(m),
        b::StoreError::Failed(m) => StoreError::Failed(m),
    }
}

impl<S: EventStore> Store for Native<S> {
    fn append(&mut self, rows: Vec<Row>) -> Result<(), StoreError> {
        self.0
            .append(rows.into_iter().map(row_out).collect())
            .map_err(err)
    }
    fn head(&mut self, tenant: &str) -> Result<Option<Head>, StoreError> {
        self.0
            .head(tenant)
            .map(|h| {
                h.map(|h| Head {
                    seq: h.seq,
                    hash: h.hash,
                })
            })
            .map_err(err)
    }
    fn begin_read(&mut self) -> Result<(), StoreError> {
        self.0.begin_read().map_err(err)
    }
    fn end_read(&mut self) {
        self.0.end_read();
    }
    fn scan(&mut self, q: &ScanRequest) -> Result<Vec<Row>, StoreError> {
        self.0
            .scan(&scan_request(q))
            .map(|rows| rows.into_iter().map(row_in).collect())
            .map_err(err)
    }
    fn count(&mut self, q: &ScanRequest) -> Result<u64, StoreError> {
        self.0.count(&scan_request(q)).map_err(err)
    }
    fn get(&mut self, tenant: &str, id: &str) -> Result<Option<Row>, StoreError> {
        self.0.get(tenant, id).map(|r| r.map(row_in)).map_err(err)
    }
    fn get_settings(&mut self, tenant: &str) -> Result<Option<String>, StoreError> {
        self.0.get_settings(tenant).map_err(err)
    }
    fn put_settings(&mut self, tenant: &str, settings: &str) -> Result<(), StoreError> {
        self.0.put_settings(tenant, settings).map_err(err)
    }
}

/// The engine's clock reading what `audit_host::SteppingClock::parse(start)`
/// reads: `start`, then one millisecond later at every reading. Both
/// columns get the same times, hence the same ids and hashes.
pub struct Stepping(DateTime<Utc>);

impl Stepping {
    /// Starts at the RFC 3339 time `start`.
    pub fn parse(start: &str) -> anyhow::Result<Self> {
        Ok(Stepping(
            DateTime::parse_from_rfc3339(start)?.with_timezone(&Utc),
        ))
    }
}

impl Clock for Stepping {
    fn now(&mut self) -> DateTime<Utc> {
        let now = self.0;
        self.0 += Duration::milliseconds(1);
        now
    }
}

/// The host's stepping clock at the same start, for the component.
pub fn host_clock(start: &str) -> anyhow::Result<Box<audit_host::SteppingClock>> {
    Ok(Box::new(
        audit_host::SteppingClock::parse(start).map_err(anyhow::Error::msg)?,
    ))
}

impl Stepping {
    /// Starts at the system's current time.
    pub fn now() -> Self {
        Stepping(Utc::now())
    }
}

fn scan_request(q: &ScanRequest) -> b::ScanRequest {
    b::ScanRequest {
        tenant: q.tenant.clone(),
        after_seq: q.after_seq,
        before_seq: q.before_seq,
        since_us: q.since_us,
        until_us: q.until_us,
        descending: q.descending,
        limit: q.limit,
    }
}
