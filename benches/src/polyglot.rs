//! Polyglot: the component in the Python host (wasmtime-py) and the Node
//! host (jco), against the library a Python or Node backend would reach for
//! instead (`jsonpatch`, `fast-json-patch`), in the same process on the
//! same data; and the same calls in the Rust host, in the same run.
//!
//! The Python and Node halves are small scripts (`benches/polyglot/`,
//! installed by `scripts/setup-examples.sh`) that this path runs and reads
//! one JSON object from; each checks its own columns (every patch of ours
//! applied by the peer gives `after`; `append-json` and the typed calls
//! store the same chain) before it reports. A host whose script or
//! installation is missing is left out, with a note saying so.

use crate::config::Config;
use crate::data::{Generator, Rng, SEED, input_json, profile_pair};
use crate::native_store::host_clock;
use crate::report::{Row, Section, Unit};
use crate::timing::median;
use anyhow::{Context as _, Result, bail, ensure};
use audit_host::{MemoryStore, Runtime, SqliteStore};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Events per call, as the goal states it.
const BATCH: usize = 100;

/// Measures both hosts, where they are installed.
pub fn run(config: &Config, runtime: &Runtime) -> Result<Section> {
    let pairs_n = config.sizes([20, 20, 20], [400, 400, 400], [2_000, 2_000, 2_000])[0];
    let events_n = config.sizes(
        [200, 200, 200],
        [2_000, 2_000, 2_000],
        [5_000, 5_000, 5_000],
    )[0];
    let rounds = config.runs(5, 10);
    let dir = tempfile::tempdir()?;
    let mut rng = Rng::new(SEED);
    let pairs: Vec<(String, String)> = (0..pairs_n as u64)
        .map(|i| {
            let (b, a) = profile_pair(i, &mut rng);
            (b.to_string(), a.to_string())
        })
        .collect();
    let events = profile_events(events_n);
    let pairs_path = dir.path().join("pairs.json");
    let events_path = dir.path().join("events.jsonl");
    std::fs::write(&pairs_path, serde_json::to_string(&pairs)?)?;
    std::fs::write(&events_path, events.join("\n"))?;
    let avg = pairs.iter().map(|(b, _)| b.len()).sum::<usize>() / pairs.len();
    let pair_size = format!(
        "{pairs_n} profile pairs, 2 to 5 edits ({:.1} KB)",
        avg as f64 / 1e3
    );
    let event_size = format!(
        "{events_n} events with profile states ({:.1} KB each)",
        events.iter().map(String::len).sum::<usize>() as f64 / events_n as f64 / 1e3
    );

    let rust_diff = rust_diff_us(runtime, &pairs, rounds)?;
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for host in [Host::Python, Host::Node] {
        let Some(command) = host.command() else {
            notes.push(format!(
                "The {} host was not measured: {} (run scripts/setup-examples.sh).",
                host.name(),
                host.missing()
            ));
            continue;
        };
        let out = run_script(command, &pairs_path, &events_path, rounds)
            .with_context(|| format!("the {} half of the polyglot path", host.name()))?;
        let d = &out["diff"];
        let us = |k: &str| -> Result<f64> {
            d[k].as_f64()
                .map(|v| v / 1e6)
                .with_context(|| format!("{}: no diff.{k}", host.name()))
        };
        let name = host.name();
        let peer = host.peer();
        rows.push(Row::new(
            format!("{name}: diff, text in, patch text out (`diff.patch`; peer: parse both, diff, stringify)"),
            pair_size.clone(),
            Unit::Time,
            Some(us("component_patch_us")?),
            Some(rust_diff.patch),
            Some(us("peer_text_us")?),
        ));
        rows.push(Row::new(
            format!("{name}: diff with the change list (typed `diff`; peer: as above)"),
            pair_size.clone(),
            Unit::Time,
            Some(us("component_typed_us")?),
            Some(rust_diff.typed),
            Some(us("peer_text_us")?),
        ));
        rows.push(Row::new(
            format!("{name}: `diff.patch` against {peer} on objects already parsed"),
            pair_size.clone(),
            Unit::Time,
            Some(us("component_patch_us")?),
            None,
            Some(us("peer_parsed_us")?),
        ));
        let r = &out["record"];
        let eps = |k: &str| -> Result<f64> {
            r[k].as_f64()
                .with_context(|| format!("{}: no record.{k}", host.name()))
        };
        let store = host.store();
        let rust = rust_record_eps(runtime, &events, store)?;
        rows.push(Row::new(
            format!(
                "{name}: record, batches of {BATCH} (`append-json`), {}",
                store.name()
            ),
            event_size.clone(),
            Unit::Rate("events"),
            Some(eps("append_json_events_per_s")?),
            Some(rust.json),
            None,
        ));
        rows.push(Row::new(
            format!(
                "{name}: record, batches of {BATCH} (typed `parse-inputs` + `append-batch`), {}",
                store.name()
            ),
            event_size.clone(),
            Unit::Rate("events"),
            Some(eps("typed_events_per_s")?),
            Some(rust.typed),
            None,
        ));
        notes.push(format!(
            "{name}: {}; every patch of ours applied by {peer} gave `after`, `diff.patch` and the typed `diff` gave the same patch, and `append-json` and the typed calls stored the same chain.",
            versions(&out)
        ));
    }
    Ok(Section {
        path: "polyglot",
        columns: [
            "the component in the named host (Python: wasmtime-py; Node: jco), best of the rounds",
            "the component in the Rust host (`audit_host`), the same calls on the same data and store kind",
            "what that host's backend would use instead: `jsonpatch` (Python), `fast-json-patch` (Node)",
        ],
        rows,
        notes,
    })
}

