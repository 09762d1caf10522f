//! Appending: validate every input, then give each its place in its
//! tenant's chain and store them all in one call, all or nothing.

use crate::core::error::{Error, Result, store_error};
use crate::core::limits::MAX_BATCH_EVENTS;
use crate::core::model::{Event, EventInput};
use crate::core::store::{Clock, Head, Row, ScanRequest, Store, StoreError};
use crate::core::{chain, own, row, time};
use crate::ingest::prepare::{Correlation, Prepared, Preparer, prepare};
use crate::json::canonical_ser;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// How many times an append re-reads the heads after another writer got in
/// first, before it gives up.
const MAX_CONFLICT_RETRIES: usize = 32;

pub(crate) fn refuse_reserved(input: &EventInput) -> Result<()> {
    if input.action.starts_with(own::RESERVED_PREFIX) {
        return Err(Error::invalid(
            "action",
            "audit_log.* actions are recorded by the log itself",
        ));
    }
    Ok(())
}

/// Records one event.
pub fn append_one(
    store: &mut impl Store,
    clock: &mut impl Clock,
    input: EventInput,
) -> Result<Event> {
    refuse_reserved(&input)?;
    let prepared = Preparer::new(store).prepare(input)?;
    let mut events = commit_as(store, clock, vec![prepared], &|_| None)?;
    events
        .pop()
        .ok_or_else(|| Error::Other("the store returned no event".into()))
}

/// Records one of the log's own events (any action, `audit_log.*` included).
pub(crate) fn append_own(
    store: &mut impl Store,
    clock: &mut impl Clock,
    input: EventInput,
) -> Result<Event> {
    let prepared = prepare(input, store)?;
    let mut events = commit(store, clock, vec![prepared])?;
    events
        .pop()
        .ok_or_else(|| Error::Other("the store returned no event".into()))
}

/// Records a batch, all or nothing; errors name the refused event's index.
pub fn append_batch(
    store: &mut impl Store,
    clock: &mut impl Clock,
    inputs: Vec<EventInput>,
) -> Result<Vec<Event>> {
    if inputs.len() > MAX_BATCH_EVENTS {
        return Err(Error::too_large(
            "events",
            MAX_BATCH_EVENTS,
            inputs.len(),
            "items",
        ));
    }
    let mut preparer = Preparer::new(store);
    let prepared = inputs
        .into_iter()
        .enumerate()
        .map(|(i, input)| {
            refuse_reserved(&input)
                .and_then(|()| preparer.prepare(input))
                .map_err(|e| e.within(&format!("events[{i}]")))
        })
        .collect::<Result<Vec<_>>>()?;
    if prepared.is_empty() {
        return Ok(Vec::new());
    }
    commit(store, clock, prepared)
}

/// Chains prepared events and stores them; on a conflict (another writer
/// appended first) reads the heads again and re-chains. Errors about one
/// event name it `events[i]`.
pub(crate) fn commit(
    store: &mut impl Store,
    clock: &mut impl Clock,
    prepared: Vec<Prepared>,
) -> Result<Vec<Event>> {
    commit_as(store, clock, prepared, &batch_name)
}

/// How a batch names its events in errors.
fn batch_name(i: usize) -> Option<String> {
    Some(format!("events[{i}]"))
}

/// [`commit`], naming the event at index `i` `name(i)` in errors (none: a
/// call of one event names only the field).
pub(crate) fn commit_as(
    store: &mut impl Store,
    clock: &mut impl Clock,
    prepared: Vec<Prepared>,
    name: &dyn Fn(usize) -> Option<String>,
) -> Result<Vec<Event>> {
    commit_with(store, clock, prepared, name, |store, rows| {
        store.append(rows)
    })
}

