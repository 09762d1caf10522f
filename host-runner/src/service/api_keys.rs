//! Service keys of `audit-host serve`: each works for one tenant and one
//! scope. The key itself is shown once, when it is made; the store keeps
//! only its SHA-256 (a key is 256 random bits, so a plain hash is enough:
//! nothing can be guessed from it), in a table of its own beside the
//! component's rows, so that every `serve` process on the same store knows
//! the same keys.

use anyhow::{Context as _, Result, bail};
use audit_host::storage::postgres::{Database, errors as postgres_errors};
use base64ct::{Base64UrlUnpadded, Encoding as _};
use rusqlite::Connection;
use sha2::{Digest as _, Sha256};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

/// What a key may do. Each scope includes those before it in
/// [`Scope::includes`]'s order: `admin` may also read and ingest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Record events and authentication records; never read.
    Ingest,
    /// Read the log, export it, verify it, list its actions, make viewer
    /// tokens.
    Read,
    /// Everything: also settings and checkpoints.
    Admin,
}

impl Scope {
    /// The name stored and shown.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Ingest => "ingest",
            Scope::Read => "read",
            Scope::Admin => "admin",
        }
    }

    fn parse(name: &str) -> Option<Scope> {
        match name {
            "ingest" => Some(Scope::Ingest),
            "read" => Some(Scope::Read),
            "admin" => Some(Scope::Admin),
            _ => None,
        }
    }

    /// Whether a key of this scope may make a call that needs `needed`.
    pub fn includes(self, needed: Scope) -> bool {
        self == needed || self == Scope::Admin
    }
}

