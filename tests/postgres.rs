//! The PostgreSQL store through the real binary: every command on it as on
//! SQLite with the same bytes stored, many writers never forking a chain,
//! faults (kill -9, a server stopped mid-batch, refused connections,
//! timeouts, a standby), tampering, and the schema's versions.

use crate::harness::{audit_host, run_err, run_ok, write};
use crate::pg_harness::{TestDb, Throwaway};
use crate::serve_harness::{Server, bearer, client, event_json, make_key};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The fingerprint key every command of these tests uses (a PostgreSQL
/// store has no file beside it for one).
const KEY: &str = "7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a";

fn pg(dir: &Path, url: &str) -> Command {
    let mut cmd = audit_host(dir);
    cmd.env("AUDIT_KEY", KEY).arg("--store").arg(url);
    cmd
}

fn sqlite(dir: &Path, file: &Path) -> Command {
    let mut cmd = audit_host(dir);
    cmd.env("AUDIT_KEY", KEY).arg("--store").arg(file);
    cmd
}

/// [`KEY`] in a file of its owner's only, for `serve --key-file`.
fn key_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("fp.key");
    std::fs::write(&path, format!("{KEY}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path
}

/// The next append continues a chain of `n` events, and it verifies.
fn next_append_continues(dir: &tempfile::TempDir, url: &str, n: usize) {
    let one = write(dir, "one.jsonl", &lines("acme", 1, "next"));
    let out = run_ok(pg(dir.path(), url).arg("append").arg(&one));
    let stored: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(stored["seq"], n as u64 + 1);
    let report = run_ok(pg(dir.path(), url).args(["verify", "--tenant", "acme"]));
    assert!(report.contains("intact"), "{report}");
}

/// `n` events as JSON Lines, actors `u_0`.. of `tenant`.
fn lines(tenant: &str, n: usize, tag: &str) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{{\"tenant\":\"{tenant}\",\"action\":\"user.updated\",\"actor\":{{\"id\":\"{tag}_{i}\",\"kind\":\"user\"}},\"outcome\":\"success\",\"before\":{{\"n\":{i}}},\"after\":{{\"n\":{}}}}}\n",
                i + 1
            )
        })
        .collect()
}

/// Every stored column of every row, every head and every settings
/// document, one line each: the same SQL in both databases.
const DUMP: [&str; 3] = [
    "SELECT tenant || '|' || seq || '|' || id || '|' || occurred_at_us || '|' || prev_hash || '|' || hash || '|' || body FROM audit_events ORDER BY tenant, seq",
    "SELECT 'head ' || tenant || '|' || seq || '|' || hash FROM audit_heads ORDER BY tenant",
    "SELECT 'settings ' || tenant || '|' || settings FROM audit_settings ORDER BY tenant",
];

fn pg_dump(db: &TestDb) -> Vec<String> {
    let mut c = db.client();
    DUMP.iter()
        .flat_map(|sql| c.query(*sql, &[]).unwrap())
        .map(|r| r.get(0))
        .collect()
}

fn sqlite_dump(file: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open(file).unwrap();
    DUMP.iter()
        .flat_map(|sql| {
            c.prepare(sql)
                .unwrap()
                .query_map([], |r| r.get::<_, String>(0))
                .unwrap()
                .collect::<Result<Vec<_>, _>>()
                .unwrap()
        })
        .collect()
}