/// [`commit`] with another final store call: `write` gets the sealed rows
/// (a purge deletes old rows and appends its anchor in one transaction).
pub(crate) fn commit_with<S: Store>(
    store: &mut S,
    clock: &mut impl Clock,
    mut prepared: Vec<Prepared>,
    name: &dyn Fn(usize) -> Option<String>,
    mut write: impl FnMut(&mut S, Vec<Row>) -> Result<(), StoreError>,
) -> Result<Vec<Event>> {
    let now = time::storable(clock.now(), "the host's clock")
        .map_err(|why| Error::Other(format!("not recorded: {why}")))?;
    let keyed = keyed_ids(&prepared, name)?;
    for _ in 0..MAX_CONFLICT_RETRIES {
        // Each tenant's head, and the time its events are recorded at.
        let mut heads: BTreeMap<String, (Head, DateTime<Utc>)> = BTreeMap::new();
        for p in &prepared {
            if !heads.contains_key(p.tenant.as_str()) {
                let head = store.head(&p.tenant).map_err(store_error)?;
                // Recorded time never moves backwards along a chain: a clock
                // behind the tenant's newest event (a fixed clock, a host
                // whose clock is late) records at that event's time instead.
                let mut recorded_at = now;
                if let Some(h) = &head
                    && let Some(last) = last_recorded(store, &p.tenant, h.seq)?
                {
                    recorded_at = recorded_at.max(last);
                }
                let head = head.unwrap_or_else(|| Head {
                    seq: 0,
                    hash: chain::GENESIS.to_string(),
                });
                heads.insert(p.tenant.clone(), (head, recorded_at));
            }
        }
        // The events a retry already stored, found again by their keyed id.
        // Looked up after the heads were read: an event stored after that
        // makes this write conflict, and the next attempt finds it.
        let mut stored: Vec<Option<Event>> = Vec::with_capacity(prepared.len());
        for (i, (p, id)) in prepared.iter().zip(&keyed).enumerate() {
            stored.push(match id {
                Some(id) => already_stored(store, p, id).map_err(|e| match name(i) {
                    Some(n) => e.within(&n),
                    None => e,
                })?,
                None => None,
            });
        }
        let mut events = Vec::with_capacity(prepared.len());
        let mut rows = Vec::with_capacity(prepared.len());
        // Which prepared event each sealed event was made of.
        let mut sealed_from = Vec::with_capacity(prepared.len());
        // The id of the last parent sealed: its children's correlation id.
        let mut parent: Option<String> = None;
        for (i, found) in stored.into_iter().enumerate() {
            let p = &mut prepared[i];
            if let Some(event) = found {
                if p.correlation == Correlation::Parent {
                    parent = Some(event.id.clone());
                }
                events.push(event);
                continue;
            }
            let (head, recorded_at) = heads
                .get_mut(p.tenant.as_str())
                .expect("every tenant's head was read");
            let (event, row) = seal(p, keyed[i].clone(), head, *recorded_at, &mut parent)?;
            *head = Head {
                seq: row.seq,
                hash: row.hash.clone(),
            };
            sealed_from.push((events.len(), i));
            events.push(event);
            rows.push(row);
        }
        if rows.is_empty() {
            // Every event was a retry of one already stored.
            return Ok(events);
        }
        match write(store, rows) {
            Ok(()) => return Ok(events),
            Err(StoreError::Conflict) => {
                // The sealed events took their fields from the prepared
                // ones: give them back for the next attempt.
                let mut events: Vec<Option<Event>> = events.into_iter().map(Some).collect();
                for (e, i) in sealed_from {
                    if let Some(event) = events[e].take() {
                        unseal(event, &mut prepared[i]);
                    }
                }
                continue;
            }
            Err(e) => return Err(store_error(e)),
        }
    }
    Err(Error::Store(format!(
        "other writers kept appending to the same log; gave up after {MAX_CONFLICT_RETRIES} attempts"
    )))
}

