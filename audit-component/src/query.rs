//! Reading: filters, keyset pages and single events.
//!
//! Pages are keyed on `seq`: a cursor remembers the last sequence number a
//! page returned, so events appended while a reader pages (always at higher
//! sequence numbers) are never repeated or skipped.

use crate::error::{Error, Result, quoted};
use crate::limits::MAX_PAGE_EVENTS;
use crate::model::Event;
use crate::store::{Row, ScanRequest, Store};
use crate::{append::store_error, chain, time, validate};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// A filter as a host writes it (the WIT `filter`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Tenant.
    pub tenant: String,
    /// From this time, inclusive.
    pub since: Option<String>,
    /// Before this time.
    pub until: Option<String>,
    /// Exact actor id.
    pub actor_id: Option<String>,
    /// Exact action, or `entity.*`.
    pub action: Option<String>,
}

/// The order of a read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Highest seq first.
    #[default]
    NewestFirst,
    /// Lowest seq first.
    OldestFirst,
}

/// One page request (the WIT `page-request`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// Which events.
    pub filter: Filter,
    /// Which order.
    pub order: Order,
    /// How many at most.
    pub limit: u32,
    /// Where to go on.
    pub cursor: Option<String>,
}

/// One page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The events.
    pub events: Vec<Event>,
    /// Where the next page starts, when there is one.
    pub next_cursor: Option<String>,
}

enum ActionMatch {
    Exact(String),
    Prefix(String),
}

/// A filter checked and ready to match.
struct Compiled {
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    actor_id: Option<String>,
    action: Option<ActionMatch>,
}

impl Compiled {
    fn new(f: &Filter) -> Result<Self> {
        validate::tenant(&f.tenant).map_err(|e| e.within("filter"))?;
        let bound = |field: &str, v: &Option<String>| -> Result<Option<DateTime<Utc>>> {
            v.as_deref()
                .map(|t| {
                    time::parse_bound(t)
                        .map_err(|why| Error::invalid(format!("filter.{field}"), why))
                })
                .transpose()
        };
        let action = match f.action.as_deref() {
            None => None,
            Some(a) => match a.strip_suffix(".*") {
                Some(entity) => {
                    validate::action(&format!("{entity}.x")).map_err(|_| {
                        Error::invalid(
                            "filter.action",
                            "must be an action name or entity.* (such as user.*)",
                        )
                    })?;
                    Some(ActionMatch::Prefix(format!("{entity}.")))
                }
                None => {
                    validate::action(a).map_err(|e| e.within("filter"))?;
                    Some(ActionMatch::Exact(a.to_string()))
                }
            },
        };
        let c = Compiled {
            since: bound("since", &f.since)?,
            until: bound("until", &f.until)?,
            actor_id: f.actor_id.clone(),
            action,
        };
        if let (Some(s), Some(u)) = (c.since, c.until)
            && s >= u
        {
            return Err(Error::invalid(
                "filter.until",
                "must be later than filter.since",
            ));
        }
        Ok(c)
    }

    fn matches(&self, e: &Event) -> Result<bool> {
        if self.since.is_some() || self.until.is_some() {
            let at = time::parse(&e.occurred_at).map_err(|_| {
                Error::Store(format!(
                    "stored event {} has a malformed occurred_at",
                    e.seq
                ))
            })?;
            if self.since.is_some_and(|s| at < s) || self.until.is_some_and(|u| at >= u) {
                return Ok(false);
            }
        }
        if self.actor_id.as_ref().is_some_and(|id| *id != e.actor.id) {
            return Ok(false);
        }
        Ok(match &self.action {
            None => true,
            Some(ActionMatch::Exact(a)) => *a == e.action,
            Some(ActionMatch::Prefix(p)) => e.action.starts_with(p.as_str()),
        })
    }
}

