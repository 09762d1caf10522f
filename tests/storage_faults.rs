//! The SQLite store under faults, through the real binary where the fault
//! is the process's own: killed with SIGKILL in the middle of a large
//! batch, a database locked by another connection, a read-only store, a
//! disk that fills up mid-batch. Afterwards the rows are checked directly
//! in SQLite (seq without gaps, every hash the SHA-256 of its body, the
//! chain and the head intact) and the store takes the next append.

use crate::harness::*;
use audit_host::bindings::Error;
use audit_host::{HostError, SqliteStore};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// `n` events of tenant `acme` as JSON Lines, each with a 1.5 KB state
/// before and after (about 3 KB stored per event).
fn big_batch(n: usize) -> String {
    let state = |i: usize, role: &str| {
        serde_json::json!({
            "first_name": "John", "last_name": format!("Smith-{i}"), "role": role,
            "notes": "Long free-text note about the agent's onboarding and coaching plan. ".repeat(20),
        })
    };
    (0..n)
        .map(|i| {
            let line = serde_json::json!({
                "tenant": "acme", "action": "user.updated",
                "actor": {"id": format!("u_{}", i % 97), "kind": "user"},
                "targets": [{"kind": "user", "id": format!("u_{i}")}],
                "outcome": "success",
                "before": state(i, "agent"), "after": state(i, "supervisor"),
            });
            format!("{line}\n")
        })
        .collect()
}

/// A store with `n` acknowledged events of `acme`, written by the library.
fn seeded(path: &Path, n: usize) {
    let mut s = session(path);
    let inputs: Vec<_> = (0..n).map(|_| event("acme", "user.updated")).collect();
    s.append_batch(&inputs).expect("seed");
}

fn wal_size(path: &Path) -> u64 {
    let wal = path.with_extension("db-wal");
    std::fs::metadata(wal).map_or(0, |m| m.len())
}

#[test]
fn kill_9_in_the_middle_of_a_large_batch_leaves_the_store_consistent() {
    const SEEDED: usize = 50;
    const BATCH: usize = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let batch = write(&dir, "batch.jsonl", &big_batch(BATCH));
    let mut killed_mid_write = 0;
    // Each round kills later into the write: once the transaction has spilled
    // 1, 4 and 8 MiB of the batch into the WAL.
    for (round, spilled_mib) in [1u64, 4, 8].into_iter().enumerate() {
        let path = dir.path().join(format!("round-{round}.db"));
        seeded(&path, SEEDED);
        let before = wal_size(&path);
        let mut child = audit_host(dir.path())
            .args(["--store", path.to_str().unwrap(), "append"])
            .arg(&batch)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("audit-host starts");
        let start = Instant::now();
        let mut exited = None;
        while exited.is_none() && wal_size(&path) < before + spilled_mib * 1024 * 1024 {
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "the append never wrote"
            );
            exited = child.try_wait().expect("wait");
            std::thread::sleep(Duration::from_millis(1));
        }
        if exited.is_none() {
            child.kill().expect("SIGKILL"); // kill(2) with SIGKILL on Unix
        }
        let output = child.wait_with_output().expect("reaped");
        let acknowledged = String::from_utf8_lossy(&output.stdout).lines().count();

        let stored = verify_chain(&path, "acme");
        assert!(
            stored == SEEDED || stored == SEEDED + BATCH,
            "round {round}: {stored} rows: the batch is whole or absent"
        );
        assert!(
            acknowledged == 0 || stored == SEEDED + BATCH,
            "round {round}: acknowledged events are stored"
        );
        if exited.is_none() && stored == SEEDED {
            killed_mid_write += 1;
        }
        // The store takes the next append, continuing the chain.
        let mut s = session(&path);
        let next = s.append(&event("acme", "user.updated")).expect("append");
        assert_eq!(next.seq as usize, stored + 1);
        drop(s);
        verify_chain(&path, "acme");
    }
    assert!(
        killed_mid_write > 0,
        "no round killed the process while its transaction was being written"
    );
}