/// The keyed id of each event its producer gave an idempotency key; one key
/// given twice in a call is refused, naming the second event.
fn keyed_ids(
    prepared: &[Prepared],
    name: &dyn Fn(usize) -> Option<String>,
) -> Result<Vec<Option<String>>> {
    let mut seen: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut ids = Vec::with_capacity(prepared.len());
    for (i, p) in prepared.iter().enumerate() {
        let Some(key) = p.idempotency_key.as_deref() else {
            ids.push(None);
            continue;
        };
        if let Some(first) = seen.insert((p.tenant.as_str(), key), i) {
            let named = |i| name(i).unwrap_or_else(|| format!("event {i}"));
            return Err(Error::invalid(
                format!("{}.idempotency_key", named(i)),
                format!(
                    "also the key of {}; each event needs its own key",
                    named(first)
                ),
            ));
        }
        ids.push(Some(chain::keyed_event_id(&p.tenant, key)));
    }
    Ok(ids)
}

/// The event stored first under `p`'s idempotency key (whose id is `id`),
/// if any; refused when it is not the event `p` would store.
fn already_stored(store: &mut impl Store, p: &Prepared, id: &str) -> Result<Option<Event>> {
    let Some(row) = store.get(&p.tenant, id).map_err(store_error)? else {
        return Ok(None);
    };
    let (seq, event) = (row.seq, row::decode(&p.tenant, row)?);
    let same = event.idempotency_key == p.idempotency_key
        && event.action == p.action
        && event.actor == p.actor
        && event.targets == p.targets
        && event.outcome == p.outcome
        && event.failure_reason == p.failure_reason
        && event.context == p.context
        && event.changes == p.changes
        && event.metadata == p.metadata
        && p.occurred_at
            .is_none_or(|t| event.occurred_at == time::format(t));
    if !same {
        return Err(Error::invalid(
            "idempotency_key",
            format!(
                "already the key of event {seq} ({}), which differs from this one; a retry sends the same event, a new event needs a new key",
                event.id
            ),
        ));
    }
    Ok(Some(event))
}

/// When the tenant's event at `seq` (its head) was recorded.
fn last_recorded(store: &mut impl Store, tenant: &str, seq: u64) -> Result<Option<DateTime<Utc>>> {
    let rows = store
        .scan(&ScanRequest {
            tenant: tenant.to_string(),
            after_seq: seq.checked_sub(1),
            before_seq: seq.checked_add(1),
            limit: 1,
            ..ScanRequest::default()
        })
        .map_err(store_error)?;
    Ok(rows.first().and_then(|r| row::recorded_at(&r.body)))
}

/// Gives a prepared event its seq, id, times, correlation id and hashes,
/// after `head`; `parent` is the id of the last parent sealed in this call.
///
/// The event takes the prepared event's fields rather than copies of them
/// (copying every string, target, change and metadata value was a large
/// share of an append's allocations); [`unseal`] gives them back when the
/// store refuses the rows and the batch is sealed again.
fn seal(
    p: &mut Prepared,
    keyed_id: Option<String>,
    head: &Head,
    recorded_at: DateTime<Utc>,
    parent: &mut Option<String>,
) -> Result<(Event, Row)> {
    let seq = head.seq + 1;
    let occurred_at = p.occurred_at.unwrap_or(recorded_at);
    let recorded_nanos = recorded_at.timestamp_nanos_opt().map_or(0, i128::from);
    let id = keyed_id.unwrap_or_else(|| chain::event_id(&p.tenant, seq, recorded_nanos));
    let correlation_id = match p.correlation {
        Correlation::None => None,
        Correlation::Parent => {
            *parent = Some(id.clone());
            Some(id.clone())
        }
        Correlation::Child => Some(
            parent
                .clone()
                .ok_or_else(|| Error::Other("a bulk child was sealed before its parent".into()))?,
        ),
    };
    let mut event = Event {
        id,
        seq,
        tenant: std::mem::take(&mut p.tenant),
        action: std::mem::take(&mut p.action),
        label: p.label.take(),
        category: std::mem::take(&mut p.category),
        change_type: p.change_type.to_string(),
        correlation_id,
        idempotency_key: p.idempotency_key.take(),
        actor: std::mem::replace(&mut p.actor, taken_actor()),
        targets: std::mem::take(&mut p.targets),
        outcome: p.outcome,
        failure_reason: p.failure_reason.take(),
        context: std::mem::take(&mut p.context),
        occurred_at: time::format(occurred_at),
        recorded_at: time::format(recorded_at),
        changes: std::mem::take(&mut p.changes),
        metadata: p.metadata.take(),
        prev_hash: head.hash.clone(),
        hash: None,
    };
    let body = body(&event)?;
    let hash = chain::hash(&body);
    event.hash = Some(hash.clone());
    let row = Row {
        tenant: event.tenant.clone(),
        seq,
        id: event.id.clone(),
        occurred_at_us: time::micros(occurred_at),
        prev_hash: event.prev_hash.clone(),
        hash,
        body,
        defects: Vec::new(),
    };
    Ok((event, row))
}

