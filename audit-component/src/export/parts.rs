//! One export written by several instances at once: the exporter that
//! `start` made (and recorded) splits its snapshot into ranges of seq, keeps
//! the first of them in output order with the file's preamble, and hands
//! the others out as parts; another instance opens a part with
//! [`start_part`], which writes that range's rows only. A host that writes
//! the parts' output one after the other, in the order given, gets the
//! bytes one exporter would have written.
//!
//! A part is not a new export and records nothing: it is refused unless the
//! tenant's log holds the record of an export of the same request by the
//! same viewer, and it covers nothing stored after that record. So every
//! byte a part produces belongs to an export the log recorded.

use crate::core::error::{Error, Result, store_error};
use crate::core::own;
use crate::core::row;
use crate::core::store::{Clock, Store};
use crate::export::exporter::{ExportRequest, Exporter, Progress, check};
use crate::read::page::Order;
use crate::read::scan::{MAX_BATCH_ROWS, Scanner};

/// One range of a split export: its events with `after_seq` < seq <=
/// `through_seq`, of the export recorded as the event `export_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The id of the `audit_log.exported` event of the export.
    pub export_id: String,
    /// The range starts after this seq.
    pub after_seq: u64,
    /// The range ends with this seq.
    pub through_seq: u64,
}

/// At most this many parts per export.
pub const MAX_PARTS: u32 = 65_536;

impl Exporter {
    /// Splits this export, before it has produced anything, into `parts`
    /// ranges of seq about the same size: it keeps the first in output
    /// order (and the preamble) and returns the others, in output order.
    /// Fewer parts than asked when the snapshot is short; none for an empty
    /// snapshot or `parts` below 2.
    pub fn split(&mut self, parts: u32) -> Result<Vec<Part>> {
        if self.proof.is_some() {
            return Err(Error::invalid(
                "parts",
                "an export with proof runs along the chain on one instance; it is not split",
            ));
        }
        if parts > MAX_PARTS {
            return Err(Error::too_large(
                "parts",
                MAX_PARTS as usize,
                parts as usize,
                "items",
            ));
        }
        if self.progress
            != (Progress {
                span: self.head,
                ..Progress::default()
            })
            || self.floor != 0
            || self.failed
        {
            return Err(Error::invalid(
                "parts",
                "only an export that has produced nothing yet can be split",
            ));
        }
        let head = self.head;
        let n = u64::from(parts).min(head);
        if n < 2 {
            return Ok(Vec::new());
        }
        // Range i is (bounds[i], bounds[i + 1]].
        let bounds: Vec<u64> = (0..=n).map(|i| head * i / n).collect();
        let range = |i: usize| (bounds[i], bounds[i + 1]);
        let part = |(after_seq, through_seq): (u64, u64)| Part {
            export_id: self.record_id.clone(),
            after_seq,
            through_seq,
        };
        let last = n as usize - 1;
        let (kept, others): ((u64, u64), Vec<Part>) = if self.descending {
            (
                range(last),
                (0..last).rev().map(|i| part(range(i))).collect(),
            )
        } else {
            (range(0), (1..=last).map(|i| part(range(i))).collect())
        };
        self.restrict(kept);
        Ok(others)
    }

    /// Narrows this exporter to the range (after, through].
    fn restrict(&mut self, (after, through): (u64, u64)) {
        self.scan = scanner(
            &self.tenant,
            self.descending,
            self.filter.store_bounds(),
            after,
            through,
        );
        self.head = through;
        self.floor = after;
        self.progress.span = through - after;
    }
}

fn scanner(
    tenant: &str,
    descending: bool,
    bounds: (Option<i64>, Option<i64>),
    after: u64,
    through: u64,
) -> Scanner {
    if descending {
        Scanner::new(
            tenant,
            true,
            Some(through.saturating_add(1)),
            bounds,
            MAX_BATCH_ROWS,
        )
        .above(after)
    } else {
        Scanner::new(tenant, false, Some(after), bounds, MAX_BATCH_ROWS).up_to(through)
    }
}

