//! Tamper evidence and retention through the component's `integrity`
//! interface (verify, checkpoints, export proofs, purge), and the host's
//! half of signed checkpoints: the Ed25519 signing key, which never enters
//! the component. The component drafts the bytes to sign and checks the
//! signature it gets back; the host only holds the key and signs.

use crate::bindings::Actor;
use crate::error::HostError;
use crate::session::Session;
use ed25519_dalek::Signer;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};

pub use crate::bindings::exports::audit::log::integrity::{
    Checkpoint, CheckpointDraft, ExportFormat, Finding, FindingKind, PurgeOutcome, VerifyReport,
};

impl Session {
    /// Verifies the tenant's chain against the store's head and the given
    /// signed checkpoints (documents), with these public keys (SPKI PEM).
    pub fn verify(
        &mut self,
        tenant: &str,
        checkpoints: &[String],
        public_keys: &[String],
    ) -> Result<VerifyReport, HostError> {
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
        self.call(|audit, store| {
            audit
                .audit_log_integrity()
                .call_verify_export(store, format, content, public_keys)
        })
    }

    /// Purges what is older than the tenant's retention period, recorded as
    /// an `audit_log.purged` event by `actor`.
    pub fn purge(&mut self, tenant: &str, actor: &Actor) -> Result<PurgeOutcome, HostError> {
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

/// An Ed25519 signing key, kept by the host (PKCS#8 PEM on disk, the format
/// `openssl genpkey -algorithm ed25519` writes).
pub struct SigningKey(ed25519_dalek::SigningKey);

impl SigningKey {
    /// A new key from the operating system's random source.
    pub fn generate() -> Result<Self, HostError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)
            .map_err(|e| HostError::Storage(format!("no random source for a key: {e}")))?;
        let key = ed25519_dalek::SigningKey::from_bytes(&seed);
        seed.fill(0);
        Ok(SigningKey(key))
    }

    /// Reads a private key in PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    pub fn from_pem(text: &str) -> Result<Self, String> {
        ed25519_dalek::SigningKey::from_pkcs8_pem(text.trim())
            .map(SigningKey)
            .map_err(|_| {
                "not an Ed25519 private key in PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)".to_string()
            })
    }

    /// The private key in PKCS#8 PEM (wiped from memory when dropped).
    pub fn to_pem(&self) -> Result<String, HostError> {
        self.0
            .to_pkcs8_pem(LineEnding::LF)
            .map(|pem| pem.to_string())
            .map_err(|e| HostError::Storage(format!("encoding a key: {e}")))
    }

    /// The public key in SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
    pub fn public_key_pem(&self) -> Result<String, HostError> {
        self.0
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| HostError::Storage(format!("encoding a key: {e}")))
    }

    /// Signs `bytes`.
    pub fn sign(&self, bytes: &[u8]) -> Vec<u8> {
        self.0.sign(bytes).to_bytes().to_vec()
    }
}
