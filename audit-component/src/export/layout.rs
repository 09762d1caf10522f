//! CSV rows of events: the columns, their cells, and the formula
//! neutralisation every cell goes through (`docs/export.md`).
//!
//! The `csv` crate writes the file (RFC 4180: CRLF line ends, quotes doubled,
//! embedded line breaks kept inside quoted cells), with every cell quoted.
//! Before a cell is written, [`neutralise`] (`neutralise.rs`) puts a `'` in front of any text a
//! spreadsheet could read as a formula, as OWASP recommends. A column is one
//! entry of [`COLUMNS`] and one arm of [`Layout::cell`]: adding one (the
//! integrity work's proof columns, say) touches nothing else.

use crate::core::error::{Error, Result};
use crate::core::model::ActorKind;
use crate::core::time;
use crate::export::cells::{CellSource, Text};
use crate::export::neutralise::neutralise;
use chrono::{FixedOffset, SecondsFormat};
use std::borrow::Cow;

/// Columns per export, at most.
pub const MAX_COLUMNS: usize = 64;

/// One column of a CSV export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// `occurred_at`, in UTC or the export's offset.
    Timestamp,
    /// `recorded_at`, likewise.
    RecordedAt,
    /// Position in the tenant's log.
    Seq,
    /// The event's id.
    EventId,
    /// The tenant.
    Tenant,
    /// The actor as people see it: its name, else its id; `System` for a
    /// system actor without a name.
    Actor,
    /// The actor's id.
    ActorId,
    /// The actor's name.
    ActorName,
    /// The actor's e-mail.
    ActorEmail,
    /// The actor's kind.
    ActorKind,
    /// The action, with its label where the catalog has one:
    /// `user.login_failed (Login Fail)`.
    Action,
    /// The action's label alone.
    ActionLabel,
    /// The correlation id of a bulk operation's events.
    CorrelationId,
    /// The category.
    Category,
    /// The change type.
    ChangeType,
    /// Each target as `kind: name` (its id when it has no name), one a line.
    Target,
    /// Each target's kind, one a line.
    TargetKind,
    /// Each target's id, one a line.
    TargetId,
    /// Each target's name, one a line.
    TargetName,
    /// The changed field's path; with rows of events, every path, one a line.
    Field,
    /// What happened to the field: `add`, `remove`, `replace` or `move`;
    /// with rows of events, one a line, beside `field`'s.
    Change,
    /// For a `move`, the path the value came from (empty otherwise); with
    /// rows of events, one a line, beside `field`'s.
    MovedFrom,
    /// The value before: a string as its text, anything else as JSON; with
    /// rows of events, one `path: value` line per change.
    OldValue,
    /// The value after, likewise.
    NewValue,
    /// `success` or `failure`.
    Outcome,
    /// Why it failed.
    FailureReason,
    /// The client's IP address.
    Ip,
    /// The client's user agent.
    UserAgent,
    /// The session id.
    SessionId,
    /// The request id.
    RequestId,
    /// The metadata object as canonical JSON.
    Metadata,
    /// The previous event's hash.
    PrevHash,
    /// The event's hash.
    Hash,
    /// The whole event as one canonical JSON line with its hash (what
    /// `codec.to-json` writes): what makes a CSV export verifiable.
    Event,
}

/// Every column by its name (the header cell and the `--columns` word).
pub const COLUMNS: &[(&str, Column)] = &[
    ("timestamp", Column::Timestamp),
    ("recorded_at", Column::RecordedAt),
    ("seq", Column::Seq),
    ("event_id", Column::EventId),
    ("tenant", Column::Tenant),
    ("actor", Column::Actor),
    ("actor_id", Column::ActorId),
    ("actor_name", Column::ActorName),
    ("actor_email", Column::ActorEmail),
    ("actor_kind", Column::ActorKind),
    ("action", Column::Action),
    ("action_label", Column::ActionLabel),
    ("category", Column::Category),
    ("change_type", Column::ChangeType),
    ("target", Column::Target),
    ("target_kind", Column::TargetKind),
    ("target_id", Column::TargetId),
    ("target_name", Column::TargetName),
    ("field", Column::Field),
    ("change", Column::Change),
    ("moved_from", Column::MovedFrom),
    ("old_value", Column::OldValue),
    ("new_value", Column::NewValue),
    ("outcome", Column::Outcome),
    ("failure_reason", Column::FailureReason),
    ("ip", Column::Ip),
    ("user_agent", Column::UserAgent),
    ("session_id", Column::SessionId),
    ("request_id", Column::RequestId),
    ("metadata", Column::Metadata),
    ("correlation_id", Column::CorrelationId),
    ("prev_hash", Column::PrevHash),
    ("hash", Column::Hash),
    ("event", Column::Event),
];

