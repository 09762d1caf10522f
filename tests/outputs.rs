//! Every option that writes a file, aimed at every file the tool owns or
//! reads: the store, its `-wal` and `-shm`, its key file, a signing key, an
//! input, the same file under another spelling or through a symbolic link;
//! and at things that are not regular files (a FIFO, `/dev/null`, a
//! directory). None is replaced; an existing file needs `--force`; an
//! interrupted export leaves no file behind.

use crate::harness::*;
use std::path::{Path, PathBuf};

const EVENT: &str = r#"{"tenant":"acme","action":"user.updated","actor":{"id":"u","kind":"user"},"outcome":"success"}"#;

/// A store with events (so that its -wal and -shm exist), its key file and
/// a signing key pair, in a fresh directory.
fn setup() -> (tempfile::TempDir, PathBuf) {
    let (dir, store) = temp_store();
    let s = store.to_str().unwrap();
    run_ok(
        audit_host(dir.path())
            .args(["--store", s, "append"])
            .arg(write(&dir, "e.json", EVENT)),
    );
    run_ok(audit_host(dir.path()).args([
        "keygen",
        "--private-key",
        "signing.key",
        "--public-key",
        "signing.pub",
    ]));
    (dir, store)
}

/// Every (file, bytes) of the directory, to compare before and after.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        // SQLite makes and removes these as connections come and go; an
        // output at their path is refused by its name when they are absent.
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            !name.ends_with("-wal") && !name.ends_with("-shm")
        })
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Every command line that writes `target`, with the store at `store`.
fn writers(store: &str, target: &str) -> Vec<Vec<String>> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        s(&[
            "--store", store, "export", "--tenant", "acme", "--output", target,
        ]),
        s(&[
            "--store", store, "export", "--tenant", "acme", "--output", target, "--force",
        ]),
        s(&[
            "--store",
            store,
            "checkpoint",
            "--tenant",
            "acme",
            "--signing-key",
            "signing.key",
            "--output",
            target,
            "--force",
        ]),
        s(&[
            "--store",
            store,
            "checkpoint",
            "--tenant",
            "acme",
            "--signing-key",
            "signing.key",
            "--output",
            "cp.json",
            "--export",
            target,
            "--force",
        ]),
        s(&[
            "--store",
            store,
            "keygen",
            "--private-key",
            target,
            "--public-key",
            "other.pub",
        ]),
        s(&[
            "--store",
            store,
            "keygen",
            "--private-key",
            "other.key",
            "--public-key",
            target,
        ]),
    ]
}

#[test]
fn no_output_replaces_a_file_the_store_owns_or_a_key() {
    let (dir, store) = setup();
    let s = store.to_str().unwrap();
    std::os::unix::fs::symlink(&store, dir.path().join("link.db")).unwrap();
    let spelled = format!("{}/./audit.db", dir.path().display());
    for target in [
        "audit.db",
        "audit.db-wal",
        "audit.db-shm",
        "audit.db.key",
        "signing.key",
        "link.db",
        spelled.as_str(),
    ] {
        for args in writers(s, target) {
            let before = snapshot(dir.path());
            let (code, stderr) = run_err(audit_host(dir.path()).args(&args));
            assert_eq!(code, 1, "{args:?}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(
                stderr.contains("an output never replaces it")
                    || stderr.contains("must not exist yet"),
                "{args:?}: {stderr}"
            );
            // The key pair's other half may not appear either.
            assert!(
                !dir.path().join("other.pub").exists() && !dir.path().join("other.key").exists()
            );
            let after = snapshot(dir.path());
            let names = |s: &[(String, Vec<u8>)]| s.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
            assert_eq!(
                names(&before),
                names(&after),
                "{args:?} left or took a file"
            );
            let changed: Vec<&String> = before
                .iter()
                .zip(&after)
                .filter(|(a, b)| a != b)
                .map(|(a, _)| &a.0)
                .collect();
            assert!(
                changed
                    .iter()
                    .all(|name| name.ends_with("-wal") || name.ends_with("-shm")),
                "{args:?} changed {changed:?}"
            );
        }
    }
    // The store is whole: every row verifies.
    assert_eq!(verify_chain(&store, "acme"), 1);
    let out = run_ok(audit_host(dir.path()).args(["--store", s, "verify", "--tenant", "acme"]));
    assert!(out.contains("intact: 1 event"), "{out}");
}

