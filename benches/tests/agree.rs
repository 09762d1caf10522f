//! The suite at a tiny size: every hot path runs its three columns and
//! checks that they computed the same thing (the same rows and hashes, the
//! same pages and counts, the same CSV bytes, patches that apply, the same
//! verdicts). No timing is asserted; this keeps the suite from rotting or
//! comparing unlike work.

use audit_bench::report::Unit;
use audit_bench::{Config, Mode, Section};

#[test]
fn every_hot_path_agrees_across_its_columns() {
    let data = tempfile::tempdir().expect("tempdir");
    let config = Config::new(Mode::Tiny, data.path().to_path_buf());
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_audit-bench"));
    let sections: Vec<Section> = match audit_bench::run(&config, exe) {
        Ok(s) => s,
        Err(e) => panic!("{e:#}"),
    };
    let names: Vec<&str> = sections.iter().map(|s| s.path).collect();
    assert_eq!(
        names,
        [
            "append", "diff", "query", "export", "verify", "boundary", "serve", "polyglot",
            "postgres"
        ]
    );
    // The Python and Node hosts ran and checked their columns (installed
    // by scripts/setup-examples.sh, which scripts/test.sh runs first).
    let polyglot = &sections[7];
    for host in ["Python", "Node"] {
        assert!(
            polyglot.rows.iter().any(|r| r.measure.starts_with(host)),
            "polyglot: no {host} rows: {:?} (run scripts/setup-examples.sh)",
            polyglot.notes
        );
    }
    for s in &sections {
        assert!(!s.rows.is_empty(), "{}: no rows", s.path);
        for r in &s.rows {
            assert!(
                r.component.is_some_and(|v| v > 0.0),
                "{} / {}: no component figure",
                s.path,
                r.measure
            );
        }
    }
    // Every path but the boundary has a native and a peer figure on its
    // main row, at three sizes (serve compares HTTP with in process: no
    // peer).
    // The polyglot path measures one data set (its rows are hosts).
    for s in sections
        .iter()
        .filter(|s| s.path != "boundary" && s.path != "polyglot")
    {
        let main = &s.rows[0];
        assert!(
            main.native.is_some() && (main.peer.is_some() || s.path == "serve"),
            "{}",
            s.path
        );
        let sizes: std::collections::BTreeSet<&str> = s
            .rows
            .iter()
            .filter(|r| r.measure == main.measure)
            .map(|r| r.size.as_str())
            .collect();
        assert!(sizes.len() >= 3, "{}: sizes {sizes:?}", s.path);
    }
    let diff = &sections[1];
    let sizes = diff.rows.iter().filter(|r| r.unit == Unit::Bytes);
    for r in sizes {
        assert_eq!(r.component, r.native, "patch sizes: {}", r.size);
    }
}

#[test]
fn a_patch_that_does_not_give_after_is_caught() {
    let before = r#"{"a":1,"b":[1,2]}"#;
    let after = r#"{"a":2,"b":[1,2]}"#;
    let right = audit_bench::diff::native(before, after).expect("diff");
    assert!(audit_bench::diff::applies(before, after, &right, "ours").is_ok());
    let wrong = r#"[{"op":"replace","path":"/a","value":3}]"#;
    let e = audit_bench::diff::applies(before, after, wrong, "ours").expect_err("caught");
    assert!(e.to_string().contains("does not give"), "{e}");
}

#[test]
fn stored_rows_are_compared_byte_for_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a.db");
    let mut store =
        audit_bench::native_store::Native(audit_host::SqliteStore::open(&path).expect("store"));
    let mut clock =
        audit_bench::native_store::Stepping::parse("2027-01-01T00:00:00Z").expect("clock");
    let inputs = audit_bench::data::Generator::new("acme", 5).inputs(5);
    audit_component::ingest::append::append_batch(&mut store, &mut clock, inputs).expect("append");
    let (digest, rows) = audit_bench::append::read_rows(&path).expect("rows");
    assert_eq!(rows.len(), 5);
    let conn = rusqlite::Connection::open(&path).expect("sqlite");
    conn.execute(
        "UPDATE audit_events SET body = replace(body, 'acme', 'acmf') WHERE seq = 3",
        [],
    )
    .expect("edit");
    let (edited, _) = audit_bench::append::read_rows(&path).expect("rows");
    assert_ne!(digest, edited);
}
