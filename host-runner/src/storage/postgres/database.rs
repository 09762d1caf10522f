//! One PostgreSQL database as the store's home: the URL a user gives, the
//! TLS it asks for, and the pool of connections every store of a process
//! takes its connection from.

use super::schema;
use r2d2::{CustomizeConnection, Pool, PooledConnection};
use r2d2_postgres::PostgresConnectionManager;
use std::str::FromStr as _;
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres_rustls::MakeRustlsConnect;

/// The pool's connection manager: the synchronous client over rustls.
pub type Manager = PostgresConnectionManager<MakeRustlsConnect>;
/// A connection lent by the pool; back in the pool when dropped (a broken
/// one is closed instead, so that the next call connects afresh).
pub type Connection = PooledConnection<Manager>;

/// The most connections one process opens to the database: the workers of
/// `serve` and the instances a long verification or export fans out to
/// each hold one while they run.
const MAX_CONNECTIONS: u32 = 64;

/// Whether a store URL names PostgreSQL (`postgres://` or `postgresql://`).
pub fn is_postgres_url(store: &str) -> bool {
    store.starts_with("postgres://") || store.starts_with("postgresql://")
}

/// A PostgreSQL database reached by one URL, with its schema checked (and,
/// opened for writing, created or migrated). Cheap to clone: every clone
/// shares one pool.
#[derive(Clone)]
pub struct Database {
    inner: Arc<Inner>,
}

struct Inner {
    pool: Pool<Manager>,
    /// Why the last connection attempt failed, in full (the pool keeps
    /// only the outermost line: "error connecting to server").
    last_error: Arc<std::sync::Mutex<Option<String>>>,
    /// The URL without its password, for messages.
    shown: String,
    busy_timeout: Duration,
    read_only: bool,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("url", &self.inner.shown)
            .field("read_only", &self.inner.read_only)
            .finish()
    }
}

impl Database {
    /// Connects to the database at `url` (waiting up to `busy_timeout` for
    /// the server to accept), refuses a read-only server, and creates or
    /// migrates the schema (once, whichever process gets there first).
    pub fn open(url: &str, busy_timeout: Duration) -> Result<Self, String> {
        Self::connect(url, busy_timeout, false)
    }

    /// Connects for reading only: a standby replica will do, nothing is
    /// created, and a database without the schema is an error.
    pub fn open_read_only(url: &str, busy_timeout: Duration) -> Result<Self, String> {
        Self::connect(url, busy_timeout, true)
    }

    fn connect(url: &str, busy_timeout: Duration, read_only: bool) -> Result<Self, String> {
        let shown = without_password(url);
        let fail = |e: String| format!("{}: {e}", without_password(url));
        let (config, root_file) = parse(url).map_err(fail)?;
        let tls = tls(root_file.as_deref()).map_err(fail)?;
        let manager = PostgresConnectionManager::new(config, tls);
        let last_error = Arc::new(std::sync::Mutex::new(None));
        let pool = Pool::builder()
            .error_handler(Box::new(KeepLast(last_error.clone())))
            .max_size(MAX_CONNECTIONS)
            // Connections are opened as they are needed, not ahead.
            .min_idle(Some(0))
            // A connection is not pinged before each use (a round trip per
            // call); one found broken by a call is dropped instead, and the
            // next call opens a new one.
            .test_on_check_out(false)
            .connection_timeout(busy_timeout.max(Duration::from_millis(100)))
            .connection_customizer(Box::new(Session {
                lock_timeout_ms: busy_timeout.as_millis().max(1) as u64,
                read_only,
            }))
            .build_unchecked(manager);
        let db = Database {
            inner: Arc::new(Inner {
                pool,
                last_error,
                shown,
                busy_timeout,
                read_only,
            }),
        };
        let mut conn = db.connection().map_err(fail)?;
        server_checks(&mut conn, read_only).map_err(fail)?;
        if read_only {
            schema::check(&mut conn).map_err(fail)?;
        } else {
            schema::migrate(&mut conn).map_err(fail)?;
        }
        Ok(db)
    }

    /// A connection from the pool, opening one when none is idle; fails
    /// once the busy timeout has passed without one (the server refusing
    /// connections, or every connection in use).
    pub fn connection(&self) -> Result<Connection, String> {
        self.inner.pool.get().map_err(|e| {
            let kept = self
                .inner
                .last_error
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take();
            let text = e.to_string();
            let cause = kept.unwrap_or_else(|| {
                match text.strip_prefix("timed out waiting for connection: ") {
                    Some(cause) => cause.to_string(),
                    None => "every connection is in use".to_string(),
                }
            });
            crate::error::one_line(&format!(
                "no connection to the server within {} ms: {cause}",
                self.inner.busy_timeout.as_millis()
            ))
        })
    }

    /// The URL without its password.
    pub fn shown(&self) -> &str {
        &self.inner.shown
    }

    /// How long a call waits for a connection or a lock before `busy`.
    pub(crate) fn busy_timeout(&self) -> Duration {
        self.inner.busy_timeout
    }

    /// Whether the database was opened for reading only.
    pub fn read_only(&self) -> bool {
        self.inner.read_only
    }
}

/// Keeps the full description of the last failed connection attempt.
#[derive(Debug)]
struct KeepLast(Arc<std::sync::Mutex<Option<String>>>);

impl r2d2::HandleError<postgres::Error> for KeepLast {
    fn handle_error(&self, error: postgres::Error) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(super::errors::describe(&error));
    }
}

/// What every new connection is set up with.
#[derive(Debug)]
struct Session {
    lock_timeout_ms: u64,
    read_only: bool,
}