/// The same commands, in the same order, with the same clock, on one store.
fn scenario(store: &dyn Fn(&str) -> Command, dir: &tempfile::TempDir) {
    run_ok(store("2026-01-05T09:00:00Z").arg("demo"));
    run_ok(store("2026-01-05T12:00:00Z").args(["demo", "--profile", "contact-center"]));
    let file = write(dir, "more.jsonl", &lines("demo-qa", 30, "u"));
    run_ok(
        store("2026-01-06T09:00:00Z")
            .args(["append", "--batch-size", "7"])
            .arg(&file),
    );
    let settings = write(dir, "settings.json", r#"{"retention":{"days":30}}"#);
    run_ok(
        store("2026-01-06T10:00:00Z")
            .args(["settings", "set", "--tenant", "demo-qa"])
            .arg(&settings),
    );
    run_ok(store("2026-01-07T10:00:00Z").args(["query", "--tenant", "demo-qa"]));
    run_ok(store("2026-01-07T11:00:00Z").args(["export", "--tenant", "demo-qa"]));
    run_ok(store("2026-03-01T11:00:00Z").args(["verify", "--tenant", "demo-qa"]));
}

#[test]
fn the_same_commands_store_the_same_bytes_in_postgres_as_in_sqlite() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("audit.db");
    let url = db.url();
    scenario(
        &|clock| {
            let mut c = pg(dir.path(), &url);
            c.args(["--clock", clock]);
            c
        },
        &dir,
    );
    scenario(
        &|clock| {
            let mut c = sqlite(dir.path(), &file);
            c.args(["--clock", clock]);
            c
        },
        &dir,
    );
    let (p, s) = (pg_dump(&db), sqlite_dump(&file));
    assert!(p.len() > 60, "the scenario stored rows: {}", p.len());
    assert!(p.iter().any(|l| l.starts_with("settings ")), "settings");
    assert_eq!(p, s, "every row, head and settings document byte for byte");
    // And what the commands print is the same too.
    let show = |c: &mut Command| {
        run_ok(c.args([
            "--clock",
            "2026-03-02T00:00:00Z",
            "query",
            "--tenant",
            "demo-cc",
            "--limit",
            "100",
        ]))
    };
    assert_eq!(
        show(&mut pg(dir.path(), &url)),
        show(&mut sqlite(dir.path(), &file))
    );
}

#[test]
fn checkpoints_keys_and_exports_work_on_postgres() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let url = db.url();
    run_ok(pg(dir.path(), &url).arg("demo"));
    run_ok(audit_host(dir.path()).args([
        "keygen",
        "--private-key",
        "signing.pem",
        "--public-key",
        "signing.pub.pem",
    ]));
    run_ok(pg(dir.path(), &url).args([
        "checkpoint",
        "--tenant",
        "demo-qa",
        "--signing-key",
        "signing.pem",
        "--output",
        "cp.json",
        "--export",
        "proof.jsonl",
    ]));
    let verified = run_ok(pg(dir.path(), &url).args([
        "verify",
        "--tenant",
        "demo-qa",
        "--checkpoint",
        "cp.json",
        "--public-key",
        "signing.pub.pem",
    ]));
    assert!(verified.contains("intact"), "{verified}");
    let offline = run_ok(audit_host(dir.path()).args([
        "verify",
        "--export",
        "proof.jsonl",
        "--public-key",
        "signing.pub.pem",
    ]));
    assert!(offline.contains("intact"), "{offline}");
    // A purge of what the retention period no longer keeps (events of a
    // clock a year back), with its anchor, and the chain still intact.
    let old = write(&dir, "old.jsonl", &lines("old-co", 20, "u"));
    run_ok(
        pg(dir.path(), &url)
            .args(["--clock", "2025-06-01T00:00:00Z", "append"])
            .arg(&old),
    );
    let purged = run_ok(pg(dir.path(), &url).args(["purge", "--tenant", "old-co"]));
    assert!(purged.contains("20"), "{purged}");
    let report = run_ok(pg(dir.path(), &url).args(["verify", "--tenant", "old-co"]));
    assert!(report.contains("intact"), "{report}");
    // Service keys live in the database: made by one process, listed by another.
    let key = make_key(Path::new(&url), "demo-qa", "read");
    let listed = run_ok(pg(dir.path(), &url).args(["apikey", "list"]));
    assert!(listed.contains("demo-qa"), "{listed}");
    assert!(
        !listed.contains(&key),
        "the key itself is never shown again"
    );
    let json = run_ok(pg(dir.path(), &url).args(["apikey", "list", "--json"]));
    let first: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    let id = first["id"].as_str().unwrap();
    run_ok(pg(dir.path(), &url).args(["apikey", "revoke", id]));
    let again = run_ok(pg(dir.path(), &url).args(["apikey", "list", "--json"]));
    assert!(again.contains("\"revoked_at\":\"20"), "{again}");
    let (_, err) = run_err(pg(dir.path(), &url).args(["apikey", "revoke", id]));
    assert!(err.contains("revoked already"), "{err}");
}

