//! CSV export: every event of a log (oldest first, the default columns),
//! streamed to a file. The component through wasmtime (`data-export`), the
//! same engine natively, and the `csv` crate writing the same rows from the
//! same table, as a host without the component would (decode each stored
//! event, format the cells, neutralise formulas, write).
//!
//! Each export runs in its own process (this binary again, `--child
//! export`), which reports its rows per second and its peak resident
//! memory (`VmHWM`): memory must stay flat as the log grows.
//!
//! Check: the three files are byte for byte the same.

use crate::config::Config;
use crate::dataset::{self, TENANT};
use crate::native_store::{Native, Stepping, host_clock};
use crate::report::{Row, Section, Unit};
use crate::wit;
use anyhow::{Context as _, Result, bail, ensure};
use audit_component::export::layout::RowMode;
use audit_component::read::filter::Filter;
use audit_component::read::page::Order;
use audit_host::SqliteStore;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// The exported range: every generated event (2026, a few days either
/// side), not the reads' own events recorded later.
const RANGE: (&str, &str) = ("2025-12-01", "2027-02-01");

/// One column's export: rows, seconds, peak memory in bytes, file digest.
struct Measured {
    rows: u64,
    seconds: f64,
    peak: f64,
    digest: String,
}

/// Measures exports of three log sizes.
pub fn run(config: &Config, _runtime: &audit_host::Runtime, exe: &Path) -> Result<Section> {
    let sizes = config.sizes(
        [300, 1_000, 3_000],
        [10_000, 30_000, 100_000],
        [10_000, 100_000, 1_000_000],
    );
    let runs = config.runs(1, 2);
    let mut rows = Vec::new();
    let dir = tempfile::tempdir()?;
    for n in sizes {
        let db = dataset::open(&config.data_dir, n)?;
        let mut best: [Option<Measured>; 4] = [None, None, None, None];
        for _ in 0..runs {
            for (i, column) in ["component", "native", "csv", "fanned"].iter().enumerate() {
                let out = dir.path().join(format!("{column}.csv"));
                let m = child(exe, config, column, &db, &out)?;
                if best[i].as_ref().is_none_or(|b| m.seconds < b.seconds) {
                    best[i] = Some(m);
                }
            }
        }
        let [Some(c), Some(nv), Some(p), Some(f)] = best else {
            bail!("export: no measurement");
        };
        ensure!(
            c.digest == nv.digest
                && nv.digest == p.digest
                && f.digest == c.digest
                && c.rows == p.rows
                && f.rows == c.rows,
            "export: the three CSV files differ over {n} events (rows {} / {} / {})",
            c.rows,
            nv.rows,
            p.rows
        );
        let size = format!("{n} events");
        let rate = |m: &Measured| Some(m.rows as f64 / m.seconds);
        rows.push(Row::new(
            "CSV export",
            size.clone(),
            Unit::Rate("rows"),
            rate(&c),
            rate(&nv),
            rate(&p),
        ));
        rows.push(Row::new(
            format!(
                "CSV export, split over {} instances (`fanout::export`)",
                workers()
            ),
            size.clone(),
            Unit::Rate("rows"),
            rate(&f),
            rate(&nv),
            rate(&p),
        ));
        rows.push(Row::new(
            "peak memory of the exporting process",
            size.clone(),
            Unit::Bytes,
            Some(c.peak),
            Some(nv.peak),
            Some(p.peak),
        ));
        rows.push(Row::new(
            "peak memory of the exporting process, split export",
            size,
            Unit::Bytes,
            Some(f.peak),
            Some(nv.peak),
            Some(p.peak),
        ));
    }
    rows.sort_by_key(|r| r.measure.clone());
    Ok(Section {
        path: "export",
        columns: [
            "`data-export` through wasmtime on the host's SQLite store, in a process that loads the compiled component from the cache",
            "`exporter::start` / `next_chunk`, the same engine natively on the same store",
            "the `csv` crate writing the same rows: SQL read, `serde_json` decode, cells formatted (the action with its catalog label) and neutralised, every cell quoted",
        ],
        rows,
        notes: vec![
            "The four files (the split export's too: ranges of 8,192 seqs, one instance and SQLite connection per core) were byte for byte the same at every size. Each export ran in its own process; peak memory is that process's `VmHWM` (the component's includes wasmtime and the compiled component, about the same at every size).".into(),
        ],
    })
}

