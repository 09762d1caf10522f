//! Verifying a hash chain, with a distinct verdict for each kind of
//! tampering (modelled on AWS CloudTrail's log file validation): a tenant's
//! rows as the store keeps them (`verify.rs`), or the lines of an export
//! (`proof.rs`), fed one at a time to the same `Checker`.
//!
//! What is checked, per event: that its content hashes to its `hash`
//! (`modified` otherwise), that it sits at its own `seq` (`reordered`, or
//! `duplicate` when it repeats another event), that no `seq` is skipped
//! (`missing`), and that its `prev_hash` is its predecessor's `hash`
//! (`chain-broken`). Against references: a signed checkpoint or the store's
//! own head (`forged` when the event there is another one, `truncated` when
//! the log ends before it) and the checkpoint's signature (`bad-signature`).
//!
//! One tampering gives one finding where that can be told: the successor of
//! an edited event links to the edited event's stored hash, so editing one
//! event is reported once, as `modified`, not also as a broken chain.

use crate::core::error::{Error, Result, store_error};
use crate::core::store::{Head, Row, ScanRequest, Store};
use crate::core::{chain, own, time};
use crate::integrity::anchor::Anchor;
use crate::integrity::checkpoint::Checkpoint;
use crate::integrity::report::{Finding, FindingKind, MAX_FINDINGS, Report};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The members of an event body a verifier reads. Borrowed where the JSON
/// has no escapes: a verifier reads every event, so it parses no more than
/// it needs.
#[derive(Deserialize)]
pub(crate) struct Link<'a> {
    #[serde(borrow)]
    pub action: Cow<'a, str>,
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(borrow)]
    pub occurred_at: Cow<'a, str>,
    #[serde(borrow)]
    pub prev_hash: Cow<'a, str>,
    #[serde(borrow)]
    pub recorded_at: Cow<'a, str>,
    pub seq: u64,
    #[serde(borrow)]
    pub tenant: Cow<'a, str>,
}

impl<'a> Link<'a> {
    pub(crate) fn parse(body: &'a str) -> Option<Self> {
        serde_json::from_str(body).ok()
    }
}

/// The anchor an `audit_log.purged` body carries, if it is one.
fn anchor_of(body: &str) -> Option<Anchor> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    serde_json::from_value(value.get("metadata")?.clone()).ok()
}

/// How one entry was judged.
pub(crate) enum Status<'a> {
    /// Its content is intact and it is where it belongs.
    InPlace(Link<'a>),
    /// Its content does not match its hash or its columns (already reported).
    Modified,
    /// It belongs elsewhere (already reported).
    Moved,
}

/// The previous entry, for the link check.
struct Prev {
    seq: u64,
    stored: String,
    computed: String,
    /// Whether a successor can be linked to it: not when it was moved.
    linkable: bool,
    in_place: bool,
}

/// A prefix of the chain recorded before a cutoff (what a purge deletes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OldPrefix {
    pub first_seq: u64,
    pub through_seq: u64,
    pub through_hash: String,
    pub count: u64,
}

/// The verification state, fed one entry at a time.
pub(crate) struct Checker {
    report: Report,
    checkpoints: Vec<(Checkpoint, bool)>,
    prev: Option<Prev>,
    /// The first entry's `prev_hash`, when it was intact.
    start_prev_hash: Option<String>,
    anchors: Vec<Anchor>,
    /// Exports only: sequence numbers skipped over, which may still turn up.
    absent: BTreeMap<u64, u64>,
    /// Purges only: events recorded before this time, from the start.
    cutoff: Option<DateTime<Utc>>,
    old_prefix: Option<OldPrefix>,
    old_prefix_open: bool,
    /// A range that starts inside the log ([`Checker::inside`]): its first
    /// event's link is the caller's to check, not the log's start.
    inside: bool,
}

impl Checker {
    pub(crate) fn new(tenant: &str) -> Self {
        Checker {
            report: Report {
                tenant: tenant.to_string(),
                ..Report::default()
            },
            checkpoints: Vec::new(),
            prev: None,
            start_prev_hash: None,
            anchors: Vec::new(),
            absent: BTreeMap::new(),
            cutoff: None,
            old_prefix: None,
            old_prefix_open: true,
            inside: false,
        }
    }

