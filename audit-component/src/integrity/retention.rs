//! Retention: how long a tenant's events are kept, and the purge that
//! deletes older ones without ever breaking the chain.
//!
//! A purge deletes a prefix of the chain (every event up to some seq), never
//! events in the middle, and in the same store transaction appends an
//! `audit_log.purged` event whose metadata records what went: the last
//! purged seq and its hash (the [`Anchor`]), so that a verifier accepts
//! that the log now starts after it. There is no window in which the rows
//! are gone and the anchor is not there (a crash rolls both back). Before
//! it deletes anything a purge verifies the whole chain, and refuses when it
//! is not intact: purging must never destroy the evidence of tampering.

use crate::core::error::{Error, Result};
use crate::core::fields;
use crate::core::model::{Actor, Event, EventInput};
use crate::core::own;
use crate::core::store::{Clock, Store};
use crate::core::time;
use crate::ingest::append::commit_with;
use crate::integrity::anchor::Anchor;
use crate::integrity::report::Report;
use crate::integrity::verify;
use crate::settings;

/// What a purge did.
#[derive(Debug, Clone, PartialEq)]
pub struct PurgeOutcome {
    /// The verification of the chain before anything was deleted. When it
    /// is not intact nothing was deleted.
    pub report: Report,
    /// How many events were deleted.
    pub purged: u64,
    /// The last deleted seq.
    pub through_seq: Option<u64>,
    /// The `audit_log.purged` event that records the purge.
    pub event: Option<Event>,
}

/// How often a purge re-seals its anchor after another writer appended.
const MAX_ATTEMPTS: usize = 8;

/// Deletes the tenant's events recorded more than its retention period ago
/// (by `recorded_at`, the log's own clock: `occurred_at` comes from the
/// sender), as the longest such prefix of the chain, and records the purge
/// as an `audit_log.purged` event by `actor`. Verifies the chain first and
/// deletes nothing when it is not intact.
pub fn purge(
    store: &mut impl Store,
    clock: &mut impl Clock,
    tenant: &str,
    actor: Actor,
) -> Result<PurgeOutcome> {
    fields::tenant(tenant)?;
    let retention = settings::load(store, tenant)?.retention;
    // Stored settings were checked when they were put; a store edited by
    // hand must not lower the floor.
    retention.check().map_err(|e| {
        Error::Store(format!(
            "the stored retention of tenant {tenant} is invalid: {e}"
        ))
    })?;
    let now = clock.now();
    let cutoff = now - chrono::Duration::days(i64::from(retention.days));
    let checker = verify::start(tenant, &[], &[])?.with_cutoff(cutoff);
    // The verification sees one moment of the log; the purge itself is then
    // written against the head it finds then (and retried if it moved).
    let checker = verify::in_one_read(store, |store| verify::run(store, checker))?;
    let prefix = checker.old_prefix();
    let report = checker.finish();
    let nothing = |report: Report| PurgeOutcome {
        report,
        purged: 0,
        through_seq: None,
        event: None,
    };
    let Some(prefix) = prefix.filter(|_| report.intact()) else {
        return Ok(nothing(report));
    };
    let anchor = Anchor {
        first_seq: prefix.first_seq,
        through_seq: prefix.through_seq,
        through_hash: prefix.through_hash.clone(),
        count: prefix.count,
        recorded_before: time::format(cutoff),
        retention_days: retention.days,
    };
    let metadata = serde_json::to_string(&anchor)
        .map_err(|e| Error::Other(format!("encoding a purge anchor: {e}")))?;
    let input = EventInput {
        metadata: Some(metadata),
        ..own::event(tenant, own::PURGED, actor)
    };
    let prepared = crate::ingest::prepare::prepare(input, store)?;
    let mut attempts = 0;
    let mut events = commit_with(
        store,
        clock,
        vec![prepared],
        &|_| None,
        |store, mut rows| {
            attempts += 1;
            if attempts > MAX_ATTEMPTS {
                return Err(crate::core::store::StoreError::Failed(
                    "another purge or writer kept changing the log; run the purge again".into(),
                ));
            }
            let row = rows.pop().expect("one anchor row was sealed");
            store.purge(tenant, prefix.through_seq, prefix.count, row)
        },
    )?;
    let event = events.pop();
    Ok(PurgeOutcome {
        report,
        purged: prefix.count,
        through_seq: Some(prefix.through_seq),
        event,
    })
}
