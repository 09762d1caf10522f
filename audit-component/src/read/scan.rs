//! Walking a tenant's log in sequence order through the store, one batch at
//! a time: what queries, counts and exports share.
//!
//! The store applies the tenant, the sequence bounds and the time range;
//! everything else is the filter's job on the rows handed back. Batches
//! start small (a first page usually needs few rows) and double up to
//! [`MAX_BATCH_ROWS`], so a selective filter does not pay a store call per
//! handful of rows.

use crate::core::error::{Error, Result, store_error};
use crate::core::store::{Row, ScanRequest, Store};

/// Rows per store call, at most.
pub const MAX_BATCH_ROWS: u32 = 1024;

/// A walk over one tenant's rows.
pub struct Scanner {
    tenant: String,
    descending: bool,
    /// The last seq handed out (or the cursor's): the walk goes on past it.
    position: Option<u64>,
    /// Rows at or beyond this seq are outside the walk (an export's snapshot).
    end: Option<u64>,
    /// Descending: rows at or below this seq are outside the walk (a part
    /// of an export).
    floor: Option<u64>,
    since_us: Option<i64>,
    until_us: Option<i64>,
    batch: u32,
    exhausted: bool,
}

impl Scanner {
    /// A walk from `position` (exclusive; the start of the log, or its head
    /// when descending, when `None`).
    pub fn new(
        tenant: &str,
        descending: bool,
        position: Option<u64>,
        (since_us, until_us): (Option<i64>, Option<i64>),
        first_batch: u32,
    ) -> Self {
        Scanner {
            tenant: tenant.to_string(),
            descending,
            position,
            end: None,
            floor: None,
            since_us,
            until_us,
            batch: first_batch.clamp(1, MAX_BATCH_ROWS),
            exhausted: false,
        }
    }

    /// Limits an ascending walk to seqs up to `last`, inclusive.
    pub fn up_to(mut self, last: u64) -> Self {
        self.end = Some(last.saturating_add(1));
        self
    }

    /// Limits a descending walk to seqs above `floor`.
    pub fn above(mut self, floor: u64) -> Self {
        self.floor = Some(floor);
        self
    }

    /// The last seq handed out.
    pub fn position(&self) -> Option<u64> {
        self.position
    }

    /// The next batch of rows, in order; `None` once the walk is over.
    pub fn next_batch(&mut self, store: &mut impl Store) -> Result<Option<Vec<Row>>> {
        if self.exhausted {
            return Ok(None);
        }
        let request = ScanRequest {
            tenant: self.tenant.clone(),
            after_seq: if self.descending {
                self.floor
            } else {
                self.position
            },
            before_seq: if self.descending {
                self.position
            } else {
                self.end
            },
            since_us: self.since_us,
            until_us: self.until_us,
            descending: self.descending,
            limit: self.batch,
        };
        let rows = store.scan(&request).map_err(store_error)?;
        // A store that hands back rows out of order or out of bounds would
        // make the walk repeat itself forever; refuse it instead.
        let mut previous = self.position;
        for row in &rows {
            let in_order = match (previous, self.descending) {
                (None, _) => true,
                (Some(p), true) => row.seq < p,
                (Some(p), false) => row.seq > p,
            };
            let in_bounds = if self.descending {
                self.floor.is_none_or(|floor| row.seq > floor)
            } else {
                self.end.is_none_or(|end| row.seq < end)
            };
            if !in_order || !in_bounds || rows.len() > self.batch as usize {
                return Err(Error::Store(format!(
                    "the store's scan of tenant {} returned rows out of order or out of bounds",
                    self.tenant
                )));
            }
            previous = Some(row.seq);
        }
        if rows.len() < self.batch as usize {
            self.exhausted = true;
        }
        self.batch = self.batch.saturating_mul(2).min(MAX_BATCH_ROWS);
        match rows.last() {
            Some(last) => {
                self.position = Some(last.seq);
                Ok(Some(rows))
            }
            None => Ok(None),
        }
    }
}
