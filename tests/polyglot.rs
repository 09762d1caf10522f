//! Same bytes out: the quality-management scenario of `examples/scenario/`
//! (append events, query with a filter, a diff, a CSV export, a
//! verification, a redacted field, a tamper detected) run by the Rust host
//! here, by the Python host (`examples/python`, wasmtime-py) and by the Node
//! host (`examples/node`, jco), with the same component, clock and master
//! key. The stored rows (hashes included), the transcript of every result
//! and the CSV export must be identical byte for byte.
//!
//! The examples must be set up first (`scripts/setup-examples.sh`, which
//! `scripts/test.sh` runs); a missing interpreter or package fails with
//! that command, never skips.

use crate::harness::{audit_host, runtime};
use audit_host::bindings::{
    Actor, ActorKind, Change, ChangeOp, DiffRequest, ExportFormat, ExportRequest, ExportRows,
    Filter, Order, PageRequest, RequestContext, Viewer,
};
use audit_host::session::integrity::{VerifyReport, kind_name};
use audit_host::{MasterKey, SqliteStore, SteppingClock};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

const SETUP: &str = "run scripts/setup-examples.sh (scripts/test.sh runs it before the tests)";

/// What a host leaves behind: the files the test compares.
#[derive(Debug)]
struct Output {
    transcript: String,
    rows: String,
    csv: Vec<u8>,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host-runner sits in the workspace")
        .to_path_buf()
}

fn scenario() -> Value {
    let path = root().join("examples/scenario/scenario.json");
    serde_json::from_str(&std::fs::read_to_string(&path).expect("scenario.json")).expect("JSON")
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// A filter from the scenario's JSON, refusing a field this test does not map.
fn filter(tenant: &str, fields: &Value) -> Filter {
    let known = [
        "actor_id",
        "action",
        "category",
        "change_type",
        "ip",
        "text",
    ];
    for key in fields.as_object().expect("an object").keys() {
        assert!(known.contains(&key.as_str()), "map filter field {key}");
    }
    Filter {
        tenant: tenant.into(),
        since: None,
        until: None,
        actor_id: text(fields, "actor_id"),
        action: text(fields, "action"),
        actor_name: None,
        category: text(fields, "category"),
        change_type: text(fields, "change_type"),
        target_kind: None,
        target_id: None,
        outcome: None,
        ip: text(fields, "ip"),
        text: text(fields, "text"),
    }
}

fn viewer(v: &Value) -> Viewer {
    let actor = &v["actor"];
    assert_eq!(actor["kind"], "user", "map the viewer's kind");
    let context = &v["context"];
    Viewer {
        actor: Actor {
            id: text(actor, "id").expect("actor.id"),
            name: text(actor, "name"),
            email: text(actor, "email"),
            kind: ActorKind::User,
        },
        roles: v["roles"]
            .as_array()
            .expect("roles")
            .iter()
            .map(|r| r.as_str().expect("a role").to_string())
            .collect(),
        context: RequestContext {
            ip: text(context, "ip"),
            user_agent: text(context, "user_agent"),
            session_id: text(context, "session_id"),
            request_id: text(context, "request_id"),
        },
    }
}

fn order(v: &Value) -> Order {
    match v.as_str() {
        Some("newest-first") => Order::NewestFirst,
        Some("oldest-first") => Order::OldestFirst,
        other => panic!("an order: {other:?}"),
    }
}

/// JSON with sorted keys and no whitespace: the transcript's form.
fn canonical(fields: BTreeMap<&str, Value>) -> String {
    serde_json::to_string(&fields).expect("JSON")
}

fn render_change(c: &Change) -> String {
    let op = match c.op {
        ChangeOp::Add => "add",
        ChangeOp::Remove => "remove",
        ChangeOp::Replace => "replace",
        ChangeOp::Move => "move",
    };
    canonical(BTreeMap::from([
        ("path", json!(c.path)),
        ("op", json!(op)),
        ("old", json!(c.old)),
        ("new", json!(c.new)),
        ("from_path", json!(c.from_path)),
        ("redacted", json!(c.redacted)),
        ("old_fingerprint", json!(c.old_fingerprint)),
        ("new_fingerprint", json!(c.new_fingerprint)),
        ("collapsed", json!(c.collapsed)),
    ]))
}

fn render_report(r: &VerifyReport) -> String {
    let findings: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            json!({"kind": kind_name(f.kind), "seq": f.seq, "related_seq": f.related_seq, "detail": f.detail})
        })
        .collect();
    canonical(BTreeMap::from([
        ("tenant", json!(r.tenant)),
        ("events", json!(r.events)),
        ("first_seq", json!(r.first_seq)),
        ("last_seq", json!(r.last_seq)),
        ("last_hash", json!(r.last_hash)),
        ("purged_through", json!(r.purged_through)),
        ("checkpoints_verified", json!(r.checkpoints_verified)),
        ("checkpoints_skipped", json!(r.checkpoints_skipped)),
        ("findings_omitted", json!(r.findings_omitted)),
        ("findings", json!(findings)),
    ]))
}