fn child(exe: &Path, config: &Config, column: &str, db: &Path, out: &Path) -> Result<Measured> {
    let output = crate::boundary::child_command(exe, config)
        .arg("--child")
        .arg("export")
        .arg(column)
        .arg(db)
        .arg(out)
        .output()
        .with_context(|| format!("running {}", exe.display()))?;
    if !output.status.success() {
        bail!(
            "export child ({column}) failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let f: Vec<&str> = text.split_whitespace().collect();
    let [rows, seconds, peak] = f[..] else {
        bail!("export child ({column}) printed {text:?}");
    };
    let bytes = std::fs::read(out)?;
    Ok(Measured {
        rows: rows.parse()?,
        seconds: seconds.parse()?,
        peak: peak.parse()?,
        digest: format!("{:x}", Sha256::digest(&bytes)),
    })
}

/// In a child process: export `db` with `column` into `out`, then print
/// `rows seconds peak_bytes`.
pub fn child_main(args: &[String]) -> Result<()> {
    let [column, db, out] = args else {
        bail!("usage: --child export component|native|csv|fanned DB OUT");
    };
    let (db, out) = (Path::new(db), Path::new(out));
    let mut file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    let started;
    let rows = match column.as_str() {
        "component" => {
            let runtime = crate::boundary::runtime(crate::boundary::child_component().as_deref())?;
            let mut session = runtime.session(
                Box::new(SqliteStore::open(db).map_err(anyhow::Error::msg)?),
                host_clock(crate::query::READ_CLOCK)?,
            );
            started = Instant::now();
            let mut export = session.export(&component_request())?;
            while let Some(chunk) = export.next_chunk()? {
                file.write_all(&chunk)?;
            }
            export.progress()?.rows
        }
        "native" => {
            use audit_component::export::exporter;
            let mut store = Native(SqliteStore::open(db).map_err(anyhow::Error::msg)?);
            let mut clock = Stepping::parse(crate::query::READ_CLOCK)?;
            started = Instant::now();
            let request = exporter::ExportRequest {
                filter: filter(),
                order: Order::OldestFirst,
                viewer: wit::native_viewer(),
                format: exporter::Format::Csv,
                columns: vec![],
                rows: RowMode::Events,
                byte_order_mark: false,
                utc_offset: None,
                proof: None,
            };
            let mut x = exporter::start(&mut store, &mut clock, &request)?;
            while let Some(chunk) = x.next_chunk(&mut store)? {
                file.write_all(&chunk)?;
            }
            x.progress().rows
        }
        "csv" => {
            started = Instant::now();
            plain_csv(db, &mut file)?
        }
        "fanned" => {
            let runtime = crate::boundary::runtime(crate::boundary::child_component().as_deref())?;
            let mut sessions = crate::boundary::sessions(&runtime, db, workers())?;
            let mut sessions: Vec<&mut audit_host::Session> = sessions.iter_mut().collect();
            started = Instant::now();
            audit_host::fanout::export::export(&mut sessions, &component_request(), &mut file)?.rows
        }
        other => bail!("unknown export column {other:?}"),
    };
    file.flush()?;
    let seconds = started.elapsed().as_secs_f64();
    println!("{rows} {seconds} {}", peak_bytes()?);
    Ok(())
}

/// Instances a split export uses: one per core.
fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The export request of the component's columns.
fn component_request() -> audit_host::bindings::ExportRequest {
    audit_host::bindings::ExportRequest {
        filter: wit::filter(&filter()),
        order: audit_host::bindings::Order::OldestFirst,
        viewer: wit::viewer(),
        format: audit_host::bindings::ExportFormat::Csv,
        columns: vec![],
        rows: audit_host::bindings::ExportRows::Events,
        byte_order_mark: false,
        utc_offset: None,
        proof: None,
    }
}

fn filter() -> Filter {
    Filter {
        since: Some(RANGE.0.into()),
        until: Some(RANGE.1.into()),
        ..Filter::tenant(TENANT)
    }
}

/// This process's peak resident memory, in bytes.
pub fn peak_bytes() -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .context("no VmHWM in /proc/self/status")?;
    Ok(kb * 1024)
}

/// The peer: what a host writes without the component, with the `csv`
/// crate. Cells are neutralised with the component's rule (a `'` before a
/// formula character, OWASP's advice), so that the files can be compared.
fn plain_csv(db: &Path, out: impl Write) -> Result<u64> {
    use audit_component::export::neutralise::neutralise;
    let conn = rusqlite::Connection::open(db)?;
    let micros = |d: &str| -> Result<i64> {
        Ok(chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")?
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
            .timestamp_micros())
    };
    let mut w = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
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
    ])?;
    let mut stmt = conn.prepare(
        "SELECT body, hash FROM audit_events WHERE tenant = ?1 AND occurred_at_us >= ?2 AND occurred_at_us < ?3 ORDER BY seq",
    )?;
    let mut rows = stmt.query(rusqlite::params![
        TENANT,
        micros(RANGE.0)?,
        micros(RANGE.1)?
    ])?;
    let mut n = 0u64;
    while let Some(row) = rows.next()? {
        let body: String = row.get(0)?;
        let hash: String = row.get(1)?;
        let e: audit_component::core::model::Event = serde_json::from_str(&body)?;
        let target = e
            .targets
            .iter()
            .map(|t| format!("{}: {}", t.kind, t.name.as_deref().unwrap_or(&t.id)))
            .collect::<Vec<_>>()
            .join("\n");
        let side = |new: bool| {
            let mut out = String::new();
            for c in &e.changes {
                if let Some(v) = if new { &c.new } else { &c.old } {
                    if !out.is_empty() {
                        out.push('\n');
                    }
                    out.push_str(&c.path);
                    out.push_str(": ");
                    match v.as_str() {
                        Some(s) => out.push_str(s),
                        None => out.push_str(&v.to_string()),
                    }
                }
            }
            out
        };
        let (old, new) = (side(false), side(true));
        let actor = match (&e.actor.name, e.actor.kind) {
            (Some(name), _) => name.as_str(),
            (None, audit_component::core::model::ActorKind::System) => "System",
            (None, _) => e.actor.id.as_str(),
        };
        // The action with its catalog label, as the component shows it.
        let action = match &e.label {
            Some(label) => format!("{} ({label})", e.action),
            None => e.action.clone(),
        };
        let cells: [&str; 12] = [
            &e.occurred_at,
            actor,
            &action,
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
        w.write_record(cells.map(neutralise).iter().map(|c| c.as_bytes()))?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}
