//! The options every subcommand takes (`--store`, the limits, the clock,
//! the key file), and what they open: the runtime, the store, the clock, a
//! session.

use super::input;
use super::output::Protected;
use anyhow::{Context as _, Result};
use audit_host::{
    Clock, EventStore, MemoryStore, Options, Runtime, Session, SqliteStore, SteppingClock,
    SystemClock,
};
use std::path::PathBuf;
use std::time::Duration;

/// The global options.
#[derive(Debug, Clone, clap::Args)]
pub struct Global {
    /// The SQLite store file (created on first use); a PostgreSQL
    /// database's URL, postgres://USER@HOST:PORT/DATABASE (schema created on
    /// first use; ?sslmode=require for TLS); or `:memory:` for a store that
    /// lives only as long as the command.
    #[arg(
        long,
        global = true,
        env = "AUDIT_STORE",
        default_value = "audit.db",
        value_name = "PATH|URL"
    )]
    pub store: PathBuf,

    /// The PostgreSQL databases opened so far (for writing, for reading):
    /// one pool each, shared by every session of the command.
    #[arg(skip)]
    databases:
        std::sync::Arc<std::sync::Mutex<[Option<audit_host::storage::postgres::Database>; 2]>>,

    /// Run this build of the component (a .wasm file) instead of the one
    /// built into audit-host.
    #[arg(long, global = true, value_name = "FILE")]
    pub component: Option<PathBuf>,

    /// Where compiled code is cached [default: $XDG_CACHE_HOME/audit-host or ~/.cache/audit-host].
    #[arg(long, global = true, env = "AUDIT_CACHE_DIR", value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Compile the component at start instead of using the cache.
    #[arg(long, global = true)]
    pub no_cache: bool,

    /// Linear memory one component instance may use, in MiB.
    #[arg(long, global = true, default_value_t = 512, value_name = "MIB")]
    pub memory_limit_mib: usize,

    /// Time one call into the component may run, in milliseconds.
    #[arg(long, global = true, default_value_t = 30_000, value_name = "MS")]
    pub deadline_ms: u64,

    /// Text one call may hand to the component, in MiB (every string of a
    /// call in all; a settings or actions file). At most 64, the
    /// component's own limit per call: `append` streams larger files
    /// through in batches (--batch-size).
    #[arg(long, global = true, default_value_t = 64, value_name = "MIB",
          value_parser = clap::value_parser!(u64).range(1..=64))]
    pub max_input_mib: u64,

    /// How long a write waits for another process holding the store before
    /// it fails with `store: busy`, in milliseconds.
    #[arg(long, global = true, default_value_t = 10_000, value_name = "MS")]
    pub busy_timeout_ms: u64,

    /// Use a clock that starts at this RFC 3339 time and advances 1 ms per
    /// reading, instead of the system clock: reproducible ids and hashes.
    #[arg(long, global = true, env = "AUDIT_CLOCK", value_name = "TIME")]
    pub clock: Option<String>,

    /// The master key that fingerprints redacted values (64 hex digits in a
    /// file, created with mode 0600 on first use) [default: the store's path
    /// with .key added; AUDIT_KEY may give the key itself].
    #[arg(long, global = true, env = "AUDIT_KEY_FILE", value_name = "PATH")]
    pub key_file: Option<PathBuf>,
}

impl Global {
    /// The runtime with the options given on the command line.
    pub fn runtime(&self) -> Result<Runtime> {
        let options = Options {
            memory_limit_bytes: self.memory_limit_mib.saturating_mul(1024 * 1024),
            call_deadline: Duration::from_millis(self.deadline_ms),
            max_input_bytes: self.max_input_bytes() as usize,
            cache_dir: if self.no_cache {
                None
            } else {
                self.cache_dir
                    .clone()
                    .or_else(audit_host::cache::default_dir)
            },
            // One command is one session: a pool (3 ms to reserve at start)
            // would save 10 µs once. Long-lived hosts keep the pool.
            max_instances: 0,
        };
        Ok(match &self.component {
            None => Runtime::new(options)?,
            Some(path) => {
                let bytes = input::bytes("--component", path, input::COMPONENT_BYTES)?;
                Runtime::with_component(&bytes, options)?
            }
        })
    }