/// The default columns with rows of events (a dialer's Timestamp, User,
/// Action, Target, Old Value, New Value, IP Address, and what identifies
/// the event).
pub const DEFAULT_COLUMNS: &[Column] = &[
    Column::Timestamp,
    Column::Actor,
    Column::Action,
    Column::Category,
    Column::Target,
    Column::ChangeType,
    Column::OldValue,
    Column::NewValue,
    Column::Ip,
    Column::Outcome,
    Column::EventId,
    Column::Hash,
];

impl Column {
    /// The column's name.
    pub fn name(self) -> &'static str {
        COLUMNS
            .iter()
            .find(|(_, c)| *c == self)
            .map_or("?", |(n, _)| n)
    }
}

/// What one row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowMode {
    /// One row per event.
    #[default]
    Events,
    /// One row per changed field.
    Changes,
}

/// The columns, row mode and time offset of one CSV export.
#[derive(Debug, Clone)]
pub struct Layout {
    columns: Vec<Column>,
    rows: RowMode,
    offset: Option<FixedOffset>,
}

impl Layout {
    /// Checks the column names (empty: the default set) and the offset.
    pub fn new(columns: &[String], rows: RowMode, utc_offset: Option<&str>) -> Result<Self> {
        if columns.len() > MAX_COLUMNS {
            return Err(Error::too_large(
                "columns",
                MAX_COLUMNS,
                columns.len(),
                "items",
            ));
        }
        let columns = if columns.is_empty() {
            let mut c = DEFAULT_COLUMNS.to_vec();
            if rows == RowMode::Changes {
                c.insert(6, Column::Field);
            }
            c
        } else {
            columns
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    COLUMNS
                        .iter()
                        .find(|(n, _)| *n == name.as_str())
                        .map(|(_, c)| *c)
                        .ok_or_else(|| {
                            Error::invalid(
                                format!("columns[{i}]"),
                                format!(
                                    "unknown column; expected one of {}",
                                    COLUMNS
                                        .iter()
                                        .map(|(n, _)| *n)
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            )
                        })
                })
                .collect::<Result<_>>()?
        };
        let offset = utc_offset.map(parse_offset).transpose()?;
        Ok(Layout {
            columns,
            rows,
            offset,
        })
    }

    /// The layout a verifier re-renders cells with: every column an export
    /// can write is known to it (`Columns::knows`), in the default order.
    pub fn every_column() -> Result<Self> {
        Layout::new(&[], RowMode::Events, None)
    }

    /// Whether a row needs the decoded event (the `event` column).
    pub fn needs_event(&self) -> bool {
        self.columns.contains(&Column::Event)
    }

    /// The layout of an export that carries its proof: rows of events, times
    /// in UTC, and the proof columns (`seq`, `prev_hash`, `hash`, `event`)
    /// added after the chosen ones where missing. Errors name the request
    /// field that a proof cannot have.
    pub fn with_proof_columns(mut self) -> Result<Self> {
        if self.rows != RowMode::Events {
            return Err(Error::invalid(
                "rows",
                "an export with proof has one row per event",
            ));
        }
        if self.offset.is_some() {
            return Err(Error::invalid(
                "utc_offset",
                "an export with proof writes times in UTC, as they were hashed",
            ));
        }
        for column in [Column::Seq, Column::PrevHash, Column::Hash, Column::Event] {
            if !self.columns.contains(&column) {
                self.columns.push(column);
            }
        }
        Ok(self)
    }

    /// The proof record: the proof line in the `event` column, every other
    /// field empty (see `export_proof_csv`).
    pub fn write_proof(&self, w: &mut csv::Writer<Vec<u8>>, proof_line: &str) -> Result<()> {
        for &column in &self.columns {
            let cell = if column == Column::Event {
                proof_line
            } else {
                ""
            };
            w.write_field(cell.as_bytes()).map_err(csv_error)?;
        }
        w.write_record(None::<&[u8]>).map_err(csv_error)
    }

    /// The columns' names, in order.
    pub fn column_names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name()).collect()
    }

    /// Writes the header row.
    pub fn header(&self, w: &mut csv::Writer<Vec<u8>>) -> Result<()> {
        w.write_record(self.columns.iter().map(|c| c.name()))
            .map_err(csv_error)
    }

    /// Writes the event's row(s); returns how many.
    pub fn write_event(&self, w: &mut csv::Writer<Vec<u8>>, e: &impl CellSource) -> Result<u64> {
        let changes = e.change_count();
        if self.rows == RowMode::Events || changes == 0 {
            self.write_row(w, e, None)?;
            return Ok(1);
        }
        for i in 0..changes {
            self.write_row(w, e, Some(i))?;
        }
        Ok(changes as u64)
    }

    fn write_row(
        &self,
        w: &mut csv::Writer<Vec<u8>>,
        e: &impl CellSource,
        change: Option<usize>,
    ) -> Result<()> {
        for &column in &self.columns {
            let cell = self.cell(column, e, change);
            w.write_field(neutralise(&cell).as_bytes())
                .map_err(csv_error)?;
        }
        w.write_record(None::<&[u8]>).map_err(csv_error)
    }

    /// One cell, before neutralisation. `change` picks one change (rows of
    /// changes); `None` summarises them all.
    fn cell<'e, C: CellSource>(
        &self,
        column: Column,
        e: &'e C,
        change: Option<usize>,
    ) -> Cow<'e, str> {
        let text = |f: Text| Cow::Borrowed(e.text(f).unwrap_or(""));
        let lines = |f: &dyn Fn((&'e str, &'e str, Option<&'e str>)) -> Cow<'e, str>| match e
            .target_count()
        {
            0 => Cow::Borrowed(""),
            1 => f(e.target(0)),
            n => Cow::Owned(
                (0..n)
                    .map(|i| f(e.target(i)))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        };
        match column {
            Column::Timestamp => self.time(e.text(Text::OccurredAt).unwrap_or("")),
            Column::RecordedAt => self.time(e.text(Text::RecordedAt).unwrap_or("")),
            Column::Seq => Cow::Owned(e.seq().to_string()),
            Column::EventId => text(Text::Id),
            Column::Tenant => text(Text::Tenant),
            Column::Actor => match (e.text(Text::ActorName), e.actor_kind()) {
                (Some(name), _) => Cow::Borrowed(name),
                (None, ActorKind::System) => Cow::Borrowed("System"),
                (None, _) => text(Text::ActorId),
            },
            Column::ActorId => text(Text::ActorId),
            Column::ActorName => text(Text::ActorName),
            Column::ActorEmail => text(Text::ActorEmail),
            Column::ActorKind => Cow::Borrowed(e.actor_kind().as_str()),
            Column::Action => match e.text(Text::Label) {
                Some(label) => {
                    Cow::Owned(format!("{} ({label})", e.text(Text::Action).unwrap_or("")))
                }
                None => text(Text::Action),
            },
            Column::ActionLabel => text(Text::Label),
            Column::CorrelationId => text(Text::CorrelationId),
            Column::Category => text(Text::Category),
            Column::ChangeType => text(Text::ChangeType),
            Column::Target => {
                lines(&|(kind, id, name)| Cow::Owned(format!("{kind}: {}", name.unwrap_or(id))))
            }
            Column::TargetKind => lines(&|(kind, _, _)| Cow::Borrowed(kind)),
            Column::TargetId => lines(&|(_, id, _)| Cow::Borrowed(id)),
            Column::TargetName => lines(&|(_, _, name)| Cow::Borrowed(name.unwrap_or(""))),
            Column::Field => per_change(e, change, |i| Cow::Borrowed(e.change_path(i))),
            Column::Change => per_change(e, change, |i| Cow::Borrowed(e.change_op(i))),
            Column::MovedFrom => {
                per_change(e, change, |i| Cow::Borrowed(e.change_from(i).unwrap_or("")))
            }
            Column::OldValue => changed(e, change, false),
            Column::NewValue => changed(e, change, true),
            Column::Outcome => Cow::Borrowed(e.outcome().as_str()),
            Column::FailureReason => text(Text::FailureReason),
            Column::Ip => text(Text::Ip),
            Column::UserAgent => text(Text::UserAgent),
            Column::SessionId => text(Text::SessionId),
            Column::RequestId => text(Text::RequestId),
            Column::Metadata => e.metadata().unwrap_or(Cow::Borrowed("")),
            Column::PrevHash => text(Text::PrevHash),
            Column::Hash => text(Text::Hash),
            Column::Event => e.event_json().unwrap_or(Cow::Borrowed("")),
        }
    }

    /// A stored UTC time, at the export's offset when it has one.
    fn time<'e>(&self, stored: &'e str) -> Cow<'e, str> {
        let Some(offset) = self.offset else {
            return Cow::Borrowed(stored);
        };
        match time::parse(stored) {
            Ok(t) => Cow::Owned(
                t.with_timezone(&offset)
                    .to_rfc3339_opts(SecondsFormat::AutoSi, true),
            ),
            // Stored times are always valid; never hide one that is not.
            Err(_) => Cow::Borrowed(stored),
        }
    }
}

