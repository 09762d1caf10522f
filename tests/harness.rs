//! Shared set-up for the end-to-end tests.

use audit_host::bindings::{
    Actor, ActorKind, EventInput, Filter, Order, Outcome, PageRequest, RequestContext, Target,
    Viewer,
};
use audit_host::{Options, Runtime, Session, SqliteStore, SteppingClock};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Where compiled code is cached for the whole test run.
pub fn cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("audit-cache")
}

/// One runtime per test process: compiling is the expensive part.
pub fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        let options = Options {
            cache_dir: Some(cache_dir()),
            ..Options::default()
        };
        Runtime::new(options).expect("the embedded component loads")
    })
}

/// A clock at 2026-11-21T10:00:00Z moving 1 ms per reading.
pub fn clock() -> Box<SteppingClock> {
    Box::new(SteppingClock::parse("2026-11-21T10:00:00Z").expect("a valid time"))
}

/// A session over the SQLite file at `path`.
pub fn session(path: &Path) -> Session {
    let store = SqliteStore::open(path).expect("the store opens");
    runtime().session(Box::new(store), clock())
}

/// A fresh temporary directory and a store path inside it.
pub fn temp_store() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("audit.db");
    (dir, path)
}

/// A valid event input.
pub fn event(tenant: &str, action: &str) -> EventInput {
    EventInput {
        tenant: tenant.into(),
        action: action.into(),
        actor: Actor {
            id: "u_42".into(),
            name: Some("Ana Admin".into()),
            email: Some("ana@acme.test".into()),
            kind: ActorKind::User,
        },
        targets: vec![Target {
            kind: "user".into(),
            id: "u_7".into(),
            name: Some("john.smith".into()),
        }],
        outcome: Outcome::Success,
        context: RequestContext {
            ip: Some("203.0.113.9".into()),
            user_agent: Some("Mozilla/5.0".into()),
            session_id: None,
            request_id: None,
        },
        occurred_at: None,
        before: None,
        after: None,
        metadata: None,
        idempotency_key: None,
    }
}

/// The first page (up to 1000) of a tenant's events, oldest first, read by
/// [`admin`] (the read itself is recorded after it).
pub fn all_events(session: &mut Session, tenant: &str) -> Vec<audit_host::bindings::Event> {
    let request = PageRequest {
        filter: filter(tenant),
        order: Order::OldestFirst,
        limit: 1000,
        cursor: None,
        viewer: admin(),
        count: false,
    };
    session.query(&request).expect("query").events
}

/// A filter for every event of `tenant`.
pub fn filter(tenant: &str) -> Filter {
    Filter::whole_log(tenant)
}

/// A viewer with these roles.
pub fn viewer(id: &str, roles: &[&str]) -> Viewer {
    Viewer {
        actor: Actor {
            id: id.into(),
            name: None,
            email: None,
            kind: ActorKind::User,
        },
        roles: roles.iter().map(|r| r.to_string()).collect(),
        context: RequestContext {
            ip: None,
            user_agent: None,
            session_id: None,
            request_id: None,
        },
    }
}

/// The viewer most tests read as: `auditor` with the role `admin`.
pub fn admin() -> Viewer {
    viewer("auditor", &["admin"])
}

/// Rows as SQLite holds them, read without the component:
/// (seq, prev_hash, hash, body).
pub fn raw_rows(path: &Path, tenant: &str) -> Vec<(u64, String, String, String)> {
    let conn = rusqlite::Connection::open(path).expect("open");
    let mut stmt = conn
        .prepare(
            "SELECT seq, prev_hash, hash, body FROM audit_events WHERE tenant = ?1 ORDER BY seq",
        )
        .expect("prepare");
    stmt.query_map([tenant], |r| {
        Ok((r.get::<_, i64>(0)? as u64, r.get(1)?, r.get(2)?, r.get(3)?))
    })
    .expect("query")
    .collect::<Result<_, _>>()
    .expect("rows")
}

/// The audit-host binary, with the test run's compiled-code cache and no
/// inherited store or clock settings.
pub fn audit_host(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_audit-host"));
    cmd.current_dir(dir)
        .env("AUDIT_CACHE_DIR", cache_dir())
        .env_remove("AUDIT_STORE")
        .env_remove("AUDIT_CLOCK");
    cmd
}

/// The output of a command that must succeed.
pub fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("audit-host runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The exit code and stderr of a command that must fail.
pub fn run_err(cmd: &mut Command) -> (i32, String) {
    let out = cmd.output().expect("audit-host runs");
    assert!(
        !out.status.success(),
        "{cmd:?} unexpectedly succeeded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Writes `text` to a file in `dir` and returns its path.
pub fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    path
}

/// The misbehaving fixture component (`tests/fixture-component`), built by
/// host-runner's build script.
pub static FIXTURE: &[u8] = include_bytes!(env!("AUDIT_FIXTURE_WASM"));

/// Options with the test run's cache and the given limits.
pub fn options(memory_limit_mib: usize, deadline_ms: u64) -> Options {
    Options {
        cache_dir: Some(cache_dir()),
        memory_limit_bytes: memory_limit_mib * 1024 * 1024,
        call_deadline: std::time::Duration::from_millis(deadline_ms),
        ..Options::default()
    }
}

/// The fixture on this process's engine.
pub fn fixture(options: Options) -> Runtime {
    Runtime::with_component(FIXTURE, options).expect("the fixture loads")
}

/// SHA-256 in lowercase hex.
pub fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks a tenant's rows as SQLite holds them, without the component:
/// seq 1..=n without gaps, each prev_hash the previous hash, each hash the
/// SHA-256 of the stored body. Returns n.
pub fn verify_chain(path: &Path, tenant: &str) -> usize {
    let rows = raw_rows(path, tenant);
    let mut prev = "0".repeat(64);
    for (i, (seq, prev_hash, hash, body)) in rows.iter().enumerate() {
        assert_eq!(*seq, i as u64 + 1, "seq without gaps");
        assert_eq!(*prev_hash, prev, "seq {seq} links to its predecessor");
        assert_eq!(
            *hash,
            sha256_hex(body),
            "seq {seq}: hash = SHA-256 of the body"
        );
        prev = hash.clone();
    }
    let conn = rusqlite::Connection::open(path).expect("open");
    let head: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, hash FROM audit_heads WHERE tenant = ?1",
            [tenant],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok();
    match head {
        None => assert!(rows.is_empty(), "rows without a head"),
        Some((seq, hash)) => {
            assert_eq!(seq as usize, rows.len(), "the head is the last row");
            assert_eq!(hash, prev, "the head's hash is the last row's");
        }
    }
    rows.len()
}

/// Where the third-party suites are (`shared/conformance`, beside the
/// repository; read in place, never copied in): `$AUDIT_CONFORMANCE_DIR`,
/// else the nearest `shared/conformance` above the workspace (the checkout
/// sits beside `shared/`), else the machines' shared folder.
pub fn conformance_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("AUDIT_CONFORMANCE_DIR") {
        return PathBuf::from(dir);
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    workspace
        .ancestors()
        .map(|a| a.join("shared/conformance"))
        .chain([PathBuf::from("/work/shared/conformance")])
        .find(|d| d.is_dir())
        .unwrap_or_else(|| {
            panic!(
                "the conformance suites (shared/conformance) are not beside the checkout; set AUDIT_CONFORMANCE_DIR"
            )
        })
}