/// Opens one part of an export another exporter was split into: the same
/// request, and the part it handed out. Errors name `part.*` when the log
/// holds no record of such an export.
pub fn start_part(
    store: &mut impl Store,
    clock: &mut impl Clock,
    request: &ExportRequest,
    part: &Part,
) -> Result<Exporter> {
    if request.proof.is_some() {
        return Err(Error::invalid(
            "proof",
            "an export with proof runs along the chain on one instance; it has no parts",
        ));
    }
    if part.through_seq <= part.after_seq {
        return Err(Error::invalid(
            "part.through_seq",
            "must be above after_seq",
        ));
    }
    let checked = check(store, request)?;
    let read = checked.read(store, request)?;
    read.authorize(store, clock)?;
    let tenant = &request.filter.tenant;
    let row = store
        .get(tenant, &part.export_id)
        .map_err(store_error)?
        .ok_or_else(|| Error::invalid("part.export_id", "the log holds no export with this id"))?;
    let record = row::decode(tenant, row)?;
    if record.action != own::EXPORTED || !read.recorded_by(&record, store)? {
        return Err(Error::invalid(
            "part.export_id",
            "names no export of this request by this viewer",
        ));
    }
    if part.through_seq >= record.seq {
        return Err(Error::invalid(
            "part.through_seq",
            "reaches past the export's snapshot (its record's seq)",
        ));
    }
    let descending = request.order == Order::NewestFirst;
    let bounds = checked.filter.store_bounds();
    Ok(Exporter {
        tenant: tenant.clone(),
        scan: scanner(tenant, descending, bounds, part.after_seq, part.through_seq),
        filter: checked.filter,
        layout: checked.layout,
        descending,
        head: part.through_seq,
        floor: part.after_seq,
        preamble: Vec::new(),
        progress: Progress {
            span: part.through_seq - part.after_seq,
            ..Progress::default()
        },
        failed: false,
        proof: None,
        record_id: record.id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::memory::MemoryStore;
    use crate::export::exporter::{Format, start};
    use crate::export::layout::RowMode;
    use crate::ingest::append::append_batch;
    use crate::read::filter::Filter;
    use crate::test_support::{Fixed, user, viewer};

    fn log(n: usize) -> MemoryStore {
        let mut s = MemoryStore::default();
        let inputs = (0..n)
            .map(|i| crate::core::model::EventInput {
                tenant: "acme".into(),
                action: "user.updated".into(),
                actor: user(&format!("u_{i}")),
                targets: vec![],
                outcome: crate::core::model::Outcome::Success,
                failure_reason: None,
                context: Default::default(),
                occurred_at: None,
                before: Some(format!(r#"{{"n":{i}}}"#)),
                after: Some(format!(r#"{{"n":{}}}"#, i + 1)),
                metadata: None,
                idempotency_key: None,
            })
            .collect();
        append_batch(&mut s, &mut Fixed, inputs).unwrap();
        s
    }

    fn request(format: Format, order: Order) -> ExportRequest {
        ExportRequest {
            filter: Filter::tenant("acme"),
            order,
            viewer: viewer("admin"),
            format,
            columns: vec![],
            rows: RowMode::Events,
            byte_order_mark: format == Format::Csv,
            utc_offset: None,
            proof: None,
        }
    }

    fn drain(x: &mut Exporter, s: &mut MemoryStore) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(chunk) = x.next_chunk(s).unwrap() {
            out.extend(chunk);
        }
        out
    }

    #[test]
    fn the_parts_in_order_are_the_whole_export() {
        for (format, order) in [
            (Format::Csv, Order::OldestFirst),
            (Format::Csv, Order::NewestFirst),
            (Format::Jsonl, Order::OldestFirst),
            (Format::Jsonl, Order::NewestFirst),
        ] {
            let r = request(format, order);
            let mut whole_store = log(50);
            let mut one = start(&mut whole_store, &mut Fixed, &r).unwrap();
            let whole = drain(&mut one, &mut whole_store);
            let mut s = log(50);
            let mut first = start(&mut s, &mut Fixed, &r).unwrap();
            let parts = first.split(7).unwrap();
            assert_eq!(parts.len(), 6);
            let mut out = drain(&mut first, &mut s);
            for part in &parts {
                let mut x = start_part(&mut s, &mut Fixed, &r, part).unwrap();
                out.extend(drain(&mut x, &mut s));
            }
            assert_eq!(
                String::from_utf8(out).unwrap(),
                String::from_utf8(whole).unwrap(),
                "{format:?} {order:?}"
            );
        }
    }

    #[test]
    fn a_part_needs_the_record_of_the_same_export() {
        let r = request(Format::Csv, Order::OldestFirst);
        let mut s = log(20);
        let mut first = start(&mut s, &mut Fixed, &r).unwrap();
        let parts = first.split(2).unwrap();
        let err = |part: &Part, r: &ExportRequest, s: &mut MemoryStore| {
            start_part(s, &mut Fixed, r, part)
                .err()
                .unwrap()
                .to_string()
        };
        let forged = Part {
            export_id: "nope".into(),
            ..parts[0].clone()
        };
        assert!(err(&forged, &r, &mut s).starts_with("part.export_id: the log holds no export"));
        let mut other = r.clone();
        other.format = Format::Jsonl;
        other.byte_order_mark = false;
        assert!(err(&parts[0], &other, &mut s).starts_with("part.export_id: names no export"));
        let mut someone = r.clone();
        someone.viewer.actor = user("mallory");
        assert!(err(&parts[0], &someone, &mut s).starts_with("part.export_id: names no export"));
        let beyond = Part {
            through_seq: 25,
            ..parts[0].clone()
        };
        assert!(err(&beyond, &r, &mut s).starts_with("part.through_seq: reaches past"));
        // Only an export that has produced nothing is split.
        let mut started = start(&mut s, &mut Fixed, &r).unwrap();
        started.next_chunk(&mut s).unwrap();
        assert!(started.split(2).is_err());
    }
}
