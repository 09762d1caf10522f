//! Serve: the audit log over HTTP (`audit-host serve` on loopback, a real
//! client) against the same work in process through the library, in one
//! run. Appends in batches of 1, 100 and 1,000 events from 1, 4 and 16
//! clients at once (each in-process client is a thread with its own
//! session, as each HTTP client has its own connection); the latency of a
//! single-event append and of a log's first page (p50 and p99); and the
//! server's memory while it streams that whole log as CSV.
//!
//! Both columns append the same JSON through the component's
//! `parse-inputs` and `append-batch` into a SQLite file; the HTTP column
//! adds the service's work (keys, the body, the response's JSON) and the
//! loopback round trip.
//!
//! Check: both stores end with a verified chain of as many events as were
//! sent.

use crate::config::{Config, Mode};
use crate::report::{Row, Section, Unit};
use anyhow::{Context as _, Result, bail, ensure};
use audit_host::{Runtime, SqliteStore, SystemClock};
use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TENANT: &str = "acme";

/// Measures the service against the library.
pub fn run(config: &Config, runtime: &Runtime, exe: &Path) -> Result<Section> {
    let bin = audit_host_binary(exe)?;
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let clients: &[usize] = match config.mode {
        Mode::Tiny => &[1, 2, 4],
        _ => &[1, 4, 16],
    };
    let events_per_run = |batch: usize| match config.mode {
        Mode::Tiny => batch.max(4) * 2,
        Mode::Quick => (batch * 16).clamp(400, 16_000),
        Mode::Full => (batch * 64).clamp(2_000, 64_000),
    };
    for batch in [1usize, 100, 1000] {
        for &n_clients in clients {
            let total = events_per_run(batch).div_ceil(n_clients * batch) * n_clients * batch;
            let dir = tempfile::tempdir()?;
            let server = Server::start(&bin, &dir.path().join("http.db"))?;
            let key = server.key("ingest")?;
            let http = timed_clients(n_clients, total / n_clients, batch, |body| {
                let agent = agent();
                let r = agent
                    .post(&server.url("/v1/tenants/acme/events"))
                    .header("Authorization", &format!("Bearer {key}"))
                    .header("Content-Type", "application/x-ndjson")
                    .send(body)?;
                ensure!(r.status() == 201, "HTTP append answered {}", r.status());
                Ok(())
            })?;
            let store = dir.path().join("lib.db");
            // Created once, before the clients open it at the same moment.
            drop(SqliteStore::open(&store).map_err(anyhow::Error::msg)?);
            let in_process = timed_clients(n_clients, total / n_clients, batch, |body| {
                // One session per client thread, kept for its whole run.
                thread_session(runtime, &store, |session| {
                    let inputs = session.parse_inputs(body, Some(TENANT))?;
                    session.append_batch(&inputs)?;
                    Ok(())
                })
            })?;
            drop(server);
            ensure!(
                chain_length(&dir.path().join("http.db"))? == total
                    && chain_length(&store)? == total,
                "serve: a store does not hold the {total} events sent"
            );
            let rate = |d: Duration| Some(total as f64 / d.as_secs_f64());
            rows.push(Row::new(
                format!("append, batches of {batch}"),
                format!("{n_clients} client(s), {total} events"),
                Unit::Rate("events"),
                rate(http),
                rate(in_process),
                None,
            ));
        }
    }

    // Latency of one event, one client, one request at a time.
    let samples = match config.mode {
        Mode::Tiny => 20,
        Mode::Quick => 300,
        Mode::Full => 2_000,
    };
    let dir = tempfile::tempdir()?;
    let server = Server::start(&bin, &dir.path().join("http.db"))?;
    let key = server.key("ingest")?;
    let agent = agent();
    let one = event_lines(1);
    let mut http = Vec::with_capacity(samples);
    for _ in 0..samples {
        let started = Instant::now();
        let r = agent
            .post(&server.url("/v1/tenants/acme/events"))
            .header("Authorization", &format!("Bearer {key}"))
            .header("Content-Type", "application/json")
            .send(&one)?;
        ensure!(r.status() == 201, "HTTP append answered {}", r.status());
        http.push(started.elapsed());
    }
    drop(server);
    let mut session = runtime.session(
        Box::new(SqliteStore::open(&dir.path().join("lib.db")).map_err(anyhow::Error::msg)?),
        Box::new(SystemClock),
    );
    let mut lib = Vec::with_capacity(samples);
    for _ in 0..samples {
        let started = Instant::now();
        let inputs = session.parse_inputs(&one, Some(TENANT))?;
        session.append_batch(&inputs)?;
        lib.push(started.elapsed());
    }
    for (name, q) in [("p50", 0.50), ("p99", 0.99)] {
        rows.push(Row::new(
            format!("single-event append, {name}"),
            format!("{samples} requests"),
            Unit::Time,
            Some(quantile(&mut http, q)),
            Some(quantile(&mut lib, q)),
            None,
        ));
    }

    // A first page and a whole export of a large log.
    let size = match config.mode {
        Mode::Tiny => 2_000,
        Mode::Quick => 100_000,
        Mode::Full => 1_000_000,
    };
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("big.db");
    fill(runtime, &path, size)?;
    let server = Server::start(&bin, &path)?;
    let key = server.key("read")?;
    let viewer = r#"{"id":"bench","roles":["admin"]}"#;
    let page_samples = (samples / 3).max(10);
    let mut http = Vec::with_capacity(page_samples);
    for _ in 0..page_samples {
        let started = Instant::now();
        let mut r = agent
            .get(&server.url("/v1/tenants/acme/events?limit=50"))
            .header("Authorization", &format!("Bearer {key}"))
            .header("Audit-Viewer", viewer)
            .call()?;
        ensure!(r.status() == 200, "HTTP page answered {}", r.status());
        r.body_mut().read_to_string()?;
        http.push(started.elapsed());
    }
    let before = rss_kib(server.pid());
    let sampler = Sampler::start(server.pid());
    let started = Instant::now();
    let mut r = agent
        .get(&server.url("/v1/tenants/acme/export?format=csv"))
        .header("Authorization", &format!("Bearer {key}"))
        .header("Audit-Viewer", viewer)
        .call()?;
    ensure!(r.status() == 200, "HTTP export answered {}", r.status());
    let mut reader = r.body_mut().with_config().limit(u64::MAX).reader();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
    }
    let export_time = started.elapsed();
    let peak = sampler.stop();
    drop(server);
    // Reads run at most at --reads-per-second: the page samples stay under
    // the default burst.
    let mut session = runtime.session(
        Box::new(SqliteStore::open(&path).map_err(anyhow::Error::msg)?),
        Box::new(SystemClock),
    );
    let mut lib = Vec::with_capacity(page_samples);
    for _ in 0..page_samples {
        let started = Instant::now();
        let page = session.query(&audit_host::bindings::PageRequest {
            filter: audit_host::bindings::Filter::whole_log(TENANT),
            order: audit_host::bindings::Order::NewestFirst,
            limit: 50,
            cursor: None,
            viewer: viewer_record(),
            count: false,
        })?;
        for e in &page.events {
            session.to_json(e)?;
        }
        lib.push(started.elapsed());
    }
    for (name, q) in [("p50", 0.50), ("p99", 0.99)] {
        rows.push(Row::new(
            format!("first page of 50, {name}"),
            format!("{size} events"),
            Unit::Time,
            Some(quantile(&mut http, q)),
            Some(quantile(&mut lib, q)),
            None,
        ));
    }
    rows.push(Row::new(
        "server memory growth during a whole CSV export",
        format!("{size} events, {:.0} MB", bytes as f64 / 1e6),
        Unit::Bytes,
        Some((peak.saturating_sub(before) * 1024).max(1) as f64),
        None,
        None,
    ));
    notes.push(format!(
        "The export of {size} events streamed {:.1} MB in {:.2} s; the server's resident memory was {:.0} MB before it and peaked at {:.0} MB.",
        bytes as f64 / 1e6,
        export_time.as_secs_f64(),
        before as f64 / 1024.0,
        peak as f64 / 1024.0
    ));
    notes.push(
        "In process, each client is a thread with its own session over its own connection to the same SQLite file; over HTTP, each client is a thread with its own connection to one `audit-host serve` (default flags, workers = cores). Latencies are one request at a time from one client."
            .into(),
    );
    Ok(Section {
        path: "serve",
        columns: ["over HTTP", "in process", "—"],
        rows,
        notes,
    })
}