    pub fn open_store(&self) -> Result<Box<dyn EventStore>> {
        if self.store.as_os_str() == ":memory:" {
            return Ok(Box::new(MemoryStore::new()));
        }
        if let Some(db) = self.postgres(false)? {
            return Ok(Box::new(audit_host::PostgresStore::new(db)));
        }
        let busy_timeout = Duration::from_millis(self.busy_timeout_ms);
        let store = SqliteStore::open_with_busy_timeout(&self.store, busy_timeout)
            .map_err(audit_host::HostError::Storage)?;
        Ok(Box::new(store))
    }

    /// The store for a command that only reads it (verify, checkpoint,
    /// settings show, a tenant's actions): opened read-only, never created.
    /// A missing store is an error, unless `missing_is_empty` (what a
    /// tenant's settings or catalog are before anything was stored: the
    /// defaults, shown without creating a store).
    pub fn open_store_read_only(&self, missing_is_empty: bool) -> Result<Box<dyn EventStore>> {
        match self.postgres(true) {
            Ok(Some(db)) => return Ok(Box::new(audit_host::PostgresStore::new(db))),
            // A database nothing was stored in is what a missing file is.
            Err(e)
                if missing_is_empty
                    && e.to_string()
                        .contains(audit_host::storage::postgres::NO_SCHEMA) =>
            {
                return Ok(Box::new(MemoryStore::new()));
            }
            Err(e) => return Err(e),
            Ok(None) => {}
        }
        if self.store.as_os_str() == ":memory:"
            || (missing_is_empty && std::fs::symlink_metadata(&self.store).is_err())
        {
            return Ok(Box::new(MemoryStore::new()));
        }
        let busy_timeout = Duration::from_millis(self.busy_timeout_ms);
        let store = SqliteStore::open_read_only(&self.store, busy_timeout)
            .map_err(audit_host::HostError::Storage)?;
        Ok(Box::new(store))
    }

    /// The PostgreSQL URL `--store` gives, if it gives one.
    pub fn postgres_url(&self) -> Option<&str> {
        self.store
            .to_str()
            .filter(|s| audit_host::storage::postgres::is_postgres_url(s))
    }

    /// The store as shown in messages: the file, or the URL without its
    /// password.
    pub fn store_shown(&self) -> String {
        match self.postgres_url() {
            Some(url) => audit_host::storage::postgres::without_password(url),
            None => self.store.display().to_string(),
        }
    }

    /// Whether the store is a file beside which files are kept (the key,
    /// a demo's exports): neither `:memory:` nor a database URL.
    pub fn store_is_file(&self) -> bool {
        self.store.as_os_str() != ":memory:" && self.postgres_url().is_none()
    }

    /// The PostgreSQL database `--store` names, connected (and, for
    /// writing, its schema made) at its first use in this command.
    pub fn postgres(
        &self,
        read_only: bool,
    ) -> Result<Option<audit_host::storage::postgres::Database>> {
        let Some(url) = self.postgres_url() else {
            return Ok(None);
        };
        let mut open = self.databases.lock().unwrap_or_else(|p| p.into_inner());
        let slot = &mut open[usize::from(read_only)];
        if let Some(db) = slot {
            return Ok(Some(db.clone()));
        }
        let busy_timeout = Duration::from_millis(self.busy_timeout_ms);
        let db = if read_only {
            audit_host::storage::postgres::Database::open_read_only(url, busy_timeout)
        } else {
            audit_host::storage::postgres::Database::open(url, busy_timeout)
        }
        .map_err(audit_host::HostError::Storage)?;
        *slot = Some(db.clone());
        Ok(Some(db))
    }

    /// A session for a command that only reads the store (see
    /// [`Global::open_store_read_only`]).
    pub fn read_only_session(&self, missing_is_empty: bool) -> Result<Session> {
        let runtime = self.runtime()?;
        Ok(runtime
            .session(self.open_store_read_only(missing_is_empty)?, self.clock()?)
            .with_keyring(self.keyring()?))
    }