/// A change's old or new value: one change's value, or every change's as
/// `path: value` lines.
/// A cell of one change (rows of changes), or one line per change (rows of
/// events), lined up with the `field` cell's lines.
fn per_change<'e, C: CellSource>(
    e: &'e C,
    change: Option<usize>,
    cell: impl Fn(usize) -> Cow<'e, str>,
) -> Cow<'e, str> {
    match change {
        Some(i) => cell(i),
        None => Cow::Owned(
            (0..e.change_count())
                .map(cell)
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    }
}

fn changed<C: CellSource>(e: &C, change: Option<usize>, new: bool) -> Cow<'_, str> {
    match change {
        Some(i) => e.change_value(i, new).unwrap_or(Cow::Borrowed("")),
        None => {
            let mut out = String::new();
            for i in 0..e.change_count() {
                if let Some(v) = e.change_value(i, new) {
                    if !out.is_empty() {
                        out.push('\n');
                    }
                    out.push_str(e.change_path(i));
                    out.push_str(": ");
                    out.push_str(&v);
                }
            }
            Cow::Owned(out)
        }
    }
}

/// A verifier of CSV exports re-renders every presentation column from the
/// event exactly as an export with proof writes it (rows of events, UTC,
/// neutralised), so that an edited cell beside an intact `event` is caught.
impl crate::integrity::proof_csv::Columns for Layout {
    fn knows(&self, column: &str) -> bool {
        COLUMNS.iter().any(|(name, _)| *name == column)
    }

