//! Query: the first page and the filtered count of an admin page's search,
//! over logs of growing size in a real SQLite file. The component through
//! wasmtime, the same engine natively over the same file, and the same
//! query written directly in SQL on the store's table.
//!
//! Two filters: one week alone (the audit page opened on a date range), and
//! one week + `user.*` + the keyword `smyth` (found in about one change in
//! ten of the profile edits).
//!
//! Check: all three return the same events on the page (ids, in order)
//! and the same count. Component and native also record each read as an
//! `audit_log.viewed` event (one small write per query), which SQL does not.

use crate::config::Config;
use crate::dataset::{self, TENANT};
use crate::native_store::{Native, Stepping, host_clock};
use crate::report::{Row, Section, Unit};
use crate::timing::time;
use crate::wit;
use anyhow::{Result, ensure};
use audit_component::read::filter::Filter;
use audit_component::read::page::{Order, PageRequest};
use audit_host::{Runtime, Session, SqliteStore};
use std::time::Duration;

/// The week every filter asks for.
pub const WEEK: (&str, &str) = ("2026-07-06", "2026-07-13");
/// The clock of the reads' own events: after the log's last event.
pub const READ_CLOCK: &str = "2027-06-01T00:00:00Z";
/// Events per page.
pub const PAGE: u32 = 50;

struct Case {
    label: &'static str,
    filter: Filter,
    sql: &'static str,
}

fn cases() -> Vec<Case> {
    let week = Filter {
        since: Some(WEEK.0.into()),
        until: Some(WEEK.1.into()),
        ..Filter::tenant(TENANT)
    };
    vec![
        Case {
            label: "one week",
            filter: week.clone(),
            sql: "tenant = ?1 AND occurred_at_us >= ?2 AND occurred_at_us < ?3",
        },
        Case {
            label: "one week + user.* + keyword",
            filter: Filter {
                action: Some("user.*".into()),
                text: Some("smyth".into()),
                ..week
            },
            sql: "tenant = ?1 AND occurred_at_us >= ?2 AND occurred_at_us < ?3 \
                  AND json_extract(body, '$.action') LIKE 'user.%' AND body LIKE '%smyth%'",
        },
    ]
}

/// Midnight UTC of `day` (`YYYY-MM-DD`), in microseconds since the epoch.
pub fn micros(day: &str) -> Result<i64> {
    Ok(chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")?
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
        .timestamp_micros())
}

/// Measures the queries over three log sizes.
pub fn run(config: &Config, runtime: &Runtime) -> Result<Section> {
    let sizes = config.sizes(
        [300, 1_000, 3_000],
        [10_000, 30_000, 100_000],
        [10_000, 100_000, 1_000_000],
    );
    let runs = config.runs(5, 9);
    let mut rows = Vec::new();
    for n in sizes {
        let db = dataset::open(&config.data_dir, n)?;
        let mut session = runtime.session(
            Box::new(SqliteStore::open(&db).map_err(anyhow::Error::msg)?),
            host_clock(READ_CLOCK)?,
        );
        let mut native = Native(SqliteStore::open(&db).map_err(anyhow::Error::msg)?);
        let mut clock = Stepping::parse(READ_CLOCK)?;
        let conn = rusqlite::Connection::open(&db)?;
        for case in cases() {
            let mut t = [
                [Vec::new(), Vec::new(), Vec::new()],
                [Vec::new(), Vec::new(), Vec::new()],
            ];
            let mut matched = 0;
            for run in 0..=runs {
                // The page, then the count, each in the three columns.
                for (m, count) in [(0, false), (1, true)] {
                    let (c, tc) = time(|| component(&mut session, &case.filter, count));
                    let (nv, tn) =
                        time(|| native_query(&mut native, &mut clock, &case.filter, count));
                    let (s, ts) = time(|| sql(&conn, case.sql, count));
                    let (c, nv, s) = (c?, nv?, s?);
                    ensure!(
                        c == nv && nv == s,
                        "query: the columns disagree on {:?} over {n} events ({}): component {:?}, native {:?}, SQL {:?}",
                        case.label,
                        if count { "count" } else { "page" },
                        summary(&c),
                        summary(&nv),
                        summary(&s)
                    );
                    if count {
                        matched = c.first().map_or(0, |s| s.parse().unwrap_or(0));
                    }
                    // The first run warms the caches up.
                    if run > 0 {
                        for (v, d) in t[m].iter_mut().zip([tc, tn, ts]) {
                            v.push(d);
                        }
                    }
                }
            }
            let med = |v: &Vec<Duration>| Some(crate::timing::median(v));
            let size = format!("{n} events ({matched} match)");
            rows.push(Row::new(
                format!("first page of {PAGE}, {}", case.label),
                size.clone(),
                Unit::Time,
                med(&t[0][0]),
                med(&t[0][1]),
                med(&t[0][2]),
            ));
            rows.push(Row::new(
                format!("count, {}", case.label),
                size,
                Unit::Time,
                med(&t[1][0]),
                med(&t[1][1]),
                med(&t[1][2]),
            ));
        }
    }
    rows.sort_by_key(|r| r.measure.clone());
    Ok(Section {
        path: "query",
        columns: [
            "`log.query` through wasmtime on the host's SQLite store",
            "`query::query`, the same engine natively on the same store",
            "the same query in SQL on the store's table (`json_extract` for the action, `LIKE` for the keyword)",
        ],
        rows,
        notes: vec![
            "Each column returned the same page (event ids in order) and the same count. Component and native record every read as an `audit_log.viewed` event (a write to the store, committed with `synchronous = FULL`), which the SQL column does not pay.".into(),
        ],
    })
}

fn summary(v: &[String]) -> String {
    format!("{} items, first {:?}", v.len(), v.first())
}

/// The page's event ids, or the count as a one-item list.
pub fn component(session: &mut Session, filter: &Filter, count: bool) -> Result<Vec<String>> {
    let page = session.query(&audit_host::bindings::PageRequest {
        filter: wit::filter(filter),
        order: audit_host::bindings::Order::NewestFirst,
        limit: if count { 1 } else { PAGE },
        cursor: None,
        viewer: wit::viewer(),
        count,
    })?;
    Ok(if count {
        vec![page.total.unwrap_or(0).to_string()]
    } else {
        page.events.into_iter().map(|e| e.id).collect()
    })
}

fn native_query(
    store: &mut Native<SqliteStore>,
    clock: &mut Stepping,
    filter: &Filter,
    count: bool,
) -> Result<Vec<String>> {
    let page = audit_component::read::query::query(
        store,
        clock,
        &PageRequest {
            filter: filter.clone(),
            order: Order::NewestFirst,
            limit: if count { 1 } else { PAGE },
            cursor: None,
            viewer: wit::native_viewer(),
            count,
        },
    )?;
    Ok(if count {
        vec![page.total.unwrap_or(0).to_string()]
    } else {
        page.events.into_iter().map(|e| e.id).collect()
    })
}

fn sql(conn: &rusqlite::Connection, condition: &str, count: bool) -> Result<Vec<String>> {
    let (since, until) = (micros(WEEK.0)?, micros(WEEK.1)?);
    if count {
        let n: i64 = conn.query_row(
            &format!("SELECT count(*) FROM audit_events WHERE {condition}"),
            rusqlite::params![TENANT, since, until],
            |r| r.get(0),
        )?;
        return Ok(vec![n.to_string()]);
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id FROM audit_events WHERE {condition} ORDER BY seq DESC LIMIT {PAGE}"
    ))?;
    let ids = stmt
        .query_map(rusqlite::params![TENANT, since, until], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(ids)
}
