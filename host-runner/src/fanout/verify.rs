//! A tenant's chain verified in ranges of sequence numbers, one instance
//! per range, at once.
//!
//! Each range is checked by the component (`integrity.verify-range`):
//! every body against its hash, every link inside the range, the log's
//! start in the first range and the store's head in the last. What joins
//! two ranges is checked here: the later one must begin at the seq after
//! the earlier one's last, and its first event's `prev_hash` must be the
//! earlier one's last hash. When every range is intact and every join
//! holds, the verdict is the one a single instance gives (the same events,
//! first and last seq, last hash, purge boundary, and no findings). When
//! anything is off, the whole log is verified again by one instance and
//! that report is returned: findings at a range's edge (a gap, a moved
//! event) read differently from inside one range than over the whole log,
//! and a broken log deserves the exact report more than a fast one. So the
//! split never changes an answer; it only makes an intact log's faster.

use crate::bindings::{Error, StoreError};
use crate::clock::SystemClock;
use crate::error::HostError;
use crate::runtime::Runtime;
use crate::session::integrity::{RangeReport, VerifyReport, intact};
use crate::storage::EventStore;

/// Below this many events a log is verified by one instance: the second
/// instance and connection cost more than they save.
pub const MIN_EVENTS_PER_PART: u64 = 20_000;

/// Opens another connection to the store being verified.
pub type OpenStore<'a> = dyn Fn() -> Result<Box<dyn EventStore>, HostError> + Sync + 'a;

/// Verifies `tenant`'s chain over up to `parts` instances (see the module
/// documentation): the report of `Session::verify` with no checkpoints.
pub fn verify(
    runtime: &Runtime,
    open: &OpenStore<'_>,
    tenant: &str,
    parts: usize,
) -> Result<VerifyReport, HostError> {
    verify_split(runtime, open, tenant, parts, MIN_EVENTS_PER_PART)
}

/// [`verify`], giving each instance at least `min_events_per_part` events
/// (tests split short logs).
pub fn verify_split(
    runtime: &Runtime,
    open: &OpenStore<'_>,
    tenant: &str,
    parts: usize,
    min_events_per_part: u64,
) -> Result<VerifyReport, HostError> {
    let mut probe = open()?;
    let head = probe.head(tenant).map_err(|e| {
        let why = match e {
            StoreError::Conflict => "conflict".to_string(),
            StoreError::Busy(m) | StoreError::Failed(m) => m,
        };
        HostError::Audit(Error::Store(format!("reading the head of {tenant}: {why}")))
    })?;
    drop(probe);
    let events = head.map_or(0, |h| h.seq);
    let parts = (parts as u64)
        .min(events / min_events_per_part.max(1))
        .max(1);
    if parts == 1 {
        return whole(runtime, open, tenant);
    }
    // Boundaries by seq: the last range runs to the end (the head check),
    // so events appended meanwhile are verified too.
    let step = events / parts;
    let bounds: Vec<(u64, Option<u64>)> = (0..parts)
        .map(|i| {
            let through = (i + 1 < parts).then(|| (i + 1) * step);
            (i * step, through)
        })
        .collect();
    let results: Vec<Result<RangeReport, HostError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = bounds
            .iter()
            .map(|&(after, through)| {
                scope.spawn(move || {
                    let mut session = runtime.session(open()?, Box::new(SystemClock));
                    session.verify_range(tenant, after, through)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(HostError::Audit(Error::Other(
                        "a verifying thread panicked".into(),
                    )))
                })
            })
            .collect()
    });
    let ranges = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    match joined(&ranges) {
        Some(report) => Ok(report),
        None => whole(runtime, open, tenant),
    }
}

/// The whole log by one instance.
fn whole(runtime: &Runtime, open: &OpenStore<'_>, tenant: &str) -> Result<VerifyReport, HostError> {
    let mut session = runtime.session(open()?, Box::new(SystemClock));
    session.verify(tenant, &[], &[])
}

/// The ranges' verdict as one report, when every range is intact and each
/// begins where the one before it ends; `None` otherwise.
pub fn joined(ranges: &[RangeReport]) -> Option<VerifyReport> {
    let (first, rest) = ranges.split_first()?;
    if !intact(&first.report) || first.report.events == 0 {
        return None;
    }
    let mut report = first.report.clone();
    for range in rest {
        let r = &range.report;
        let continues = intact(r)
            && r.events > 0
            && r.first_seq == report.last_seq.map(|s| s + 1)
            && range.start_prev_hash.is_some()
            && range.start_prev_hash == report.last_hash
            && r.purged_through.is_none();
        if !continues {
            return None;
        }
        report.events += r.events;
        report.last_seq = r.last_seq;
        report.last_hash = r.last_hash.clone();
    }
    Some(report)
}
