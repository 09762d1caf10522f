//! Signed checkpoints: a tenant's head (seq and hash) at a time, signed with
//! Ed25519 by the host, so that a verifier can prove that nothing up to that
//! point was altered, removed or replaced since, even by someone who can
//! rewrite the store and recompute every hash.
//!
//! The signing key never enters the component: the host signs the bytes
//! `draft::prepare` returns and hands back the signature with its public key,
//! which [`seal`] checks before it writes the checkpoint document.
//! Verification needs only public keys, so it runs here, the same in every
//! host and in an auditor's offline tool.
//!
//! The signed bytes are the canonical JSON (see `docs/hashing.md`) of
//! `{"hash", "seq", "tenant", "time", "type": "audit:log/checkpoint@1"}`;
//! `type` keeps a checkpoint signature from being taken for anything else.

use crate::core::error::{Error, Result};
use crate::core::fields;
use crate::core::{chain, time};
use crate::json::canonical;
use crate::json::parse;
use base64ct::{Base64, Encoding};
use ed25519_dalek::pkcs8::DecodePublicKey;
use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `type` of a checkpoint: what the signature is over, and its version.
pub const CHECKPOINT_TYPE: &str = "audit:log/checkpoint@1";

/// A checkpoint, as signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// The hash of the event at `seq`: the head when it was made.
    pub hash: String,
    /// The sequence number of the head.
    pub seq: u64,
    /// The tenant.
    pub tenant: String,
    /// When it was made (RFC 3339 UTC, from the host's clock).
    pub time: String,
    /// Always [`CHECKPOINT_TYPE`].
    #[serde(rename = "type")]
    pub kind: String,
}

impl Checkpoint {
    /// A checkpoint of `seq`/`hash` at `time`.
    pub fn new(tenant: &str, seq: u64, hash: &str, time: chrono::DateTime<chrono::Utc>) -> Self {
        Checkpoint {
            hash: hash.to_string(),
            seq,
            tenant: tenant.to_string(),
            time: time::format(time),
            kind: CHECKPOINT_TYPE.to_string(),
        }
    }

    /// The exact bytes that are signed: the checkpoint's canonical JSON.
    pub fn signed_bytes(&self) -> String {
        let value = serde_json::json!({
            "hash": self.hash,
            "seq": self.seq,
            "tenant": self.tenant,
            "time": self.time,
            "type": self.kind,
        });
        canonical::to_string(&value)
    }

    /// Checks every member; errors name it (`checkpoint.hash`).
    fn validate(&self) -> Result<()> {
        if self.kind != CHECKPOINT_TYPE {
            return Err(Error::invalid(
                "checkpoint.type",
                format!("must be {CHECKPOINT_TYPE}"),
            ));
        }
        fields::tenant(&self.tenant).map_err(|e| e.within("checkpoint"))?;
        if self.seq == 0 {
            return Err(Error::invalid("checkpoint.seq", "must be at least 1"));
        }
        if !is_hash(&self.hash) {
            return Err(Error::invalid(
                "checkpoint.hash",
                "must be 64 lowercase hex digits",
            ));
        }
        time::parse(&self.time).map_err(|why| Error::invalid("checkpoint.time", why))?;
        Ok(())
    }
}

/// A signed checkpoint: the file `audit-host checkpoint` writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// What was signed.
    pub checkpoint: Checkpoint,
    /// The signer's key: lowercase hex SHA-256 of its 32-byte public key.
    pub key_id: String,
    /// The Ed25519 signature of [`Checkpoint::signed_bytes`], base64.
    pub signature: String,
}

/// An Ed25519 public key and its id.
#[derive(Debug, Clone)]
pub struct PublicKey {
    key: VerifyingKey,
    /// Lowercase hex SHA-256 of the 32-byte key.
    pub id: String,
}

impl PublicKey {
    /// Reads a public key in SPKI PEM (`-----BEGIN PUBLIC KEY-----`, as
    /// `audit-host keygen` and `openssl pkey -pubout` write it).
    pub fn from_pem(text: &str) -> Result<Self> {
        let key = VerifyingKey::from_public_key_pem(text.trim()).map_err(|_| {
            Error::invalid(
                "",
                "not an Ed25519 public key in PEM (-----BEGIN PUBLIC KEY-----)",
            )
        })?;
        Ok(PublicKey {
            id: key_id(&key),
            key,
        })
    }
}

fn key_id(key: &VerifyingKey) -> String {
    chain::hex(&Sha256::digest(key.as_bytes()))
}

fn is_hash(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Reads public keys; errors name the one refused (`public_keys[1]`).
pub fn parse_keys(texts: &[String]) -> Result<Vec<PublicKey>> {
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| PublicKey::from_pem(t).map_err(|e| e.within(&format!("public_keys[{i}]"))))
        .collect()
}

/// Reads a checkpoint document. Any JSON formatting is accepted (member
/// order, whitespace, escapes): what is verified is the canonical form.
pub fn parse_document(text: &str) -> Result<Document> {
    let value = parse::parse_json("", text)?;
    let document: Document = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        Error::invalid(
            path,
            "not a checkpoint document: {\"checkpoint\", \"key_id\", \"signature\"}",
        )
    })?;
    document.checkpoint.validate()?;
    Ok(document)
}