#[derive(Debug, Clone, Copy)]
enum Host {
    Python,
    Node,
}

/// Where a host's recording goes: what its backend would use.
#[derive(Debug, Clone, Copy)]
enum StoreKind {
    Sqlite,
    Memory,
}

impl StoreKind {
    fn name(self) -> &'static str {
        match self {
            StoreKind::Sqlite => "into SQLite",
            StoreKind::Memory => "in memory",
        }
    }
}

impl Host {
    fn name(self) -> &'static str {
        match self {
            Host::Python => "Python",
            Host::Node => "Node",
        }
    }

    fn peer(self) -> &'static str {
        match self {
            Host::Python => "`jsonpatch.make_patch`",
            Host::Node => "`fast-json-patch`'s `compare`",
        }
    }

    /// The Python host's store is SQLite (its only one), the Node host's
    /// the in-memory one.
    fn store(self) -> StoreKind {
        match self {
            Host::Python => StoreKind::Sqlite,
            Host::Node => StoreKind::Memory,
        }
    }

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("polyglot")
    }

    fn missing(self) -> &'static str {
        match self {
            Host::Python => "benches/polyglot/.venv is not set up",
            Host::Node => "node or benches/polyglot/node_modules is missing",
        }
    }

    /// The command that runs the host's script, when it is installed.
    fn command(self) -> Option<Command> {
        let root = Self::root();
        let workspace = root.join("../..");
        let transpiled = workspace.join("examples/node/gen/audit.js").is_file();
        match self {
            Host::Python => {
                let python = root.join(".venv/bin/python");
                python.is_file().then(|| {
                    let mut c = Command::new(python);
                    c.arg(root.join("bench.py"));
                    c
                })
            }
            Host::Node => {
                let ready = root.join("node_modules/fast-json-patch").is_dir()
                    && transpiled
                    && Command::new("node")
                        .arg("--version")
                        .output()
                        .is_ok_and(|o| o.status.success());
                ready.then(|| {
                    let mut c = Command::new("node");
                    c.arg(root.join("bench.mjs"));
                    c
                })
            }
        }
    }
}

