//! Verifying an export offline, with the same verdicts as the store's
//! verification.
//!
//! The verifier recomputes every line's hash from its content (the line
//! without `hash`, in canonical form), follows the chain, checks the start
//! (the genesis hash, or an `audit_log.purged` event in the export that
//! accounts for what came before), and checks that the last line is exactly
//! the event the checkpoint signed. The CSV side is in `proof_csv.rs`.

use crate::core::chain;
use crate::core::error::{Error, Result};
use crate::integrity::checker::{Checker, Link};
use crate::integrity::checkpoint::{self, PublicKey};
use crate::integrity::proof::{MAX_LINE_BYTES, PROOF_MEMBER, PROOF_TYPE, Proof};
use crate::integrity::proof_csv::{CsvColumns, CsvRecords};
use crate::integrity::report::{FindingKind, Report};
use crate::json::canonical;
use serde_json::Value;

/// The format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line.
    JsonLines,
    /// RFC 4180 CSV with the proof columns (see `export_proof_csv`).
    Csv,
}

/// Verifies an export fed in chunks of any size.
pub struct ExportChecker {
    format: Format,
    keys: Vec<PublicKey>,
    checker: Checker,
    pending: Vec<u8>,
    line: u64,
    proof: Option<Proof>,
    csv: CsvRecords,
}

impl ExportChecker {
    /// A verifier for an export in `format`, whose checkpoint must be signed
    /// by one of `public_keys` (PEM).
    pub fn new(format: Format, public_keys: &[String]) -> Result<Self> {
        let keys = checkpoint::parse_keys(public_keys)?;
        if keys.is_empty() {
            return Err(Error::invalid(
                "public_keys",
                "an export's checkpoint is verified with its signer's public key; give at least one",
            ));
        }
        Ok(ExportChecker {
            format,
            keys,
            checker: Checker::new(""),
            pending: Vec::new(),
            line: 0,
            proof: None,
            csv: CsvRecords::default(),
        })
    }

    /// Checks a CSV export's other columns with `columns`, the CSV export's
    /// own renderer (`export::layout::Layout`); without it only the proof
    /// columns are allowed.
    pub fn with_csv_columns(
        mut self,
        columns: Box<dyn crate::integrity::proof_csv::Columns>,
    ) -> Self {
        self.csv = CsvRecords::with_columns(columns);
        self
    }

    /// The next bytes of the export.
    pub fn push(&mut self, bytes: &[u8]) -> Result<()> {
        match self.format {
            Format::JsonLines => self.push_lines(bytes, false),
            Format::Csv => {
                let mut csv = std::mem::take(&mut self.csv);
                let result = csv.feed(bytes, |value, number, columns| {
                    self.item(value, number, Some(columns))
                });
                self.csv = csv;
                result
            }
        }
    }

    /// Checks the end of the export and returns the verdicts. Errors (the
    /// export cannot be verified at all): no proof, a malformed proof, a
    /// proof for another tenant.
    pub fn finish(mut self) -> Result<Report> {
        match self.format {
            Format::JsonLines => self.push_lines(&[], true)?,
            Format::Csv => {
                let mut csv = std::mem::take(&mut self.csv);
                csv.finish(|value, number, columns| self.item(value, number, Some(columns)))?;
            }
        }
        let Some(proof) = self.proof.take() else {
            return Err(Error::invalid(
                "export",
                "carries no proof (an audit_log_proof line at its end), so it cannot be verified",
            ));
        };
        let cp = &proof.checkpoint.checkpoint;
        if proof.tenant != cp.tenant || proof.last_seq != cp.seq || proof.head_hash != cp.hash {
            return Err(Error::invalid(
                "proof",
                "its tenant, last_seq or head_hash disagree with its signed checkpoint",
            ));
        }
        let events_tenant = self.checker.tenant().to_string();
        if !events_tenant.is_empty() && events_tenant != cp.tenant {
            return Err(Error::invalid(
                "proof",
                "is another tenant's: the export's events belong to a different tenant",
            ));
        }
        self.checker.set_tenant(&cp.tenant);
        match checkpoint::verify_signature(&proof.checkpoint, &self.keys) {
            Ok(()) => self.checker.check_export_end(cp),
            Err(why) => self
                .checker
                .find(FindingKind::BadSignature, cp.seq, None, why),
        }
        Ok(self.checker.finish())
    }

    fn push_lines(&mut self, bytes: &[u8], end: bool) -> Result<()> {
        self.pending.extend_from_slice(bytes);
        let mut start = 0;
        while let Some(n) = self.pending[start..].iter().position(|&b| b == b'\n') {
            let line = self.pending[start..start + n].to_vec();
            start += n + 1;
            self.json_line(&line)?;
        }
        self.pending.drain(..start);
        if self.pending.len() > MAX_LINE_BYTES {
            return Err(Error::too_large(
                format!("line {}", self.line + 1),
                MAX_LINE_BYTES,
                self.pending.len(),
                "bytes",
            ));
        }
        if end && !self.pending.is_empty() {
            let line = std::mem::take(&mut self.pending);
            self.json_line(&line)?;
        }
        Ok(())
    }

    fn json_line(&mut self, line: &[u8]) -> Result<()> {
        self.line += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        let number = self.line;
        self.item(serde_json::from_slice(line).ok(), number, None)
    }

    /// One export item: an event, or the proof (which must come last).
    /// `csv` carries a CSV record's own columns, checked against its event.
    pub(crate) fn item(
        &mut self,
        value: Option<Value>,
        number: u64,
        csv: Option<CsvColumns<'_>>,
    ) -> Result<()> {
        if self.proof.is_some() {
            return Err(Error::invalid(
                format!("line {number}"),
                "nothing may follow the proof",
            ));
        }
        if let Some(Value::Object(map)) = &value
            && map.len() == 1
            && let Some(proof) = map.get(PROOF_MEMBER)
        {
            let proof: Proof = serde_json::from_value(proof.clone()).map_err(|_| {
                Error::invalid(
                    format!("line {number}"),
                    "not a proof: {\"audit_log_proof\": {checkpoint, first_seq, head_hash, last_seq, tenant, type}}",
                )
            })?;
            if proof.kind != PROOF_TYPE {
                return Err(Error::invalid(
                    "proof.type",
                    format!("must be {PROOF_TYPE}"),
                ));
            }
            self.proof = Some(proof);
            return Ok(());
        }
        let Some(Value::Object(mut event)) = value else {
            self.checker.push_line("", "", String::new(), None, number);
            return Ok(());
        };
        let claimed = match event.remove("hash") {
            Some(Value::String(h)) => h,
            _ => String::new(),
        };
        let body = canonical::to_string(&Value::Object(event));
        let computed = chain::hash(&body);
        let link = Link::parse(&body);
        let mismatch = match (csv, &link) {
            (Some(c), Some(link)) => c.disagreement(link, &claimed),
            _ => None,
        };
        let seq = link.as_ref().map(|l| l.seq);
        self.checker
            .push_line(&body, &claimed, computed, link, number);
        if let (Some(column), Some(seq)) = (mismatch, seq) {
            self.checker.find(
                FindingKind::Modified,
                seq,
                None,
                format!("record {number}: its {column} column disagrees with its event"),
            );
        }
        Ok(())
    }
}
