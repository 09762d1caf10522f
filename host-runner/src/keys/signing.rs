//! The host's half of signed checkpoints: the Ed25519 signing key, which
//! never enters the component (it drafts the bytes to sign and checks the
//! signature it gets back; the host only holds the key and signs).

use crate::error::HostError;
use ed25519_dalek::Signer;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};

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
