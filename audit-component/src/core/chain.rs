//! The hash chain: each stored event's hash covers its canonical body, which
//! carries the previous event's hash.
//!
//! `hash = lowercase hex SHA-256 of the canonical JSON of the event without
//! its "hash" member` (see `docs/hashing.md`). A tenant's first event has
//! `prev_hash` [`GENESIS`].

use sha2::{Digest, Sha256};

/// The `prev_hash` of a tenant's first event: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Lowercase hex SHA-256 of a canonical body.
pub fn hash(body: &str) -> String {
    hex(&Sha256::digest(body.as_bytes()))
}

/// An event id: UUID version 7 text. The first 48 bits are the recording
/// time in Unix milliseconds (so ids sort by time), the rest come from
/// SHA-256 over the tenant, the sequence number and the exact recording
/// time, so that a host with a fixed clock gets the same ids every run.
pub fn event_id(tenant: &str, seq: u64, recorded_at_nanos: i128) -> String {
    let mut h = Sha256::new();
    h.update(b"audit:log/event-id\0");
    h.update(tenant.as_bytes());
    h.update(b"\0");
    h.update(seq.to_be_bytes());
    h.update(recorded_at_nanos.to_be_bytes());
    let digest = h.finalize();
    let millis = (recorded_at_nanos.div_euclid(1_000_000)).clamp(0, (1 << 48) - 1) as u64;
    let mut b = [0u8; 16];
    b[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
    b[6..].copy_from_slice(&digest[..10]);
    b[6] = 0x70 | (b[6] & 0x0f); // version 7
    b[8] = 0x80 | (b[8] & 0x3f); // RFC 9562 variant
    uuid_text(&b)
}

/// The id of an event its producer gave an idempotency key: UUID version 8
/// text from SHA-256 over the tenant and the key alone, so that a retry
/// finds the event it stored first by id (`store.get`), whenever and by
/// whichever writer it was stored. Such ids do not sort by time.
pub fn keyed_event_id(tenant: &str, key: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"audit:log/idempotency-key\0");
    h.update(tenant.as_bytes());
    h.update(b"\0");
    h.update(key.as_bytes());
    let digest = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = 0x80 | (b[6] & 0x0f); // version 8
    b[8] = 0x80 | (b[8] & 0x3f); // RFC 9562 variant
    uuid_text(&b)
}

fn uuid_text(b: &[u8; 16]) -> String {
    let x = hex(b);
    format!(
        "{}-{}-{}-{}-{}",
        &x[..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..]
    )
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 0xf) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_sha256_hex() {
        assert_eq!(
            hash(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(GENESIS.len(), 64);
    }

    #[test]
    fn ids_are_uuid_v7_and_deterministic() {
        let t = 1_795_000_000_123_456_789i128;
        let id = event_id("acme", 1, t);
        assert_eq!(id, event_id("acme", 1, t));
        assert_ne!(id, event_id("acme", 2, t));
        assert_ne!(id, event_id("other", 1, t));
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "7");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        // the time prefix sorts
        assert!(event_id("acme", 9, t) < event_id("acme", 1, t + 1_000_000));
    }

    #[test]
    fn keyed_ids_are_uuid_v8_of_the_tenant_and_key() {
        let id = keyed_event_id("acme", "order-17");
        assert_eq!(id, keyed_event_id("acme", "order-17"));
        assert_ne!(id, keyed_event_id("acme", "order-18"));
        assert_ne!(id, keyed_event_id("other", "order-17"));
        assert_eq!(&id[14..15], "8");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(&id[14..15], &event_id("acme", 1, 0)[14..15]);
    }
}
