//! Reading: pages of a tenant's events for a viewer, counts, and single
//! events.
//!
//! Pages are keyed on `seq`: a cursor ([`crate::read::cursor`]) remembers the last
//! sequence number a page returned, so events appended while a reader pages
//! (always at higher sequence numbers) are never repeated or skipped. Every
//! read is checked and recorded by [`crate::read::access`].

use crate::core::error::{Error, Result, quoted, store_error};
use crate::core::limits::MAX_PAGE_EVENTS;
use crate::core::model::Event;
use crate::core::store::{Clock, Row, ScanRequest, Store};
use crate::read::access::{self, Read, Viewer};
use crate::read::cursor;
use crate::read::filter::Compiled;
use crate::read::scan::{MAX_BATCH_ROWS, Scanner};
use serde_json::{Map, json};

use crate::core::fields;
use crate::core::row::decode;
use crate::read::page::{Order, Page, PageRequest};
use crate::read::shielded;

pub use crate::read::filter::Filter;

/// Reads one page for the request's viewer, and records the read.
pub fn query(
    store: &mut impl Store,
    clock: &mut impl Clock,
    request: &PageRequest,
) -> Result<Page> {
    let filter = Compiled::new(&shielded::match_form(&request.filter, store)?)?;
    if request.limit == 0 || request.limit > MAX_PAGE_EVENTS {
        return Err(Error::invalid(
            "limit",
            format!("must be between 1 and {MAX_PAGE_EVENTS}"),
        ));
    }
    let fingerprint = cursor::fingerprint(&request.filter, request.order);
    let position = match &request.cursor {
        None => None,
        Some(c) => Some(cursor::decode(c, &fingerprint)?),
    };
    let mut details = Map::new();
    details.insert("filter".into(), shielded::recorded(&request.filter, store)?);
    details.insert("order".into(), json!(request.order.as_str()));
    details.insert("limit".into(), json!(request.limit));
    if let Some(c) = &request.cursor {
        details.insert("cursor".into(), json!(c));
    }
    let tenant = &request.filter.tenant;
    let read = access::prepare_read(store, tenant, &request.viewer, Read::View, details)?;
    read.authorize(store, clock)?;

    let descending = request.order == Order::NewestFirst;
    let limit = request.limit as usize;
    // One more row than the page, to know whether another page follows;
    // more when the filter will skip rows, to save store calls.
    let first_batch = if filter.selective() {
        (request.limit + 1).max(512)
    } else {
        (request.limit + 1).max(64)
    };
    let mut scan = Scanner::new(
        tenant,
        descending,
        position,
        filter.store_bounds(),
        first_batch,
    );
    let mut events = Vec::with_capacity(limit.min(64));
    let mut more = false;
    'scan: while let Some(rows) = scan.next_batch(store)? {
        for row in rows {
            if let Some(event) = matching(&filter, tenant, row)? {
                if events.len() == limit {
                    more = true;
                    break 'scan;
                }
                events.push(event);
            }
        }
    }
    let next_cursor = match (more, events.last()) {
        (true, Some(last)) => Some(cursor::encode(last.seq, &fingerprint)),
        _ => None,
    };
    let total = if request.count {
        Some(count(store, &filter, tenant)?)
    } else {
        None
    };
    let mut outcome = Map::new();
    outcome.insert("returned".into(), json!(events.len()));
    if let Some(t) = total {
        outcome.insert("total".into(), json!(t));
    }
    read.record(store, clock, outcome)?;
    Ok(Page {
        events,
        next_cursor,
        total,
    })
}