/// What a prepared event's actor is while a sealed event holds it.
fn taken_actor() -> crate::core::model::Actor {
    crate::core::model::Actor {
        email: None,
        id: String::new(),
        kind: crate::core::model::ActorKind::User,
        name: None,
    }
}

/// Gives a sealed event's fields back to the prepared event they were
/// taken from ([`seal`]).
fn unseal(event: Event, p: &mut Prepared) {
    p.tenant = event.tenant;
    p.action = event.action;
    p.label = event.label;
    p.category = event.category;
    p.idempotency_key = event.idempotency_key;
    p.actor = event.actor;
    p.targets = event.targets;
    p.failure_reason = event.failure_reason;
    p.context = event.context;
    p.changes = event.changes;
    p.metadata = event.metadata;
}

/// The canonical body of an event: its JSON without `hash`, written
/// straight from the event (`canonical_ser`): the same bytes as
/// `canonical::to_string` of its `serde_json::to_value`, without building
/// that tree (a large share of an append's allocations).
pub fn body(event: &Event) -> Result<String> {
    canonical_ser::to_string_without(event, "hash")
        .map_err(|e| Error::Other(format!("encoding an event: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::memory::MemoryStore;
    use crate::test_support::{StepClock, input};

    #[test]
    fn seq_is_gap_free_and_the_chain_links() {
        let (mut s, mut c) = (MemoryStore::default(), StepClock(0));
        let a = append_one(&mut s, &mut c, input("acme", "user.created")).unwrap();
        let b = append_batch(
            &mut s,
            &mut c,
            vec![input("acme", "user.updated"), input("acme", "user.deleted")],
        )
        .unwrap();
        assert_eq!((a.seq, b[0].seq, b[1].seq), (1, 2, 3));
        assert_eq!(a.prev_hash, chain::GENESIS);
        assert_eq!(b[0].prev_hash, a.hash.clone().unwrap());
        assert_eq!(b[1].prev_hash, b[0].hash.clone().unwrap());
        assert_eq!(a.occurred_at, a.recorded_at);
    }

    /// A store where another writer appends one event just before the
    /// first `append` it is given, so that append conflicts.
    struct Raced {
        inner: MemoryStore,
        raced: bool,
    }

    impl Store for Raced {
        fn append(&mut self, rows: Vec<Row>) -> Result<(), StoreError> {
            if !self.raced {
                self.raced = true;
                let mut other = input("acme", "team.created");
                other.actor = crate::test_support::user("someone_else");
                append_one(&mut self.inner, &mut StepClock(100), other).unwrap();
            }
            self.inner.append(rows)
        }
        fn head(&mut self, tenant: &str) -> Result<Option<Head>, StoreError> {
            self.inner.head(tenant)
        }
        fn scan(&mut self, request: &ScanRequest) -> Result<Vec<Row>, StoreError> {
            self.inner.scan(request)
        }
        fn get(&mut self, tenant: &str, id: &str) -> Result<Option<Row>, StoreError> {
            self.inner.get(tenant, id)
        }
        fn get_settings(&mut self, tenant: &str) -> Result<Option<String>, StoreError> {
            self.inner.get_settings(tenant)
        }
        fn put_settings(&mut self, tenant: &str, settings: &str) -> Result<(), StoreError> {
            self.inner.put_settings(tenant, settings)
        }
        fn purge(
            &mut self,
            tenant: &str,
            through_seq: u64,
            expected: u64,
            anchor: Row,
        ) -> Result<(), StoreError> {
            self.inner.purge(tenant, through_seq, expected, anchor)
        }
    }

    #[test]
    fn a_batch_refused_by_a_conflict_is_sealed_again_whole() {
        let batch = || {
            let mut a = input("acme", "user.updated");
            a.before = Some(r#"{"role":"agent","tags":["a"]}"#.into());
            a.after = Some(r#"{"role":"lead","tags":["a","b"]}"#.into());
            a.metadata = Some(r#"{"screen":"Admin"}"#.into());
            a.targets = vec![crate::core::model::Target {
                kind: "user".into(),
                id: "u_9".into(),
                name: Some("Nine".into()),
            }];
            vec![a, input("acme", "user.deleted")]
        };
        let mut raced = Raced {
            inner: MemoryStore::default(),
            raced: false,
        };
        let out = append_batch(&mut raced, &mut StepClock(0), batch()).unwrap();
        // After the other writer's event: seqs 2 and 3, and every field the
        // first attempt took from the prepared events was there again.
        assert_eq!((out[0].seq, out[1].seq), (2, 3));
        let mut calm = MemoryStore::default();
        let expected = append_batch(&mut calm, &mut StepClock(0), batch()).unwrap();
        for (got, want) in out.iter().zip(&expected) {
            assert_eq!(got.changes, want.changes);
            assert_eq!(got.metadata, want.metadata);
            assert_eq!(got.targets, want.targets);
            assert_eq!(got.actor, want.actor);
            assert_eq!(
                (&got.tenant, &got.action, &got.category),
                (&want.tenant, &want.action, &want.category)
            );
        }
        assert!(!out[0].changes.is_empty());
        let stored = raced.inner.get("acme", &out[0].id).unwrap().unwrap();
        assert_eq!(crate::core::row::decode("acme", stored).unwrap(), out[0]);
    }

    fn keyed(action: &str, key: &str) -> EventInput {
        EventInput {
            idempotency_key: Some(key.into()),
            after: Some(r#"{"a":1}"#.into()),
            ..input("acme", action)
        }
    }

    #[test]
    fn a_retry_with_the_same_key_returns_the_first_event_and_stores_nothing() {
        let (mut s, mut c) = (MemoryStore::default(), StepClock(0));
        let first = append_one(&mut s, &mut c, keyed("user.created", "k-1")).unwrap();
        assert_eq!(first.id, chain::keyed_event_id("acme", "k-1"));
        assert_eq!(first.idempotency_key.as_deref(), Some("k-1"));
        let again = append_one(&mut s, &mut c, keyed("user.created", "k-1")).unwrap();
        assert_eq!(again, first);
        assert_eq!(s.head("acme").unwrap().unwrap().seq, 1);
        // A batch cut short and retried whole: what was stored is returned,
        // the rest is stored once.
        let batch = || {
            vec![
                keyed("user.created", "k-1"),
                keyed("user.updated", "k-2"),
                input("acme", "user.deleted"),
            ]
        };
        let out = append_batch(&mut s, &mut c, batch()).unwrap();
        assert_eq!(out[0], first);
        assert_eq!((out[1].seq, out[2].seq), (2, 3));
        let out2 = append_batch(&mut s, &mut c, batch()).unwrap();
        assert_eq!(out2[1], out[1], "k-2 stored once");
        assert_eq!(out2[2].seq, 4, "an event without a key is stored again");
        // The same key on another tenant is another event.
        let other = append_one(
            &mut s,
            &mut c,
            EventInput {
                tenant: "beta".into(),
                ..keyed("user.created", "k-1")
            },
        )
        .unwrap();
        assert_ne!(other.id, first.id);
    }

    #[test]
    fn a_key_reused_for_another_event_is_refused() {
        let (mut s, mut c) = (MemoryStore::default(), StepClock(0));
        append_one(&mut s, &mut c, keyed("user.created", "k-1")).unwrap();
        let e = append_one(&mut s, &mut c, keyed("user.updated", "k-1")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("idempotency_key: already the key of event 1"),
            "{e}"
        );
        let e = append_batch(
            &mut s,
            &mut c,
            vec![keyed("user.updated", "k-2"), keyed("user.updated", "k-2")],
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("events[1].idempotency_key: also the key of events[0]"),
            "{e}"
        );
        for bad in [
            "",
            "has space",
            "tab\t",
            "é",
            &"x".repeat(256),
            "4111111111111111",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        ] {
            let e = append_one(&mut s, &mut c, keyed("user.updated", bad)).unwrap_err();
            assert!(
                e.to_string().starts_with("idempotency_key:"),
                "{bad:?}: {e}"
            );
        }
        assert_eq!(
            s.head("acme").unwrap().unwrap().seq,
            1,
            "nothing more stored"
        );
    }

    #[test]
    fn the_hash_covers_the_body() {
        let (mut s, mut c) = (MemoryStore::default(), StepClock(0));
        let e = append_one(&mut s, &mut c, input("acme", "user.created")).unwrap();
        let row = s
            .scan(&crate::core::store::ScanRequest {
                tenant: "acme".into(),
                limit: 10,
                ..Default::default()
            })
            .unwrap()
            .remove(0);
        assert_eq!(chain::hash(&row.body), row.hash);
        assert_eq!(Some(row.hash), e.hash);
        assert!(!row.body.contains("\"hash\""));
    }

    #[test]
    fn a_bad_event_stores_nothing_and_is_named() {
        let (mut s, mut c) = (MemoryStore::default(), StepClock(0));
        let mut batch: Vec<_> = (0..100).map(|_| input("acme", "user.updated")).collect();
        batch[42].context.ip = Some("garbage".into());
        let err = append_batch(&mut s, &mut c, batch).unwrap_err();
        assert_eq!(err.to_string(), "events[42].context.ip: not an IP address");
        assert_eq!(s.head("acme").unwrap(), None);
    }

    #[test]
    fn tenants_have_their_own_chains() {
        let (mut s, mut c) = (MemoryStore::default(), StepClock(0));
        let e = append_batch(
            &mut s,
            &mut c,
            vec![
                input("a", "x.created"),
                input("b", "x.created"),
                input("a", "x.updated"),
            ],
        )
        .unwrap();
        assert_eq!(e.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 1, 2]);
        assert_eq!(e[2].prev_hash, e[0].hash.clone().unwrap());
    }

    /// A store whose head is moved by "another writer" before the first append.
    struct Racy {
        inner: MemoryStore,
        raced: bool,
    }
    impl Store for Racy {
        fn append(&mut self, rows: Vec<Row>) -> std::result::Result<(), StoreError> {
            if !self.raced {
                self.raced = true;
                let mut other = StepClock(100);
                append_one(&mut self.inner, &mut other, input("acme", "user.created")).unwrap();
            }
            self.inner.append(rows)
        }
        fn head(&mut self, t: &str) -> std::result::Result<Option<Head>, StoreError> {
            self.inner.head(t)
        }
        fn scan(
            &mut self,
            q: &crate::core::store::ScanRequest,
        ) -> std::result::Result<Vec<Row>, StoreError> {
            self.inner.scan(q)
        }
        fn get(&mut self, t: &str, id: &str) -> std::result::Result<Option<Row>, StoreError> {
            self.inner.get(t, id)
        }
        fn get_settings(&mut self, t: &str) -> std::result::Result<Option<String>, StoreError> {
            self.inner.get_settings(t)
        }
        fn put_settings(&mut self, t: &str, s: &str) -> std::result::Result<(), StoreError> {
            self.inner.put_settings(t, s)
        }
    }

    #[test]
    fn a_conflict_is_retried_on_the_new_head() {
        let mut s = Racy {
            inner: MemoryStore::default(),
            raced: false,
        };
        let e = append_one(&mut s, &mut StepClock(0), input("acme", "user.updated")).unwrap();
        assert_eq!(e.seq, 2);
        let first = s.inner.head("acme").unwrap().unwrap();
        assert_eq!(first.seq, 2);
    }
}