    /// A checker of a range that starts after the log's first events: its
    /// first event is not judged as the log's start (genesis, purge
    /// anchor); its `prev_hash` is kept for the caller
    /// ([`Checker::start_prev_hash`]).
    pub(crate) fn inside(mut self) -> Self {
        self.inside = true;
        self
    }

    /// The first event's `prev_hash`, when it was intact and did not start
    /// from the genesis hash.
    pub(crate) fn start_prev_hash(&self) -> Option<&str> {
        self.start_prev_hash.as_deref()
    }

    /// Also notes the longest prefix of events recorded before `cutoff`.
    pub(crate) fn with_cutoff(mut self, cutoff: DateTime<Utc>) -> Self {
        self.cutoff = Some(cutoff);
        self
    }

    pub(crate) fn add_checkpoint(&mut self, checkpoint: Checkpoint) {
        self.checkpoints.push((checkpoint, false));
    }

    /// Records a finding (or counts it past the cap).
    pub(crate) fn find(
        &mut self,
        kind: FindingKind,
        seq: u64,
        related_seq: Option<u64>,
        detail: impl Into<String>,
    ) {
        if self.report.findings.len() < MAX_FINDINGS {
            self.report.findings.push(Finding {
                kind,
                seq,
                related_seq,
                detail: detail.into(),
            });
        } else {
            self.report.findings_omitted += 1;
        }
    }

    /// The tenant (in exports: the first event's, until the proof says).
    pub(crate) fn tenant(&self) -> &str {
        &self.report.tenant
    }

    pub(crate) fn set_tenant(&mut self, tenant: &str) {
        self.report.tenant = tenant.to_string();
    }

    /// One row of the store. Positions are the store's `seq` column, in
    /// increasing order; `store` is asked for the row at another position
    /// only when an event is out of place.
    pub(crate) fn push_row(&mut self, row: &Row, store: &mut impl Store) -> Result<()> {
        let p = row.seq;
        if let Some(prev) = &self.prev
            && p <= prev.seq
        {
            return Err(Error::Store(format!(
                "the store returned seq {p} after seq {}",
                prev.seq
            )));
        }
        let contiguous = match &self.prev {
            Some(prev) if p > prev.seq + 1 => {
                let from = prev.seq + 1;
                self.find(
                    FindingKind::Missing,
                    from,
                    Some(p - 1),
                    "events are missing (a gap in the sequence)",
                );
                false
            }
            _ => true,
        };
        let computed = chain::hash(&row.body);
        let status = if !row.defects.is_empty() {
            // A column edited to another type is an edit of the row, whatever
            // its bytes: the store could not read it as it was written.
            let s = if row.defects.len() == 1 { "" } else { "s" };
            self.find(
                FindingKind::Modified,
                p,
                None,
                format!(
                    "its row's {} column{s} hold{} another type than the store writes",
                    row.defects.join(", "),
                    if row.defects.len() == 1 { "s" } else { "" }
                ),
            );
            Status::Modified
        } else if computed != row.hash {
            self.find(
                FindingKind::Modified,
                p,
                None,
                "its content does not match its hash",
            );
            Status::Modified
        } else {
            match Link::parse(&row.body) {
                None => {
                    self.find(
                        FindingKind::Modified,
                        p,
                        None,
                        "its content is not a readable event",
                    );
                    Status::Modified
                }
                Some(link) if link.seq != p => {
                    let at_home = lookup(store, &self.report.tenant, link.seq)?;
                    if at_home.is_some_and(|h| h.hash == row.hash) {
                        self.find(
                            FindingKind::Duplicate,
                            p,
                            Some(link.seq),
                            format!("it repeats the event of seq {}", link.seq),
                        );
                    } else {
                        self.find(
                            FindingKind::Reordered,
                            p,
                            Some(link.seq),
                            format!("it holds the event of seq {}", link.seq),
                        );
                    }
                    Status::Moved
                }
                Some(link) => match column_mismatch(row, &link, &self.report.tenant) {
                    Some(column) => {
                        self.find(
                            FindingKind::Modified,
                            p,
                            None,
                            format!("its row's {column} column disagrees with its content"),
                        );
                        Status::Modified
                    }
                    None => Status::InPlace(link),
                },
            }
        };
        self.accept(p, &row.body, &row.hash, computed, status, contiguous, true);
        Ok(())
    }