/// The audit-host binary beside this suite's (`target/release`).
fn audit_host_binary(exe: &Path) -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("AUDIT_HOST_BIN") {
        return Ok(PathBuf::from(path));
    }
    for dir in exe.ancestors().skip(1).take(3) {
        let candidate = dir.join("audit-host");
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    bail!(
        "serve: no audit-host binary beside {} (run `cargo build --release` first, or set AUDIT_HOST_BIN)",
        exe.display()
    )
}

/// JSON Lines of `n` events as a product's backend sends them.
fn event_lines(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                r#"{{"action":"user.updated","actor":{{"id":"u_{}","kind":"user","name":"Jo Agent"}},"targets":[{{"kind":"user","id":"u_{i}"}}],"outcome":"success","context":{{"ip":"203.0.113.9"}},"before":{{"role":"agent","team":"blue"}},"after":{{"role":"supervisor","team":"blue"}}}}"#,
                i % 50
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs `clients` threads that each send `per_client` events in batches
/// through `send`; the wall time of the whole.
fn timed_clients(
    clients: usize,
    per_client: usize,
    batch: usize,
    send: impl Fn(&str) -> Result<()> + Sync,
) -> Result<Duration> {
    let body = event_lines(batch);
    let requests = per_client / batch;
    let started = Instant::now();
    std::thread::scope(|s| -> Result<()> {
        let handles: Vec<_> = (0..clients)
            .map(|_| {
                s.spawn(|| -> Result<()> {
                    for _ in 0..requests {
                        send(&body)?;
                    }
                    Ok(())
                })
            })
            .collect();
        for h in handles {
            h.join()
                .map_err(|_| anyhow::anyhow!("a client panicked"))??;
        }
        Ok(())
    })?;
    Ok(started.elapsed())
}

thread_local! {
    static SESSION: std::cell::RefCell<Option<(PathBuf, audit_host::Session)>> =
        const { std::cell::RefCell::new(None) };
}

/// `f` with this thread's session over `store`.
fn thread_session(
    runtime: &Runtime,
    store: &Path,
    f: impl FnOnce(&mut audit_host::Session) -> Result<()>,
) -> Result<()> {
    SESSION.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.as_ref().is_none_or(|(p, _)| p != store) {
            let sqlite = SqliteStore::open_with_busy_timeout(store, Duration::from_secs(30))
                .map_err(anyhow::Error::msg)?;
            *slot = Some((
                store.to_path_buf(),
                runtime.session(Box::new(sqlite), Box::new(SystemClock)),
            ));
        }
        f(&mut slot.as_mut().expect("just set").1)
    })
}

