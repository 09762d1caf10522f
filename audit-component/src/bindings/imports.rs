//! The host's imports as the engine's traits: the `store` and `keyring`
//! imports as a [`store::Store`], the `clock` import as a [`store::Clock`].

use super::generated::audit::log::{clock as wclock, keyring as wkeyring, store as wstore};
use crate::core::store;

/// The host's keyring import: `None` when it has no key for the tenant.
pub(super) fn fingerprints(
    tenant: &str,
    messages: &[Vec<u8>],
) -> Result<Option<Vec<[u8; 32]>>, store::StoreError> {
    match wkeyring::fingerprints(tenant, messages) {
        Ok(digests) => digests
            .into_iter()
            .map(|d| {
                <[u8; 32]>::try_from(d.as_slice()).map_err(|_| {
                    store::StoreError::Failed(format!(
                        "keyring: a fingerprint of {} bytes, not 32",
                        d.len()
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Err(wkeyring::KeyringError::NoKey) => Ok(None),
        Err(wkeyring::KeyringError::Failed(m)) => {
            Err(store::StoreError::Failed(format!("keyring: {m}")))
        }
    }
}

/// The host's store import as the engine's store.
pub(super) struct HostStore;

impl store::Store for HostStore {
    fn append(&mut self, rows: Vec<store::Row>) -> Result<(), store::StoreError> {
        let rows: Vec<wstore::Row> = rows.into_iter().map(row_out).collect();
        wstore::append(&rows).map_err(store_error)
    }

    fn head(&mut self, tenant: &str) -> Result<Option<store::Head>, store::StoreError> {
        wstore::head(tenant)
            .map(|h| {
                h.map(|h| store::Head {
                    seq: h.seq,
                    hash: h.hash,
                })
            })
            .map_err(store_error)
    }

    fn begin_read(&mut self) -> Result<(), store::StoreError> {
        wstore::begin_read().map_err(store_error)
    }

    fn end_read(&mut self) {
        wstore::end_read();
    }

    fn scan(&mut self, q: &store::ScanRequest) -> Result<Vec<store::Row>, store::StoreError> {
        wstore::scan(&scan_request(q))
            .map(|rows| rows.into_iter().map(row_in).collect())
            .map_err(store_error)
    }

    fn count(&mut self, q: &store::ScanRequest) -> Result<u64, store::StoreError> {
        wstore::count(&scan_request(q)).map_err(store_error)
    }

    fn get(&mut self, tenant: &str, id: &str) -> Result<Option<store::Row>, store::StoreError> {
        wstore::get(tenant, id)
            .map(|r| r.map(row_in))
            .map_err(store_error)
    }

    fn get_settings(&mut self, tenant: &str) -> Result<Option<String>, store::StoreError> {
        wstore::get_settings(tenant).map_err(store_error)
    }

    fn put_settings(&mut self, tenant: &str, settings: &str) -> Result<(), store::StoreError> {
        wstore::put_settings(tenant, settings).map_err(store_error)
    }

    fn purge(
        &mut self,
        tenant: &str,
        through_seq: u64,
        expected_count: u64,
        anchor: store::Row,
    ) -> Result<(), store::StoreError> {
        wstore::purge(tenant, through_seq, expected_count, &row_out(anchor)).map_err(store_error)
    }

    fn fingerprints(
        &mut self,
        tenant: &str,
        messages: &[Vec<u8>],
    ) -> Result<Option<Vec<[u8; 32]>>, store::StoreError> {
        fingerprints(tenant, messages)
    }
}

/// The host's clock import as the engine's clock.
pub(super) struct HostClock;

impl store::Clock for HostClock {
    fn now(&mut self) -> chrono::DateTime<chrono::Utc> {
        let t = wclock::now();
        // A reading out of chrono's range stands for the far end it is on,
        // which the append refuses (a stored time is of the years 0000 to
        // 9999): never a default time that would be recorded silently.
        crate::core::time::from_clock(t.seconds, t.nanoseconds).unwrap_or(if t.seconds < 0 {
            chrono::DateTime::<chrono::Utc>::MIN_UTC
        } else {
            chrono::DateTime::<chrono::Utc>::MAX_UTC
        })
    }
}

pub(super) fn store_error(e: wstore::StoreError) -> store::StoreError {
    match e {
        wstore::StoreError::Conflict => store::StoreError::Conflict,
        wstore::StoreError::Busy(m) => store::StoreError::Busy(m),
        wstore::StoreError::Failed(m) => store::StoreError::Failed(m),
    }
}

pub(super) fn row_out(r: store::Row) -> wstore::Row {
    wstore::Row {
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

pub(super) fn row_in(r: wstore::Row) -> store::Row {
    store::Row {
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

pub(super) fn scan_request(q: &store::ScanRequest) -> wstore::ScanRequest {
    wstore::ScanRequest {
        tenant: q.tenant.clone(),
        after_seq: q.after_seq,
        before_seq: q.before_seq,
        since_us: q.since_us,
        until_us: q.until_us,
        descending: q.descending,
        limit: q.limit,
    }
}
