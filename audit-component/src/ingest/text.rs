//! Recording from JSON text, answering in JSON Lines: `codec.parse-inputs`
//! and `log.append-batch` in one call, for hosts where lifting and lowering
//! typed records across the boundary costs more than the recording (the
//! Python and JavaScript bindings convert every value of every record one
//! by one). The same events, the same errors, the same bytes as the two
//! typed calls.

use crate::core::error::Result;
use crate::core::store::{Clock, Store};
use crate::ingest::append;
use crate::json::codec;

/// Records the events of `text` (any form [`codec::parse_inputs`] reads)
/// as one batch and returns them as JSON Lines.
pub fn append_json(
    store: &mut impl Store,
    clock: &mut impl Clock,
    text: &str,
    default_tenant: Option<&str>,
) -> Result<String> {
    let inputs = codec::parse_inputs(text, default_tenant)?;
    let events = append::append_batch(store, clock, inputs)?;
    codec::to_json_lines(&events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::memory::MemoryStore;
    use crate::test_support::StepClock;

    #[test]
    fn the_same_events_as_parse_then_append_batch() {
        let text = concat!(
            r#"{"action":"user.updated","actor":{"id":"u_1","kind":"user"},"outcome":"success","before":{"role":"agent"},"after":{"role":"supervisor"}}"#,
            "\n",
            r#"{"tenant":"beta","action":"team.created","actor":{"id":"u_2","kind":"user"},"outcome":"success"}"#,
            "\n"
        );
        let (mut a, mut b) = (MemoryStore::default(), MemoryStore::default());
        let (mut ca, mut cb) = (StepClock(0), StepClock(0));
        let lines = append_json(&mut a, &mut ca, text, Some("acme")).unwrap();
        let typed = append::append_batch(
            &mut b,
            &mut cb,
            codec::parse_inputs(text, Some("acme")).unwrap(),
        )
        .unwrap();
        assert_eq!(lines, codec::to_json_lines(&typed).unwrap());
        assert_eq!(lines.lines().count(), 2);
        assert!(lines.ends_with('\n'));
        let first: serde_json::Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
        assert_eq!(first["tenant"], "acme");
        assert_eq!(first["changes"][0]["path"], "/role");
        assert_eq!(first["hash"], typed[0].hash.clone().unwrap());
    }

    #[test]
    fn errors_name_the_event_and_nothing_is_stored() {
        let text = concat!(
            r#"{"action":"user.updated","actor":{"id":"u_1","kind":"user"},"outcome":"success"}"#,
            "\n",
            r#"{"action":"user.updated","actor":{"id":"u_1","kind":"robot"},"outcome":"success"}"#,
        );
        let mut s = MemoryStore::default();
        let err = append_json(&mut s, &mut StepClock(0), text, Some("acme")).unwrap_err();
        assert!(err.to_string().contains("events[1].actor.kind"), "{err}");
        assert!(s.head("acme").unwrap().is_none());
        let err = append_json(&mut s, &mut StepClock(0), "  ", Some("acme")).unwrap_err();
        assert!(err.to_string().starts_with("input: no events"), "{err}");
    }
}