/// The stored rows of a tenant, one line each: seq, id, occurred_at_us,
/// prev_hash, hash, body, tab-separated.
fn rows_tsv(path: &Path, tenant: &str) -> String {
    let conn = rusqlite::Connection::open(path).expect("open");
    let mut stmt = conn
        .prepare("SELECT seq, id, occurred_at_us, prev_hash, hash, body FROM audit_events WHERE tenant = ?1 ORDER BY seq")
        .expect("prepare");
    let rows = stmt
        .query_map([tenant], |r| {
            Ok(format!(
                "{}\t{}\t{}\t{}\t{}\t{}\n",
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?
            ))
        })
        .expect("query");
    rows.collect::<Result<String, _>>().expect("rows")
}

/// The scenario through the Rust library, on an SQLite store at `db`.
fn rust_host(db: &Path) -> Output {
    let spec = scenario();
    let tenant = spec["tenant"].as_str().expect("tenant");
    let key = MasterKey::from_hex(spec["master_key"].as_str().expect("key")).expect("hex");
    let clock = SteppingClock::parse(spec["clock"].as_str().expect("clock")).expect("a time");
    let store = SqliteStore::open(db).expect("the store opens");
    let mut session = runtime()
        .session(Box::new(store), Box::new(clock))
        .with_keyring(Arc::new(key));
    let viewer = viewer(&spec["viewer"]);
    let mut transcript = String::new();
    let mut line = |l: String| {
        transcript.push_str(&l);
        transcript.push('\n');
    };

    // 1. The events, one call each.
    let events_path = root()
        .join("examples/scenario")
        .join(spec["events"].as_str().expect("events"));
    let inputs = session
        .parse_inputs(
            &std::fs::read_to_string(events_path).expect("events"),
            Some(tenant),
        )
        .expect("parse");
    for input in &inputs {
        let event = session.append(input).expect("append");
        line(format!(
            "append {}",
            session.to_json(&event).expect("to-json")
        ));
    }

    // 2. A filtered read.
    let q = &spec["query"];
    let page = session
        .query(&PageRequest {
            filter: filter(tenant, &q["filter"]),
            order: order(&q["order"]),
            limit: q["limit"].as_u64().expect("limit") as u32,
            cursor: None,
            viewer: viewer.clone(),
            count: true,
        })
        .expect("query");
    let seqs: Vec<String> = page.events.iter().map(|e| e.seq.to_string()).collect();
    line(format!(
        "query seqs={} total={}",
        seqs.join(","),
        page.total.expect("counted")
    ));

    // 3. A diff with the tenant's key. Any JSON text of the same documents
    // gives the same result: the component parses them.
    let d = &spec["diff"];
    let diff = session
        .diff(&DiffRequest {
            before: d["before"].to_string(),
            after: d["after"].to_string(),
            settings: None,
            action: text(d, "action"),
            tenant: Some(tenant.into()),
        })
        .expect("diff");
    line(format!("diff-patch {}", diff.patch));
    for change in &diff.changes {
        line(format!("diff-change {}", render_change(change)));
    }

    // 4. A CSV export.
    let x = &spec["export"];
    assert_eq!(x["rows"], "changes", "map the export's rows");
    let mut export = session
        .export(&ExportRequest {
            filter: filter(tenant, &x["filter"]),
            order: order(&x["order"]),
            viewer: viewer.clone(),
            format: ExportFormat::Csv,
            columns: x["columns"]
                .as_array()
                .expect("columns")
                .iter()
                .map(|c| c.as_str().expect("a column").to_string())
                .collect(),
            rows: ExportRows::Changes,
            byte_order_mark: false,
            utc_offset: None,
            proof: None,
        })
        .expect("export");
    let mut csv = Vec::new();
    while let Some(chunk) = export.next_chunk().expect("a chunk") {
        csv.extend_from_slice(&chunk);
    }
    let progress = export.progress().expect("progress");
    drop(export);
    line(format!(
        "export rows={} bytes={} done={}",
        progress.rows,
        csv.len(),
        progress.done
    ));

    // 5. Verify.
    let intact = session.verify(tenant, &[], &[]).expect("verify");
    line(format!("verify {}", render_report(&intact)));
    let rows = rows_tsv(db, tenant);

    // 6. Tamper with the file, then verify again.
    let t = &spec["tamper"];
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.execute(
        "UPDATE audit_events SET body = replace(body, ?1, ?2) WHERE tenant = ?3 AND seq = ?4",
        rusqlite::params![
            t["find"].as_str(),
            t["replace"].as_str(),
            tenant,
            t["seq"].as_i64()
        ],
    )
    .expect("tamper");
    line(format!("tamper seq={}", t["seq"]));
    let tampered = session.verify(tenant, &[], &[]).expect("verify");
    line(format!("verify {}", render_report(&tampered)));

    Output {
        transcript,
        rows,
        csv,
    }
}