/// One key, as listed (never the key itself).
#[derive(Debug, Clone, serde::Serialize)]
pub struct KeyInfo {
    /// Its id: `key_` and 16 hex digits of its hash.
    pub id: String,
    /// The tenant it works for.
    pub tenant: String,
    /// What it may do.
    pub scope: Scope,
    /// A name for people (`billing-backend`).
    pub name: Option<String>,
    /// When it was made (RFC 3339, UTC).
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// The table of keys, over its own connection to the store: the SQLite
/// file, or the PostgreSQL database (whose schema has the table).
pub struct ApiKeys {
    table: Table,
}

enum Table {
    Sqlite(Mutex<Connection>),
    Postgres(Database),
}

/// Every value and column of the key table is text (or NULL).
type Values = Vec<Option<String>>;

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS service_keys (
    id TEXT PRIMARY KEY,
    key_hash TEXT NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    scope TEXT NOT NULL,
    name TEXT,
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT";

/// The prefix of every key, so that secret scanners and people can tell one.
pub const KEY_PREFIX: &str = "ak_";

impl ApiKeys {
    /// The keys kept in the SQLite store at `path` (created on first use);
    /// `:memory:` keeps them for this process only.
    pub fn open(path: &Path, busy_timeout: Duration) -> Result<Self> {
        let conn = if path.as_os_str() == ":memory:" {
            Connection::open_in_memory()
        } else {
            Connection::open(path)
        }
        .with_context(|| format!("opening the key table in {}", path.display()))?;
        conn.busy_timeout(busy_timeout)?;
        conn.execute_batch(SCHEMA)
            .with_context(|| format!("creating the key table in {}", path.display()))?;
        Ok(ApiKeys {
            table: Table::Sqlite(Mutex::new(conn)),
        })
    }

    /// The keys kept in a PostgreSQL store (its schema has the table).
    pub fn postgres(db: Database) -> Self {
        ApiKeys {
            table: Table::Postgres(db),
        }
    }

    /// Runs a statement (`$1`, `$2`, ... in both SQL dialects); the rows
    /// it returns.
    fn run(&self, sql: &str, values: &[Option<&str>]) -> Result<(u64, Vec<Values>)> {
        match &self.table {
            Table::Sqlite(conn) => {
                // A panic while the lock was held left no half-done write
                // behind (each statement is its own transaction).
                let conn = conn.lock().unwrap_or_else(|p| p.into_inner());
                // `$N` is a name in SQLite, numbered in the order the names
                // first appear; `?N` is the N-th value, as `$N` is in
                // PostgreSQL.
                let mut statement = conn.prepare(&sql.replace('$', "?"))?;
                let columns = statement.column_count();
                if columns == 0 {
                    let n = statement.execute(rusqlite::params_from_iter(values))?;
                    return Ok((n as u64, Vec::new()));
                }
                let rows = statement
                    .query_map(rusqlite::params_from_iter(values), |r| {
                        (0..columns)
                            .map(|i| r.get(i))
                            .collect::<rusqlite::Result<Values>>()
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok((rows.len() as u64, rows))
            }
            // The service looks keys up on its async threads, where the
            // synchronous client may not block: the thread is handed over
            // to blocking work for the call (SQLite's lookups are a read of
            // a local page).
            Table::Postgres(db) => off_async(|| {
                let mut conn = db.connection().map_err(|e| anyhow::anyhow!(e))?;
                let params: Vec<&(dyn postgres::types::ToSql + Sync)> = values
                    .iter()
                    .map(|v| v as &(dyn postgres::types::ToSql + Sync))
                    .collect();
                let rows = conn
                    .query(sql, &params)
                    .map_err(|e| anyhow::anyhow!(postgres_errors::describe(&e)))?;
                let n = rows.len() as u64;
                let rows = rows
                    .iter()
                    .map(|r| (0..r.len()).map(|i| r.get(i)).collect())
                    .collect::<Vec<Values>>();
                Ok((n, rows))
            }),
        }
    }

    /// Makes a key: its details and the key itself, which is not kept.
    pub fn create(
        &self,
        tenant: &str,
        scope: Scope,
        name: Option<&str>,
    ) -> Result<(KeyInfo, String)> {
        if !valid_tenant(tenant) {
            bail!(
                "--tenant: 1 to 128 ASCII letters, digits and '.', '_', '-', ':', '@' (as the log's tenants)"
            );
        }
        if let Some(name) = name
            && (name.is_empty() || name.len() > 128 || name.chars().any(char::is_control))
        {
            bail!("--name: 1 to 128 bytes without control characters");
        }
        let mut random = [0u8; 32];
        getrandom::fill(&mut random)
            .map_err(|e| anyhow::anyhow!("no randomness for a key: {e}"))?;
        let secret = format!("{KEY_PREFIX}{}", Base64UrlUnpadded::encode_string(&random));
        let hash = hash(&secret);
        let info = KeyInfo {
            id: format!("key_{}", &hash[..16]),
            tenant: tenant.to_string(),
            scope,
            name: name.map(String::from),
            created_at: now(),
            revoked_at: None,
        };
        self.run(
            "INSERT INTO service_keys (id, key_hash, tenant, scope, name, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                Some(&info.id),
                Some(&hash),
                Some(&info.tenant),
                Some(scope.name()),
                info.name.as_deref(),
                Some(&info.created_at),
            ],
        )?;
        Ok((info, secret))
    }

    /// Every key (of one tenant, when given), oldest first.
    pub fn list(&self, tenant: Option<&str>) -> Result<Vec<KeyInfo>> {
        let (_, rows) = match tenant {
            Some(t) => self.run(
                &format!("{SELECT} WHERE tenant = $1 ORDER BY created_at, id"),
                &[Some(t)],
            )?,
            None => self.run(&format!("{SELECT} ORDER BY created_at, id"), &[])?,
        };
        rows.into_iter()
            .map(|r| row_info(r).context("a key row of an unknown scope"))
            .collect()
    }

    /// Revokes the key with this id; false when there is none (or it was
    /// revoked already).
    pub fn revoke(&self, id: &str) -> Result<bool> {
        let (changed, _) = self.run(
            "UPDATE service_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id",
            &[Some(id), Some(&now())],
        )?;
        Ok(changed == 1)
    }

    /// The key `secret` is, when it is one and not revoked.
    pub fn find(&self, secret: &str) -> Result<Option<KeyInfo>> {
        if !secret.starts_with(KEY_PREFIX) {
            return Ok(None);
        }
        let (_, rows) = self.run(
            &format!("{SELECT} WHERE key_hash = $1 AND revoked_at IS NULL"),
            &[Some(&hash(secret))],
        )?;
        Ok(rows.into_iter().next().and_then(row_info))
    }

    /// Whether the table can be read now (the readiness check).
    pub fn reachable(&self) -> bool {
        self.run("SELECT id FROM service_keys WHERE 1 = 0", &[])
            .is_ok()
    }
}

/// Runs `f`, which blocks, on a thread of the async runtime by handing the
/// thread over to blocking work first (anywhere else, just runs it).
fn off_async<R>(f: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

const SELECT: &str = "SELECT id, tenant, scope, name, created_at, revoked_at FROM service_keys";

/// A row of [`SELECT`]'s columns.
fn row_info(row: Values) -> Option<KeyInfo> {
    let mut row = row.into_iter();
    let mut next = || row.next().flatten();
    let (id, tenant, scope) = (next(), next(), next());
    let scope = Scope::parse(scope.as_deref()?)?;
    Some(KeyInfo {
        id: id.unwrap_or_default(),
        tenant: tenant.unwrap_or_default(),
        scope,
        name: next(),
        created_at: next().unwrap_or_default(),
        revoked_at: next(),
    })
}

fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The log's own rule for tenant names, checked here because a key is made
/// before its tenant has any event.
pub fn valid_tenant(tenant: &str) -> bool {
    (1..=128).contains(&tenant.len())
        && tenant
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-_:@".contains(&b))
}
