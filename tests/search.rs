//! Every filter, alone and combined, against a plain reference
//! implementation over a generated log; pages while another writer appends.

use crate::harness::*;
use audit_host::bindings::{
    Actor, ActorKind, EventInput, Filter, Order, Outcome, OutcomeKind, PageRequest, RequestContext,
    Target,
};
use serde_json::Value;
use std::net::IpAddr;

const FIRST: &[&str] = &["Ana", "John", "María", "Wei", "Zoë", "ana_admin"];
const LAST: &[&str] = &["Admin", "Smith", "Ñúñez", "Chen", "Admin 2"];
const ACTIONS: &[&str] = &[
    "user.mfa_challenge_failed",
    "user.mfa_challenge_passed",
    "user.updated",
    "user.role_changed",
    "team.created",
    "team.user_assigned",
    "campaign.updated",
    "contact.deleted",
    "export.users",
];

/// A varied event: `i` picks everything, deterministically.
fn varied(i: usize) -> EventInput {
    let action = ACTIONS[(i * 7) % ACTIONS.len()];
    let who = (i * 13) % 23;
    let name = match who % 4 {
        _ if who == 7 => Some("Ana_Admin 2".to_string()),
        0 => None,
        _ => Some(format!(
            "{} {}",
            FIRST[who % FIRST.len()],
            LAST[(who / 2) % LAST.len()]
        )),
    };
    let kind = if who == 22 {
        ActorKind::System
    } else {
        ActorKind::User
    };
    let targets: Vec<Target> = (0..(i % 3))
        .map(|t| {
            let kind = ["user", "team", "campaign"][(i + t) % 3];
            Target {
                kind: kind.into(),
                id: format!("{}_{}", &kind[..1], (i + 5 * t) % 17),
                name: (t == 0).then(|| format!("{kind} Blue Team {}", i % 5)),
            }
        })
        .collect();
    let ip = match i % 6 {
        0 => None,
        1 | 2 => Some(format!("203.0.113.{}", i % 40)),
        3 => Some(format!("198.51.100.{}", i % 250)),
        4 => Some(format!("2001:db8::{:x}", i % 300)),
        _ => Some(format!("2001:db8:0:1::{:x}", i % 9)),
    };
    let (before, after) = match i % 5 {
        0 => (None, None),
        1 => (
            Some(r#"{"last_name":"Smith","active":true}"#.to_string()),
            Some(r#"{"last_name":"Smyth","active":false}"#.to_string()),
        ),
        2 => (
            Some(format!(r#"{{"score":{},"tags":["a"]}}"#, i % 50)),
            Some(format!(
                r#"{{"score":{},"tags":["a","Ñandú"]}}"#,
                i % 50 + 42
            )),
        ),
        3 => (
            None,
            Some(r#"{"name":"Blue\nTeam","note":"=SUM(A1)"}"#.to_string()),
        ),
        _ => (Some(r#"{"email":"x@acme.test"}"#.to_string()), None),
    };
    let failure = action == "user.mfa_challenge_failed";
    EventInput {
        tenant: "acme".into(),
        action: action.into(),
        actor: Actor {
            id: format!("u_{who}"),
            name,
            email: who.is_multiple_of(3).then(|| format!("u{who}@Acme.test")),
            kind,
        },
        targets,
        outcome: if failure || i.is_multiple_of(11) {
            Outcome::Failure(i.is_multiple_of(2).then(|| "wrong_password".to_string()))
        } else {
            Outcome::Success
        },
        context: RequestContext {
            ip,
            user_agent: i.is_multiple_of(4).then(|| "Mozilla/5.0 KHTML".to_string()),
            session_id: Some(format!("s-{}", i % 31)),
            request_id: None,
        },
        // November 2026, mostly in order, every 10th a few days back.
        occurred_at: Some(format!(
            "2026-11-{:02}T{:02}:{:02}:00{}",
            1 + (i * 29 / 3000)
                - if i.is_multiple_of(10) {
                    (i % 3).min(i * 29 / 3000)
                } else {
                    0
                },
            i % 24,
            i % 60,
            if i.is_multiple_of(9) { "+02:00" } else { "Z" }
        )),
        before,
        after,
        metadata: i
            .is_multiple_of(2)
            .then(|| format!(r#"{{"reason":"ticket {}","n":{i}}}"#, i % 100)),
        idempotency_key: None,
    }
}

fn seeded(path: &std::path::Path, n: usize) -> audit_host::Session {
    let mut s = session(path);
    let inputs: Vec<EventInput> = (0..n).map(varied).collect();
    for chunk in inputs.chunks(1000) {
        s.append_batch(chunk).expect("append");
    }
    s
}

// ---- the reference: plain code over the stored JSON, read from SQLite ----

fn bound(text: &str) -> chrono::DateTime<chrono::Utc> {
    if text.len() == 10 {
        return chrono::DateTime::parse_from_rfc3339(&format!("{text}T00:00:00Z"))
            .unwrap()
            .to_utc();
    }
    chrono::DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

fn squeeze(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn in_block(addr: &str, block: &str) -> bool {
    let addr: IpAddr = addr.parse().unwrap();
    let (net, bits) = block.split_once('/').unwrap();
    let mut net: IpAddr = net.parse().unwrap();
    let mut bits: u32 = bits.parse().unwrap();
    if let IpAddr::V6(v6) = net
        && let Some(v4) = v6.to_ipv4_mapped()
        && bits >= 96
    {
        net = IpAddr::V4(v4);
        bits -= 96;
    }
    let as_u128 = |a: IpAddr| match a {
        IpAddr::V4(a) => (u32::from(a) as u128, 32),
        IpAddr::V6(a) => (u128::from(a), 128),
    };
    let ((a, alen), (n, nlen)) = (as_u128(addr), as_u128(net));
    if alen != nlen {
        return false;
    }
    let shift = alen - bits;
    shift >= alen || (a >> shift) == (n >> shift)
}

fn text_in(v: &Value, needle: &str) -> bool {
    match v {
        Value::String(s) => s.to_lowercase().contains(needle),
        Value::Array(a) => a.iter().any(|x| text_in(x, needle)),
        Value::Object(m) => m
            .iter()
            .any(|(k, x)| k.to_lowercase().contains(needle) || text_in(x, needle)),
        Value::Null => false,
        other => other.to_string().to_lowercase().contains(needle),
    }
}

fn reference(e: &Value, f: &Filter) -> bool {
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let at = chrono::DateTime::parse_from_rfc3339(e["occurred_at"].as_str().unwrap())
        .unwrap()
        .to_utc();
    if f.since.as_deref().is_some_and(|t| at < bound(t))
        || f.until.as_deref().is_some_and(|t| at >= bound(t))
    {
        return false;
    }
    if f.actor_id
        .as_deref()
        .is_some_and(|id| e["actor"]["id"] != id)
    {
        return false;
    }
    if let Some(a) = f.action.as_deref() {
        let action = s(&e["action"]);
        let ok = match a.strip_suffix('*') {
            Some(prefix) => action.starts_with(prefix),
            None => action == a,
        };
        if !ok {
            return false;
        }
    }
    if let Some(n) = f.actor_name.as_deref() {
        let shown = e["actor"]["name"]
            .as_str()
            .unwrap_or(e["actor"]["id"].as_str().unwrap());
        if !squeeze(shown).contains(&squeeze(n)) {
            return false;
        }
    }
    if f.category.as_deref().is_some_and(|c| e["category"] != c)
        || f.change_type
            .as_deref()
            .is_some_and(|c| e["change_type"] != c)
    {
        return false;
    }
    if let Some(o) = f.outcome {
        let want = match o {
            OutcomeKind::Success => "success",
            OutcomeKind::Failure => "failure",
        };
        if e["outcome"] != want {
            return false;
        }
    }
    if let Some(kind) = f.target_kind.as_deref() {
        let hit =
            e["targets"].as_array().unwrap().iter().any(|t| {
                t["kind"] == kind && f.target_id.as_deref().is_none_or(|id| t["id"] == id)
            });
        if !hit {
            return false;
        }
    }
    if let Some(ip) = f.ip.as_deref() {
        let Some(have) = e["context"]["ip"].as_str() else {
            return false;
        };
        let ok = if ip.contains('/') {
            in_block(have, ip)
        } else {
            have.parse::<IpAddr>().unwrap() == ip.parse::<IpAddr>().unwrap()
        };
        if !ok {
            return false;
        }
    }
    if let Some(t) = f.text.as_deref() {
        let needle = t.to_lowercase();
        let mut fields = vec![
            e["id"].clone(),
            e["action"].clone(),
            e["category"].clone(),
            e["change_type"].clone(),
            e["actor"].clone(),
            e["targets"].clone(),
            e["outcome"].clone(),
            e["failure_reason"].clone(),
            e["context"].clone(),
            e["metadata"].clone(),
        ];
        for c in e["changes"].as_array().unwrap() {
            fields.push(c["path"].clone());
            fields.push(c.get("old").cloned().unwrap_or(Value::Null));
            fields.push(c.get("new").cloned().unwrap_or(Value::Null));
        }
        // Object names of the actor, targets and context are not fields.
        let values_only = |v: &Value| match v {
            Value::Object(m) if !m.contains_key("path") => m.values().any(|x| text_in(x, &needle)),
            Value::Array(a) => a.iter().any(|t| match t {
                Value::Object(m) => m.values().any(|x| text_in(x, &needle)),
                other => text_in(other, &needle),
            }),
            other => text_in(other, &needle),
        };
        let hit = fields[..9].iter().any(values_only)
            || text_in(&fields[9], &needle)
            || fields[10..].iter().any(|v| text_in(v, &needle));
        if !hit {
            return false;
        }
    }
    true
}

/// Newest first, every page, through the component.
fn component(s: &mut audit_host::Session, f: &Filter) -> Vec<u64> {
    let mut r = PageRequest {
        filter: f.clone(),
        order: Order::NewestFirst,
        limit: 1000,
        cursor: None,
        viewer: admin(),
        count: false,
    };
    let mut seqs = Vec::new();
    loop {
        let page = s.query(&r).unwrap_or_else(|e| panic!("{f:?}: {e}"));
        seqs.extend(page.events.iter().map(|e| e.seq));
        match page.next_cursor {
            Some(c) => r.cursor = Some(c),
            None => return seqs,
        }
    }
}

fn filters() -> Vec<(&'static str, Filter)> {
    let mut out = Vec::new();
    let mut add = |name: &'static str, edit: &dyn Fn(&mut Filter)| {
        let mut f = filter("acme");
        edit(&mut f);
        out.push((name, f));
    };
    add("everything", &|_| {});
    add("since a date", &|f| f.since = Some("2026-11-15".into()));
    add("until a time with an offset", &|f| {
        f.until = Some("2026-11-10T12:00:00+02:00".into())
    });
    add("a week", &|f| {
        f.since = Some("2026-11-08".into());
        f.until = Some("2026-11-15".into());
    });
    add("actor id", &|f| f.actor_id = Some("u_13".into()));
    add("actor name", &|f| f.actor_name = Some("ana".into()));
    add("actor name, case and spaces", &|f| {
        f.actor_name = Some("  ANA \t ADMIN ".into())
    });
    add("actor name with _ and a digit", &|f| {
        f.actor_name = Some("Ana_Admin 2".into())
    });
    add("actor name, unicode", &|f| {
        f.actor_name = Some("ÑÚÑEZ".into())
    });
    add("actor name falls back to the id", &|f| {
        f.actor_name = Some("u_4".into())
    });
    add("exact action", &|f| f.action = Some("user.updated".into()));
    add("action prefix", &|f| f.action = Some("user.*".into()));
    add("category", &|f| f.category = Some("authentication".into()));
    add("change type", &|f| f.change_type = Some("created".into()));
    add("target kind", &|f| f.target_kind = Some("team".into()));
    add("target kind and id", &|f| {
        f.target_kind = Some("user".into());
        f.target_id = Some("u_5".into());
    });
    add("failures", &|f| f.outcome = Some(OutcomeKind::Failure));
    add("successes", &|f| f.outcome = Some(OutcomeKind::Success));
    add("ipv4 exact", &|f| f.ip = Some("203.0.113.7".into()));
    add("ipv4 block", &|f| f.ip = Some("203.0.113.0/28".into()));
    add("ipv4 /0", &|f| f.ip = Some("0.0.0.0/0".into()));
    add("ipv6 exact, long form", &|f| {
        f.ip = Some("2001:DB8:0:0:0:0:0:2E".into())
    });
    add("ipv6 block", &|f| f.ip = Some("2001:db8:0:1::/64".into()));
    add("mapped block", &|f| {
        f.ip = Some("::ffff:198.51.100.0/120".into())
    });
    add("keyword in a changed value", &|f| {
        f.text = Some("SMYTH".into())
    });
    add("keyword, unicode in a value", &|f| {
        f.text = Some("ñandú".into())
    });
    add("keyword in a number", &|f| f.text = Some("42".into()));
    add("keyword in a boolean", &|f| f.text = Some("false".into()));
    add("keyword in metadata names", &|f| {
        f.text = Some("REASON".into())
    });
    add("keyword across a line break", &|f| {
        f.text = Some("blue\nteam".into())
    });
    add("keyword in a target name", &|f| {
        f.text = Some("blue team 3".into())
    });
    add("keyword in the user agent", &|f| {
        f.text = Some("khtml".into())
    });
    add("keyword in an e-mail", &|f| {
        f.text = Some("ACME.TEST".into())
    });
    add("keyword in a path", &|f| f.text = Some("/last_".into()));
    add("keyword with a quote", &|f| f.text = Some("\"".into()));
    add("keyword nowhere", &|f| f.text = Some("zzzz".into()));
    add("week + prefix + keyword", &|f| {
        f.since = Some("2026-11-08".into());
        f.until = Some("2026-11-15".into());
        f.action = Some("user.*".into());
        f.text = Some("smyth".into());
    });
    add("name + failures + ipv4 block", &|f| {
        f.actor_name = Some("admin".into());
        f.outcome = Some(OutcomeKind::Failure);
        f.ip = Some("203.0.113.0/24".into());
    });
    add("target + change type + keyword + since", &|f| {
        f.target_kind = Some("campaign".into());
        f.change_type = Some("updated".into());
        f.text = Some("ñandú".into());
        f.since = Some("2026-11-03T00:00:00Z".into());
    });
    add("everything at once", &|f| {
        f.since = Some("2026-11-02".into());
        f.until = Some("2026-11-30".into());
        f.actor_id = Some("u_1".into());
        f.action = Some("user.*".into());
        f.category = Some("user".into());
        f.change_type = Some("updated".into());
        f.target_kind = Some("user".into());
        f.outcome = Some(OutcomeKind::Success);
        f.ip = Some("2001:db8::/32".into());
        f.text = Some("smyth".into());
    });
    out
}

#[test]
fn every_filter_matches_the_reference_implementation() {
    let (_dir, path) = temp_store();
    let mut s = seeded(&path, 3000);
    let mut nonempty = 0;
    for (name, f) in filters() {
        // The log as it is now (earlier reads added their own events),
        // read straight from SQLite, newest first.
        let expected: Vec<u64> = raw_rows(&path, "acme")
            .iter()
            .rev()
            .filter(|r| reference(&serde_json::from_str(&r.3).unwrap(), &f))
            .map(|r| r.0)
            .collect();
        let got = component(&mut s, &f);
        assert_eq!(got, expected, "filter {name}: {f:?}");
        nonempty += usize::from(!expected.is_empty());
    }
    assert!(nonempty >= 35, "the log exercises the filters ({nonempty})");
}

#[test]
fn counts_match_every_page() {
    let (_dir, path) = temp_store();
    let mut s = seeded(&path, 1500);
    let mut r = PageRequest {
        filter: filter("acme"),
        order: Order::OldestFirst,
        limit: 10,
        cursor: None,
        viewer: admin(),
        count: true,
    };
    r.filter.action = Some("user.*".into());
    r.filter.text = Some("smith".into());
    let page = s.query(&r).expect("query");
    let expected = raw_rows(&path, "acme")
        .iter()
        .filter(|row| reference(&serde_json::from_str(&row.3).unwrap(), &r.filter))
        .count() as u64;
    assert!(expected > 10);
    assert_eq!(page.total, Some(expected));
    assert_eq!(page.events.len(), 10);
}

#[test]
fn the_name_search_refuses_syntax_and_accepts_names() {
    let (_dir, path) = temp_store();
    let mut s = seeded(&path, 50);
    let mut r = PageRequest {
        filter: filter("acme"),
        order: Order::NewestFirst,
        limit: 50,
        cursor: None,
        viewer: admin(),
        count: false,
    };
    r.filter.actor_name = Some("Ana;DROP".into());
    match s.query(&r) {
        Err(audit_host::HostError::Audit(audit_host::bindings::Error::InvalidInput(e))) => {
            assert_eq!(e.field, "filter.actor_name");
            assert_eq!(
                e.reason,
                "use only letters, digits, whitespace or underscores"
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    r.filter.actor_name = Some("Ana_Admin 2".into());
    let page = s.query(&r).expect("accepted");
    assert!(!page.events.is_empty());
    assert!(
        page.events
            .iter()
            .all(|e| e.actor.name.as_deref() == Some("Ana_Admin 2"))
    );
}

#[test]
fn pages_stay_exact_while_another_writer_appends() {
    let (_dir, path) = temp_store();
    drop(seeded(&path, 600));
    let writer_path = path.clone();
    let writer = std::thread::spawn(move || {
        let mut w = session(&writer_path);
        for i in 0..60 {
            w.append_batch(&[varied(i), varied(i + 1), varied(i + 2)])
                .expect("append");
        }
    });
    let mut s = session(&path);
    let mut f = filter("acme");
    f.target_kind = Some("user".into());
    for order in [Order::OldestFirst, Order::NewestFirst] {
        let mut r = PageRequest {
            filter: f.clone(),
            order,
            limit: 7,
            cursor: None,
            viewer: admin(),
            count: false,
        };
        let mut seqs: Vec<u64> = Vec::new();
        loop {
            let page = s.query(&r).expect("query");
            seqs.extend(page.events.iter().map(|e| e.seq));
            match page.next_cursor {
                Some(c) => r.cursor = Some(c),
                None => break,
            }
        }
        // In order, each once, and nothing skipped up to where paging
        // reached (oldest first) or from where it started (newest first).
        let sorted: Vec<u64> = match order {
            Order::OldestFirst => seqs.windows(2).map(|w| u64::from(w[0] < w[1])).collect(),
            Order::NewestFirst => seqs.windows(2).map(|w| u64::from(w[0] > w[1])).collect(),
        };
        assert!(
            sorted.iter().all(|&b| b == 1),
            "{order:?}: strictly ordered"
        );
        let edge = match order {
            Order::OldestFirst => *seqs.last().unwrap(),
            Order::NewestFirst => seqs[0],
        };
        let mut expected: Vec<u64> = raw_rows(&path, "acme")
            .iter()
            .filter(|r| r.0 <= edge && reference(&serde_json::from_str(&r.3).unwrap(), &f))
            .map(|r| r.0)
            .collect();
        if order == Order::NewestFirst {
            expected.reverse();
        }
        assert_eq!(seqs, expected, "{order:?}");
    }
    writer.join().expect("writer");
}
