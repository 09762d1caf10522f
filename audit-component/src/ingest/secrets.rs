//! Secrets outside the states and metadata: the value detectors (JWTs,
//! `Bearer`/`Basic` credentials, card numbers) run over every free-text
//! field of an event and every identifier, before anything is stored.
//!
//! - Free text (`actor.name`, `actor.email`, `targets[].name`,
//!   `context.user_agent`, `failure_reason`): a credential makes the whole
//!   field `[redacted]`; card numbers are masked in place, as in states.
//! - Identifiers (`actor.id`, `targets[].id`, `context.session_id`,
//!   `context.request_id`) must stay usable (filters and sessions match on
//!   them), so one that holds a secret is replaced by a stand-in made from
//!   its keyed fingerprint, `[redacted:<hex>]`: equal secrets give equal
//!   stand-ins within a tenant, so events still group and a filter naming
//!   the secret id finds them ([`stored_id`] turns the filter's id the same
//!   way), and the secret itself is nowhere. Without a key the stand-in is
//!   `[redacted]`. A numeric id of 13 to 19 digits that passes the Luhn
//!   check is taken for a card number and replaced too: an identifier is
//!   never worth a card number in the clear.

use crate::core::error::Result;
use crate::core::model::EventInput;
use crate::json::canonical;
use crate::redact::{self, FINGERPRINT_DOMAIN, Fingerprints, PLACEHOLDER};

/// Hides what the detectors find in the event's free-text fields and ids;
/// `fingerprints` asks the host for keyed fingerprints (the id stand-ins).
pub fn hide(input: &mut EventInput, fingerprints: &mut Fingerprints) -> Result<()> {
    let free_text = [
        input.actor.name.as_mut(),
        input.actor.email.as_mut(),
        input.context.user_agent.as_mut(),
        input.failure_reason.as_mut(),
    ]
    .into_iter()
    .flatten()
    .chain(input.targets.iter_mut().filter_map(|t| t.name.as_mut()));
    for text in free_text {
        if let Some(hidden) = redact::sensitive_text(text) {
            *text = hidden;
        }
    }
    let mut ids: Vec<&mut String> = [
        Some(&mut input.actor.id),
        input.context.session_id.as_mut(),
        input.context.request_id.as_mut(),
    ]
    .into_iter()
    .flatten()
    .chain(input.targets.iter_mut().map(|t| &mut t.id))
    .filter(|id| holds_secret(id))
    .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let messages: Vec<Vec<u8>> = ids.iter().map(|id| message(id)).collect();
    let keyed = fingerprints(&messages)?;
    for (i, id) in ids.iter_mut().enumerate() {
        **id = stand_in(keyed.as_ref().and_then(|k| k.get(i)));
    }
    Ok(())
}

/// The id as it is stored: itself, or the stand-in of a secret one, so
/// that a filter by id matches what [`hide`] stored.
pub fn stored_id(id: &str, fingerprints: &mut Fingerprints) -> Result<String> {
    if !holds_secret(id) {
        return Ok(id.to_string());
    }
    let keyed = fingerprints(&[message(id)])?;
    Ok(stand_in(keyed.as_ref().and_then(|k| k.first())))
}

/// The stand-in a search keyword is recorded as: always a fingerprint (or
/// `[redacted]` without a key), whatever the keyword holds.
pub fn keyword_stand_in(text: &str, fingerprints: &mut Fingerprints) -> Result<String> {
    let keyed = fingerprints(&[message(text)])?;
    Ok(stand_in(keyed.as_ref().and_then(|k| k.first())))
}

/// Whether an identifier holds a credential or a card number.
fn holds_secret(id: &str) -> bool {
    redact::sensitive_text(id).is_some()
}

/// What is fingerprinted: as for hidden values in states, the domain and
/// the value's canonical JSON, so a secret has one fingerprint wherever it
/// appears.
fn message(id: &str) -> Vec<u8> {
    let mut text = String::new();
    canonical::write_string(id, &mut text);
    let mut m = Vec::with_capacity(FINGERPRINT_DOMAIN.len() + text.len());
    m.extend_from_slice(FINGERPRINT_DOMAIN);
    m.extend_from_slice(text.as_bytes());
    m
}

