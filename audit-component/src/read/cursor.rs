//! Keyset cursors: `c1.<seq>.<fingerprint>`. A cursor remembers the last
//! sequence number a page returned; the fingerprint ties it to the filter
//! and order it came from, so that a cursor is never applied to another
//! read (where it would silently skip or repeat events).

use crate::core::chain;
use crate::core::error::{Error, Result};
use crate::json::canonical;
use crate::read::filter::Filter;
use crate::read::page::Order;
use sha2::{Digest, Sha256};

/// A short digest of what a cursor is valid for: every filter field and
/// the order.
pub fn fingerprint(filter: &Filter, order: Order) -> String {
    let value = serde_json::to_value(filter).unwrap_or_default();
    let mut h = Sha256::new();
    h.update(canonical::to_string(&value).as_bytes());
    h.update([order as u8]);
    chain::hex(&h.finalize()[..4])
}

/// The cursor after `seq`.
pub fn encode(seq: u64, fingerprint: &str) -> String {
    format!("c1.{seq}.{fingerprint}")
}

/// The sequence number a cursor continues after; refused when it is not a
/// cursor, or belongs to another filter or order.
pub fn decode(cursor: &str, fingerprint: &str) -> Result<u64> {
    let bad = || Error::invalid("cursor", "not a cursor returned by this log");
    let mut parts = cursor.split('.');
    let (Some("c1"), Some(seq), Some(fp), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let seq: u64 = seq.parse().map_err(|_| bad())?;
    if fp != fingerprint {
        return Err(Error::invalid(
            "cursor",
            "belongs to a different filter or order; start again without it",
        ));
    }
    Ok(seq)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_counts() {
        let a = Filter::tenant("acme");
        let mut b = a.clone();
        b.text = Some("x".into());
        assert_ne!(
            fingerprint(&a, Order::NewestFirst),
            fingerprint(&b, Order::NewestFirst)
        );
        assert_ne!(
            fingerprint(&a, Order::NewestFirst),
            fingerprint(&a, Order::OldestFirst)
        );
        let fp = fingerprint(&a, Order::NewestFirst);
        assert_eq!(decode(&encode(42, &fp), &fp).unwrap(), 42);
        assert!(decode("c1.-1.x", &fp).is_err());
    }
}