    /// One session per core over the store (each its own connection), for
    /// the work `audit_host::fanout` splits: read-only ones for a command
    /// that only reads.
    pub fn sessions_per_core(&self, read_only: bool) -> Result<Vec<Session>> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let runtime = self.runtime()?;
        let keyring = self.keyring()?;
        (0..cores)
            .map(|_| {
                let store = if read_only {
                    self.open_store_read_only(false)?
                } else {
                    self.open_store()?
                };
                Ok(runtime
                    .session(store, self.clock()?)
                    .with_keyring(keyring.clone()))
            })
            .collect()
    }

    pub fn clock(&self) -> Result<Box<dyn Clock>> {
        Ok(match &self.clock {
            None => Box::new(SystemClock),
            Some(start) => {
                Box::new(SteppingClock::parse(start).map_err(|e| anyhow::anyhow!("--clock: {e}"))?)
            }
        })
    }

    /// A session over the store and clock given on the command line, with
    /// the store's fingerprint key.
    pub fn session(&self) -> Result<Session> {
        let runtime = self.runtime()?;
        Ok(runtime
            .session(self.open_store()?, self.clock()?)
            .with_keyring(self.keyring()?))
    }

    /// The fingerprint key: `AUDIT_KEY`, else `--key-file`, else the file
    /// next to the store; a store in memory gets a key for this run only.
    /// The file is read (or created) the first time a fingerprint is needed.
    pub fn keyring(&self) -> Result<std::sync::Arc<dyn audit_host::Keyring>> {
        if let Ok(hex) = std::env::var("AUDIT_KEY") {
            return Ok(std::sync::Arc::new(
                audit_host::MasterKey::from_hex(&hex).context("AUDIT_KEY")?,
            ));
        }
        Ok(match self.key_path() {
            Some(path) => std::sync::Arc::new(audit_host::KeyFile::new(path)),
            None if self.postgres_url().is_some() => std::sync::Arc::new(NoKey),
            None => std::sync::Arc::new(audit_host::MasterKey::generate()?),
        })
    }

    /// The same key itself, read or created now: what `serve` also derives
    /// its token keys from.
    pub fn master_key(&self) -> Result<audit_host::MasterKey> {
        if let Ok(hex) = std::env::var("AUDIT_KEY") {
            return audit_host::MasterKey::from_hex(&hex).context("AUDIT_KEY");
        }
        Ok(match self.key_path() {
            Some(path) => audit_host::MasterKey::load_or_create(&path)?,
            None if self.postgres_url().is_some() => anyhow::bail!("{NO_KEY}"),
            None => audit_host::MasterKey::generate()?,
        })
    }

    /// The key's file: `--key-file`, else the one next to the store; none
    /// for a store in memory.
    fn key_path(&self) -> Option<PathBuf> {
        match &self.key_file {
            Some(path) => Some(path.clone()),
            None if !self.store_is_file() => None,
            None => Some(audit_host::MasterKey::path_for_store(&self.store)),
        }
    }

    /// `--max-input-mib` in bytes.
    pub fn max_input_bytes(&self) -> u64 {
        self.max_input_mib * 1024 * 1024
    }

    /// The files no output of this command may replace: the store and its
    /// SQLite companions, and the fingerprint key file.
    pub fn protected(&self) -> Protected {
        let mut p = Protected::default();
        if self.store_is_file() {
            p.store(&self.store);
        }
        match &self.key_file {
            Some(path) => p.add("the fingerprint key file (--key-file)", path),
            None if self.store_is_file() => p.add(
                "the store's fingerprint key file",
                &audit_host::MasterKey::path_for_store(&self.store),
            ),
            None => {}
        }
        if let Some(path) = &self.component {
            p.add("the component (--component)", path);
        }
        p
    }
}

/// Why a PostgreSQL store has no fingerprint key by default.
const NO_KEY: &str = "fingerprint key: a PostgreSQL store has no file beside it to keep one in; give --key-file or AUDIT_KEY, the same on every host that uses this database";

/// The keyring of a PostgreSQL store given no key: a call that needs a
/// fingerprint fails, naming the options, instead of every host making up
/// a key of its own (their fingerprints would never match).
struct NoKey;

impl audit_host::Keyring for NoKey {
    fn fingerprints(
        &self,
        _tenant: &str,
        _messages: &[Vec<u8>],
    ) -> std::result::Result<Option<Vec<[u8; 32]>>, String> {
        Err(NO_KEY.into())
    }
}