fn stand_in(fingerprint: Option<&[u8; 32]>) -> String {
    match fingerprint {
        Some(f) => format!("[redacted:{}]", crate::core::chain::hex(f)),
        None => PLACEHOLDER.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use crate::core::memory::MemoryStore;
    use crate::core::model::Target;
    use crate::ingest::append::append_batch;
    use crate::read::filter::Filter;
    use crate::read::page::{Order, PageRequest};
    use crate::test_support::{Fixed, input, viewer};

    const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";

    /// Every detector's secret, as a field would carry it.
    fn secrets() -> Vec<(&'static str, String)> {
        vec![
            ("jwt", format!("token {JWT}")),
            ("bearer", "Bearer xyz".into()),
            ("long bearer", "Bearer abcdefghijklmnop123".into()),
            ("basic", "Basic dXNlcjpwYXNz".into()),
            ("card", "paid with 4111 1111 1111 1111".into()),
        ]
    }

    fn leaks(body: &str, secret: &str) -> bool {
        [
            JWT,
            "xyz",
            "abcdefghijklmnop123",
            "dXNlcjpwYXNz",
            "4111 1111 1111 1111",
        ]
        .iter()
        .any(|s| secret.contains(s) && body.contains(s))
    }

    #[test]
    fn every_free_text_field_is_searched_for_secrets() {
        use crate::core::store::Store;
        for (what, secret) in secrets() {
            let mut e = input("acme", "user.updated");
            e.actor.name = Some(secret.clone());
            e.targets = vec![Target {
                kind: "user".into(),
                id: "u_7".into(),
                name: Some(secret.clone()),
            }];
            e.context.user_agent = Some(secret.clone());
            e.outcome = crate::core::model::Outcome::Failure;
            e.failure_reason = Some(secret.clone());
            let mut s = MemoryStore::default();
            append_batch(&mut s, &mut Fixed, vec![e]).unwrap();
            let body = &s
                .scan(&crate::core::store::ScanRequest {
                    tenant: "acme".into(),
                    limit: 1,
                    ..Default::default()
                })
                .unwrap()[0]
                .body;
            assert!(!leaks(body, &secret), "{what}: {body}");
        }
    }

    #[test]
    fn a_secret_id_becomes_a_stand_in_that_filters_still_find() {
        use crate::core::store::Store;
        for (what, secret) in secrets() {
            let mut e = input("acme", "user.updated");
            e.actor.id = secret.clone();
            e.context.session_id = Some(secret.clone());
            e.targets = vec![Target {
                kind: "user".into(),
                id: secret.clone(),
                name: None,
            }];
            let mut s = Keyed::default();
            let stored = append_batch(&mut s, &mut Fixed, vec![e.clone(), e]).unwrap();
            let body =
                &s.0.scan(&crate::core::store::ScanRequest {
                    tenant: "acme".into(),
                    limit: 10,
                    ..Default::default()
                })
                .unwrap()[0]
                    .body;
            assert!(!leaks(body, &secret), "{what}: {body}");
            assert!(stored[0].actor.id.starts_with("[redacted:"), "{what}");
            assert_eq!(
                stored[0].actor.id, stored[1].actor.id,
                "equal secrets, equal stand-ins"
            );
            let mut filter = Filter::tenant("acme");
            filter.actor_id = Some(secret.clone());
            filter.target_kind = Some("user".into());
            filter.target_id = Some(secret.clone());
            let page = crate::read::query::query(
                &mut s,
                &mut Fixed,
                &PageRequest {
                    filter,
                    order: Order::OldestFirst,
                    limit: 10,
                    cursor: None,
                    viewer: viewer("admin"),
                    count: false,
                },
            )
            .unwrap();
            assert_eq!(
                page.events.len(),
                2,
                "{what}: the filter by the secret id finds them"
            );
            let read =
                s.0.scan(&crate::core::store::ScanRequest {
                    tenant: "acme".into(),
                    after_seq: Some(2),
                    limit: 1,
                    ..Default::default()
                })
                .unwrap();
            assert!(
                !leaks(&read[0].body, &secret),
                "{what}: the read's record: {}",
                read[0].body
            );
        }
    }

    /// A memory store whose host has a key (fingerprints are SHA-256 here).
    #[derive(Default)]
    struct Keyed(MemoryStore);

    impl crate::core::store::Store for Keyed {
        fn append(
            &mut self,
            rows: Vec<crate::core::store::Row>,
        ) -> Result<(), crate::core::store::StoreError> {
            self.0.append(rows)
        }
        fn head(
            &mut self,
            t: &str,
        ) -> Result<Option<crate::core::store::Head>, crate::core::store::StoreError> {
            self.0.head(t)
        }
        fn scan(
            &mut self,
            q: &crate::core::store::ScanRequest,
        ) -> Result<Vec<crate::core::store::Row>, crate::core::store::StoreError> {
            self.0.scan(q)
        }
        fn get(
            &mut self,
            t: &str,
            id: &str,
        ) -> Result<Option<crate::core::store::Row>, crate::core::store::StoreError> {
            self.0.get(t, id)
        }
        fn get_settings(
            &mut self,
            t: &str,
        ) -> Result<Option<String>, crate::core::store::StoreError> {
            self.0.get_settings(t)
        }
        fn put_settings(&mut self, t: &str, s: &str) -> Result<(), crate::core::store::StoreError> {
            self.0.put_settings(t, s)
        }
        fn fingerprints(
            &mut self,
            _tenant: &str,
            messages: &[Vec<u8>],
        ) -> Result<Option<Vec<[u8; 32]>>, crate::core::store::StoreError> {
            use sha2::Digest;
            Ok(Some(
                messages
                    .iter()
                    .map(|m| sha2::Sha256::digest(m).into())
                    .collect(),
            ))
        }
    }
}
