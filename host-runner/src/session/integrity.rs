//! The `integrity` interface through a session: verify, checkpoints (the
//! component drafts, the host signs with its [`SigningKey`], the component
//! seals), export proofs, and purges.

use crate::bindings::Actor;
use crate::boundary;
use crate::error::HostError;
use crate::keys::SigningKey;
use crate::session::instance::Session;

pub use crate::bindings::exports::audit::log::integrity::{
    Checkpoint, CheckpointDraft, ExportFormat, Finding, FindingKind, PurgeOutcome, RangeReport,
    VerifyReport,
};

impl Session {
    /// Verifies the events `after_seq` < seq <= `through_seq` (`None`: to
    /// the end, head included) of a tenant's chain, in one read: one part
    /// of a verification split over several instances (see
    /// [`crate::fanout::verify`], which puts the parts together).
    pub fn verify_range(
        &mut self,
        tenant: &str,
        after_seq: u64,
        through_seq: Option<u64>,
    ) -> Result<RangeReport, HostError> {
        boundary::strings([("tenant", tenant)], self.options().max_input_bytes)?;
        self.call(|audit, store| {
            audit
                .audit_log_integrity()
                .call_verify_range(store, tenant, after_seq, through_seq)
        })
    }

    /// Verifies the tenant's chain against the store's head and the given
    /// signed checkpoints (documents), with these public keys (SPKI PEM).
    pub fn verify(
        &mut self,
        tenant: &str,
        checkpoints: &[String],
        public_keys: &[String],
    ) -> Result<VerifyReport, HostError> {
        boundary::strings(
            std::iter::once(("tenant", tenant))
                .chain(checkpoints.iter().map(|c| ("checkpoints", c.as_str())))
                .chain(public_keys.iter().map(|k| ("public_keys", k.as_str()))),
            self.options().max_input_bytes,
        )?;
        self.call(|audit, store| {
            audit
                .audit_log_integrity()
                .call_verify(store, tenant, checkpoints, public_keys)
        })
    }

    /// Verifies the chain and, when intact, drafts a checkpoint of its head.
    pub fn prepare_checkpoint(
        &mut self,
        tenant: &str,
    ) -> Result<(VerifyReport, Option<CheckpointDraft>), HostError> {
        boundary::strings([("tenant", tenant)], self.options().max_input_bytes)?;
        self.call(|audit, store| {
            audit
                .audit_log_integrity()
                .call_prepare_checkpoint(store, tenant)
        })
    }

    /// The checkpoint document for a signature made over a draft.
    pub fn seal_checkpoint(
        &mut self,
        checkpoint: &Checkpoint,
        public_key: &str,
        signature: &[u8],
    ) -> Result<String, HostError> {
        boundary::strings(
            [
                ("checkpoint.tenant", checkpoint.tenant.as_str()),
                ("checkpoint.hash", checkpoint.hash.as_str()),
                ("public_key", public_key),
            ],
            self.options()
                .max_input_bytes
                .saturating_sub(signature.len()),
        )?;
        self.call(|audit, store| {
            audit
                .audit_log_integrity()
                .call_seal_checkpoint(store, checkpoint, public_key, signature)
        })
    }

    /// Verifies the chain and, when intact, signs a checkpoint of its head
    /// with `key`: returns the report and the checkpoint document (absent
    /// when the chain is not intact).
    pub fn checkpoint(
        &mut self,
        tenant: &str,
        key: &SigningKey,
    ) -> Result<(VerifyReport, Option<String>), HostError> {
        let (report, draft) = self.prepare_checkpoint(tenant)?;
        let Some(draft) = draft else {
            return Ok((report, None));
        };
        let signature = key.sign(draft.signed_bytes.as_bytes());
        let document =
            self.seal_checkpoint(&draft.checkpoint, &key.public_key_pem()?, &signature)?;
        Ok((report, Some(document)))
    }

    /// The proof line of an export from `first_seq` through the checkpoint.
    pub fn export_proof(&mut self, checkpoint: &str, first_seq: u64) -> Result<String, HostError> {
        boundary::strings([("checkpoint", checkpoint)], self.options().max_input_bytes)?;
        self.call(|audit, store| {
            audit
                .audit_log_integrity()
                .call_export_proof(store, checkpoint, first_seq)
        })
    }

    /// Verifies an export with its proof, offline.
    pub fn verify_export(
        &mut self,
        format: ExportFormat,
        content: &[u8],
        public_keys: &[String],
    ) -> Result<VerifyReport, HostError> {
        // An export is verified in one call: up to four times the text limit
        // (256 MiB by default), which the component's memory holds with room
        // for the check.
        let limit = self.options().max_input_bytes;
        boundary::bytes("content", content.len(), limit.saturating_mul(4))?;
        boundary::strings(
            public_keys.iter().map(|k| ("public_keys", k.as_str())),
            limit,
        )?;
        self.call(|audit, store| {
            audit
                .audit_log_integrity()
                .call_verify_export(store, format, content, public_keys)
        })
    }

    /// Purges what is older than the tenant's retention period, recorded as
    /// an `audit_log.purged` event by `actor`.
    pub fn purge(&mut self, tenant: &str, actor: &Actor) -> Result<PurgeOutcome, HostError> {
        boundary::strings(
            std::iter::once(("tenant", tenant)).chain(boundary::actor_strings("actor", actor)),
            self.options().max_input_bytes,
        )?;
        self.call(|audit, store| audit.audit_log_integrity().call_purge(store, tenant, actor))
    }
}

/// Whether a report found nothing.
pub fn intact(report: &VerifyReport) -> bool {
    report.findings.is_empty() && report.findings_omitted == 0
}

/// The name of a finding kind, as reports print it.
pub fn kind_name(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::Modified => "modified",
        FindingKind::Missing => "missing",
        FindingKind::Reordered => "reordered",
        FindingKind::Duplicate => "duplicate",
        FindingKind::ChainBroken => "chain-broken",
        FindingKind::Truncated => "truncated",
        FindingKind::Forged => "forged",
        FindingKind::BadSignature => "bad-signature",
    }
}
