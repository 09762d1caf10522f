//! The `integrity` interface: conversions between the generated types and
//! the engine's `verify`, `checkpoint`, `export_proof` and `retention`
//! modules. No logic lives here.

use super::Component;
use super::convert::*;
use super::generated::audit::log::types as wit;
use super::generated::exports::audit::log::integrity as wi;
use super::imports::{HostClock, HostStore};
use crate::export::layout::Layout;
use crate::integrity::{checkpoint, export_check, proof, report, retention, verify};

impl wi::Guest for Component {
    fn verify(
        tenant: String,
        checkpoints: Vec<String>,
        public_keys: Vec<String>,
    ) -> Result<wi::VerifyReport, wit::Error> {
        verify::verify_chain(&mut HostStore, &tenant, &checkpoints, &public_keys)
            .map(report_out)
            .map_err(error)
    }

    fn verify_range(
        tenant: String,
        after_seq: u64,
        through_seq: Option<u64>,
    ) -> Result<wi::RangeReport, wit::Error> {
        let (report, start_prev_hash) =
            verify::verify_range(&mut HostStore, &tenant, after_seq, through_seq).map_err(error)?;
        Ok(wi::RangeReport {
            report: report_out(report),
            start_prev_hash,
        })
    }

    fn prepare_checkpoint(
        tenant: String,
    ) -> Result<(wi::VerifyReport, Option<wi::CheckpointDraft>), wit::Error> {
        let (report, draft) =
            crate::integrity::draft::prepare(&mut HostStore, &mut HostClock, &tenant)
                .map_err(error)?;
        let draft = draft.map(|d| wi::CheckpointDraft {
            checkpoint: checkpoint_out(d.checkpoint),
            signed_bytes: d.signed_bytes,
        });
        Ok((report_out(report), draft))
    }

    fn seal_checkpoint(
        checkpoint: wi::Checkpoint,
        public_key: String,
        signature: Vec<u8>,
    ) -> Result<String, wit::Error> {
        let checkpoint = checkpoint::Checkpoint {
            hash: checkpoint.hash,
            seq: checkpoint.seq,
            tenant: checkpoint.tenant,
            time: checkpoint.time,
            kind: checkpoint::CHECKPOINT_TYPE.into(),
        };
        checkpoint::seal(&checkpoint, &public_key, &signature).map_err(error)
    }

    fn export_proof(checkpoint: String, first_seq: u64) -> Result<String, wit::Error> {
        proof::proof_line(&checkpoint, first_seq).map_err(error)
    }

    fn verify_export(
        format: wi::ExportFormat,
        content: Vec<u8>,
        public_keys: Vec<String>,
    ) -> Result<wi::VerifyReport, wit::Error> {
        let format = match format {
            wi::ExportFormat::Jsonl => export_check::Format::JsonLines,
            wi::ExportFormat::Csv => export_check::Format::Csv,
        };
        // Every presentation column of a CSV export is re-rendered by the
        // export's own writer and compared, so no cell can be edited
        // unnoticed.
        let mut checker = export_check::ExportChecker::new(format, &public_keys)
            .map_err(error)?
            .with_csv_columns(Box::new(Layout::every_column().map_err(error)?));
        checker.push(&content).map_err(error)?;
        checker.finish().map(report_out).map_err(error)
    }

    fn purge(tenant: String, actor: wit::Actor) -> Result<wi::PurgeOutcome, wit::Error> {
        let outcome = retention::purge(&mut HostStore, &mut HostClock, &tenant, actor_in(actor))
            .map_err(error)?;
        Ok(wi::PurgeOutcome {
            report: report_out(outcome.report),
            purged: outcome.purged,
            through_seq: outcome.through_seq,
            event: outcome.event.map(event_out),
        })
    }
}

fn checkpoint_out(c: checkpoint::Checkpoint) -> wi::Checkpoint {
    wi::Checkpoint {
        tenant: c.tenant,
        seq: c.seq,
        hash: c.hash,
        time: c.time,
    }
}

fn kind_out(k: report::FindingKind) -> wi::FindingKind {
    use report::FindingKind as K;
    match k {
        K::Modified => wi::FindingKind::Modified,
        K::Missing => wi::FindingKind::Missing,
        K::Reordered => wi::FindingKind::Reordered,
        K::Duplicate => wi::FindingKind::Duplicate,
        K::ChainBroken => wi::FindingKind::ChainBroken,
        K::Truncated => wi::FindingKind::Truncated,
        K::Forged => wi::FindingKind::Forged,
        K::BadSignature => wi::FindingKind::BadSignature,
    }
}

fn report_out(r: report::Report) -> wi::VerifyReport {
    wi::VerifyReport {
        tenant: r.tenant,
        events: r.events,
        first_seq: r.first_seq,
        last_seq: r.last_seq,
        last_hash: r.last_hash,
        purged_through: r.purged_through,
        checkpoints_verified: r.checkpoints_verified,
        checkpoints_skipped: r.checkpoints_skipped,
        findings: r
            .findings
            .into_iter()
            .map(|f| wi::Finding {
                kind: kind_out(f.kind),
                seq: f.seq,
                related_seq: f.related_seq,
                detail: f.detail,
            })
            .collect(),
        findings_omitted: r.findings_omitted,
    }
}
