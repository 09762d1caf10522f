//! `audit-host serve`: the flags of the HTTP service, and what they open:
//! the runtime, a session per worker over its own connection to the store,
//! the key table, the master key, the signing key.

use super::global::Global;
use super::input;
use crate::service::{self, api_keys::ApiKeys, limits, state::AppState, workers::Workers};
use anyhow::{Context as _, Result};
use audit_host::SigningKey;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to listen (`127.0.0.1:0` picks a free port; the address is
    /// printed as `listening on http://HOST:PORT` on standard error).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: SocketAddr,

    /// Component calls at once (each on its own thread, with its own
    /// instance and store connection) [default: the number of cores].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    workers: Option<u32>,

    /// The private key checkpoints are signed with (PKCS#8 PEM, from
    /// `audit-host keygen`); without it POST .../checkpoints answers 503.
    #[arg(long, value_name = "FILE")]
    signing_key: Option<PathBuf>,

    /// The largest request body, in MiB (413 beyond it).
    #[arg(long, default_value_t = 16, value_name = "MIB",
          value_parser = clap::value_parser!(u64).range(1..=64))]
    max_body_mib: u64,

    /// Time a client has to send a request's headers, in milliseconds.
    #[arg(long, default_value_t = 10_000, value_name = "MS")]
    header_timeout_ms: u64,

    /// Time a client has to send a request's body, in milliseconds (408
    /// beyond it).
    #[arg(long, default_value_t = 30_000, value_name = "MS")]
    body_timeout_ms: u64,

    /// Requests handled at once; more get 503 with Retry-After.
    #[arg(long, default_value_t = 256, value_name = "N")]
    max_in_flight: usize,

    /// How long a request waits for a free worker before 503, in
    /// milliseconds.
    #[arg(long, default_value_t = 10_000, value_name = "MS")]
    worker_wait_ms: u64,

    /// Reads (pages, exports, verifications) per second per key or viewer
    /// token; beyond it 429 with Retry-After.
    #[arg(long, default_value_t = 50, value_name = "N")]
    reads_per_second: u32,

    /// Reads a key may make at once before --reads-per-second applies.
    #[arg(long, default_value_t = 100, value_name = "N")]
    read_burst: u32,

    /// How long SIGTERM waits for the requests in flight, in seconds.
    #[arg(long, default_value_t = 30, value_name = "S")]
    shutdown_grace_s: u64,
}

pub fn run(cli: &Global, args: &Args) -> Result<ExitCode> {
    let signing_key = match &args.signing_key {
        Some(path) => {
            let pem = input::text("--signing-key", path, input::KEY_BYTES)?;
            Some(Arc::new(SigningKey::from_pem(&pem).map_err(|e| {
                anyhow::anyhow!("--signing-key {}: {e}", path.display())
            })?))
        }
        None => None,
    };
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let workers = args.workers.map_or(cores, |n| n as usize);
    let runtime = cli.runtime()?;
    let master = cli.master_key()?;
    let keyring: Arc<dyn audit_host::Keyring> = Arc::new(master.clone());
    // One store for `:memory:`, shared by every worker in turn, so that
    // what one request stores the next one reads.
    let shared_memory =
        (cli.store.as_os_str() == ":memory:").then(audit_host::SharedMemoryStore::new);
    // A bad --clock is refused now, not at the first request.
    cli.clock()?;
    let make = {
        let global = cli.clone();
        move || -> Result<audit_host::Session> {
            let store: Box<dyn audit_host::EventStore> = match &shared_memory {
                Some(memory) => Box::new(memory.clone()),
                None => global.open_store()?,
            };
            Ok(runtime
                .session(store, global.clock()?)
                .with_keyring(keyring.clone()))
        }
    };
    // The store is made (or its schema checked) once, before any worker
    // opens it: a store that cannot be opened stops `serve` here.
    drop(cli.open_store()?);
    let keys = match cli.postgres(false)? {
        Some(db) => ApiKeys::postgres(db),
        None => ApiKeys::open(&cli.store, Duration::from_millis(cli.busy_timeout_ms))?,
    };
    let limits = limits::Limits {
        max_body_bytes: (args.max_body_mib * 1024 * 1024) as usize,
        header_timeout: Duration::from_millis(args.header_timeout_ms.max(1)),
        body_timeout: Duration::from_millis(args.body_timeout_ms.max(1)),
        max_in_flight: args.max_in_flight.max(1),
        reads_per_second: args.reads_per_second.max(1),
        read_burst: args.read_burst.max(1),
    };
    let state = AppState {
        workers: Workers::new(
            workers,
            Duration::from_millis(args.worker_wait_ms),
            Box::new(make),
        ),
        keys,
        master,
        signing_key,
        read_rate: limits::rate_limiter(&limits),
        limits,
    };
    service::run(
        service::Config {
            listen: args.listen,
            io_threads: cores,
            shutdown_grace: Duration::from_secs(args.shutdown_grace_s),
        },
        state,
    )
    .context("serve")?;
    Ok(ExitCode::SUCCESS)
}
