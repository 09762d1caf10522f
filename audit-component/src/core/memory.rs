//! An in-memory store: the unit tests' store, and the native baseline of the
//! benchmarks. It keeps every tenant's rows in seq order and checks each
//! append continues its tenant's head, as every store must.

use crate::core::chain;
use crate::core::store::{Head, Row, ScanRequest, Store, StoreError};
use std::collections::BTreeMap;

/// An in-memory store, for tests and the native baseline.
#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    tenants: BTreeMap<String, Vec<Row>>,
    settings: BTreeMap<String, String>,
}

impl Store for MemoryStore {
    fn append(&mut self, rows: Vec<Row>) -> Result<(), StoreError> {
        // Check every tenant's continuity before writing anything.
        let mut next: BTreeMap<&str, (u64, &str)> = Default::default();
        for row in &rows {
            let (seq, hash) = match next.get(row.tenant.as_str()) {
                Some(&(seq, hash)) => (seq, hash),
                None => match self.tenants.get(&row.tenant).and_then(|r| r.last()) {
                    Some(last) => (last.seq, last.hash.as_str()),
                    None => (0, chain::GENESIS),
                },
            };
            if row.seq != seq + 1 || row.prev_hash != hash {
                return Err(StoreError::Conflict);
            }
            next.insert(&row.tenant, (row.seq, &row.hash));
        }
        for row in rows {
            self.tenants
                .entry(row.tenant.clone())
                .or_default()
                .push(row);
        }
        Ok(())
    }

    fn head(&mut self, tenant: &str) -> Result<Option<Head>, StoreError> {
        Ok(self
            .tenants
            .get(tenant)
            .and_then(|r| r.last())
            .map(|r| Head {
                seq: r.seq,
                hash: r.hash.clone(),
            }))
    }

    fn scan(&mut self, q: &ScanRequest) -> Result<Vec<Row>, StoreError> {
        let Some(rows) = self.tenants.get(&q.tenant) else {
            return Ok(Vec::new());
        };
        let keep = |r: &&Row| {
            q.after_seq.is_none_or(|s| r.seq > s)
                && q.before_seq.is_none_or(|s| r.seq < s)
                && q.since_us.is_none_or(|t| r.occurred_at_us >= t)
                && q.until_us.is_none_or(|t| r.occurred_at_us < t)
        };
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
            .map_or((0, chain::GENESIS), |r| (r.seq, r.hash.as_str()));
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