fn read_output(dir: &Path) -> Output {
    let read = |name: &str| {
        std::fs::read(dir.join(name))
            .unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()))
    };
    Output {
        transcript: String::from_utf8(read("transcript.txt")).expect("UTF-8"),
        rows: String::from_utf8(read("rows.tsv")).expect("UTF-8"),
        csv: read("export.csv"),
    }
}

/// Runs a host's scenario script; its stderr is shown when it fails.
fn run_host(name: &str, cmd: &mut Command) {
    cmd.env("AUDIT_COMPONENT", env!("AUDIT_COMPONENT_WASM"));
    let out = match cmd.output() {
        Ok(out) => out,
        Err(e) => panic!("cannot run the {name} host ({cmd:?}): {e}; {SETUP}"),
    };
    assert!(
        out.status.success(),
        "the {name} host failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr),
        if String::from_utf8_lossy(&out.stderr).contains("npm run build") {
            SETUP
        } else {
            ""
        }
    );
}

fn python_host(dir: &Path, db: &Path) -> Output {
    let example = root().join("examples/python");
    let python = example.join(".venv/bin/python");
    assert!(
        python.exists(),
        "the Python example is not set up ({} is missing): {SETUP}",
        python.display()
    );
    let out = dir.join("python");
    run_host(
        "Python",
        Command::new(&python)
            .current_dir(&example)
            .arg("scenario.py")
            .arg("--store")
            .arg(db)
            .arg("--out")
            .arg(&out),
    );
    read_output(&out)
}

fn node_host(dir: &Path) -> Output {
    let example = root().join("examples/node");
    for needed in [
        "node_modules/@bytecodealliance/preview2-shim",
        "gen/audit.js",
    ] {
        assert!(
            example.join(needed).exists(),
            "the Node example is not set up (examples/node/{needed} is missing): {SETUP}"
        );
    }
    let out = dir.join("node");
    run_host(
        "Node",
        Command::new("node")
            .current_dir(&example)
            .arg("scenario.js")
            .arg("--out")
            .arg(&out),
    );
    read_output(&out)
}