#[test]
fn without_a_fingerprint_key_a_postgres_store_says_which_option_to_give() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let line = r#"{"tenant":"acme","action":"user.password_changed","actor":{"id":"u_1","kind":"user"},"outcome":"success","before":{"password":"a"},"after":{"password":"b"}}"#;
    let file = write(&dir, "one.json", line);
    let (_, err) = run_err(
        audit_host(dir.path())
            .env_remove("AUDIT_KEY")
            .arg("--store")
            .arg(db.url())
            .arg("append")
            .arg(&file),
    );
    assert!(err.contains("--key-file or AUDIT_KEY"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert_eq!(db.verify_chain("acme"), 0, "nothing stored");
}

/// Appends from 4 `audit-host append` processes and 8 HTTP clients of one
/// `serve`, 1,000 events each, all at once, to `tenants` tenants.
fn contention(tenants: usize) {
    let db = TestDb::new();
    let url = db.url();
    let dir = tempfile::tempdir().unwrap();
    let key_file = key_file(dir.path());
    let tenant = |i: usize| format!("t{}", i % tenants);
    // The schema exists before anything starts (the first start of several
    // processes at once is its own test).
    run_ok(pg(dir.path(), &url).args(["apikey", "list"]));
    let keys: Vec<String> = (0..tenants)
        .map(|t| make_key(Path::new(&url), &format!("t{t}"), "ingest"))
        .collect();
    let server = Server::start_on(
        tempfile::tempdir().unwrap(),
        url.clone().into(),
        &[
            "--workers",
            "8",
            "--worker-wait-ms",
            "60000",
            "--key-file",
            key_file.to_str().unwrap(),
        ],
    );
    let files: Vec<_> = (0..4)
        .map(|i| {
            write(
                &dir,
                &format!("p{i}.jsonl"),
                &lines(&tenant(i), 1000, &format!("p{i}")),
            )
        })
        .collect();
    let processes: Vec<_> = files
        .iter()
        .map(|f| {
            pg(dir.path(), &url)
                .args(["append", "--batch-size", "1"])
                .arg(f)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let clients: Vec<_> = (0..8)
        .map(|i| {
            let url = server.url(&format!("/v1/tenants/{}/events", tenant(i + 4)));
            let auth = bearer(&keys[(i + 4) % tenants]);
            std::thread::spawn(move || {
                let agent = client();
                for n in 0..1000 {
                    let reply = agent
                        .post(&url)
                        .header("Authorization", &auth)
                        .header("Content-Type", "application/json")
                        .send(event_json("user.updated", &format!("c{i}_{n}")))
                        .unwrap();
                    let status = reply.status();
                    assert_eq!(
                        status,
                        201,
                        "client {i}, event {n}: {}",
                        reply.into_body().read_to_string().unwrap_or_default()
                    );
                }
            })
        })
        .collect();
    for c in clients {
        c.join().expect("every HTTP append succeeded");
    }
    for p in processes {
        let out = p.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    drop(server);
    let mut total = 0;
    for t in 0..tenants {
        let tenant = format!("t{t}");
        let n = db.verify_chain(&tenant);
        assert_eq!(n, 12_000 / tenants, "{tenant}: every event stored once");
        total += n;
        let report = run_ok(pg(dir.path(), &url).args(["verify", "--tenant", &tenant]));
        assert!(report.contains("intact"), "{report}");
    }
    assert_eq!(total, 12_000);
}

#[test]
fn four_processes_and_eight_http_clients_on_one_tenant_never_fork_its_chain() {
    contention(1);
}

#[test]
fn four_tenants_written_at_once_each_keep_an_intact_chain() {
    contention(4);
}

#[test]
fn kill_9_of_appending_processes_leaves_whole_batches_and_an_intact_chain() {
    let db = TestDb::new();
    let url = db.url();
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "big.jsonl", &lines("acme", 20_000, "u"));
    run_ok(pg(dir.path(), &url).args(["apikey", "list"]));
    let mut children: Vec<_> = (0..3)
        .map(|_| {
            pg(dir.path(), &url)
                .args(["append", "--batch-size", "250"])
                .arg(&file)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut client = db.client();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let n: i64 = client
            .query_one("SELECT count(*) FROM audit_events", &[])
            .unwrap()
            .get(0);
        if n >= 2_000 {
            break;
        }
        assert!(Instant::now() < deadline, "appends are stored");
        std::thread::sleep(Duration::from_millis(20));
    }
    for c in &mut children {
        c.kill().unwrap();
        c.wait().unwrap();
    }
    let n = db.verify_chain("acme");
    assert!(n >= 2_000 && n < 60_000, "{n}");
    assert_eq!(n % 250, 0, "whole batches or nothing: {n}");
    // The next append continues the chain.
    next_append_continues(&dir, &url, n);
}

#[test]
fn a_server_stopped_mid_batch_loses_nothing_acknowledged_and_keeps_the_chain() {
    let server = Throwaway::start();
    let db = TestDb::on(&server.base());
    let url = db.url();
    let dir = tempfile::tempdir().unwrap();
    // Acknowledged appends survive an immediate stop (no checkpoint, as a
    // power cut would leave the server).
    let first = write(&dir, "first.jsonl", &lines("acme", 100, "a"));
    run_ok(
        pg(dir.path(), &url)
            .args(["append", "--batch-size", "10"])
            .arg(&first),
    );
    server.stop_immediate();
    server.pg_ctl_start();
    assert_eq!(db.verify_chain("acme"), 100, "every acknowledged event");

    // A stop while a process appends batch after batch.
    let big = write(&dir, "big.jsonl", &lines("acme", 40_000, "b"));
    let mut child = pg(dir.path(), &url)
        .args(["append", "--batch-size", "200"])
        .arg(&big)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read what it prints as it goes (a full pipe would stop it).
    let mut stdout = child.stdout.take().unwrap();
    let printed = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).map(|_| text)
    });
    let mut client = db.client();
    let deadline = Instant::now() + Duration::from_secs(60);
    while client
        .query_one("SELECT count(*) FROM audit_events", &[])
        .map(|r| r.get::<_, i64>(0))
        .unwrap_or(0)
        < 1_100
    {
        assert!(Instant::now() < deadline, "the process appends");
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(client);
    server.stop_immediate();
    let out = child.wait_with_output().unwrap();
    let stdout = printed.join().unwrap().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "the append fails when its server goes"
    );
    assert!(
        stderr.contains("connection") || stderr.contains("server"),
        "the error says what happened: {stderr}"
    );
    // What the process printed as stored is what it was told was committed.
    let acknowledged = stdout.lines().count();
    server.pg_ctl_start();
    let n = db.verify_chain("acme");
    assert!(
        n >= 100 + acknowledged,
        "nothing acknowledged lost: {n} < 100 + {acknowledged}"
    );
    assert_eq!((n - 100) % 200, 0, "whole batches or nothing: {n}");
    // The next append reconnects and continues.
    next_append_continues(&dir, &url, n);
}

#[test]
fn a_serve_worker_reconnects_after_the_server_restarts() {
    let server = Throwaway::start();
    let db = TestDb::on(&server.base());
    let url = db.url();
    let dir = tempfile::tempdir().unwrap();
    let key_file = key_file(dir.path());
    run_ok(pg(dir.path(), &url).args(["apikey", "list"]));
    let key = bearer(&make_key(Path::new(&url), "acme", "ingest"));
    let service = Server::start_on(
        tempfile::tempdir().unwrap(),
        url.clone().into(),
        &["--workers", "1", "--key-file", key_file.to_str().unwrap()],
    );
    let events = service.url("/v1/tenants/acme/events");
    let post = || {
        crate::serve_harness::post(
            &events,
            &[("Authorization", &key)],
            &event_json("user.updated", "u_1"),
        )
    };
    assert_eq!(post().status, 201);
    server.stop_immediate();
    server.pg_ctl_start();
    // The worker's connection died with the server: the call finds it
    // broken and opens a new one (at most one call fails, with the
    // service's error object, never a dropped connection).
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(post().status);
    }
    assert_eq!(statuses.last(), Some(&201), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 201 || *s >= 500),
        "{statuses:?}"
    );
    assert_eq!(
        db.verify_chain("acme"),
        1 + statuses.iter().filter(|s| **s == 201).count()
    );
}