    /// One line of an export, whose position is its own `seq` (there is no
    /// other). `link` is `None` when the line is not an event at all.
    pub(crate) fn push_line(
        &mut self,
        body: &str,
        claimed: &str,
        computed: String,
        link: Option<Link<'_>>,
        line: u64,
    ) {
        let expected = self.report.last_seq.map_or(1, |s| s + 1);
        let Some(link) = link else {
            self.find(
                FindingKind::Modified,
                expected,
                None,
                format!("line {line} is not a readable event"),
            );
            return;
        };
        let s = link.seq;
        let first = self.report.first_seq.is_none();
        let mut contiguous = true;
        if !first && s < expected {
            if self.take_absent(s) {
                self.find(
                    FindingKind::Reordered,
                    s,
                    self.report.last_seq,
                    format!("line {line} is out of order (after seq {})", expected - 1),
                );
            } else {
                self.find(
                    FindingKind::Duplicate,
                    s,
                    Some(s),
                    format!("line {line} repeats seq {s}"),
                );
            }
            return;
        }
        if !first && s > expected {
            self.absent.insert(expected, s - 1);
            contiguous = false;
        }
        let status = if computed != claimed {
            self.find(
                FindingKind::Modified,
                s,
                None,
                format!("line {line}: its content does not match its hash"),
            );
            Status::Modified
        } else if link.tenant != self.report.tenant && !self.report.tenant.is_empty() {
            self.find(
                FindingKind::Modified,
                s,
                None,
                format!("line {line} belongs to another tenant"),
            );
            Status::Modified
        } else {
            if self.report.tenant.is_empty() {
                self.report.tenant = link.tenant.to_string();
            }
            Status::InPlace(link)
        };
        self.accept(s, body, claimed, computed, status, contiguous, false);
    }

    fn take_absent(&mut self, s: u64) -> bool {
        let Some((&from, &to)) = self.absent.range(..=s).next_back() else {
            return false;
        };
        if s > to {
            return false;
        }
        self.absent.remove(&from);
        if from < s {
            self.absent.insert(from, s - 1);
        }
        if s < to {
            self.absent.insert(s + 1, to);
        }
        true
    }

    /// Links an entry to its predecessor and the references, and moves on.
    #[allow(clippy::too_many_arguments)]
    fn accept(
        &mut self,
        p: u64,
        body: &str,
        stored: &str,
        computed: String,
        status: Status<'_>,
        contiguous: bool,
        store_mode: bool,
    ) {
        self.report.events += 1;
        if self.report.first_seq.is_none() {
            self.report.first_seq = Some(p);
        }
        let mut in_place = false;
        match &status {
            Status::InPlace(link) => {
                in_place = true;
                match &self.prev {
                    Some(prev) if contiguous && prev.linkable => {
                        if link.prev_hash != prev.stored && link.prev_hash != prev.computed {
                            self.find(
                                FindingKind::ChainBroken,
                                p,
                                Some(p - 1),
                                format!("its prev_hash is not the hash of seq {}", p - 1),
                            );
                        }
                    }
                    Some(_) => {}
                    None if p == 1 => {
                        if link.prev_hash != chain::GENESIS {
                            self.find(
                                FindingKind::ChainBroken,
                                p,
                                None,
                                "the first event does not start from the genesis hash",
                            );
                        }
                    }
                    None => self.start_prev_hash = Some(link.prev_hash.to_string()),
                }
                if link.action == own::PURGED
                    && let Some(anchor) = anchor_of(body)
                {
                    self.anchors.push(anchor);
                }
                self.note_age(p, stored, &link.recorded_at);
            }
            Status::Modified | Status::Moved => self.old_prefix_open = false,
        }
        if in_place {
            self.compare_checkpoints(p, stored, &computed);
        }
        let moved = matches!(status, Status::Moved);
        if store_mode || !moved {
            self.prev = Some(Prev {
                seq: p,
                stored: stored.to_string(),
                computed,
                linkable: !moved,
                in_place,
            });
            self.report.last_seq = Some(p);
            self.report.last_hash = Some(stored.to_string());
        }
    }

