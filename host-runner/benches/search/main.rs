//! Search and export over a million events in a real SQLite file, in one
//! run: the component through wasmtime, the same engine built natively,
//! and what a host would otherwise write (SQL straight on the table; the
//! `csv` crate writing rows itself).
//!
//! `cargo bench -p host-runner --bench search` (`-- --events N`, `--runs R`).
//! The log is generated once into `target/bench-data/` (a minute or two)
//! and reused; every read the benchmark makes adds its own
//! `audit_log.viewed` / `audit_log.exported` event to it, as reads do.
//! Peak memory of an export is measured in a child process (this binary
//! again, `--child-export`) from its own `VmHWM`.

mod dataset;

use audit_component::access::Viewer as NativeViewer;
use audit_component::model::{Actor, ActorKind, Context};
use audit_host::bindings::{ExportFormat, ExportRequest, ExportRows, Filter, Order, PageRequest};
use audit_host::{Options, Runtime, SqliteStore, SteppingClock};
use dataset::{NativeStore, TENANT};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// The filtered query: one week in the middle of the year, an action
/// prefix, and a keyword found in about one changed value in ten.
const WEEK: (&str, &str) = ("2026-07-06", "2026-07-13");
const PREFIX: &str = "user.*";
const KEYWORD: &str = "smyth";

