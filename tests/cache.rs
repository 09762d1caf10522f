//! The compiled-code cache: a second start loads instead of compiling, and
//! no stale, corrupt, foreign or unwritable entry is ever used or fatal.
//! Most cases use the small fixture component, which compiles quickly.

use crate::harness::*;
use audit_host::cache::{self, CacheStatus, Miss};
use audit_host::{MemoryStore, Options, Runtime};
use std::path::{Path, PathBuf};

fn options(dir: &Path) -> Options {
    Options {
        cache_dir: Some(dir.to_path_buf()),
        ..Options::default()
    }
}

fn start(dir: &Path) -> CacheStatus {
    start_with(FIXTURE, dir)
}

/// Loads `component` with the cache at `dir` and makes one call through it.
fn start_with(component: &[u8], dir: &Path) -> CacheStatus {
    let runtime = Runtime::with_component(component, options(dir)).expect("loads");
    let mut s = runtime.session(Box::new(MemoryStore::new()), clock());
    s.instantiate().expect("instantiates");
    runtime.cache_status().clone()
}

/// The entry of the fixture: (compiled code, checksum sidecar).
fn entry(dir: &Path) -> (PathBuf, PathBuf) {
    let key = cache::key(fixture(options(dir)).engine(), FIXTURE);
    (
        dir.join(format!("{key}.cwasm")),
        dir.join(format!("{key}.blake3")),
    )
}

const COMPILED_AND_STORED: CacheStatus = CacheStatus::Compiled {
    why: Miss::Missing,
    stored: true,
};

#[test]
fn a_second_start_loads_instead_of_compiling() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(start(dir.path()), COMPILED_AND_STORED);
    assert_eq!(start(dir.path()), CacheStatus::Hit);
    let (artifact, sum) = entry(dir.path());
    assert!(artifact.exists() && sum.exists());
    let no_cache = Runtime::with_component(
        FIXTURE,
        Options {
            cache_dir: None,
            ..Options::default()
        },
    )
    .expect("loads");
    assert_eq!(no_cache.cache_status(), &CacheStatus::Disabled);
}

#[test]
fn corrupt_and_truncated_entries_are_recompiled_and_replaced() {
    let dir = tempfile::tempdir().unwrap();
    start(dir.path());
    let (artifact, _) = entry(dir.path());
    let good = std::fs::read(&artifact).unwrap();
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    for (what, bytes) in [
        ("one bit flipped", flipped),
        ("truncated", good[..good.len() / 3].to_vec()),
        ("empty", Vec::new()),
    ] {
        std::fs::write(&artifact, &bytes).unwrap();
        assert_eq!(
            start(dir.path()),
            CacheStatus::Compiled {
                why: Miss::Corrupt,
                stored: true
            },
            "{what}"
        );
        assert_eq!(std::fs::read(&artifact).unwrap(), good, "{what}: replaced");
        assert_eq!(start(dir.path()), CacheStatus::Hit, "{what}");
    }
}

#[test]
fn a_missing_checksum_or_another_entrys_files_are_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    start(dir.path());
    let (artifact, sum) = entry(dir.path());
    std::fs::remove_file(&sum).unwrap();
    assert_eq!(start(dir.path()), COMPILED_AND_STORED);

    // Another component (the fixture with one more custom section: valid,
    // and a different hash) gets its own entry; its files copied over the
    // fixture's are refused, though their checksum matches their bytes.
    let mut other = FIXTURE.to_vec();
    other.extend_from_slice(&[0, 6, 5, b'o', b't', b'h', b'e', b'r']);
    let other_dir = tempfile::tempdir().unwrap();
    assert_eq!(start_with(&other, other_dir.path()), COMPILED_AND_STORED);
    let engine = fixture(options(dir.path())).engine().clone();
    let other_key = cache::key(&engine, &other);
    assert_ne!(other_key, cache::key(&engine, FIXTURE));
    for (from, to) in [("cwasm", &artifact), ("blake3", &sum)] {
        let from = other_dir.path().join(format!("{other_key}.{from}"));
        std::fs::copy(from, to).unwrap();
    }
    assert_eq!(
        start(dir.path()),
        CacheStatus::Compiled {
            why: Miss::Corrupt,
            stored: true
        }
    );
    assert_eq!(start(dir.path()), CacheStatus::Hit);
}

#[test]
fn an_entry_from_another_engine_configuration_is_refused_by_wasmtime() {
    let dir = tempfile::tempdir().unwrap();
    start(dir.path());
    let (artifact, sum) = entry(dir.path());
    // Compiled by an engine without epoch interruption, stored under this
    // engine's name with a valid checksum: only wasmtime's own check can
    // tell, and it does.
    let mut config = wasmtime::Config::new();
    config.epoch_interruption(false);
    let foreign = wasmtime::Engine::new(&config).unwrap();
    let bytes = foreign.precompile_component(FIXTURE).unwrap();
    std::fs::write(&artifact, &bytes).unwrap();
    let key = artifact.file_stem().unwrap().to_str().unwrap();
    std::fs::write(&sum, cache::checksum(key, &bytes)).unwrap();
    assert_eq!(
        start(dir.path()),
        CacheStatus::Compiled {
            why: Miss::Refused,
            stored: true
        }
    );
    assert_eq!(start(dir.path()), CacheStatus::Hit);
}

#[test]
fn an_unwritable_cache_only_costs_the_compile() {
    let dir = tempfile::tempdir().unwrap();
    let in_the_way = dir.path().join("a-file");
    std::fs::write(&in_the_way, "not a directory").unwrap();
    for _ in 0..2 {
        assert_eq!(
            start(&in_the_way.join("cache")),
            CacheStatus::Compiled {
                why: Miss::Missing,
                stored: false
            }
        );
    }
}

#[test]
fn concurrent_first_starts_share_one_directory_safely() {
    let dir = tempfile::tempdir().unwrap();
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let dir = dir.path().to_path_buf();
            std::thread::spawn(move || start(&dir))
        })
        .collect();
    for s in starts {
        let status = s.join().expect("a start");
        assert!(
            status == COMPILED_AND_STORED || status == CacheStatus::Hit,
            "{status:?}"
        );
    }
    assert_eq!(start(dir.path()), CacheStatus::Hit);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_second_audit_host_start_does_not_compile_again() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let run = || {
        run_ok(
            audit_host(dir.path())
                .env("AUDIT_CACHE_DIR", &cache)
                .args(["--store", ":memory:", "query", "--tenant", "acme"]),
        )
    };
    run();
    let files = || {
        let mut v: Vec<_> = std::fs::read_dir(&cache)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let m = e.metadata().unwrap();
                (e.file_name(), m.ino(), m.mtime_nsec(), m.len())
            })
            .collect();
        v.sort();
        v
    };
    let first = files();
    assert_eq!(first.len(), 2, "one entry and its checksum: {first:?}");
    run();
    assert_eq!(files(), first, "the second start rewrote nothing");
}