    /// Extends the prefix of old events while they keep coming.
    fn note_age(&mut self, p: u64, stored: &str, recorded_at: &str) {
        let Some(cutoff) = self.cutoff else { return };
        if !self.old_prefix_open {
            return;
        }
        let old = time::parse(recorded_at).is_ok_and(|t| t < cutoff);
        if !old {
            self.old_prefix_open = false;
            return;
        }
        match &mut self.old_prefix {
            Some(prefix) if prefix.through_seq + 1 == p => {
                prefix.through_seq = p;
                prefix.through_hash = stored.to_string();
                prefix.count += 1;
            }
            Some(_) => self.old_prefix_open = false,
            None => {
                self.old_prefix = Some(OldPrefix {
                    first_seq: p,
                    through_seq: p,
                    through_hash: stored.to_string(),
                    count: 1,
                })
            }
        }
    }

    fn compare_checkpoints(&mut self, p: u64, stored: &str, computed: &str) {
        let mut forged = Vec::new();
        for (cp, checked) in self.checkpoints.iter_mut().filter(|(c, _)| c.seq == p) {
            *checked = true;
            if cp.hash == stored && cp.hash == computed {
                self.report.checkpoints_verified += 1;
            } else {
                forged.push(cp.time.clone());
            }
        }
        for time in forged {
            self.find(
                FindingKind::Forged,
                p,
                None,
                format!(
                    "it is not the event the checkpoint of {time} signed: events up to seq {p} were replaced"
                ),
            );
        }
    }

    /// Compares the end of the log with the store's head.
    pub(crate) fn check_head(&mut self, head: Option<Head>) {
        let last = self.report.last_seq;
        match (head, last) {
            (None, None) => {}
            (None, Some(last)) => self.find(
                FindingKind::Forged,
                last,
                None,
                "the store records no head for this log: its events were not appended through the log",
            ),
            (Some(h), None) => self.find(
                FindingKind::Truncated,
                h.seq,
                None,
                "the store's head is at this seq but the log is empty",
            ),
            (Some(h), Some(last)) if h.seq > last => self.find(
                FindingKind::Truncated,
                h.seq,
                Some(last),
                format!("the store's head is at this seq but the log ends at seq {last}"),
            ),
            (Some(h), Some(last)) if h.seq < last => {
                // Rows past the head already reported (a replay at the tail)
                // need no second finding.
                if !self.report.findings.iter().any(|f| f.seq > h.seq) {
                    self.find(
                        FindingKind::Forged,
                        h.seq + 1,
                        Some(last),
                        format!(
                            "events after seq {} (the store's head) were not appended through the log",
                            h.seq
                        ),
                    );
                }
            }
            (Some(h), Some(last)) => {
                let matches = self.prev.as_ref().is_some_and(|p| p.stored == h.hash);
                let reported = self.report.findings.iter().any(|f| f.seq == last);
                if !matches && !reported {
                    self.find(
                        FindingKind::Forged,
                        last,
                        None,
                        "it is not the event the store's head records: events were replaced",
                    );
                }
            }
        }
    }

    /// For exports: the proof's checkpoint must be exactly the last event.
    pub(crate) fn check_export_end(&mut self, cp: &Checkpoint) {
        match self.report.last_seq {
            None => self.find(
                FindingKind::Truncated,
                cp.seq,
                None,
                "the export has no events but its checkpoint covers this seq",
            ),
            Some(last) if cp.seq > last => self.find(
                FindingKind::Truncated,
                cp.seq,
                Some(last),
                format!("the export ends at seq {last} but its checkpoint covers this seq"),
            ),
            Some(last) if cp.seq < last => self.find(
                FindingKind::Forged,
                cp.seq + 1,
                Some(last),
                format!(
                    "lines after seq {} are not covered by the export's checkpoint",
                    cp.seq
                ),
            ),
            Some(_) => {
                let prev = self.prev.as_ref();
                if prev.is_some_and(|p| p.in_place) {
                    let p = prev.expect("checked");
                    let (stored, computed) = (p.stored.clone(), p.computed.clone());
                    self.checkpoints.push((cp.clone(), false));
                    self.compare_checkpoints(cp.seq, &stored, &computed);
                }
            }
        }
    }