#[test]
fn a_locked_store_is_retried_until_the_busy_timeout_then_reported() {
    let (_dir, path) = temp_store();
    seeded(&path, 1);
    let locker = rusqlite::Connection::open(&path).expect("open");
    locker.execute_batch("BEGIN IMMEDIATE").expect("lock");

    let timeout = Duration::from_millis(300);
    let store = SqliteStore::open_with_busy_timeout(&path, timeout).expect("opens while locked");
    let mut s = runtime().session(Box::new(store), clock());
    let start = Instant::now();
    let err = s.append(&event("acme", "user.updated")).expect_err("busy");
    let waited = start.elapsed();
    match &err {
        HostError::Audit(Error::Store(m)) => assert_eq!(
            m, "busy: another connection held the store for over 300 ms",
            "{err}"
        ),
        other => panic!("{other:?}"),
    }
    assert!(
        waited >= timeout,
        "retried for the whole timeout: {waited:?}"
    );
    assert!(waited < timeout + Duration::from_secs(5), "{waited:?}");

    // Released while a writer waits: the retry gets in.
    let store = SqliteStore::open_with_busy_timeout(&path, Duration::from_secs(20)).expect("open");
    let mut s = runtime().session(Box::new(store), clock());
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        locker.execute_batch("ROLLBACK").expect("unlock");
    });
    let start = Instant::now();
    assert_eq!(
        s.append(&event("acme", "user.updated"))
            .expect("append")
            .seq,
        2
    );
    assert!(
        start.elapsed() >= Duration::from_millis(250),
        "it waited for the lock"
    );
    release.join().expect("releaser");
    drop(s);
    assert_eq!(verify_chain(&path, "acme"), 2);
}

#[test]
fn the_cli_reports_a_busy_store_in_one_line() {
    let (dir, path) = temp_store();
    seeded(&path, 1);
    let locker = rusqlite::Connection::open(&path).expect("open");
    locker.execute_batch("BEGIN IMMEDIATE").expect("lock");
    let line = r#"{"tenant":"acme","action":"user.updated","actor":{"id":"u","kind":"user"},"outcome":"success"}"#;
    let (code, stderr) = run_err(
        audit_host(dir.path())
            .args([
                "--store",
                path.to_str().unwrap(),
                "--busy-timeout-ms",
                "200",
                "append",
            ])
            .arg(write(&dir, "one.json", line)),
    );
    assert_eq!(code, 1);
    assert_eq!(
        stderr.trim(),
        "error: store: busy: another connection held the store for over 200 ms"
    );
    drop(locker);
    assert_eq!(verify_chain(&path, "acme"), 1);
}

/// Runs as the unprivileged user `nobody` when this process may write
/// files whatever their permissions (root), so that a read-only file is
/// read-only for the program under test too.
fn unprivileged(cmd: std::process::Command, probe: &Path) -> std::process::Command {
    let privileged = std::fs::OpenOptions::new().append(true).open(probe).is_ok();
    if !privileged {
        return cmd;
    }
    let mut wrapped = std::process::Command::new("setpriv");
    wrapped
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .envs(cmd.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))));
    for (k, v) in cmd.get_envs() {
        if v.is_none() {
            wrapped.env_remove(k);
        }
    }
    if let Some(dir) = cmd.get_current_dir() {
        wrapped.current_dir(dir);
    }
    wrapped
}

#[test]
fn a_read_only_store_refuses_appends_and_unrecordable_reads_cleanly() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, path) = temp_store();
    seeded(&path, 3);
    let file = |mode| std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode));
    file(0o444).unwrap();
    // The directory stays writable (SQLite keeps its shared-memory index
    // beside the file), and reachable by an unprivileged user.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let store = path.to_str().unwrap();
    let line = r#"{"tenant":"acme","action":"user.updated","actor":{"id":"u","kind":"user"},"outcome":"success"}"#;
    let input = write(&dir, "one.json", line);
    let mut append = audit_host(dir.path());
    append
        .args(["--store", store, "--no-cache", "append"])
        .arg(&input);
    let (code, stderr) = run_err(&mut unprivileged(append, &path));
    assert_eq!(code, 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: store: attempt to write a readonly database"),
        "{stderr}"
    );
    let mut query = audit_host(dir.path());
    query.args([
        "--store",
        store,
        "--no-cache",
        "query",
        "--tenant",
        "acme",
        "--format",
        "jsonl",
    ]);
    // Every read is recorded in the log (audit_log.viewed) before it is
    // returned; a store that cannot record it refuses the read, cleanly.
    let (code, stderr) = run_err(&mut unprivileged(query, &path));
    assert_eq!(code, 1);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: store: attempt to write a readonly database"),
        "{stderr}"
    );
    file(0o644).unwrap();
    assert_eq!(verify_chain(&path, "acme"), 3, "nothing was written");
}

