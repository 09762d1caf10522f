//! An in-memory store, for tests and throwaway runs.

use crate::bindings::{ChainHead, Row, ScanRequest, StoreError};
use crate::storage::event_store::{EventStore, GENESIS};
use std::collections::HashMap;

/// Keeps every tenant's rows in a vector; gone when dropped.
#[derive(Debug, Default)]
pub struct MemoryStore {
    tenants: HashMap<String, Vec<Row>>,
    settings: HashMap<String, String>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl EventStore for MemoryStore {
    fn append(&mut self, rows: Vec<Row>) -> Result<(), StoreError> {
        let mut heads: HashMap<&str, (u64, &str)> = HashMap::new();
        for row in &rows {
            let (seq, hash) = match heads.get(row.tenant.as_str()) {
                Some(&head) => head,
                None => self
                    .tenants
                    .get(&row.tenant)
                    .and_then(|r| r.last())
                    .map_or((0, GENESIS), |r| (r.seq, r.hash.as_str())),
            };
            if row.seq != seq + 1 || row.prev_hash != hash {
                return Err(StoreError::Conflict);
            }
            heads.insert(&row.tenant, (row.seq, &row.hash));
        }
        for row in rows {
            self.tenants
                .entry(row.tenant.clone())
                .or_default()
                .push(row);
        }
        Ok(())
    }

    fn head(&mut self, tenant: &str) -> Result<Option<ChainHead>, StoreError> {
        let last = self.tenants.get(tenant).and_then(|r| r.last());
        Ok(last.map(|r| ChainHead {
            seq: r.seq,
            hash: r.hash.clone(),
        }))
    }

    fn scan(&mut self, q: &ScanRequest) -> Result<Vec<Row>, StoreError> {
        let Some(rows) = self.tenants.get(&q.tenant) else {
            return Ok(Vec::new());
        };
        let keep = |r: &&Row| within(q, r);
        let limit = q.limit.max(1) as usize;
        Ok(if q.descending {
            rows.iter()
                .rev()
                .filter(keep)
                .take(limit)
                .cloned()
                .collect()
        } else {
            rows.iter().filter(keep).take(limit).cloned().collect()
        })
    }

    fn count(&mut self, q: &ScanRequest) -> Result<u64, StoreError> {
        Ok(self.tenants.get(&q.tenant).map_or(0, |rows| {
            rows.iter().filter(|r| within(q, r)).count() as u64
        }))
    }

    fn get(&mut self, tenant: &str, id: &str) -> Result<Option<Row>, StoreError> {
        Ok(self
            .tenants
            .get(tenant)
            .and_then(|rows| rows.iter().find(|r| r.id == id))
            .cloned())
    }

    fn get_settings(&mut self, tenant: &str) -> Result<Option<String>, StoreError> {
        Ok(self.settings.get(tenant).cloned())
    }

    fn put_settings(&mut self, tenant: &str, settings: &str) -> Result<(), StoreError> {
        self.settings
            .insert(tenant.to_string(), settings.to_string());
        Ok(())
    }

    fn purge(
        &mut self,
        tenant: &str,
        through_seq: u64,
        expected_count: u64,
        anchor: Row,
    ) -> Result<(), StoreError> {
        let rows = self.tenants.entry(tenant.to_string()).or_default();
        let (seq, hash) = rows
            .last()
            .map_or((0, GENESIS), |r| (r.seq, r.hash.as_str()));
        let doomed = rows.iter().filter(|r| r.seq <= through_seq).count() as u64;
        if anchor.tenant != tenant
            || anchor.seq != seq + 1
            || anchor.prev_hash != hash
            || doomed != expected_count
        {
            return Err(StoreError::Conflict);
        }
        rows.retain(|r| r.seq > through_seq);
        rows.push(anchor);
        Ok(())
    }
}

/// Whether a row is within every bound of a scan request.
fn within(q: &ScanRequest, r: &Row) -> bool {
    q.after_seq.is_none_or(|s| r.seq > s)
        && q.before_seq.is_none_or(|s| r.seq < s)
        && q.since_us.is_none_or(|t| r.occurred_at_us >= t)
        && q.until_us.is_none_or(|t| r.occurred_at_us < t)
}

/// One [`MemoryStore`] shared by several sessions (the workers of a
/// service on `--store :memory:`): each call locks it, so every session
/// sees what the others stored.
#[derive(Debug, Clone, Default)]
pub struct SharedMemoryStore(std::sync::Arc<std::sync::Mutex<MemoryStore>>);

impl SharedMemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemoryStore> {
        // Every method of MemoryStore leaves it whole before it can panic.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl EventStore for SharedMemoryStore {
    fn append(&mut self, rows: Vec<Row>) -> Result<(), StoreError> {
        self.lock().append(rows)
    }
    fn head(&mut self, tenant: &str) -> Result<Option<ChainHead>, StoreError> {
        self.lock().head(tenant)
    }
    fn scan(&mut self, q: &ScanRequest) -> Result<Vec<Row>, StoreError> {
        self.lock().scan(q)
    }
    fn count(&mut self, q: &ScanRequest) -> Result<u64, StoreError> {
        self.lock().count(q)
    }
    fn get(&mut self, tenant: &str, id: &str) -> Result<Option<Row>, StoreError> {
        self.lock().get(tenant, id)
    }
    fn get_settings(&mut self, tenant: &str) -> Result<Option<String>, StoreError> {
        self.lock().get_settings(tenant)
    }
    fn put_settings(&mut self, tenant: &str, settings: &str) -> Result<(), StoreError> {
        self.lock().put_settings(tenant, settings)
    }
    fn purge(
        &mut self,
        tenant: &str,
        through_seq: u64,
        expected_count: u64,
        anchor: Row,
    ) -> Result<(), StoreError> {
        self.lock()
            .purge(tenant, through_seq, expected_count, anchor)
    }
}