#[test]
fn an_existing_file_is_replaced_only_with_force_and_only_once_complete() {
    let (dir, store) = setup();
    let s = store.to_str().unwrap();
    let out = write(&dir, "out.csv", "keep me\n");
    let (code, stderr) = run_err(audit_host(dir.path()).args([
        "--store", s, "export", "--tenant", "acme", "--output", "out.csv",
    ]));
    assert_eq!(code, 1);
    assert!(stderr.contains("exists; give --force"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me\n");
    run_ok(audit_host(dir.path()).args([
        "--store", s, "export", "--tenant", "acme", "--output", "out.csv", "--force",
    ]));
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .starts_with("\"timestamp\"")
    );
    // A symbolic link to a file: the file it leads to is replaced, the
    // link stays.
    std::os::unix::fs::symlink("out.csv", dir.path().join("latest.csv")).unwrap();
    run_ok(audit_host(dir.path()).args([
        "--store",
        s,
        "export",
        "--tenant",
        "acme",
        "--format",
        "jsonl",
        "--output",
        "latest.csv",
        "--force",
    ]));
    assert!(
        std::fs::symlink_metadata(dir.path().join("latest.csv"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(std::fs::read_to_string(&out).unwrap().starts_with('{'));
    // New files get the usual mode, not the temporary file's 0600.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_ne!(
        mode & 0o044,
        0,
        "readable by others as any new file: {mode:o}"
    );
    let key = std::fs::metadata(dir.path().join("signing.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(key & 0o777, 0o600);
}

#[test]
fn a_replaced_file_keeps_its_mode_and_a_private_key_is_never_readable_by_others() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, store) = setup();
    let s = store.to_str().unwrap();
    let out = write(&dir, "private.csv", "old\n");
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o600)).unwrap();
    run_ok(audit_host(dir.path()).args([
        "--store",
        s,
        "export",
        "--tenant",
        "acme",
        "--output",
        "private.csv",
        "--force",
    ]));
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "a 0600 export replaced stays 0600: {mode:o}");
    // The private key's temporary file is 0600 from its creation: watch the
    // directory while keygen runs and check every file that appears.
    let keys = tempfile::tempdir().unwrap();
    let watch = keys.path().to_path_buf();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut modes = Vec::new();
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                for entry in std::fs::read_dir(&watch).unwrap().flatten() {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if name.contains("priv")
                        && let Ok(m) = entry.metadata()
                    {
                        modes.push((name, m.permissions().mode() & 0o777));
                    }
                }
            }
            modes
        })
    };
    for _ in 0..20 {
        let n = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        run_ok(audit_host(keys.path()).args([
            "keygen",
            "--private-key",
            &format!("k{n}.priv"),
            "--public-key",
            &format!("k{n}.pub"),
        ]));
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let modes = seen.join().unwrap();
    assert!(!modes.is_empty());
    for (name, mode) in modes {
        assert_eq!(mode, 0o600, "{name} was {mode:o}");
    }
}

#[test]
fn standard_output_named_as_a_path_is_written_through_the_same_open_file() {
    let (dir, store) = setup();
    let s = store.to_str().unwrap();
    // Into a pipe: /dev/stdout leads to pipe:[N], which no path names.
    let out = audit_host(dir.path())
        .args([
            "--store",
            s,
            "export",
            "--tenant",
            "acme",
            "--format",
            "jsonl",
            "--output",
            "/dev/stdout",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with('{'));
    // Into a file opened for appending (`>> log.jsonl`): appended, even with
    // --force, never replaced.
    let log = write(&dir, "log.jsonl", "earlier line\n");
    let append = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    let out = audit_host(dir.path())
        .args([
            "--store",
            s,
            "export",
            "--tenant",
            "acme",
            "--format",
            "jsonl",
            "--force",
            "--output",
            "/dev/stdout",
        ])
        .stdout(append)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.starts_with("earlier line\n{"), "{text}");
}