/// Reads one page.
pub fn query(store: &mut impl Store, request: &PageRequest) -> Result<Page> {
    let filter = Compiled::new(&request.filter)?;
    if request.limit == 0 || request.limit > MAX_PAGE_EVENTS {
        return Err(Error::invalid(
            "limit",
            format!("must be between 1 and {MAX_PAGE_EVENTS}"),
        ));
    }
    let descending = request.order == Order::NewestFirst;
    let fingerprint = fingerprint(request);
    let mut position = match &request.cursor {
        None => None,
        Some(c) => Some(decode_cursor(c, &fingerprint)?),
    };
    let limit = request.limit as usize;
    let batch = (request.limit * 2).clamp(64, MAX_PAGE_EVENTS);
    let mut events = Vec::with_capacity(limit.min(64));
    let mut more = false;
    'scan: loop {
        let scan = ScanRequest {
            tenant: request.filter.tenant.clone(),
            after_seq: if descending { None } else { position },
            before_seq: if descending { position } else { None },
            since_us: filter.since.map(time::micros),
            until_us: filter.until.map(time::micros_ceil),
            descending,
            limit: batch,
        };
        let rows = store.scan(&scan).map_err(store_error)?;
        let exhausted = rows.len() < batch as usize;
        for row in rows {
            position = Some(row.seq);
            let event = decode(&request.filter.tenant, row)?;
            if filter.matches(&event)? {
                if events.len() == limit {
                    more = true;
                    break 'scan;
                }
                events.push(event);
            }
        }
        if exhausted {
            break;
        }
    }
    let next_cursor = match (more, events.last()) {
        (true, Some(last)) => Some(encode_cursor(last.seq, &fingerprint)),
        _ => None,
    };
    Ok(Page {
        events,
        next_cursor,
    })
}

/// Reads one event by id.
pub fn get_event(store: &mut impl Store, tenant: &str, id: &str) -> Result<Event> {
    validate::tenant(tenant)?;
    match store.get(tenant, id).map_err(store_error)? {
        Some(row) => decode(tenant, row),
        None => Err(Error::NotFound(format!(
            "event {} in tenant {tenant}",
            quoted(id)
        ))),
    }
}

/// A stored row as an event, checked against the columns it came with.
pub fn decode(tenant: &str, row: Row) -> Result<Event> {
    let mut event: Event = serde_json::from_str(&row.body).map_err(|e| {
        Error::Store(format!(
            "stored event {} of tenant {tenant} is unreadable: {e}",
            row.seq
        ))
    })?;
    if event.seq != row.seq || event.tenant != row.tenant || event.tenant != tenant {
        return Err(Error::Store(format!(
            "stored event {} of tenant {tenant} does not match its row",
            row.seq
        )));
    }
    event.hash = Some(row.hash);
    Ok(event)
}

/// A short digest of what a cursor is valid for: the filter and the order.
fn fingerprint(r: &PageRequest) -> String {
    let f = &r.filter;
    let mut h = Sha256::new();
    for part in [
        Some(&f.tenant),
        f.since.as_ref(),
        f.until.as_ref(),
        f.actor_id.as_ref(),
        f.action.as_ref(),
    ] {
        match part {
            Some(s) => {
                h.update([1]);
                h.update((s.len() as u64).to_be_bytes());
                h.update(s.as_bytes());
            }
            None => h.update([0]),
        }
    }
    h.update([r.order as u8]);
    chain::hex(&h.finalize()[..4])
}

fn encode_cursor(seq: u64, fingerprint: &str) -> String {
    format!("c1.{seq}.{fingerprint}")
}

fn decode_cursor(cursor: &str, fingerprint: &str) -> Result<u64> {
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
    use crate::append::append_batch;
    use crate::model::{Actor, ActorKind, Context, EventInput, Outcome};
    use crate::store::{Clock, MemoryStore};

    struct Fixed;
    impl Clock for Fixed {
        fn now(&mut self) -> DateTime<Utc> {
            DateTime::from_timestamp(1_795_000_000, 0).unwrap()
        }
    }

    fn log(n: usize) -> MemoryStore {
        let mut s = MemoryStore::default();
        let inputs = (0..n)
            .map(|i| EventInput {
                tenant: "acme".into(),
                action: if i % 3 == 0 {
                    "user.updated".into()
                } else {
                    "team.created".into()
                },
                actor: Actor {
                    id: format!("u_{}", i % 4),
                    name: None,
                    email: None,
                    kind: ActorKind::User,
                },
                targets: vec![],
                outcome: Outcome::Success,
                failure_reason: None,
                context: Context::default(),
                occurred_at: Some(format!("2026-11-{:02}T10:00:00Z", 1 + i % 28)),
                before: None,
                after: None,
                metadata: None,
            })
            .collect();
        append_batch(&mut s, &mut Fixed, inputs).unwrap();
        s
    }

    fn request(limit: u32) -> PageRequest {
        PageRequest {
            filter: Filter {
                tenant: "acme".into(),
                ..Filter::default()
            },
            order: Order::NewestFirst,
            limit,
            cursor: None,
        }
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
        let got = all_pages(&mut s, r);
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
        assert_eq!(get_event(&mut s, "acme", &e.id).unwrap(), *e);
        assert!(matches!(
            get_event(&mut s, "acme", "nope"),
            Err(Error::NotFound(_))
        ));
    }
}