#[test]
fn a_disk_that_fills_up_mid_batch_fails_cleanly() {
    // The disk "fills" at a file-size limit (RLIMIT_FSIZE, set by the shell's
    // `ulimit -f` for the child alone, with SIGXFSZ ignored so that the write
    // fails instead of killing the process): SQLite's write(2) of the WAL
    // comes back short or with EFBIG in the middle of the transaction, as
    // with ENOSPC on a full disk.
    const SEEDED: usize = 20;
    let (dir, path) = temp_store();
    seeded(&path, SEEDED);
    let batch = write(&dir, "batch.jsonl", &big_batch(3_000));
    let mut cmd = std::process::Command::new("sh");
    cmd.current_dir(dir.path())
        .env("AUDIT_CACHE_DIR", cache_dir())
        .arg("-c")
        // 4096 blocks: 2 MiB (dash, 512-byte blocks) or 4 MiB (bash): above
        // the seeded store, far below the 9 MB the batch needs.
        .arg(r#"trap '' XFSZ; ulimit -f 4096 && exec "$@""#)
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_audit-host"))
        .args(["--store", path.to_str().unwrap(), "append"])
        .arg(&batch);
    let (code, stderr) = run_err(&mut cmd);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: store: "), "{stderr}");
    assert!(
        stderr.contains("full") || stderr.contains("I/O error"),
        "{stderr}"
    );
    assert_eq!(verify_chain(&path, "acme"), SEEDED, "nothing of the batch");
    let mut s = session(&path);
    assert_eq!(
        s.append(&event("acme", "user.updated"))
            .expect("append")
            .seq as usize,
        SEEDED + 1
    );
}

#[test]
fn commands_that_only_read_never_create_a_store() {
    let dir = tempfile::tempdir().unwrap();
    run_ok(audit_host(dir.path()).args([
        "keygen",
        "--private-key",
        "k.key",
        "--public-key",
        "k.pub",
    ]));
    for args in [
        vec!["verify", "--tenant", "acme"],
        vec!["checkpoint", "--tenant", "acme", "--signing-key", "k.key"],
    ] {
        let (code, stderr) = run_err(
            audit_host(dir.path())
                .args(["--store", "typo.db"])
                .args(&args),
        );
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains("typo.db: no such store"),
            "{args:?}: {stderr}"
        );
        assert!(
            !dir.path().join("typo.db").exists(),
            "{args:?} created a store"
        );
    }
    // What a tenant's settings and catalog are before anything was stored:
    // the defaults, shown without making a store.
    for args in [
        vec!["settings", "show", "--tenant", "acme"],
        vec!["actions", "--tenant", "acme"],
    ] {
        run_ok(
            audit_host(dir.path())
                .args(["--store", "typo.db"])
                .args(&args),
        );
        assert!(
            !dir.path().join("typo.db").exists(),
            "{args:?} created a store"
        );
    }
}

#[test]
fn an_unknown_tenant_is_not_an_intact_log() {
    let (dir, path) = temp_store();
    seeded(&path, 2);
    let store = path.to_str().unwrap();
    let out = audit_host(dir.path())
        .args(["--store", store, "verify", "--tenant", "typo"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("tenant typo: no such tenant"), "{stdout}");
    assert!(!stdout.contains("intact"), "{stdout}");
    run_ok(audit_host(dir.path()).args([
        "keygen",
        "--private-key",
        "k.key",
        "--public-key",
        "k.pub",
    ]));
    let (code, stderr) = run_err(audit_host(dir.path()).args([
        "--store",
        store,
        "checkpoint",
        "--tenant",
        "typo",
        "--signing-key",
        "k.key",
    ]));
    assert_eq!(code, 4, "{stderr}");
    let out = run_ok(audit_host(dir.path()).args(["--store", store, "verify", "--tenant", "acme"]));
    assert!(out.contains("intact: 2 events"), "{out}");
}

#[test]
fn a_read_only_copy_of_a_store_can_be_verified() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, path) = temp_store();
    seeded(&path, 3);
    // The copy: a file and a folder nobody may write (an archive, a mount).
    let archive = dir.path().join("archive");
    std::fs::create_dir(&archive).unwrap();
    let copy = archive.join("audit.db");
    std::fs::copy(&path, &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(&archive, std::fs::Permissions::from_mode(0o555)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut verify = audit_host(dir.path());
    verify.args([
        "--store",
        copy.to_str().unwrap(),
        "--no-cache",
        "verify",
        "--tenant",
        "acme",
    ]);
    let out = unprivileged(verify, &copy).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("intact: 3 events"), "{stdout}");
    let names: Vec<String> = std::fs::read_dir(&archive)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["audit.db"], "nothing was written beside the copy");
    std::fs::set_permissions(&archive, std::fs::Permissions::from_mode(0o755)).unwrap();
}
