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
use crate::error::HostError;
use crate::session::Session;
use crate::session::integrity::{RangeReport, VerifyReport, intact};

/// Below this many events a log is verified by one instance: the second
/// instance and connection cost more than they save.
pub const MIN_EVENTS_PER_PART: u64 = 20_000;

/// Verifies `tenant`'s chain over the given sessions at once, one range
/// each (see the module documentation), sessions over the same store, each
/// with its own connection: the report of `Session::verify` with no
/// checkpoints.
pub fn verify(sessions: &mut [&mut Session], tenant: &str) -> Result<VerifyReport, HostError> {
    verify_split(sessions, tenant, MIN_EVENTS_PER_PART)
}

/// [`verify`], giving each session at least `min_events_per_part` events
/// (tests split short logs).
pub fn verify_split(
    sessions: &mut [&mut Session],
    tenant: &str,
    min_events_per_part: u64,
) -> Result<VerifyReport, HostError> {
    let available = sessions.len() as u64;
    let Some(first) = sessions.first_mut() else {
        return Err(HostError::Audit(Error::Other(
            "a verification needs at least one session".into(),
        )));
    };
    let head = first.store_head(tenant).map_err(|e| {
        let why = match e {
            StoreError::Conflict => "conflict".to_string(),
            StoreError::Busy(m) | StoreError::Failed(m) => m,
        };
        HostError::Audit(Error::Store(format!("reading the head of {tenant}: {why}")))
    })?;
    let events = head.map_or(0, |h| h.seq);
    let parts = available.min(events / min_events_per_part.max(1)).max(1);
    if parts == 1 {
        return first.verify(tenant, &[], &[]);
    }
    // Boundaries by seq: the last range runs to the end (the head check),
    // so events appended meanwhile are verified too.
    let step = events / parts;
    let results: Vec<Result<RangeReport, HostError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = sessions
            .iter_mut()
            .take(parts as usize)
            .enumerate()
            .map(|(i, session)| {
                let i = i as u64;
                let through = (i + 1 < parts).then(|| (i + 1) * step);
                scope.spawn(move || session.verify_range(tenant, i * step, through))
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
        None => sessions[0].verify(tenant, &[], &[]),
    }
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