#[test]
fn a_fifo_or_a_device_is_written_as_such_and_a_directory_refused() {
    let (dir, store) = setup();
    let s = store.to_str().unwrap();
    run_ok(audit_host(dir.path()).args([
        "--store",
        s,
        "export",
        "--tenant",
        "acme",
        "--output",
        "/dev/null",
    ]));
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device_like()
    );
    let fifo = dir.path().join("pipe");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    run_ok(audit_host(dir.path()).args([
        "--store", s, "export", "--tenant", "acme", "--format", "jsonl", "--output", "pipe",
    ]));
    let through = reader.join().unwrap();
    assert!(through.contains("\"user.updated\""), "{through}");
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata(&fifo).unwrap().file_type().is_fifo(),
        "still a FIFO"
    );
    std::fs::create_dir(dir.path().join("folder")).unwrap();
    let (code, stderr) = run_err(audit_host(dir.path()).args([
        "--store", s, "export", "--tenant", "acme", "--output", "folder", "--force",
    ]));
    assert_eq!(code, 1);
    assert!(stderr.contains("is a directory"), "{stderr}");
}

trait CharDevice {
    fn is_char_device_like(&self) -> bool;
}
impl CharDevice for std::fs::FileType {
    fn is_char_device_like(&self) -> bool {
        use std::os::unix::fs::FileTypeExt;
        self.is_char_device()
    }
}

#[test]
fn an_interrupted_export_leaves_no_file() {
    let (dir, store) = temp_store();
    let s = store.to_str().unwrap();
    // Enough events that the export is still running when it is stopped.
    let lines: Vec<String> = (0..40_000).map(|_| EVENT.to_string()).collect();
    run_ok(
        audit_host(dir.path())
            .args(["--store", s, "append", "--batch-size", "1000"])
            .arg(write(&dir, "many.jsonl", &lines.join("\n"))),
    );
    let mut interrupted = 0;
    for signal in ["INT", "TERM"] {
        let mut child = audit_host(dir.path())
            .args([
                "--store", s, "export", "--tenant", "acme", "--rows", "changes", "--output",
                "big.csv",
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the temporary file exists, then interrupt.
        let started = std::time::Instant::now();
        while !partial_exists(dir.path()) && started.elapsed().as_secs() < 20 {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let _ = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status();
        let status = child.wait().unwrap();
        // Either the signal ended it (128 + the signal), or it finished first.
        if !status.success() {
            interrupted += 1;
            let expected = if signal == "INT" { 130 } else { 143 };
            assert_eq!(status.code(), Some(expected), "{signal}: {status}");
            assert!(
                !dir.path().join("big.csv").exists(),
                "{signal}: no file at the path"
            );
        }
        assert!(
            !partial_exists(dir.path()),
            "{signal}: no .partial file left"
        );
        let _ = std::fs::remove_file(dir.path().join("big.csv"));
    }
    assert!(interrupted > 0, "the export was never caught running");
}

fn partial_exists(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().ends_with(".partial"))
}

#[test]
fn file_options_are_read_only_up_to_their_limit() {
    let (dir, store) = setup();
    let s = store.to_str().unwrap();
    for args in [
        vec!["--component", "/dev/zero", "verify", "--tenant", "acme"],
        vec![
            "verify",
            "--tenant",
            "acme",
            "--checkpoint",
            "/dev/zero",
            "--public-key",
            "signing.pub",
        ],
        vec!["verify", "--tenant", "acme", "--public-key", "/dev/zero"],
        vec![
            "checkpoint",
            "--tenant",
            "acme",
            "--signing-key",
            "/dev/zero",
        ],
        vec!["settings", "set", "--tenant", "acme", "/dev/zero"],
        vec!["actions", "register", "--tenant", "acme", "/dev/zero"],
        vec!["diff", "--settings", "/dev/zero", "e.json", "e.json"],
        vec![
            "verify",
            "--export",
            "/dev/zero",
            "--public-key",
            "signing.pub",
        ],
    ] {
        let started = std::time::Instant::now();
        let (code, stderr) = run_err(audit_host(dir.path()).args(["--store", s]).args(&args));
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(stderr.contains("over the limit of"), "{args:?}: {stderr}");
        assert!(
            started.elapsed().as_secs() < 60,
            "{args:?} read past its limit"
        );
    }
    let (code, stderr) = run_err(audit_host(dir.path()).args([
        "--max-input-mib",
        "65",
        "--store",
        s,
        "verify",
        "--tenant",
        "acme",
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--max-input-mib"), "{stderr}");
}
