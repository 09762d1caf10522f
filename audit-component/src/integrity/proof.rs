//! Verifiable exports: an export that carries its own proof, checked offline
//! without the store, with the same verdicts as the store's verification.
//!
//! A JSON Lines export with proof is the tenant's events, one stored event
//! per line exactly as `codec::to_json` writes it (so each line carries its
//! `seq`, `prev_hash` and `hash`), oldest first, from the first retained
//! event through a signed checkpoint, followed by one last line:
//!
//! ```text
//! {"audit_log_proof":{"checkpoint":{...signed checkpoint document...},"first_seq":1,"head_hash":"...","last_seq":10,"tenant":"acme","type":"audit:log/export-proof@1"}}
//! ```
//!
//! The verifier recomputes every line's hash from its content (the line
//! without `hash`, in canonical form), follows the chain, checks the start
//! (the genesis hash, or an `audit_log.purged` event in the export that
//! accounts for what came before), and checks that the last line is exactly
//! the event the checkpoint signed. The CSV side is in `export_proof_csv`.

use crate::core::error::{Error, Result};
use crate::integrity::checkpoint::{self, Document, PublicKey};
use crate::integrity::proof_csv::CsvRecords;

use crate::core::chain;
use crate::integrity::verify::{Checker, FindingKind, Link, Report};
use crate::json::canonical;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `type` of a proof.
pub const PROOF_TYPE: &str = "audit:log/export-proof@1";

/// The one member of a proof line.
pub const PROOF_MEMBER: &str = "audit_log_proof";

/// The longest line (or CSV record) a verifier accepts, in bytes: an event
/// holds at most a few MiB (two 1 MiB states become its changes).
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// What an export's proof line holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proof {
    /// The signed checkpoint of the export's last event.
    pub checkpoint: Document,
    /// The export's first seq.
    pub first_seq: u64,
    /// The checkpoint's hash, repeated for people reading the file.
    pub head_hash: String,
    /// The checkpoint's seq, repeated.
    pub last_seq: u64,
    /// The checkpoint's tenant, repeated.
    pub tenant: String,
    /// Always [`PROOF_TYPE`].
    #[serde(rename = "type")]
    pub kind: String,
}

/// The proof for an export of events `first_seq` through the checkpoint's
/// seq: the `{"audit_log_proof": ...}` object, as one canonical JSON line
/// without a newline.
pub fn proof_line(checkpoint_document: &str, first_seq: u64) -> Result<String> {
    let checkpoint =
        checkpoint::parse_document(checkpoint_document).map_err(|e| e.within("checkpoint"))?;
    if first_seq == 0 || first_seq > checkpoint.checkpoint.seq {
        return Err(Error::invalid(
            "first_seq",
            "must be between 1 and the checkpoint's seq",
        ));
    }
    let proof = Proof {
        first_seq,
        head_hash: checkpoint.checkpoint.hash.clone(),
        last_seq: checkpoint.checkpoint.seq,
        tenant: checkpoint.checkpoint.tenant.clone(),
        kind: PROOF_TYPE.into(),
        checkpoint,
    };
    let value = serde_json::json!({ PROOF_MEMBER: proof });
    Ok(canonical::to_string(&value))
}

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
            // Every presentation column is re-rendered by the CSV export's
            // own writer and compared, so no cell can be edited unnoticed.
            csv: CsvRecords::with_columns(Box::new(crate::export::layout::Layout::new(
                &[],
                crate::export::layout::RowMode::Events,
                None,
            )?)),
        })
    }

    /// Checks a CSV export's other columns with the CSV export's own
    /// renderer (by default only the proof columns are allowed).
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

/// A CSV record's columns besides its event, for [`ExportChecker::item`].
pub(crate) struct CsvColumns<'a> {
    pub seq: &'a str,
    pub prev_hash: &'a str,
    pub hash: &'a str,
    /// The first presentation column that does not render from the event.
    pub presentation: Option<String>,
}

impl CsvColumns<'_> {
    fn disagreement(self, link: &Link<'_>, claimed: &str) -> Option<String> {
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