#[test]
fn a_server_that_refuses_connections_is_reported_within_the_busy_timeout() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "one.jsonl", &lines("acme", 1, "u"));
    let started = Instant::now();
    let (_, err) = run_err(
        pg(
            dir.path(),
            &format!("postgres://postgres@127.0.0.1:{port}/audit"),
        )
        .args(["--busy-timeout-ms", "700", "append"])
        .arg(&file),
    );
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert!(
        err.contains("no connection to the server within 700 ms"),
        "{err}"
    );
    assert!(err.to_lowercase().contains("refused"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn a_writer_waiting_on_another_tenants_lock_never_waits_and_a_held_head_times_out() {
    let db = TestDb::new();
    let url = db.url();
    let dir = tempfile::tempdir().unwrap();
    let acme = write(&dir, "acme.jsonl", &lines("acme", 1, "a"));
    let globex = write(&dir, "globex.jsonl", &lines("globex", 1, "g"));
    run_ok(pg(dir.path(), &url).arg("append").arg(&acme));
    // Someone holds acme's head row.
    let mut holder = db.client();
    let mut tx = holder.transaction().unwrap();
    tx.query(
        "SELECT * FROM audit_heads WHERE tenant = 'acme' FOR UPDATE",
        &[],
    )
    .unwrap();
    // globex does not wait for it.
    let started = Instant::now();
    run_ok(
        pg(dir.path(), &url)
            .args(["--busy-timeout-ms", "20000", "append"])
            .arg(&globex),
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    // acme waits up to the busy timeout, then fails with busy.
    let started = Instant::now();
    let (_, err) = run_err(
        pg(dir.path(), &url)
            .args(["--busy-timeout-ms", "300", "append"])
            .arg(&acme),
    );
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(
        err.contains("held the tenant's head for over 300 ms"),
        "{err}"
    );
    // A statement_timeout set in the URL is reported as such.
    let timed = format!("{url}?options=-c%20statement_timeout%3D200");
    let (_, err) = run_err(
        pg(dir.path(), &timed)
            .args(["--busy-timeout-ms", "20000", "append"])
            .arg(&acme),
    );
    assert!(err.contains("statement_timeout"), "{err}");
    tx.rollback().unwrap();
    run_ok(pg(dir.path(), &url).arg("append").arg(&acme));
    assert_eq!(db.verify_chain("acme"), 2);
    assert_eq!(db.verify_chain("globex"), 1);
}

#[test]
fn a_standby_given_by_mistake_refuses_writes_clearly_and_serves_reads() {
    let primary = Throwaway::start();
    let db = TestDb::on(&primary.base());
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "few.jsonl", &lines("acme", 5, "u"));
    run_ok(pg(dir.path(), &db.url()).arg("append").arg(&file));
    let standby = Throwaway::standby_of(&primary);
    let url = format!("{}/{}", standby.base(), db.name());
    let (_, err) = run_err(pg(dir.path(), &url).arg("append").arg(&file));
    assert!(err.contains("read-only standby"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let report = run_ok(pg(dir.path(), &url).args(["verify", "--tenant", "acme"]));
    assert!(report.contains("intact: 5 events"), "{report}");
    assert_eq!(
        db.verify_chain("acme"),
        5,
        "nothing written through the standby"
    );
}

#[test]
fn the_schema_is_made_once_by_many_first_starts_and_a_newer_one_is_refused() {
    let db = TestDb::new();
    let url = db.url();
    let dir = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..6)
        .map(|i| {
            let file = write(
                &dir,
                &format!("f{i}.jsonl"),
                &lines("acme", 3, &format!("p{i}")),
            );
            pg(dir.path(), &url)
                .arg("append")
                .arg(file)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(db.verify_chain("acme"), 18);
    let mut client = db.client();
    let versions: i64 = client
        .query_one("SELECT count(*) FROM audit_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(versions, 1);
    client
        .execute("UPDATE audit_schema SET version = 99", &[])
        .unwrap();
    let (_, err) = run_err(pg(dir.path(), &url).args(["query", "--tenant", "acme"]));
    assert!(
        err.contains("schema version 99, newer than this program's"),
        "{err}"
    );
    // A command that only reads never creates a schema.
    let empty = TestDb::new();
    let (_, err) = run_err(pg(dir.path(), &empty.url()).args(["verify", "--tenant", "acme"]));
    assert!(err.contains("no audit schema"), "{err}");
}

#[test]
fn tls_is_used_when_the_url_asks_and_the_certificate_is_verified() {
    // A server that takes nothing but TLS for the test's database, with a
    // certificate of a CA made here.
    let server = Throwaway::start_with_tls();
    let db = TestDb::on(&server.base());
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "one.jsonl", &lines("acme", 1, "u"));
    let at = format!(
        "postgres://postgres@localhost:{}/{}",
        server.port(),
        db.name()
    );
    let tls = format!(
        "{at}?sslmode=require&sslrootcert={}",
        server.ca_file().display()
    );
    run_ok(pg(dir.path(), &tls).arg("append").arg(&file));
    let report = run_ok(pg(dir.path(), &tls).args(["verify", "--tenant", "acme"]));
    assert!(report.contains("intact: 1 event"), "{report}");
    // Without sslmode the connection is plain, and this server refuses it.
    let (_, err) = run_err(
        pg(dir.path(), &at)
            .args(["--busy-timeout-ms", "2000", "append"])
            .arg(&file),
    );
    assert!(err.contains("no encryption"), "{err}");
    // Without the CA, the server's certificate is not trusted.
    let untrusted = format!("{at}?sslmode=require");
    let (_, err) = run_err(
        pg(dir.path(), &untrusted)
            .args(["--busy-timeout-ms", "2000", "append"])
            .arg(&file),
    );
    assert!(err.to_lowercase().contains("certificate"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn tampering_is_found_in_postgres_exactly_as_in_sqlite() {
    let db = TestDb::new();
    let url = db.url();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("audit.db");
    run_ok(pg(dir.path(), &url).args(["--clock", "2026-02-01T09:00:00Z", "demo"]));
    run_ok(sqlite(dir.path(), &file).args(["--clock", "2026-02-01T09:00:00Z", "demo"]));
    let verdict = |c: &mut Command| {
        let out = c.args(["verify", "--tenant", "demo-qa"]).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let edits: &[(&str, &str)] = &[
        (
            "an edited body",
            "UPDATE audit_events SET body = replace(body, 'Ana Admin', 'Ana Admim') WHERE tenant = 'demo-qa' AND seq = 12",
        ),
        (
            "a deleted row",
            "DELETE FROM audit_events WHERE tenant = 'demo-qa' AND seq = 20",
        ),
        (
            "two swapped seqs",
            "UPDATE audit_events SET seq = 1000000 WHERE tenant = 'demo-qa' AND seq = 5;
             UPDATE audit_events SET seq = 5 WHERE tenant = 'demo-qa' AND seq = 8;
             UPDATE audit_events SET seq = 8 WHERE tenant = 'demo-qa' AND seq = 1000000;",
        ),
    ];
    let sqlite_conn = rusqlite::Connection::open(&file).unwrap();
    let mut pg_client = db.client();
    for (what, sql) in edits {
        pg_client.batch_execute(sql).unwrap();
        sqlite_conn.execute_batch(sql).unwrap();
        let on_pg = verdict(&mut pg(dir.path(), &url));
        let on_sqlite = verdict(&mut sqlite(dir.path(), &file));
        assert_eq!(on_pg.0, Some(3), "{what}: tampering found: {}", on_pg.1);
        assert_eq!(on_pg, on_sqlite, "{what}: the same verdicts");
    }
}

#[test]
fn a_role_with_the_readmes_privileges_can_do_everything_and_one_without_is_told() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    // The owner makes the schema once.
    run_ok(pg(dir.path(), &db.url()).args(["apikey", "list"]));
    let role = format!("audit_app_{}", std::process::id());
    let mut owner = db.client();
    owner
        .batch_execute(&format!(
            "DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN;
             GRANT SELECT, INSERT, DELETE ON audit_events TO {role};
             GRANT SELECT, INSERT, UPDATE ON audit_heads, audit_settings, service_keys TO {role};
             GRANT SELECT ON audit_schema TO {role};"
        ))
        .unwrap();
    let url = db.url().replacen("postgres@", &format!("{role}@"), 1);
    let file = write(&dir, "few.jsonl", &lines("acme", 3, "u"));
    run_ok(pg(dir.path(), &url).arg("append").arg(&file));
    let settings = write(&dir, "s.json", r#"{"retention":{"days":30}}"#);
    run_ok(
        pg(dir.path(), &url)
            .args(["settings", "set", "--tenant", "acme"])
            .arg(&settings),
    );
    run_ok(pg(dir.path(), &url).args(["query", "--tenant", "acme"]));
    run_ok(pg(dir.path(), &url).args(["apikey", "create", "--tenant", "acme", "--scope", "read"]));
    let report = run_ok(pg(dir.path(), &url).args(["verify", "--tenant", "acme"]));
    assert!(report.contains("intact"), "{report}");
    owner
        .batch_execute(&format!("REVOKE INSERT ON audit_events FROM {role}"))
        .unwrap();
    let (_, err) = run_err(pg(dir.path(), &url).arg("append").arg(&file));
    assert!(err.contains("the role may not do this"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    drop(owner);
    // Roles belong to the server: gone with the test's database's grants.
    drop(db);
    let _ = TestDb::new()
        .client()
        .batch_execute(&format!("DROP ROLE IF EXISTS {role}"));
}
