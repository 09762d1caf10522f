//! Filter parsing and paging (`query::query`): hostile filters, limits and
//! cursors against a small log of two tenants. Never a panic; a refused
//! request names a field; an accepted one returns only matching events of
//! the tenant, in order, at most `limit`, and its cursor continues strictly
//! after the page without repeating an event. (Each read records its own
//! `audit_log.viewed` event, so every run reads its own copy of the log.)

#![no_main]

use arbitrary::Arbitrary;
use audit_component::core::memory::MemoryStore;
use audit_component::core::model::{Actor, ActorKind, Context, EventInput, Outcome};
use audit_component::core::store::Clock;
use audit_component::core::time;
use audit_component::ingest::append;
use audit_component::read::access::Viewer;
use audit_component::read::page::{Order, PageRequest};
use audit_component::read::query::{Filter, query};
use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

struct Fixed;

impl Clock for Fixed {
    fn now(&mut self) -> DateTime<Utc> {
        DateTime::from_timestamp(1_795_000_000, 0).expect("a valid time")
    }
}

const ACTIONS: &[&str] = &[
    "user.updated",
    "user.login_failed",
    "team.created",
    "export.users",
];

/// 60 events of tenant `acme` and 7 of `beta`, over four actions, five
/// actors and November 2026.
fn log() -> &'static MemoryStore {
    static LOG: OnceLock<MemoryStore> = OnceLock::new();
    LOG.get_or_init(|| {
        let mut store = MemoryStore::default();
        let inputs = (0..67)
            .map(|i| EventInput {
                tenant: if i < 60 { "acme" } else { "beta" }.into(),
                action: ACTIONS[i % ACTIONS.len()].into(),
                actor: Actor {
                    id: format!("u_{}", i % 5),
                    name: None,
                    email: None,
                    kind: ActorKind::User,
                },
                targets: vec![],
                outcome: Outcome::Success,
                failure_reason: None,
                context: Context::default(),
                occurred_at: Some(format!("2026-11-{:02}T{:02}:00:00Z", 1 + i % 28, i % 24)),
                before: None,
                after: None,
                metadata: None,
                idempotency_key: None,
            })
            .collect();
        append::append_batch(&mut store, &mut Fixed, inputs).expect("the log is valid");
        store
    })
}

#[derive(Debug, Arbitrary)]
enum Text {
    Known(u8),
    Any(String),
}

const TEXTS: &[&str] = &[
    "acme",
    "beta",
    "u_1",
    "u_3",
    "user.updated",
    "user.*",
    "team.*",
    "export.users",
    "*",
    "2026-11-10",
    "2026-11-20",
    "2026-11-05T12:00:00Z",
    "2026-11-15T00:00:00+05:30",
    "c1.30.00000000",
    "c1.18446744073709551615.ffffffff",
    "",
];

impl Text {
    fn text(&self) -> String {
        match self {
            Text::Known(i) => TEXTS[*i as usize % TEXTS.len()].to_string(),
            Text::Any(s) => s.clone(),
        }
    }
}

#[derive(Debug, Arbitrary)]
struct Input {
    tenant: Text,
    since: Option<Text>,
    until: Option<Text>,
    actor_id: Option<Text>,
    action: Option<Text>,
    newest_first: bool,
    count: bool,
    limit: u16,
    cursor: Option<Text>,
}

fuzz_target!(|input: Input| {
    let filter = Filter {
        tenant: input.tenant.text(),
        since: input.since.as_ref().map(Text::text),
        until: input.until.as_ref().map(Text::text),
        actor_id: input.actor_id.as_ref().map(Text::text),
        action: input.action.as_ref().map(Text::text),
        ..Filter::default()
    };
    let order = if input.newest_first {
        Order::NewestFirst
    } else {
        Order::OldestFirst
    };
    let mut request = PageRequest {
        filter: filter.clone(),
        order,
        limit: u32::from(input.limit),
        cursor: input.cursor.as_ref().map(Text::text),
        viewer: Viewer {
            actor: Actor {
                id: "fuzz".into(),
                name: None,
                email: None,
                kind: ActorKind::User,
            },
            roles: vec!["admin".into()],
            context: Context::default(),
        },
        count: input.count,
    };
    let mut store = log().clone();
    let since = filter
        .since
        .as_deref()
        .and_then(|t| time::parse_bound(t).ok());
    let until = filter
        .until
        .as_deref()
        .and_then(|t| time::parse_bound(t).ok());
    let mut last_seq: Option<u64> = None;
    for _page in 0..100 {
        let page = match query(&mut store, &mut Fixed, &request) {
            Ok(page) => page,
            Err(e) => {
                let line = e.to_string();
                assert!(!line.contains('\n'), "one line: {line}");
                return;
            }
        };
        assert!(page.events.len() <= request.limit as usize);
        for e in &page.events {
            assert_eq!(e.tenant, filter.tenant);
            if let Some(a) = &filter.actor_id {
                assert_eq!(&e.actor.id, a);
            }
            match filter
                .action
                .as_deref()
                .map(|a| a.strip_suffix(".*").ok_or(a))
            {
                None => {}
                Some(Ok(entity)) => assert!(e.action.starts_with(&format!("{entity}."))),
                Some(Err(exact)) => assert_eq!(e.action, exact),
            }
            let at = time::parse(&e.occurred_at).expect("stored times parse");
            assert!(
                since.is_none_or(|s| at >= s) && until.is_none_or(|u| at < u),
                "time bounds"
            );
            if let Some(prev) = last_seq {
                match order {
                    Order::NewestFirst => assert!(e.seq < prev, "newest first, no repeats"),
                    Order::OldestFirst => assert!(e.seq > prev, "oldest first, no repeats"),
                }
            }
            last_seq = Some(e.seq);
        }
        match page.next_cursor {
            Some(c) => {
                assert!(!page.events.is_empty(), "a cursor follows a non-empty page");
                request.cursor = Some(c);
            }
            None => return,
        }
    }
});