/// Checks a document's signature with the key its `key_id` names. The error
/// is the finding's text.
pub fn verify_signature(document: &Document, keys: &[PublicKey]) -> Result<(), String> {
    let short = |id: &str| id.chars().take(16).collect::<String>();
    let Some(key) = keys.iter().find(|k| k.id == document.key_id) else {
        return Err(format!(
            "the checkpoint of {} is signed by an unknown key (key id {})",
            document.checkpoint.time,
            short(&document.key_id)
        ));
    };
    let bad = || {
        format!(
            "the signature of the checkpoint of {} does not verify with key {}",
            document.checkpoint.time,
            short(&key.id)
        )
    };
    let bytes = Base64::decode_vec(&document.signature).map_err(|_| bad())?;
    let signature = Signature::from_slice(&bytes).map_err(|_| bad())?;
    key.key
        .verify_strict(document.checkpoint.signed_bytes().as_bytes(), &signature)
        .map_err(|_| bad())
}

/// Writes the checkpoint document for a signature the host made, after
/// checking it: a host that signed with the wrong key, or other bytes,
/// gets an error instead of a checkpoint that would never verify.
pub fn seal(checkpoint: &Checkpoint, public_key_pem: &str, signature: &[u8]) -> Result<String> {
    checkpoint.validate()?;
    let key = PublicKey::from_pem(public_key_pem).map_err(|e| e.within("public_key"))?;
    let document = Document {
        checkpoint: checkpoint.clone(),
        key_id: key.id.clone(),
        signature: Base64::encode_string(signature),
    };
    verify_signature(&document, &[key]).map_err(|_| {
        Error::invalid(
            "signature",
            "does not verify: sign exactly the draft's signed bytes with the key whose public half is given",
        )
    })?;
    let value = serde_json::to_value(&document)
        .map_err(|e| Error::Other(format!("encoding a checkpoint: {e}")))?;
    Ok(canonical::to_string(&value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::pkcs8::EncodePublicKey;
    use ed25519_dalek::{Signer, SigningKey};

    pub(crate) fn key(seed: u8) -> (SigningKey, String) {
        let signing = SigningKey::from_bytes(&[seed; 32]);
        let pem = signing
            .verifying_key()
            .to_public_key_pem(Default::default())
            .unwrap();
        (signing, pem)
    }

    fn checkpoint() -> Checkpoint {
        Checkpoint {
            hash: "ab".repeat(32),
            seq: 10,
            tenant: "acme".into(),
            time: "2026-11-21T10:00:00Z".into(),
            kind: CHECKPOINT_TYPE.into(),
        }
    }

    fn sealed(seed: u8) -> String {
        let (signing, pem) = key(seed);
        let cp = checkpoint();
        let sig = signing.sign(cp.signed_bytes().as_bytes());
        seal(&cp, &pem, &sig.to_bytes()).unwrap()
    }

    #[test]
    fn the_signed_bytes_are_canonical_json() {
        assert_eq!(
            checkpoint().signed_bytes(),
            format!(
                r#"{{"hash":"{}","seq":10,"tenant":"acme","time":"2026-11-21T10:00:00Z","type":"audit:log/checkpoint@1"}}"#,
                "ab".repeat(32)
            )
        );
    }

    #[test]
    fn a_sealed_checkpoint_verifies_with_its_key_only() {
        let text = sealed(7);
        let doc = parse_document(&text).unwrap();
        let (_, mine) = key(7);
        let (_, other) = key(8);
        let keys = parse_keys(std::slice::from_ref(&mine)).unwrap();
        assert_eq!(verify_signature(&doc, &keys), Ok(()));
        let others = parse_keys(&[other]).unwrap();
        assert!(
            verify_signature(&doc, &others)
                .unwrap_err()
                .contains("unknown key")
        );
        // A document claiming the right key id with another key's signature.
        let forged = sealed(8).replace(&parse_document(&sealed(8)).unwrap().key_id, &keys[0].id);
        let forged = parse_document(&forged).unwrap();
        assert!(
            verify_signature(&forged, &keys)
                .unwrap_err()
                .contains("does not verify")
        );
    }

    #[test]
    fn reformatted_json_still_verifies_and_edits_do_not() {
        let text = sealed(7);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let keys = parse_keys(&[key(7).1]).unwrap();
        assert_eq!(
            verify_signature(&parse_document(&pretty).unwrap(), &keys),
            Ok(())
        );
        let edited = text.replace("\"seq\":10", "\"seq\":11");
        assert!(verify_signature(&parse_document(&edited).unwrap(), &keys).is_err());
    }

    #[test]
    fn seal_refuses_a_wrong_signature_and_bad_documents_are_named() {
        let (signing, _) = key(7);
        let (_, other_pem) = key(8);
        let cp = checkpoint();
        let sig = signing.sign(cp.signed_bytes().as_bytes()).to_bytes();
        assert!(
            seal(&cp, &other_pem, &sig)
                .unwrap_err()
                .to_string()
                .starts_with("signature: does not verify")
        );
        assert!(
            seal(&cp, "junk", &sig)
                .unwrap_err()
                .to_string()
                .starts_with("public_key: not an Ed25519 public key")
        );
        let text = sealed(7);
        assert_eq!(
            parse_document(&text.replace(CHECKPOINT_TYPE, "x"))
                .unwrap_err()
                .to_string(),
            "checkpoint.type: must be audit:log/checkpoint@1"
        );
        assert!(
            parse_document(&text.replace("\"seq\"", "\"sequence\""))
                .unwrap_err()
                .to_string()
                .starts_with("checkpoint.sequence: not a checkpoint document")
        );
    }
}
