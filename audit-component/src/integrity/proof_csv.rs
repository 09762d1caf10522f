//! The CSV side of verifiable exports, kept apart so that it can be
//! connected to the CSV export's own column writer.
//!
//! What it expects of a CSV export with proof (RFC 4180, UTF-8, read with
//! `csv-core` as it arrives):
//!
//! - a header record naming, among any others, the columns `seq`,
//!   `prev_hash`, `hash` and `event`;
//! - one record per event, oldest first, whose `event` field is the event as
//!   `codec::to_json` writes it (one canonical JSON line, with its hash) and
//!   whose `seq`, `prev_hash` and `hash` fields repeat the event's;
//! - a last record whose `event` field is the proof object
//!   (`{"audit_log_proof": ...}`, as `export_proof::proof_line` writes it),
//!   every other field empty.
//!
//! Every other column is what people read in a spreadsheet, so it must be
//! checked too: an edited `actor` cell beside an intact `event` cell is
//! still a forgery. A verifier re-renders each such cell from the event with
//! [`Columns`] and compares: `csv_export::Layout` implements it, so every
//! column the CSV export can write is covered; a column it cannot write is
//! refused rather than half verified.

use crate::core::error::{Error, Result};
use crate::core::model::Event;
use crate::integrity::checker::Link;
use crate::integrity::proof::{MAX_LINE_BYTES, PROOF_MEMBER};
use csv_core::{ReadRecordResult, Reader};
use serde_json::Value;

/// The columns every CSV export with proof has.
pub const PROOF_COLUMNS: [&str; 4] = ["seq", "prev_hash", "hash", "event"];

/// How a CSV export writes its other columns.
pub trait Columns {
    /// Whether the export writes a column of this name.
    fn knows(&self, column: &str) -> bool;
    /// The cell the export writes in `column` for `event`.
    fn render(&self, column: &str, event: &Event) -> String;
}

/// No columns besides the proof columns (the default until the CSV export's
/// writer is connected).
#[derive(Debug, Default, Clone, Copy)]
pub struct ProofColumnsOnly;

impl Columns for ProofColumnsOnly {
    fn knows(&self, _column: &str) -> bool {
        false
    }
    fn render(&self, _column: &str, _event: &Event) -> String {
        String::new()
    }
}

/// The header's positions of the proof columns and the others.
struct Layout {
    seq: usize,
    prev_hash: usize,
    hash: usize,
    event: usize,
    others: Vec<(usize, String)>,
    width: usize,
}

/// Reads CSV records as bytes arrive and hands each event (or the proof)
/// on as a JSON value with its columns.
pub(crate) struct CsvRecords {
    reader: Reader,
    out: Vec<u8>,
    out_len: usize,
    ends: Vec<usize>,
    ends_len: usize,
    record: u64,
    layout: Option<Layout>,
    columns: Box<dyn Columns>,
}

impl Default for CsvRecords {
    fn default() -> Self {
        Self::new()
    }
}

type Sink<'s> = dyn FnMut(Option<Value>, u64, CsvColumns<'_>) -> Result<()> + 's;

impl CsvRecords {
    pub(crate) fn new() -> Self {
        Self::with_columns(Box::new(ProofColumnsOnly))
    }

    /// With the CSV export's renderer for its other columns.
    pub(crate) fn with_columns(columns: Box<dyn Columns>) -> Self {
        CsvRecords {
            reader: Reader::new(),
            out: vec![0; 64 * 1024],
            out_len: 0,
            ends: vec![0; 32],
            ends_len: 0,
            record: 0,
            layout: None,
            columns,
        }
    }