impl CustomizeConnection<postgres::Client, postgres::Error> for Session {
    fn on_acquire(&self, conn: &mut postgres::Client) -> Result<(), postgres::Error> {
        // A writer waits this long for another writer of the same tenant
        // (the head row's lock) before the call fails with `busy`, as the
        // SQLite store's busy timeout does. Times are compared in UTC.
        // Literals are written with standard conforming strings (the
        // default, made sure of: the store's one-round-trip appends rely
        // on it).
        // Each statement is planned for its own bounds (a week of a long
        // log by the time index, the whole log by seq), not by one generic
        // plan for every bound.
        let mut setup = format!(
            "SET lock_timeout = {}; SET TIME ZONE 'UTC'; SET plan_cache_mode = force_custom_plan; SET standard_conforming_strings = on;",
            self.lock_timeout_ms
        );
        if self.read_only {
            setup.push_str(" SET default_transaction_read_only = on;");
        }
        conn.batch_execute(&setup)
    }
}

/// The client configuration for `url`, and the `sslrootcert` file it
/// names, if any (read here: the client library does not know the key).
fn parse(url: &str) -> Result<(postgres::Config, Option<String>), String> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut root_file = None;
    let mut kept = Vec::new();
    let mut sslmode = false;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("sslrootcert", file)) => {
                root_file = Some(
                    form_urlencoded::parse(format!("f={file}").as_bytes())
                        .next()
                        .map(|(_, v)| v.into_owned())
                        .unwrap_or_default(),
                )
            }
            Some(("sslmode", mode)) => {
                sslmode = true;
                if !matches!(mode, "disable" | "prefer" | "require") {
                    return Err(format!(
                        "sslmode={mode}: one of disable, prefer, require (require verifies the server's certificate)"
                    ));
                }
                kept.push(pair);
            }
            _ => kept.push(pair),
        }
    }
    let rebuilt = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    let mut config = postgres::Config::from_str(&rebuilt)
        .map_err(|e| crate::error::one_line(&format!("not a PostgreSQL URL: {e}")))?;
    if !sslmode {
        // Plain unless the URL asks for TLS: libpq's `prefer` would try TLS
        // first, and a server's self-signed certificate would then fail the
        // verification every TLS connection here makes.
        config.ssl_mode(postgres::config::SslMode::Disable);
    }
    if config.get_application_name().is_none() {
        config.application_name("audit-host");
    }
    if config.get_dbname().is_none() {
        return Err("the URL names no database (postgres://USER@HOST:PORT/DATABASE)".into());
    }
    Ok((config, root_file))
}

/// TLS for `sslmode=require` and `prefer`: the server's certificate is
/// verified against the Mozilla roots, or against the certificates of the
/// `sslrootcert` file when the URL names one (a private CA).
fn tls(root_file: Option<&str>) -> Result<MakeRustlsConnect, String> {
    use rustls::pki_types::{CertificateDer, pem::PemObject as _};
    let mut roots = rustls::RootCertStore::empty();
    match root_file {
        Some(file) => {
            let certs = CertificateDer::pem_file_iter(file)
                .map_err(|e| format!("sslrootcert={file}: {e}"))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("sslrootcert={file}: {e}"))?;
            if certs.is_empty() {
                return Err(format!("sslrootcert={file}: no certificate in the file"));
            }
            for cert in certs {
                roots
                    .add(cert)
                    .map_err(|e| format!("sslrootcert={file}: {e}"))?;
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// What the server must be: UTF-8 (bodies are stored byte for byte) and,
/// for a writer, the primary.
fn server_checks(conn: &mut Connection, read_only: bool) -> Result<(), String> {
    let row = conn
        .query_one(
            "SELECT current_setting('server_encoding'), pg_is_in_recovery()",
            &[],
        )
        .map_err(|e| super::errors::describe(&e))?;
    let encoding: String = row.get(0);
    let standby: bool = row.get(1);
    if encoding != "UTF8" {
        return Err(format!(
            "the database's encoding is {encoding}, not UTF8: events are stored byte for byte (CREATE DATABASE ... ENCODING 'UTF8')"
        ));
    }
    if standby && !read_only {
        return Err(
            "the server is a read-only standby (pg_is_in_recovery): give the primary's address to write"
                .into(),
        );
    }
    Ok(())
}

/// `url` with its password, if any, replaced by `***`.
pub fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{name}:***@{host}"),
            None => authority.to_string(),
        },
        None => authority.to_string(),
    };
    let tail = tail
        .split('&')
        .map(|p| {
            if p.starts_with("password=") || p.contains("?password=") {
                let (head, _) = p.split_once("password=").unwrap_or((p, ""));
                format!("{head}password=***")
            } else {
                p.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("&");
    format!("{scheme}://{authority}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_shown() {
        assert_eq!(
            without_password("postgres://app:s3cret@db:5432/audit"),
            "postgres://app:***@db:5432/audit"
        );
        assert_eq!(
            without_password("postgres://app@db/audit?password=x&sslmode=require"),
            "postgres://app@db/audit?password=***&sslmode=require"
        );
        assert_eq!(
            without_password("postgresql://db/audit"),
            "postgresql://db/audit"
        );
    }

    #[test]
    fn urls_are_checked() {
        assert!(parse("postgres://u@h/db?sslmode=verify-full").is_err());
        assert!(parse("postgres://u@h").is_err());
        let (config, root) = parse("postgres://u@h/db?sslrootcert=%2Ftmp%2Fca.pem").unwrap();
        assert_eq!(root.as_deref(), Some("/tmp/ca.pem"));
        assert_eq!(config.get_ssl_mode(), postgres::config::SslMode::Disable);
        let (config, _) = parse("postgres://u@h/db?sslmode=require").unwrap();
        assert_eq!(config.get_ssl_mode(), postgres::config::SslMode::Require);
    }
}