fn run_script(mut command: Command, pairs: &Path, events: &Path, rounds: usize) -> Result<Value> {
    let out = command
        .arg(pairs)
        .arg(events)
        .arg(rounds.to_string())
        .output()
        .context("starting the script")?;
    if !out.status.success() {
        bail!(
            "the script failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let text = String::from_utf8(out.stdout)?;
    let last = text.lines().last().unwrap_or_default();
    serde_json::from_str(last).with_context(|| format!("its output is not JSON: {last:?}"))
}

fn versions(out: &Value) -> String {
    let Some(map) = out.as_object() else {
        return String::new();
    };
    map.iter()
        .filter_map(|(k, v)| {
            v.as_str()
                .filter(|_| k != "host")
                .map(|v| format!("{k} {v}"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Events with profile states (the generator's `user.updated` and
/// `contact.updated`), in the JSON a backend sends.
fn profile_events(n: usize) -> Vec<String> {
    let mut generator = Generator::new("acme", n * 8);
    let mut events = Vec::with_capacity(n);
    let mut k = 0;
    while events.len() < n {
        let input = generator.input(k);
        k += 1;
        if input.action == "user.updated" || input.action == "contact.updated" {
            events.push(input_json(&input).to_string());
        }
    }
    events
}

struct RustDiff {
    patch: f64,
    typed: f64,
}

/// The Rust host's time per pair, `diff.patch` and the typed `diff`.
fn rust_diff_us(runtime: &Runtime, pairs: &[(String, String)], rounds: usize) -> Result<RustDiff> {
    let mut session = runtime.session(
        Box::new(MemoryStore::new()),
        host_clock("2027-01-01T00:00:00Z")?,
    );
    let requests = crate::diff::requests(pairs);
    for r in &requests {
        ensure!(
            session.diff_patch(r)? == session.diff(r)?.patch,
            "polyglot: the Rust host's diff.patch and diff differ"
        );
    }
    let mut times = [Vec::new(), Vec::new()];
    for _ in 0..rounds {
        let start = Instant::now();
        for r in &requests {
            std::hint::black_box(session.diff_patch(r)?);
        }
        times[0].push(start.elapsed() / requests.len() as u32);
        let start = Instant::now();
        for r in &requests {
            std::hint::black_box(session.diff(r)?);
        }
        times[1].push(start.elapsed() / requests.len() as u32);
    }
    Ok(RustDiff {
        patch: median(&times[0]),
        typed: median(&times[1]),
    })
}

struct RustRecord {
    json: f64,
    typed: f64,
}

/// The Rust host's events per second, `append-json` and the typed calls,
/// into a new store of the kind the other host uses.
fn rust_record_eps(runtime: &Runtime, events: &[String], store: StoreKind) -> Result<RustRecord> {
    let batches: Vec<String> = events.chunks(BATCH).map(|c| c.join("\n")).collect();
    let dir = tempfile::tempdir()?;
    let rate = |typed: bool| -> Result<(f64, String)> {
        let file = dir.path().join(if typed { "typed.db" } else { "json.db" });
        let boxed: Box<dyn audit_host::EventStore> = match store {
            StoreKind::Sqlite => Box::new(SqliteStore::open(&file).map_err(anyhow::Error::msg)?),
            StoreKind::Memory => Box::new(MemoryStore::new()),
        };
        let mut session = runtime.session(boxed, host_clock("2027-01-01T00:00:00Z")?);
        let mut last = String::new();
        let start = Instant::now();
        for text in &batches {
            if typed {
                let inputs = session.parse_inputs(text, Some("acme"))?;
                if let Some(e) = session.append_batch(&inputs)?.pop() {
                    last = e.hash;
                }
            } else {
                let lines = session.append_json(text, Some("acme"))?;
                let line = lines.lines().last().unwrap_or_default();
                let v: Value = serde_json::from_str(line)?;
                last = v["hash"].as_str().unwrap_or_default().to_string();
            }
        }
        Ok((events.len() as f64 / start.elapsed().as_secs_f64(), last))
    };
    let (json, a) = rate(false)?;
    let (typed, b) = rate(true)?;
    ensure!(
        a == b,
        "polyglot: the Rust host's append-json and typed calls stored different chains"
    );
    Ok(RustRecord { json, typed })
}