fn arg<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::args()
        .skip_while(|a| a != name)
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child-export") {
        child_export(
            &args[i + 1],
            &args[i + 2],
            args.get(i + 3).map(String::as_str),
        );
        return;
    }
    let events: usize = arg("--events", 1_000_000);
    let runs: usize = arg("--runs", 7);
    let db = dataset::open(events);
    let runtime = Runtime::new(Options::default()).expect("runtime");
    println!(
        "log: {events} events of tenant {TENANT} in {}",
        db.display()
    );
    println!(
        "filter: {} .. {}, action {PREFIX}, keyword {KEYWORD:?}\n",
        WEEK.0, WEEK.1
    );

    // ---- first page and count ----
    let mut session = runtime.session(
        Box::new(SqliteStore::open(&db).expect("store")),
        Box::new(SteppingClock::parse("2027-06-01T00:00:00Z").expect("clock")),
    );
    let request = |count: bool, limit: u32| PageRequest {
        filter: Filter {
            since: Some(WEEK.0.into()),
            until: Some(WEEK.1.into()),
            action: Some(PREFIX.into()),
            text: Some(KEYWORD.into()),
            ..filter()
        },
        order: Order::NewestFirst,
        limit,
        cursor: None,
        viewer: viewer(),
        count,
    };
    let mut found = 0;
    let page_ms = median(runs, || {
        found = session
            .query(&request(false, 50))
            .expect("query")
            .events
            .len();
    });
    let mut total = 0;
    let count_ms = median(runs, || {
        total = session
            .query(&request(true, 1))
            .expect("count")
            .total
            .expect("a total");
    });
    let mut native = NativeStore(SqliteStore::open(&db).expect("store"));
    let native_request = |count: bool, limit: u32| audit_component::query::PageRequest {
        filter: audit_component::filter::Filter {
            since: Some(WEEK.0.into()),
            until: Some(WEEK.1.into()),
            action: Some(PREFIX.into()),
            text: Some(KEYWORD.into()),
            ..audit_component::filter::Filter::tenant(TENANT)
        },
        order: audit_component::query::Order::NewestFirst,
        limit,
        cursor: None,
        viewer: native_viewer(),
        count,
    };
    let mut clock = NativeClock;
    let native_page_ms = median(runs, || {
        audit_component::query::query(&mut native, &mut clock, &native_request(false, 50))
            .expect("query");
    });
    let native_count_ms = median(runs, || {
        audit_component::query::query(&mut native, &mut clock, &native_request(true, 1))
            .expect("count");
    });
    let conn = rusqlite::Connection::open(&db).expect("sqlite");
    let micros = |d: &str| {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .expect("date")
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc()
            .timestamp_micros()
    };
    let (since, until) = (micros(WEEK.0), micros(WEEK.1));
    let sql_where = "tenant = ?1 AND occurred_at_us >= ?2 AND occurred_at_us < ?3
        AND json_extract(body, '$.action') LIKE 'user.%' AND body LIKE '%smyth%'";
    let mut sql_found = 0;
    let sql_page_ms = median(runs, || {
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT body FROM audit_events WHERE {sql_where} ORDER BY seq DESC LIMIT 50"
            ))
            .expect("prepare");
        sql_found = stmt
            .query_map(rusqlite::params![TENANT, since, until], |r| {
                r.get::<_, String>(0)
            })
            .expect("query")
            .count();
    });
    let mut sql_total = 0i64;
    let sql_count_ms = median(runs, || {
        sql_total = conn
            .query_row(
                &format!("SELECT count(*) FROM audit_events WHERE {sql_where}"),
                rusqlite::params![TENANT, since, until],
                |r| r.get(0),
            )
            .expect("count");
    });
    println!("first page (50 of the filtered events, newest first), median of {runs}:");
    println!("  component + SQLite        {page_ms:>8.2} ms   ({found} events)");
    println!("  native engine + SQLite    {native_page_ms:>8.2} ms");
    println!("  SQL on the table          {sql_page_ms:>8.2} ms   ({sql_found} rows)");
    println!("filtered count, median of {runs}:");
    println!("  component + SQLite        {count_ms:>8.2} ms   ({total} events)");
    println!("  native engine + SQLite    {native_count_ms:>8.2} ms");
    println!("  SQL on the table          {sql_count_ms:>8.2} ms   ({sql_total} rows)");
    println!(
        "  component/SQL: page {:.2}x, count {:.2}x\n",
        page_ms / sql_page_ms,
        count_ms / sql_count_ms
    );

    // ---- full CSV export ----
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("export.csv");
    let started = Instant::now();
    let (rows, bytes) = {
        let mut file =
            std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&out).expect("file"));
        let mut export = session.export(&export_request(None)).expect("export");
        while let Some(chunk) = export.next_chunk().expect("chunk") {
            file.write_all(&chunk).expect("write");
        }
        let p = export.progress().expect("progress");
        file.flush().expect("flush");
        (p.rows, p.bytes)
    };
    let component_s = started.elapsed().as_secs_f64();
    let native_s = native_export(&mut native, &dir.path().join("native.csv"));
    let (plain_rows, plain_s) = plain_csv(&conn, &dir.path().join("plain.csv"));
    println!("full CSV export (default columns, every event):");
    println!(
        "  component + SQLite        {rows} rows, {} MB in {component_s:.2} s = {:.0} rows/s",
        bytes / 1_000_000,
        rows as f64 / component_s
    );
    println!(
        "  native engine + SQLite    {:.2} s = {:.0} rows/s",
        native_s,
        rows as f64 / native_s
    );
    println!(
        "  csv crate, plain          {plain_rows} rows in {plain_s:.2} s = {:.0} rows/s",
        plain_rows as f64 / plain_s
    );
    println!(
        "  component throughput: {:.0}% of the native engine, {:.0}% of the plain csv writer",
        100.0 * native_s / component_s,
        100.0 * plain_s / component_s
    );

    // ---- peak memory, each in its own process ----
    println!("peak memory (VmHWM of a process that loads the runtime and exports):");
    for (label, range) in [
        ("nothing exported", Some(("2030-01-01", "2030-01-02"))),
        ("5 weeks", Some(("2026-07-06", "2026-08-10"))),
        ("everything", None),
    ] {
        let exe = std::env::current_exe().expect("exe");
        let mut cmd = std::process::Command::new(exe);
        cmd.arg("--child-export")
            .arg(&db)
            .arg(dir.path().join("child.csv"));
        if let Some((from, to)) = range {
            cmd.arg(format!("{from}..{to}"));
        }
        let out = cmd.output().expect("child");
        let text = String::from_utf8_lossy(&out.stdout);
        println!("  {label:<18} {}", text.trim());
    }
}

fn filter() -> Filter {
    Filter {
        tenant: TENANT.into(),
        since: None,
        until: None,
        actor_id: None,
        action: None,
        actor_name: None,
        category: None,
        change_type: None,
        target_kind: None,
        target_id: None,
        outcome: None,
        ip: None,
        text: None,
    }
}

fn viewer() -> audit_host::bindings::Viewer {
    audit_host::bindings::Viewer {
        actor: audit_host::bindings::Actor {
            id: "bench".into(),
            name: None,
            email: None,
            kind: audit_host::bindings::ActorKind::User,
        },
        roles: vec!["admin".into()],
        context: audit_host::bindings::RequestContext {
            ip: None,
            user_agent: None,
            session_id: None,
            request_id: None,
        },
    }
}

fn native_viewer() -> NativeViewer {
    NativeViewer {
        actor: Actor {
            id: "bench".into(),
            name: None,
            email: None,
            kind: ActorKind::User,
        },
        roles: vec!["admin".into()],
        context: Context::default(),
    }
}