    /// The prefix of events recorded before the cutoff, when it is intact.
    pub(crate) fn old_prefix(&self) -> Option<OldPrefix> {
        self.old_prefix.clone()
    }

    /// Checks the start of the log and the checkpoints not yet met, and
    /// returns the report.
    pub(crate) fn finish(mut self) -> Report {
        let ranges: Vec<(u64, u64)> = std::mem::take(&mut self.absent).into_iter().collect();
        for (from, to) in ranges {
            self.find(
                FindingKind::Missing,
                from,
                Some(to),
                "events are missing (a gap in the sequence)",
            );
        }
        if let (Some(first), Some(start)) = (self.report.first_seq, self.start_prev_hash.clone())
            && first > 1
            && !self.inside
        {
            match self.anchors.iter().find(|a| a.through_seq + 1 == first) {
                Some(a) if a.through_hash == start => self.report.purged_through = Some(first - 1),
                Some(_) => self.find(
                    FindingKind::ChainBroken,
                    first,
                    Some(first - 1),
                    "its prev_hash is not the hash the audit_log.purged event recorded",
                ),
                None => self.find(
                    FindingKind::Missing,
                    1,
                    Some(first - 1),
                    format!(
                        "the log starts at seq {first} and no audit_log.purged event accounts for the events before it"
                    ),
                ),
            }
        }
        let first = self.report.first_seq;
        let last = self.report.last_seq;
        let pending: Vec<Checkpoint> = self
            .checkpoints
            .iter()
            .filter(|(_, checked)| !checked)
            .map(|(c, _)| c.clone())
            .collect();
        for cp in pending {
            if last.is_none_or(|l| cp.seq > l) {
                self.find(
                    FindingKind::Truncated,
                    cp.seq,
                    last,
                    format!(
                        "the log ends {} but the checkpoint of {} covers this seq",
                        last.map_or("before its first event".to_string(), |l| format!(
                            "at seq {l}"
                        )),
                        cp.time
                    ),
                );
            } else if first.is_some_and(|f| cp.seq < f) {
                match self.anchors.iter().find(|a| a.through_seq == cp.seq) {
                    Some(a) if a.through_hash == cp.hash => self.report.checkpoints_verified += 1,
                    Some(_) => self.find(
                        FindingKind::Forged,
                        cp.seq,
                        None,
                        format!(
                            "the purged event here is not the one the checkpoint of {} signed",
                            cp.time
                        ),
                    ),
                    None => self.report.checkpoints_skipped += 1,
                }
            }
            // A checkpoint inside a gap is covered by the gap's finding.
        }
        self.report
    }
}

/// The name of the first row column that disagrees with the hashed body.
fn column_mismatch(row: &Row, link: &Link<'_>, tenant: &str) -> Option<&'static str> {
    if link.tenant != tenant || row.tenant != tenant {
        return Some("tenant");
    }
    if link.id != row.id {
        return Some("id");
    }
    if link.prev_hash != row.prev_hash {
        return Some("prev_hash");
    }
    let occurred = time::parse(&link.occurred_at).map(time::micros);
    if occurred != Ok(row.occurred_at_us) {
        return Some("occurred_at_us");
    }
    None
}

/// The row at position `seq`, if any.
fn lookup(store: &mut impl Store, tenant: &str, seq: u64) -> Result<Option<Row>> {
    let rows = store
        .scan(&ScanRequest {
            tenant: tenant.to_string(),
            after_seq: seq.checked_sub(1),
            before_seq: seq.checked_add(1),
            limit: 1,
            ..ScanRequest::default()
        })
        .map_err(store_error)?;
    Ok(rows.into_iter().find(|r| r.seq == seq))
}