/// How many of the tenant's events match (every page).
fn count(store: &mut impl Store, filter: &Compiled, tenant: &str) -> Result<u64> {
    if let Some((since_us, until_us)) = filter.exact_store_bounds() {
        let request = ScanRequest {
            tenant: tenant.to_string(),
            since_us,
            until_us,
            limit: 1,
            ..ScanRequest::default()
        };
        return store.count(&request).map_err(store_error);
    }
    let mut scan = Scanner::new(tenant, false, None, filter.store_bounds(), MAX_BATCH_ROWS);
    let mut n = 0;
    while let Some(rows) = scan.next_batch(store)? {
        for row in rows {
            if matching(filter, tenant, row)?.is_some() {
                n += 1;
            }
        }
    }
    Ok(n)
}

/// The row decoded, when it matches the filter.
pub fn matching(filter: &Compiled, tenant: &str, row: Row) -> Result<Option<Event>> {
    if !filter.may_match(&row.body) {
        return Ok(None);
    }
    let event = decode(tenant, row)?;
    Ok(filter.matches(&event)?.then_some(event))
}

/// Reads one event by id for a viewer, and records the read.
pub fn get_event(
    store: &mut impl Store,
    clock: &mut impl Clock,
    tenant: &str,
    id: &str,
    viewer: &Viewer,
) -> Result<Event> {
    fields::tenant(tenant)?;
    if id.len() > crate::core::limits::MAX_ID_BYTES {
        return Err(Error::too_large(
            "id",
            crate::core::limits::MAX_ID_BYTES,
            id.len(),
            "bytes",
        ));
    }
    let mut details = Map::new();
    details.insert("event_id".into(), json!(id));
    let read = access::prepare_read(store, tenant, viewer, Read::View, details)?;
    read.authorize(store, clock)?;
    let event = match store.get(tenant, id).map_err(store_error)? {
        Some(row) => decode(tenant, row)?,
        None => {
            return Err(Error::NotFound(format!(
                "event {} in tenant {tenant}",
                quoted(id)
            )));
        }
    };
    read.record(store, clock, Map::new())?;
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::memory::MemoryStore;
    use crate::core::model::{Context, EventInput, Outcome};
    use crate::ingest::append::append_batch;
    use crate::test_support::{Fixed, input, user, viewer};

    fn log(n: usize) -> MemoryStore {
        let mut s = MemoryStore::default();
        let inputs = (0..n)
            .map(|i| EventInput {
                actor: user(&format!("u_{}", i % 4)),
                occurred_at: Some(format!("2026-11-{:02}T10:00:00Z", 1 + i % 28)),
                ..input(
                    "acme",
                    if i % 3 == 0 {
                        "user.updated"
                    } else {
                        "team.created"
                    },
                )
            })
            .collect();
        append_batch(&mut s, &mut Fixed, inputs).unwrap();
        s
    }

    fn request(limit: u32) -> PageRequest {
        PageRequest {
            filter: Filter::tenant("acme"),
            order: Order::NewestFirst,
            limit,
            cursor: None,
            viewer: viewer("admin"),
            count: false,
        }
    }

    fn query(s: &mut MemoryStore, r: &PageRequest) -> Result<Page> {
        super::query(s, &mut Fixed, r)
    }

    fn all_pages(s: &mut MemoryStore, mut r: PageRequest) -> Vec<u64> {
        let mut seen = Vec::new();
        loop {
            let page = query(s, &r).unwrap();
            seen.extend(page.events.iter().map(|e| e.seq));
            match page.next_cursor {
                Some(c) => r.cursor = Some(c),
                None => return seen,
            }
        }
    }

    #[test]
    fn pages_cover_everything_once_newest_first() {
        let mut s = log(250);
        let seen = all_pages(&mut s, request(7));
        assert_eq!(seen, (1..=250).rev().collect::<Vec<u64>>());
    }

    #[test]
    fn filters_combine() {
        let mut s = log(300);
        let mut r = request(1000);
        r.filter.actor_id = Some("u_0".into());
        r.filter.action = Some("user.*".into());
        r.filter.since = Some("2026-11-05".into());
        r.filter.until = Some("2026-11-10T00:00:00Z".into());
        r.order = Order::OldestFirst;
        r.count = true;
        let total = query(&mut s, &r).unwrap().total;
        let got = all_pages(&mut s, r);
        assert_eq!(total, Some(got.len() as u64));
        let expect: Vec<u64> = (0..300u64)
            .filter(|i| i % 4 == 0 && i % 3 == 0 && (4..9).contains(&(i % 28)))
            .map(|i| i + 1)
            .collect();
        assert!(!expect.is_empty());
        assert_eq!(got, expect);
    }

    #[test]
    fn a_cursor_is_tied_to_its_filter() {
        let mut s = log(20);
        let page = query(&mut s, &request(5)).unwrap();
        let mut other = request(5);
        other.filter.actor_id = Some("u_1".into());
        other.cursor = page.next_cursor;
        assert!(
            query(&mut s, &other)
                .unwrap_err()
                .to_string()
                .starts_with("cursor: belongs to a different filter")
        );
        let mut junk = request(5);
        junk.cursor = Some("garbage".into());
        assert_eq!(
            query(&mut s, &junk).unwrap_err().to_string(),
            "cursor: not a cursor returned by this log"
        );
    }

    #[test]
    fn bad_filters_are_named() {
        let mut s = log(1);
        let mut r = request(5);
        r.filter.since = Some("last week".into());
        assert!(
            query(&mut s, &r)
                .unwrap_err()
                .to_string()
                .starts_with("filter.since:")
        );
        let mut r = request(0);
        r.filter.action = None;
        assert!(
            query(&mut s, &r)
                .unwrap_err()
                .to_string()
                .starts_with("limit:")
        );
        let mut r = request(5);
        r.filter.action = Some("User.*".into());
        assert!(
            query(&mut s, &r)
                .unwrap_err()
                .to_string()
                .starts_with("filter.action:")
        );
    }

    #[test]
    fn get_by_id() {
        let mut s = log(3);
        let page = query(&mut s, &request(1)).unwrap();
        let e = &page.events[0];
        let v = viewer("admin");
        assert_eq!(
            get_event(&mut s, &mut Fixed, "acme", &e.id, &v).unwrap(),
            *e
        );
        assert!(matches!(
            get_event(&mut s, &mut Fixed, "acme", "nope", &v),
            Err(Error::NotFound(_))
        ));
    }

    fn actions(s: &mut MemoryStore) -> Vec<(String, String)> {
        s.scan(&crate::core::store::ScanRequest {
            tenant: "acme".into(),
            limit: 100_000,
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|r| {
            let e = decode("acme", r).unwrap();
            (e.action, e.failure_reason.unwrap_or_default())
        })
        .collect()
    }

    #[test]
    fn an_agent_is_refused_and_the_refusal_recorded() {
        let mut s = log(3);
        let mut r = request(10);
        r.viewer = viewer("agent");
        let e = query(&mut s, &r).unwrap_err();
        assert!(matches!(e, Error::Denied(_)), "{e}");
        assert!(e.to_string().contains("allows admin, super_admin"), "{e}");
        let log = actions(&mut s);
        assert_eq!(log.len(), 4);
        assert_eq!(
            log[3],
            ("audit_log.viewed".into(), "role_not_allowed".into())
        );
        // Roles compare without regard to ASCII case.
        r.viewer = viewer("Super_Admin");
        assert!(query(&mut s, &r).is_ok());
    }

    #[test]
    fn a_disabled_log_refuses_every_reader_but_keeps_recording() {
        let mut s = log(3);
        crate::admin::settings::put(
            &mut s,
            &mut Fixed,
            "acme",
            r#"{"access":{"enabled":false}}"#,
            viewer("admin").actor,
        )
        .unwrap();
        let e = query(&mut s, &request(10)).unwrap_err();
        assert!(e.to_string().contains("not enabled"), "{e}");
        let log = actions(&mut s);
        assert_eq!(
            log.last().unwrap(),
            &("audit_log.viewed".into(), "audit_log_not_enabled".into())
        );
        // Recording goes on: only reading is switched off.
        let before = actions(&mut s).len();
        let input = EventInput {
            tenant: "acme".into(),
            action: "user.created".into(),
            actor: viewer("admin").actor,
            targets: vec![],
            outcome: Outcome::Success,
            failure_reason: None,
            context: Context::default(),
            occurred_at: None,
            before: None,
            after: None,
            metadata: None,
            idempotency_key: None,
        };
        append_batch(&mut s, &mut Fixed, vec![input]).unwrap();
        assert_eq!(actions(&mut s).len(), before + 1);
    }

    #[test]
    fn each_read_leaves_its_own_event_with_the_filter() {
        let mut s = log(3);
        let mut r = request(2);
        r.filter.action = Some("user.*".into());
        r.count = true;
        let page = query(&mut s, &r).unwrap();
        assert_eq!(page.total, Some(1));
        let v = viewer("admin");
        get_event(&mut s, &mut Fixed, "acme", &page.events[0].id, &v).unwrap();
        let rows = s
            .scan(&crate::core::store::ScanRequest {
                tenant: "acme".into(),
                after_seq: Some(3),
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        let events: Vec<Event> = rows
            .into_iter()
            .map(|r| decode("acme", r).unwrap())
            .collect();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].action, "audit_log.viewed");
        assert_eq!(events[0].actor.id, "op");
        let m = events[0].metadata.as_ref().unwrap();
        assert_eq!(m["filter"]["action"], "user.*");
        assert_eq!(m["returned"], 1);
        assert_eq!(m["total"], 1);
        assert_eq!(m["viewer_roles"][0], "admin");
        assert_eq!(
            events[1].metadata.as_ref().unwrap()["event_id"],
            page.events[0].id.as_str()
        );
    }

    #[test]
    fn bad_viewers_are_named() {
        let mut s = log(1);
        let mut r = request(5);
        r.viewer.actor.id = " ".into();
        assert!(
            query(&mut s, &r)
                .unwrap_err()
                .to_string()
                .starts_with("viewer.actor.id:")
        );
        let mut r = request(5);
        r.viewer.roles = vec!["ad min".into()];
        assert!(
            query(&mut s, &r)
                .unwrap_err()
                .to_string()
                .starts_with("viewer.roles[0]:")
        );
        let mut r = request(5);
        r.viewer.context.ip = Some("1.2.3.4:80".into());
        assert!(
            query(&mut s, &r)
                .unwrap_err()
                .to_string()
                .starts_with("viewer.context.ip:")
        );
        assert_eq!(
            actions(&mut s).len(),
            1,
            "nothing recorded for a malformed read"
        );
    }
}

#[cfg(test)]
mod count_tests {
    //! A count of a filter that only bounds time is the store's count; a
    //! count of anything else is the component's own. Both must agree with
    //! the events a walk through the pages finds.

    use super::*;
    use crate::core::memory::MemoryStore;
    use crate::core::model::{Actor, ActorKind, Context, EventInput, Outcome};
    use crate::core::store::{Head, StoreError};
    use crate::ingest::append::append_batch;
    use crate::test_support::{Fixed, viewer};

    /// A memory store that says how often it was asked to count.
    #[derive(Default)]
    struct Counting {
        rows: MemoryStore,
        counts: usize,
    }

    impl Store for Counting {
        fn append(&mut self, rows: Vec<Row>) -> Result<(), StoreError> {
            self.rows.append(rows)
        }
        fn head(&mut self, tenant: &str) -> Result<Option<Head>, StoreError> {
            self.rows.head(tenant)
        }
        fn scan(&mut self, q: &ScanRequest) -> Result<Vec<Row>, StoreError> {
            self.rows.scan(q)
        }
        fn count(&mut self, q: &ScanRequest) -> Result<u64, StoreError> {
            self.counts += 1;
            self.rows.count(q)
        }
        fn get(&mut self, tenant: &str, id: &str) -> Result<Option<Row>, StoreError> {
            self.rows.get(tenant, id)
        }
        fn get_settings(&mut self, tenant: &str) -> Result<Option<String>, StoreError> {
            self.rows.get_settings(tenant)
        }
        fn put_settings(&mut self, tenant: &str, settings: &str) -> Result<(), StoreError> {
            self.rows.put_settings(tenant, settings)
        }
    }

    /// 280 events, ten a day from 2026-11-01 to 11-28 at 10:00:00Z plus 0,
    /// 200, .., 1,800 nanoseconds, so that sub-microsecond bounds split them.
    fn log() -> Counting {
        let mut s = Counting::default();
        let inputs = (0..280)
            .map(|i| EventInput {
                tenant: "acme".into(),
                action: "user.updated".into(),
                actor: Actor {
                    id: format!("u_{}", i % 3),
                    name: None,
                    email: None,
                    kind: ActorKind::User,
                },
                targets: vec![],
                outcome: Outcome::Success,
                failure_reason: None,
                context: Context::default(),
                occurred_at: Some(format!(
                    "2026-11-{:02}T10:00:00.{:07}Z",
                    1 + i / 10,
                    (i % 10) * 2
                )),
                before: None,
                after: None,
                metadata: None,
                idempotency_key: None,
            })
            .collect();
        append_batch(&mut s, &mut Fixed, inputs).unwrap();
        s
    }

    fn counted(s: &mut Counting, since: &str, until: &str, actor: Option<&str>) -> (u64, usize) {
        let mut filter = Filter::tenant("acme");
        filter.since = Some(since.into());
        filter.until = Some(until.into());
        filter.actor_id = actor.map(Into::into);
        let mut request = PageRequest {
            filter,
            order: Order::OldestFirst,
            limit: MAX_PAGE_EVENTS,
            cursor: None,
            viewer: viewer("admin"),
            count: true,
        };
        let before = s.counts;
        let first = query(s, &mut Fixed, &request).unwrap();
        let total = first.total.unwrap();
        let mut walked = first.events.len() as u64;
        request.count = false;
        request.cursor = first.next_cursor;
        while request.cursor.is_some() {
            let page = query(s, &mut Fixed, &request).unwrap();
            walked += page.events.len() as u64;
            request.cursor = page.next_cursor;
        }
        assert_eq!(total, walked, "{since}..{until} {actor:?}");
        (total, s.counts - before)
    }

    #[test]
    fn a_time_range_is_counted_by_the_store_and_agrees_with_the_pages() {
        let mut s = log();
        // Day 10's events (10:00:00.0000000 ..) are excluded by an exclusive
        // upper bound at 10:00:00Z exactly.
        let (n, asked) = counted(&mut s, "2026-11-05", "2026-11-10T10:00:00Z", None);
        assert_eq!((n, asked), (50, 1));
        let (n, asked) = counted(&mut s, "2026-11-05T10:00:00.000001Z", "2026-11-06", None);
        assert_eq!((n, asked), (5, 1), "from the 1,000 ns one on");
    }

    #[test]
    fn sub_microsecond_bounds_and_other_fields_are_counted_by_the_component() {
        let mut s = log();
        // 10:00:00.0000005Z falls inside a microsecond the store cannot split.
        let (n, asked) = counted(&mut s, "2026-11-05T10:00:00.0000005Z", "2026-11-06", None);
        assert_eq!((n, asked), (7, 0), "the 600 ns one on");
        let (n, asked) = counted(&mut s, "2026-11-05", "2026-11-10T10:00:00Z", Some("u_0"));
        assert_eq!(asked, 0);
        assert_eq!(n, (40..90).filter(|i| i % 3 == 0).count() as u64);
    }
}