    fn render(&self, column: &str, event: &crate::core::model::Event) -> String {
        match COLUMNS.iter().find(|(name, _)| *name == column) {
            Some((_, c)) => neutralise(&self.cell(*c, event, None)).into_owned(),
            None => String::new(),
        }
    }
}

/// `Z`, or `+HH:MM` / `-HH:MM` up to 23:59.
fn parse_offset(text: &str) -> Result<FixedOffset> {
    let bad = || {
        Error::invalid(
            "utc_offset",
            "must be Z or +HH:MM / -HH:MM (such as +02:00 or -05:30)",
        )
    };
    if text == "Z" {
        return FixedOffset::east_opt(0).ok_or_else(bad);
    }
    let b = text.as_bytes();
    if b.len() != 6 || b[3] != b':' || !(b[0] == b'+' || b[0] == b'-') {
        return Err(bad());
    }
    let num = |s: &str| {
        s.parse::<i32>()
            .ok()
            .filter(|_| s.bytes().all(|c| c.is_ascii_digit()))
    };
    let (Some(h), Some(m)) = (num(&text[1..3]), num(&text[4..6])) else {
        return Err(bad());
    };
    if h > 23 || m > 59 {
        return Err(bad());
    }
    let seconds = (h * 3600 + m * 60) * if b[0] == b'-' { -1 } else { 1 };
    FixedOffset::east_opt(seconds).ok_or_else(bad)
}

/// The CSV writer every export uses: every cell quoted (so that no
/// delimiter a spreadsheet guesses, `,` or `;`, can split a cell), CRLF
/// line ends as RFC 4180 says.
pub fn writer(buffer: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .terminator(csv::Terminator::CRLF)
        .from_writer(buffer)
}

fn csv_error(e: csv::Error) -> Error {
    Error::Other(format!("writing CSV: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+02:00").unwrap().local_minus_utc(), 7200);
        assert_eq!(parse_offset("-05:30").unwrap().local_minus_utc(), -19800);
        assert_eq!(parse_offset("Z").unwrap().local_minus_utc(), 0);
        for bad in [
            "+2:00",
            "02:00",
            "+24:00",
            "+02:60",
            "UTC",
            "+0a:00",
            "+02:00:00",
        ] {
            assert!(parse_offset(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_columns_are_named() {
        let e = Layout::new(
            &["timestamp".into(), "colour".into()],
            RowMode::Events,
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("columns[1]: unknown column; expected one of timestamp,"),
            "{e}"
        );
    }
}