fn export_request(range: Option<(&str, &str)>) -> ExportRequest {
    ExportRequest {
        filter: Filter {
            since: range.map(|r| r.0.to_string()),
            until: range.map(|r| r.1.to_string()),
            ..filter()
        },
        order: Order::OldestFirst,
        viewer: viewer(),
        format: ExportFormat::Csv,
        columns: vec![],
        rows: ExportRows::Events,
        byte_order_mark: false,
        utc_offset: None,
        proof: None,
    }
}

struct NativeClock;
impl audit_component::store::Clock for NativeClock {
    fn now(&mut self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
    }
}

/// The median of `runs` timings, in milliseconds, after one warm-up run.
fn median(runs: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1000.0
}

/// The same export with the engine built natively; seconds.
fn native_export(store: &mut NativeStore, path: &Path) -> f64 {
    use audit_component::export;
    let request = export::ExportRequest {
        filter: audit_component::filter::Filter::tenant(TENANT),
        order: audit_component::query::Order::OldestFirst,
        viewer: native_viewer(),
        format: export::Format::Csv,
        columns: vec![],
        rows: audit_component::csv_export::RowMode::Events,
        byte_order_mark: false,
        utc_offset: None,
        proof: None,
    };
    let started = Instant::now();
    let mut file =
        std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path).expect("file"));
    let mut x = export::start(store, &mut NativeClock, &request).expect("export");
    while let Some(chunk) = x.next_chunk(store).expect("chunk") {
        file.write_all(&chunk).expect("write");
    }
    file.flush().expect("flush");
    started.elapsed().as_secs_f64()
}

/// What a host would write without the component: read the rows with SQL,
/// decode them, write the default columns with the `csv` crate.
fn plain_csv(conn: &rusqlite::Connection, path: &Path) -> (u64, f64) {
    let started = Instant::now();
    let file =
        std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path).expect("file"));
    let mut w = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(file);
    w.write_record([
        "timestamp",
        "actor",
        "action",
        "category",
        "target",
        "change_type",
        "old_value",
        "new_value",
        "ip",
        "outcome",
        "event_id",
        "hash",
    ])
    .expect("header");
    let mut stmt = conn
        .prepare("SELECT body, hash FROM audit_events WHERE tenant = ?1 ORDER BY seq")
        .expect("prepare");
    let mut rows = stmt.query([TENANT]).expect("query");
    let mut n = 0u64;
    while let Some(row) = rows.next().expect("row") {
        let body: String = row.get(0).expect("body");
        let hash: String = row.get(1).expect("hash");
        let e: audit_component::model::Event = serde_json::from_str(&body).expect("event");
        let target = e
            .targets
            .iter()
            .map(|t| format!("{}: {}", t.kind, t.name.as_deref().unwrap_or(&t.id)))
            .collect::<Vec<_>>()
            .join("\n");
        let side = |old: bool| {
            e.changes
                .iter()
                .filter_map(|c| {
                    let v = if old { c.old.as_ref() } else { c.new.as_ref() }?;
                    Some(format!(
                        "{}: {}",
                        c.path,
                        v.as_str().map_or_else(|| v.to_string(), str::to_string)
                    ))
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        let (old, new) = (side(true), side(false));
        let cells: [&str; 12] = [
            &e.occurred_at,
            e.actor.name.as_deref().unwrap_or(&e.actor.id),
            &e.action,
            &e.category,
            &target,
            &e.change_type,
            &old,
            &new,
            e.context.ip.as_deref().unwrap_or(""),
            e.outcome.as_str(),
            &e.id,
            &hash,
        ];
        w.write_record(cells).expect("row");
        n += 1;
    }
    w.flush().expect("flush");
    (n, started.elapsed().as_secs_f64())
}

/// In a fresh process: load the runtime, export (everything, or a
/// `FROM..TO` range) to a file, and print the peak resident memory.
fn child_export(db: &str, out: &str, range: Option<&str>) {
    let runtime = Runtime::new(Options::default()).expect("runtime");
    let mut session = runtime.session(
        Box::new(SqliteStore::open(Path::new(db)).expect("store")),
        Box::new(SteppingClock::parse("2027-06-01T00:00:00Z").expect("clock")),
    );
    let range = range.and_then(|r| r.split_once(".."));
    let mut file = std::io::BufWriter::new(std::fs::File::create(out).expect("file"));
    let mut export = session.export(&export_request(range)).expect("export");
    while let Some(chunk) = export.next_chunk().expect("chunk") {
        file.write_all(&chunk).expect("write");
    }
    let p = export.progress().expect("progress");
    drop(export);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map_or("?".to_string(), |v| v.trim().to_string());
    println!("{:>8} events exported, peak {hwm}", p.events);
}