fn fill(runtime: &Runtime, path: &Path, n: usize) -> Result<()> {
    let mut session = runtime.session(
        Box::new(SqliteStore::open(path).map_err(anyhow::Error::msg)?),
        Box::new(SystemClock),
    );
    let body = event_lines(1000);
    let inputs = session.parse_inputs(&body, Some(TENANT))?;
    let mut left = n;
    while left > 0 {
        let k = left.min(1000);
        session.append_batch(&inputs[..k])?;
        left -= k;
    }
    Ok(())
}

fn viewer_record() -> audit_host::bindings::Viewer {
    use audit_host::bindings::{Actor, ActorKind, RequestContext, Viewer};
    Viewer {
        actor: Actor {
            id: "bench".into(),
            name: None,
            email: None,
            kind: ActorKind::User,
        },
        roles: vec!["admin".into()],
        context: RequestContext {
            ip: None,
            user_agent: None,
            session_id: None,
            request_id: None,
        },
    }
}

fn chain_length(path: &Path) -> Result<usize> {
    let conn = rusqlite::Connection::open(path)?;
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM audit_events WHERE tenant = ?1",
        [TENANT],
        |r| r.get(0),
    )?;
    Ok(n as usize)
}

fn quantile(samples: &mut [Duration], q: f64) -> f64 {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
    samples[i.min(samples.len() - 1)].as_secs_f64()
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(600)))
        .build()
        .new_agent()
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Samples a process's resident memory every 10 ms; its peak.
struct Sampler {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: std::thread::JoinHandle<u64>,
}

impl Sampler {
    fn start(pid: u32) -> Sampler {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let mut peak = 0;
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(rss_kib(pid));
                std::thread::sleep(Duration::from_millis(10));
            }
            peak.max(rss_kib(pid))
        });
        Sampler { stop, handle }
    }

    fn stop(self) -> u64 {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.handle.join().unwrap_or(0)
    }
}

/// `audit-host serve` on a free loopback port over `store`.
struct Server {
    child: Child,
    base: String,
    store: PathBuf,
    bin: PathBuf,
}

impl Server {
    fn start(bin: &Path, store: &Path) -> Result<Server> {
        let mut child = Command::new(bin)
            .arg("--store")
            .arg(store)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(["--reads-per-second", "100000", "--read-burst", "100000"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting audit-host serve")?;
        let stderr = child.stderr.take().context("serve's stderr")?;
        let mut lines = BufReader::new(stderr).lines();
        let base = loop {
            let Some(line) = lines.next() else {
                bail!("audit-host serve exited before listening");
            };
            if let Some(rest) = line?.strip_prefix("listening on ") {
                break rest.trim().to_string();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        Ok(Server {
            child,
            base,
            store: store.to_path_buf(),
            bin: bin.to_path_buf(),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn key(&self, scope: &str) -> Result<String> {
        let out = Command::new(&self.bin)
            .arg("--store")
            .arg(&self.store)
            .args(["apikey", "create", "--tenant", TENANT, "--scope", scope])
            .output()?;
        ensure!(
            out.status.success(),
            "apikey create: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(String::from_utf8(out.stdout)?.trim().to_string())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
