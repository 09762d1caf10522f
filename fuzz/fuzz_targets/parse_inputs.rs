//! Event parsing and validation, end to end through the engine's own
//! modules: JSON text -> `codec::parse_inputs` -> `append::append_batch`
//! (validation, normalisation, diff, canonical JSON, chain) into the native
//! in-memory store -> read back.
//!
//! Besides "never panics", every accepted batch must hold the invariants a
//! verifier relies on: seq 1, 2, 3 ... per tenant, each row's hash the
//! SHA-256 of its body, each prev-hash the previous hash, each body decoding
//! back to the event that was returned, and `to_json` giving one line of
//! valid JSON.

#![no_main]

use audit_component::core::chain;
use audit_component::core::memory::MemoryStore;
use audit_component::core::row;
use audit_component::core::store::{Clock, ScanRequest, Store};
use audit_component::ingest::append;
use audit_component::json::codec;
use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

struct Fixed;

impl Clock for Fixed {
    fn now(&mut self) -> DateTime<Utc> {
        DateTime::from_timestamp(1_795_000_000, 0).expect("a valid time")
    }
}

fuzz_target!(|data: &[u8]| {
    // The host refuses text that is not UTF-8 before it reaches the engine.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(inputs) = codec::parse_inputs(text, Some("fuzz")) else {
        return;
    };
    assert!(
        !inputs.is_empty(),
        "parse_inputs returned no events without an error"
    );
    let mut store = MemoryStore::default();
    let Ok(events) = append::append_batch(&mut store, &mut Fixed, inputs.clone()) else {
        return;
    };
    assert_eq!(events.len(), inputs.len());

    let mut per_tenant: BTreeMap<&str, u64> = BTreeMap::new();
    for event in &events {
        let seq = per_tenant.entry(event.tenant.as_str()).or_default();
        *seq += 1;
        assert_eq!(event.seq, *seq, "gap-free seq per tenant");
        let line = codec::to_json(event).expect("a stored event encodes");
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "one line: {line}"
        );
        serde_json::from_str::<serde_json::Value>(&line).expect("to_json gives valid JSON");
    }

    for (tenant, count) in per_tenant {
        let rows = store
            .scan(&ScanRequest {
                tenant: tenant.to_string(),
                limit: u32::MAX,
                ..ScanRequest::default()
            })
            .expect("the memory store scans");
        assert_eq!(rows.len() as u64, count);
        let mut prev = chain::GENESIS.to_string();
        for row in rows {
            assert_eq!(row.prev_hash, prev, "chain link at seq {}", row.seq);
            assert_eq!(row.hash, chain::hash(&row.body), "hash covers the body");
            prev = row.hash.clone();
            let decoded = row::decode(tenant, row.clone()).expect("a stored body decodes");
            let returned = events
                .iter()
                .find(|e| e.tenant == tenant && e.seq == row.seq)
                .expect("every row was returned");
            // Compared as hosts see them (canonical JSON lines): `1.0` read
            // back from a canonical body is the number `1`.
            assert_eq!(
                codec::to_json(&decoded).expect("encodes"),
                codec::to_json(returned).expect("encodes"),
                "the body decodes to the returned event"
            );
            assert_eq!(
                append::body(&decoded).expect("re-encodes"),
                row.body,
                "canonical form is stable"
            );
        }
    }
});