/// Equal bytes, or a failure naming the first line that differs.
fn assert_same(what: &str, host: &str, rust: &[u8], other: &[u8]) {
    if rust == other {
        return;
    }
    let rust_text = String::from_utf8_lossy(rust);
    let other_text = String::from_utf8_lossy(other);
    let (mut a, mut b) = (rust_text.split('\n'), other_text.split('\n'));
    for n in 1.. {
        match (a.next(), b.next()) {
            (x, y) if x == y && x.is_some() => continue,
            (x, y) => panic!(
                "the {host} host's {what}: line {n} differs from the Rust host's:\n  Rust:  {}\n  {host}: {}",
                x.unwrap_or("(end)"),
                y.unwrap_or("(end)")
            ),
        }
    }
}

fn assert_same_output(host: &str, rust: &Output, other: &Output) {
    assert_same(
        "stored rows",
        host,
        rust.rows.as_bytes(),
        other.rows.as_bytes(),
    );
    assert_same(
        "transcript",
        host,
        rust.transcript.as_bytes(),
        other.transcript.as_bytes(),
    );
    assert_same("CSV export", host, &rust.csv, &other.csv);
}

/// The Rust host's own results are what the scenario promises, so that
/// three hosts cannot agree on a wrong answer.
#[test]
fn the_rust_host_runs_the_scenario() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = rust_host(&dir.path().join("rust.db"));
    // 7 events, the query's read and the export's: 9 rows.
    assert_eq!(out.rows.lines().count(), 9, "{}", out.rows);
    let lines: Vec<&str> = out.transcript.lines().collect();
    assert_eq!(lines.iter().filter(|l| l.starts_with("append ")).count(), 7);
    assert!(lines.contains(&"query seqs=6,5,4,3 total=4"), "{lines:#?}");
    let password = lines
        .iter()
        .find(|l| l.contains("user.password_changed"))
        .expect("the password change");
    assert!(
        password.contains(r#""new":"[redacted]","new_fingerprint":""#),
        "{password}"
    );
    assert!(!out.transcript.contains("hunter2") && !out.transcript.contains("Winter2026!"));
    assert!(!String::from_utf8_lossy(&out.csv).contains("hunter2"));
    assert!(String::from_utf8_lossy(&out.csv).contains(r#""'=SUM(B2:B9)""#));
    let verdicts: Vec<&&str> = lines.iter().filter(|l| l.starts_with("verify ")).collect();
    assert_eq!(verdicts.len(), 2);
    assert!(verdicts[0].contains(r#""findings":[]"#), "{}", verdicts[0]);
    assert!(
        verdicts[1].contains(r#""kind":"modified","related_seq":null,"seq":3"#),
        "{}",
        verdicts[1]
    );
}

#[test]
fn the_python_host_produces_the_rust_hosts_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rust = rust_host(&dir.path().join("rust.db"));
    let python = python_host(dir.path(), &dir.path().join("python.db"));
    assert_same_output("Python", &rust, &python);
}

#[test]
fn the_node_host_produces_the_rust_hosts_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rust = rust_host(&dir.path().join("rust.db"));
    let node = node_host(dir.path());
    assert_same_output("Node", &rust, &node);
}

/// The Python host's SQLite file has the reference host's format:
/// `audit-host` reads it and finds the one tampered event, and nothing else
/// (every other hash, link and the head check out).
#[test]
fn audit_host_verifies_a_store_the_python_host_wrote() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("python.db");
    python_host(dir.path(), &db);
    let out = audit_host(dir.path())
        .arg("--store")
        .arg(&db)
        .args(["verify", "--tenant", "demo-qa"])
        .output()
        .expect("audit-host runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("modified      seq 3 ") && stdout.contains("NOT INTACT: 1 finding"),
        "{stdout}"
    );
}