    pub(crate) fn feed(
        &mut self,
        mut input: &[u8],
        mut sink: impl FnMut(Option<Value>, u64, CsvColumns<'_>) -> Result<()>,
    ) -> Result<()> {
        if input.is_empty() {
            return Ok(()); // an empty slice would mean the end to csv-core
        }
        // A byte-order mark (written for spreadsheet programs) is not part
        // of the first column's name.
        if self.record == 0 && self.layout.is_none() && self.out_len == 0 {
            input = input
                .strip_prefix(b"\xef\xbb\xbf".as_slice())
                .unwrap_or(input);
        }
        while !input.is_empty() {
            let n = self.step(input, &mut sink)?;
            input = &input[n..];
        }
        Ok(())
    }

    pub(crate) fn finish(
        &mut self,
        mut sink: impl FnMut(Option<Value>, u64, CsvColumns<'_>) -> Result<()>,
    ) -> Result<()> {
        loop {
            let (result, _, nout, nend) = self.reader.read_record(
                &[],
                &mut self.out[self.out_len..],
                &mut self.ends[self.ends_len..],
            );
            self.out_len += nout;
            self.ends_len += nend;
            match result {
                ReadRecordResult::Record => self.emit(&mut sink)?,
                ReadRecordResult::OutputFull => self.grow_out()?,
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                ReadRecordResult::End | ReadRecordResult::InputEmpty => return Ok(()),
            }
        }
    }

    /// Reads from `input` up to one record; returns the bytes consumed.
    fn step(&mut self, input: &[u8], sink: &mut Sink<'_>) -> Result<usize> {
        let (result, nin, nout, nend) = self.reader.read_record(
            input,
            &mut self.out[self.out_len..],
            &mut self.ends[self.ends_len..],
        );
        self.out_len += nout;
        self.ends_len += nend;
        match result {
            ReadRecordResult::Record => self.emit(sink)?,
            ReadRecordResult::OutputFull => self.grow_out()?,
            ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
            ReadRecordResult::InputEmpty | ReadRecordResult::End => {}
        }
        Ok(nin)
    }

    fn grow_out(&mut self) -> Result<()> {
        if self.out.len() >= MAX_LINE_BYTES {
            return Err(Error::too_large(
                format!("record {}", self.record + 1),
                MAX_LINE_BYTES,
                self.out.len(),
                "bytes",
            ));
        }
        self.out.resize(self.out.len() * 2, 0);
        Ok(())
    }

    /// Hands on the record just read, then makes room for the next.
    fn emit(&mut self, sink: &mut Sink<'_>) -> Result<()> {
        self.record += 1;
        let number = self.record;
        let bytes = &self.out[..self.out_len];
        let mut fields = Vec::with_capacity(self.ends_len);
        let mut start = 0;
        for &end in &self.ends[..self.ends_len] {
            let field = std::str::from_utf8(&bytes[start..end])
                .map_err(|_| Error::invalid(format!("record {number}"), "not valid UTF-8"))?;
            fields.push(field);
            start = end;
        }
        let result = match &self.layout {
            None => {
                let layout = layout(&fields, self.columns.as_ref())?;
                self.layout = Some(layout);
                Ok(())
            }
            Some(layout) => record(layout, &fields, number, self.columns.as_ref(), sink),
        };
        self.out_len = 0;
        self.ends_len = 0;
        result
    }
}

/// Reads the header: every proof column once, every other column known.
fn layout(header: &[&str], columns: &dyn Columns) -> Result<Layout> {
    let find = |name: &str| -> Result<usize> {
        let mut at = header.iter().enumerate().filter(|(_, h)| **h == name);
        match (at.next(), at.next()) {
            (Some((i, _)), None) => Ok(i),
            (None, _) => Err(Error::invalid(
                "header",
                format!(
                    "has no {name} column: an export with proof has seq, prev_hash, hash and event"
                ),
            )),
            (Some(_), Some(_)) => Err(Error::invalid(
                "header",
                format!("names the {name} column twice"),
            )),
        }
    };
    let mut others = Vec::new();
    for (i, name) in header.iter().enumerate() {
        if PROOF_COLUMNS.contains(name) {
            continue;
        }
        if !columns.knows(name) {
            return Err(Error::invalid(
                "header",
                format!(
                    "column {} is not covered by the proof, so its cells could be edited unnoticed",
                    crate::core::error::quoted(name)
                ),
            ));
        }
        others.push((i, name.to_string()));
    }
    Ok(Layout {
        seq: find("seq")?,
        prev_hash: find("prev_hash")?,
        hash: find("hash")?,
        event: find("event")?,
        others,
        width: header.len(),
    })
}

/// One data record: its event (or the proof) with its columns.
fn record(
    layout: &Layout,
    fields: &[&str],
    number: u64,
    columns: &dyn Columns,
    sink: &mut Sink<'_>,
) -> Result<()> {
    if fields.len() != layout.width {
        return Err(Error::invalid(
            format!("record {number}"),
            format!(
                "has {} fields where the header has {}",
                fields.len(),
                layout.width
            ),
        ));
    }
    let value: Option<Value> = serde_json::from_str(fields[layout.event]).ok();
    let is_proof = matches!(&value, Some(Value::Object(m)) if m.contains_key(PROOF_MEMBER));
    if is_proof
        && fields
            .iter()
            .enumerate()
            .any(|(i, f)| i != layout.event && !f.is_empty())
    {
        return Err(Error::invalid(
            format!("record {number}"),
            "the proof record's other fields must be empty",
        ));
    }
    let presentation = if is_proof || layout.others.is_empty() {
        None
    } else {
        let event: Option<Event> = value
            .as_ref()
            .and_then(|v| serde_json::from_value(v.clone()).ok());
        match event {
            Some(event) => layout
                .others
                .iter()
                .find(|(i, name)| columns.render(name, &event) != fields[*i])
                .map(|(_, name)| name.clone()),
            None => None,
        }
    };
    sink(
        value,
        number,
        CsvColumns {
            seq: fields[layout.seq],
            prev_hash: fields[layout.prev_hash],
            hash: fields[layout.hash],
            presentation,
        },
    )
}

/// A CSV record's columns besides its event, for `ExportChecker::item`.
pub(crate) struct CsvColumns<'a> {
    pub seq: &'a str,
    pub prev_hash: &'a str,
    pub hash: &'a str,
    /// The first presentation column that does not render from the event.
    pub presentation: Option<String>,
}

impl CsvColumns<'_> {
    pub(crate) fn disagreement(self, link: &Link<'_>, claimed: &str) -> Option<String> {
        if self.seq != link.seq.to_string() {
            Some("seq".into())
        } else if self.prev_hash != link.prev_hash {
            Some("prev_hash".into())
        } else if self.hash != claimed {
            Some("hash".into())
        } else {
            self.presentation
        }
    }
}
